package incentive

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// intoProgram uses every part of a result EvaluateInto reuses: two band
// tables (two band hits on a line each), a line
// cap and a deal cap (cuts), a pick group (lost lines), a split (shares),
// a hold, a claim window; intoInputs add conversions.
func intoProgram() *Program {
	p := shardedProgram()
	p.Caps = append([]Cap{{Scope: CapLine, Earning: "base", Limit: dec("300")}}, p.Caps...)
	p.Fields = []FieldDecl{{Name: "referrer", Type: FieldString, Optional: true}, {Name: "refund_date", Type: FieldDate, Optional: true}}
	p.Split = &Split{Payees: []SplitPayee{{Ratio: dec("70")}, {Field: "referrer", Ratio: dec("30")}}}
	p.Hold = Hold{Span: Span{Days: 30}, VoidOn: []string{"refund_date"}}
	p.Groups = []Group{{ID: "g", Pick: PickHighest}}
	p.Earnings = append(p.Earnings, Earning{ID: "g1", Type: Spiff, Group: "g", Amount: Const(dec("7"))},
		Earning{ID: "g2", Type: Spiff, Group: "g", Amount: RateOf(PathDealAmount, dec("0.0001"))})
	return p
}

// intoInputs are n deals of every kind, in an order that puts deals
// without lines, cuts, bands, holds, shares or conversions right after
// deals with them: referrers (splits), refund dates (void holds), deals in
// EUR (conversions), deals after the window (ineligible), deals without
// a partner (errors), and partners whose caps and budget are nearly spent
// (partner and budget cuts).
func intoInputs(t *testing.T, n int) []Input {
	t.Helper()
	rates, err := NewRateTable(Rate{From: EUR, To: USD, Rate: dec("1.0825"), AsOf: Date{2025, 12, 1}})
	require.NoError(t, err)
	var out []Input
	for in, err := range shardedInputs(n, 11) {
		if err != nil {
			continue
		}
		i := len(out)
		if i%3 == 0 {
			in.Deal.Fields = map[string]any{"referrer": "P-" + itoa(i%7)}
		}
		if i%5 == 0 {
			in.Deal.Fields = map[string]any{"refund_date": DateOf(in.Deal.CloseDate.Add(240 * time.Hour))}
		}
		if i%4 == 1 {
			c, _ := in.Deal.Amount.MinorUnits()
			in.Deal.Amount = MoneyFromMinor(c, EUR)
			in.Rates = rates
		}
		if i%7 == 3 {
			in.Deal.CloseDate = day("2027-02-01")
		}
		if i%6 == 0 {
			in.Prior = Prior{PeriodAmount: dec("90000"), PeriodDeals: 3, PeriodEarned: dec("5800"), Cumulative: dec("45000"), BudgetUsed: dec("399000")}
		}
		out = append(out, in)
	}
	return out
}

// evalBoth evaluates in with Evaluate (or EvaluateNoTrace) and into res
// with EvaluateInto (or EvaluateNoTraceInto).
func evalBoth(e *Evaluator, ctx context.Context, in *Input, asOf time.Time, noTrace bool, res *Result) (want *Result, werr, gerr error) {
	if noTrace {
		want, werr = e.EvaluateNoTrace(ctx, *in, asOf)
		gerr = e.EvaluateNoTraceInto(ctx, res, in, asOf)
	} else {
		want, werr = e.Evaluate(ctx, *in, asOf)
		gerr = e.EvaluateInto(ctx, res, in, asOf)
	}
	return want, werr, gerr
}

