package incentive

// The reproductions of issue #6 ("money invariants that hold under credit
// notes"): each failed before the fix; the expected amounts are computed by
// hand in the comments.

import (
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// creditProgram is a 1% program that allows credit notes, with the given
// rounding stage and mode and caps.
func creditProgram(stage RoundingStage, mode RoundingMode, caps ...Cap) *Program {
	p := simple(withRate("base", "0.01", nil))
	p.AllowNegative = true
	p.Rounding = Rounding{Stage: stage, Mode: mode}
	p.Caps = caps
	return p
}

// statementOf adds results to a statement of p.
func statementOf(t *testing.T, p *Program, rs []*Result) *Statement {
	t.Helper()
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	for _, r := range rs {
		require.NoError(t, b.Add(r))
	}
	return b.Statement()
}

func earnedBy(s *Statement) map[string]string {
	out := map[string]string{}
	for _, p := range s.Partners {
		out[p.PartnerID] = p.Earned.Amount().StringFixed(2)
	}
	return out
}

// Reproduction 1: a partner cap of 100 per quarter and a budget of 150,
// with credit notes that name no deal. The partner cap used to count the
// full takeback while the budget after it gave back less, so P-1 ended at
// 150.00 against its cap of 100.
func TestInvariantPartnerCapThenBudgetUnderCredits(t *testing.T) {
	for _, stage := range []RoundingStage{StageLine, StageDeal, StageStatement} {
		t.Run(string(stage), func(t *testing.T) {
			p := creditProgram(stage, HalfUp,
				Cap{Scope: CapPartner, Limit: dec("100"), Period: PeriodQuarter},
				Cap{Scope: CapBudget, Limit: dec("150")})
			rs := runAll(t, p, RunOptions{},
				deal("D-1", "P-1", "10000", "2026-04-01"),
				deal("D-2", "P-2", "10000", "2026-04-02"),
				deal("D-3", "P-1", "-5000", "2026-04-03"),
				deal("D-4", "P-2", "-10000", "2026-04-04"),
				deal("D-5", "P-1", "5000", "2026-04-05"),
			)
			// D-1: 1% of 10,000 = 100; partner room 100, budget room 150: 100.
			// D-2: 100; partner room 100, budget room 150 - 100 = 50: 50.
			// D-3: -50 unearned; P-1 was paid 100 (net, in the program
			//      period, under its quarter cap, and the budget holds 150):
			//      takes back 50. P-1 count 50, budget 100.
			// D-4: -100 unearned; P-2 was paid only 50: takes back 50.
			//      P-2 count 0, budget 50.
			// D-5: 50; partner room 100 - 50 = 50, budget room 150 - 50 = 100: 50.
			assert.Equal(t, []string{"100.00", "50.00", "-50.00", "-50.00", "50.00"}, totals(rs))
			// P-1: 100 - 50 + 50 = 100 (= its cap); P-2: 50 - 50 = 0.
			assert.Equal(t, map[string]string{"P-1": "100.00", "P-2": "0.00"}, earnedBy(statementOf(t, p, rs)))
		})
	}
}

// Reproduction 2: a credit of a capped sale took back more than the sale
// paid: caps limited only from above.
func TestInvariantCreditOfCappedSaleTakesBackOnlyWhatWasPaid(t *testing.T) {
	for _, scope := range []CapScope{CapLine, CapDeal} {
		t.Run(string(scope), func(t *testing.T) {
			p := simple(withRate("base", "0.02", nil))
			p.AllowNegative = true
			p.Caps = []Cap{{Scope: scope, Limit: dec("2500")}}
			rs := runAll(t, p, RunOptions{},
				deal("D-1", "P-1", "200000", "2026-04-01"),
				deal("D-2", "P-1", "-200000", "2026-04-02"),
			)
			// D-1: 2% of 200,000 = 4,000, capped to 2,500.
			// D-2: unearns 4,000 but P-1 was paid only 2,500: -2,500.
			assert.Equal(t, []string{"2500.00", "-2500.00"}, totals(rs))
			assert.Equal(t, map[string]string{"P-1": "0.00"}, earnedBy(statementOf(t, p, rs)))
		})
	}
}

// Reproduction 3: at the deal stage the caps counted exact amounts while
// the deal paid them rounded: a half-cent takeback rounded to 0.00 still
// lowered the count by 0.005, so every two of them let a later sale pay a
// cent over the cap, and a partner cap and a budget of 100 ended above 100.
func TestInvariantDealStageHalfCents(t *testing.T) {
	// D-00 pays 1% of 10,000 = 100.00. Then ten cycles of two credits of
	// -0.50 and a sale of 1.00: 1% of -0.50 is -0.005, rounded per mode,
	// and 1% of 1.00 is 0.01. The caps count what is paid.
	tests := []struct {
		mode RoundingMode
		want string
	}{
		// -0.005 -> -0.01: a cycle takes back 0.02 and pays 0.01 again,
		// so 100.00 - 10 x 0.01 = 99.90.
		{HalfUp, "99.90"},
		{Up, "99.90"},
		{Floor, "99.90"},
		// -0.005 -> 0.00: nothing is taken back, and the sale finds no
		// room under the caps: 100.00.
		{Ceiling, "100.00"},
		{HalfEven, "100.00"},
		{HalfDown, "100.00"},
		{Down, "100.00"},
	}
	for _, tt := range tests {
		for _, scope := range []CapScope{CapPartner, CapBudget} {
			t.Run(string(tt.mode)+"/"+string(scope), func(t *testing.T) {
				p := creditProgram(StageDeal, tt.mode, Cap{Scope: scope, Limit: dec("100")})
				deals := []Deal{deal("D-00", "P-1", "10000", "2026-04-01")}
				for i := 1; i <= 30; i++ {
					amount := "-0.50"
					if i%3 == 0 {
						amount = "1.00"
					}
					d := deal(fmt.Sprintf("D-%02d", i), "P-1", amount, "2026-04-02")
					d.CloseDate = d.CloseDate.Add(timeStep * durationOf(i))
					deals = append(deals, d)
				}
				rs := runAll(t, p, RunOptions{}, deals...)
				sum := decimal.Zero
				for _, r := range rs {
					sum = sum.Add(r.Total.Amount())
					require.LessOrEqual(t, sum.Cmp(dec("100")), 0, "paid %s over the cap of 100 after %s", sum, r.DealID)
				}
				assert.Equal(t, map[string]string{"P-1": tt.want}, earnedBy(statementOf(t, p, rs)))
			})
		}
	}
}

// credit returns a credit note of amount on date that credits deal id.
func credit(id, partnerID, amount, date, credits string) Deal {
	d := deal(id, partnerID, amount, date)
	d.Credits = credits
	return d
}

// runEach runs deals and returns each one's result or error, in order.
func runEach(t *testing.T, p *Program, workers int, deals ...Deal) ([]*Result, []error) {
	t.Helper()
	var rs []*Result
	var errs []error
	for r, err := range Run(t.Context(), p, inputs(deals...), RunOptions{Workers: workers}) {
		rs, errs = append(rs, r), append(errs, err)
	}
	return rs, errs
}

// Reproduction 1 again, with each credit note naming the deal it credits.
func TestInvariantLinkedCreditsUnderPartnerCapAndBudget(t *testing.T) {
	p := creditProgram(StageLine, HalfUp,
		Cap{Scope: CapPartner, Limit: dec("100"), Period: PeriodQuarter},
		Cap{Scope: CapBudget, Limit: dec("150")})
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "10000", "2026-04-01"),
		deal("D-2", "P-2", "10000", "2026-04-02"),
		credit("D-3", "P-1", "-5000", "2026-04-03", "D-1"),
		credit("D-4", "P-2", "-10000", "2026-04-04", "D-2"),
		deal("D-5", "P-1", "5000", "2026-04-05"),
	)
	// D-1 pays 100, D-2 50 (budget room 150 - 100).
	// D-3: D-1's net 10,000 - 5,000 = 5,000 earns 1% = 50; it was paid 100:
	//      50 back. P-1's cap count 50, budget 100.
	// D-4: D-2's net 0 earns nothing; it was paid 50: 50 back (not the
	//      100 it would have earned). Budget 50.
	// D-5: 50; room min(100 - 50, 150 - 50) = 50: 50.
	assert.Equal(t, []string{"100.00", "50.00", "-50.00", "-50.00", "50.00"}, totals(rs))
	assert.Equal(t, "D-1", rs[2].Credits)
	assert.Equal(t, map[string]string{"P-1": "100.00", "P-2": "0.00"}, earnedBy(statementOf(t, p, rs)))
}

