package incentive

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// decimalRep is shopspring's Decimal as internal/deccoef checks it
// (TestDecimalLayout fails first where it does not hold).
type decimalRep struct {
	value *big.Int
	exp   int32
}

// inArenaSlab reports whether d's coefficient is a slot of a decArena's
// slab: its big.Int is slab.ints[k] and its one word slab.words[k], at
// the fixed distance from each other that only the slab layout gives
// (decimal.New's Int and word are two allocations of different size
// classes).
func inArenaSlab(d decimal.Decimal) bool {
	r := (*decimalRep)(unsafe.Pointer(&d))
	if r.value == nil || len(r.value.Bits()) != 1 {
		return false
	}
	var s decSlab
	words := int64(unsafe.Offsetof(s.words))
	step := int64(unsafe.Sizeof(s.ints[0])) - int64(unsafe.Sizeof(s.words[0]))
	delta := int64(uintptr(unsafe.Pointer(&r.value.Bits()[0]))) - int64(uintptr(unsafe.Pointer(r.value)))
	k := (words - delta) / step
	return k >= 0 && k < decArenaSlab && words-k*step == delta
}

// The probe tells an arena's decimal from decimal.New's.
func TestReviewArenaProbe(t *testing.T) {
	var ar decArena
	for i := range 3 * decArenaSlab {
		require.True(t, inArenaSlab(ar.dec(int64(i+1)*-37, -2)), "slot %d", i)
		require.False(t, inArenaSlab(decimal.New(int64(i+1)*-37, -2)), "decimal.New %d", i)
	}
}

// Running totals never come from an arena (decarena.go: one would keep
// its whole slab alive for the run, and after it while a RunCounts or an
// attached SettlementBuilder holds the run's state). At cf17c45 a count,
// or a period's earned total, that starts at zero took the deal's amount
// itself (decAdd of a zero and b was b), and that amount is an arena's
// (the rounded line, the lines' sum). Measured with 200,000 partners of
// one deal each (three 2%/1.5%/0.7% lines, a quarterly partner cap and a
// budget, NoTrace, one worker): the state a RunCounts keeps after the run
// was 153.4 MB against 117.4 MB before the arena (7c9fc03), 767 against
// 587 bytes a partner. (Fixed on main by 860c8e1, decAdd's copy; this
// failed at cf17c45 and passes since.)
//
// A partner's deals here: P-k has one deal of 1,000.00 + k x 79.19;
// lines 2%, 1.5% and 0.7% each rounded to the cent (an arena decimal
// when the rounding changes the exponent: 4 places -> 2), and the total,
// their sum (another). The counts after the run are that total, which
// must be a decimal of its own. A program reading period totals keeps
// the period's earned total too; one with credit notes makes no decimal
// in an arena at all (its run keeps every deal's record: Evaluator.arena).
func TestReviewArenaRunningTotalsOwnTheirDecimals(t *testing.T) {
	base := func() *Program {
		p := spiffProgram()
		p.Eligibility = nil
		p.Effective = Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc}
		p.Earnings = []Earning{
			{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.02"))},
			{ID: "extra", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.015"))},
			{ID: "third", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.007"))},
		}
		p.Caps = []Cap{{Scope: CapPartner, Limit: dec("10000"), Period: PeriodQuarter}, {Scope: CapBudget, Limit: dec("99999999")}}
		return p
	}
	reads := base()
	// A kicker no deal reaches (period.earned is 0 before each partner's
	// one deal): only so that the run keeps period.earned.
	reads.Earnings = append(reads.Earnings, Earning{ID: "kicker", Type: Bonus, When: AtLeast(PathPeriodEarned, dec("1000000")), Amount: Const(dec("25"))})
	credits := base()
	credits.AllowNegative = true
	const n = 40
	var ins []Input
	for k := range n {
		d := deal(fmt.Sprintf("D-%02d", k), fmt.Sprintf("P-%02d", k), "0", "2026-01-05")
		d.Amount = MoneyFromMinor(100_000+int64(k)*7_919, USD)
		d.CloseDate = d.CloseDate.AddDate(0, 0, k)
		ins = append(ins, Input{Deal: d, Partner: gold(d.PartnerID)})
	}
	for _, tc := range []struct {
		name      string
		p         *Program
		fromArena int // results whose total is an arena's decimal
	}{{"caps", base(), n}, {"reads period totals", reads, n}, {"credit notes", credits, 0}} {
		for _, workers := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s workers=%d", tc.name, workers), func(t *testing.T) {
				e, err := NewEvaluator(tc.p)
				require.NoError(t, err)
				var counts RunCounts
				paidFromArena := 0
				for r, err := range e.Run(t.Context(), inputsOf(ins...), RunOptions{Workers: workers, NoTrace: true, Counts: &counts}) {
					require.NoError(t, err)
					if inArenaSlab(r.Total.Amount()) {
						paidFromArena++
					}
				}
				// The probe sees something: the results' totals are the
				// arena's, as the change intends (none with credit notes).
				require.Equal(t, tc.fromArena, paidFromArena, "results' totals from an arena")
				st := counts.st
				// P-00: 1,000.00 x (2% + 1.5% + 0.7%) = 20.00 + 15.00 + 7.00 = 42.00.
				require.Equal(t, "42.00", st.partners["P-00"].periods[e.capPeriod[0]].capPaid[0].dec(nil).StringFixed(2), "P-00's cap count")
				if tc.p == reads {
					require.Equal(t, "42.00", st.partners["P-00"].periods[0].earned.StringFixed(2), "P-00's period earned")
				}
				for id, ps := range st.partners {
					for _, pt := range ps.periods {
						if pt == nil {
							continue
						}
						for ci, c := range pt.capPaid {
							// (A count held as an fx holds no decimal: c.d is zero.)
							require.False(t, inArenaSlab(c.d), "%s: cap %d's count %s is an arena's decimal", id, ci, c.dec(nil))
						}
						for ci, c := range pt.capOver {
							require.False(t, inArenaSlab(c), "%s: cap %d's capOver %s is an arena's decimal", id, ci, c)
						}
						require.False(t, inArenaSlab(pt.earned), "%s: period earned %s is an arena's decimal", id, pt.earned)
					}
				}
				for ci, c := range st.budgetPaid {
					require.False(t, inArenaSlab(c.d), "budget cap %d's count %s is an arena's decimal", ci, c.dec(nil))
				}
			})
		}
	}
}

