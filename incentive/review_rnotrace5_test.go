package incentive

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review rnotrace5 (issue #11, round 5): the per-deal fast paths.

// AddDays' integer day arithmetic on the edges the review asked about,
// worked out by hand, and against time.Date (addDaysRef).
func TestReviewRnotrace5AddDaysEdges(t *testing.T) {
	tests := []struct {
		name string
		d    Date
		n    int
		want Date
	}{
		{"year 1 back into year 0", Date{1, 1, 1}, -1, Date{0, 12, 31}},
		{"year 0 into year 1", Date{0, 12, 31}, 1, Date{1, 1, 1}},
		{"year 0 is leap (divisible by 400)", Date{0, 2, 28}, 1, Date{0, 2, 29}},
		{"-4 is leap", Date{-4, 2, 28}, 1, Date{-4, 2, 29}},
		{"-100 is not leap", Date{-100, 2, 28}, 1, Date{-100, 3, 1}},
		{"-400 is leap", Date{-400, 2, 28}, 1, Date{-400, 2, 29}},
		// 9999 is not leap (9999 % 4 = 3): 365 days back is the same day.
		{"9999 back a year", Date{9999, 12, 31}, -365, Date{9998, 12, 31}},
		{"9999 into 10000", Date{9999, 12, 31}, 1, Date{10000, 1, 1}},
		// Feb 29 2024 + 1 = Mar 1 2024; + 364 more = Feb 28 2025 (no Feb 29 between).
		{"leap day plus a year", Date{2024, 2, 29}, 365, Date{2025, 2, 28}},
		// Mar 1 2023 to Feb 29 2024 is 365 days (2023 has no Feb 29): -366 is Feb 28 2023.
		{"leap day minus 366", Date{2024, 2, 29}, -366, Date{2023, 2, 28}},
		{"negative across a month", Date{2026, 3, 1}, -29, Date{2026, 1, 31}}, // 28 days of Feb, then Jan 31
		// Not dates: time.Date normalises them, and so does AddDays.
		{"Feb 29 of a common year", Date{2025, 2, 29}, 0, Date{2025, 3, 1}},
		{"Apr 31", Date{2026, 4, 31}, 1, Date{2026, 5, 2}}, // Apr 31 = May 1, + 1
		{"day 0", Date{2026, 1, 0}, 0, Date{2025, 12, 31}},
		{"month 0", Date{2026, 0, 15}, 0, Date{2025, 12, 15}},
		{"day 32 of Dec", Date{2026, 12, 32}, -1, Date{2026, 12, 31}},
		// The fast path's bound (a million years), both sides of it.
		{"to the bound", Date{999_999, 12, 31}, 1, Date{1_000_000, 1, 1}},
		{"from the bound", Date{1_000_000, 1, 1}, -1, Date{999_999, 12, 31}},
		{"from minus the bound", Date{-999_999, 1, 1}, -1, Date{-1_000_000, 12, 31}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.d.AddDays(tt.n))
			assert.Equal(t, addDaysRef(tt.d, tt.n), tt.d.AddDays(tt.n), "against time.Date")
		})
	}
}