func TestInvariantLinkedCredits(t *testing.T) {
	enterprise := func(d Deal) Deal { d.Customer.Segment = "enterprise"; return d }
	base := func() *Program { p := spiffProgram(); p.AllowNegative = true; return p }
	tests := []struct {
		name   string
		p      *Program
		deals  []Deal
		totals []string // "" for an error
		lines  map[int]map[string]string
	}{{
		// The sale earns 2% of 200,000 = 4,000, cut to 2,500 by the deal
		// cap. Credit 1: net 100,000 earns 2,000: 2,500 - 2,000 = 500 back.
		// Credit 2: net 0 earns nothing: the remaining 2,000 back.
		name: "partial credits of a capped sale",
		p:    base(),
		deals: []Deal{deal("D-1", "P-1", "200000", "2026-10-05"),
			credit("D-2", "P-1", "-100000", "2026-10-06", "D-1"),
			credit("D-3", "P-1", "-100000", "2026-10-07", "D-1")},
		totals: []string{"2500.00", "-500.00", "-2000.00"},
	}, {
		// 60,000 enterprise: base 2% = 1,200 + kicker 500 = 1,700. Net
		// 40,000 earns base 800 and no kicker (below 50,000): 900 back,
		// last paying line first: kicker 500, then base 400.
		name: "a credit below a line's threshold takes the line back",
		p:    base(),
		deals: []Deal{enterprise(deal("D-1", "P-1", "60000", "2026-10-05")),
			credit("D-2", "P-1", "-20000", "2026-10-06", "D-1")},
		totals: []string{"1700.00", "-900.00"},
		lines:  map[int]map[string]string{1: {"base": "-400.00", "enterprise-kicker": "-500.00"}},
	}, {
		// Partner cap 1,000: D-1 2% of 40,000 = 800 paid; D-2 800 cut to
		// 200. Half of D-2 credited: net 20,000 earns 400 >= its 200 paid:
		// nothing back. Half of D-1: earns 400, paid 800: 400 back. D-4
		// earns 800, room 1,000 - (800 + 200 - 400) = 400.
		name: "a partner cap's cut absorbs a linked credit first",
		p: func() *Program {
			p := base()
			p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1000")}}
			return p
		}(),
		deals: []Deal{deal("D-1", "P-1", "40000", "2026-10-05"), deal("D-2", "P-1", "40000", "2026-10-06"),
			credit("D-3", "P-1", "-20000", "2026-10-07", "D-2"), credit("D-4", "P-1", "-20000", "2026-10-08", "D-1"),
			deal("D-5", "P-1", "40000", "2026-10-09")},
		totals: []string{"800.00", "200.00", "0.00", "-400.00", "400.00"},
	}, {
		// The credit closes after the program's window: the credited
		// deal's terms still apply. 2% of 10,000 = 200 back.
		name: "a credit after the window",
		p:    base(),
		deals: []Deal{deal("D-1", "P-1", "10000", "2026-12-30"),
			credit("D-2", "P-1", "-10000", "2027-01-05", "D-1")},
		totals: []string{"200.00", "-200.00"},
	}, {
		name: "errors: unknown deal, another partner's deal, a positive credit, more than the net, credits itself",
		p:    base(),
		deals: []Deal{deal("D-1", "P-1", "10000", "2026-10-05"),
			credit("D-2", "P-1", "-100", "2026-10-06", "D-0"),
			credit("D-3", "P-2", "-100", "2026-10-07", "D-1"),
			credit("D-4", "P-1", "100", "2026-10-08", "D-1"),
			credit("D-5", "P-1", "-10000.01", "2026-10-09", "D-1"),
			credit("D-6", "P-1", "-1", "2026-10-10", "D-6"),
			// And the run goes on: 2% of 5,000 = 100 back.
			credit("D-7", "P-1", "-5000", "2026-10-11", "D-1")},
		totals: []string{"200.00", "", "", "", "", "", "-100.00"},
	}}
	for _, tt := range tests {
		for _, workers := range []int{1, 3} {
			t.Run(tt.name+"/workers="+itoa(workers), func(t *testing.T) {
				rs, errs := runEach(t, tt.p, workers, tt.deals...)
				require.Len(t, rs, len(tt.totals))
				for i, want := range tt.totals {
					if want == "" {
						assert.Error(t, errs[i], "deal %d", i)
						continue
					}
					require.NoError(t, errs[i], "deal %d", i)
					assert.Equal(t, want, rs[i].Total.Amount().StringFixed(2), "deal %s", rs[i].DealID)
				}
				for i, want := range tt.lines {
					assert.Equal(t, want, lines(rs[i]))
				}
			})
		}
	}
}

