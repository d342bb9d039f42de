package incentive

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A step's words are rendered each time they are read (Explain, JSON,
// Words) and must read the same every time. The total step of a split deal
// paid to a named payee appended the name to its captured payee on every
// rendering: "total ... to incentive_payee (Ben) (Ben), split: ...".
func TestReviewSpeedSplitTotalWordsStable(t *testing.T) {
	p := splitProgram(RemainderLargestShare, false)
	p.Payee = string(partner.RolePayee)
	pa := gold("P-1")
	pa.Contacts = []partner.Contact{{Role: partner.RolePayee, Name: "Ben", Email: "ben@acme.example"}}
	// 12,345.67 x 0.02 = 246.9134 -> 246.91, split 197.53 / 49.38 (see
	// TestSplitPayout).
	r := mustEval(t, p, Input{Deal: referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), Partner: pa})
	require.NotEmpty(t, r.Trace)
	last := &r.Trace[len(r.Trace)-1]
	require.Equal(t, StepTotal, last.Kind)
	first := last.Words()
	assert.True(t, strings.HasPrefix(first, "total 246.91 USD to "+string(partner.RolePayee)+" (Ben), split: "), first)
	assert.Equal(t, first, last.Words(), "rendered twice")
	assert.Equal(t, 1, strings.Count(r.Explain(), "(Ben)"), "explained after two renderings")
}

// A run with ReuseResults yields results that encode exactly as a normal
// run's for a program with split payouts, a named payee and credit notes
// (which re-evaluate the deal they name while the run's buffers are in
// use), with one worker and several. A credit note that takes nothing back
// pays no line: with a result buffer that had never held lines it
// encoded "lines": null, against [] without ReuseResults.
func TestReviewSpeedReuseResultsSplitsAndCredits(t *testing.T) {
	p := splitProgram(RemainderLargestShare, false)
	p.AllowNegative = true
	p.Payee = string(partner.RolePayee)
	var ins []Input
	for i, d := range genDeals(600, 7) {
		d.CloseDate = d.CloseDate.AddDate(0, 10, 1) // into the program's Q4 window
		d.Registration.Approved = Date{2026, 10, 1}
		pa := gold(d.PartnerID)
		pa.Contacts = []partner.Contact{{Role: partner.RolePayee, Name: "Payee of " + d.PartnerID, Email: "p@acme.example"}}
		if i%2 == 0 {
			d = referred(d, "R-"+itoa(i%5))
		}
		if i%9 == 8 { // a credit note for a third of the deal three deals back
			prev := ins[len(ins)-3].Deal
			d.Credits = prev.ID
			d.Amount = NewMoney(prev.Amount.Amount().Div(dec("3")).Round(2).Neg(), USD)
			d.Fields, d.PartnerID = nil, prev.PartnerID
			pa = ins[len(ins)-3].Partner
		}
		ins = append(ins, Input{Deal: d, Partner: pa})
	}
	seq := func(yield func(Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
	for _, workers := range []int{1, 3} {
		var want []string
		credits, shared := 0, 0
		for r, err := range Run(t.Context(), p, seq, RunOptions{Workers: workers}) {
			require.NoError(t, err)
			if r.Credits != "" && r.Total.Amount().Sign() < 0 {
				credits++
			}
			if len(r.Shares) > 1 {
				shared++
			}
			b, err := json.Marshal(r)
			require.NoError(t, err)
			want = append(want, string(b))
		}
		require.Positive(t, credits, "credit notes taking back")
		require.Positive(t, shared, "split deals")
		i := 0
		for r, err := range Run(t.Context(), p, seq, RunOptions{Workers: workers, ReuseResults: true}) {
			require.NoError(t, err)
			b, err := json.Marshal(r)
			require.NoError(t, err)
			require.Equal(t, want[i], string(b), "workers %d, deal %d", workers, i)
			i++
		}
		require.Equal(t, len(want), i)
	}
}
