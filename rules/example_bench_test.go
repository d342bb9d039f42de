package rules_test

import (
	"os"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/require"
)

// exampleProgram compiles the bundled example, examples/programs/q4-growth.yaml.
func exampleProgram(tb testing.TB) *incentive.Program {
	tb.Helper()
	set, err := rules.Load(os.DirFS("../examples/programs"), "q4-growth.yaml")
	require.NoError(tb, err)
	p := set.Program("q4-2026-partner-growth")
	require.NotNil(tb, p)
	return p
}

// The YAML program, compiled through expr, pays exactly what the hand-written
// Go reference pays on every generated deal.
func TestExampleProgramMatchesHandWritten(t *testing.T) {
	growthref.CheckAgainstReference(t, exampleProgram(t), 20000, 2)
}

// BenchmarkEvaluateExample measures one deal of the example program three
// ways in one run, so the ratios can be read directly:
//
//   - yaml: compiled from the YAML file (expr with decimal operators);
//   - go: the same terms built in Go with the engine's helpers, on the same
//     engine (the ratio yaml/go is the cost of the DSL's expressions);
//   - yaml-notrace, go-notrace: the same without the explanation
//     (Evaluator.EvaluateNoTrace, what RunOptions.NoTrace does per deal);
//   - yaml-into, yaml-notrace-into: yaml and yaml-notrace writing every
//     result into one Result (Evaluator.EvaluateInto, EvaluateNoTraceInto),
//     for services that keep no results;
//   - yaml-explain: yaml with the explanation read once in words
//     (Result.Explain), what a caller that explains every deal pays;
//   - handwritten: the terms as a plain Go function with shopspring decimal,
//     no engine, no explanation (the reference);
//   - handwritten-int64: the same over int64 cents (the physical floor).
func BenchmarkEvaluateExample(b *testing.B) {
	b.Run("yaml", func(b *testing.B) { growthref.BenchEvaluate(b, exampleProgram(b)) })
	b.Run("yaml-notrace", func(b *testing.B) { growthref.BenchEvaluateNoTrace(b, exampleProgram(b)) })
	b.Run("go", func(b *testing.B) { growthref.BenchEvaluate(b, growthref.Program()) })
	b.Run("go-notrace", func(b *testing.B) { growthref.BenchEvaluateNoTrace(b, growthref.Program()) })
	b.Run("yaml-into", func(b *testing.B) { growthref.BenchEvaluateInto(b, exampleProgram(b), false) })
	b.Run("yaml-notrace-into", func(b *testing.B) { growthref.BenchEvaluateInto(b, exampleProgram(b), true) })
	b.Run("yaml-explain", func(b *testing.B) { growthref.BenchEvaluateExplain(b, exampleProgram(b)) })
	b.Run("handwritten", growthref.BenchHandwritten)
	b.Run("handwritten-int64", growthref.BenchHandwrittenMinor)
}

// BenchmarkRunExample streams 100,000 and 1,000,000 generated deals
// through the YAML program: with explanations, without them, and without
// them with results reused (RunOptions.ReuseResults, for callers that only
// aggregate). It reports the peak heap and the cost per deal, generation
// of the inputs included (see BenchmarkGenerate in package incentive).
func BenchmarkRunExample(b *testing.B) {
	p := exampleProgram(b)
	for _, bc := range []struct {
		name string
		opts incentive.RunOptions
	}{
		{"trace", incentive.RunOptions{}},
		{"notrace", incentive.RunOptions{NoTrace: true}},
		{"notrace-reuse", incentive.RunOptions{NoTrace: true, ReuseResults: true}},
	} {
		for _, n := range []int{100_000, 1_000_000} {
			b.Run(bc.name+map[int]string{100_000: "-100k", 1_000_000: "-1M"}[n], func(b *testing.B) { growthref.BenchRun(b, p, n, bc.opts) })
		}
	}
}
