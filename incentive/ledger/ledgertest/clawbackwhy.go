package ledgertest

import (
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clawBackWhy takes a paid claim of two lines back in partial clawbacks
// that add up exactly to what was paid, and checks, on claims read back
// from the store, what each refused clawback says (TransitionError.Why:
// the open batch, nothing left, voided before payment) and that the
// lines' clawbacks add up to the lines, not a cent more (review rlead8).
func clawBackWhy(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	prog := &incentive.Program{
		ID: "why", Version: 1, Hash: "why-v1", Currency: "USD",
		Effective: incentive.Window{From: date("2026-10-01"), To: date("2026-12-31")},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf(incentive.PathDealAmount, decimalOf("0.01"))},
			{ID: "bonus", Type: incentive.Rebate, Amount: incentive.Const(decimalOf("33.33"))},
		},
	}
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// D-1: 10,000.00 x 1% = 100.00 + 33.33 = 133.33, payable at once.
	c := Must(h.Submit("why", Deal("D-1", "P-1", "10000.00", "2026-11-02"), Gold("P-1")))(t)
	require.Equal(t, "133.33", c.Amount.Amount().StringFixed(2))
	// D-2: 5,000.00 x 1% = 50.00 + 33.33 = 83.33, voided while payable.
	v := Must(h.Submit("why", Deal("D-2", "P-2", "5000.00", "2026-11-02"), Gold("P-2")))(t)
	Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: v.ID, Actor: "fin", Reason: "deal cancelled"}))(t)

	why := func(id string, amount *incentive.Money) (*ledger.TransitionError, error) {
		t.Helper()
		_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: id, Amount: amount, Actor: "fin", Reason: "refund"})
		var te *ledger.TransitionError
		require.True(t, errors.As(err, &te), "%v", err)
		assert.ErrorIs(t, err, ledger.ErrIllegalTransition)
		return te, err
	}
	te, err := why(v.ID, nil)
	assert.Equal(t, "clawed_back", te.From)
	assert.Equal(t, "illegal state transition: claim "+v.ID+" cannot go from clawed_back to clawed_back: it was voided before payment: nothing was paid", err.Error())

	Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-30"), Actor: "fin"}))(t)
	te, err = why(c.ID, nil)
	assert.Equal(t, "payable", te.From)
	assert.Equal(t, "illegal state transition: claim "+c.ID+" cannot go from payable to clawed_back: it is in open payout batch B-1 (mark the batch paid, then claw back the paid claim)", err.Error())
	Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	h.Clock.Set("2026-12-05")

	// Refused amounts take nothing: another currency, a fraction of a
	// cent, nothing at all.
	for _, bad := range []struct{ amount, cur, want string }{
		{"10.00", "EUR", "clawback amount 10.00 EUR for a claim in USD"},
		{"0.005", "USD", "clawback amount 0.005 USD is finer than the minor unit of USD"},
		{"0", "USD", "clawback amount 0.00 USD is not above zero"},
	} {
		m := incentive.MustParseMoney(bad.amount, bad.cur)
		_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &m, Actor: "fin", Reason: "refund"})
		assert.ErrorIs(t, err, ledger.ErrInvalid)
		assert.ErrorContains(t, err, bad.want)
	}
	// Three clawbacks of 33.33 (99.99), then 50.00 asked: only the 33.34
	// left is taken, 99.99 + 33.34 = 133.33, all that was paid.
	part := usd("33.33")
	for i, want := range []string{"33.33", "66.66", "99.99"} {
		c = Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &part, Actor: "fin", Reason: "refund"}))(t)
		assert.Equal(t, want, c.ClawedBack.Amount().StringFixed(2), "clawback %d", i+1)
	}
	asked := usd("50.00")
	c = Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &asked, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "133.33", c.ClawedBack.Amount().StringFixed(2))
	assert.Equal(t, "clawed back 33.34 USD of 133.33 USD paid: refund", c.Reason)

	cent := usd("0.01")
	for _, amount := range []*incentive.Money{nil, &cent} {
		te, err = why(c.ID, amount)
		assert.Equal(t, "nothing left to take back (paid 133.33 USD, clawed back 133.33 USD)", te.Why)
		assert.Equal(t, "illegal state transition: claim "+c.ID+" cannot go from clawed_back to clawed_back: "+te.Why, err.Error())
	}

	// Each line's clawbacks add up to the line: 100.00 and 33.33.
	st := Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Partner: "P-1"}))(t)
	require.Len(t, st.Lines, 1)
	got := map[incentive.EarningType]string{}
	for _, tl := range st.Lines[0].Types {
		got[tl.Type] = tl.ClawedBack.Amount().StringFixed(2)
	}
	assert.Equal(t, map[incentive.EarningType]string{incentive.Spiff: "100.00", incentive.Rebate: "33.33"}, got)
	assert.Equal(t, "133.33", st.Lines[0].ClawedBack.Amount().StringFixed(2))
	assert.Equal(t, "-133.33", st.Lines[0].Withheld.Amount().StringFixed(2), "owed back, recovered from later payouts")
	h.ZeroSum()
}
