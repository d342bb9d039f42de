package incentive_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The reviewers' corpus and renderings (rtracebatch8, rtrace9), shared.

// renderResult is everything a result says: its words, its JSON (trace and
// values included), each step's methods, and its JSON read back and
// written again with the words of the result read back.
func renderResult(t *testing.T, r *incentive.Result, err error) string {
	t.Helper()
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	j, jerr := json.Marshal(r)
	require.NoError(t, jerr)
	var b strings.Builder
	b.WriteString(r.Explain())
	b.WriteString("\n")
	b.Write(j)
	b.WriteString("\n")
	for i := range r.Trace {
		st := &r.Trace[i]
		origin := ""
		if o := st.Origin(); o != nil {
			origin = fmt.Sprint(*o)
		}
		fmt.Fprintf(&b, "step %d %q ref=%q source=%q amount=%s inputs=%#v origin=%s\n",
			i, st.Words(), st.Ref(), st.Source(), st.Amount().String(), st.Inputs(), origin)
	}
	// JSON read back and written again
	var back incentive.Result
	if uerr := json.Unmarshal(j, &back); uerr != nil {
		b.WriteString("unmarshal error: " + uerr.Error() + "\n")
	} else {
		j2, _ := json.Marshal(&back)
		b.WriteString("back ")
		b.Write(j2)
		b.WriteString("\n")
		b.WriteString(back.Explain())
		b.WriteString("\n")
	}
	return b.String()
}

// corpusCase is a program and deals to run it on.
type corpusCase struct {
	name string
	p    *incentive.Program
	ins  []incentive.Input
}

// sameAsGeneralPath holds each case's program evaluated on its straight
// (fast) path to the same program with general set (a test hook that
// sends the trace through the general path): every rendering render gives
// of its deals, as of 40 days after the last close, must be the same.
func sameAsGeneralPath(t *testing.T, cases []corpusCase, general func(*incentive.Evaluator),
	render func(t *testing.T, e *incentive.Evaluator, ins []incentive.Input, asOf time.Time) []string) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.p.ID, func(t *testing.T) {
			straight, err := incentive.NewEvaluator(c.p)
			require.NoError(t, err)
			viaGeneral, err := incentive.NewEvaluator(c.p)
			require.NoError(t, err)
			general(viaGeneral)
			asOf := c.ins[len(c.ins)-1].Deal.CloseDate.Add(40 * 24 * time.Hour)
			got := render(t, straight, c.ins, asOf)
			want := render(t, viaGeneral, c.ins, asOf)
			require.Len(t, got, len(want))
			for i := range want {
				require.Equal(t, want[i], got[i], "result %d", i)
			}
		})
	}
}

// reviewCorpus is every program of the DSL reference, the examples and
// the workbench with its tests' deals, and the example data sets.
func reviewCorpus(t *testing.T) []corpusCase {
	t.Helper()
	var out []corpusCase
	by := map[*incentive.Program]int{}
	for _, dir := range []string{"../rules/testdata/reference", "../examples/programs", "../workbench/testdata"} {
		set, err := rules.Load(os.DirFS(dir), "*.yaml")
		require.NoError(t, err)
		for _, tc := range set.Tests() {
			k, ok := by[tc.Program]
			if !ok {
				k = len(out)
				by[tc.Program] = k
				out = append(out, corpusCase{name: dir + ":" + tc.Program.ID, p: tc.Program})
			}
			out[k].ins = append(out[k].ins, tc.Inputs...)
		}
	}
	for _, d := range [][3]string{{"q4-growth.yaml", "deals.yaml", ""}, {"var-rebate-2027.yaml", "var-deals.yaml", "var-partners.yaml"},
		{"distributor-growth.yaml", "distributor-deals.yaml", "distributor-partners.yaml"}, {"msp-advantage.yaml", "msp-deals.yaml", "msp-partners.yaml"}} {
		src, err := os.ReadFile("../examples/programs/" + d[0])
		require.NoError(t, err)
		cf, err := rules.Compile(d[0], src)
		require.NoError(t, err)
		for _, p := range cf.Programs {
			dsrc, err := os.ReadFile("../examples/data/" + d[1])
			require.NoError(t, err)
			ins, err := rules.DecodeDeals(d[1], dsrc, p)
			require.NoError(t, err)
			if d[2] != "" {
				psrc, err := os.ReadFile("../examples/data/" + d[2])
				require.NoError(t, err)
				pts, err := rules.DecodePartnersFor(d[2], psrc, p)
				require.NoError(t, err)
				for i := range ins {
					for _, pt := range pts {
						if pt.ID == ins[i].Deal.PartnerID {
							ins[i].Partner = pt
						}
					}
				}
			}
			incentive.SortInputs(ins)
			out = append(out, corpusCase{name: "data:" + d[1] + ":" + p.ID, p: p, ins: ins})
		}
	}
	return out
}

// spreadDeals makes n deals in run order from c's, their amounts scaled by
// each of factors in turn, with credit notes for some when the program
// allows them.
func spreadDeals(c corpusCase, n int, factors ...string) []incentive.Input {
	var out []incentive.Input
	for k := 0; len(out) < n; k++ {
		in := c.ins[k%len(c.ins)]
		f := decimal.RequireFromString(factors[(k/len(c.ins))%len(factors)])
		in.Deal.ID = fmt.Sprintf("R%05d-%s", k, in.Deal.ID)
		in.Deal.Credits = ""
		in.Deal.Amount = in.Deal.Amount.Mul(f)
		if len(in.Deal.Lines) > 0 {
			ls := append([]incentive.DealLine(nil), in.Deal.Lines...)
			for i := range ls {
				ls[i].Amount = ls[i].Amount.Mul(f)
			}
			in.Deal.Lines = ls
		}
		in.Deal.CloseDate = in.Deal.CloseDate.Add(time.Duration(k%97) * 37 * time.Minute)
		out = append(out, in)
		if c.p.AllowNegative && k%5 == 0 && in.Deal.Amount.Sign() > 0 && len(in.Deal.Lines) == 0 {
			cn := in
			cn.Deal.ID += "-cn"
			cn.Deal.Credits = in.Deal.ID
			cn.Deal.Amount = in.Deal.Amount.Mul(decimal.RequireFromString("-0.4"))
			cn.Deal.CloseDate = in.Deal.CloseDate.Add(24 * time.Hour)
			out = append(out, cn)
		}
	}
	incentive.SortInputs(out)
	return out
}

// seqOf streams ins as a run's input.
func seqOf(ins []incentive.Input) func(func(incentive.Input, error) bool) {
	return func(yield func(incentive.Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
}
