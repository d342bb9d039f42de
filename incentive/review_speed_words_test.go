package incentive

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/shopspring/decimal"
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
		// Without the trace, everything else reads the same.
		var traced []string
		for r, err := range Run(t.Context(), p, seq, RunOptions{Workers: workers}) {
			require.NoError(t, err)
			r.Trace = nil
			b, err := json.Marshal(r)
			require.NoError(t, err)
			traced = append(traced, string(b))
		}
		i = 0
		for r, err := range Run(t.Context(), p, seq, RunOptions{Workers: workers, NoTrace: true, ReuseResults: true}) {
			require.NoError(t, err)
			b, err := json.Marshal(r)
			require.NoError(t, err)
			require.Equal(t, traced[i], string(b), "no trace: workers %d, deal %d", workers, i)
			i++
		}
	}
}

// The pooled state of Evaluate (partner and period totals reused as
// spares, the credit-note record, the budget) starts every deal from its
// own Prior only: deals of a program with marginal and cumulative bands,
// monthly and quarterly partner caps, a budget and credit notes, evaluated
// one after another (and from several goroutines) on one Evaluator, read as
// on a fresh Evaluator, also when kept and rendered after later deals.
func TestReviewSpeedSoloStateFromPriorOnly(t *testing.T) {
	p := periodBands(Marginal, BasisPeriod, PeriodMonth)
	p.AllowNegative = true
	p.Earnings = append(p.Earnings,
		Earning{ID: "cum", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisCumulative,
			Bands: []Band{{From: dec("0"), To: decp("50000"), Value: dec("0.001")}, {From: dec("50000"), Value: dec("0.003")}}}},
		withRate("base", "0.005", AtLeast(PathDealAmount, dec("50000"))))
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("5000")}, {Scope: CapPartner, Limit: dec("6000"), Period: PeriodMonth},
		{Scope: CapPartner, Limit: dec("15000"), Period: PeriodQuarter}, {Scope: CapBudget, Limit: dec("900000")}}
	var ins []Input
	for i, d := range genDeals(160, 5) {
		d.CloseDate = d.CloseDate.AddDate(0, i%12, i%28)
		if i%10 == 9 {
			d.Amount = NewMoney(d.Amount.Amount().Neg(), USD) // a credit note naming no deal
		}
		ins = append(ins, Input{Deal: d, Partner: gold(d.PartnerID), Prior: Prior{
			PeriodAmount: decimal.NewFromInt(int64(i%4) * 40_000), PeriodDeals: int64(i % 4),
			PeriodEarned: decimal.NewFromInt(int64(i%6) * 1_100), Cumulative: decimal.NewFromInt(int64(i%3) * 30_000),
			BudgetUsed: decimal.NewFromInt(int64(i%5) * 224_900)}})
	}
	render := func(r *Result) string {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		return string(b) + "\n" + r.Explain()
	}
	want := make([]string, len(ins))
	for i, in := range ins {
		fresh, err := NewEvaluator(p)
		require.NoError(t, err)
		r, err := fresh.Evaluate(t.Context(), in, time.Time{})
		require.NoError(t, err)
		want[i] = render(r)
	}
	// The deals do reach the caps, the bands and credit notes.
	all := strings.Join(want, "\n")
	for _, part := range []string{"per month (", "budget", "deal cap", "takes back", "partner period total"} {
		if !strings.Contains(all, part) {
			t.Fatalf("no deal's result mentions %q", part)
		}
	}
	ev, err := NewEvaluator(p)
	require.NoError(t, err)
	kept := make([]*Result, len(ins))
	for i, in := range ins {
		kept[i], err = ev.Evaluate(t.Context(), in, time.Time{})
		require.NoError(t, err)
		require.Equal(t, want[i], render(kept[i]), "deal %d", i)
	}
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			for k := range ins {
				i := (k*11 + g*5) % len(ins)
				r, err := ev.Evaluate(t.Context(), ins[i], time.Time{})
				if err != nil || render(r) != want[i] {
					t.Errorf("goroutine %d, deal %d differs (%v)", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i, r := range kept {
		require.Equal(t, want[i], render(r), "kept deal %d", i)
	}
}
