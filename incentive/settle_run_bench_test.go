package incentive

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkRunSettlements runs 10,000 deals of 200 partners over 2026
// under a quarterly settlement with a partner cap and a budget: settled
// in the run (attached, the caps bind the true-ups, the run is not
// sharded) or, as before, by adding the results to a builder after the
// run (byhand, sharded on several workers). ns/op is per run.
func BenchmarkRunSettlements(b *testing.B) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("5000"), Period: PeriodQuarter}, {Scope: CapBudget, Limit: dec("500000")}}
	ins := make([]Input, 10_000)
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, nyc)
	for i := range ins {
		id := fmt.Sprintf("P-%03d", i%200)
		d := deal(fmt.Sprintf("D-%05d", i), id, fmt.Sprint(1000+i%7*1000), "2026-01-01")
		d.CloseDate = start.Add(time.Duration(i) * 50 * time.Minute)
		ins[i] = Input{Deal: d, Partner: gold(id)}
	}
	e, err := NewEvaluator(p)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"attached", "byhand"} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", mode, workers), func(b *testing.B) {
				for b.Loop() {
					s := e.NewSettlements()
					opts := RunOptions{Workers: workers, NoTrace: true, ReuseResults: true}
					if mode == "attached" {
						opts.Settlements = s
					}
					for r, err := range e.Run(b.Context(), inputsOf(ins...), opts) {
						if err != nil {
							b.Fatal(err)
						}
						if mode == "byhand" {
							if err := s.Add(r); err != nil {
								b.Fatal(err)
							}
						}
					}
					if len(s.Settle(Date{2026, 12, 31})) == 0 {
						b.Fatal("nothing settled")
					}
				}
			})
		}
	}
}
