package incentive

import (
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inputsOf(ins ...Input) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// A partner's Prior belongs to the first period its totals are touched in,
// whether a band table or a partner cap touches it first. When a monthly
// band table and a monthly partner cap share the period kind, a deal that
// only the cap counts (the band line does not apply) starts January from
// Prior; February then starts from zero, on any number of workers.
func TestReviewShardedPriorPeriodSharedByBandAndCap(t *testing.T) {
	p := periodBands(Marginal, BasisPeriod, PeriodMonth)
	p.Earnings[0].When = AtLeast(PathDealAmount, dec("1000"))
	p.Earnings = append(p.Earnings, Earning{ID: "base", Type: Spiff, Amount: Const(dec("10"))})
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1000000"), Period: PeriodMonth}}
	prior := func(string) Prior { return Prior{PeriodAmount: dec("100000"), PeriodDeals: 3} }
	for _, workers := range []int{1, 2, 3} {
		var totals []string
		for r, err := range Run(t.Context(), p, inputsOf(
			Input{Deal: deal("D-1", "P-1", "500", "2026-01-15"), Partner: gold("P-1")},
			Input{Deal: deal("D-2", "P-1", "10000", "2026-02-10"), Partner: gold("P-1")},
		), RunOptions{Workers: workers, Prior: prior}) {
			require.NoError(t, err)
			totals = append(totals, r.Total.String())
		}
		assert.Equal(t, []string{
			"10.00 USD",  // January: 500 < 1000, vol does not apply; base 10
			"210.00 USD", // February starts from zero: 10000 x 2% = 200, + base 10 (not 10000 x 4% = 400 from Prior's 100000)
		}, totals, "workers %d", workers)
	}
}
