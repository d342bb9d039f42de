package incentive_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/shopspring/decimal"
)

// The engine and the hand-written reference are two independent
// implementations of the same terms: they must agree on every deal, with
// one worker (runSerial), two (the paired run) and three (the sharded run).
func TestGrowthProgramMatchesHandWritten(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		growthref.CheckAgainstReference(t, growthref.Program(), 20000, workers)
	}
}

// BenchmarkEvaluateExample measures one deal of the example program through
// the engine (program built in Go) against the same terms hand-written in Go.
func BenchmarkEvaluateExample(b *testing.B) {
	b.Run("engine", func(b *testing.B) { growthref.BenchEvaluate(b, growthref.Program()) })
	b.Run("engine-notrace", func(b *testing.B) { growthref.BenchEvaluateNoTrace(b, growthref.Program()) })
	b.Run("handwritten", growthref.BenchHandwritten)
	b.Run("handwritten-int64", growthref.BenchHandwrittenMinor)
}

// BenchmarkGenerate is the input side of BenchmarkRunExample alone: making
// the generated deals and converting them into engine inputs. The batch
// figures include it; subtract it for the engine's own cost.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(map[int]string{100_000: "100k", 1_000_000: "1M"}[n], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				count := 0
				for in, err := range growthref.Inputs(growthref.Generate(n, 500)) {
					if err != nil || in.Deal.ID == "" {
						b.Fatal(err)
					}
					count++
				}
				if count != n {
					b.Fatal(count)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/float64(b.N), "ns/deal")
		})
	}
}

// BenchmarkRunExampleHandwritten streams the same generated deals through
// the hand-written reference, for the ratio with BenchmarkRunExample.
func BenchmarkRunExampleHandwritten(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(map[int]string{100_000: "100k", 1_000_000: "1M"}[n], func(b *testing.B) {
			for b.Loop() {
				st := growthref.NewState()
				count := 0
				for d := range growthref.Generate(n, 500) {
					in := growthref.Input(d) // the same conversion the engine's input pays for
					_ = in
					st.Next(&d)
					count++
				}
				if count != n {
					b.Fatal(count)
				}
			}
		})
	}
}

// BenchmarkRunExample streams generated deals through a batch run of the
// example program and reports the peak heap seen while it ran.
func BenchmarkRunExample(b *testing.B) {
	for _, bc := range []struct {
		n    int
		name string
		opts incentive.RunOptions
	}{
		{100_000, "100k", incentive.RunOptions{}},
		{1_000_000, "1M", incentive.RunOptions{}},
		{100_000, "100k-notrace", incentive.RunOptions{NoTrace: true}},
		{1_000_000, "1M-notrace", incentive.RunOptions{NoTrace: true}},
		{100_000, "100k-notrace-reuse", incentive.RunOptions{NoTrace: true, ReuseResults: true}},
		{1_000_000, "1M-notrace-reuse", incentive.RunOptions{NoTrace: true, ReuseResults: true}},
	} {
		b.Run(bc.name, func(b *testing.B) { growthref.BenchRun(b, growthref.Program(), bc.n, bc.opts) })
	}
}

// An Evaluator reuses its working state from deal to deal: evaluating the
// generated deals one after another (with partner totals before each, so
// band tables and partner caps start from them) on one Evaluator gives
// exactly the results, trace included, of a fresh Evaluator per deal.
func TestEvaluatorReuseMatchesFresh(t *testing.T) {
	p := growthref.Program()
	shared, err := incentive.NewEvaluator(p)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for d := range growthref.Generate(300, 7) {
		in := growthref.Input(d)
		// 0, 60000.00, 120000.00 of quarter volume before the deal: the
		// first, second and third rebate bands.
		in.Prior = incentive.Prior{PeriodAmount: decimal.New(int64(i%3)*6_000_000, -2), PeriodEarned: decimal.New(int64(i%5)*600_000, -2),
			BudgetUsed: decimal.New(int64(i%4)*8_000_000, -2)}
		got, err := shared.Evaluate(t.Context(), in, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := incentive.Evaluate(t.Context(), p, in, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		// JSON carries every field and every step's words.
		g, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		w, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if string(g) != string(w) {
			t.Fatalf("deal %d (%s): reused evaluator gives\n%s\nfresh one\n%s", i, d.ID, got.Explain(), want.Explain())
		}
		i++
	}
}

// EvaluateNoTrace gives Evaluate's result without the trace, on every
// generated deal.
func TestEvaluateNoTraceMatchesEvaluate(t *testing.T) {
	e, err := incentive.NewEvaluator(growthref.Program())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for d := range growthref.Generate(500, 7) {
		in := growthref.Input(d)
		in.Prior = incentive.Prior{PeriodAmount: decimal.New(int64(n%4)*9_000_000, -2)}
		full, err := e.Evaluate(t.Context(), in, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		bare, err := e.EvaluateNoTrace(t.Context(), in, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(bare.Trace) != 0 || (full.Eligible && len(full.Trace) == 0) {
			t.Fatalf("deal %s: %d steps without the trace, %d with", d.ID, len(bare.Trace), len(full.Trace))
		}
		full.Trace = nil
		bare.Trace = nil
		g, _ := json.Marshal(bare)
		w, _ := json.Marshal(full)
		if string(g) != string(w) {
			t.Fatalf("deal %s:\nno trace %s\nfull     %s", d.ID, g, w)
		}
		n++
	}
}

// A run with ReuseResults yields, deal by deal, results that encode exactly
// as a normal run's, with one worker and with several, with and without
// the trace.
func TestRunReuseResultsMatches(t *testing.T) {
	p := growthref.Program()
	for _, workers := range []int{1, 2, 3} {
		for _, noTrace := range []bool{false, true} {
			opts := incentive.RunOptions{Workers: workers, NoTrace: noTrace}
			var want []string
			for r, err := range incentive.Run(t.Context(), p, growthref.Inputs(growthref.Generate(3000, 40)), opts) {
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(r)
				want = append(want, string(b))
			}
			opts.ReuseResults = true
			i := 0
			for r, err := range incentive.Run(t.Context(), p, growthref.Inputs(growthref.Generate(3000, 40)), opts) {
				if err != nil {
					t.Fatal(err)
				}
				if b, _ := json.Marshal(r); string(b) != want[i] {
					t.Fatalf("workers %d, notrace %v, deal %d: reused\n%s\nfresh\n%s", workers, noTrace, i, b, want[i])
				}
				i++
			}
			if i != len(want) {
				t.Fatalf("%d results, want %d", i, len(want))
			}
		}
	}
}

// BenchmarkRunWorkers is BenchmarkRunExample's batch at a fixed number of
// workers, without the trace and with it (-trace): one (everything on the
// caller's goroutine) against two (the paired run), to see what the second
// core buys.
func BenchmarkRunWorkers(b *testing.B) {
	for _, trace := range []bool{false, true} {
		for _, w := range []int{1, 2} {
			for _, n := range []int{100_000, 1_000_000} {
				name := fmt.Sprintf("w%d-%s", w, map[int]string{100_000: "100k", 1_000_000: "1M"}[n])
				if trace {
					name += "-trace"
				}
				b.Run(name, func(b *testing.B) {
					growthref.BenchRun(b, growthref.Program(), n, incentive.RunOptions{NoTrace: !trace, Workers: w})
				})
			}
		}
	}
}
