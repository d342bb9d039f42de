package incentive

// Tests from reviewer rnotrace7 (EvaluateInto, a deal into a reused
// Result, issue #11 round 7): each failed before the fix committed with it.

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rnotrace7Program pays 2% of the deal amount, split 70/30 with the
// deal's referrer, under a 30-day hold voided by a refund date.
func rnotrace7Program() *Program {
	p := simple(withRate("base", "0.02", nil))
	p.Fields = []FieldDecl{{Name: "referrer", Type: FieldString, Optional: true}, {Name: "refund_date", Type: FieldDate, Optional: true}}
	p.Split = &Split{Payees: []SplitPayee{{Ratio: dec("70")}, {Field: "referrer", Ratio: dec("30")}}}
	p.Hold = Hold{Span: Span{Days: 30}, VoidOn: []string{"refund_date"}}
	return p
}

// rnotrace7Deal is a deal of P-1 closing on date, with the given referrer
// and refund date (none when empty).
func rnotrace7Deal(id, amount, date, referrer, refund string) Input {
	f := map[string]any{}
	if referrer != "" {
		f["referrer"] = referrer
	}
	if refund != "" {
		d, err := ParseDate(refund)
		if err != nil {
			panic(err)
		}
		f["refund_date"] = d
	}
	return Input{Partner: gold("P-1"), Deal: Deal{ID: id, PartnerID: "P-1", Amount: usd(amount), CloseDate: day(date), Fields: f}}
}

// A Step copied by value out of a reused result keeps its words after the
// next deal is written into that result, as EvaluateInto's doc promises
// (and as a copy of a ReuseResults run's trace kept them before the run
// reused holds and shares): the words of a voided hold read the result's
// HoldStatus, and a split deal's total its Shares, both room the next
// deal overwrites; each now reads its own copy.
func TestReviewRnotrace7KeptStepKeepsWords(t *testing.T) {
	e, err := NewEvaluator(rnotrace7Program())
	require.NoError(t, err)
	asOf := day("2026-06-30")
	tests := []struct {
		name          string
		first, second Input
		kind          StepKind
		want          string
	}{
		// D-1, 10,000.00 on 2026-03-02: 2% = 200.00; refunded on
		// 2026-03-10, inside the hold (2026-03-02 + 30 days = 2026-04-01):
		// it pays nothing. D-2 (5,000.00 on 2026-03-05) is refunded on
		// 2026-03-20, inside its own hold (maturing 2026-04-04).
		{"void hold",
			rnotrace7Deal("D-1", "10000.00", "2026-03-02", "", "2026-03-10"),
			rnotrace7Deal("D-2", "5000.00", "2026-03-05", "", "2026-03-20"),
			StepHold, "void: refund_date 2026-03-10 falls inside the hold (30 days from close date 2026-03-02, maturing 2026-04-01), so the deal's 200.00 pays nothing"},
		// D-1: 200.00 split 70/30: 200.00 x 0.7 = 140.00 to P-1, 200.00 x
		// 0.3 = 60.00 to R-1. D-2: 5,000.00 x 2% = 100.00: 70.00 to P-1,
		// 30.00 to R-2.
		{"split total",
			rnotrace7Deal("D-1", "10000.00", "2026-03-02", "R-1", ""),
			rnotrace7Deal("D-2", "5000.00", "2026-03-05", "R-2", ""),
			StepTotal, "total 200.00 USD to partner, split: P-1 140.00 (partner), R-1 60.00 (deal.referrer)"},
	}
	// kept returns the step of the kind, copied by value.
	kept := func(t *testing.T, trace []Step, kind StepKind) Step {
		t.Helper()
		i := slices.IndexFunc(trace, func(st Step) bool { return st.Kind == kind })
		require.GreaterOrEqual(t, i, 0, "a %s step", kind)
		return trace[i]
	}
	for _, tt := range tests {
		t.Run(tt.name+", EvaluateInto", func(t *testing.T) {
			var res Result
			require.NoError(t, e.EvaluateInto(t.Context(), &res, &tt.first, asOf))
			st := kept(t, res.Trace, tt.kind)
			require.Equal(t, tt.want, st.Words())
			require.NoError(t, e.EvaluateInto(t.Context(), &res, &tt.second, asOf))
			require.Equal(t, "D-2", res.DealID)
			assert.Equal(t, tt.want, st.Words(), "after the next deal")
		})
		t.Run(tt.name+", ReuseResults run", func(t *testing.T) {
			deals := func(yield func(Input, error) bool) {
				_ = yield(tt.first, nil) && yield(tt.second, nil)
			}
			var st Step
			n := 0
			for r, err := range e.Run(t.Context(), deals, RunOptions{ReuseResults: true, Workers: 1, AsOf: asOf}) {
				require.NoError(t, err)
				if n == 0 {
					st = kept(t, slices.Clone(r.Trace), tt.kind)
					require.Equal(t, tt.want, st.Words())
				}
				n++
			}
			require.Equal(t, 2, n)
			assert.Equal(t, tt.want, st.Words(), "after the next deal")
		})
	}
}

