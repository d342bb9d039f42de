package incentive

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// RunOptions configure a batch run.
type RunOptions struct {
	// AsOf decides claim-window expiry, as in Evaluate. Zero: the run's
	// latest deal close time.
	AsOf time.Time
	// Prior returns a partner's totals from before the run (see Prior).
	// Nil: every partner starts from zero. Input.Prior is ignored in a run.
	Prior func(partnerID string) Prior
	// BudgetUsed is what the program paid before the run.
	BudgetUsed decimal.Decimal
	// Rates converts deals in other currencies. It overrides Input.Rates
	// when set.
	Rates RateSource
	// Workers is the number of goroutines evaluating deals in parallel;
	// zero means runtime.GOMAXPROCS(0). Results are the same for any value.
	Workers int
}

// Run evaluates a stream of deals in order. Deals must arrive sorted by close
// time, then deal id; an out-of-order deal yields an error wrapping
// ErrOutOfOrder and ends the run. Results come out in input order. Partner
// period totals, partner caps, cumulative and retroactive tiers and the
// budget accumulate across the run. Memory does not grow with the number of
// deals, only with the number of partners.
func Run(ctx context.Context, p *Program, deals iter.Seq2[Input, error], opts RunOptions) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		yield(nil, errors.New("not implemented yet"))
	}
}
