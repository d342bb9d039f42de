package incentive_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/require"
)

// rt9WeirdA exercises every detail kind with unusual values: band labels
// with quotes and unicode, rates with many decimals, a line cap on a
// band, a group whose members tie, a negative line, a zero line with a
// line cap, deal, partner and budget caps with four decimal places (at a
// scale of 4), the payee a contact whose name has quotes and unicode, a
// claim window from an optional date (missing, long past), rounding at
// the statement stage; deals negative, zero, tiny, with 24 digits.
const rt9WeirdA = `apiVersion: partnerops/v1
kind: Program
id: rt9-weird-a
name: "Wéird \"caps\" ✓"
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: America/New_York}
claims: {window: 30d, from: activated}
payee: partner_rep
rounding: {scale: 4, mode: half_even, at: statement}
allow_negative: true
fields:
  activated: {type: date, optional: true}
  ratio: {type: decimal, optional: true}
earnings:
  - id: band.q_1
    type: rebate
    bands:
      method: marginal
      pays: rate
      table:
        - {from: 0, to: 10000, rate: 0.0100001}
        - {from: 10000, to: 50000, rate: 0.02, label: "sïlver \"2\""}
        - {from: 50000, rate: 0.0333333333, label: "gold ✓"}
    cap: 1234.5678
  - id: tie-a
    type: bonus
    amount: deal.amount * 0.001
    group: ties
  - id: tie-b
    type: bonus
    amount: deal.amount / 1000
    group: ties
  - id: tie-c
    type: bonus
    when: deal.ratio > 0
    amount: deal.ratio * 0.333333333333333333333
    group: ties
    cap: 99999999999999999999.99
  - id: neg
    type: mdf
    when: deal.ratio < 0
    amount: deal.ratio
  - id: zero
    type: spiff
    amount: 0
    cap: 0.0001
groups:
  - {id: ties, pick: highest}
caps:
  per_deal: 777.7777
  per_partner: {limit: 1500.015, period: quarter}
  budget: 2500.005
tests:
  - name: many
    partner: {id: P-1, tier: gold, contacts: [{role: partner_rep, name: "Ånä \"Q\" O'Neil ✓"}]}
    deals:
      - {id: D-1, amount: "60000.00", close_date: 2026-02-01, activated: 2026-02-10}
      - {id: D-2, amount: "-60000.00", close_date: 2026-02-02, ratio: "-12.345"}
      - {id: D-3, amount: "0", close_date: 2026-02-03, ratio: "123456789012345678.123456789"}
      - {id: D-4, amount: "9999.999999", close_date: 2026-03-03, activated: 2025-01-01}
      - {id: D-5, amount: "123456789012345678901234.56", close_date: 2026-04-03}
      - {id: D-6, amount: "30000.00", close_date: 2026-04-04, ratio: "10"}
      - {id: D-7, amount: "0.01", close_date: 2026-05-04, ratio: "0.0000000000000000001"}
      - {id: D-8, amount: "500000", close_date: 2026-05-05}
      - {id: D-9, amount: "500000", close_date: 2026-06-05}
      - {id: D-10, amount: "-0.005", close_date: 2026-06-06}
    expect: {}
`

// rt9Factors scale the corpus's deals: down to zero, up 100 times, many
// decimals.
var rt9Factors = []string{"1", "0.5", "2", "10", "0.01", "1.333", "100", "0", "7.77777", "0.1", "123456789.123456789", "0.000001"}

// rt9Weird is rt9WeirdA and two variants: b pays the partner, rounds
// down per deal, picks at most 2 by amount and has a budget of 0.05 (spent
// at once); c rounds up per line, picks first and takes no negatives.
func rt9Weird(t *testing.T) []corpusCase {
	t.Helper()
	b := strings.NewReplacer("rt9-weird-a", "rt9-weird-b", "scale: 4, mode: half_even, at: statement", "mode: down, at: deal",
		"payee: partner_rep", "payee: partner", "pick: highest", "pick: {max: 2, by: amount}",
		"1234.5678", "1234.56", "777.7777", "777.77", "1500.015", "1500.01", "2500.005", "0.05", "cap: 0.0001", "cap: 0.01").Replace(rt9WeirdA)
	c := strings.NewReplacer("rt9-weird-a", "rt9-weird-c", "scale: 4, mode: half_even, at: statement", "mode: ceiling, at: line",
		"pick: highest", "pick: first", "allow_negative: true", "allow_negative: false", `"-`, `"`,
		"1234.5678", "1234.56", "777.7777", "777.77", "1500.015", "1500.01", "2500.005", "2500.01", "cap: 0.0001", "cap: 0.01").Replace(rt9WeirdA)
	set, err := rules.Load(fstest.MapFS{"a.yaml": {Data: []byte(rt9WeirdA)}, "b.yaml": {Data: []byte(b)}, "c.yaml": {Data: []byte(c)}}, "*.yaml")
	require.NoError(t, err)
	var out []corpusCase
	for _, tc := range set.Tests() {
		out = append(out, corpusCase{name: tc.Program.ID, p: tc.Program, ins: tc.Inputs})
	}
	require.Len(t, out, 3)
	return out
}