// One Result reused deal after deal holds exactly what Evaluate returns
// for each deal: the same JSON byte for byte, the same explanation, and
// the same value field for field (nil where Evaluate's is nil: no room
// shows), with and without the trace; after a failed deal it is zero.
func TestEvaluateIntoSameAsEvaluate(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	n := 1500
	if raceDetector {
		n = 500 // the package's -race run stays inside go test's 10 minutes
	}
	ins := intoInputs(t, n)
	asOf := day("2026-06-30") // some claim windows closed, some holds matured
	for _, noTrace := range []bool{false, true} {
		t.Run(map[bool]string{false: "trace", true: "notrace"}[noTrace], func(t *testing.T) {
			var res Result
			kinds := map[string]int{}
			for i := range ins {
				want, werr, gerr := evalBoth(e, t.Context(), &ins[i], asOf, noTrace, &res)
				if werr != nil {
					require.EqualError(t, gerr, werr.Error(), "deal %d", i)
					room := res.room
					res.room = nil
					require.Equal(t, Result{}, res, "deal %d: a failed deal leaves a zero result", i)
					res.room = room
					kinds["error"]++
					continue
				}
				require.NoError(t, gerr, "deal %d", i)
				a, err := json.Marshal(want)
				require.NoError(t, err)
				b, err := json.Marshal(&res)
				require.NoError(t, err)
				require.Equal(t, string(a), string(b), "deal %d", i)
				require.Equal(t, want.Explain(), res.Explain(), "deal %d", i)
				got := res
				got.room = nil
				// (The traces are compared as JSON and words above: their
				// records hold closures, which DeepEqual never finds equal.)
				require.Equal(t, len(want.Trace), len(got.Trace), "deal %d", i)
				want.Trace, got.Trace = nil, nil
				require.Equal(t, *want, got, "deal %d", i)
				for _, l := range res.Lines {
					if len(l.Cuts) > 0 {
						kinds["cuts"]++
					}
				}
				bands := 0
				for _, l := range res.Lines {
					if l.Band != nil {
						bands++
					}
				}
				if bands > 1 {
					kinds["two bands"]++
				}
				if !res.Eligible {
					kinds["ineligible"]++
				}
				if len(res.Lost) > 0 {
					kinds["lost"]++
				}
				if len(res.Shares) > 1 {
					kinds["shares"]++
				}
				if res.Hold != nil && res.Hold.Void {
					kinds["void"]++
				}
				if res.Conversion != nil {
					kinds["conversion"]++
				}
			}
			// Every kind of deal was seen (so each was compared).
			for _, k := range []string{"error", "cuts", "two bands", "ineligible", "lost", "shares", "void", "conversion"} {
				assert.Positive(t, kinds[k], k)
			}
		})
	}
}

// A reused result shows nothing of the deal before: a deal with cut,
// banded, lost, split, held and converted lines, then an ineligible one,
// then one without a referrer, a conversion or a hold, then a failed one.
func TestEvaluateIntoForgetsPreviousDeal(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	ins := intoInputs(t, 200)
	var rich, plain *Input
	for i := range ins {
		r, err := e.Evaluate(t.Context(), ins[i], day("2026-06-30"))
		if err != nil || !r.Eligible {
			continue
		}
		cut := false
		for _, l := range r.Lines {
			cut = cut || len(l.Cuts) > 0
		}
		switch {
		case rich == nil && cut && len(r.Lost) > 0 && len(r.Shares) > 1 && r.Conversion != nil && r.Hold != nil:
			rich = &ins[i]
		case plain == nil && !cut && len(r.Shares) == 1 && r.Conversion == nil && r.Hold != nil && !r.Hold.Void:
			plain = &ins[i]
		}
	}
	require.NotNil(t, rich, "a deal with everything")
	require.NotNil(t, plain, "a plain deal")
	ineligible := *plain
	ineligible.Deal.CloseDate = day("2027-02-01")
	failed := *plain
	failed.Deal.ID = ""

	var res Result
	asOf := day("2026-06-30")
	require.NoError(t, e.EvaluateInto(t.Context(), &res, rich, asOf))
	require.NotEmpty(t, res.Lost)
	require.NotNil(t, res.Hold)

	require.NoError(t, e.EvaluateInto(t.Context(), &res, &ineligible, asOf))
	assert.False(t, res.Eligible)
	assert.Equal(t, "effective window", res.Failed)
	assert.Nil(t, res.Lines)
	assert.Nil(t, res.Lost)
	assert.Nil(t, res.Hold)
	assert.Nil(t, res.Conversion)
	assert.Nil(t, res.Shares)
	assert.True(t, res.ClaimBy.IsZero())
	assert.False(t, res.Expired)
	assert.True(t, res.Total.IsZero())

	require.NoError(t, e.EvaluateNoTraceInto(t.Context(), &res, plain, asOf))
	assert.True(t, res.Eligible)
	assert.Empty(t, res.Failed)
	assert.Nil(t, res.Conversion)
	assert.Len(t, res.Shares, 1)
	assert.False(t, res.Hold.Void)
	assert.Nil(t, res.Trace, "no trace")
	for _, l := range res.Lines {
		assert.Nil(t, l.Cuts, l.Earning)
	}
	want, err := e.EvaluateNoTrace(t.Context(), *plain, asOf)
	require.NoError(t, err)
	got := res
	got.room = nil
	assert.Equal(t, *want, got)

	err = e.EvaluateInto(t.Context(), &res, &failed, asOf)
	require.ErrorIs(t, err, ErrInvalidDeal)
	var ee *EvalError
	require.ErrorAs(t, err, &ee)
	res.room = nil
	assert.Equal(t, Result{}, res)
}

