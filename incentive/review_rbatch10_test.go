package incentive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// rbatch10 (review of round 10's cap cuts: the run's cut slab lent for a
// deal's whole ordered phase, takeCutAt growing a line's cuts in place and
// asking the slab for fresh blocks).

// rb10Render is a result's words and JSON (its cuts included).
func rb10Render(t *testing.T, r *incentive.Result, err error) string {
	t.Helper()
	if err != nil {
		return "error: " + err.Error()
	}
	j, jerr := json.Marshal(r)
	require.NoError(t, jerr)
	return r.Explain() + "\n" + string(j)
}

// TestReviewRbatch10KeptResultsKeepTheirCuts runs every corpus program
// over its deals spread (amounts scaled so that caps bind and budgets
// run out, credit notes where allowed) with 1, 2 and 3 workers, with and
// without the trace, keeping every result (no ReuseResults, so the
// results' cuts come from the run's shared slabs): each kept result,
// rendered again after the run, must say what it said when it was
// yielded (no later deal's cuts written over it), and what a run with
// ReuseResults says of the same deal in the same order (rendered when
// yielded: its cuts are copied into the result's own room).
func TestReviewRbatch10KeptResultsKeepTheirCuts(t *testing.T) {
	// (Under the race detector fewer deals and the concurrent runs only,
	// with the trace: under 3 s instead of 27.)
	n, noTraces, workerss := 300, []bool{false, true}, []int{1, 2, 3}
	if raceDetector {
		n, noTraces, workerss = 40, []bool{false}, []int{3}
	}
	cuts := 0
	for _, c := range reviewCorpus(t) {
		if len(c.ins) == 0 {
			continue
		}
		ins := spreadDeals(c, n, "1", "40", "0.3", "900", "7")
		e, err := incentive.NewEvaluator(c.p)
		require.NoError(t, err)
		for _, noTrace := range noTraces {
			for _, workers := range workerss {
				name := fmt.Sprintf("%s/notrace=%v/workers=%d", c.name, noTrace, workers)
				run := func(reuse bool) (now []string, kept []*incentive.Result, errs []error) {
					opts := incentive.RunOptions{Workers: workers, NoTrace: noTrace, ReuseResults: reuse}
					for r, err := range e.Run(context.Background(), seqOf(ins), opts) {
						now = append(now, rb10Render(t, r, err))
						kept, errs = append(kept, r), append(errs, err)
					}
					return now, kept, errs
				}
				atYield, kept, errs := run(false)
				reused, _, _ := run(true)
				require.Len(t, reused, len(atYield), name)
				for i, r := range kept {
					if r != nil {
						for _, l := range r.Lines {
							cuts += len(l.Cuts)
						}
					}
					after := rb10Render(t, r, errs[i])
					require.Equal(t, atYield[i], after, "%s: result %d changed after the run", name, i)
					require.Equal(t, reused[i], after, "%s: result %d differs from the ReuseResults run's", name, i)
				}
			}
		}
	}
	// (The corpus must cut lines, or the test shows nothing.)
	require.Greater(t, cuts, 10*n)
	t.Logf("%d cuts kept", cuts)
}

