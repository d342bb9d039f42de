package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
)

// loadDeals reads the example program and its sample deals, sorted.
func loadDeals(t *testing.T) (*incentive.Evaluator, []incentive.Input) {
	set, err := rules.Load(os.DirFS("../programs"), "q4-growth.yaml")
	require.NoError(t, err)
	p := set.Program(programID)
	src, err := os.ReadFile("../data/deals.yaml")
	require.NoError(t, err)
	ins, err := rules.DecodeDeals("deals.yaml", src, p)
	require.NoError(t, err)
	incentive.SortInputs(ins)
	ev, err := incentive.NewEvaluator(p)
	require.NoError(t, err)
	return ev, ins
}

// runStmt runs ins and returns the statement as JSON and each deal's total.
func runStmt(t *testing.T, ev *incentive.Evaluator, ins []incentive.Input, opts incentive.RunOptions) (string, []string) {
	sb := ev.NewStatement(nil)
	var totals []string
	for r, err := range ev.Run(t.Context(), seq(ins), opts) {
		require.NoError(t, err)
		require.NoError(t, sb.Add(r))
		totals = append(totals, r.DealID+" "+r.Total.String())
	}
	b, err := json.Marshal(sb.Statement())
	require.NoError(t, err)
	return string(b), totals
}

// TestRunOptionsAndChainsAgree runs the 32 sample deals with every
// combination of Workers, NoTrace and ReuseResults, and split into two
// chained runs at every deal (the second starting from the first's
// RunCounts.BudgetUsed and each partner's period totals as Prior): the
// statement is the same byte for byte each time.
func TestRunOptionsAndChainsAgree(t *testing.T) {
	ev, ins := loadDeals(t)
	want, wantTotals := runStmt(t, ev, ins, incentive.RunOptions{Workers: 1})
	for _, w := range []int{1, 2, 4} {
		for _, nt := range []bool{false, true} {
			for _, ru := range []bool{false, true} {
				got, gotTotals := runStmt(t, ev, ins, incentive.RunOptions{Workers: w, NoTrace: nt, ReuseResults: ru})
				require.Equal(t, want, got, "w=%d nt=%v ru=%v", w, nt, ru)
				require.Equal(t, wantTotals, gotTotals)
			}
		}
	}
	// chained at every split point
	for k := 0; k <= len(ins); k++ {
		var counts incentive.RunCounts
		sb := ev.NewStatement(nil)
		type tot struct{ amt, earned decimal.Decimal }
		seen := map[string]tot{}
		for r, err := range ev.Run(t.Context(), seq(ins[:k]), incentive.RunOptions{Counts: &counts, Workers: 2, ReuseResults: true}) {
			require.NoError(t, err)
			require.NoError(t, sb.Add(r))
			if r.Eligible {
				x := seen[r.PartnerID]
				for _, in := range ins[:k] {
					if in.Deal.ID == r.DealID {
						x.amt = x.amt.Add(in.Deal.Amount.Amount())
					}
				}
				x.earned = x.earned.Add(r.Total.Amount())
				seen[r.PartnerID] = x
			}
		}
		used, ok := counts.BudgetUsed()
		require.True(t, ok)
		var counts2 incentive.RunCounts
		for r, err := range ev.Run(t.Context(), seq(ins[k:]), incentive.RunOptions{Counts: &counts2, BudgetUsed: used, Workers: 2, Prior: func(id string) incentive.Prior {
			x := seen[id]
			return incentive.Prior{PeriodAmount: x.amt, PeriodEarned: x.earned}
		}}) {
			require.NoError(t, err)
			require.NoError(t, sb.Add(r))
		}
		b, _ := json.Marshal(sb.Statement())
		require.JSONEq(t, want, string(b), "split %d", k)
		// The chain's budget ends where one run's does: 38,937.01 for the
		// 32 sample deals (cmd/partnerops/testdata/README.md works it out).
		u2, ok := counts2.BudgetUsed()
		require.True(t, ok)
		require.Equal(t, "38937.01", u2.StringFixed(2), "split %d", k)
	}
}
