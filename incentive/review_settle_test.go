package incentive

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An expired result (claim window passed) was never paid, so its lines
// must not be deducted at the true-up as advances.
func TestReviewSettlementExpiredAdvanceNotDeducted(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Claims = ClaimWindow{Days: 30}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	expired := map[string]bool{}
	for _, d := range []Deal{deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "40000", "2026-03-15")} {
		// As of 2026-04-01: D-1's claim window ended 2026-02-14 (expired),
		// D-2's ends 2026-04-14 (paid).
		r, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-04-01"))
		require.NoError(t, err)
		expired[r.DealID] = r.Expired
		require.NoError(t, b.Add(r))
	}
	require.Equal(t, map[string]bool{"D-1": true, "D-2": false}, expired)
	assert.Equal(t, []settleRow{
		// Q1 basis 20,000 + 40,000 = 60,000 >= 50,000: 3% = 1,800.00.
		// Advances paid: D-2 only, 40,000 x 2% = 800.00 (D-1's 400.00
		// expired unpaid). True-up 1,800.00 - 800.00 = 1,000.00.
		{"2026-01-01", true, "60000.00", "1800.00", "800.00", "0.00", "1000.00", "1000.00", "0.00"},
	}, rows(b.Settle(Date{2026, 4, 1})))
}

// The zero values of SettlementBuilder and Evaluator must not panic: Add
// reports ErrNoEvaluator (as StatementBuilder.Add does) and Settle settles
// nothing.
func TestReviewSettlementZeroValue(t *testing.T) {
	r := mustEval(t, rebateProgram(CreditPeriod, "50000"), Input{Deal: deal("D-1", "P-1", "20000", "2026-01-15"), Partner: gold("P-1")})
	var zeroEval Evaluator
	tests := []struct {
		name string
		b    *SettlementBuilder
	}{
		{"zero builder", &SettlementBuilder{}},
		{"nil builder", nil},
		{"zero evaluator", zeroEval.NewSettlements()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotPanics(t, func() {
				err := tt.b.Add(r)
				require.ErrorIs(t, err, ErrNoEvaluator)
				require.ErrorIs(t, err, ErrInvalidProgram)
				assert.Empty(t, tt.b.Settle(Date{2026, 12, 31}))
			})
		})
	}
}

// The explanation of an expired result must not promise that its unpaid
// lines are deducted at the true-up; a paid one still says so.
func TestReviewSettlementExpiredAdvanceExplained(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Claims = ClaimWindow{Days: 30}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	tests := []struct {
		name, close string
		expired     bool
	}{
		// Claim by 2026-02-14, before the as-of 2026-04-01.
		{"expired", "2026-01-15", true},
		// Claim by 2026-04-14.
		{"paid", "2026-03-15", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "20000", tt.close), Partner: gold("P-1")}, day("2026-04-01"))
			require.NoError(t, err)
			require.Equal(t, tt.expired, r.Expired)
			assert.Equal(t, !tt.expired, strings.Contains(r.Explain(), `is an advance against settlement "quarterly"`))
		})
	}
}
