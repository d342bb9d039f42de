package ledger_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunPaymentsByMethod: a payment run applies each partner's payment
// method: bank transfers are paid from 25.00, cheques from 250.00 less a
// 5.00 fee, other methods from the program's 100.00.
func TestRunPaymentsByMethod(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	p := ledgertest.SpiffProgram()
	p.MinPayout = decimal.RequireFromString("100")
	bankMin, checkMin := decimal.RequireFromString("25"), decimal.RequireFromString("250")
	p.PaymentMethods = []incentive.PaymentTerms{
		{Method: partner.BankTransfer, MinPayout: &bankMin},
		{Method: partner.Check, MinPayout: &checkMin, Fee: decimal.RequireFromString("5")},
	}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}}))
	h.Clock.Set("2026-11-03")
	for _, d := range []struct{ id, partner, amount string }{
		{"D-1", "P-1", "2000.00"},  // bank transfer: 2000.00 x 2% = 40.00 >= 25.00: paid, no fee
		{"D-2", "P-2", "10000.00"}, // cheque: 200.00 < 250.00: carried over
		{"D-3", "P-3", "15000.00"}, // cheque: 300.00 >= 250.00: paid, sends 300.00 - 5.00 = 295.00
		{"D-4", "P-4", "4000.00"},  // PayPal, no terms: 80.00 < 100.00: carried over
	} {
		ledgertest.Must(h.Submit("spiff", ledgertest.Deal(d.id, d.partner, d.amount, "2026-11-02"), ledgertest.Gold(d.partner)))(t)
	}
	methods := map[string]partner.PaymentMethod{"P-1": partner.BankTransfer, "P-2": partner.Check, "P-3": partner.Check, "P-4": partner.PayPal}
	b := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B", AsOf: day("2026-11-30"), Actor: "fin",
		Method: func(id string) partner.PaymentMethod { return methods[id] }}))(t)
	require.Len(t, b.Lines, 2)
	assert.Equal(t, "P-1", b.Lines[0].Bucket.Partner)
	assert.Equal(t, "40.00 USD", b.Lines[0].Net.String())
	assert.Equal(t, partner.BankTransfer, b.Lines[0].Method)
	assert.True(t, b.Lines[0].Fee.IsZero())
	assert.Equal(t, "P-3", b.Lines[1].Bucket.Partner)
	assert.Equal(t, "300.00 USD", b.Lines[1].Net.String())
	assert.Equal(t, partner.Check, b.Lines[1].Method)
	assert.True(t, b.Lines[1].Fee.Amount().Equal(decimal.RequireFromString("5")), b.Lines[1].Fee.String())
	assert.True(t, b.Lines[1].Sent.Amount().Equal(decimal.RequireFromString("295")), b.Lines[1].Sent.String())
	blocked := map[string]string{}
	for _, bl := range b.Blocked {
		blocked[bl.Bucket.Partner] = bl.Reason
	}
	assert.Contains(t, blocked["P-2"], "below the minimum payout of 250.00 USD")
	assert.Contains(t, blocked["P-4"], "below the minimum payout of 100.00 USD")
	h.ZeroSum()
}