// Everything the caller may keep of a reused result after the next call
// (values copied out: amounts, a cut, a share line, the hold and
// conversion by value, the trace's steps by value and their words and
// JSON) stays what it was, deal after deal of every kind, the trace on
// and off in turn; and each result is Evaluate's.
func TestReviewRnotrace7KeptValuesStay(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	n := 600
	if raceDetector {
		n = 150
	}
	ins := intoInputs(t, n)
	asOf := day("2026-06-30")
	var res Result
	var steps []Step
	var words, stepJSON []string
	keptJSON := "null"
	var keptVals []any
	for i := range ins {
		noTrace := i%3 == 1 || i%7 == 2
		want, werr, gerr := evalBoth(e, t.Context(), &ins[i], asOf, noTrace, &res)
		if werr != nil {
			require.EqualError(t, gerr, werr.Error(), "deal %d", i)
		} else {
			require.NoError(t, gerr, "deal %d", i)
			a, err := json.Marshal(want)
			require.NoError(t, err)
			b, err := json.Marshal(&res)
			require.NoError(t, err)
			require.Equal(t, string(a), string(b), "deal %d", i)
			require.Equal(t, want.Explain(), res.Explain(), "deal %d", i)
		}
		for k := range steps {
			require.Equal(t, words[k], steps[k].Words(), "after deal %d, step %d", i, k)
			b, err := json.Marshal(steps[k])
			require.NoError(t, err)
			require.Equal(t, stepJSON[k], string(b), "after deal %d, step %d", i, k)
		}
		b, err := json.Marshal(keptVals)
		require.NoError(t, err)
		require.Equal(t, keptJSON, string(b), "after deal %d", i)
		if gerr != nil {
			continue
		}
		steps = slices.Clone(res.Trace)
		words, stepJSON = words[:0], stepJSON[:0]
		for k := range steps {
			words = append(words, steps[k].Words())
			b, err := json.Marshal(steps[k])
			require.NoError(t, err)
			stepJSON = append(stepJSON, string(b))
		}
		keptVals = append(keptVals[:0], res.Total, res.DealID, res.ClaimBy)
		for _, l := range slices.Concat(res.Lines, res.Lost) {
			keptVals = append(keptVals, l.Earning, l.Gross, l.Amount)
			for _, c := range l.Cuts {
				keptVals = append(keptVals, c)
			}
		}
		for _, sh := range res.Shares {
			keptVals = append(keptVals, sh.PartnerID, sh.Amount)
			for _, sl := range sh.Lines {
				keptVals = append(keptVals, sl)
			}
		}
		if res.Hold != nil {
			keptVals = append(keptVals, *res.Hold)
		}
		if res.Conversion != nil {
			keptVals = append(keptVals, *res.Conversion)
		}
		b, err = json.Marshal(keptVals)
		require.NoError(t, err)
		keptJSON = string(b)
	}
}
