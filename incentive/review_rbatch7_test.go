package incentive

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Review rbatch7 (issue #11, round 7): the paired run (two workers: the
// goroutine that reads the input does each deal's ownTerms as it reads
// it, the caller's goroutine the ordered phase) and inOrderLent (cap-cut
// room lent one stage at a time).

// rb7ScopeProgram pays 0.1% of the partner's period amount before the
// deal (RateOf(period.amount): a formula of the ordered phase, which makes
// its product with Scope.Mul, that is from the memory of the goroutine
// evaluating the deal, Scope.Decimal), and has a second formula of the
// ordered phase that counts the deals whose Scope is not the scope of its
// own work (Scope.work, through which Decimal and Earned read the deal's
// evaluation).
func rb7ScopeProgram(stale *atomic.Int64) *Program {
	p := simple(withRate("base", "0.01", nil))
	p.Earnings = append(p.Earnings,
		Earning{ID: "period", Type: Bonus, Amount: RateOf(PathPeriodAmount, dec("0.001"))},
		Earning{ID: "check", Type: Bonus, Amount: FormulaFunc("period.deals * 0", []string{PathPeriodDeals},
			func(s *Scope) (decimal.Decimal, error) {
				if s.work == nil || &s.work.scope != s || s.work.in == nil || s.Deal != &s.work.in.Deal {
					stale.Add(1)
				}
				return decimal.Zero, nil
			})})
	return p
}

// In a paired run the goroutine that reads the input did ownTerms on each
// deal of a new chunk as it read it, then grew the chunk's items (append
// in nextItem), which moved the deals already done to a new array: their
// Scope's pointer to its work (Scope.work), the work's to its Input and
// the Scope's to the Deal and Partner still pointed into the old array.
// The ordered phase, on the caller's goroutine, then made the products of
// Scope.Mul (RateOf, every product of package rules) from the old work's
// decimal arena, the input goroutine's, which that goroutine was using
// for the next deals at the same time (a data race on the arena: two
// decimals could share a coefficient), and read Earned from the old work.
// Every deal but the 129th to the 256th of each of the run's first
// chunks was evaluated so.
func TestReviewRbatch7PairedScopeIsTheDeals(t *testing.T) {
	var stale atomic.Int64
	p := rb7ScopeProgram(&stale)
	var want []string
	for _, workers := range []int{1, 2, 3} {
		stale.Store(0)
		var got []string
		for r, err := range Run(t.Context(), p, inputs(genDeals(600, 7)...), RunOptions{Workers: workers}) {
			require.NoError(t, err)
			got = append(got, r.DealID+" "+r.Total.String())
		}
		require.Zero(t, stale.Load(), "%d workers: deals evaluated through a stale Scope", workers)
		if want == nil {
			want = got
		}
		require.Equal(t, want, got, "%d workers", workers)
	}
	// The period formula paid: D-0000007 is P-0's second deal (genDeals
	// gives deal i to partner i%7, one deal per 5 minutes, all in January):
	// its period amount before it is D-0000000's 0.00 .. 199,999.99.
	require.NotEqual(t, fmt.Sprint(want[0]), fmt.Sprint(want[7]))
}
