package incentive

// Review tests: edge cases of the stated semantics that the engine gets
// right, with hand-computed values. Tests that demonstrate bugs live in
// review_bugs_test.go behind the reviewbugs build tag.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A deal's period is read from its close date in the program's time zone,
// so an instant on July 1 in UTC that is still June 30 in New York belongs
// to Q2.
func TestReviewQuarterBoundaryInProgramTimeZone(t *testing.T) {
	for _, workers := range []int{1, 3} {
		d2 := deal("D-2", "P-1", "60000", "2026-06-30")
		d2.CloseDate = time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC) // 22:00 June 30 EDT
		d3 := deal("D-3", "P-1", "10000", "2026-07-01")
		d3.CloseDate = time.Date(2026, 7, 1, 5, 0, 0, 0, time.UTC) // 01:00 July 1 EDT
		rs := runAll(t, periodBands(Retroactive, BasisPeriod, PeriodQuarter), RunOptions{Workers: workers},
			deal("D-1", "P-1", "60000", "2026-06-15"), d2, d3)
		assert.Equal(t, []string{
			"1200.00", // 60000 x 2%
			"3600.00", // still Q2: 120000 x 4% - 60000 x 2% = 4800 - 1200
			"200.00",  // Q3 starts again: 10000 x 2%
		}, totals(rs), "workers %d", workers)
	}
}

// Month and year partner caps restart on the calendar boundary in the
// program's zone.
func TestReviewMonthAndYearCapBoundaries(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Effective = Window{Location: nyc} // unbounded: deals in 2026 and 2027
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("500"), Period: PeriodMonth}, {Scope: CapPartner, Limit: dec("800"), Period: PeriodYear}}
	jan31 := deal("D-1", "P-1", "40000", "2026-01-31")
	jan31.CloseDate = time.Date(2026, 2, 1, 4, 30, 0, 0, time.UTC) // 23:30 Jan 31 EST
	feb1 := deal("D-2", "P-1", "40000", "2026-02-01")
	feb1.CloseDate = time.Date(2026, 2, 1, 5, 30, 0, 0, time.UTC) // 00:30 Feb 1 EST
	rs := runAll(t, p, RunOptions{},
		deal("D-0", "P-1", "40000", "2026-01-10"), // 400; month 400, year 400
		jan31, // 400 but month room 100 -> 100; year 500
		feb1,  // new month: 400 but year room 800 - 500 = 300
		deal("D-3", "P-1", "40000", "2026-12-31"), // year room 0 -> 0
		deal("D-4", "P-1", "40000", "2027-01-01"), // new year and month: 400
	)
	assert.Equal(t, []string{"400.00", "100.00", "300.00", "0.00", "400.00"}, totals(rs))
}

// Prior applies to the period of the partner's first deal only; the next
// period starts from zero.
func TestReviewPriorOnlyForFirstPeriod(t *testing.T) {
	prior := func(string) Prior {
		return Prior{PeriodAmount: dec("90000"), PeriodDeals: 3, PeriodEarned: dec("1800")}
	}
	rs := runAll(t, periodBands(Retroactive, BasisPeriod, PeriodQuarter), RunOptions{Prior: prior},
		deal("D-1", "P-1", "20000", "2026-05-02"),
		deal("D-2", "P-1", "20000", "2026-07-02"))
	// D-1: 90000 -> 110000: 110000 x 4% - 90000 x 2% = 4400 - 1800 = 2600.
	// D-2: Q3 from zero: 20000 x 2% = 400.
	assert.Equal(t, []string{"2600.00", "400.00"}, totals(rs))
}

// The fast marginal plan agrees with BandTable.owed below, inside, on the
// boundaries of and above a table that starts above zero and has a bounded
// last band.
func TestReviewTablePlanMatchesOwed(t *testing.T) {
	tb := &BandTable{Method: Marginal, Pays: PaysRate, Bands: []Band{
		{From: dec("1000"), To: decp("5000"), Value: dec("0.02")},
		{From: dec("5000"), To: decp("10000"), Value: dec("0.03")},
	}}
	tp := planTable(tb, 2)
	require.True(t, tp.fast)
	for _, tc := range []struct{ x, want string }{
		{"-50", "0"},
		{"0", "0"},
		{"1000", "0"},
		{"3000", "40"},         // 2000 x 2%
		{"5000", "80"},         // 4000 x 2%
		{"7000", "140"},        // 80 + 2000 x 3%
		{"10000", "230"},       // 80 + 5000 x 3%
		{"12000", "230"},       // nothing above a bounded last band
		{"4999.99", "79.9998"}, // 3999.99 x 2%
	} {
		x := dec(tc.x)
		assert.True(t, tp.owed(x, true).Equal(dec(tc.want)), "fast owed(%s) = %s, want %s", tc.x, tp.owed(x, true), tc.want)
		assert.True(t, tb.owed(x, true).Equal(dec(tc.want)), "owed(%s) = %s, want %s", tc.x, tb.owed(x, true), tc.want)
	}
}

