package rules_test

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/require"
)

// Review rbatch9 (issue #11, round 9): a new result's Lines and Lost are
// one allocation (lineRoom), each capped at its length, and a line's cap
// cuts are a slice of a room shared by the run's deals (cutSlab), capped
// too. For every reference, example and workbench program's test deals
// (rnoCases) and the example's data: in serial, paired and sharded runs,
// with and without the trace, a result kept to the end of the run has the
// JSON it had when yielded, and still has it after the caller appended to
// every result's Lines, Lost and each line's Cuts.
func TestReviewRbatch9KeptResultsOfAllPrograms(t *testing.T) {
	asOf := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	type pc struct {
		name string
		p    *incentive.Program
		ins  []incentive.Input
	}
	var cases []pc
	for _, c := range rnoCases(t) {
		cases = append(cases, pc{c.p.ID, c.p, c.ins})
	}
	src, err := os.ReadFile("../examples/programs/q4-growth.yaml")
	require.NoError(t, err)
	cf, err := rules.Compile("q4-growth.yaml", src)
	require.NoError(t, err)
	ds, err := os.ReadFile("../examples/data/deals.yaml")
	require.NoError(t, err)
	ins, err := rules.DecodeDeals("deals.yaml", ds, cf.Programs[0])
	require.NoError(t, err)
	cases = append(cases, pc{"examples/data/deals.yaml", cf.Programs[0], ins})
	lines, lost, cuts := 0, 0, 0
	for _, c := range cases {
		e, err := incentive.NewEvaluator(c.p)
		require.NoError(t, err)
		ins := slices.Clone(c.ins)
		slices.SortStableFunc(ins, incentive.CompareInputs)
		ins = slices.CompactFunc(ins, func(a, b incentive.Input) bool { return incentive.CompareInputs(a, b) == 0 })
		seq := func(yield func(incentive.Input, error) bool) {
			for _, in := range ins {
				if !yield(in, nil) {
					return
				}
			}
		}
		for _, workers := range []int{1, 2, 3} {
			for _, noTrace := range []bool{false, true} {
				name := fmt.Sprintf("%s, workers %d, no trace %v", c.name, workers, noTrace)
				var kept []*incentive.Result
				var at []string
				for r, err := range e.Run(t.Context(), seq, incentive.RunOptions{AsOf: asOf, Workers: workers, NoTrace: noTrace}) {
					if err != nil {
						continue
					}
					kept, at = append(kept, r), append(at, rnoJSON(t, r, nil))
				}
				for k, r := range kept {
					require.Equal(t, at[k], rnoJSON(t, r, nil), "%s: %s after the run", name, r.DealID)
				}
				extra := incentive.Line{Earning: "appended"}
				for _, r := range kept {
					_ = append(r.Lines, extra)
					_ = append(r.Lost, extra)
					for _, ls := range [][]incentive.Line{r.Lines, r.Lost} {
						for i := range ls {
							_ = append(ls[i].Cuts, incentive.CapCut{Cap: 99, Scope: incentive.CapBudget})
							cuts += len(ls[i].Cuts)
						}
					}
					lines, lost = lines+len(r.Lines), lost+len(r.Lost)
				}
				for k, r := range kept {
					require.Equal(t, at[k], rnoJSON(t, r, nil), "%s: %s after appending", name, r.DealID)
				}
			}
		}
	}
	// (So that the appends met lost lines and cuts at all.)
	require.Greater(t, lost, 50)
	require.Greater(t, cuts, 100)
	t.Logf("%d lines, %d lost, %d cuts", lines, lost, cuts)
}
