package incentive_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// rtrace4Program records many step details a deal (four line caps and
// line roundings, a group, a deal cap, partner cap and budget cuts, a
// claim window from a custom date): more than the
// len(earnings)+groups+3 a run's details arena is sized for.
const rtrace4Program = `apiVersion: partnerops/v1
kind: Program
id: rtrace4
name: Review
version: 1
currency: USD
effective: {from: 2026-01-01, timezone: America/New_York}
fields:
  activated: {type: date, optional: true}
claims: {window: 1m, from: activated}
groups:
  - {id: g, pick: highest}
earnings:
  - {id: a, type: spiff, amount: deal.amount * 0.10333, cap: 50}
  - {id: b, type: rebate, amount: deal.amount * 0.20777, cap: 60}
  - {id: c, type: mdf, amount: deal.amount * 0.03331, cap: 7, group: g}
  - {id: d, type: bonus, amount: deal.amount * 0.04443, cap: 9, group: g}
caps:
  per_deal: 100
  per_partner: 1000
  budget: 5000
tests:
  - name: t
    deal: {id: D-1, amount: "1000.00", close_date: 2026-04-15}
    expect: {total: "100.00"}
`

func rtrace4Inputs(t *testing.T) (*incentive.Evaluator, []incentive.Input) {
	t.Helper()
	f, err := rules.Compile("rtrace4.yaml", []byte(rtrace4Program))
	require.NoError(t, err)
	e, err := incentive.NewEvaluator(f.Programs[0])
	require.NoError(t, err)
	base := f.Tests[0].Inputs[0]
	var ins []incentive.Input
	for k := range 40 {
		in := base
		in.Deal.ID = fmt.Sprintf("D-%d", k)
		amt, err := incentive.ParseMoney(fmt.Sprintf("%d.%02d", 300+97*k, k), "USD")
		require.NoError(t, err)
		in.Deal.Amount = amt
		in.Deal.CloseDate = time.Date(2026+k%3, time.Month(1+k%12), 1+k%28, 12, 0, 0, 0, time.UTC)
		if k%2 == 0 {
			in.Deal.Fields = map[string]any{"activated": incentive.Date{Year: 2024, Month: 2, Day: 29}}
		}
		in.Prior.PeriodEarned = decimal.NewFromInt(int64(900 + k))
		in.Prior.BudgetUsed = decimal.NewFromInt(int64(4900 + k))
		ins = append(ins, in)
	}
	return e, ins
}

func rtrace4Render(r *incentive.Result) string {
	j, err := json.Marshal(r)
	if err != nil {
		return err.Error()
	}
	s := r.Explain() + "\n" + string(j)
	for i := range r.Trace {
		s += "\n" + r.Trace[i].Words()
	}
	return s
}

// Each result's explanation, rendered right after its Evaluate, reads the
// same after all the other deals went through the same Evaluator, and the
// same as a Run of that deal alone, though its deal records more details
// than the arena is sized for.
func TestReviewRtrace4ExplanationsSurviveOverflowAndLaterCalls(t *testing.T) {
	e, ins := rtrace4Inputs(t)
	asOf := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []*incentive.Result
	var first []string
	for _, in := range ins {
		r, err := e.Evaluate(t.Context(), in, asOf)
		require.NoError(t, err)
		got = append(got, r)
		first = append(first, rtrace4Render(r))
	}
	cuts := 0
	for i, r := range got {
		require.Equal(t, first[i], rtrace4Render(r), "deal %s after later deals", r.DealID)
		in := ins[i]
		opts := incentive.RunOptions{AsOf: asOf, BudgetUsed: in.Prior.BudgetUsed, Prior: func(string) incentive.Prior { return in.Prior }}
		for w, err := range e.Run(t.Context(), func(yield func(incentive.Input, error) bool) { yield(in, nil) }, opts) {
			require.NoError(t, err)
			require.Equal(t, rtrace4Render(w), first[i], "deal %s: Evaluate against Run", r.DealID)
		}
		if len(r.Trace) > 12 {
			cuts++
		}
	}
	require.Positive(t, cuts, "no deal records enough steps to overflow the arena")
}

// Concurrent Evaluate calls on one Evaluator give each result its own
// trace: what each renders equals a sequential evaluation's.
func TestReviewRtrace4ConcurrentEvaluate(t *testing.T) {
	e, ins := rtrace4Inputs(t)
	asOf := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	want := make([]string, len(ins))
	for i, in := range ins {
		r, err := e.Evaluate(t.Context(), in, asOf)
		require.NoError(t, err)
		want[i] = rtrace4Render(r)
	}
	got := make([][]*incentive.Result, 4)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for k := range ins {
				i := (k + 7*g) % len(ins)
				r, err := e.Evaluate(t.Context(), ins[i], asOf)
				if err != nil {
					panic(err)
				}
				_ = r.Explain()
				got[g] = append(got[g], r)
			}
		})
	}
	wg.Wait()
	for g := range got {
		for k, r := range got[g] {
			require.Equal(t, want[(k+7*g)%len(ins)], rtrace4Render(r))
		}
	}
}

