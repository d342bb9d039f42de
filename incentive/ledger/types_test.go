package ledger_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim with a SPIFF and a bonus line: statements break the bucket down
// by earning type, and a partial clawback is shared over the lines.
func TestStatementByEarningType(t *testing.T) {
	p := ledgertest.SpiffProgram()
	p.ID, p.Hash, p.Caps = "two", "two-v1", nil
	p.Earnings = append(p.Earnings, incentive.Earning{ID: "kicker", Type: incentive.Bonus,
		When: incentive.AtLeast(incentive.PathDealAmount, decimal.RequireFromString("50000")), Amount: incentive.Const(decimal.RequireFromString("100"))})
	pol := ledgertest.SpiffPolicy()
	pol.Program = "two"
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: pol}))
	h.Clock.Set("2026-11-03")
	// 60,000.00 x 2% = 1,200.00 SPIFF + 100.00 bonus = 1,300.00: a manager approves.
	c := ledgertest.Must(h.Submit("two", ledgertest.Deal("D-1", "P-1", "60000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, "1300.00", c.Amount.Amount().StringFixed(2))
	c = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}))(t)

	types := func() map[incentive.EarningType][4]string {
		st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Partner: "P-1"}))(t)
		require.Len(t, st.Lines, 1)
		out := map[incentive.EarningType][4]string{}
		for _, tl := range st.Lines[0].Types {
			out[tl.Type] = [4]string{tl.Approved.Amount().StringFixed(2), tl.Payable.Amount().StringFixed(2),
				tl.ClawedBack.Amount().StringFixed(2), tl.Accrued.Amount().StringFixed(2)}
		}
		return out
	}
	// approved, payable, clawed back, accrued
	assert.Equal(t, map[incentive.EarningType][4]string{
		incentive.Spiff: {"1200.00", "1200.00", "0.00", "0.00"},
		incentive.Bonus: {"100.00", "100.00", "0.00", "0.00"},
	}, types())

	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B", Actor: "fin"}))(t)
	h.Clock.Set("2026-12-01") // clawbacks come after the payment (as of 2026-11-30)
	half := usd("650.00")
	ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &half, Actor: "ops", Reason: "half refunded"}))(t)
	// 650.00 over 1,200.00 : 100.00 -> 650.00 x 1200/1300 = 600.00 and 650.00 x 100/1300 = 50.00
	assert.Equal(t, map[incentive.EarningType][4]string{
		incentive.Spiff: {"1200.00", "0.00", "600.00", "0.00"},
		incentive.Bonus: {"100.00", "0.00", "50.00", "0.00"},
	}, types())
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Partner: "P-1"}))(t)
	assert.Equal(t, "-650.00", st.Lines[0].Withheld.Amount().StringFixed(2))
	assert.Equal(t, "1300.00", st.Lines[0].Paid.Amount().StringFixed(2))
	// A second partial clawback takes at most the 1,300.00 - 650.00 = 650.00 still open.
	all := usd("5000.00")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &all, Actor: "ops", Reason: "fully refunded"}))(t)
	assert.Equal(t, "1300.00", c.ClawedBack.Amount().StringFixed(2))
	h.ZeroSum()
}