// The memory a Result's slices point to before its first EvaluateInto is
// not written (it may be shared: here a result Evaluate returned, whose
// lines the caller still reads), nor are the band hits its lines point to
// (the evaluator's, shared by every line reaching the band); the amounts
// of a result stay valid after the result is reused.
func TestEvaluateIntoKeepsEarlierMemory(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	ins := intoInputs(t, 100)
	asOf := day("2026-06-30")
	first := -1
	for i := range ins {
		if r, err := e.Evaluate(t.Context(), ins[i], asOf); err == nil && len(r.Lines) > 0 && len(r.Lost) > 0 {
			first = i
			break
		}
	}
	require.GreaterOrEqual(t, first, 0)
	res, err := e.Evaluate(t.Context(), ins[first], asOf)
	require.NoError(t, err)
	lines, lost, trace := res.Lines, res.Lost, res.Trace
	bands := make([]*BandHit, len(lines))
	for i := range lines {
		bands[i], lines[i].Band = lines[i].Band, nil
	}
	require.NotNil(t, bands[0])
	before, err := json.Marshal([]any{lines, lost, trace, bands})
	require.NoError(t, err)
	total := res.Total
	totalText := total.String()
	for i := range ins {
		if i == first {
			continue
		}
		_ = e.EvaluateInto(t.Context(), res, &ins[i], asOf)
		after, err := json.Marshal([]any{lines, lost, trace, bands})
		require.NoError(t, err)
		require.Equal(t, string(before), string(after), "after deal %d", i)
		require.Equal(t, totalText, total.String(), "an amount copied out of the result")
	}
}

// The errors: what each says, and res zero after each.
func TestEvaluateIntoErrors(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	in := intoInputs(t, 10)[1]
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		call func(res *Result) error
		is   error
	}{
		{"nil result", func(*Result) error { return e.EvaluateInto(t.Context(), nil, &in, time.Time{}) }, ErrNilResult},
		{"nil result, no trace", func(*Result) error { return e.EvaluateNoTraceInto(t.Context(), nil, &in, time.Time{}) }, ErrNilResult},
		{"nil input", func(r *Result) error { return e.EvaluateInto(t.Context(), r, nil, time.Time{}) }, ErrInvalidDeal},
		{"zero evaluator", func(r *Result) error { return (&Evaluator{}).EvaluateInto(t.Context(), r, &in, time.Time{}) }, ErrNoEvaluator},
		{"nil evaluator", func(r *Result) error { return (*Evaluator)(nil).EvaluateNoTraceInto(t.Context(), r, &in, time.Time{}) }, ErrNoEvaluator},
		{"cancelled", func(r *Result) error { return e.EvaluateInto(cancelled, r, &in, time.Time{}) }, context.Canceled},
		{"bad deal", func(r *Result) error {
			bad := in
			bad.Deal.CloseDate = time.Time{}
			return e.EvaluateNoTraceInto(t.Context(), r, &bad, time.Time{})
		}, ErrInvalidDeal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res Result
			require.NoError(t, e.EvaluateInto(t.Context(), &res, &in, time.Time{}))
			require.NotEmpty(t, res.DealID)
			err := tt.call(&res)
			require.ErrorIs(t, err, tt.is)
			if !errors.Is(err, ErrNilResult) {
				res.room = nil
				assert.Equal(t, Result{}, res)
			}
		})
	}
}

// Goroutines sharing an Evaluator, each with its own Result, get each
// deal's result (go test -race checks that nothing is shared).
func TestEvaluateIntoConcurrent(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	ins := intoInputs(t, 400)
	asOf := day("2026-06-30")
	want := make([]string, len(ins))
	for i := range ins {
		r, err := e.Evaluate(t.Context(), ins[i], asOf)
		if err != nil {
			want[i] = "error: " + err.Error()
			continue
		}
		b, err := json.Marshal(r)
		require.NoError(t, err)
		want[i] = string(b)
	}
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for g := range got {
		wg.Go(func() {
			var res Result
			for k := range ins {
				i := (k + g*97) % len(ins)
				if err := e.EvaluateInto(context.Background(), &res, &ins[i], asOf); err != nil {
					got[g] = append(got[g], "error: "+err.Error())
					continue
				}
				b, _ := json.Marshal(&res)
				got[g] = append(got[g], string(b))
			}
		})
	}
	wg.Wait()
	for g := range got {
		for k := range ins {
			i := (k + g*97) % len(ins)
			require.Equal(t, want[i], got[g][k], "goroutine %d, deal %d", g, i)
		}
	}
}

