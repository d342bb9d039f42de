package incentive

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rnotrace8Bands is one earning paid by threeBands ([0, 100000) 4%,
// [100000, 250000) 6% "gold", [250000, ...) 8%) on the deal amount.
func rnotrace8Bands() *Program {
	return simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Bands: threeBands()}})
}

// A result written as JSON reads back (Step.UnmarshalJSON), and a caller
// done with a result may decode a stored one into it (a pool of Results
// for both, say). Since a line's Band points at the evaluator's BandHit,
// shared by every line reaching the band, json.Unmarshal into such a
// result decoded the stored band INTO the evaluator's: every later deal
// of the evaluator reaching that band then read the stored deal's band
// ("band": {"index": 0, ...} for a deal in band 1), in its lines and its
// JSON, while its explanation still named the right band.
func TestReviewRnotrace8DecodeIntoResultLeavesEvaluatorBands(t *testing.T) {
	e, err := NewEvaluator(rnotrace8Bands())
	require.NoError(t, err)
	in := func(id, amount string) Input {
		return Input{Deal: deal(id, "P-1", amount, "2026-11-01"), Partner: gold("P-1")}
	}
	asOf := day("2026-12-31")
	// 50000 is in [0, 100000), band index 0, no label: 50000 x 0.04 = 2000.00.
	low, err := e.Evaluate(t.Context(), in("D-LOW", "50000"), asOf)
	require.NoError(t, err)
	require.Equal(t, BandHit{Index: 0, Of: 3}, *low.Lines[0].Band)
	stored, err := json.Marshal(low)
	require.NoError(t, err)

	for _, into := range []bool{false, true} {
		// 120000 is in [100000, 250000), band index 1 "gold": 120000 x 0.06 = 7200.00.
		var res *Result
		if into {
			res = new(Result)
			x := in("D-HIGH", "120000")
			require.NoError(t, e.EvaluateInto(t.Context(), res, &x, asOf))
		} else {
			res, err = e.Evaluate(t.Context(), in("D-HIGH", "120000"), asOf)
			require.NoError(t, err)
		}
		require.Equal(t, BandHit{Index: 1, Of: 3, Label: "gold"}, *res.Lines[0].Band)
		// The caller is done with res and reads the stored result into it.
		require.NoError(t, json.Unmarshal(stored, res))
		assert.Equal(t, "D-LOW", res.DealID)
		assert.Equal(t, "2000.00", res.Lines[0].Amount.amount.StringFixed(2))
		// The stored line reads back as it was written (decoded in place
		// it kept the label "gold", which the stored JSON omits as empty).
		assert.Equal(t, BandHit{Index: 0, Of: 3}, *res.Lines[0].Band, "the stored band read back")
		after, err := json.Marshal(res)
		require.NoError(t, err)
		assert.JSONEq(t, string(stored), string(after))

		// A later deal in band 1 still reads band 1, "gold".
		again, err := e.Evaluate(t.Context(), in("D-NEXT", "130000"), asOf)
		require.NoError(t, err)
		require.Len(t, again.Lines, 1)
		assert.Equal(t, BandHit{Index: 1, Of: 3, Label: "gold"}, *again.Lines[0].Band, "into %v", into)
		// 130000 x 0.06 = 7800.00
		assert.Equal(t, "7800.00", again.Lines[0].Amount.amount.StringFixed(2))
	}
}

// rnotrace8Clone copies in deeply enough that scribbling over the copy's
// maps, lines and registration leaves in as it was.
func rnotrace8Clone(in Input) Input {
	out := in
	d := &out.Deal
	if in.Deal.Fields != nil {
		d.Fields = maps.Clone(in.Deal.Fields)
	}
	d.Lines = slices.Clone(in.Deal.Lines)
	for k := range d.Lines {
		if d.Lines[k].Fields != nil {
			d.Lines[k].Fields = maps.Clone(d.Lines[k].Fields)
		}
	}
	if r := in.Deal.Registration; r != nil {
		c := *r
		d.Registration = &c
	}
	if in.Prior.CapUsed != nil {
		out.Prior.CapUsed = maps.Clone(in.Prior.CapUsed)
	}
	if in.Prior.Basis != nil {
		out.Prior.Basis = maps.Clone(in.Prior.Basis)
	}
	return out
}