// rt9Results renders each deal evaluated alone, into one reused Result,
// and in runs with workers workers, kept and with ReuseResults.
func rt9Results(t *testing.T, e *incentive.Evaluator, ins []incentive.Input, asOf time.Time, workers []int) []string {
	t.Helper()
	var out []string
	var into incentive.Result
	for i, in := range ins {
		r, err := e.Evaluate(t.Context(), in, asOf)
		out = append(out, "alone "+renderResult(t, r, err))
		err = e.EvaluateInto(t.Context(), &into, &ins[i], asOf)
		out = append(out, "into "+renderResult(t, &into, err))
	}
	for _, w := range workers {
		for _, reuse := range []bool{false, true} {
			opts := incentive.RunOptions{AsOf: asOf, Workers: w, ReuseResults: reuse}
			if len(e.Program().Settlements) > 0 {
				opts.Settlements = e.NewSettlements()
			}
			for r, err := range e.Run(t.Context(), seqOf(ins), opts) {
				out = append(out, fmt.Sprintf("run w%d reuse=%v ", w, reuse)+renderResult(t, r, err))
			}
		}
	}
	return out
}

// addDetail's straight path (c00099b: a band, line cap or rounding,
// group, deal, partner or budget cap, the rounding rule, claim, total or
// window step written straight into the compact form) gives every result
// the words, JSON, JSON read back and step methods that add and step
// give: for the weird programs above and for every program of the
// reference, the examples and the workbench over their tests' deals
// scaled (to zero, 100 times, 9 digits after the point, with credit notes
// where allowed) and the example data, alone, into a reused Result and in
// runs. (Passes on the current code: it pins down that the straight path
// changes nothing a reader sees, beyond TestAddDetailMatchesStep's one
// program.)
func TestReviewRtrace9AddDetailMatchesStep(t *testing.T) {
	cases := rt9Weird(t)
	n := 40
	if raceDetector {
		n = 8
	}
	for _, c := range reviewCorpus(t) {
		cases = append(cases, corpusCase{name: c.name, p: c.p, ins: spreadDeals(c, n, rt9Factors...)})
	}
	require.Greater(t, len(cases), 45)
	workers := []int{1, 3}
	if raceDetector {
		workers = []int{2}
	}
	sameAsGeneralPath(t, cases, incentive.DetailViaStepForTest, func(t *testing.T, e *incentive.Evaluator, ins []incentive.Input, asOf time.Time) []string {
		return rt9Results(t, e, ins, asOf, workers)
	})
}

// rt9Groups has three groups: a (5 members, 1 to 5, highest), b (5
// members, 10 to 14, first) and c (10 members: c<k> holds from a deal
// amount of k x 100 and pays a thousandth of it, all tied, highest);
// big pays a deal under 100.00 more than 18 digits (the block's side).
const rt9Groups = `apiVersion: partnerops/v1
kind: Program
id: rt9-groups
name: Groups
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - {id: a1, type: bonus, amount: 1, group: a}
  - {id: a2, type: bonus, amount: 2, group: a}
  - {id: a3, type: bonus, amount: 3, group: a}
  - {id: a4, type: bonus, amount: 4, group: a}
  - {id: a5, type: bonus, amount: 5, group: a}
  - {id: b1, type: bonus, amount: 10, group: b}
  - {id: b2, type: bonus, amount: 11, group: b}
  - {id: b3, type: bonus, amount: 12, group: b}
  - {id: b4, type: bonus, amount: 13, group: b}
  - {id: b5, type: bonus, amount: 14, group: b}
  - {id: c1, type: spiff, when: deal.amount >= 100, amount: deal.amount * 0.001, group: c}
  - {id: c2, type: spiff, when: deal.amount >= 200, amount: deal.amount * 0.001, group: c}
  - {id: c3, type: spiff, when: deal.amount >= 300, amount: deal.amount * 0.001, group: c}
  - {id: c4, type: spiff, when: deal.amount >= 400, amount: deal.amount * 0.001, group: c}
  - {id: c5, type: spiff, when: deal.amount >= 500, amount: deal.amount * 0.001, group: c}
  - {id: c6, type: spiff, when: deal.amount >= 600, amount: deal.amount * 0.001, group: c}
  - {id: c7, type: spiff, when: deal.amount >= 700, amount: deal.amount * 0.001, group: c}
  - {id: c8, type: spiff, when: deal.amount >= 800, amount: deal.amount * 0.001, group: c}
  - {id: c9, type: spiff, when: deal.amount >= 900, amount: deal.amount * 0.001, group: c}
  - {id: c10, type: spiff, when: deal.amount >= 1000, amount: deal.amount * 0.001, group: c}
  - {id: big, type: rebate, when: deal.amount < 100, amount: deal.amount * 1000000000000000000000.000001}
groups:
  - {id: a, pick: highest}
  - {id: b, pick: first}
  - {id: c, pick: highest}
`

