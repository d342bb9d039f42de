package growthref

import (
	"iter"
	"testing"

	"github.com/partnerops/partnerops/incentive"
)

// CheckAgainstReference runs n generated deals through program p with the
// given number of workers and fails tb at the first deal whose total differs
// from the hand-written reference. It also checks that the deals exercise
// both outcomes (some eligible, some not).
func CheckAgainstReference(tb testing.TB, p *incentive.Program, n, workers int) {
	tb.Helper()
	ref := NewState()
	next, stop := iter.Pull(Generate(n, 40))
	defer stop()
	i, eligible := 0, 0
	for r, err := range incentive.Run(tb.Context(), p, Inputs(Generate(n, 40)), incentive.RunOptions{Workers: workers}) {
		if err != nil {
			tb.Fatalf("deal %d: %v", i, err)
		}
		d, _ := next()
		want := ref.Next(&d)
		if r.DealID != d.ID || !r.Total.Amount().Equal(want.Total) {
			tb.Fatalf("workers %d, deal %d (%s): hand-written %s, engine %s %s", workers, i, d.ID, want.Total.StringFixed(2), r.DealID, r.Total)
		}
		if r.Eligible {
			eligible++
		}
		i++
	}
	if i != n {
		tb.Fatalf("%d results for %d deals", i, n)
	}
	if eligible <= n/4 || eligible >= n {
		tb.Fatalf("%d of %d deals eligible: the generated deals should exercise both outcomes", eligible, n)
	}
}
