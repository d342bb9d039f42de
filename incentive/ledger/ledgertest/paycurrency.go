package ledgertest

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payCurrency follows a claim paid in EUR under a USD program: every entry
// of the claim carries its amount in both currencies with the rate used.
func payCurrency(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	budget := incentive.MustParseMoney("10000.00", "USD")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Budget: &budget, Actor: "ops"}))
	accrualRate := incentive.Rate{From: "USD", To: "EUR", Rate: decimalOf("0.92"), AsOf: date("2026-11-01"), Source: "ECB"}
	paidRate := incentive.Rate{From: "USD", To: "EUR", Rate: decimalOf("0.95"), AsOf: date("2026-11-20"), Source: "ECB"}
	rates := Must(incentive.NewRateTable(accrualRate, paidRate))(t)
	h.Clock.Set("2026-11-03")
	submit := func(key string, r incentive.RateSource) (ledger.Claim, error) {
		return h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: key, Program: "spiff", Deal: Deal("D-1", "P-1", "60000.00", "2026-11-02"),
			Partner: Gold("P-1"), Actor: "rep", PayCurrency: "EUR", Rates: r})
	}
	// Without a rate the submission fails and stores nothing.
	_, err := submit("k-norate", nil)
	require.ErrorIs(t, err, incentive.ErrNoRate)
	assert.Empty(t, Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-1"}))(t))

	// 60,000.00 x 2% = 1,200.00 USD; at 0.92 that is 1,104.00 EUR.
	c := Must(submit("k-1", rates))(t)
	assert.Equal(t, incentive.Currency("EUR"), c.PayCurrency)
	require.NotNil(t, c.PayRate)
	assert.Equal(t, "0.92", c.PayRate.Rate.String())
	Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}))(t)
	h.Clock.Set("2026-11-20")
	Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-20"), Actor: "fin"}))(t)
	Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin", PayCurrency: "EUR", Rates: rates}))(t)
	take := incentive.MustParseMoney("600.00", "USD")
	Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &take, Actor: "fin", Reason: "half refunded"}))(t)
	h.ZeroSum()

	want := map[ledger.EntryKind][3]string{ // program amount, payment amount, rate
		ledger.EntryAccrual:  {"1200", "1104", "0.92"}, // 1,200.00 x 0.92
		ledger.EntryApproval: {"1200", "1104", "0.92"}, // at the accrual's rate
		ledger.EntryPayment:  {"1200", "1140", "0.95"}, // 1,200.00 x 0.95 on the payment date
		ledger.EntryClawback: {"600", "552", "0.92"},   // 600.00 x 0.92, the claim's rate
	}
	seen := map[ledger.EntryKind]bool{}
	for _, e := range Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{Partner: "P-1"}))(t) {
		w, ok := want[e.Kind]
		if !ok {
			continue
		}
		seen[e.Kind] = true
		require.NotNil(t, e.Pay, "%s entry has no payment currency side", e.Kind)
		assert.Equal(t, w[0], e.Pay.From.Amount().String(), e.Kind)
		assert.Equal(t, incentive.Currency("USD"), e.Pay.From.Currency(), e.Kind)
		assert.Equal(t, w[1], e.Pay.To.Amount().String(), e.Kind)
		assert.Equal(t, incentive.Currency("EUR"), e.Pay.To.Currency(), e.Kind)
		assert.Equal(t, w[2], e.Pay.Rate.Rate.String(), e.Kind)
		assert.Equal(t, "ECB", e.Pay.Rate.Source, e.Kind)
	}
	assert.Len(t, seen, len(want), "every kind of entry was written")
}