// Steps copied out of results that EvaluateInto wrote into one reused
// Result (whose steps are reused, so that each deal's trace block is
// allocated alone: a77199a's blockOf types for up to 60 words, a memType
// beyond), with group members at the pick kept in the scratch's chunks of
// 8 (1c68ecb: 5 and 5 members share a chunk with room for neither twice,
// 10 are made apart) and amounts beyond 18 digits in the block's side,
// read the same words after collections that reuse the freed memory for
// other objects, pointers and integers. The groups' words are checked by
// hand. (Passes on the current code: it pins down that the collector sees
// what a block keeps alive, and that a kept copy of the steps owns its
// block.)
func TestReviewRtrace9KeptStepsSurviveCollections(t *testing.T) {
	f, err := rules.Compile("rt9-groups.yaml", []byte(rt9Groups))
	require.NoError(t, err)
	e, err := incentive.NewEvaluator(f.Programs[0])
	require.NoError(t, err)
	amounts := []string{"1000.00", "100.00", "550.00", "123456789012345678901.23", "0.01", "999.99", "250.5"}
	n := 400
	if raceDetector {
		n = 60
	}
	type kept struct {
		steps   []incentive.Step
		words   []string
		explain string
	}
	var keep []kept
	var garbage [][]*[4]uint64
	churn := func(k int) {
		// memory of the sizes of the blocks, freed and taken again:
		// pointers to small objects and integers
		for j := range 2000 {
			ps := make([]*[4]uint64, 2+(j+k)%60)
			for i := range ps {
				ps[i] = &[4]uint64{^uint64(i), uint64(j)}
			}
			garbage = append(garbage, ps)
			_ = make([]uint64, 2+j%60)
		}
		garbage = garbage[:0]
		runtime.GC()
	}
	var into incentive.Result
	small, large := 0, 0
	var words1000, words550 string
	for k := range n {
		a := amounts[k%len(amounts)]
		m, err := incentive.ParseMoney(a, "USD")
		require.NoError(t, err)
		in := incentive.Input{Deal: incentive.Deal{ID: fmt.Sprintf("G-%d", k), PartnerID: "P-1", Amount: m,
			CloseDate: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
		require.NoError(t, e.EvaluateInto(t.Context(), &into, &in, time.Time{}))
		if k > 0 {
			if w := incentive.TraceWordsForTest(&into); w <= 60 {
				small++
			} else {
				large++
			}
		}
		kp := kept{steps: slices.Clone(into.Trace), explain: into.Explain()}
		for i := range into.Trace {
			kp.words = append(kp.words, into.Trace[i].Words())
		}
		keep = append(keep, kp)
		switch a {
		case "1000.00":
			words1000 = kp.explain
		case "550.00":
			words550 = kp.explain
		}
		if k%25 == 0 {
			churn(k)
		}
	}
	t.Logf("blocks: %d of up to 60 words, %d larger", small, large)
	require.Positive(t, small, "blocks of up to 60 words (blockOf)")
	require.Positive(t, large, "blocks of more words (memType)")
	churn(n)
	churn(n + 1)
	for k, kp := range keep {
		for i := range kp.steps {
			require.Equal(t, kp.words[i], kp.steps[i].Words(), "deal %d step %d", k, i)
		}
	}
	// by hand: a pays its highest, 5.00; b its first, 10.00; c ties
	// (1000.00 x 0.001 = 1.00 each, all ten from 1000; 550.00 x 0.001 =
	// 0.55 each, c1 to c5 from 550) and pays the first declared, c1
	require.Contains(t, words1000, `group "a" (pick highest) among "a1" 1.00, "a2" 2.00, "a3" 3.00, "a4" 4.00, "a5" 5.00: pays "a5"`)
	require.Contains(t, words1000, `group "b" (pick first) among "b1" 10.00, "b2" 11.00, "b3" 12.00, "b4" 13.00, "b5" 14.00: pays "b1"`)
	require.Contains(t, words1000, `group "c" (pick highest) among "c1" 1.00, "c2" 1.00, "c3" 1.00, "c4" 1.00, "c5" 1.00, "c6" 1.00, "c7" 1.00, "c8" 1.00, "c9" 1.00, "c10" 1.00: pays "c1"`)
	require.Contains(t, words550, `group "c" (pick highest) among "c1" 0.55, "c2" 0.55, "c3" 0.55, "c4" 0.55, "c5" 0.55: pays "c1"`)
	// 5.00 + 10.00 + 1.00 = 16.00
	require.Contains(t, words1000, "total 16.00 USD")
}
