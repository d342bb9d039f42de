package incentive_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/shopspring/decimal"
)

// reviewSpeedInputs are generated deals of the example program with priors
// that vary from deal to deal (some near the partner cap and the budget), so
// bands, caps and groups bind differently on consecutive deals.
func reviewSpeedInputs(n int) []incentive.Input {
	deals := slices.Collect(growthref.Generate(n, 8))
	ins := make([]incentive.Input, len(deals))
	for i, d := range deals {
		in := growthref.Input(d)
		in.Prior = incentive.Prior{
			PeriodAmount: decimal.NewFromInt(int64(i%7) * 60_000),
			PeriodDeals:  int64(i % 7),
			PeriodEarned: decimal.NewFromInt(int64(i%5) * 6_000),
			BudgetUsed:   decimal.NewFromInt(int64(i%3) * 124_000),
		}
		ins[i] = in
	}
	return ins
}

// render is everything a caller reads of a result: its JSON (amounts,
// lines, trace with words) and its explanation.
func render(t testing.TB, r *incentive.Result) string {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n" + r.Explain()
}

// One Evaluator evaluating deals from many goroutines at once, and results a
// caller keeps while later deals are evaluated, read exactly what an
// Evaluator that evaluated only that deal gives: the pooled state, the trace
// arenas and the step details leak nothing from one deal into another.
func TestReviewSpeedSoloPoolIsolation(t *testing.T) {
	p := growthref.Program()
	ins := reviewSpeedInputs(120)
	ctx, asOf := context.Background(), time.Time{}
	want := make([]string, len(ins))
	for i, in := range ins {
		fresh, err := incentive.NewEvaluator(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := fresh.Evaluate(ctx, in, asOf)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = render(t, r)
	}
	ev, err := incentive.NewEvaluator(p)
	if err != nil {
		t.Fatal(err)
	}
	// Kept results, rendered only after every later deal.
	kept := make([]*incentive.Result, len(ins))
	for i, in := range ins {
		if i%3 == 1 { // a deal without trace in between must not disturb the next
			if _, err := ev.EvaluateNoTrace(ctx, in, asOf); err != nil {
				t.Fatal(err)
			}
		}
		if kept[i], err = ev.Evaluate(ctx, in, asOf); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range ins {
				i := (k*7 + g*13) % len(ins)
				r, err := ev.Evaluate(ctx, ins[i], asOf)
				if err != nil {
					errs <- err.Error()
					return
				}
				if got := render(t, r); got != want[i] {
					errs <- "parallel deal " + ins[i].Deal.ID + ":\n" + got + "\nwant\n" + want[i]
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	for i, r := range kept {
		if got := render(t, r); got != want[i] {
			t.Fatalf("kept result of deal %s changed after later deals:\n%s\nwant\n%s", ins[i].Deal.ID, got, want[i])
		}
	}
}