func TestInvariantLinkedCreditErrors(t *testing.T) {
	p := spiffProgram()
	p.AllowNegative = true
	_, errs := runEach(t, p, 1, deal("D-1", "P-1", "10000", "2026-10-05"),
		credit("D-2", "P-1", "-100", "2026-10-06", "D-0"),
		credit("D-3", "P-2", "-100", "2026-10-07", "D-1"),
		credit("D-5", "P-1", "-10000.01", "2026-10-09", "D-1"))
	var ee *EvalError
	require.ErrorAs(t, errs[1], &ee)
	assert.ErrorIs(t, errs[1], ErrUnknownDeal)
	assert.Equal(t, `program q4-2026-new-logo-spiff, deal D-2, credit: unknown credited deal: the credit note credits deal "D-0", which this run has not seen; a credit note must follow the deal it credits in the same run`, errs[1].Error())
	assert.ErrorIs(t, errs[2], ErrInvalidDeal)
	assert.Contains(t, errs[2].Error(), `the credit note is for partner "P-2" but deal "D-1" is partner "P-1"'s`)
	assert.ErrorIs(t, errs[3], ErrInvalidDeal)
	assert.Contains(t, errs[3].Error(), `the credit note of -10,000.01 takes deal "D-1" below zero: 10,000.00 is left of its amount`)

	// A single Evaluate has no earlier deal to credit.
	_, err := Evaluate(t.Context(), p, Input{Deal: credit("D-2", "P-1", "-100", "2026-10-06", "D-1"), Partner: gold("P-1")}, day("2026-12-31"))
	assert.ErrorIs(t, err, ErrUnknownDeal)
}

