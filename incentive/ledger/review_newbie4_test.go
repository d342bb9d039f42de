package ledger_test

// Tests from reviewer newbie4 (a Go developer embedding the ledger from its
// documentation): each failed before the fix committed with it.

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// Partial clawbacks of a claim with two lines of different earning types
// must never take back more of a type than the claim paid of it. Each
// clawback used to be split over the lines on its own, rounding each time,
// so four partial clawbacks of 100 + 100 + 100 + 60 = 360.00 took back
// 240.01 of a 240.00 spiff and 119.99 of a 120.00 rebate.
func TestReviewNewbie4PartialClawbacksStayWithinEachType(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := &incentive.Program{
		ID: "two", Version: 1, Hash: "two-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.02"))},
			{ID: "rebate", Type: incentive.Rebate, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.01"))},
		},
	}
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}} // no roles: auto-approved
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00 spiff; 12,000.00 x 1% = 120.00 rebate; 360.00.
	c := ledgertest.Must(h.Submit("two", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, "360.00", c.Amount.Amount().StringFixed(2))
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)

	byType := func() map[incentive.EarningType]string {
		o := ledgertest.Must(h.Ledger.Outcome(h.Ctx, ledger.OutcomeParams{Program: "two"}))(t)
		m := map[incentive.EarningType]string{}
		for _, ty := range o.Types {
			m[ty.Type] = ty.ClawedBack.Amount().StringFixed(2)
		}
		return m
	}
	h.Clock.Set("2026-12-05")
	for i, want := range []map[incentive.EarningType]string{
		// 100.00 split 2:1 = 66.666.. and 33.333..: 66.67 and 33.33.
		{incentive.Spiff: "66.67", incentive.Rebate: "33.33"},
		// 200.00 in all, 2:1 = 133.333.. and 66.666..: 133.33 and 66.67.
		{incentive.Spiff: "133.33", incentive.Rebate: "66.67"},
		// 300.00 in all, 2:1 = 200.00 and 100.00.
		{incentive.Spiff: "200.00", incentive.Rebate: "100.00"},
	} {
		amt := usd("100.00")
		ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &amt, Actor: "fin", Reason: "partial refund"}))(t)
		assert.Equal(t, want, byType(), "after clawback %d", i+1)
	}
	// The last 60.00 (only 60.00 of 360.00 is left) takes back the rest:
	// 240.00 and 120.00 in all, exactly what each type paid.
	amt := usd("100.00")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &amt, Actor: "fin", Reason: "partial refund"}))(t)
	assert.Equal(t, "360.00", c.ClawedBack.Amount().StringFixed(2))
	assert.Equal(t, map[incentive.EarningType]string{incentive.Spiff: "240.00", incentive.Rebate: "120.00"}, byType())
	h.ZeroSum()
}