// rnotrace8Scribble overwrites everything of *in, in place: every field of
// the Input, the values in its maps, its lines and its registration, as a
// caller reusing one Input for deal after deal does.
func rnotrace8Scribble(in *Input, other Input) {
	for k := range in.Deal.Fields {
		in.Deal.Fields[k] = "scribbled"
	}
	for k := range in.Deal.Lines {
		l := &in.Deal.Lines[k]
		for f := range l.Fields {
			l.Fields[f] = dec("-1")
		}
		*l = DealLine{Product: "scribbled", Amount: usd("-99")}
	}
	if r := in.Deal.Registration; r != nil {
		*r = Registration{ID: "scribbled"}
	}
	for k := range in.Prior.CapUsed {
		in.Prior.CapUsed[k] = dec("-1")
	}
	for k := range in.Prior.Basis {
		in.Prior.Basis[k] = dec("-1")
	}
	*in = other
	in.Deal.ID, in.Deal.PartnerID, in.Partner.ID = "scribbled", "scribbled", "scribbled"
}

// EvaluateInto reads the caller's Input in place since notrace8 (the
// pooled state keeps the pointer). A caller that reuses its Input for
// the next deal, or scribbles over it, right after the call must still
// read the result it got: the same JSON, explanation and words of every
// step as Evaluate gives the deal, per-line items, conversions, fields,
// registrations and priors included.
func TestReviewRnotrace8IntoResultOutlivesItsInput(t *testing.T) {
	type tc struct {
		name string
		p    *Program
		ins  []Input
		asOf time.Time
	}
	n := 120
	if raceDetector {
		n = 40
	}
	money := Input{Deal: eurDeal(), Partner: gold("P-1"), Rates: eurUSD(t)}
	local := rnotrace8Clone(money)
	local.Deal.ID, local.Rates = "D-2", nil
	local.Deal.Amount = MustParseMoney("800.00", "USD")
	for k := range local.Deal.Lines {
		local.Deal.Lines[k].Amount = MustParseMoney("400.00", "USD")
		local.Deal.Lines[k].UnitPrice = Money{}
	}
	local.Deal.Fields["approved"] = MustParseMoney("50.00", "USD").Amount()
	cases := []tc{
		{"into", intoProgram(), intoInputs(t, n), day("2026-06-30")},
		{"money", moneyProgram(), []Input{money, local}, time.Time{}},
	}
	for _, c := range cases {
		e, err := NewEvaluator(c.p)
		require.NoError(t, err)
		for _, noTrace := range []bool{false, true} {
			var res Result
			ok := 0
			for i := range c.ins {
				want, werr := e.Evaluate(t.Context(), c.ins[i], c.asOf)
				x := rnotrace8Clone(c.ins[i])
				gerr := e.EvaluateInto(t.Context(), &res, &x, c.asOf)
				if noTrace {
					want, werr = e.EvaluateNoTrace(t.Context(), c.ins[i], c.asOf)
					gerr = e.EvaluateNoTraceInto(t.Context(), &res, &x, c.asOf)
				}
				if werr != nil {
					require.Error(t, gerr, "%s deal %d", c.name, i)
					continue
				}
				require.NoError(t, gerr, "%s deal %d", c.name, i)
				ok++
				rnotrace8Scribble(&x, c.ins[(i+1)%len(c.ins)])
				a, err := json.Marshal(want)
				require.NoError(t, err)
				b, err := json.Marshal(&res)
				require.NoError(t, err)
				require.Equal(t, string(a), string(b), "%s deal %d noTrace %v", c.name, i, noTrace)
				require.Equal(t, want.Explain(), res.Explain(), "%s deal %d", c.name, i)
				require.Equal(t, len(want.Trace), len(res.Trace))
				for k := range want.Trace {
					require.Equal(t, want.Trace[k].Words(), res.Trace[k].Words(), "%s deal %d step %d", c.name, i, k)
				}
			}
			require.Positive(t, ok, c.name)
		}
	}
}

// EvaluateInto reads the caller's Input in place, and a line's Band is
// the evaluator's: goroutines evaluating the SAME inputs (one *Input read
// by all at once, as a service fanning one deal out to several programs'
// or workers' results does) into results of their own get Evaluate's
// result each, and nothing races (run with -race): an input is only read.
func TestReviewRnotrace8IntoSharedInputsConcurrently(t *testing.T) {
	e, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	n, workers := 120, 4
	if raceDetector {
		n = 40
	}
	ins := intoInputs(t, n)
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
	got := make([][]string, workers)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res Result
			out := make([]string, len(ins))
			for k := range ins {
				i := (k + g*7) % len(ins) // each worker in its own order
				if err := e.EvaluateInto(context.Background(), &res, &ins[i], asOf); err != nil {
					out[i] = "error: " + err.Error()
					continue
				}
				b, err := json.Marshal(&res)
				if err != nil {
					out[i] = "marshal: " + err.Error()
					continue
				}
				out[i] = string(b)
			}
			got[g] = out
		}()
	}
	wg.Wait()
	for g := range workers {
		for i := range ins {
			require.Equal(t, want[i], got[g][i], "worker %d deal %d", g, i)
		}
	}
	require.Equal(t, intoInputs(t, n), ins, "the inputs are as made")
}

