package incentive_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/stretchr/testify/require"
)

// A run without the trace gives every deal the result a run with it
// gives, byte for byte in JSON once the trace is left out, with one
// worker and with several, with results reused or not: the paths taken
// only without the trace (the fixed-point band tables of applyRun, the
// memo of sums) must not show. Each result is also checked against the
// hand-written reference by the traced run's cross-check
// (TestExampleProgramMatchesHandWritten), so both match it.
func TestNoTraceRunSameResults(t *testing.T) {
	const n = 20000
	p := growthref.Program()
	encode := func(r *incentive.Result) string {
		c := *r
		c.Trace = nil
		b, err := json.Marshal(&c)
		require.NoError(t, err)
		return string(b)
	}
	var want []string
	for r, err := range incentive.Run(t.Context(), p, growthref.Inputs(growthref.Generate(n, 40)), incentive.RunOptions{Workers: 1}) {
		require.NoError(t, err)
		want = append(want, encode(r))
	}
	require.Len(t, want, n)
	for _, opts := range []incentive.RunOptions{
		{Workers: 1, NoTrace: true},
		{Workers: 4, NoTrace: true},
		{Workers: 4, NoTrace: true, ReuseResults: true},
	} {
		i := 0
		for r, err := range incentive.Run(t.Context(), p, growthref.Inputs(growthref.Generate(n, 40)), opts) {
			require.NoError(t, err)
			require.Equal(t, want[i], encode(r), "deal %d, %+v", i, opts)
			i++
		}
		require.Equal(t, n, i)
	}
}

// EvaluateNoTrace gives the result Evaluate gives, but the trace, deal
// by deal of one evaluator (its pooled state reused from deal to deal).
func TestEvaluateNoTraceSameResults(t *testing.T) {
	e, err := incentive.NewEvaluator(growthref.Program())
	require.NoError(t, err)
	asOf := time.Date(2027, time.January, 15, 12, 0, 0, 0, time.UTC) // some claim windows closed
	i := 0
	for in, err := range growthref.Inputs(growthref.Generate(5000, 40)) {
		require.NoError(t, err)
		traced, err := e.Evaluate(t.Context(), in, asOf)
		require.NoError(t, err)
		bare, err := e.EvaluateNoTrace(t.Context(), in, asOf)
		require.NoError(t, err)
		traced.Trace = nil
		a, err := json.Marshal(traced)
		require.NoError(t, err)
		b, err := json.Marshal(bare)
		require.NoError(t, err)
		require.Equal(t, string(a), string(b), "deal %d", i)
		i++
	}
	require.Equal(t, 5000, i)
}
