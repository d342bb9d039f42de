package incentive

import (
	"encoding/json"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review batch9 (issue #11, round 9): a new result's Lines and Lost are
// made by ownTerms (lineRoom), in one allocation, on the goroutine that
// reads the input in a paired or sharded run.

// b9Inputs yields the deals as inputs, each with a gold partner of its id.
func b9Inputs(deals ...Deal) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for _, d := range deals {
			if !yield(Input{Deal: d, Partner: gold(d.PartnerID)}, nil) {
				return
			}
		}
	}
}

// b9Runs runs the deals serially, paired (two workers) and sharded (three),
// with and without the trace, and returns each run's results.
func b9Runs(t *testing.T, p *Program, deals ...Deal) map[string][]*Result {
	t.Helper()
	out := map[string][]*Result{}
	for _, workers := range []int{1, 2, 3} {
		for _, noTrace := range []bool{false, true} {
			var rs []*Result
			for r, err := range Run(t.Context(), p, b9Inputs(deals...), RunOptions{Workers: workers, NoTrace: noTrace}) {
				require.NoError(t, err)
				rs = append(rs, r)
			}
			name := map[int]string{1: "serial", 2: "paired", 3: "sharded"}[workers]
			if noTrace {
				name += ", no trace"
			}
			out[name] = rs
		}
	}
	return out
}

// Lines and Lost share one allocation, each capped at its length: a
// caller appending to a result's Lines gets a copy and leaves Lost as it
// was.
func TestReviewBatch9LinesAndLostKeepApart(t *testing.T) {
	fixed := func(id, group, amount string) Earning {
		return Earning{ID: id, Type: Spiff, Group: group, Amount: Const(dec(amount))}
	}
	// c and d are in group g, which picks the first that holds: c pays,
	// d is lost.
	p := simple(fixed("a", "", "100"), fixed("b", "", "200"), fixed("c", "g", "300"), fixed("d", "g", "400"))
	p.Groups = []Group{{ID: "g", Pick: PickFirst}}
	check := func(name string, r *Result) {
		require.Len(t, r.Lines, 3, name)
		require.Len(t, r.Lost, 1, name)
		assert.Equal(t, 3, cap(r.Lines), name)
		assert.Equal(t, 1, cap(r.Lost), name)
		// 100 + 200 + 300 = 600; d's 400 is not paid.
		assert.Equal(t, "600.00", r.Total.amount.StringFixed(2), name)
		lines := append(r.Lines, Line{Earning: "extra", Amount: usd("1")})
		require.Len(t, lines, 4, name)
		assert.Equal(t, "d", r.Lost[0].Earning, name)
		assert.Equal(t, "400.00", r.Lost[0].Amount.amount.StringFixed(2), name)
		for k, id := range []string{"a", "b", "c"} {
			assert.Equal(t, id, r.Lines[k].Earning, name)
		}
	}
	check("Evaluate", mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1000", "2026-11-01"), Partner: gold("P-1")}))
	for name, rs := range b9Runs(t, p, deal("D-1", "P-1", "1000", "2026-11-01"), deal("D-2", "P-1", "1000", "2026-11-02")) {
		require.Len(t, rs, 2, name)
		for _, r := range rs {
			check(name+" "+r.DealID, r)
		}
	}
}

// A deal that passes the clauses ownTerms tests, and so gets room for its
// lines, but fails a clause of the ordered phase (one that reads the
// partner's running totals) has no lines: nil, "lines": null in JSON, as
// every ineligible result (the room must not show as "lines": []).
func TestReviewBatch9IneligibleInOrderHasNoLines(t *testing.T) {
	p := simple(withRate("base", "0.02", nil))
	// The partner's second deal of the period and later: period.deals
	// counts the eligible deals before this one, so no deal is ever
	// eligible, and every one is failed in the ordered phase.
	p.Eligibility = []Clause{{Name: "second deal", When: AtLeast(PathPeriodDeals, dec("1"))}}
	for name, rs := range b9Runs(t, p, deal("D-1", "P-1", "1000", "2026-11-01"), deal("D-2", "P-1", "2000", "2026-11-02")) {
		require.Len(t, rs, 2, name)
		for _, r := range rs {
			assert.False(t, r.Eligible, name)
			assert.Equal(t, "second deal", r.Failed, name)
			assert.Nil(t, r.Lines, name)
			b, err := json.Marshal(r)
			require.NoError(t, err)
			assert.Contains(t, string(b), `"lines":null`, name)
		}
	}
}
