package rules_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/require"
)

// One Evaluator evaluates deal after deal in a pooled state whose trace
// scratch (steps, step details, the values read) the next deal overwrites,
// so each result gets copies. Every test deal of the reference programs
// and the examples goes through one evaluator per program; its
// explanation (words and JSON), rendered after all of them ran (and again
// in reverse order, another deal in each place of the scratch), must read
// as a run of that deal alone explains it (a run's results own their
// trace memory). The words that keep what a step read in a closure
// (per-line earnings, named values, computed deal caps) are among them.
func TestExplanationsSurviveLaterDeals(t *testing.T) {
	type made struct {
		res  *incentive.Result
		want *incentive.Result // the same deal alone, through Run
	}
	var all []made
	for _, dir := range []string{"testdata/reference", "../examples/programs"} {
		set, err := rules.Load(os.DirFS(dir), "*.yaml")
		require.NoError(t, err)
		evals := map[*incentive.Program]*incentive.Evaluator{}
		var later []func() // each deal again, to overwrite the scratch
		for _, tc := range set.Tests() {
			e := evals[tc.Program]
			if e == nil {
				e, err = incentive.NewEvaluator(tc.Program)
				require.NoError(t, err)
				evals[tc.Program] = e
			}
			for _, in := range tc.Inputs {
				asOf := tc.AsOf
				if asOf.IsZero() {
					asOf = in.Deal.CloseDate
				}
				res, err := e.Evaluate(t.Context(), in, asOf)
				later = append(later, func() { _, _ = e.Evaluate(t.Context(), in, asOf) })
				if err != nil {
					continue // a test that expects an error
				}
				opts := incentive.RunOptions{AsOf: asOf, BudgetUsed: in.Prior.BudgetUsed,
					Prior: func(string) incentive.Prior { return in.Prior }}
				var want *incentive.Result
				for r, err := range e.Run(t.Context(), one(in), opts) {
					require.NoError(t, err)
					want = r
				}
				all = append(all, made{res, want})
			}
		}
		for i := len(later) - 1; i >= 0; i-- {
			later[i]()
		}
	}
	var words strings.Builder
	for _, m := range all {
		got, err := json.Marshal(m.res)
		require.NoError(t, err)
		want, err := json.Marshal(m.want)
		require.NoError(t, err)
		require.Equal(t, m.want.Explain(), m.res.Explain(), "deal %s", m.res.DealID)
		require.Equal(t, string(want), string(got), "deal %s", m.res.DealID)
		words.WriteString(m.res.Explain())
	}
	for _, want := range []string{`line 1 ("`, `value "margin" = 4,000: deal.amount - deal.cost (deal.amount = 10,000.00`, "deal cap: values.margin * 0.3 = 1,200.00 (deal.amount"} {
		require.Contains(t, words.String(), want, "no explanation covers it")
	}
	require.Greater(t, len(all), 100)
}

// one is a run's input of the single deal in.
func one(in incentive.Input) func(func(incentive.Input, error) bool) {
	return func(yield func(incentive.Input, error) bool) { yield(in, nil) }
}
