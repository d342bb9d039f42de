package incentive

import (
	"fmt"
	"iter"
	"sync/atomic"
	"testing"
	"time"

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

// rb7Rude is rb5Inputs(n, 6, seed) from an input that ignores yield's
// false (a reader that forgets to check it, "for rows.Next() { yield(row,
// nil) }"), with the deal at position outOfOrder (when positive) closing
// before the one before it. read counts the deals it has yielded; done
// is closed when it returns.
func rb7Rude(n int, seed uint64, outOfOrder int, read *atomic.Int64, done chan struct{}) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		defer close(done)
		i := 0
		for in, err := range rb5Inputs(n, 6, seed) {
			if outOfOrder > 0 && i == outOfOrder && err == nil {
				in.Deal.CloseDate = in.Deal.CloseDate.Add(-300 * 24 * time.Hour)
			}
			if err == nil {
				i++
			}
			read.Add(1)
			yield(in, err) // its false ignored
		}
	}
}

// A run with more than one worker reads its input on a goroutine of its
// own. When the run stopped reading (the loop body broke, ctx was
// cancelled, a deal was out of order), an input that yields again after
// yield returned false made Go's range-over-func panic ("range function
// continued iteration after function for loop body returned false") on
// that goroutine, where no caller can recover it: the whole program died.
// (With one worker the input runs on the caller's goroutine, which sees
// the panic, as from any range loop.) The run now ignores what the input
// yields after it told it to stop; the results up to the stop are one
// worker's on a well-behaved input, and the run's goroutine ends with the
// input.
func TestReviewRbatch7InputYieldsAfterStop(t *testing.T) {
	const n = 700
	for _, pc := range []struct {
		name string
		p    func() *Program
	}{{"sharded with 3 workers", rb6Fails}, {"credit notes allowed", func() *Program {
		p := rb6Fails()
		p.AllowNegative = true
		return p
	}}} {
		p := pc.p()
		for _, workers := range []int{2, 3} {
			for _, stop := range []struct {
				k          int // break (or cancel) after k results
				cancel     bool
				outOfOrder int // the position of an out-of-order deal
			}{{1, false, 0}, {300, false, 0}, {300, true, 0}, {0, false, 257}, {0, false, 600}} {
				what := fmt.Sprintf("%s, %d workers, %+v", pc.name, workers, stop)
				well := func(yield func(Input, error) bool) {
					i := 0
					for in, err := range rb5Inputs(n, 6, 23) {
						if i == stop.outOfOrder && err == nil && stop.outOfOrder > 0 {
							in.Deal.CloseDate = in.Deal.CloseDate.Add(-300 * 24 * time.Hour)
						}
						if err == nil {
							i++
						}
						if !yield(in, err) {
							return
						}
					}
				}
				want := rb6Stop(t, p, well, RunOptions{Workers: 1, NoTrace: true}, stop.k, stop.cancel)
				var read atomic.Int64
				done := make(chan struct{})
				got := rb6Stop(t, p, rb7Rude(n, 23, stop.outOfOrder, &read, done), RunOptions{Workers: workers, NoTrace: true}, stop.k, stop.cancel)
				rb6Equal(t, what, want, got)
				<-done // the input ran to its end, unharmed
				require.Equal(t, int64(n+n/173), read.Load(), what)
			}
		}
	}
}