// A marginal flat table on a period basis pays each band once, when the
// total first reaches it.
func TestReviewFlatMarginalPeriodPaysEachBandOnce(t *testing.T) {
	p := simple(Earning{ID: "steps", Type: Bonus, Bands: &BandTable{Method: Marginal, Pays: PaysFlat, Basis: BasisPeriod, Bands: flatBands()}})
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "20000", "2026-04-02"), // reaches [10000, 50000): 0 + 250
		deal("D-2", "P-1", "40000", "2026-04-03"), // 60000 reaches [50000, ..): 1250 - 250 = 1000
		deal("D-3", "P-1", "10000", "2026-04-04")) // 70000: 1250 - 1250 = 0
	assert.Equal(t, []string{"250.00", "1000.00", "0.00"}, totals(rs))
}

// A period basis below a first band that starts above zero earns nothing
// until the total reaches it, then the retroactive rate covers the whole
// total.
func TestReviewPeriodBelowFirstBand(t *testing.T) {
	p := simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Basis: BasisPeriod,
		Bands: []Band{{From: dec("10000"), Value: dec("0.03")}}}})
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "5000", "2026-04-02"),
		deal("D-2", "P-1", "6000", "2026-04-03"))
	// D-1: 5000 reaches no band: 0. D-2: 11000 x 3% - 0 = 330.
	assert.Equal(t, []string{"0.00", "330.00"}, totals(rs))
	assert.Nil(t, rs[0].Lines[0].Band)
}

// Deal-stage rounding of a credit note: the lines are floored and the
// missing cent goes to the largest remainder, so they still add to the
// rounded total.
func TestReviewDealStageRoundingNegative(t *testing.T) {
	p := simple(withRate("a", "0.01", nil), withRate("b", "0.01", nil))
	p.AllowNegative = true
	p.Rounding.Stage = StageDeal
	// The partner was paid 1.00 before in the period, so the credit may
	// take back up to that.
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "-33.50", "2026-06-01"), Partner: gold("P-1"), Prior: Prior{PeriodEarned: dec("1")}})
	// Each line -33.50 x 1% = -0.335; total -0.67 exactly. Floors -0.34 and
	// -0.34 add to -0.68; one cent goes back to the first (equal remainders
	// 0.005): a -0.33, b -0.34.
	assert.Equal(t, "-0.67", r.Total.Amount().String())
	assert.Equal(t, map[string]string{"a": "-0.33", "b": "-0.34"}, lines(r))
}

// A deal cap takes its cut from the last paying line: a line dropped by a
// group is skipped.
func TestReviewDealCapSkipsDroppedGroupLine(t *testing.T) {
	p := simple(withRate("base", "0.02", nil),
		Earning{ID: "x", Type: Bonus, Group: "g", Amount: Const(dec("300"))},
		Earning{ID: "y", Type: Bonus, Group: "g", Amount: Const(dec("200"))})
	p.Groups = []Group{{ID: "g", Pick: PickHighest}}
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("1000")}}
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "40000", "2026-06-01"), Partner: gold("P-1")})
	// base 800 + x 300 (y 200 dropped) = 1100; cap 1000 cuts 100 from x.
	assert.Equal(t, map[string]string{"base": "800.00", "x": "200.00"}, lines(r))
	assert.Equal(t, "1000.00", r.Total.Amount().StringFixed(2))
}

// The claim deadline counts from the close date in the program's zone.
func TestReviewClaimFromCloseDateInProgramZone(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Claims = ClaimWindow{Days: 30}
	d := deal("D-1", "P-1", "1000", "2026-03-31")
	d.CloseDate = time.Date(2026, 4, 1, 3, 30, 0, 0, time.UTC)                                                            // 23:30 March 31 EDT
	r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC)) // 23:00 Apr 30 EDT
	require.NoError(t, err)
	// March 31 + 30 days = April 30; as of April 30 in New York it is open.
	assert.Equal(t, Date{2026, 4, 30}, r.ClaimBy)
	assert.False(t, r.Expired)
	r, err = Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, time.Date(2026, 5, 1, 4, 30, 0, 0, time.UTC)) // 00:30 May 1 EDT
	require.NoError(t, err)
	assert.True(t, r.Expired)
}