// rb10ManyCapsProgram has lines lines (every third with a line cap), a
// deal cap, a quarterly partner cap and a budget (both sized for n deals
// of rb10ManyCapsDeals: the budget spent about two thirds through), so
// that a line is cut by up to four caps in one deal, most deals cut many
// lines, and a deal's cuts overrun what is left of a slab's block (32
// cuts) and take a fresh one mid-deal; with allowNegative credit notes
// re-evaluate their deals.
func rb10ManyCapsProgram(t *testing.T, lines, n int, allowNegative bool) *incentive.Program {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: partnerops/v1\nkind: Program\nid: rb10-many-caps\nname: many caps\nversion: 1\ncurrency: USD\n")
	b.WriteString("effective: {from: 2026-01-01, to: 2026-12-31}\n")
	if allowNegative {
		b.WriteString("allow_negative: true\n")
	}
	b.WriteString("earnings:\n")
	for i := range lines {
		fmt.Fprintf(&b, "  - id: e%02d\n    type: spiff\n    amount: deal.amount * 0.0%d\n", i, 1+i%7)
		if i%3 == 0 {
			fmt.Fprintf(&b, "    cap: %d\n", 40+i)
		}
	}
	fmt.Fprintf(&b, "caps:\n  per_deal: %d\n  per_partner: {limit: %d, period: quarter}\n  budget: %d\n", 25*lines, 1000*lines*n/400, 3000*lines*n/400)
	cf, err := rules.Compile("rb10.yaml", []byte(b.String()))
	require.NoError(t, err)
	require.Len(t, cf.Programs, 1)
	return cf.Programs[0]
}

// rb10ManyCapsDeals are n deals of 4 partners in close order, amounts
// from 10.00 to about 3,000.00 (a few cut by nothing, most by the deal
// cap, the partner caps filling within a quarter, the budget spent about
// two thirds through), with credits every fifth with a credit note of 40%
// the next day and every seventh followed by a credit note naming no deal
// of three times its amount.
func rb10ManyCapsDeals(n int, credits bool) []incentive.Input {
	var out []incentive.Input
	start := time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)
	for k := range n {
		cents := int64(1000 + (k*7919)%300000)
		in := incentive.Input{Deal: incentive.Deal{
			ID: fmt.Sprintf("D%05d", k), PartnerID: fmt.Sprintf("P-%d", k%4),
			CloseDate: start.Add(time.Duration(k) * 7 * time.Hour),
			Amount:    incentive.MoneyFromMinor(cents, incentive.USD),
		}}
		in.Partner.ID = in.Deal.PartnerID
		out = append(out, in)
		if credits && k%5 == 0 {
			cn := in
			cn.Deal.ID += "-cn"
			cn.Deal.Credits = in.Deal.ID
			cn.Deal.Amount = incentive.MoneyFromMinor(-cents*4/10, incentive.USD)
			cn.Deal.CloseDate = in.Deal.CloseDate.Add(24 * time.Hour)
			out = append(out, cn)
		}
		if credits && k%7 == 3 {
			// a credit note that names no deal: its negative lines are
			// cut toward zero by the caps' limited takeback
			un := in
			un.Deal.ID += "-un"
			un.Deal.Amount = incentive.MoneyFromMinor(-cents*3, incentive.USD)
			un.Deal.CloseDate = in.Deal.CloseDate.Add(2 * time.Hour)
			out = append(out, un)
		}
	}
	incentive.SortInputs(out)
	return out
}

