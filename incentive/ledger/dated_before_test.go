package ledger_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// An operation on a claim dated before the claim's submission is refused
// and records nothing (reported by reviewer rlead8): `ledger accrue -as-of
// 2026-12-15` and then `approve` without -as-of (the clock, 2026-12-01)
// approved the claim on a day before it was accrued, and a statement
// through 2026-12-10 read an accrued of -240.00 (the approval's move out
// of accrued, without the accrual that put it there). The same day, in the
// program's zone, is late enough.
func TestClaimOperationDatedBeforeSubmission(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("dated")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Actor: "ops"}))
	h.Clock.Set("2026-12-15")
	// 12,000.00 x 2% = 240.00, pending approval.
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.PendingApproval, c.State)

	h.Clock.Set("2026-12-01")
	for name, op := range map[string]func() error{
		"approve": func() error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mgr"})
			return err
		},
		"reject": func() error {
			_, err := h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "mgr", Reason: "no"})
			return err
		},
		"withdraw": func() error {
			_, err := h.Ledger.Withdraw(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "acme", Reason: "no"})
			return err
		},
	} {
		err := op()
		require.ErrorIs(t, err, ledger.ErrInvalid, name)
		assert.Contains(t, err.Error(), "claim "+c.ID+" was submitted on 2026-12-15: an operation dated 2026-12-01 would come before it", name)
	}
	// Nothing was recorded: the claim still waits, and the statement
	// through 2026-12-10 has nothing for the partner (the accrual is
	// effective 2026-12-15).
	got, err := h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID})
	require.NoError(t, err)
	assert.Equal(t, ledger.PendingApproval, got.State)
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-12-10")}))(t)
	assert.Empty(t, st.Lines)

	// The day of the submission itself is allowed.
	h.Clock.Set("2026-12-15")
	got = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mgr", Role: "manager"}))(t)
	assert.Equal(t, ledger.PayableState, got.State)
	h.ZeroSum()
}

// A clawback dated before the payment it takes back is refused and records
// nothing (reported by reviewer rledger9): paid in a batch as of
// 2026-11-30 and clawed back on a clock reading 2026-11-03, a statement
// through 2026-11-10 read the claim payable 240.00 with 240.00 already
// withheld. On the batch's date it is allowed.
func TestClawBackDatedBeforePayment(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("dated")
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once (no approval step).
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)

	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "claim "+c.ID+" was paid in batch B-1 as of 2026-11-30: a clawback dated 2026-11-03 would come before the payment (date it on or after 2026-11-30)")
	got, err := h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID})
	require.NoError(t, err)
	assert.Equal(t, ledger.PaidState, got.State)
	assert.True(t, got.ClawedBack.IsZero())

	h.Clock.Set("2026-11-30")
	got = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "240.00", got.ClawedBack.Amount().StringFixed(2))
	h.ZeroSum()
}

// spiff2Program pays 2% of the deal amount as a SPIFF in Q4 2026, in USD.
func spiff2Program(id string) *incentive.Program {
	return &incentive.Program{
		ID: id, Version: 1, Hash: id + "-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.02"))},
		},
	}
}

// A deal is claimed once it has closed: a submission dated before the
// deal's close day (in the program's time zone) is refused with
// ErrNotClosed (and ErrInvalid), stores nothing, and the same key
// submitted again once the deal has closed records the claim. Claimed on
// the close day itself, it is accepted. (Reviewer newcomer10: the README's
// quarter accrued on 2026-12-15 deals closing through 2026-12-31, and
// approve and pay then paid a 2,500.00 claim fifteen days before its sale
// closed.)
func TestSubmitRefusesDealNotYetClosed(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("early")
	prog.Effective.Location = tokyo
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	// Closed at 12:00 UTC on 2026-12-20: 21:00 in Tokyo, that day.
	deal := ledgertest.Deal("D-1", "P-1", "12000.00", "2026-12-20")
	// 12:00 UTC on 2026-12-19 is 21:00 in Tokyo: the day before the close.
	h.Clock.Set("2026-12-19")
	_, err = h.Submit("early", deal, ledgertest.Gold("P-1"))
	require.ErrorIs(t, err, ledger.ErrNotClosed)
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "deal D-1 closes on 2026-12-20, after the claim's day 2026-12-19")
	cs, err := h.Store.Claims(h.Ctx, ledger.ClaimsParams{})
	require.NoError(t, err)
	assert.Empty(t, cs, "nothing stored")

	// On the close day: 12,000.00 x 2% = 240.00, approved at once.
	h.Clock.Set("2026-12-20")
	c := ledgertest.Must(h.Submit("early", deal, ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "240.00", c.Amount.Amount().StringFixed(2))
	h.ZeroSum()
}
