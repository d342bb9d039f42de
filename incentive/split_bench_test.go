package incentive

import "testing"

// BenchmarkEvaluateSplit evaluates one deal of an 80/20 split program with
// a referral partner named on the deal, without a trace (the statement
// path): the cost of the shares.
func BenchmarkEvaluateSplit(b *testing.B) {
	e, err := NewEvaluator(splitProgram(RemainderLargestShare, false))
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Deal: referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), Partner: gold("P-1")}
	asOf := day("2026-12-31")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.EvaluateNoTrace(b.Context(), in, asOf); err != nil {
			b.Fatal(err)
		}
	}
}
