package incentive

import (
	"iter"
	"strings"
	"testing"
	"time"

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

// A sharded run with Prior (band periods and partner caps of different
// kinds), a split paying 30% to referrers who are partners of the run with
// deals of their own, a hold voided by refund dates, a pick group, claim
// expiry and a budget gives byte for byte the results of one worker.
func TestReviewShardedSplitHoldGroupPriorMatchesSerial(t *testing.T) {
	p := shardedProgram()
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("5000")}, {Scope: CapPartner, Limit: dec("15000"), Period: PeriodQuarter}, {Scope: CapBudget, Limit: dec("300000")}}
	p.Fields = []FieldDecl{{Name: "referrer", Type: FieldString, Optional: true}, {Name: "refund_date", Type: FieldDate, Optional: true}}
	p.Split = &Split{Payees: []SplitPayee{{Ratio: dec("70")}, {Field: "referrer", Ratio: dec("30")}}}
	p.Hold = Hold{Span: Span{Days: 30}, VoidOn: []string{"refund_date"}}
	p.Groups = []Group{{ID: "g", Pick: PickHighest}}
	p.Earnings = append(p.Earnings, Earning{ID: "g1", Type: Spiff, Group: "g", Amount: Const(dec("7"))},
		Earning{ID: "g2", Type: Spiff, Group: "g", Amount: RateOf(PathDealAmount, dec("0.0001"))})
	e, err := NewEvaluator(p)
	if err != nil {
		t.Fatal(err)
	}
	if !e.shardable() || !e.shardsPrior() {
		t.Fatal("not sharded")
	}
	prior := func(id string) Prior {
		if id[len(id)-1]%2 == 1 {
			return Prior{PeriodAmount: dec("90000"), PeriodDeals: 4, PeriodEarned: dec("5000"), Cumulative: dec("45000")}
		}
		return Prior{}
	}
	in := func(yield func(Input, error) bool) {
		for i, x := range func() []Input {
			var out []Input
			for in, err := range shardedInputs(900, 11) {
				if err != nil {
					continue
				}
				out = append(out, in)
			}
			return out
		}() {
			if i%3 == 0 {
				x.Deal.Fields = map[string]any{"referrer": "P-" + itoa(i%7)}
			}
			if i%5 == 0 {
				x.Deal.Fields = map[string]any{"refund_date": DateOf(x.Deal.CloseDate.Add(240 * time.Hour))}
			}
			if !yield(x, nil) {
				return
			}
		}
	}
	for _, base := range []RunOptions{{AsOf: day("2026-06-30"), Prior: prior, BudgetUsed: dec("1000")}, {NoTrace: true, Prior: prior, ReuseResults: true}} {
		s := base
		s.Workers = 1
		want := runRendered(t, p, in, s)
		for _, w := range []int{2, 3, 4} {
			o := base
			o.Workers = w
			got := runRendered(t, p, in, o)
			if len(got) != len(want) {
				t.Fatalf("len %d %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("workers %d deal %d:\n%s\nwant\n%s", w, i, got[i], want[i])
				}
			}
		}
		joined := strings.Join(want, "\n")
		require.Contains(t, joined, `"via":"deal.referrer"`, "a split share reached a referrer")
		require.Contains(t, joined, `"void":true`, "a hold was voided")
	}
}