// TestReviewRbatch10ManyCapsKeptResults: on programs whose deals cut
// many lines by up to four caps each (line, deal, partner, budget), with
// and without credit notes, every result kept from a run with 1, 2, 3 and
// 5 workers (3 and 5: sharded without credit notes, 5 with several
// workers' slabs) says after the run what it said when yielded and what a
// ReuseResults run says of the same deal.
func TestReviewRbatch10ManyCapsKeptResults(t *testing.T) {
	// (Under the race detector fewer deals and lines and the concurrent
	// runs only, with the trace.)
	n, liness, noTraces, workerss := 400, []int{3, 11, 40}, []bool{false, true}, []int{1, 2, 3, 5}
	if raceDetector {
		n, liness, noTraces, workerss = 80, []int{3, 40}, []bool{false}, []int{2, 5}
	}
	for _, credits := range []bool{false, true} {
		for _, lines := range liness {
			p := rb10ManyCapsProgram(t, lines, n, credits)
			e, err := incentive.NewEvaluator(p)
			require.NoError(t, err)
			ins := rb10ManyCapsDeals(n, credits)
			for _, noTrace := range noTraces {
				var first []string // the first worker count's results
				for _, workers := range workerss {
					name := fmt.Sprintf("credits=%v/lines=%d/notrace=%v/workers=%d", credits, lines, noTrace, workers)
					run := func(reuse bool) (now []string, kept []*incentive.Result, errs []error) {
						opts := incentive.RunOptions{Workers: workers, NoTrace: noTrace, ReuseResults: reuse}
						for r, err := range e.Run(context.Background(), seqOf(ins), opts) {
							now = append(now, rb10Render(t, r, err))
							kept, errs = append(kept, r), append(errs, err)
						}
						return now, kept, errs
					}
					atYield, kept, errs := run(false)
					reused, _, _ := run(true)
					require.Len(t, reused, len(atYield), name)
					if first == nil {
						first = atYield
					}
					// (Results are identical for any number of workers.)
					require.Equal(t, first, atYield, name)
					var multi, budget, failed, negCuts int
					for i, r := range kept {
						if r == nil {
							failed++
						} else {
							for _, l := range r.Lines {
								if len(l.Cuts) > 1 {
									multi++
								}
								for _, c := range l.Cuts {
									if c.Scope == incentive.CapBudget {
										budget++
									}
									if c.Cut.Sign() < 0 {
										negCuts++
									}
								}
							}
						}
						after := rb10Render(t, r, errs[i])
						require.Equal(t, atYield[i], after, "%s: result %d changed after the run", name, i)
						require.Equal(t, reused[i], after, "%s: result %d differs from the ReuseResults run's", name, i)
					}
					// (The deals must cut lines twice or more, and spend the
					// budget, or the test shows nothing.)
					t.Logf("%s: %d lines cut twice or more, %d budget cuts, %d negative cuts, %d failed", name, multi, budget, negCuts, failed)
					require.Zero(t, failed, name)
					require.Greater(t, multi, n/4, name)
					require.Greater(t, budget, n/10, name)
					if credits {
						require.Greater(t, negCuts, n/10, name)
					}
				}
			}
		}
	}
}

// TestReviewRbatch10SpentBudgetZeroIsShopsprings: a line a spent budget
// takes whole is set to a shared zero (10c3d3b) instead of the line less
// its cut: the zero must be exactly shopspring's line - cut (coefficient
// form and exponent: the exponent shows in String and in the JSON of a
// value read back), for lines at several exponents, kept results and
// reused alike, with and without the trace.
func TestReviewRbatch10SpentBudgetZeroIsShopspring(t *testing.T) {
	exps := map[int32]bool{}
	for _, cur := range []string{"USD", "JPY", "KWD"} {
		rb10SpentBudget(t, cur, exps)
	}
	// (Lines at more than one exponent, or the test shows little.)
	require.Len(t, exps, 3, "exponents %v", exps)
}

