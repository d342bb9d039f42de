package ledger_test

import (
	"testing"

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
	prog := &incentive.Program{
		ID: "dated", Version: 1, Hash: "dated-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.02"))},
		},
	}
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