// poolProgram pays 2% of the deal amount, 100 when the deal has product
// lines and 50 for an "enterprise" segment (an optional field), under a
// partner cap of 10,000 a quarter.
func poolProgram() *Program {
	return &Program{
		ID: "pool", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 10, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Fields:    []FieldDecl{{Name: "segment", Type: FieldString, Optional: true}},
		Earnings: []Earning{
			{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.02"))},
			{ID: "lines", Type: Spiff, Amount: Const(dec("100")),
				When: ConditionFunc("has lines", nil, func(s *Scope) (bool, error) { return len(s.Deal.Lines) > 0, nil })},
			{ID: "enterprise", Type: Spiff, Amount: Const(dec("50")), When: Equals("deal.segment", "enterprise")},
		},
		Caps: []Cap{{Scope: CapPartner, Limit: dec("10000")}},
	}
}

// A single Evaluate no longer clears its pooled copy of the Input: a later
// deal on the same Evaluator must still see nothing of an earlier one (its
// lines, fields, Prior or Rates), and a result must not change when later
// deals are evaluated. Each deal is also evaluated alone, on a fresh
// Evaluator, for comparison.
func TestReviewRnotrace5PooledInputIsolation(t *testing.T) {
	p := poolProgram()
	rates, err := NewRateTable(Rate{From: EUR, To: USD, Rate: dec("1.10"), AsOf: Date{2026, 1, 1}, Source: "test"})
	require.NoError(t, err)
	full := Input{Deal: deal("A", "P-1", "10000.00", "2026-11-03"), Partner: gold("P-1"),
		Prior: Prior{PeriodEarned: dec("9990")}}
	full.Deal.Lines = []DealLine{{Product: "widget", Quantity: 1, Amount: usd("10000.00")}}
	full.Deal.Fields = map[string]any{"segment": "enterprise"}
	bare := Input{Deal: deal("B", "P-1", "10000.00", "2026-11-04"), Partner: gold("P-1")}
	eur := Input{Deal: deal("C", "P-1", "10000.00", "2026-11-05"), Partner: gold("P-1"), Rates: rates}
	eur.Deal.Amount = MustParseMoney("10000.00", "EUR")
	eurNoRates := eur
	eurNoRates.Deal.ID, eurNoRates.Rates = "D", nil

	steps := []struct {
		name  string
		in    Input
		total string // "" for an error
		lines []string
	}{
		// 2% of 10,000.00 = 200.00, + 100 (lines) + 50 (enterprise) =
		// 350.00 gross; the partner cap has 10,000 - 9,990 = 10.00 left.
		{"everything", full, "10.00", []string{"base", "lines", "enterprise"}},
		// 200.00 alone: no lines, no segment, no Prior (the cap has 10,000).
		{"nothing", bare, "200.00", []string{"base"}},
		// 10,000.00 EUR x 1.10 = 11,000.00 USD; 2% = 220.00.
		{"converted", eur, "220.00", []string{"base"}},
		// The same EUR deal without rates: ErrNoRate, not the last rates.
		{"no rates", eurNoRates, "", nil},
		{"everything again", full, "10.00", []string{"base", "lines", "enterprise"}},
		{"nothing again", bare, "200.00", []string{"base"}},
	}
	shared, err := NewEvaluator(p)
	require.NoError(t, err)
	asOf := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	type kept struct {
		r     *Result
		total string
	}
	var done []kept
	for round := range 2 {
		for _, st := range steps {
			eval := shared.Evaluate
			if round == 1 {
				eval = shared.EvaluateNoTrace
			}
			r, err := eval(t.Context(), st.in, asOf)
			if st.total == "" {
				require.ErrorIs(t, err, ErrNoRate, st.name)
				continue
			}
			require.NoError(t, err, st.name)
			assert.True(t, r.Total.Amount().Equal(dec(st.total)), "%s (round %d): total %s, want %s", st.name, round, r.Total, st.total)
			var ids []string
			for _, l := range r.Lines {
				ids = append(ids, l.Earning)
			}
			assert.ElementsMatch(t, st.lines, ids, "%s (round %d)", st.name, round)
			alone, err := NewEvaluator(p)
			require.NoError(t, err)
			want, err := alone.Evaluate(t.Context(), st.in, asOf)
			require.NoError(t, err)
			if round == 0 {
				assert.Equal(t, want.Explain(), r.Explain(), st.name)
			}
			done = append(done, kept{r, st.total})
		}
	}
	for _, k := range done {
		assert.True(t, k.r.Total.Amount().Equal(dec(k.total)), "deal %s's result changed later: %s, want %s", k.r.DealID, k.r.Total, k.total)
	}
}

// Concurrent Evaluate and EvaluateNoTrace on one Evaluator (run with
// -race): each goroutine's deals get their own totals, whatever the others
// evaluate meanwhile (totals as in TestReviewRnotrace5PooledInputIsolation).
func TestReviewRnotrace5ConcurrentEvaluate(t *testing.T) {
	ev, err := NewEvaluator(poolProgram())
	require.NoError(t, err)
	full := Input{Deal: deal("A", "P-1", "10000.00", "2026-11-03"), Partner: gold("P-1"), Prior: Prior{PeriodEarned: dec("9990")}}
	full.Deal.Lines = []DealLine{{Product: "widget", Quantity: 1, Amount: usd("10000.00")}}
	full.Deal.Fields = map[string]any{"segment": "enterprise"}
	bare := Input{Deal: deal("B", "P-1", "10000.00", "2026-11-04"), Partner: gold("P-1")}
	asOf := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				in, want := full, "10.00"
				if (i+g)%2 == 1 {
					in, want = bare, "200.00"
				}
				eval := ev.Evaluate
				if i%3 == 0 {
					eval = ev.EvaluateNoTrace
				}
				r, err := eval(t.Context(), in, asOf)
				if err != nil {
					errs <- err
					return
				}
				if !r.Total.Amount().Equal(dec(want)) {
					errs <- errors.New("deal " + in.Deal.ID + ": total " + r.Total.String() + ", want " + want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// RateOf's product from the deal's arena is shopspring's Mul on the edges:
// coefficients of 18 digits and past them, zeros at several exponents, and
// exponents whose sum is at int32's edge (kept) or past it (shopspring
// panics there, before and after the fast path: no wrapped exponent).
func TestReviewRnotrace5ScopeMulEdges(t *testing.T) {
	s := &Scope{work: &work{da: &decArena{}}}
	big18 := decimal.New(999_999_999_999_999_999, -2) // 18 digits
	tests := []struct {
		name string
		a, b decimal.Decimal
	}{
		{"18 digits x 1", big18, decimal.New(1, 0)},
		{"18 digits x 10: 19 digits", big18, decimal.New(10, 0)},
		{"10^18", decimal.New(1_000_000_000_000_000_000, 0), decimal.New(1, -2)},
		{"MaxInt64 coefficient", decimal.New(9_223_372_036_854_775_807, -4), decimal.New(1, 0)},
		{"MinInt64 coefficient", decimal.New(-9_223_372_036_854_775_808, -4), decimal.New(-1, 0)},
		{"product 3037000500^2 overflows", decimal.New(3_037_000_500, 0), decimal.New(3_037_000_500, 0)},
		{"negative zero text", decimal.RequireFromString("-0.00"), decimal.New(5, -1)},
		{"zero x big", decimal.New(0, -7), big18},
		{"exponents to MaxInt32", decimal.New(3, 2_147_483_000), decimal.New(7, 647)},
		{"exponents to MinInt32", decimal.New(3, -2_147_483_000), decimal.New(-7, -648)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.a.Mul(tt.b)
			got := s.Mul(tt.a, tt.b)
			// (coefficient and exponent: String would expand 10^2147483647)
			assert.Equal(t, want.Exponent(), got.Exponent())
			assert.Equal(t, want.Coefficient().String(), got.Coefficient().String())
		})
	}
	// 10^2147483000 x 10^648 = 10^(2147483648): past MaxInt32, shopspring
	// panics; so does the fast path (it hands the case to shopspring).
	assert.Panics(t, func() { decimal.New(3, 2_147_483_000).Mul(decimal.New(7, 648)) })
	assert.Panics(t, func() { s.Mul(decimal.New(3, 2_147_483_000), decimal.New(7, 648)) })
}