// Every test deal of the reference programs and the examples (holds,
// splits, settlements, conversions, dated attributes, per-line items,
// named values, computed caps, groups, claim windows on each anchor),
// evaluated by 3 goroutines at once on one Evaluator per program, each
// deal many times: every result explains itself as a lone sequential
// Evaluate of the deal does, after all of them ran.
func TestReviewRtrace4ConcurrentReferenceDeals(t *testing.T) {
	type job struct {
		e    *incentive.Evaluator
		in   incentive.Input
		asOf time.Time
		want string
	}
	var jobs []job
	for _, dir := range []string{"../rules/testdata/reference", "../examples/programs"} {
		set, err := rules.Load(os.DirFS(dir), "*.yaml")
		require.NoError(t, err)
		evals := map[*incentive.Program]*incentive.Evaluator{}
		for _, tc := range set.Tests() {
			e := evals[tc.Program]
			if e == nil {
				e, err = incentive.NewEvaluator(tc.Program)
				require.NoError(t, err)
				evals[tc.Program] = e
			}
			for _, in := range tc.Inputs {
				asOf := tc.AsOf
				if asOf.IsZero() {
					asOf = in.Deal.CloseDate
				}
				r, err := e.Evaluate(t.Context(), in, asOf)
				if err != nil {
					continue
				}
				jobs = append(jobs, job{e, in, asOf, rtrace4Render(r)})
			}
		}
	}
	require.Greater(t, len(jobs), 100)
	got := make([][]*incentive.Result, 3)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for k := range 2 * len(jobs) {
				j := jobs[(k*(g+1)+g)%len(jobs)]
				r, err := j.e.Evaluate(t.Context(), j.in, j.asOf)
				if err != nil {
					panic(err)
				}
				got[g] = append(got[g], r)
			}
		})
	}
	wg.Wait()
	for g := range got {
		for k, r := range got[g] {
			require.Equal(t, jobs[(k*(g+1)+g)%len(jobs)].want, rtrace4Render(r), "deal %s", r.DealID)
		}
	}
}

// The window and claim words of deals whose dates sit at the edges of the
// packed dates (shortDate: years within +-2^22) and of the calendar read
// as before the packing (7c9fc03 gives the same bytes): claim windows of
// 2 months from the close date, clamped to the month's last day.
func TestReviewRtrace4EdgeDateWords(t *testing.T) {
	f, err := rules.Compile("edge.yaml", []byte(`apiVersion: partnerops/v1
kind: Program
id: edge
name: Edge
version: 1
currency: USD
effective: {from: 0001-01-01, timezone: UTC}
claims: {window: 2m}
earnings:
  - {id: spiff, type: spiff, amount: 100}
`))
	require.NoError(t, err)
	e, err := incentive.NewEvaluator(f.Programs[0])
	require.NoError(t, err)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		close, asOf   time.Time
		window, claim string
	}{
		// 2024 is a leap year: 2024-02-29 + 2 months = 2024-04-29.
		{at(2024, 2, 29), time.Time{}, "close date 2024-02-29 is inside the effective window [0001-01-01, +inf] UTC",
			"claim by 2024-04-29 (2 months after close date 2024-02-29)"},
		// 2023-12-31 + 2 months = 2024-02-31, clamped to 2024-02-29;
		// as of 2024-03-01 that day has passed.
		{at(2023, 12, 31), at(2024, 3, 1), "close date 2023-12-31 is inside the effective window [0001-01-01, +inf] UTC",
			"claim by 2024-02-29 (2 months after close date 2023-12-31); as of 2024-03-01 the claim window has closed"},
		// 10000 is divisible by 400: a leap year, so 9999-12-31 + 2
		// months clamps to 10000-02-29.
		{at(9999, 12, 31), time.Time{}, "close date 9999-12-31 is inside the effective window [0001-01-01, +inf] UTC",
			"claim by 10000-02-29 (2 months after close date 9999-12-31)"},
		// The last packed year, 2^22-1 = 4194303; 4194304 = 4 * 1048576
		// and not a multiple of 100: a leap year.
		{at(4194303, 12, 31), time.Time{}, "close date 4194303-12-31 is inside the effective window [0001-01-01, +inf] UTC",
			"claim by 4194304-02-29 (2 months after close date 4194303-12-31)"},
		// The first year beyond the packing (a closure explains it).
		{at(4194304, 1, 1), time.Time{}, "close date 4194304-01-01 is inside the effective window [0001-01-01, +inf] UTC",
			"claim by 4194304-03-01 (2 months after close date 4194304-01-01)"},
		// A packed close date, an as-of date beyond the packing.
		{at(2024, 2, 29), at(5000000, 1, 1), "close date 2024-02-29 is inside the effective window [0001-01-01, +inf] UTC",
			"claim by 2024-04-29 (2 months after close date 2024-02-29); as of 5000000-01-01 the claim window has closed"},
	} {
		amt, err := incentive.ParseMoney("10.00", "USD")
		require.NoError(t, err)
		deal := incentive.Input{Deal: incentive.Deal{ID: "D", PartnerID: "P", CloseDate: tc.close, Amount: amt}}
		r, err := e.Evaluate(t.Context(), deal, tc.asOf)
		require.NoError(t, err)
		var window, claim string
		for i := range r.Trace {
			switch r.Trace[i].Kind {
			case incentive.StepWindow:
				window = r.Trace[i].Words()
			case incentive.StepClaim:
				claim = r.Trace[i].Words()
			}
		}
		require.Equal(t, tc.window, window, "close %s", tc.close)
		require.Equal(t, tc.claim, claim, "close %s", tc.close)
	}
}