func rb10SpentBudget(t *testing.T, cur string, exps map[int32]bool) {
	t.Helper()
	src := `apiVersion: partnerops/v1
kind: Program
id: rb10-spent
name: spent budget
version: 1
currency: ` + cur + `
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: whole
    type: spiff
    amount: 1000
  - id: rate
    type: spiff
    amount: deal.amount * 0.05
  - id: fine
    type: spiff
    amount: deal.amount * 0.0125
caps:
  budget: 100000
`
	cf, err := rules.Compile("rb10-spent.yaml", []byte(src))
	require.NoError(t, err)
	e, err := incentive.NewEvaluator(cf.Programs[0])
	require.NoError(t, err)
	var ins []incentive.Input
	for k, a := range []string{"1234", "10000", "750", "99999"} {
		in := incentive.Input{Deal: incentive.Deal{ID: fmt.Sprintf("D-%d", k), PartnerID: "P-1",
			CloseDate: time.Date(2026, 3, 1+k, 0, 0, 0, 0, time.UTC), Amount: incentive.MustParseMoney(a, cur)}}
		in.Partner.ID = "P-1"
		ins = append(ins, in)
	}
	for _, reuse := range []bool{false, true} {
		for _, noTrace := range []bool{false, true} {
			opts := incentive.RunOptions{Workers: 1, NoTrace: noTrace, ReuseResults: reuse,
				BudgetUsed: decimal.RequireFromString("100000")}
			k := 0
			for r, err := range e.Run(context.Background(), seqOf(ins), opts) {
				require.NoError(t, err)
				require.Len(t, r.Lines, 3)
				for _, l := range r.Lines {
					require.Len(t, l.Cuts, 1, "deal %d line %s", k, l.Earning)
					// The budget is spent: the line is cut whole, its cut
					// the line as it was (after rounding), so it pays
					// cut - cut.
					c := l.Cuts[0].Cut
					require.True(t, c.Sign() > 0, "deal %d line %s: cut %s", k, l.Earning, c)
					want := c.Sub(c)
					require.Equal(t, want, l.Amount.Amount(), "deal %d line %s: %s (exp %d), shopspring %s (exp %d)",
						k, l.Earning, l.Amount.Amount(), l.Amount.Amount().Exponent(), want, want.Exponent())
					gotJ, err := json.Marshal(l.Amount)
					require.NoError(t, err)
					wantJ, err := json.Marshal(incentive.NewMoney(want, incentive.Currency(cur)))
					require.NoError(t, err)
					require.Equal(t, string(wantJ), string(gotJ))
					exps[want.Exponent()] = true
				}
				require.True(t, r.Total.IsZero(), "deal %d", k)
				k++
			}
			require.Equal(t, len(ins), k)
		}
	}
}

// TestReviewRbatch10SettlementRunKeepsCuts: a run that settles its
// program's periods (RunOptions.Settlements, through inOrderSettling with
// the slab lent for the deal's whole ordered phase) keeps every result as
// it was yielded and as a ReuseResults run gives it, and the periods it
// settles after the run come out the same from both runs' builders.
func TestReviewRbatch10SettlementRunKeepsCuts(t *testing.T) {
	n := 300
	if raceDetector {
		n = 40
	}
	settled := 0
	for _, c := range reviewCorpus(t) {
		if len(c.ins) == 0 || len(c.p.Settlements) == 0 {
			continue
		}
		ins := spreadDeals(c, n, "1", "40", "0.3", "900", "7")
		e, err := incentive.NewEvaluator(c.p)
		require.NoError(t, err)
		end := incentive.DateOf(ins[len(ins)-1].Deal.CloseDate.AddDate(1, 0, 0))
		for _, workers := range []int{1, 2} {
			name := fmt.Sprintf("%s/workers=%d", c.name, workers)
			run := func(reuse bool) (now []string, kept []*incentive.Result, errs []error, periods string) {
				b := e.NewSettlements()
				opts := incentive.RunOptions{Workers: workers, ReuseResults: reuse, Settlements: b}
				for r, err := range e.Run(context.Background(), seqOf(ins), opts) {
					now = append(now, rb10Render(t, r, err))
					kept, errs = append(kept, r), append(errs, err)
				}
				sl := b.Settle(end)
				settled += len(sl)
				j, err := json.Marshal(sl)
				require.NoError(t, err)
				return now, kept, errs, string(j)
			}
			atYield, kept, errs, periods := run(false)
			reused, _, _, reusedPeriods := run(true)
			require.Len(t, reused, len(atYield), name)
			for i, r := range kept {
				after := rb10Render(t, r, errs[i])
				require.Equal(t, atYield[i], after, "%s: result %d changed after the run", name, i)
				require.Equal(t, reused[i], after, "%s: result %d differs from the ReuseResults run's", name, i)
			}
			require.Equal(t, reusedPeriods, periods, name)
		}
	}
	require.Positive(t, settled)
	t.Logf("%d settlement lines", settled)
}
