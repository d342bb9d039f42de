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

// A partner cap per month binds across claims: the ledger passes the
// partner's earlier claims in the month to the engine as Prior.
func TestPartnerCapAcrossClaims(t *testing.T) {
	p := ledgertest.SpiffProgram()
	p.ID, p.Hash, p.Period = "capped", "capped-v1", incentive.PeriodMonth
	p.Caps = []incentive.Cap{{Scope: incentive.CapPartner, Limit: decimal.RequireFromString("1000")}}
	tests := []struct {
		deal, partner, amount, closed string
		want                          string
		state                         ledger.State
	}{
		// 40,000.00 x 2% = 800.00, under the 1,000.00 monthly cap
		{"D-1", "P-1", "40000.00", "2026-11-02", "800.00", ledger.PayableState},
		// 30,000.00 x 2% = 600.00, cut to 1,000.00 - 800.00 = 200.00
		{"D-2", "P-1", "30000.00", "2026-11-05", "200.00", ledger.PayableState},
		// another partner starts from zero: 600.00
		{"D-3", "P-2", "30000.00", "2026-11-05", "600.00", ledger.PayableState},
		// December is a new period: 30,000.00 x 2% = 600.00
		{"D-4", "P-1", "30000.00", "2026-12-01", "600.00", ledger.PayableState},
	}
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}}))
	h.Clock.Set("2026-12-02")
	for _, tt := range tests {
		c, err := h.Submit("capped", ledgertest.Deal(tt.deal, tt.partner, tt.amount, tt.closed), ledgertest.Gold(tt.partner))
		require.NoError(t, err, tt.deal)
		assert.Equal(t, tt.want, c.Amount.Amount().StringFixed(2), tt.deal)
		assert.Equal(t, tt.state, c.State, tt.deal)
	}
	// November is full for P-1: 1,000.00 - 800.00 - 200.00 = 0.00 left, so a
	// third November deal is rejected at the cap.
	_, err := h.Submit("capped", ledgertest.Deal("D-5", "P-1", "5000.00", "2026-11-20"), ledgertest.Gold("P-1"))
	require.ErrorIs(t, err, ledger.ErrPartnerCapExceeded)
	nov := incentive.Date{Year: 2026, Month: 11, Day: 1}
	assert.Equal(t, "1000.00", h.Balance(ledger.CapAccount("capped", "P-1", 0, nov, ledger.CapUsed)), "800.00 + 200.00")
	// Voiding D-2 (payable, not paid) gives its 200.00 of cap room back:
	// D-6, 5,000.00 x 2% = 100.00, fits in it whole.
	d2 := ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-2"}))(t)
	require.Len(t, d2, 1)
	ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: d2[0].ID, Actor: "fin", Reason: "deal cancelled"}))(t)
	assert.Equal(t, "800.00", h.Balance(ledger.CapAccount("capped", "P-1", 0, nov, ledger.CapUsed)), "1,000.00 - 200.00")
	c6, err := h.Submit("capped", ledgertest.Deal("D-6", "P-1", "5000.00", "2026-11-21"), ledgertest.Gold("P-1"))
	require.NoError(t, err)
	assert.Equal(t, "100.00", c6.Amount.Amount().StringFixed(2))
	assert.Equal(t, "900.00", h.Balance(ledger.CapAccount("capped", "P-1", 0, nov, ledger.CapUsed)), "800.00 + 100.00")
	h.ZeroSum()
	// Replay reproduces every capped amount from the recorded prior totals.
	rep, err := h.Ledger.Replay(h.Ctx, ledger.ReplayParams{})
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Accruals, "D-1..D-4 (D-2 clawed back) and D-6; D-5 was rejected")
}