// One Result handed to the EvaluateInto of two evaluators in turn (two
// programs, and two evaluators of one program) holds what each one's
// Evaluate gives, deal after deal: its room (lines, cuts, shares, hold,
// conversion) and its lines' bands carry nothing of the other program.
func TestReviewRnotrace8IntoAcrossEvaluators(t *testing.T) {
	e1, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	e1b, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	e2, err := NewEvaluator(rnotrace8Bands())
	require.NoError(t, err)
	n := 60
	if raceDetector {
		n = 30
	}
	ins1 := intoInputs(t, n)
	amounts := []string{"50000", "120000", "300000", "0"}
	asOf := day("2026-06-30")
	var res Result
	evals := 0
	for i := range ins1 {
		for _, e := range []*Evaluator{e1, e2, e1b} {
			in := ins1[i]
			if e == e2 {
				in = Input{Deal: deal("B-"+itoa(i), "P-1", amounts[i%len(amounts)], "2026-11-01"), Partner: gold("P-1")}
			}
			want, werr := e.Evaluate(t.Context(), in, asOf)
			gerr := e.EvaluateInto(t.Context(), &res, &in, asOf)
			if werr != nil {
				require.EqualError(t, gerr, werr.Error())
				continue
			}
			require.NoError(t, gerr)
			evals++
			a, err := json.Marshal(want)
			require.NoError(t, err)
			b, err := json.Marshal(&res)
			require.NoError(t, err)
			require.Equal(t, string(a), string(b), "deal %d program %s", i, e.Program().ID)
			for k, l := range res.Lines {
				if l.Band != nil {
					earn := slices.IndexFunc(e.p.Earnings, func(x Earning) bool { return x.ID == l.Earning })
					require.GreaterOrEqual(t, earn, 0)
					assert.Same(t, &e.earn[earn].hits[l.Band.Index], l.Band, "deal %d line %d: the evaluator's own band hit", i, k)
				}
			}
		}
	}
	require.Greater(t, evals, n)
}

