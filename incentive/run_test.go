package incentive

import (
	"fmt"
	"iter"
	"slices"
	"testing"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inputs turns deals into an input stream; every partner is gold.
func inputs(deals ...Deal) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for _, d := range deals {
			if !yield(Input{Deal: d, Partner: gold(d.PartnerID)}, nil) {
				return
			}
		}
	}
}

// runAll runs deals and returns the results, failing the test on an error.
func runAll(t *testing.T, p *Program, opts RunOptions, deals ...Deal) []*Result {
	t.Helper()
	var out []*Result
	for r, err := range Run(t.Context(), p, inputs(deals...), opts) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

func totals(rs []*Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Total.Amount().StringFixed(2)
	}
	return out
}

// periodBands is [0, 100000) 2%, [100000, ...) 4% over the partner's period total.
func periodBands(method BandMethod, basis BandBasis, per Period) *Program {
	return simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: method, Pays: PaysRate, Basis: basis, Period: per,
		Bands: []Band{{From: dec("0"), To: decp("100000"), Value: dec("0.02")}, {From: dec("100000"), Value: dec("0.04")}}}})
}

func TestPeriodBandsRetroactiveTrueUp(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		rs := runAll(t, periodBands(Retroactive, BasisPeriod, PeriodQuarter), RunOptions{Workers: workers},
			deal("D-1", "P-1", "60000", "2026-04-02"),
			deal("D-2", "P-2", "60000", "2026-04-03"), // another partner: its own total
			deal("D-3", "P-1", "60000", "2026-04-04"),
			deal("D-4", "P-1", "10000", "2026-07-01"), // Q3: the total starts again
		)
		assert.Equal(t, []string{
			"1200.00", // 60000 x 2%
			"1200.00", // P-2: 60000 x 2%
			"3600.00", // P-1 total 120000 reaches 4%: 120000 x 4% - 60000 x 2% = 4800 - 1200
			"200.00",  // Q3: 10000 x 2%
		}, totals(rs), "workers %d", workers)
		assert.Contains(t, rs[2].Explain(), "partner period total 60,000.00 -> 120,000.00")
		assert.Contains(t, rs[2].Explain(), "120,000.00 x 4% - 60,000.00 x 2% already earned = 3,600.00")
	}
}

func TestPeriodBandsMarginal(t *testing.T) {
	rs := runAll(t, periodBands(Marginal, BasisPeriod, PeriodQuarter), RunOptions{},
		deal("D-1", "P-1", "60000", "2026-04-02"),
		deal("D-2", "P-1", "60000", "2026-04-04"))
	// D-1: 60000 x 2% = 1200. D-2 spans 60000 -> 120000:
	// 40000 x 2% + 20000 x 4% = 800 + 800 = 1600.
	assert.Equal(t, []string{"1200.00", "1600.00"}, totals(rs))
	assert.Contains(t, rs[1].Explain(), "40,000.00 x 2% + 20,000.00 x 4% = 1,600.00")
}

func TestCumulativeBandsStartFromPrior(t *testing.T) {
	p := simple(Earning{ID: "ytd", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Basis: BasisCumulative,
		Bands: []Band{{From: dec("0"), To: decp("100000"), Value: dec("0.01")}, {From: dec("100000"), Value: dec("0.02")}}}})
	prior := func(id string) Prior {
		if id == "P-1" {
			return Prior{Cumulative: dec("90000")}
		}
		return Prior{}
	}
	rs := runAll(t, p, RunOptions{Prior: prior},
		deal("D-1", "P-1", "20000", "2026-04-02"),
		deal("D-2", "P-2", "20000", "2026-04-02"))
	// P-1: 90000 -> 110000: 110000 x 2% - 90000 x 1% = 2200 - 900 = 1300.
	// P-2 starts from zero: 20000 x 1% = 200.
	assert.Equal(t, []string{"1300.00", "200.00"}, totals(rs))
}

func TestCreditNoteTakesBackPeriodRebate(t *testing.T) {
	p := periodBands(Retroactive, BasisPeriod, PeriodQuarter)
	p.AllowNegative = true
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "120000", "2026-04-02"),
		deal("D-2", "P-1", "-30000", "2026-04-05"))
	// D-1: 120000 x 4% = 4800. D-2 drops the total to 90000, back in the 2%
	// band: 90000 x 2% - 120000 x 4% = 1800 - 4800 = -3000.
	assert.Equal(t, []string{"4800.00", "-3000.00"}, totals(rs))
}

