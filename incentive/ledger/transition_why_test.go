package ledger_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// A clawback the states allow but the claim cannot take says why: a claim
// already clawed back in full said only "cannot go from clawed_back to
// clawed_back" (a further partial clawback is a legal move, so finance
// read it as a bug), and a payable claim in an open batch "cannot go from
// payable to clawed_back", which payable claims otherwise can.
func TestClawBackSaysWhy(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("why")
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00.
	c := ledgertest.Must(h.Submit("why", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)

	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"})
	var te *ledger.TransitionError
	require.True(t, errors.As(err, &te), "%v", err)
	assert.ErrorIs(t, err, ledger.ErrIllegalTransition)
	assert.Equal(t, "payable", te.From)
	assert.Contains(t, err.Error(), "in open payout batch B-1")

	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	h.Clock.Set("2026-12-05")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "240.00", c.ClawedBack.Amount().StringFixed(2))
	_, err = h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "again"})
	require.True(t, errors.As(err, &te), "%v", err)
	assert.ErrorIs(t, err, ledger.ErrIllegalTransition)
	assert.Equal(t, "clawed_back", te.From)
	assert.Contains(t, te.Why, "nothing left to take back")
	assert.Contains(t, err.Error(), "paid 240.00 USD, clawed back 240.00 USD")
	h.ZeroSum()
}
