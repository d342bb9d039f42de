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

// A program whose budget is a budget cap of its terms (the way a YAML
// program states it; Register funds the ledger budget from it) still takes
// an over-budget exception once the budget is spent: the excess is drawn
// from the overrun account, as with a budget given to Register.
func TestReviewExceptionOverBudgetCap(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	h.Clock.Set("2026-11-20")
	prog := ledgertest.SpiffProgram()
	prog.Caps = append(prog.Caps, incentive.Cap{Scope: incentive.CapBudget, Limit: decimal.RequireFromString("1000")})
	policy := ledgertest.SpiffPolicy()
	policy.Approvers[ledger.RoleException] = []string{"cfo"}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: policy, Actor: "ops"}))
	// 50,000.00 x 2% = 1,000.00: the whole budget.
	ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-1", "P-1", "50000.00", "2026-11-10"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, "0.00", h.Balance(ledger.ProgramBudget("spiff")))

	// 30,000.00 x 2% = 600.00, all of it beyond the spent budget.
	c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k-2", Program: "spiff", Deal: ledgertest.Deal("D-2", "P-1", "30000.00", "2026-11-11"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", Exception: &ledger.Exception{Approver: "cfo", Justification: "strategic account"}})
	require.NoError(t, err)
	assert.Equal(t, ledger.PendingApproval, c.State)
	assert.Equal(t, "600.00", c.Amount.Amount().StringFixed(2))
	assert.Equal(t, "600.00", c.Overrun.Amount().StringFixed(2))
	assert.Equal(t, "-600.00", h.Balance(ledger.ProgramOverrun("spiff")))
	assert.Equal(t, "0.00", h.Balance(ledger.ProgramBudget("spiff")))
	h.ZeroSum()

	// Partly over: a second program budget of 1,000.00 with 150.00 left
	// (42,500.00 x 2% = 850.00 spent); 30,000.00 x 2% = 600.00 asked:
	// 150.00 from the budget, 600.00 - 150.00 = 450.00 beyond it, not a
	// claim cut to 150.00 that ignores the exception.
	prog2 := ledgertest.SpiffProgram()
	prog2.ID, prog2.Hash = "spiff2", "spiff2-v1"
	prog2.Caps = append(prog2.Caps, incentive.Cap{Scope: incentive.CapBudget, Limit: decimal.RequireFromString("1000")})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog2, Policy: policy, Actor: "ops"}))
	ledgertest.Must(h.Submit("spiff2", ledgertest.Deal("E-1", "P-1", "42500.00", "2026-11-10"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, "150.00", h.Balance(ledger.ProgramBudget("spiff2")))
	c, err = h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k-e2", Program: "spiff2", Deal: ledgertest.Deal("E-2", "P-1", "30000.00", "2026-11-11"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", Exception: &ledger.Exception{Approver: "cfo", Justification: "strategic account"}})
	require.NoError(t, err)
	assert.Equal(t, "600.00", c.Amount.Amount().StringFixed(2))
	assert.Equal(t, "450.00", c.Overrun.Amount().StringFixed(2))
	assert.Equal(t, "0.00", h.Balance(ledger.ProgramBudget("spiff2")))
	assert.Equal(t, "-450.00", h.Balance(ledger.ProgramOverrun("spiff2")))
	h.ZeroSum()

	// The replay re-evaluates both exception claims to what was recorded.
	ledgertest.Must(h.Ledger.Replay(h.Ctx, ledger.ReplayParams{}))(t)
}

// The amount an exception asks for a deal that is not eligible is paid as
// it is, so it must be on the currency's minor unit: 100.005 USD is bad
// input (ErrInvalid, nothing stored), not a claim of a fraction of a cent.
func TestReviewExceptionAmountBelowMinorUnit(t *testing.T) {
	tests := []struct {
		amount  string
		wantErr bool
	}{
		{"100.005", true},
		{"0.001", true},
		{"100.00", false},
		{"100", false},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			h.Clock.Set("2026-11-20")
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
			silver := ledgertest.Gold("P-1")
			silver.Tier = "silver" // not eligible: the program wants gold or platinum
			c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k-1", Program: "spiff", Deal: ledgertest.Deal("D-1", "P-1", "7000.00", "2026-11-10"),
				Partner: silver, Actor: "rep", Exception: &ledger.Exception{Approver: "cfo", Justification: "tier lapsed by a day", Amount: ptr(usd(tt.amount))}})
			if !tt.wantErr {
				require.NoError(t, err)
				assert.True(t, c.Amount.Amount().Equal(decimal.RequireFromString("100")))
				return
			}
			require.ErrorIs(t, err, ledger.ErrInvalid)
			cs := ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{}))(t)
			assert.Empty(t, cs, "nothing stored")
		})
	}
}

// The earning type an exception names for a deal that is not eligible
// decides the claim's payout bucket, approval steps and the type reports
// sum by: a type that does not exist ("bonsu") is bad input, not a claim
// under a type no statement or report knows.
func TestReviewExceptionUnknownType(t *testing.T) {
	tests := []struct {
		typ     incentive.EarningType
		wantErr bool
	}{
		{"bonsu", true},
		{"SPIFF", true},
		{incentive.Bonus, false},
		{"", false}, // the program's first earning's type
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			h.Clock.Set("2026-11-20")
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
			silver := ledgertest.Gold("P-1")
			silver.Tier = "silver" // not eligible
			c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k-1", Program: "spiff", Deal: ledgertest.Deal("D-1", "P-1", "7000.00", "2026-11-10"),
				Partner: silver, Actor: "rep", Exception: &ledger.Exception{Approver: "cfo", Justification: "tier lapsed", Amount: ptr(usd("100.00")), Type: tt.typ}})
			if tt.wantErr {
				require.ErrorIs(t, err, ledger.ErrInvalid)
				assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{}))(t), "nothing stored")
				return
			}
			require.NoError(t, err)
			want := tt.typ
			if want == "" {
				want = incentive.Spiff
			}
			assert.Equal(t, want, c.Type)
		})
	}
}
