package rules_test

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

type rnoCase struct {
	p   *incentive.Program
	ins []incentive.Input
}

func rnoCases(t *testing.T) []rnoCase {
	var files []string
	for _, g := range []string{"testdata/reference/*.yaml", "../examples/programs/*.yaml", "../workbench/testdata/*.yaml", "../examples/workbench/*.yaml"} {
		m, err := filepath.Glob(g)
		require.NoError(t, err)
		files = append(files, m...)
	}
	by := map[*incentive.Program]*rnoCase{}
	var out []*rnoCase
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		cf, err := rules.Compile(f, src)
		if err != nil {
			continue
		}
		for _, tc := range cf.Tests {
			c := by[tc.Program]
			if c == nil {
				c = &rnoCase{p: tc.Program}
				by[tc.Program] = c
				out = append(out, c)
			}
			for _, in := range tc.Inputs {
				c.ins = append(c.ins, in)
				in.Prior = incentive.Prior{PeriodAmount: decimal.RequireFromString("150000.5"), Cumulative: decimal.RequireFromString("300000"),
					PeriodEarned: decimal.RequireFromString("100"), BudgetUsed: decimal.RequireFromString("50"), PeriodDeals: 2}
				in.Deal.ID += "-prior"
				c.ins = append(c.ins, in)
				bad := in
				bad.Deal.ID += "-bad"
				bad.Deal.Quantity = -1
				c.ins = append(c.ins, bad)
				bad2 := in
				bad2.Deal.ID += "-nofields"
				bad2.Deal.Fields = nil
				bad2.Partner.Contacts = nil
				bad2.Partner.Tier = "no-such-tier"
				c.ins = append(c.ins, bad2)
			}
		}
	}
	var res []rnoCase
	for _, c := range out {
		res = append(res, *c)
	}
	return res
}

func rnoJSON(t *testing.T, r *incentive.Result, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	c := *r
	c.Trace = nil
	b, jerr := json.Marshal(&c)
	require.NoError(t, jerr)
	return string(b)
}

// Each deal evaluated by an evaluator that evaluated other deals first
// (its pooled state reused) gives what a fresh evaluator gives.
func TestReviewRnoNoLeak(t *testing.T) {
	asOf := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, c := range rnoCases(t) {
		fresh := make([]string, len(c.ins))
		freshEx := make([]string, len(c.ins))
		for i, in := range c.ins {
			e, err := incentive.NewEvaluator(c.p)
			require.NoError(t, err)
			r, err := e.Evaluate(t.Context(), in, asOf)
			fresh[i] = rnoJSON(t, r, err)
			if err == nil {
				freshEx[i] = r.Explain()
			}
		}
		e, err := incentive.NewEvaluator(c.p)
		require.NoError(t, err)
		for pass := range 3 {
			for k := range c.ins {
				i := k
				if pass == 1 {
					i = len(c.ins) - 1 - k
				}
				in := c.ins[i]
				var r *incentive.Result
				if (k+pass)%2 == 0 {
					r, err = e.EvaluateNoTrace(t.Context(), in, asOf)
				} else {
					r, err = e.Evaluate(t.Context(), in, asOf)
					if err == nil {
						require.Equal(t, freshEx[i], r.Explain(), "%s deal %s pass %d", c.p.ID, in.Deal.ID, pass)
					}
				}
				require.Equal(t, fresh[i], rnoJSON(t, r, err), "%s deal %s pass %d", c.p.ID, in.Deal.ID, pass)
				n++
			}
		}
		// A run of them all, in order.
		ins := slices.Clone(c.ins)
		slices.SortStableFunc(ins, func(a, b incentive.Input) int {
			if x := a.Deal.CloseDate.Compare(b.Deal.CloseDate); x != 0 {
				return x
			}
			return cmp.Compare(a.Deal.ID, b.Deal.ID)
		})
		seq := func(yield func(incentive.Input, error) bool) {
			for _, in := range ins {
				if !yield(in, nil) {
					return
				}
			}
		}
		var want []string
		for r, err := range incentive.Run(t.Context(), c.p, seq, incentive.RunOptions{Workers: 1, AsOf: asOf}) {
			want = append(want, rnoJSON(t, r, err))
		}
		for _, o := range []incentive.RunOptions{{Workers: 1, NoTrace: true}, {Workers: 3, NoTrace: true}, {Workers: 1, NoTrace: true, ReuseResults: true}, {Workers: 3, ReuseResults: true, NoTrace: true}} {
			o.AsOf = asOf
			var got []string
			for r, err := range incentive.Run(t.Context(), c.p, seq, o) {
				got = append(got, rnoJSON(t, r, err))
			}
			require.Equal(t, want, got, "%s %+v", c.p.ID, o)
		}
	}
	t.Logf("%d evaluations", n)
}

// The example program (growthref: a partner period marginal band table,
// caps) run without the trace gives the traced run's results with prior
// totals (a chained run): every partner's period and cumulative totals
// and cap counts, and the budget's, start from earlier runs'.
func TestReviewRnoChainedNoTrace(t *testing.T) {
	p := growthref.Program()
	prior := func(id string) incentive.Prior {
		n := int64(len(id)) + int64(id[len(id)-1])
		return incentive.Prior{PeriodAmount: decimal.New(n*4321, -2), PeriodDeals: n % 3, PeriodEarned: decimal.New(n*17, 0),
			Cumulative: decimal.New(n*98765, -1)}
	}
	asOf := time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC)
	var want []string
	for r, err := range incentive.Run(t.Context(), p, growthref.Inputs(growthref.Generate(3000, 40)), incentive.RunOptions{Workers: 1, Prior: prior, BudgetUsed: decimal.New(150000, 0), AsOf: asOf}) {
		want = append(want, rnoJSON(t, r, err))
	}
	for _, o := range []incentive.RunOptions{{Workers: 1, NoTrace: true}, {Workers: 4, NoTrace: true}, {Workers: 4, NoTrace: true, ReuseResults: true}} {
		o.Prior, o.BudgetUsed, o.AsOf = prior, decimal.New(150000, 0), asOf
		i := 0
		for r, err := range incentive.Run(t.Context(), p, growthref.Inputs(growthref.Generate(3000, 40)), o) {
			require.Equal(t, want[i], rnoJSON(t, r, err), "deal %d %+v", i, o)
			i++
		}
		require.Equal(t, len(want), i)
	}
}
