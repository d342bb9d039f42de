package ledger_test

// Tests from an independent review of the ledger: each one failed before
// the fix committed after it.

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reviewReferral pays a referral reward of 500.00 for deals closing in Q4
// 2026, auto-approved and held 30 days after the close date.
func reviewReferral(t *testing.T) *ledgertest.Harness {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := &incentive.Program{
		ID: "ref", Version: 1, Hash: "ref-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings:  []incentive.Earning{{ID: "reward", Type: incentive.Referral, Amount: incentive.Const(decimal.RequireFromString("500"))}},
	}
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}, HoldDays: map[incentive.EarningType]int{incentive.Referral: 30}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: policy, Budget: ptr(usd("5000.00")), Actor: "ops"}))
	return h
}

// A payment run dated in the future (a run prepared for next month's pay
// date) must not end holds the clock has not reached: the refund window is
// real time, and a refund inside it must still void the earning.
func TestReviewFutureDatedRunKeepsHolds(t *testing.T) {
	h := reviewReferral(t)
	b := ledger.Bucket{Partner: "P-R", Payee: incentive.PayeePartner, Program: "ref"}
	h.Clock.Set("2026-11-02")
	c := ledgertest.Must(h.Submit("ref", ledgertest.Deal("R-1", "P-R", "1000.00", "2026-11-01"), ledgertest.Gold("P-R")))(t)
	require.Equal(t, ledger.HeldState, c.State)
	require.Equal(t, day("2026-12-01"), c.HoldUntil) // 2026-11-01 + 30 days

	// Today is 2026-11-02; the run is dated 2026-12-15, after the hold.
	bt := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-DEC", AsOf: day("2026-12-15"), Actor: "fin"}))(t)
	assert.Empty(t, bt.Lines, "nothing is payable while the hold runs")
	assert.Equal(t, "500.00", h.Balance(b.Account(ledger.Held)))
	assert.Equal(t, "0.00", h.Balance(b.Account(ledger.Batched)))

	// The refund inside the hold voids the earning: 4,500.00 + 500.00 back.
	h.Clock.Set("2026-11-10")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "ops", Reason: "refund"}))(t)
	assert.Equal(t, ledger.ClawedBackState, c.State)
	assert.Equal(t, "5000.00", h.Balance(ledger.ProgramBudget("ref")))
	h.ZeroSum()
}
