package incentive_test

import (
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/stretchr/testify/require"
)

// On the example program's generated deals, one Result reused by
// EvaluateInto (EvaluateNoTraceInto) holds each deal's Evaluate
// (EvaluateNoTrace) result, byte for byte in JSON, and the same words.
func TestEvaluateIntoGeneratedDeals(t *testing.T) {
	e, err := incentive.NewEvaluator(growthref.Program())
	require.NoError(t, err)
	asOf := time.Date(2027, time.January, 15, 12, 0, 0, 0, time.UTC) // some claim windows closed
	var ins []incentive.Input
	for in, err := range growthref.Inputs(growthref.Generate(4000, 40)) {
		require.NoError(t, err)
		ins = append(ins, in)
	}
	for _, tc := range []struct {
		name string
		want func(incentive.Input) (*incentive.Result, error)
		into func(*incentive.Result, *incentive.Input) error
	}{
		{"trace",
			func(in incentive.Input) (*incentive.Result, error) { return e.Evaluate(t.Context(), in, asOf) },
			func(r *incentive.Result, in *incentive.Input) error { return e.EvaluateInto(t.Context(), r, in, asOf) }},
		{"notrace",
			func(in incentive.Input) (*incentive.Result, error) { return e.EvaluateNoTrace(t.Context(), in, asOf) },
			func(r *incentive.Result, in *incentive.Input) error {
				return e.EvaluateNoTraceInto(t.Context(), r, in, asOf)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var res incentive.Result
			eligible := 0
			for i := range ins {
				want, err := tc.want(ins[i])
				require.NoError(t, err)
				require.NoError(t, tc.into(&res, &ins[i]))
				a, err := json.Marshal(want)
				require.NoError(t, err)
				b, err := json.Marshal(&res)
				require.NoError(t, err)
				require.Equal(t, string(a), string(b), "deal %d", i)
				require.Equal(t, want.Explain(), res.Explain(), "deal %d", i)
				if res.Eligible {
					eligible++
				}
			}
			require.Positive(t, eligible)
			require.Less(t, eligible, len(ins))
		})
	}
}

// In the steady state a deal evaluated into a reused Result allocates
// only its share of the decimal slabs (16 decimals to one allocation):
// fewer than one allocation a deal, where EvaluateNoTrace allocates the
// Result and its Lines, two or more.
func TestEvaluateIntoAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("under the race detector sync.Pool drops pooled states at random: the counts are go test's")
	}
	e, err := incentive.NewEvaluator(growthref.Program())
	require.NoError(t, err)
	var ins []incentive.Input
	for in, err := range growthref.Inputs(growthref.Generate(2048, 40)) {
		require.NoError(t, err)
		ins = append(ins, in)
	}
	mallocs := func(f func(in *incentive.Input)) float64 {
		for i := range ins { // warm up: the pool, the result's room
			f(&ins[i])
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range ins {
			f(&ins[i])
		}
		runtime.ReadMemStats(&after)
		return float64(after.Mallocs-before.Mallocs) / float64(len(ins))
	}
	var res incentive.Result
	into := mallocs(func(in *incentive.Input) {
		if err := e.EvaluateNoTraceInto(t.Context(), &res, in, time.Time{}); err != nil {
			t.Fatal(err)
		}
	})
	plain := mallocs(func(in *incentive.Input) {
		if _, err := e.EvaluateNoTrace(t.Context(), *in, time.Time{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocations a deal: EvaluateNoTraceInto %.2f, EvaluateNoTrace %.2f", into, plain)
	require.Less(t, into, 0.5)
	require.GreaterOrEqual(t, plain, 1.5)
}