// A deal cap's cut spread over several lines, and one that the last line
// takes alone (takeCutAt makes room for that line only since notrace8),
// after a line cap cut an earlier line: every line keeps its own cuts, in
// the order applied, with Evaluate, EvaluateInto (one Result, deal after
// deal) and a run with reused results.
func TestReviewRnotrace8CutsOverSeveralLines(t *testing.T) {
	p := simple(
		Earning{ID: "a", Type: Spiff, Amount: Const(dec("100"))},
		Earning{ID: "b", Type: Spiff, Amount: Const(dec("200"))},
		Earning{ID: "c", Type: Spiff, Amount: Const(dec("300"))})
	p.Caps = []Cap{{Scope: CapLine, Earning: "a", Limit: dec("80")}, {Scope: CapDeal, Limit: dec("250")}}
	wide, err := NewEvaluator(p)
	require.NoError(t, err)
	p2 := *p
	p2.Caps = []Cap{p.Caps[0], {Scope: CapDeal, Limit: dec("300")}}
	narrow, err := NewEvaluator(&p2)
	require.NoError(t, err)
	cut := func(ci int, scope CapScope, limit, c string) string {
		return itoa(ci) + " " + string(scope) + " " + limit + " " + c
	}
	// a: 100 cut to 80 by its line cap (cut 20). The deal pays
	// 80 + 200 + 300 = 580.
	// Deal cap 250: 580 - 250 = 330 off, last line first: c 300 -> 0
	// (cut 300, 30 left), b 200 -> 170 (cut 30). 80 + 170 + 0 = 250.
	// Deal cap 300: 280 off, c alone: 300 -> 20. 80 + 200 + 20 = 300.
	type want struct {
		amounts []string
		cuts    [][]string
		total   string
	}
	wants := map[*Evaluator]want{
		wide: {[]string{"80.00", "170.00", "0.00"},
			[][]string{{cut(0, CapLine, "80", "20")}, {cut(1, CapDeal, "250", "30")}, {cut(1, CapDeal, "250", "300")}}, "250.00"},
		narrow: {[]string{"80.00", "200.00", "20.00"},
			[][]string{{cut(0, CapLine, "80", "20")}, nil, {cut(1, CapDeal, "300", "280")}}, "300.00"},
	}
	check := func(what string, e *Evaluator, r *Result) {
		t.Helper()
		w := wants[e]
		require.Len(t, r.Lines, 3, what)
		for k, l := range r.Lines {
			assert.Equal(t, w.amounts[k], l.Amount.amount.StringFixed(2), "%s line %s", what, l.Earning)
			var got []string
			for _, c := range l.Cuts {
				got = append(got, cut(c.Cap, c.Scope, c.Limit.String(), c.Cut.String()))
			}
			assert.Equal(t, w.cuts[k], got, "%s line %s", what, l.Earning)
		}
		assert.Equal(t, w.total, r.Total.amount.StringFixed(2), what)
	}
	in := func(i int) Input {
		return Input{Deal: deal("D-"+itoa(i), "P-1", "1000", "2026-11-01"), Partner: gold("P-1")}
	}
	asOf := day("2026-12-31")
	var res Result
	var kept []*Result
	for i, e := range []*Evaluator{wide, narrow, narrow, wide, wide, narrow} {
		r, err := e.Evaluate(t.Context(), in(i), asOf)
		require.NoError(t, err)
		check("evaluate "+itoa(i), e, r)
		kept = append(kept, r)
		x := in(i)
		require.NoError(t, e.EvaluateNoTraceInto(t.Context(), &res, &x, asOf))
		check("into "+itoa(i), e, &res)
	}
	for i, e := range []*Evaluator{wide, narrow, narrow, wide, wide, narrow} {
		check("kept "+itoa(i), e, kept[i])
	}
	for _, e := range []*Evaluator{wide, narrow} {
		n := 0
		deals := func(yield func(Input, error) bool) {
			for i := range 5 {
				x := in(i)
				x.Deal.CloseDate = day("2026-11-0" + itoa(i+1))
				if !yield(x, nil) {
					return
				}
			}
		}
		for r, err := range e.Run(t.Context(), deals, RunOptions{ReuseResults: true, NoTrace: true, Workers: 2}) {
			require.NoError(t, err)
			check("run", e, r)
			n++
		}
		require.Equal(t, 5, n)
	}
}

// Line.UnmarshalJSON: a line reads back as written, whole (fields the JSON
// omits are zero, not the line's before), into new memory (its Band, Cuts
// and Items are not those it had), and null leaves it as it was.
func TestReviewRnotrace8LineUnmarshal(t *testing.T) {
	hit := BandHit{Index: 2, Of: 3, Label: "top"}
	cuts := []CapCut{{Cap: 1, Scope: CapDeal, Limit: dec("5"), Cut: dec("1")}}
	l := Line{Earning: "x", Group: "g", Gross: usd("9.00"), Amount: usd("8.00"), Band: &hit, Cuts: cuts}
	require.NoError(t, json.Unmarshal([]byte(`null`), &l))
	assert.Equal(t, "x", l.Earning)
	assert.Same(t, &hit, l.Band)
	src := `{"earning":"y","type":"spiff","gross":{"amount":"3.00","currency":"USD"},"amount":{"amount":"2.00","currency":"USD"},` +
		`"band":{"index":0,"of":3},"cuts":[{"cap":0,"scope":"line","limit":"2","cut":"1"}]}`
	require.NoError(t, json.Unmarshal([]byte(src), &l))
	assert.Equal(t, BandHit{Index: 2, Of: 3, Label: "top"}, hit, "the band it pointed to is not written")
	assert.Equal(t, "5", cuts[0].Limit.String(), "nor the cuts")
	assert.Equal(t, "y", l.Earning)
	assert.Empty(t, l.Group, "omitted: zero")
	assert.Equal(t, BandHit{Index: 0, Of: 3}, *l.Band)
	require.Len(t, l.Cuts, 1)
	assert.Equal(t, CapCut{Cap: 0, Scope: CapLine, Limit: dec("2"), Cut: dec("1")}, l.Cuts[0])
	back, err := json.Marshal(l)
	require.NoError(t, err)
	assert.JSONEq(t, src, string(back))
	assert.Error(t, json.Unmarshal([]byte(`{"earning":5}`), &l))
}