// A credit note naming an ineligible deal takes nothing back and says why.
func TestInvariantLinkedCreditOfIneligibleDeal(t *testing.T) {
	p := spiffProgram()
	p.AllowNegative = true
	d := deal("D-1", "P-1", "10000", "2026-10-05")
	d.Type = Renewal // fails "registered new business"
	rs := runAll(t, p, RunOptions{}, d, credit("D-2", "P-1", "-10000", "2026-10-06", "D-1"))
	assert.False(t, rs[1].Eligible)
	assert.Equal(t, `credited deal "D-1" not eligible`, rs[1].Failed)
	assert.True(t, rs[1].Total.IsZero())
}

// The explanation of a linked credit shows the arithmetic.
func TestInvariantLinkedCreditExplained(t *testing.T) {
	p := spiffProgram()
	p.AllowNegative = true
	rs := runAll(t, p, RunOptions{}, deal("D-1", "P-1", "200000", "2026-10-05"),
		credit("D-2", "P-1", "-100000", "2026-10-06", "D-1"))
	assert.Contains(t, rs[1].Explain(), `credit note of -100,000.00 credits deal "D-1": its net amount 200,000.00 -> 100,000.00 earns 2,000.00 under the deal's terms; the deal was paid 2,500.00, so 500.00 is taken back`)
}

// A worker count above MaxWorkers is refused before any work, with an
// error; MaxWorkers itself runs.
func TestRunWorkersBound(t *testing.T) {
	p := simple(withRate("base", "0.01", nil))
	tests := []struct {
		workers int
		err     bool
	}{{MaxWorkers, false}, {MaxWorkers + 1, true}, {4_000_000_000_000_000_000, true}, {-5, false}}
	for _, tt := range tests {
		rs, errs := []*Result{}, []error{}
		for r, err := range Run(t.Context(), p, inputs(deal("D-1", "P-1", "100", "2026-04-01")), RunOptions{Workers: tt.workers}) {
			rs, errs = append(rs, r), append(errs, err)
		}
		require.Len(t, errs, 1, "workers %d", tt.workers)
		if tt.err {
			require.ErrorIs(t, errs[0], ErrInvalidOptions)
			assert.Equal(t, fmt.Sprintf("invalid run options: %d workers; at most 256", tt.workers), errs[0].Error())
			continue
		}
		require.NoError(t, errs[0])
		// 1% of 100 = 1.00.
		assert.Equal(t, "1.00", rs[0].Total.Amount().StringFixed(2))
	}
}

