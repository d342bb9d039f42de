package incentive_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// rtb8Weird reads every kind of value an expression can read: texts with
// quotes, unicode and none, decimals beyond 18 digits and tiny ones,
// negative numbers, dates, a list, the partner's dated attributes, named
// values, optional fields a deal does not carry, running totals (read in
// deal order, so a run records those steps on its ordered phase).
const rtb8Weird = `apiVersion: partnerops/v1
kind: Program
id: rtb8-weird
name: Weird values
version: 1
currency: USD
effective: {from: 2026-01-01, timezone: America/New_York}
period: quarter
fields:
  note: {type: string, optional: true}
  ratio: {type: decimal, optional: true}
  signed: {type: date, optional: true}
  seats: {type: int, optional: true}
  flag: {type: bool, optional: true}
values:
  big: deal.ratio * 1000000000000000000000.0
  tiny: deal.amount * 0.000000001
  hot: deal.note == "say \"hi\"" || deal.note == "ünï ✓" || deal.note == ""
eligibility:
  - name: a "quoted" clause ✓
    when: deal.customer.name != "nobody" && partner.name != "x" && (deal.flag || !deal.flag) && len(deal.products) >= 0
  - name: running clause
    when: period.amount >= 0 && cumulative.amount >= 0
earnings:
  - id: texty
    type: spiff
    when: values.hot || "SKU-Ü" in deal.products || partner.tier in ["gold", "platinum"]
    amount: values.tiny + 1
  - id: bignum
    type: rebate
    when: deal.seats > -5 && deal.signed != date("2001-01-01")
    amount: abs(values.big)
  - id: dated
    type: mdf
    when: partner.at_period_start.tier == "gold" || partner.region == "" || partner.type == "ré\"seller"
    amount: deal.amount * 0.0123456789
  - id: runs
    type: bonus
    when: period.deals >= 1 && deal.close_date >= date("2026-01-02")
    amount: cumulative.amount * 0.001 + period.earned * 0
`

// rtb8WeirdInputs are deals for rtb8Weird, in run order.
func rtb8WeirdInputs(t *testing.T) []incentive.Input {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	history := partner.Partner{ID: "P-1", Name: `Ünï "Q" Partners`, Type: "ré\"seller", Tier: "gold",
		History: []partner.Event{{Kind: partner.EventTier, FromTier: "silver", ToTier: "gold", At: time.Date(2026, 2, 10, 9, 0, 0, 0, ny)}}}
	plain := partner.Partner{ID: "P-2", Tier: "silver"}
	notes := []any{`say "hi"`, "ünï ✓", "", nil}
	ratios := []any{decimal.RequireFromString("123456789012345.6789"), decimal.RequireFromString("-0.000000000000000000000001"),
		decimal.RequireFromString("99999999999999999999.99"), nil}
	var ins []incentive.Input
	for k := range 24 {
		amount := []string{"1234.56", "0.01", "987654321987654.32", "0", "77.7777"}[k%5]
		m, err := incentive.ParseMoney(amount, "USD")
		require.NoError(t, err)
		d := incentive.Deal{ID: fmt.Sprintf("W-%02d", k), CloseDate: time.Date(2026, time.Month(1+k/3), 1+k%28, 10, 0, 0, 0, ny), Amount: m,
			Customer: incentive.Customer{Name: []string{`O"Brien & Søn`, "", "nobody?"}[k%3]}}
		d.Fields = map[string]any{}
		if v := notes[k%4]; v != nil {
			d.Fields["note"] = v
		}
		if v := ratios[k%4]; v != nil {
			d.Fields["ratio"] = v
		}
		if k%3 == 0 {
			d.Fields["signed"] = incentive.Date{Year: 2026, Month: 2, Day: 29 - k%2}
			d.Fields["seats"] = int64(-k)
			d.Fields["flag"] = k%2 == 0
		}
		if k%2 == 1 {
			d.Lines = []incentive.DealLine{{Product: "SKU-Ü", Amount: m}}
		}
		pt := history
		if k%4 == 3 {
			pt = plain
		}
		d.PartnerID = pt.ID
		ins = append(ins, incentive.Input{Deal: d, Partner: pt})
	}
	incentive.SortInputs(ins)
	return ins
}

// rtb8Factors scale the corpus's deals: down to zero and up to 100 times.
var rtb8Factors = []string{"1", "0.5", "2", "10", "0.01", "1.333", "100", "0", "7.77777", "0.1"}

// rtb8Runs renders each deal evaluated alone, then each result of a run
// of all of them with workers workers.
func rtb8Runs(t *testing.T, e *incentive.Evaluator, ins []incentive.Input, asOf time.Time, workers []int) []string {
	t.Helper()
	var out []string
	for _, in := range ins {
		r, err := e.Evaluate(t.Context(), in, asOf)
		out = append(out, "alone "+renderResult(t, r, err))
	}
	for _, w := range workers {
		opts := incentive.RunOptions{AsOf: asOf, Workers: w}
		if len(e.Program().Settlements) > 0 {
			opts.Settlements = e.NewSettlements()
		}
		for r, err := range e.Run(t.Context(), seqOf(ins), opts) {
			out = append(out, fmt.Sprintf("run w%d ", w)+renderResult(t, r, err))
		}
	}
	return out
}

// addExpr's straight path (a described clause, condition or formula
// written straight into the compact form) gives every result the words,
// JSON, values and step methods the general path (exprStep, step,
// rawStep.derives) gives: for a program that reads values of every kind,
// and for every program of the reference, the examples and the workbench
// over their tests' deals and the example data, evaluated alone and in
// runs (whose ordered phase records the clauses and conditions that read
// running totals). (Passes on the current code: it pins down that the
// fast path changes nothing a reader sees.)
func TestReviewRtracebatch8AddExprMatchesGeneralPath(t *testing.T) {
	f, err := rules.Compile("rtb8-weird.yaml", []byte(rtb8Weird))
	require.NoError(t, err)
	cases := []corpusCase{{p: f.Programs[0], ins: rtb8WeirdInputs(t)}}
	n := 60
	if raceDetector {
		n = 12
	}
	for _, c := range reviewCorpus(t) {
		cases = append(cases, corpusCase{p: c.p, ins: spreadDeals(c, n, rtb8Factors...)})
	}
	require.Greater(t, len(cases), 45, "the corpus holds the reference's, the examples' and the workbench's programs")
	workers := []int{1, 2}
	if raceDetector {
		workers = []int{2}
	}
	sameAsGeneralPath(t, cases, incentive.GeneralExprStepsForTest, func(t *testing.T, e *incentive.Evaluator, ins []incentive.Input, asOf time.Time) []string {
		return rtb8Runs(t, e, ins, asOf, workers)
	})
}
