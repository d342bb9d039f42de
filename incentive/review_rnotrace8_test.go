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