func TestCreditNoteBelowEveryBand(t *testing.T) {
	p := periodBands(Marginal, BasisPeriod, PeriodQuarter)
	p.AllowNegative = true
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "50000", "2026-04-02"),
		deal("D-2", "P-1", "-60000", "2026-04-05"))
	// D-1: 50000 x 2% = 1000. D-2 takes the total to -10000, below the first
	// band: owed 0 - 1000 already earned = -1000.
	assert.Equal(t, []string{"1000.00", "-1000.00"}, totals(rs))
	assert.Nil(t, rs[1].Lines[0].Band)
	assert.Contains(t, rs[1].Explain(), "reaches no band: owed 0.00 - 1,000.00 already earned = -1,000.00")
}

func TestPartnerCapPerPeriod(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1000"), Period: PeriodQuarter}}
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "60000", "2026-04-02"), // 600
		deal("D-2", "P-1", "60000", "2026-04-03"), // 600, but only 1000 - 600 = 400 left
		deal("D-3", "P-1", "60000", "2026-04-04"), // nothing left
		deal("D-4", "P-1", "60000", "2026-07-01"), // Q3: a new period, 600
	)
	assert.Equal(t, []string{"600.00", "400.00", "0.00", "600.00"}, totals(rs))
	assert.Equal(t, CapPartner, rs[1].Lines[0].Cuts[0].Scope)
	assert.True(t, rs[1].Lines[0].Cuts[0].Cut.Equal(dec("200")))
}

func TestPartnerCapStartsFromPriorEarnings(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1000")}}
	// 900 already earned in the period before the run: 100 of room. 600 -> 100.
	rs := runAll(t, p, RunOptions{Prior: func(string) Prior { return Prior{PeriodEarned: dec("900")} }},
		deal("D-1", "P-1", "60000", "2026-04-02"))
	assert.Equal(t, []string{"100.00"}, totals(rs))
}

func TestBudgetRunsOutMidBatch(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("1000")}}
	rs := runAll(t, p, RunOptions{BudgetUsed: dec("100")},
		deal("D-1", "P-1", "40000", "2026-04-02"), // 400; used 100 -> 500
		deal("D-2", "P-2", "40000", "2026-04-03"), // 400; used 500 -> 900
		deal("D-3", "P-3", "40000", "2026-04-04"), // 400 but 100 left
		deal("D-4", "P-1", "40000", "2026-04-05"), // budget spent
	)
	assert.Equal(t, []string{"400.00", "400.00", "100.00", "0.00"}, totals(rs))
	assert.Contains(t, rs[2].Explain(), "program budget 1,000.00 (900.00 used before) cut 300.00 (400.00 -> 100.00)")
}

func TestExpressionsReadingPeriodTotals(t *testing.T) {
	// A fast-start bonus: the partner's first two deals of the quarter earn 100.
	firstTwo := ConditionFunc("period.deals < 2", []string{PathPeriodDeals}, func(s *Scope) (bool, error) {
		return s.Acc.PeriodDeals < 2, nil
	})
	p := simple(Earning{ID: "fast-start", Type: Bonus, When: firstTwo, Amount: Const(dec("100"))})
	p.Period = PeriodQuarter
	for _, workers := range []int{1, 3} {
		rs := runAll(t, p, RunOptions{Workers: workers},
			deal("D-1", "P-1", "1", "2026-04-02"),
			deal("D-2", "P-1", "1", "2026-04-03"),
			deal("D-3", "P-1", "1", "2026-04-04"),
			deal("D-4", "P-1", "1", "2026-07-04"))
		assert.Equal(t, []string{"100.00", "100.00", "0.00", "100.00"}, totals(rs), "workers %d", workers)
	}
}

func TestRunRejectsOutOfOrderDeals(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	for _, workers := range []int{1, 2} {
		var got []error
		n := 0
		for r, err := range Run(t.Context(), p, inputs(
			deal("D-2", "P-1", "100", "2026-04-02"),
			deal("D-1", "P-1", "100", "2026-04-02"), // same time, smaller id
			deal("D-3", "P-1", "100", "2026-04-03"),
		), RunOptions{Workers: workers}) {
			if err != nil {
				got = append(got, err)
				continue
			}
			n++
			assert.Equal(t, "D-2", r.DealID)
		}
		require.Len(t, got, 1)
		assert.ErrorIs(t, got[0], ErrOutOfOrder)
		assert.Equal(t, 1, n, "the run ends at the out-of-order deal")
	}
}

func TestRunYieldsBadDealsAndGoesOn(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	bad := deal("D-2", "P-1", "100", "2026-04-03")
	bad.Amount = usd("-1")
	var errs, ok int
	for r, err := range Run(t.Context(), p, inputs(deal("D-1", "P-1", "100", "2026-04-02"), bad, deal("D-3", "P-1", "100", "2026-04-04")), RunOptions{}) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, ErrInvalidDeal)
			assert.Nil(t, r)
			continue
		}
		ok++
	}
	assert.Equal(t, 1, errs)
	assert.Equal(t, 2, ok)
}

