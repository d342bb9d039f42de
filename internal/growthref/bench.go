package growthref

import (
	"slices"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
)

// BenchEvaluate measures the per-deal evaluation of program p over a fixed
// set of generated deals, and BenchHandwritten the hand-written reference
// over the same deals; benchmarks in several packages share them so their
// figures compare.
func BenchEvaluate(b *testing.B, p *incentive.Program) {
	deals := benchDeals()
	ins := make([]incentive.Input, len(deals))
	for i, d := range deals {
		ins[i] = Input(d)
	}
	e, err := incentive.NewEvaluator(p)
	if err != nil {
		b.Fatal(err)
	}
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
	deals := benchDeals()
	ins := make([]incentive.Input, len(deals))
	for i, d := range deals {
		ins[i] = Input(d)
	}
	e, err := incentive.NewEvaluator(p)
	if err != nil {
		b.Fatal(err)
	}
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
