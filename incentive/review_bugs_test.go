package incentive

// Bugs found in review, each with the test that showed it. All are fixed;
// the tests keep them fixed.

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A retroactive table whose last band is bounded would pay nothing for a
// basis above it, so on a partner-period basis a deal lifting the total past
// the last band would claw back everything the period earned. Such a table
// is refused; a marginal rate table may end (nothing more is earned above).
func TestReviewRetroactiveAboveBoundedLastBandClawsBack(t *testing.T) {
	bands := []Band{{From: dec("0"), To: decp("100000"), Value: dec("0.02")}, {From: dec("100000"), To: decp("200000"), Value: dec("0.04")}}
	p := simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Basis: BasisPeriod, Period: PeriodQuarter, Bands: bands}})
	_, err := NewEvaluator(p)
	require.ErrorIs(t, err, ErrInvalidProgram)
	assert.Contains(t, err.Error(), "the last band ends at 200000")

	// The same bounds in a marginal table: above 200,000 nothing more.
	p = simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisPeriod, Period: PeriodQuarter, Bands: bands}})
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "150000", "2026-04-02"), // 100000 x 2% + 50000 x 4% = 2000 + 2000 = 4000
		deal("D-2", "P-1", "60000", "2026-04-03"))  // 150000 -> 210000: 50000 x 4% = 2000; the 10000 above earns nothing
	assert.Equal(t, []string{"4000.00", "2000.00"}, totals(rs))
}

// Caps limit what is earned, but a credit note's negative total is never
// capped, so a period true-up after the partner cap bound takes back money
// the partner was never paid.
func TestReviewCreditNoteAfterPartnerCapTakesBackUnpaidEarnings(t *testing.T) {
	p := periodBands(Retroactive, BasisPeriod, PeriodQuarter) // [0,100000) 2%, [100000,..) 4%
	p.AllowNegative = true
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1000"), Period: PeriodQuarter}}
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "120000", "2026-04-02"),
		deal("D-2", "P-1", "-30000", "2026-04-05"))
	// D-1: 120000 x 4% = 4800, partner cap 1000 -> pays 1000.
	assert.Equal(t, "1000.00", rs[0].Total.Amount().StringFixed(2))
	// D-2: the period total drops to 90000, owed 90000 x 2% = 1800. The
	// partner is still entitled to min(1000, 1800) = 1000 for the quarter, and
	// has been paid 1000, so the credit takes back 1000 - 1000 = 0.00.
	// The engine pays 1800 - 4800 = -3000, leaving the partner at -2000 for a
	// quarter whose capped entitlement is 1000.
	assert.Equal(t, "0.00", rs[1].Total.Amount().StringFixed(2))
}

// A deal whose payee contact is missing fails (nil result, error), but its
// earnings were already added to the running totals (budget, partner period
// earned, band bases) before finish reported the payee error. Run's doc:
// "the failed deal adds nothing to the running totals".
func TestReviewPayeeErrorStillConsumesBudget(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Payee = "partner_rep"
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("500")}}
	withRep := func(id string) partner.Partner {
		return partner.Partner{ID: id, Tier: "gold", Contacts: []partner.Contact{{Role: "partner_rep", Name: "Ana"}}}
	}
	ins := []Input{
		{Deal: deal("D-1", "P-1", "40000", "2026-04-02"), Partner: gold("P-1")}, // no partner_rep: error
		{Deal: deal("D-2", "P-2", "40000", "2026-04-03"), Partner: withRep("P-2")},
	}
	for _, workers := range []int{1, 2} {
		var errs []error
		var got []*Result
		for r, err := range Run(t.Context(), p, seqOf(ins), RunOptions{Workers: workers}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, r)
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrInvalidDeal)
		require.Len(t, got, 1)
		// D-1 failed, so the budget is untouched: D-2 earns 40000 x 1% = 400,
		// within the 500 budget. The engine counted D-1's 400 as used and
		// pays D-2 only 500 - 400 = 100.
		assert.Equal(t, "400.00", got[0].Total.Amount().StringFixed(2), "workers %d", workers)
	}
}

func seqOf(ins []Input) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// FromProgramEnd counts "from the last day of the effective window"; with
// HalfOpen ends the last day is the day before To, but claim() uses To.
func TestReviewClaimFromProgramEndHalfOpenWindow(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Effective = Window{From: Date{2026, 1, 1}, To: Date{2026, 7, 1}, Location: nyc, Ends: HalfOpen}
	p.Claims = ClaimWindow{Days: 30, From: FromProgramEnd}
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1000", "2026-06-30"), Partner: gold("P-1")})
	require.True(t, r.Eligible)
	// The last day of [2026-01-01, 2026-07-01) is 2026-06-30; + 30 days =
	// 2026-07-30 (June has 30 days, so June 30 + 30 = July 30). The engine
	// counts from To (2026-07-01) and says 2026-07-31.
	assert.Equal(t, Date{2026, 7, 30}, r.ClaimBy)
}