func TestRunStopsEarly(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	deals := genDeals(5000, 7)
	n := 0
	for range Run(t.Context(), p, inputs(deals...), RunOptions{Workers: 4}) {
		n++
		if n == 300 {
			break
		}
	}
	assert.Equal(t, 300, n)
}

// genDeals makes n deals in close order across a few partners, with
// amounts from a fixed linear congruential sequence.
func genDeals(n int, partners int) []Deal {
	out := make([]Deal, n)
	x := uint64(42)
	base := day("2026-01-01")
	for i := range out {
		x = x*6364136223846793005 + 1442695040888963407
		cents := int64(x>>33) % 20_000_000 // up to 199,999.99
		out[i] = Deal{ID: fmt.Sprintf("D-%07d", i), PartnerID: fmt.Sprintf("P-%d", i%partners),
			Amount: MoneyFromMinor(cents, USD), CloseDate: base.Add(timeStep * durationOf(i)), Type: NewBusiness,
			Registration: &Registration{ID: "R", Approved: Date{2026, 1, 1}}}
	}
	return out
}

func TestRunIsDeterministicAcrossWorkers(t *testing.T) {
	p := periodBands(Retroactive, BasisPeriod, PeriodMonth)
	p.Earnings = append(p.Earnings, withRate("base", "0.005", AtLeast(PathDealAmount, dec("50000"))))
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("5000")}, {Scope: CapPartner, Limit: dec("60000"), Period: PeriodQuarter}, {Scope: CapBudget, Limit: dec("900000")}}
	deals := genDeals(3000, 13)
	var want []string
	for _, opts := range []RunOptions{{Workers: 1}, {Workers: 2}, {Workers: 8}, {Workers: 1, NoTrace: true}, {Workers: 3, NoTrace: true}} {
		var got []string
		for r, err := range Run(t.Context(), p, inputs(deals...), opts) {
			require.NoError(t, err)
			got = append(got, r.DealID+" "+r.Total.String()+" "+fmt.Sprint(lines(r)))
			if opts.NoTrace {
				require.Empty(t, r.Trace)
			} else {
				require.NotEmpty(t, r.Trace)
			}
		}
		if want == nil {
			want = got
			continue
		}
		assert.True(t, slices.Equal(want, got), "%+v differs", opts)
	}
	assert.Len(t, want, 3000)
}

func TestStatementMinimumPayoutCarriesOver(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.MinPayout = dec("100")
	p.Payee = "partner_rep"
	pt := func(id string) partner.Partner {
		return partner.Partner{ID: id, Contacts: []partner.Contact{{Role: "partner_rep", Name: "Rep " + id}}}
	}
	eval := func(d Deal) *Result {
		r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: pt(d.PartnerID)}, day("2026-12-31"))
		require.NoError(t, err)
		return r
	}
	// Statement 1: P-1 earns 60 (6000 x 1%): below 100, carried over.
	// P-2 earns 150 (15000 x 1%): paid.
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	require.NoError(t, b.Add(eval(deal("D-1", "P-1", "6000", "2026-03-01"))))
	require.NoError(t, b.Add(eval(deal("D-2", "P-2", "15000", "2026-03-02"))))
	s := b.Statement()
	require.Len(t, s.Partners, 2)
	assert.Equal(t, "0.00", s.Partners[0].Payable.Amount().StringFixed(2))
	assert.Equal(t, "60.00", s.Partners[0].CarriedOut.Amount().StringFixed(2))
	assert.Equal(t, "150.00", s.Partners[1].Payable.Amount().StringFixed(2))
	assert.Equal(t, []Subtotal{{Key: "partner_rep (Rep P-2)", Amount: usd("150.00")}}, s.Partners[1].ByPayee)

	// Statement 2: P-1 brings 60 and earns 50 (5000 x 1%): 110 >= 100, paid.
	b2, err := NewStatement(p, func(id string) decimal.Decimal {
		if id == s.Partners[0].PartnerID {
			return s.Partners[0].CarriedOut.Amount()
		}
		return decimal.Zero
	})
	require.NoError(t, err)
	require.NoError(t, b2.Add(eval(deal("D-3", "P-1", "5000", "2026-04-01"))))
	s2 := b2.Statement()
	assert.Equal(t, "110.00", s2.Partners[0].Payable.Amount().StringFixed(2))
	assert.Equal(t, "0.00", s2.Partners[0].CarriedOut.Amount().StringFixed(2))
}