// A statement builder lives as long as the statement it builds, and its
// holds by maturity date started from the first held line's amount
// itself (decAdd of a zero): an arena's decimal, pinning its slab for as
// long as the builder (failed at cf17c45; decAdd copies since 860c8e1).
// D-k (1,000.00 + k x 79.19, 2% rounded to the
// cent, held 30 days) gives its partner one hold entry each.
func TestReviewArenaStatementHoldsOwnTheirDecimals(t *testing.T) {
	p := spiffProgram()
	p.Eligibility, p.Caps = nil, nil
	p.Effective = Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc}
	p.Earnings = []Earning{{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.02"))}}
	p.Hold = Hold{Span: Span{Days: 30}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	var ins []Input
	for k := range 20 {
		d := deal(fmt.Sprintf("D-%02d", k), fmt.Sprintf("P-%02d", k%5), "0", "2026-01-05")
		d.Amount = MoneyFromMinor(100_000+int64(k)*7_919, USD)
		d.CloseDate = d.CloseDate.AddDate(0, 0, k)
		ins = append(ins, Input{Deal: d, Partner: gold(d.PartnerID)})
	}
	sb := e.NewStatement(nil)
	held := 0
	for r, err := range e.Run(t.Context(), inputsOf(ins...), RunOptions{Workers: 1, NoTrace: true, AsOf: day("2026-01-10")}) {
		require.NoError(t, err)
		if r.Hold != nil && r.Hold.Held {
			held++
		}
		require.NoError(t, sb.Add(r))
	}
	require.Equal(t, 20, held, "every deal is held as of 2026-01-10 (30 days)")
	entries := 0
	for id, a := range sb.partners {
		for hk, v := range a.holds {
			entries++
			require.False(t, inArenaSlab(v), "%s: hold %v %s is an arena's decimal", id, hk, v)
		}
	}
	require.Equal(t, 20, entries, "one hold entry a deal (20 maturity dates)")
	// D-00: 1,000.00 x 2% = 20.00, held until 2026-02-04.
	ps := sb.Statement().Partners[0]
	require.Equal(t, "P-00", ps.PartnerID)
	require.Equal(t, "20.00", ps.Holds[0].Amount.Amount().StringFixed(2))
}

// arenaDeals are n generated deals of 9 partners an hour apart, with a
// credit note (a tenth of an earlier deal of the same partner, taken back
// a minute after the fifth deal of every five) when p allows negative
// amounts: linked to that deal, or unlinked every other time.
func arenaDeals(p *Program, n int) []Input {
	deals := genDeals(n, 9)
	var ins []Input
	for i, d := range deals {
		d.CloseDate = day("2026-01-01").Add(time.Duration(i) * 13 * time.Hour)
		ins = append(ins, Input{Deal: d, Partner: gold(d.PartnerID)})
		if i%5 == 4 && p.AllowNegative {
			prev := deals[i-4] // P-(i-4 mod 9): not the same partner as d
			if i >= 9 {
				prev = deals[i-9] // the same partner as d
			}
			cn := prev
			cn.ID, cn.Credits = "CN-"+d.ID, prev.ID
			if i%10 == 9 {
				cn.Credits = ""
			}
			cn.Amount = Money{prev.Amount.Amount().Div(dec("-10")).Round(2), USD}
			cn.CloseDate = d.CloseDate.Add(time.Minute)
			ins = append(ins, Input{Deal: cn, Partner: gold(cn.PartnerID)})
		}
	}
	return ins
}

// renderResult is a result as its users read it: JSON and explanation.
func renderResult(t testing.TB, r *Result, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	b, jerr := json.Marshal(r)
	require.NoError(t, jerr)
	return string(b) + "\n" + r.Explain()
}

// Every goroutine that computes a deal's decimals uses an arena of its
// own, and results read the same whoever reads them while other deals
// are computed: runs of one Evaluator on every path (serial; sharded,
// with ReuseResults; parallel, for a program reading period totals and
// one settling in the run, with partner caps that bind; and with linked
// and unlinked credit notes, which use no arena since 860c8e1) at the same time as each other, as a run that is left
// part way (its workers finish their chunks after Run returns), and as
// Evaluate calls on the same Evaluator from several goroutines, give the
// results (JSON and explanation) of the same run or Evaluate done alone.
// Run with -race.
func TestReviewArenaConcurrentRunsAndEvaluates(t *testing.T) {
	credits := shardedProgram()
	credits.AllowNegative = true
	reads := shardedProgram()
	reads.Earnings = append(reads.Earnings, Earning{ID: "kicker", Type: Bonus, When: AtLeast(PathPeriodAmount, dec("150000")), Amount: Const(dec("25"))})
	settle := rebateProgram(CreditYearToDate, "40000")
	settle.Caps = []Cap{{Scope: CapPartner, Limit: dec("3000"), Period: PeriodMonth}, {Scope: CapBudget, Limit: dec("60000")}}
	settleCredits := rebateProgram(CreditYearToDate, "40000")
	settleCredits.AllowNegative = true
	settleCredits.Caps = settle.Caps
	for _, tc := range []struct {
		name string
		p    *Program
	}{
		{"bands and caps (sharded)", shardedProgram()},
		{"reads period totals (parallel)", reads},
		{"settlements (parallel)", settle},
		{"credit notes (parallel, no arena)", credits},
		{"settlements and credit notes", settleCredits},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewEvaluator(tc.p)
			require.NoError(t, err)
			ins := arenaDeals(tc.p, 300)
			asOf := day("2026-06-30")
			run := func(workers int, reuse, settled bool, stopAfter int) []string {
				opts := RunOptions{Workers: workers, AsOf: asOf, ReuseResults: reuse}
				var b *SettlementBuilder
				if settled {
					b = e.NewSettlements()
					opts.Settlements = b
				}
				var out []string
				for r, err := range e.Run(t.Context(), inputsOf(ins...), opts) {
					out = append(out, renderResult(t, r, err))
					if len(out) == stopAfter {
						return out
					}
				}
				if b != nil {
					for _, l := range b.Settle(Date{2026, 12, 31}) {
						out = append(out, fmt.Sprintf("%s %s %s %s %s", l.PartnerID, l.From, l.TrueUp.Amount(), l.Payable.Amount(), l.Capped.Amount()))
					}
				}
				return out
			}
			evalAll := func() []string {
				var out []string
				for _, in := range ins {
					r, err := e.Evaluate(t.Context(), in, asOf)
					out = append(out, renderResult(t, r, err))
				}
				return out
			}
			settled := len(tc.p.Settlements) > 0
			want := run(1, false, settled, -1)
			wantSolo := evalAll()
			// The comparison compares something: some results paid, some
			// were cut by a cap, and credit notes took something back.
			joined := strings.Join(want, "\n")
			require.Contains(t, joined, `"cuts"`)
			if tc.p.AllowNegative {
				require.Contains(t, joined, `"credits":"D-`)
			}

			var wg sync.WaitGroup
			errs := make(chan string, 16)
			check := func(what string, got, want []string) {
				if len(got) != len(want) {
					errs <- fmt.Sprintf("%s: %d results, alone %d", what, len(got), len(want))
					return
				}
				for i := range want {
					if got[i] != want[i] {
						errs <- fmt.Sprintf("%s: result %d:\n%s\nalone:\n%s", what, i, got[i], want[i])
						return
					}
				}
			}
			for _, c := range []struct {
				workers int
				reuse   bool
			}{{1, false}, {3, false}, {4, true}, {2, true}} {
				wg.Go(func() {
					check(fmt.Sprintf("run workers %d reuse %v", c.workers, c.reuse), run(c.workers, c.reuse, settled, -1), want)
				})
			}
			wg.Go(func() { check("run left part way", run(4, false, settled, 40), want[:40]) })
			for g := range 3 {
				wg.Go(func() { check(fmt.Sprintf("evaluate goroutine %d", g), evalAll(), wantSolo) })
			}
			wg.Wait()
			close(errs)
			for msg := range errs {
				t.Error(msg)
			}
		})
	}
}