// A credit note re-evaluates the deal it names with that deal's own
// conversion, with results reused too: a run that reuses its results'
// room (ReuseResults) must not let a later deal's conversion (here at
// another rate) stand for it. D-1 (03-10, 2.00): 1,000.00 EUR = 2,000.00
// USD, its line 400.00 EUR = 800.00 USD: min(2,000.00, 800.00) x 0.10 =
// 80.00. D-2 (03-11, 1.10): 500.00 EUR = 550.00 USD, line 330.00 USD:
// 33.00. C-1: -100.00 EUR (1.10 on 03-12) = -110.00 USD; D-1's net
// 2,000.00 - 110.00 = 1,890.00 earns min(1,890.00, 800.00) x 0.10 =
// 80.00, as paid: nothing back. (At the later rate D-1's line would read
// 440.00 USD: min(1,890.00, 440.00) x 0.10 = 44.00, and the credit note
// would take 80.00 - 44.00 = 36.00 back.)
func TestReuseResultsCreditKeepsConversion(t *testing.T) {
	p := &Program{ID: "p", Version: 1, Currency: USD, AllowNegative: true,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}},
		Earnings: []Earning{{ID: "lines", Type: Spiff, Amount: FormulaFunc("min(deal.amount, sum(line.amount)) * 0.10",
			[]string{"deal.amount"}, func(s *Scope) (decimal.Decimal, error) {
				var sum decimal.Decimal
				for _, l := range s.Deal.Lines {
					sum = sum.Add(l.Amount.Amount())
				}
				return decimal.Min(s.Amount, sum).Mul(dec("0.10")), nil
			})}}}
	rates, err := NewRateTable(Rate{From: EUR, To: USD, Rate: dec("2.00"), AsOf: Date{2026, 3, 1}},
		Rate{From: EUR, To: USD, Rate: dec("1.10"), AsOf: Date{2026, 3, 11}})
	require.NoError(t, err)
	eur := func(s string) Money { return MustParseMoney(s, "EUR") }
	at := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	deals := []Input{
		{Partner: gold("P-1"), Deal: Deal{ID: "D-1", PartnerID: "P-1", Amount: eur("1000.00"), CloseDate: at(10), Lines: []DealLine{{Product: "SRV", Amount: eur("400.00")}}}},
		{Partner: gold("P-2"), Deal: Deal{ID: "D-2", PartnerID: "P-2", Amount: eur("500.00"), CloseDate: at(11), Lines: []DealLine{{Product: "SW", Amount: eur("300.00")}}}},
		{Partner: gold("P-1"), Deal: Deal{ID: "C-1", PartnerID: "P-1", Amount: eur("-100.00"), Credits: "D-1", CloseDate: at(12)}},
	}
	for _, opts := range []RunOptions{{Workers: 1}, {Workers: 1, ReuseResults: true}, {Workers: 2, ReuseResults: true}} {
		opts.Rates, opts.NoTrace = rates, true
		got := map[string]string{}
		for r, err := range Run(t.Context(), p, func(yield func(Input, error) bool) {
			for _, in := range deals {
				if !yield(in, nil) {
					return
				}
			}
		}, opts) {
			require.NoError(t, err)
			got[r.DealID] = r.Total.Amount().StringFixed(2)
		}
		assert.Equal(t, map[string]string{"D-1": "80.00", "D-2": "33.00", "C-1": "0.00"}, got, "%+v", opts)
	}
}

// EvaluateInto reads the caller's input in place (Evaluate copies its
// value): evaluating every kind of input intoInputs makes (conversions,
// fields, priors, dates outside the window), with and without the trace,
// leaves it as an identical input built on its own, deeply equal.
func TestEvaluateIntoLeavesInputUnchanged(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	asOf := day("2026-06-30")
	for _, noTrace := range []bool{false, true} {
		ins, want := intoInputs(t, 60), intoInputs(t, 60)
		require.Equal(t, want, ins, "intoInputs is deterministic")
		var res Result
		evaluated := 0
		for i := range ins {
			into := e.EvaluateInto
			if noTrace {
				into = e.EvaluateNoTraceInto
			}
			if into(t.Context(), &res, &ins[i], asOf) == nil {
				evaluated++
			}
		}
		require.Greater(t, evaluated, len(ins)/2, "most deals evaluate")
		assert.Equal(t, want, ins, "noTrace %v", noTrace)
	}
}
