package ledger_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The amount a fund request is approved for caps the reimbursement that is
// paid, so it must be on the currency's minor unit: approving 100.005 USD
// is bad input (nothing reserved), not a reimbursement of 100.005 USD.
func TestReviewFundApprovalBelowMinorUnit(t *testing.T) {
	tests := []struct {
		amount  string
		wantErr bool
	}{
		{"100.005", true},
		{"0.001", true},
		{"100.00", false},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			h.Clock.Set("2026-10-05")
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
			ledgertest.Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-1", Program: "spiff", Partner: "P-1",
				From: day("2026-10-01"), To: day("2026-12-31"), Amount: usd("1000.00"), Share: decimal.NewFromInt(1), ProofDays: 30, Actor: "ops"}))(t)
			ledgertest.Must(h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-1", Activity: "webinar",
				PlannedCost: usd("500.00"), ActivityEnd: day("2026-10-20"), Actor: "partner"}))(t)
			r, err := h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-1", Amount: ptr(usd(tt.amount)), Actor: "mgr"})
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Equal(t, "100.00", r.Approved.Amount().StringFixed(2))
				assert.Equal(t, "900.00", h.Balance(ledger.FundAccount("F-1", ledger.FundAvailable)), "1,000.00 - 100.00")
				return
			}
			require.ErrorIs(t, err, ledger.ErrInvalid)
			assert.Equal(t, "1000.00", h.Balance(ledger.FundAccount("F-1", ledger.FundAvailable)), "nothing reserved")
			assert.Equal(t, "0.00", h.Balance(ledger.FundAccount("F-1", ledger.FundReserved)))
		})
	}
}
