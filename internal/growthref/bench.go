package growthref

import (
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/cputime"
	"runtime"
	"slices"
	"testing"
	"time"
)

// BenchEvaluate measures the per-deal evaluation of program p over a fixed
// set of generated deals, and BenchHandwritten the hand-written reference
// over the same deals; benchmarks in several packages share them so their
// figures compare.
func BenchEvaluate(b *testing.B, p *incentive.Program) {
	e, ins := benchEvaluator(b, p)
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.Evaluate(ctx, ins[i%len(ins)], time.Time{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchHandwritten: see BenchEvaluate.
func BenchHandwritten(b *testing.B) {
	deals := benchDeals()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Evaluate(&deals[i%len(deals)], Prior{})
		i++
	}
}

func benchDeals() []Deal { return slices.Collect(Generate(1024, 40)) }

// benchEvaluator returns an Evaluator of p and the inputs of benchDeals,
// which every per-deal benchmark of the engine runs.
func benchEvaluator(b *testing.B, p *incentive.Program) (*incentive.Evaluator, []incentive.Input) {
	deals := benchDeals()
	ins := make([]incentive.Input, len(deals))
	for i, d := range deals {
		ins[i] = Input(d)
	}
	e, err := incentive.NewEvaluator(p)
	if err != nil {
		b.Fatal(err)
	}
	return e, ins
}

// BenchHandwrittenMinor: the hand-written terms over int64 cents (the
// floor); see BenchEvaluate. The deals are converted to cents before the
// timer starts.
func BenchHandwrittenMinor(b *testing.B) {
	deals := benchDeals()
	minor := make([]MinorDeal, len(deals))
	for i := range deals {
		var ok bool
		if minor[i], ok = Minor(&deals[i]); !ok {
			b.Fatalf("deal %s: amount %s is not whole cents", deals[i].ID, deals[i].Amount)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		EvaluateMinor(&minor[i%len(minor)], MinorPrior{})
		i++
	}
}

// BenchEvaluateNoTrace is BenchEvaluate without explanations
// (Evaluator.EvaluateNoTrace).
func BenchEvaluateNoTrace(b *testing.B, p *incentive.Program) {
	e, ins := benchEvaluator(b, p)
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.EvaluateNoTrace(ctx, ins[i%len(ins)], time.Time{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchRun streams n generated deals (over 500 partners) through a batch
// run of program p with opts, and reports the peak heap seen while it ran
// (sampled every 50,000 deals), deals per second and nanoseconds per deal.
// The figures include generating the inputs, on the run's producer
// goroutine; gen-cpu-ns/deal is the CPU time that generating the same
// deals alone takes per deal (measured once, after the timed runs), so
// that the engine's share of cpu-ns/deal is the difference
// (BenchmarkGenerate in package incentive measures the generator alone
// too). gc/run is the number of garbage collection cycles during a run.
// cpu-ns/deal is the process's CPU time (user and system, all
// threads) during the run per deal, where the platform gives it (unix): on
// a shared machine it moves less than the wall time does.
func BenchRun(b *testing.B, p *incentive.Program, n int, opts incentive.RunOptions) {
	b.ReportAllocs()
	var cpu time.Duration
	cpuKnown := true
	var gcs uint32
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		gc0 := ms.NumGC
		cpu0, ok0 := cputime.Process()
		var peak uint64
		count := 0
		for r, err := range incentive.Run(b.Context(), p, Inputs(Generate(n, 500)), opts) {
			if err != nil || r == nil {
				b.Fatal(err)
			}
			count++
			if count%50_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		cpu1, ok1 := cputime.Process()
		cpu += cpu1 - cpu0
		runtime.ReadMemStats(&ms)
		gcs += ms.NumGC - gc0
		cpuKnown = cpuKnown && ok0 && ok1
		if count != n {
			b.Fatalf("%d results for %d deals", count, n)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
	perDeal := float64(b.Elapsed().Nanoseconds()) / float64(n) / float64(b.N)
	b.ReportMetric(1e9/perDeal, "deals/s")
	b.ReportMetric(perDeal, "ns/deal")
	// Collector cycles a run: with the run's small live heap (a few
	// chunks of deals and the partners' totals) the collector starts
	// again every few megabytes allocated, and each cycle marks that live
	// heap and stops the world twice. The count follows the bytes a deal
	// allocates, and moves by a fifth or so from run to run with how full
	// the run's pipeline is when each cycle starts.
	b.ReportMetric(float64(gcs)/float64(b.N), "gc/run")
	if cpuKnown {
		// CPU time on every core (workers, generator and garbage
		// collector), less sensitive than wall time to other processes
		// sharing the machine.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n)/float64(b.N), "cpu-ns/deal")
	}
	// After the timed runs (b.Loop has stopped the timer): measured before
	// them, the generator's garbage was still being swept and returned to
	// the system during the first run, adding about 1 us of CPU a deal.
	if genCPU, ok := generateCPU(b, n); ok {
		b.ReportMetric(float64(genCPU.Nanoseconds())/float64(n), "gen-cpu-ns/deal")
	}
}

// generateCPU is the CPU time of generating n deals' inputs as BenchRun
// streams them, without running them; known is false where the platform
// does not give CPU time.
func generateCPU(b *testing.B, n int) (cpu time.Duration, known bool) {
	runtime.GC()
	cpu0, ok0 := cputime.Process()
	count := 0
	for in, err := range Inputs(Generate(n, 500)) {
		if err != nil || in.Deal.ID == "" {
			b.Fatal(err)
		}
		count++
	}
	cpu1, ok1 := cputime.Process()
	if count != n {
		b.Fatalf("%d inputs for %d deals", count, n)
	}
	return cpu1 - cpu0, ok0 && ok1
}

// BenchEvaluateInto is BenchEvaluate writing every deal's result into one
// Result (Evaluator.EvaluateInto, or EvaluateNoTraceInto with noTrace),
// as a service that evaluates deals inline and keeps no results does.
func BenchEvaluateInto(b *testing.B, p *incentive.Program, noTrace bool) {
	e, ins := benchEvaluator(b, p)
	into := e.EvaluateInto
	if noTrace {
		into = e.EvaluateNoTraceInto
	}
	ctx := b.Context()
	var res incentive.Result
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := into(ctx, &res, &ins[i%len(ins)], time.Time{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchEvaluateExplain is BenchEvaluate with the explanation read once,
// in words (Result.Explain): what a caller that explains every deal pays.
func BenchEvaluateExplain(b *testing.B, p *incentive.Program) {
	e, ins := benchEvaluator(b, p)
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r, err := e.Evaluate(ctx, ins[i%len(ins)], time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Explain()) == 0 {
			b.Fatal("no words")
		}
		i++
	}
}
