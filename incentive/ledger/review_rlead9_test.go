package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// A payment run dated in the past counts on the day it runs ("a run dated
// in the past pays what is payable now, counted on the day it moves"):
// run as of 2026-11-20 on a clock reading 2026-11-30, the batch and its
// payment are effective 2026-11-30. A clawback dated 2026-11-25 is on or
// after the batch's AsOf, yet before the payment it takes back: it was
// accepted, and a statement through 2026-11-27 read the claim's 240.00
// still payable with 240.00 already withheld, the shape
// TestClawBackDatedBeforePayment refuses.
func TestReviewRlead9ClawBackBeforeBackdatedRunsPayment(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("dated")
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once.
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	h.Clock.Set("2026-11-30")
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-20"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)

	h.Clock.Set("2026-11-25")
	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "a clawback dated 2026-11-25 would come before the payment (date it on or after 2026-11-30)")
	got, err := h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID})
	require.NoError(t, err)
	assert.Equal(t, ledger.PaidState, got.State)
	assert.True(t, got.ClawedBack.IsZero())
	// Through 2026-11-27 the claim is payable (the run moves it on
	// 2026-11-30) and nothing is withheld.
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-11-27")}))(t)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "240.00", st.Lines[0].Payable.Amount().StringFixed(2))
	assert.True(t, st.Lines[0].Withheld.IsZero(), "withheld %s", st.Lines[0].Withheld)

	// On the day the payment counts it is allowed.
	h.Clock.Set("2026-11-30")
	got = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "240.00", got.ClawedBack.Amount().StringFixed(2))
	h.ZeroSum()
}

// MarkPaid's On dates the payment later than the batch's AsOf: run as of
// 2026-11-30 and paid on 2026-12-20, the payment entry is effective
// 2026-12-20. A clawback dated 2026-12-05 took back what the ledger, through
// 2026-12-10, had not yet paid: batched 240.00, paid 0, withheld -240.00.
func TestReviewRlead9ClawBackBeforeMarkPaidOn(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("dated")
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once.
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	h.Clock.Set("2026-11-30")
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", On: day("2026-12-20"), Actor: "fin"}))(t)

	h.Clock.Set("2026-12-05")
	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "a clawback dated 2026-12-05 would come before the payment (date it on or after 2026-12-20)")
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-12-10")}))(t)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "240.00", st.Lines[0].Batched.Amount().StringFixed(2))
	assert.True(t, st.Lines[0].Withheld.IsZero(), "withheld %s", st.Lines[0].Withheld)

	h.Clock.Set("2026-12-20")
	got := ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "240.00", got.ClawedBack.Amount().StringFixed(2))
	h.ZeroSum()
}
