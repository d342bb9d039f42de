package incentive

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The running-basis marginal table (applyRun without the trace, apply
// with it) against hand-computed amounts: boundaries met exactly, one
// deal crossing several bands, prior totals from a chained run, totals
// past int64 fixed point, rounding modes. threeBands is [0, 100000) 4%,
// [100000, 250000) 6%, [250000, ...) 8%, over the partner's quarter.
func TestReviewRnoRunningBasisByHand(t *testing.T) {
	type step struct {
		amount string
		want   string // the deal's total
		band   int    // Lines[0].Band.Index
	}
	tests := []struct {
		name  string
		mode  RoundingMode
		prior Prior
		deals []step
	}{
		{"boundaries exactly", HalfUp, Prior{}, []step{
			{"100000.00", "4000.00", 1}, // 100000 x 4%; 100000 belongs to the upper band
			{"150000.00", "9000.00", 2}, // 150000 x 6%; the total 250000 is band 3's lower bound
			{"0.01", "0.00", 2},         // 0.01 x 8% = 0.0008, half up to 0.00
		}},
		{"three bands in one deal", HalfUp, Prior{}, []step{
			{"300000", "17000.00", 2}, // 100000 x 4% + 150000 x 6% + 50000 x 8% = 4000 + 9000 + 4000
		}},
		{"prior total just below a bound", HalfUp, Prior{PeriodAmount: dec("99999.99")}, []step{
			{"1000.01", "60.00", 1}, // 0.01 x 4% + 1000.00 x 6% = 0.0004 + 60.00 = 60.0004
			{"0.5", "0.03", 1},      // 0.5 x 6% = 0.03
		}},
		{"prior total just below a bound, rounding up", Up, Prior{PeriodAmount: dec("99999.99")}, []step{
			{"1000.01", "60.01", 1}, // 60.0004 up to 60.01
			{"0.01", "0.01", 1},     // 0.01 x 6% = 0.0006 up to 0.01
		}},
		{"prior total just below a bound, rounding down", Down, Prior{PeriodAmount: dec("99999.99")}, []step{
			{"1000.01", "60.00", 1}, // 60.0004 down to 60.00
		}},
		{"prior past int64", HalfEven, Prior{PeriodAmount: dec("99999999999999999999.99")}, []step{
			{"1000", "80.00", 2},  // 1000 x 8%
			{"12.5", "1.00", 2},   // 12.5 x 8% = 1.000
			{"0.0625", "0.00", 2}, // 0.0625 x 8% = 0.005, half even to 0.00
			{"0.1875", "0.02", 2}, // 0.1875 x 8% = 0.015, half even to 0.02
		}},
		{"scales 1.0 and 1.00", HalfUp, Prior{}, []step{
			{"99999.0", "3999.96", 0},    // 99999 x 4%
			{"1.00", "0.04", 1},          // the total 99999.0 -> 100000.00: the 1 lies in [99999, 100000), 1 x 4%; 100000 is band 2
			{"149999.990", "9000.00", 1}, // 149999.99 x 6% = 8999.9994, half up to 9000.00
			{"0.010", "0.00", 2},         // 0.01 x 8% = 0.0008
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisPeriod, Period: PeriodQuarter, Bands: threeBands()}})
			p.Rounding.Mode = tc.mode
			var deals []Deal
			for i, s := range tc.deals {
				d := deal("D-"+itoa(i), "P-1", s.amount, "2026-04-02")
				d.CloseDate = d.CloseDate.Add(time.Duration(i) * time.Hour)
				deals = append(deals, d)
			}
			for _, opts := range []RunOptions{{}, {NoTrace: true}, {NoTrace: true, Workers: 2, ReuseResults: true}} {
				opts.Prior = func(string) Prior { return tc.prior }
				i := 0
				for r, err := range Run(t.Context(), p, inputs(deals...), opts) {
					require.NoError(t, err)
					assert.Equal(t, tc.deals[i].want, r.Total.Amount().StringFixed(2), "deal %d %+v", i, opts)
					require.NotNil(t, r.Lines[0].Band, "deal %d", i)
					assert.Equal(t, tc.deals[i].band, r.Lines[0].Band.Index, "deal %d", i)
					i++
				}
				assert.Equal(t, len(tc.deals), i)
			}
			// The first deal alone, from the prior: Evaluate and EvaluateNoTrace.
			e, err := NewEvaluator(p)
			require.NoError(t, err)
			in := Input{Deal: deals[0], Partner: gold("P-1"), Prior: tc.prior}
			for _, f := range []func(*Evaluator) (*Result, error){
				func(e *Evaluator) (*Result, error) { return e.Evaluate(t.Context(), in, time.Time{}) },
				func(e *Evaluator) (*Result, error) { return e.EvaluateNoTrace(t.Context(), in, time.Time{}) },
			} {
				r, err := f(e)
				require.NoError(t, err)
				assert.Equal(t, tc.deals[0].want, r.Total.Amount().StringFixed(2))
			}
		})
	}
}

