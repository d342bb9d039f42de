package rules_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// rn8Clone copies in deeply enough that scribbling over the copy (see
// rn8Scribble) leaves in as it was.
func rn8Clone(in incentive.Input) incentive.Input {
	out := in
	d, p := &out.Deal, &out.Partner
	d.Fields = maps.Clone(in.Deal.Fields)
	d.Lines = slices.Clone(in.Deal.Lines)
	for k := range d.Lines {
		d.Lines[k].Fields = maps.Clone(d.Lines[k].Fields)
	}
	if r := in.Deal.Registration; r != nil {
		c := *r
		d.Registration = &c
	}
	p.Contacts, p.Documents, p.Certified, p.History = slices.Clone(p.Contacts), slices.Clone(p.Documents), slices.Clone(p.Certified), slices.Clone(p.History)
	p.Attributes = maps.Clone(p.Attributes)
	if pd := p.Payment; pd != nil {
		c := *pd
		p.Payment = &c
	}
	out.Prior.CapUsed, out.Prior.Basis = maps.Clone(in.Prior.CapUsed), maps.Clone(in.Prior.Basis)
	out.History = maps.Clone(in.History)
	return out
}

// rn8Scribble overwrites all of *in in place, the memory its maps, slices
// and pointers reach included, then *in itself with other's.
func rn8Scribble(in *incentive.Input, other incentive.Input) {
	d, p := &in.Deal, &in.Partner
	for k := range d.Fields {
		d.Fields[k] = "scribbled"
	}
	for k := range d.Lines {
		for f := range d.Lines[k].Fields {
			d.Lines[k].Fields[f] = "scribbled"
		}
	}
	clear(d.Lines)
	if r := d.Registration; r != nil {
		*r = incentive.Registration{ID: "scribbled"}
	}
	clear(p.Contacts)
	clear(p.Documents)
	clear(p.Certified)
	clear(p.History)
	for k := range p.Attributes {
		p.Attributes[k] = "scribbled"
	}
	if pd := p.Payment; pd != nil {
		*pd = partner.PaymentDetails{}
	}
	minus := decimal.New(-1, 0)
	for k := range in.Prior.CapUsed {
		in.Prior.CapUsed[k] = minus
	}
	for k := range in.Prior.Basis {
		in.Prior.Basis[k] = minus
	}
	for k := range in.History {
		in.History[k] = minus
	}
	*in = other
	in.Deal.ID, in.Deal.PartnerID, in.Partner.ID = "scribbled", "scribbled", "scribbled"
}

// EvaluateInto reads the caller's Input in place since notrace8: for every
// reference, example and workbench program's test deals (with priors,
// bad data and missing fields, see rnoCases), the result it wrote is
// Evaluate's (JSON, explanation, each step's words) even after the caller
// scribbled over the Input it gave, as one reusing its Input for the next
// deal does.
func TestReviewRnotrace8IntoOutlivesInput(t *testing.T) {
	asOf := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, c := range rnoCases(t) {
		e, err := incentive.NewEvaluator(c.p)
		require.NoError(t, err)
		var res incentive.Result
		for i, in := range c.ins {
			want, werr := e.Evaluate(t.Context(), in, asOf)
			x := rn8Clone(in)
			gerr := e.EvaluateInto(t.Context(), &res, &x, asOf)
			if werr != nil {
				require.EqualError(t, gerr, werr.Error(), "%s deal %s", c.p.ID, in.Deal.ID)
				continue
			}
			require.NoError(t, gerr, "%s deal %s", c.p.ID, in.Deal.ID)
			rn8Scribble(&x, c.ins[(i+1)%len(c.ins)])
			require.Equal(t, rnoJSON(t, want, nil), rnoJSON(t, &res, nil), "%s deal %s", c.p.ID, in.Deal.ID)
			require.Equal(t, want.Explain(), res.Explain(), "%s deal %s", c.p.ID, in.Deal.ID)
			require.Equal(t, len(want.Trace), len(res.Trace))
			for k := range want.Trace {
				require.Equal(t, want.Trace[k].Words(), res.Trace[k].Words(), "%s deal %s step %d", c.p.ID, in.Deal.ID, k)
				require.Equal(t, want.Trace[k].Inputs(), res.Trace[k].Inputs(), "%s deal %s step %d", c.p.ID, in.Deal.ID, k)
			}
			n++
		}
	}
	require.Greater(t, n, 100)
	t.Logf("%d deals", n)
}

// Two goroutines evaluating the same Inputs (the same pointers) into
// results of their own, for every program of rnoCases, read them only:
// each gets Evaluate's result, and -race finds nothing.
func TestReviewRnotrace8IntoSharedInputs(t *testing.T) {
	asOf := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range rnoCases(t) {
		e, err := incentive.NewEvaluator(c.p)
		require.NoError(t, err)
		want := make([]string, len(c.ins))
		for i, in := range c.ins {
			r, err := e.EvaluateNoTrace(t.Context(), in, asOf)
			want[i] = rnoJSON(t, r, err)
		}
		got := [2][]string{make([]string, len(c.ins)), make([]string, len(c.ins))}
		var wg sync.WaitGroup
		for g := range got {
			wg.Go(func() {
				var res incentive.Result
				for k := range c.ins {
					i := k
					if g == 1 {
						i = len(c.ins) - 1 - k
					}
					// (no require off the test's goroutine)
					if err := e.EvaluateNoTraceInto(context.Background(), &res, &c.ins[i], asOf); err != nil {
						got[g][i] = "error: " + err.Error()
						continue
					}
					b, err := json.Marshal(&res)
					if err != nil {
						got[g][i] = "marshal: " + err.Error()
						continue
					}
					got[g][i] = string(b)
				}
			})
		}
		wg.Wait()
		require.Equal(t, want, got[0], c.p.ID)
		require.Equal(t, want, got[1], c.p.ID)
	}
}
