package incentive

import (
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// rspeedProgram has every stage the speed work touched: a line cap, a
// band table (a line's Band points into the program's plan), two more lines, a deal cap,
// a per_partner cap and a budget small enough to cut the same lines twice
// and then to spend, and credit notes.
func rspeedProgram() *Program {
	p := simple(
		Earning{ID: "a", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.1"))},
		Earning{ID: "b", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Bands: threeBands()}},
		Earning{ID: "c", Type: Bonus, Amount: RateOf(PathDealAmount, dec("0.05"))},
	)
	p.AllowNegative = true
	p.Caps = []Cap{
		{Scope: CapDeal, Limit: dec("9000")},
		{Scope: CapPartner, Limit: dec("40000"), Period: PeriodQuarter},
		{Scope: CapBudget, Limit: dec("120000")},
	}
	return p
}

func rspeedDeals(n int, negative bool) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for i := range n {
			amount := fmt.Sprintf("%d.%02d", 1000+(i*7919)%300000, i%100)
			if i%9 == 4 && negative {
				amount = "-" + amount
			}
			d := deal(fmt.Sprintf("D-%04d", i), fmt.Sprintf("P-%d", i%3), amount, fmt.Sprintf("2026-%02d-%02d", 1+i*12/n, 1+(i%(n/12))*27/(n/12)))
			if !yield(Input{Deal: d, Partner: gold(d.PartnerID)}, nil) {
				return
			}
		}
	}
}

// A caller that keeps the results of a run without ReuseResults must find
// them as they were yielded after the run (and later runs) ended: the cap
// cuts' room, the band hits and the trace belong to each result alone.
// And a run with ReuseResults yields the same bytes, for 1, 2 and 8
// workers, read inside the loop body.
func TestReviewRspeedKeptResultsNeverChange(t *testing.T) {
	shardable := rspeedProgram()
	shardable.AllowNegative = false // sharded by partner with 2 and 8 workers
	for _, p := range []*Program{rspeedProgram(), shardable} {
		keptResultsNeverChange(t, p)
	}
}

func keptResultsNeverChange(t *testing.T, p *Program) {
	render := func(r *Result) string {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b) + "\n" + r.Explain()
	}
	var want []string
	for _, workers := range []int{1, 2, 8} {
		for _, noTrace := range []bool{false, true} {
			var kept []*Result
			var atYield []string
			for r, err := range Run(t.Context(), p, rspeedDeals(rspeedN, p.AllowNegative), RunOptions{Workers: workers, NoTrace: noTrace}) {
				require.NoError(t, err)
				kept = append(kept, r)
				atYield = append(atYield, render(r))
			}
			// Another run of the same program, reusing results, must not
			// touch the kept ones either.
			var reused []string
			for r, err := range Run(t.Context(), p, rspeedDeals(rspeedN, p.AllowNegative), RunOptions{Workers: workers, NoTrace: noTrace, ReuseResults: true}) {
				require.NoError(t, err)
				reused = append(reused, render(r))
			}
			require.Equal(t, atYield, reused, "workers %d noTrace %v: ReuseResults changes the results", workers, noTrace)
			for i, r := range kept {
				require.Equal(t, atYield[i], render(r), "workers %d noTrace %v: kept result %d changed", workers, noTrace, i)
			}
			if !noTrace {
				if want == nil {
					want = atYield
				}
				require.Equal(t, want, atYield, "workers %d", workers)
			}
		}
	}
	// The program cut: the cuts and bands were exercised.
	var deal, partner, budget, band int
	for _, s := range want {
		for _, k := range []struct {
			n   *int
			sub string
		}{{&deal, `"scope":"deal"`}, {&partner, `"scope":"partner"`}, {&budget, `"scope":"budget"`}, {&band, `"band":{`}} {
			if strings.Contains(s, k.sub) {
				*k.n++
			}
		}
	}
	require.Positive(t, deal)
	require.Positive(t, partner)
	require.Positive(t, budget)
	require.Positive(t, band)
}

// rspeedN deals: more than two chunks of a run (runChunk), so chunks and
// their items are recycled while earlier results are kept.
var rspeedN = 600