// Cancelling ctx stops a serial run at the next deal, but a parallel run
// keeps yielding the rest of the current 256-deal chunk (and then picks at
// random between the next finished chunk and ctx.Done), so what a cancelled
// run delivers depends on Workers and on timing.
func TestReviewParallelRunStopsAtCancel(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	deals := genDeals(2000, 5)
	for _, workers := range []int{1, 4} {
		ctx, cancel := context.WithCancel(t.Context())
		after := 0 // results yielded after cancel
		var final error
		n := 0
		for r, err := range Run(ctx, p, inputs(deals...), RunOptions{Workers: workers}) {
			if err != nil {
				final = err
				break
			}
			require.NotNil(t, r)
			n++
			if n == 1 {
				cancel()
				continue
			}
			after++
		}
		cancel()
		assert.ErrorIs(t, final, context.Canceled, "workers %d", workers)
		assert.Equal(t, 0, after, "workers %d: results yielded after ctx was cancelled", workers)
	}
}

// Breaking out of a parallel run does not return while the input stream is
// blocked: the producer only looks at stop when it hands over a full chunk,
// and the consumer's deferred cleanup waits for it (range pending, wg.Wait).
// A live feed (channel, network cursor) that pauses makes break hang.
func TestReviewParallelEarlyStopWithBlockedInput(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	deals := genDeals(300, 3)
	release := make(chan struct{})
	defer close(release)
	in := func(yield func(Input, error) bool) {
		for i, d := range deals {
			if !yield(Input{Deal: d, Partner: gold(d.PartnerID)}, nil) {
				return
			}
			if i == len(deals)-1 {
				<-release // the feed pauses after 300 deals
			}
		}
	}
	done := make(chan int)
	go func() {
		n := 0
		for range Run(t.Context(), p, in, RunOptions{Workers: 2}) {
			n++
			break // one result is enough
		}
		done <- n
	}()
	select {
	case n := <-done:
		assert.Equal(t, 1, n)
	case <-time.After(2 * time.Second):
		t.Fatal("breaking out of Run did not return within 2s: the run waits for the blocked input stream")
	}
}

// pick: highest compares signed amounts, so on a credit note it picks the
// line that takes back the least: a full credit of a deal does not reverse
// what the deal paid.
func TestReviewGroupHighestOnCreditNote(t *testing.T) {
	p := simple(
		Earning{ID: "a", Type: Spiff, Group: "g", Amount: RateOf(PathDealAmount, dec("0.05"))},
		Earning{ID: "b", Type: Spiff, Group: "g", Amount: RateOf(PathDealAmount, dec("0.03"))})
	p.Groups = []Group{{ID: "g", Pick: PickHighest}}
	p.AllowNegative = true
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "10000", "2026-04-02"),  // a 500 vs b 300: pays a 500
		deal("D-2", "P-1", "-10000", "2026-04-03")) // full credit of D-1
	assert.Equal(t, map[string]string{"a": "500.00"}, lines(rs[0]))
	// The credit should take back the 500 that was paid: a -500 (10000 x
	// 5%). The engine picks b (-300 > -500), so the partner keeps 200 on a
	// fully credited deal.
	assert.Equal(t, map[string]string{"a": "-500.00"}, lines(rs[1]))
}

// A nil result (what Run yields with an error) panics in Statement.Add
// instead of returning an error.
func TestReviewStatementAddNil(t *testing.T) {
	b, err := NewStatement(simple(withRate("base", "0.01", nil)), nil)
	require.NoError(t, err)
	assert.NotPanics(t, func() {
		err = b.Add(nil)
	})
	assert.Error(t, err)
}

// (*Program)(nil).Validate panics on p.ID.
func TestReviewNilProgramValidate(t *testing.T) {
	var p *Program
	var err error
	assert.NotPanics(t, func() { err = p.Validate() })
	assert.ErrorIs(t, err, ErrInvalidProgram)
}

// With the statement rounding stage the budget holds on exact amounts, but
// each partner's total is rounded on its own, so the statement pays more
// than the budget.
func TestReviewStatementStageRoundingOverrunsBudget(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Rounding.Stage = StageStatement
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("0.02")}}
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "0.50", "2026-04-02"), // 0.50 x 1% = 0.005
		deal("D-2", "P-2", "0.50", "2026-04-03"), // 0.005
		deal("D-3", "P-3", "1.00", "2026-04-04")) // 0.01; used 0.02 = budget, no cut
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	for _, r := range rs {
		require.NoError(t, b.Add(r))
	}
	s := b.Statement()
	// Exact earnings 0.005 + 0.005 + 0.01 = 0.02 = the budget. Rounded half_up
	// per partner: 0.01 + 0.01 + 0.01 = 0.03 > 0.02.
	assert.True(t, s.Payable.Amount().Cmp(dec("0.02")) <= 0, "statement pays %s over a budget of 0.02", s.Payable)
}

// Stage line promises rounded lines, but a partner cap (or budget) whose
// room comes from an unrounded Prior cuts a line to an unrounded amount.
func TestReviewCapRoomFromUnroundedPriorIsNotRounded(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1000")}}
	rs := runAll(t, p, RunOptions{Prior: func(string) Prior { return Prior{PeriodEarned: dec("900.005")} }},
		deal("D-1", "P-1", "60000", "2026-04-02"))
	// 60000 x 1% = 600; room 1000 - 900.005 = 99.995. Paid amounts are
	// rounded to cents at stage line, so the line pays 99.99 (never more than
	// the room) - the engine pays 99.995.
	assert.Equal(t, int32(-2), rs[0].Total.Amount().Exponent(), "total %s is not in cents", rs[0].Total.Amount())
	assert.Equal(t, "99.99", rs[0].Total.Amount().String())
}
