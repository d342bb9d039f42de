package ledgertest

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// approverRejection checks, on claims read back from the store, that a
// claim an approver rejected counts nothing in the partner's period deal
// amount while a claim Submit rejected for an eligible deal (late) does,
// and that a payment run dated before a claim's approval is refused
// (review rledger9).
func approverRejection(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	// 1% of the deal amount, and a kicker of 1% of the partner's quarter
	// deal amount before the deal.
	prog := &incentive.Program{
		ID: "volume", Version: 1, Hash: "volume-v1", Currency: "USD", Period: incentive.PeriodQuarter,
		Effective: incentive.Window{From: date("2026-10-01"), To: date("2026-12-31")},
		Claims:    incentive.ClaimWindow{Days: 60},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf(incentive.PathDealAmount, decimalOf("0.01"))},
			{ID: "kicker", Type: incentive.Bonus, Amount: incentive.RateOf(incentive.PathPeriodAmount, decimalOf("0.01"))},
		},
	}
	// The zero policy: every claim needs a manager.
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: &ledger.ApprovalPolicy{}, Actor: "ops"}))
	h.Clock.Set("2026-10-05")
	c1 := Must(h.Submit("volume", Deal("D-1", "P-1", "90000.00", "2026-10-02"), Gold("P-1")))(t)
	require.Equal(t, ledger.PendingApproval, c1.State)
	Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c1.ID, Actor: "mgr", Reason: "customer never signed"}))(t)

	h.Clock.Set("2026-11-21")
	c2 := Must(h.Submit("volume", Deal("D-2", "P-1", "30000.00", "2026-11-20"), Gold("P-1")))(t)
	// D-1 counts nothing: 30,000.00 x 1% + 0.00 x 1% = 300.00 (with
	// D-1, 300.00 + 90,000.00 x 1% = 1,200.00).
	assert.Equal(t, "300.00", c2.Amount.Amount().StringFixed(2))

	h.Clock.Set("2026-11-23")
	Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c2.ID, Actor: "mgr", Role: ledger.RoleManager}))(t)
	h.Clock.Set("2026-11-22")
	_, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-22"), Actor: "fin"})
	assert.ErrorIs(t, err, ledger.ErrInvalid)
	assert.ErrorContains(t, err, "claim "+c2.ID+" became payable on 2026-11-23: a payment run dated 2026-11-22 would pay it before")
	h.Clock.Set("2026-11-23")
	b := Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-23"), Actor: "fin"}))(t)
	require.Len(t, b.Lines, 1)
	assert.Equal(t, "300.00", b.Lines[0].Net.Amount().StringFixed(2))

	// A late deal (claims due 60 days after its close) Submit rejects
	// still counts in the quarter, as in a run.
	h.Clock.Set("2026-12-05")
	_, err = h.Submit("volume", Deal("D-3", "P-1", "90000.00", "2026-10-01"), Gold("P-1"))
	assert.ErrorIs(t, err, ledger.ErrClaimWindow)
	c4 := Must(h.Submit("volume", Deal("D-4", "P-1", "10000.00", "2026-12-01"), Gold("P-1")))(t)
	// 10,000.00 x 1% + (30,000.00 + 90,000.00) x 1% = 100.00 + 1,200.00
	// = 1,300.00 (D-1, rejected by its approver, counts nothing).
	assert.Equal(t, "1300.00", c4.Amount.Amount().StringFixed(2))
	h.ZeroSum()
}