// dayKey holds every date a result keeps, year 1 to 9999, leap days and
// negative years included, and the zero Date as 0.
func TestReviewRnoDayKey(t *testing.T) {
	for _, d := range []Date{{1, 1, 1}, {9999, 12, 31}, {2024, 2, 29}, {2000, 2, 29}, {0, 1, 1}, {-1, 12, 31}, {-4713, 11, 24}, {292277026596, 12, 4}} {
		assert.Equal(t, d, dayKeyOf(d).day(), "%v", d)
		assert.NotZero(t, dayKeyOf(d), "%v", d)
	}
	assert.Equal(t, dayKey(0), dayKeyOf(Date{}))
	assert.Equal(t, Date{}, dayKey(0).day())
}

// Several goroutines on one Evaluator, traced and not, give each deal the
// result one goroutine gives (pooled states and their arenas' sum memos
// are per goroutine at a time). Run with -race.
func TestReviewRnoConcurrentEvaluate(t *testing.T) {
	p := simple(
		Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisPeriod, Period: PeriodQuarter, Bands: threeBands()}},
		withRate("a", "0.0125", nil), withRate("b", "0.5", nil))
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("20000")}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	amounts := []string{"1.00", "1.0", "1", "99999.99", "250000", "40000.5", "0.01"}
	want := make([]string, len(amounts))
	for i, a := range amounts {
		r, err := e.Evaluate(t.Context(), Input{Deal: deal("D", "P-1", a, "2026-04-02"), Partner: gold("P-1"), Prior: Prior{PeriodAmount: decimal.New(int64(i)*50000, 0)}}, time.Time{})
		require.NoError(t, err)
		want[i] = r.Total.Amount().String() + " " + r.Lines[0].Gross.Amount().String()
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 4 {
		wg.Go(func() {
			for k := range 300 {
				i := (k + g) % len(amounts)
				in := Input{Deal: deal("D", "P-1", amounts[i], "2026-04-02"), Partner: gold("P-1"), Prior: Prior{PeriodAmount: decimal.New(int64(i)*50000, 0)}}
				var r *Result
				var err error
				if k%2 == 0 {
					r, err = e.EvaluateNoTrace(t.Context(), in, time.Time{})
				} else {
					r, err = e.Evaluate(t.Context(), in, time.Time{})
				}
				if err != nil {
					errs <- err.Error()
					return
				}
				if got := r.Total.Amount().String() + " " + r.Lines[0].Gross.Amount().String(); got != want[i] {
					errs <- got + " != " + want[i]
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Error(s)
	}
}

// rnoProgram is a program whose lines take the per-deal paths under
// review: two running-basis marginal rate tables (a partner period one
// with a bounded last band, a cumulative one), a retroactive period
// table, a rate line, a deal cap, partner and budget caps, rounding.
func rnoProgram(v int) *Program {
	p := simple(
		Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisPeriod, Period: PeriodQuarter,
			Bands: []Band{
				{From: dec("0"), To: decp("1000"), Value: dec("0.01")},
				{From: dec("1000"), To: decp("5000.5"), Value: dec("0.025"), Label: "silver"},
				{From: dec("5000.5"), To: decp("20000"), Value: dec("0.0375"), Label: "gold"},
			}}},
		Earning{ID: "ytd", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisCumulative,
			Bands: []Band{
				{From: dec("0"), To: decp("3000"), Value: dec("0.005")},
				{From: dec("3000"), Value: dec("0.0125")},
			}}},
		withRate("base", "0.013", nil),
	)
	if v%2 == 1 {
		p.Earnings = append(p.Earnings, Earning{ID: "retro", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Basis: BasisPeriod, Period: PeriodMonth,
			Bands: []Band{{From: dec("0"), To: decp("2000"), Value: dec("0.01")}, {From: dec("2000"), Value: dec("0.02")}}}},
			Earning{ID: "flat", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysFlat, Basis: BasisPeriod, Period: PeriodYear,
				Bands: []Band{{From: dec("0"), To: decp("50000"), Value: dec("25")}, {From: dec("50000"), Value: dec("75")}}}})
	}
	modes := []RoundingMode{HalfUp, HalfEven, Down, Up, Ceiling, Floor}
	p.Rounding.Mode = modes[v%len(modes)]
	if v%3 == 2 {
		p.Rounding.Stage = StageDeal
	}
	if v >= 3 {
		return p // no caps: every line pays what its band gives
	}
	p.Caps = []Cap{
		{Scope: CapDeal, Limit: dec("150")},
		{Scope: CapPartner, Limit: dec("900"), Period: PeriodQuarter},
		{Scope: CapBudget, Limit: dec("20000")},
	}
	return p
}