// A negative balance is withheld (carried out), and a negative carry-in is
// taken from the next statement before the minimum is tested; breakdowns add
// up to Earned.
func TestReviewStatementNegativeBalances(t *testing.T) {
	p := simple(withRate("base", "0.01", nil), Earning{ID: "kick", Type: Bonus, Amount: Const(dec("10"))})
	p.AllowNegative = true
	p.MinPayout = dec("100")
	b, err := NewStatement(p, func(id string) decimal.Decimal {
		if id == "P-2" {
			return dec("-50")
		}
		return decimal.Zero
	})
	require.NoError(t, err)
	for _, d := range []Deal{
		deal("D-1", "P-1", "-5000", "2026-03-01"), // -50 + 10 = -40
		deal("D-2", "P-2", "19000", "2026-03-02"), // 190 + 10 = 200
	} {
		// Each partner was paid 100 before in the period, so P-1's credit
		// may take back up to that.
		require.NoError(t, b.Add(mustEval(t, p, Input{Deal: d, Partner: gold(d.PartnerID), Prior: Prior{PeriodEarned: dec("100")}})))
	}
	s := b.Statement()
	require.Len(t, s.Partners, 2)
	p1, p2 := s.Partners[0], s.Partners[1]
	// P-1: earned -40: nothing paid, -40 carried.
	assert.Equal(t, "-40.00", p1.Earned.Amount().StringFixed(2))
	assert.True(t, p1.Payable.IsZero())
	assert.Equal(t, "-40.00", p1.CarriedOut.Amount().StringFixed(2))
	// P-2: 200 - 50 carried in = 150 >= 100: paid.
	assert.Equal(t, "150.00", p2.Payable.Amount().StringFixed(2))
	assert.True(t, p2.CarriedOut.IsZero())
	// By type (sorted by key): bonus 10, spiff 190; they add up to 200.
	assert.Equal(t, []Subtotal{{Key: "bonus", Amount: usd("10.00")}, {Key: "spiff", Amount: usd("190.00")}}, p2.ByType)
	// Totals: earned -40 + 200 = 160; payable 150; carried out -40.
	assert.Equal(t, "160.00", s.Earned.Amount().StringFixed(2))
	assert.Equal(t, "150.00", s.Payable.Amount().StringFixed(2))
	assert.Equal(t, "-40.00", s.CarriedOut.Amount().StringFixed(2))
}

// An input error mid-stream is yielded in its place and the run goes on,
// for any number of workers.
func TestReviewInputErrorKeepsItsPlace(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	boom := errors.New("row 2: bad amount")
	src := func(yield func(Input, error) bool) {
		ds := genDeals(600, 3)
		for i, d := range ds {
			if i == 300 && !yield(Input{}, boom) {
				return
			}
			if !yield(Input{Deal: d, Partner: gold(d.PartnerID)}, nil) {
				return
			}
		}
	}
	for _, workers := range []int{1, 4} {
		var got []string
		for r, err := range Run(t.Context(), p, src, RunOptions{Workers: workers}) {
			if err != nil {
				require.ErrorIs(t, err, boom)
				got = append(got, "error")
				continue
			}
			got = append(got, r.DealID)
		}
		require.Len(t, got, 601, "workers %d", workers)
		assert.Equal(t, "D-0000299", got[299])
		assert.Equal(t, "error", got[300])
		assert.Equal(t, "D-0000300", got[301])
	}
}

// Zero values are errors, never panics.
func TestReviewZeroValuesAreErrors(t *testing.T) {
	assert.NotPanics(t, func() {
		_, err := NewEvaluator(&Program{})
		assert.ErrorIs(t, err, ErrInvalidProgram)
		_, err = NewEvaluator(nil)
		assert.ErrorIs(t, err, ErrInvalidProgram)
		p := simple(withRate("base", "0.01", nil))
		_, err = Evaluate(t.Context(), p, Input{}, time.Time{})
		assert.ErrorIs(t, err, ErrInvalidDeal)
		// A band earning with an empty table.
		p = simple(Earning{ID: "b", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate}})
		_, err = NewEvaluator(p)
		assert.ErrorIs(t, err, ErrInvalidProgram)
	})
}

// Early-stopped and cancelled parallel runs leave no goroutines behind.
func TestReviewRunLeavesNoGoroutines(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	deals := genDeals(3000, 7)
	runtime.GC()
	before := runtime.NumGoroutine()
	for i := range 20 {
		n := 0
		for range Run(t.Context(), p, inputs(deals...), RunOptions{Workers: 4}) {
			n++
			if n == 1+i*37 {
				break
			}
		}
		ctx, cancel := context.WithCancel(t.Context())
		n = 0
		for _, err := range Run(ctx, p, inputs(deals...), RunOptions{Workers: 3}) {
			if err != nil {
				break
			}
			if n++; n == 10+i*50 {
				cancel()
			}
		}
		cancel()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines before %d", before)
}

// Payee resolution reads the contact of the deal's partner.
func TestReviewPayeeInRun(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Payee = "finance"
	pt := partner.Partner{ID: "P-1", Contacts: []partner.Contact{{Role: "finance", Name: "Bo"}}}
	var got []string
	for r, err := range Run(t.Context(), p, seqOfInputs(Input{Deal: deal("D-1", "P-1", "1000", "2026-03-01"), Partner: pt}), RunOptions{Workers: 2}) {
		require.NoError(t, err)
		got = append(got, fmt.Sprint(r.Payee, "/", r.PayeeName, "/", r.Total.Amount().StringFixed(2)))
	}
	assert.Equal(t, []string{"finance/Bo/10.00"}, got) // 1000 x 1%
}

func seqOfInputs(ins ...Input) func(func(Input, error) bool) {
	return func(yield func(Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
}