// Without credit notes, a deal whose terms come to less than zero pays
// nothing, so no payout is ever negative; with them, it takes back at most
// what the partner was paid.
func TestInvariantNegativeTermsOfASale(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprint("allow_negative=", allow), func(t *testing.T) {
			p := simple(withRate("base", "0.01", nil), Earning{ID: "fee", Type: Bonus, Amount: Const(dec("-50"))})
			p.AllowNegative = allow
			rs := runAll(t, p, RunOptions{},
				deal("D-1", "P-1", "10000", "2026-04-01"), // 100 - 50 = 50
				deal("D-2", "P-1", "1000", "2026-04-02"))  // 10 - 50 = -40
			want := []string{"50.00", "0.00"}
			if allow {
				// P-1 holds 50: the -40 is taken back in full.
				want = []string{"50.00", "-40.00"}
			}
			assert.Equal(t, want, totals(rs))
		})
	}
}

// A deal that failed to evaluate (here: its clause, which reads running
// totals and so runs in the ordered phase, errs) adds nothing to
// the run, not even a record a credit note could name.
func TestInvariantCreditOfAFailedDeal(t *testing.T) {
	p := creditProgram(StageLine, HalfUp)
	p.Eligibility = []Clause{{Name: "checked", When: ConditionFunc("checked", []string{"deal.id", "period.amount"}, func(s *Scope) (bool, error) {
		if s.Deal.ID == "D-1" {
			return false, errors.New("no data")
		}
		return true, nil
	})}}
	_, errs := runEach(t, p, 1, deal("D-1", "P-1", "100", "2026-04-01"), credit("C-1", "P-1", "-100", "2026-04-02", "D-1"))
	require.Error(t, errs[0])
	assert.ErrorIs(t, errs[1], ErrUnknownDeal)
}

// The explanations of an unlinked credit note's limits.
func TestInvariantUnlinkedCreditExplained(t *testing.T) {
	p := creditProgram(StageLine, HalfUp, Cap{Scope: CapPartner, Limit: dec("100"), Period: PeriodQuarter}, Cap{Scope: CapBudget, Limit: dec("150")})
	p.Earnings = append(p.Earnings, Earning{ID: "flat", Type: Bonus, Amount: Const(dec("5"))})
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "10000", "2026-04-01"), // 100 + 5 = 105, partner cap: 100
		deal("D-2", "P-1", "-5000", "2026-04-02"), // -50 + 5 = -45
		deal("D-3", "P-1", "-100", "2026-04-03"),  // -1 + 5 = 4
		deal("D-4", "P-2", "-1000", "2026-04-04")) // -10 + 5 = -5, P-2 was paid nothing
	// D-2: P-1's entitlement 105 -> 60 under the cap of 100 gives back
	// min(100, 105) - min(100, 60) = 40, less than the 45 unearned.
	assert.Equal(t, "-40.00", rs[1].Total.Amount().StringFixed(2))
	assert.Contains(t, rs[1].Explain(), "a credit note that names no deal takes back at most 40.00 (-45.00 -> -40.00), what the partner cap 100.00 per quarter gives back: the partner's entitlement under it falls from 105.00 to 60.00")
	assert.Equal(t, "0.00", rs[2].Total.Amount().StringFixed(2))
	assert.Contains(t, rs[2].Explain(), "a credit note that names no deal pays nothing: its terms come to 4.00 (4.00 -> 0.00)")
	assert.Equal(t, "0.00", rs[3].Total.Amount().StringFixed(2))
	assert.Contains(t, rs[3].Explain(), `a credit note that names no deal takes back at most 0.00 (-5.00 -> 0.00), what partner "P-2" has been paid net in the period`)
}

// A credit note in another currency is converted at its own close date;
// the credited deal's net amount is kept in the program currency.
func TestInvariantLinkedCreditInAnotherCurrency(t *testing.T) {
	p := spiffProgram()
	p.AllowNegative = true
	tab, err := NewRateTable(Rate{From: EUR, To: USD, Rate: dec("1.25"), AsOf: rateDay("2026-01-01"), Source: "fixed"})
	require.NoError(t, err)
	c := credit("C-1", "P-1", "0", "2026-10-06", "D-1")
	c.Amount = MustParseMoney("-40000", "EUR")
	var rs []*Result
	for r, err := range Run(t.Context(), p, inputs(deal("D-1", "P-1", "100000", "2026-10-05"), c), RunOptions{Rates: tab}) {
		require.NoError(t, err)
		rs = append(rs, r)
	}
	// D-1: 2% of 100,000 = 2,000. C-1: -40,000 EUR x 1.25 = -50,000 USD;
	// the 50,000 left earns 1,000: 1,000 back.
	assert.Equal(t, []string{"2000.00", "-1000.00"}, totals(rs))
	require.NotNil(t, rs[1].Conversion)
	assert.Equal(t, "-50000", rs[1].Conversion.To.Amount().String())
}