// rnoDeals are n deals of a few partners in close order over the year,
// amounts at several scales, some past int64 fixed point.
func rnoDeals(seed uint64, n int) []Deal {
	r := rand.New(rand.NewPCG(seed, 7))
	var out []Deal
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, nyc)
	for i := range n {
		at = at.Add(time.Duration(r.IntN(40)) * time.Hour)
		if at.Year() > 2026 {
			break
		}
		c := r.Int64N(400000) + 1
		s := fmt.Sprintf("%d", c)
		switch r.IntN(6) {
		case 0:
			s = fmt.Sprintf("%d.%02d", c/100, c%100)
		case 1:
			s = fmt.Sprintf("%d.%d", c/10, c%10)
		case 2:
			s = fmt.Sprintf("%d.%04d", c/10000, c%10000)
		case 3:
			s = fmt.Sprintf("%d.%02d0", c/100, c%100)
		case 4:
			if r.IntN(10) == 0 {
				s = "1" + strings.Repeat("0", 19) + ".5" // past int64
			}
		}
		d := deal(fmt.Sprintf("D-%04d", i), fmt.Sprintf("P-%d", r.IntN(4)), s, "2026-01-01")
		d.CloseDate = at
		out = append(out, d)
	}
	return out
}

func rnoEncode(t *testing.T, r *Result) string {
	c := *r
	c.Trace = nil
	b, err := json.Marshal(&c)
	require.NoError(t, err)
	return string(b)
}

// A run without the trace gives the traced run's results, for each
// variant of rnoProgram, several workers, ReuseResults, and prior totals.
func TestReviewRnoNoTraceSameAsTraced(t *testing.T) {
	for v := range 6 {
		p := rnoProgram(v)
		deals := rnoDeals(uint64(v), 300)
		prior := func(id string) Prior {
			if id == "P-1" {
				return Prior{Cumulative: dec("2999.99"), PeriodAmount: dec("999.995"), BudgetUsed: dec("100")}
			}
			if id == "P-2" {
				return Prior{Cumulative: dec("12345678901234567890.12")}
			}
			return Prior{}
		}
		for _, pr := range []func(string) Prior{nil, prior} {
			var want []string
			for r, err := range Run(t.Context(), p, inputs(deals...), RunOptions{Workers: 1, Prior: pr}) {
				require.NoError(t, err)
				want = append(want, rnoEncode(t, r))
			}
			for _, opts := range []RunOptions{
				{Workers: 1, NoTrace: true},
				{Workers: 3, NoTrace: true},
				{Workers: 1, NoTrace: true, ReuseResults: true},
				{Workers: 3, NoTrace: true, ReuseResults: true},
				{Workers: 3, ReuseResults: true},
			} {
				opts.Prior = pr
				i := 0
				for r, err := range Run(t.Context(), p, inputs(deals...), opts) {
					require.NoError(t, err)
					require.Equal(t, want[i], rnoEncode(t, r), "variant %d deal %d, %+v", v, i, opts)
					i++
				}
				require.Equal(t, len(want), i)
			}
		}
		// Evaluate deal by deal, with Prior or not, traced and not.
		e, err := NewEvaluator(p)
		require.NoError(t, err)
		for i, d := range deals {
			in := Input{Deal: d, Partner: gold(d.PartnerID)}
			if i%3 == 0 {
				in.Prior = Prior{Cumulative: dec("2500"), PeriodAmount: dec("4999.5"), PeriodEarned: dec("800"), BudgetUsed: dec("19990")}
			}
			tr, err := e.Evaluate(t.Context(), in, day("2026-12-31"))
			require.NoError(t, err)
			bare, err := e.EvaluateNoTrace(t.Context(), in, day("2026-12-31"))
			require.NoError(t, err)
			a := rnoEncode(t, tr)
			require.Equal(t, a, rnoEncode(t, bare), "variant %d evaluate deal %d", v, i)
			// and what a fresh evaluator gives: nothing of the deals before
			// it leaks through the pooled state
			f, err := NewEvaluator(p)
			require.NoError(t, err)
			fr, err := f.EvaluateNoTrace(t.Context(), in, day("2026-12-31"))
			require.NoError(t, err)
			require.Equal(t, a, rnoEncode(t, fr), "variant %d evaluate deal %d, fresh", v, i)
		}
	}
}