func TestStatementRoundsAtStatementStage(t *testing.T) {
	p := simple(withRate("a", "0.01", nil), Earning{ID: "b", Type: Rebate, Amount: RateOf(PathDealAmount, dec("0.01"))})
	p.Rounding.Stage = StageStatement
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	for i, amount := range []string{"33.50", "33.50", "33.50"} {
		r := mustEval(t, p, Input{Deal: deal(fmt.Sprint("D-", i), "P-1", amount, "2026-03-01"), Partner: gold("P-1")})
		require.NoError(t, b.Add(r))
	}
	s := b.Statement()
	// Each deal: a 0.335 (spiff) + b 0.335 (rebate) = 0.67 exact; three deals
	// 2.01. By type: spiff 1.005 and rebate 1.005 are floored to 1.00 each and
	// the one missing cent goes to the first key (equal remainders).
	assert.Equal(t, "2.01", s.Partners[0].Earned.Amount().String())
	assert.Equal(t, []Subtotal{{Key: "rebate", Amount: usd("1.01")}, {Key: "spiff", Amount: usd("1.00")}}, s.Partners[0].ByType)
}

func TestStatementSeparatesExpiredEarnings(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Claims = ClaimWindow{Days: 30}
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	r1, err := Evaluate(t.Context(), p, Input{Deal: deal("D-1", "P-1", "1000", "2026-03-01"), Partner: gold("P-1")}, day("2026-04-15"))
	require.NoError(t, err)
	r2, err := Evaluate(t.Context(), p, Input{Deal: deal("D-2", "P-1", "2000", "2026-04-01"), Partner: gold("P-1")}, day("2026-04-15"))
	require.NoError(t, err)
	require.NoError(t, b.Add(r1))
	require.NoError(t, b.Add(r2))
	s := b.Statement()
	// D-1's window closed on 2026-03-31: its 10.00 is expired; D-2's 20.00 is earned.
	assert.Equal(t, "10.00", s.Partners[0].Expired.Amount().StringFixed(2))
	assert.Equal(t, "20.00", s.Partners[0].Earned.Amount().StringFixed(2))
}

func TestStatementIncludesPartnersWhoOnlyCarryIn(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.MinPayout = dec("100")
	carried := map[string]decimal.Decimal{"P-1": dec("40"), "P-9": dec("120")}
	b, err := NewStatement(p, func(id string) decimal.Decimal { return carried[id] })
	require.NoError(t, err)
	b.Include("P-1", "P-9")
	// P-1: 40 carried in + 7000 x 1% = 70 earned = 110 >= 100: paid.
	require.NoError(t, b.Add(mustEval(t, p, Input{Deal: deal("D-1", "P-1", "7000", "2026-03-01"), Partner: gold("P-1")})))
	s := b.Statement()
	require.Len(t, s.Partners, 2)
	assert.Equal(t, "110.00", s.Partners[0].Payable.Amount().StringFixed(2))
	// P-9 has no deal: its 120 carried in reaches the minimum and is paid now.
	assert.Equal(t, "P-9", s.Partners[1].PartnerID)
	assert.Equal(t, 0, s.Partners[1].Deals)
	assert.Equal(t, "120.00", s.Partners[1].Payable.Amount().StringFixed(2))
	// 110 + 120 = 230
	assert.Equal(t, "230.00", s.Payable.Amount().StringFixed(2))
}

// firstDealOnly is a condition that does not describe itself and reads the
// partner's running totals.
type firstDealOnly struct{}

func (firstDealOnly) Holds(s *Scope) (bool, error) { return s.Acc.PeriodDeals == 0, nil }

func TestCombinedOpaqueConditionRunsInOrder(t *testing.T) {
	// All(...) of a condition whose reads are unknown must be treated as
	// reading running totals, without inventing an input for explanations.
	p := simple(Earning{ID: "welcome", Type: Bonus, When: All(firstDealOnly{}, AtLeast(PathDealAmount, dec("1"))), Amount: Const(dec("50"))})
	for _, workers := range []int{1, 2} {
		rs := runAll(t, p, RunOptions{Workers: workers},
			deal("D-1", "P-1", "100", "2026-04-02"),
			deal("D-2", "P-1", "100", "2026-04-03"))
		// Only the partner's first deal pays the 50.00 welcome bonus.
		assert.Equal(t, []string{"50.00", "0.00"}, totals(rs), "workers %d", workers)
		for _, st := range rs[0].Trace {
			for _, in := range st.Inputs() {
				assert.NotEqual(t, PathPeriodAmount, in.Path, "an input the condition never read")
			}
		}
	}
}
