package incentive

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZeroValueEvaluatorAndStatementBuilderReturnErrors(t *testing.T) {
	var e Evaluator
	_, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "100", "2026-03-01")}, time.Time{})
	require.ErrorIs(t, err, ErrNoEvaluator)
	require.ErrorIs(t, err, ErrInvalidProgram)
	n := 0
	for r, err := range e.Run(t.Context(), inputs(deal("D-1", "P-1", "100", "2026-03-01")), RunOptions{}) {
		n++
		assert.Nil(t, r)
		require.ErrorIs(t, err, ErrNoEvaluator)
	}
	assert.Equal(t, 1, n, "one error, then the run ends")
	var nilE *Evaluator
	assert.Nil(t, nilE.Program())

	var b StatementBuilder
	err = b.Add(&Result{})
	require.ErrorIs(t, err, ErrNoEvaluator)
	b.Include("P-1") // no panic
	assert.Empty(t, b.Statement().Partners)
	sb := e.NewStatement(nil)
	require.ErrorIs(t, sb.Add(&Result{}), ErrNoEvaluator)
}

// expiryCaps is 10% of the deal amount with a 30-day claim window and the
// given caps.
func expiryCaps(caps ...Cap) *Program {
	p := simple(withRate("base", "0.10", nil))
	p.Claims = ClaimWindow{Days: 30}
	p.Caps = caps
	return p
}

// An expired earning uses up neither the partner cap nor the budget, so a
// late claim does not reduce what timely claims are paid.
func TestExpiredEarningsConsumeNoCaps(t *testing.T) {
	tests := []struct {
		name string
		cap  Cap
	}{
		{"partner cap", Cap{Scope: CapPartner, Limit: dec("100")}},
		{"budget", Cap{Scope: CapBudget, Limit: dec("100")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := expiryCaps(tc.cap)
			for _, workers := range []int{1, 2} {
				// As of 2026-04-15: D-1 (closed 03-01, claim by 03-31) has
				// expired; D-2 (closed 04-01, claim by 05-01) has not.
				rs := runAll(t, p, RunOptions{AsOf: day("2026-04-15"), Workers: workers},
					deal("D-1", "P-1", "1000", "2026-03-01"), // 1000 x 10% = 100, expired
					deal("D-2", "P-1", "1000", "2026-04-01"), // 100, the cap's whole room
				)
				require.True(t, rs[0].Expired)
				require.False(t, rs[1].Expired)
				// Before the rule D-2 was cut to 0.00 by the 100.00 that D-1
				// had used up.
				assert.Equal(t, []string{"100.00", "100.00"}, totals(rs))
				b, err := NewStatement(p, nil)
				require.NoError(t, err)
				for _, r := range rs {
					require.NoError(t, b.Add(r))
				}
				s := b.Statement()
				assert.Equal(t, "100.00", s.Expired.Amount().StringFixed(2))
				assert.Equal(t, "100.00", s.Payable.Amount().StringFixed(2))
			}
		})
	}
}

// A credit note of an expired deal gives nothing back to the caps, which
// the deal never used: a later timely deal is still capped at the limit.
func TestCreditOfExpiredDealGivesNoCapRoom(t *testing.T) {
	p := expiryCaps(Cap{Scope: CapPartner, Limit: dec("150")})
	p.AllowNegative = true
	credit := deal("C-1", "P-1", "-1000", "2026-03-02")
	credit.Credits = "D-1"
	rs := runAll(t, p, RunOptions{AsOf: day("2026-04-15"), Workers: 1},
		deal("D-1", "P-1", "1000", "2026-03-01"), // 100, expired
		credit,                                   // takes D-1's 100 back, expired with it
		deal("D-2", "P-1", "1000", "2026-04-01"), // 100: room 150
		deal("D-3", "P-1", "1000", "2026-04-02"), // 100 -> 50: room 150 - 100
	)
	// Had the credit given back 100 of room, D-3 would pay 100.
	assert.Equal(t, []string{"100.00", "-100.00", "100.00", "50.00"}, totals(rs))
	assert.True(t, rs[1].Expired)
}

// holdProgram pays 10% with a hold of 30 days from the close date, voided
// by a refund date inside it.
func holdProgram() *Program {
	p := simple(withRate("base", "0.10", nil))
	p.Fields = []FieldDecl{{Name: "refund_date", Type: FieldDate, Optional: true}, {Name: "paid_on", Type: FieldDate, Optional: true}}
	p.Hold = Hold{Span: Span{Days: 30}, VoidOn: []string{"refund_date"}}
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("150")}}
	return p
}

func withField(d Deal, name string, v any) Deal {
	if d.Fields == nil {
		d.Fields = map[string]any{}
	}
	d.Fields[name] = v
	return d
}

func TestHoldMaturesAndVoids(t *testing.T) {
	d1 := deal("D-1", "P-1", "1000", "2026-03-01") // 100.00, matures 03-31
	mar := func(day int) Date { return Date{2026, 3, day} }
	tests := []struct {
		name      string
		deal      Deal
		asOf      time.Time
		total     string
		held      bool
		void      bool
		matures   Date
		wordsPart string
	}{
		{"held before maturity", d1, day("2026-03-30"), "100.00", true, false, mar(31), "held as of 2026-03-30"},
		{"matured on the maturity date", d1, day("2026-03-31"), "100.00", false, false, mar(31), "matured as of 2026-03-31"},
		{"no as-of: held", d1, time.Time{}, "100.00", true, false, mar(31), "the run has no as-of date"},
		{"refund inside the hold voids", withField(d1, "refund_date", mar(15)), day("2026-04-30"), "0.00", false, true, mar(31), "void: refund_date 2026-03-15"},
		{"refund on the maturity date does not void", withField(d1, "refund_date", mar(31)), day("2026-04-30"), "100.00", false, false, mar(31), "matured"},
		{"refund after as-of has not happened yet", withField(d1, "refund_date", mar(20)), day("2026-03-10"), "100.00", true, false, mar(31), "held as of 2026-03-10"},
		{"refund without as-of voids", withField(d1, "refund_date", mar(20)), time.Time{}, "0.00", false, true, mar(31), "void"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Evaluate(t.Context(), holdProgram(), Input{Deal: tc.deal, Partner: gold("P-1")}, tc.asOf)
			require.NoError(t, err)
			require.NotNil(t, r.Hold)
			assert.Equal(t, tc.total, r.Total.Amount().StringFixed(2))
			assert.Equal(t, tc.held, r.Hold.Held)
			assert.Equal(t, tc.void, r.Hold.Void)
			assert.Equal(t, tc.matures, r.Hold.MaturesOn)
			assert.Contains(t, r.Explain(), tc.wordsPart)
		})
	}
}

// A voided deal uses up no budget; a held one does (it will be paid).
func TestVoidedDealUsesNoBudget(t *testing.T) {
	p := holdProgram()
	rs := runAll(t, p, RunOptions{AsOf: day("2026-05-15"), Workers: 1},
		withField(deal("D-1", "P-1", "1000", "2026-03-01"), "refund_date", Date{2026, 3, 10}), // void
		deal("D-2", "P-1", "1000", "2026-03-02"),                                              // 100, matured 04-01
		deal("D-3", "P-1", "1000", "2026-04-20"),                                              // 100 -> 50 (budget 150 - 100), held to 05-20
	)
	assert.Equal(t, []string{"0.00", "100.00", "50.00"}, totals(rs))
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	for _, r := range rs {
		require.NoError(t, b.Add(r))
	}
	s := b.Statement()
	ps := s.Partners[0]
	// earned 0 + 100 + 50 = 150; held 50 (D-3 until 05-20); payable 150 - 50 = 100
	assert.Equal(t, "150.00", ps.Earned.Amount().StringFixed(2))
	assert.Equal(t, "50.00", ps.Held.Amount().StringFixed(2))
	assert.Equal(t, "100.00", ps.Payable.Amount().StringFixed(2))
	assert.Equal(t, []HeldAmount{{MaturesOn: Date{2026, 5, 20}, Amount: usd("50.00")}}, ps.Holds)
}

func TestHoldFromDateFieldNotStarted(t *testing.T) {
	p := holdProgram()
	p.Hold.From = "paid_on"
	p.Hold.Span = Span{Months: 1}
	d := deal("D-1", "P-1", "1000", "2026-01-31")
	r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, day("2026-06-01"))
	require.NoError(t, err)
	assert.True(t, r.Hold.Held, "no payment date: the hold has not started")
	assert.True(t, r.Hold.MaturesOn.IsZero())
	assert.Contains(t, r.Explain(), "starts on the paid_on, which the deal does not have yet")
	// Paid 2026-01-31: one month later clamps to 2026-02-28.
	r, err = Evaluate(t.Context(), p, Input{Deal: withField(d, "paid_on", Date{2026, 1, 31}), Partner: gold("P-1")}, day("2026-02-28"))
	require.NoError(t, err)
	assert.Equal(t, Date{2026, 2, 28}, r.Hold.MaturesOn)
	assert.False(t, r.Hold.Held)
}

func TestHoldValidate(t *testing.T) {
	tests := []struct {
		name string
		hold Hold
		path string
		msg  string
	}{
		{"negative", Hold{Span: Span{Days: -1}}, "hold.for", "negative"},
		{"both", Hold{Span: Span{Days: 1, Months: 1}}, "hold.for", "give one"},
		{"no length", Hold{VoidOn: []string{"refund_date"}}, "hold.for", "no length"},
		{"unknown start", Hold{Span: Span{Days: 1}, From: "nope"}, "hold.from", `unknown hold start field "nope"`},
		{"start not a date", Hold{Span: Span{Days: 1}, From: "note"}, "hold.from", "not a date"},
		{"void twice", Hold{Span: Span{Days: 1}, VoidOn: []string{"refund_date", "refund_date"}}, "hold.void_if[1]", "listed twice"},
		{"void unknown", Hold{Span: Span{Days: 1}, VoidOn: []string{"gone"}}, "hold.void_if[0]", "custom date field: refund_date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := simple(withRate("base", "0.10", nil))
			p.Fields = []FieldDecl{{Name: "refund_date", Type: FieldDate}, {Name: "note", Type: FieldString}}
			p.Hold = tc.hold
			err := p.Validate()
			require.ErrorIs(t, err, ErrInvalidProgram)
			var pe *ProgramError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tc.path, pe.Path)
			assert.Contains(t, pe.Msg, tc.msg)
		})
	}
}

// bucketProgram pays a spiff (1%) and a rebate (2%) from two buckets with
// their own minimums; bonuses fall in the default bucket.
func bucketProgram() *Program {
	p := simple(withRate("s", "0.01", nil), Earning{ID: "r", Type: Rebate, Amount: RateOf(PathDealAmount, dec("0.02"))},
		Earning{ID: "k", Type: Bonus, Amount: Const(dec("5"))})
	p.AllowNegative = true
	p.MinPayout = dec("10")
	p.Buckets = []Bucket{
		{ID: "spiffs", Types: []EarningType{Spiff}, MinPayout: dec("50")},
		{ID: "rebates", Types: []EarningType{Rebate}, MinPayout: dec("100")},
	}
	return p
}

func TestStatementBucketsThresholdsCarryAndWithhold(t *testing.T) {
	p := bucketProgram()
	carried := map[string]map[string]decimal.Decimal{"P-1": {"spiffs": dec("15"), "rebates": dec("-30")}}
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	b.CarryIn(func(id, bucket string) decimal.Decimal { return carried[id][bucket] })
	// D-1: 4000 -> spiff 40, rebate 80, bonus 5.
	require.NoError(t, b.Add(mustEval(t, p, Input{Deal: deal("D-1", "P-1", "4000", "2026-03-01"), Partner: gold("P-1")})))
	s := b.Statement()
	ps := s.Partners[0]
	require.Len(t, ps.Buckets, 3)
	want := []struct{ bucket, earned, carriedIn, withheld, payable, carriedOut string }{
		// spiffs: 40 + 15 carried in = 55 >= 50: paid.
		{"spiffs", "40.00", "15.00", "0.00", "55.00", "0.00"},
		// rebates: 80 - 30 withheld = 50 < 100: carried out.
		{"rebates", "80.00", "0.00", "30.00", "0.00", "50.00"},
		// default: bonus 5 < 10: carried out.
		{"", "5.00", "0.00", "0.00", "0.00", "5.00"},
	}
	for i, w := range want {
		bs := ps.Buckets[i]
		assert.Equal(t, w.bucket, bs.Bucket)
		assert.Equal(t, w.earned, bs.Earned.Amount().StringFixed(2), w.bucket)
		assert.Equal(t, w.carriedIn, bs.CarriedIn.Amount().StringFixed(2), w.bucket)
		assert.Equal(t, w.withheld, bs.Withheld.Amount().StringFixed(2), w.bucket)
		assert.Equal(t, w.payable, bs.Payable.Amount().StringFixed(2), w.bucket)
		assert.Equal(t, w.carriedOut, bs.CarriedOut.Amount().StringFixed(2), w.bucket)
	}
	// Partner: earned 125, carried in 15, withheld 30, payable 55, carried
	// out 55; 125 + 15 - 30 = 110 = 55 + 55.
	assert.Equal(t, "125.00", ps.Earned.Amount().StringFixed(2))
	assert.Equal(t, "15.00", ps.CarriedIn.Amount().StringFixed(2))
	assert.Equal(t, "30.00", ps.Withheld.Amount().StringFixed(2))
	assert.Equal(t, "55.00", ps.Payable.Amount().StringFixed(2))
	assert.Equal(t, "55.00", ps.CarriedOut.Amount().StringFixed(2))
	assert.Equal(t, "30.00", s.Withheld.Amount().StringFixed(2))
}

// A negative bucket balance is withheld from that bucket's later payouts
// only, until recovered: another bucket is paid in full meanwhile.
func TestStatementNegativeBucketWithheldUntilRecovered(t *testing.T) {
	p := bucketProgram()
	p.Buckets[0].MinPayout, p.Buckets[1].MinPayout = decimal.Zero, decimal.Zero
	// Statement 1: rebates carry in -100; D-1 (1000): spiff 10, rebate 20,
	// bonus 5. rebates: 20 - 100 = -80, carried out; spiffs 10 paid.
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	b.CarryIn(func(_, bucket string) decimal.Decimal {
		if bucket == "rebates" {
			return dec("-100")
		}
		return decimal.Zero
	})
	require.NoError(t, b.Add(mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1000", "2026-03-01"), Partner: gold("P-1")})))
	s1 := b.Statement().Partners[0]
	assert.Equal(t, "10.00", s1.Buckets[0].Payable.Amount().StringFixed(2))
	assert.Equal(t, "0.00", s1.Buckets[1].Payable.Amount().StringFixed(2))
	assert.Equal(t, "-80.00", s1.Buckets[1].CarriedOut.Amount().StringFixed(2))
	// Statement 2 carries statement 1's balances in; D-2 (5000): spiff 50,
	// rebate 100, bonus 5. rebates: 100 - 80 = 20 paid; spiffs 50 paid.
	b2, err := NewStatement(p, nil)
	require.NoError(t, err)
	b2.CarryIn(func(_, bucket string) decimal.Decimal {
		for _, bs := range s1.Buckets {
			if bs.Bucket == bucket {
				return bs.CarriedOut.Amount()
			}
		}
		return decimal.Zero
	})
	require.NoError(t, b2.Add(mustEval(t, p, Input{Deal: deal("D-2", "P-1", "5000", "2026-04-01"), Partner: gold("P-1")})))
	s2 := b2.Statement().Partners[0]
	assert.Equal(t, "80.00", s2.Buckets[1].Withheld.Amount().StringFixed(2))
	assert.Equal(t, "20.00", s2.Buckets[1].Payable.Amount().StringFixed(2))
	assert.Equal(t, "50.00", s2.Buckets[0].Payable.Amount().StringFixed(2))
	// default bucket: 5 carried in from statement 1 (below 10) + 5 = 10: paid.
	assert.Equal(t, "10.00", s2.Buckets[2].Payable.Amount().StringFixed(2))
}

func TestBucketsValidate(t *testing.T) {
	tests := []struct {
		name    string
		buckets []Bucket
		path    string
		msg     string
	}{
		{"no name", []Bucket{{Types: []EarningType{Spiff}}}, "payouts[0].bucket", "no bucket name"},
		{"twice", []Bucket{{ID: "a", Types: []EarningType{Spiff}}, {ID: "a", Types: []EarningType{Rebate}}}, "payouts[1].bucket", "named twice"},
		{"no types", []Bucket{{ID: "a"}}, "payouts[0].types", "no earning types"},
		{"unknown type", []Bucket{{ID: "a", Types: []EarningType{"tip"}}}, "payouts[0].types[0]", `unknown earning type "tip"`},
		{"type in two", []Bucket{{ID: "a", Types: []EarningType{Spiff}}, {ID: "b", Types: []EarningType{Spiff}}}, "payouts[1].types[0]", "one bucket"},
		{"negative min", []Bucket{{ID: "a", Types: []EarningType{Spiff}, MinPayout: dec("-1")}}, "payouts[0].min_payout", "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := simple(withRate("base", "0.10", nil))
			p.Buckets = tc.buckets
			err := p.Validate()
			require.ErrorIs(t, err, ErrInvalidProgram)
			var pe *ProgramError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tc.path, pe.Path)
			assert.True(t, strings.Contains(pe.Msg, tc.msg), pe.Msg)
		})
	}
}

// With ExpiredUsesCaps the program says otherwise: the expired 100.00 uses
// up the 100.00 partner cap and the timely deal is cut to 0.00.
func TestExpiredUsesCapsWhenTheProgramSaysSo(t *testing.T) {
	p := expiryCaps(Cap{Scope: CapPartner, Limit: dec("100")})
	p.Claims.ExpiredUsesCaps = true
	rs := runAll(t, p, RunOptions{AsOf: day("2026-04-15"), Workers: 1},
		deal("D-1", "P-1", "1000", "2026-03-01"), // 100, expired, counted
		deal("D-2", "P-1", "1000", "2026-04-01"), // room 100 - 100 = 0
	)
	assert.Equal(t, []string{"100.00", "0.00"}, totals(rs))
}

// What a statement held is carried to the next: paid once it has matured
// as of that statement, held again (and listed to be carried on) if not.
func TestCarryHeldMaturesOnTheNextStatement(t *testing.T) {
	p := holdProgram()
	p.Caps = nil
	p.MinPayout = dec("10")
	b, err := NewStatement(p, nil)
	require.NoError(t, err)
	held := map[string][]HeldAmount{"P-1": {
		{MaturesOn: Date{2026, 4, 19}, Amount: usd("90.00")},
		{MaturesOn: Date{2026, 5, 20}, Amount: usd("50.00")},
	}}
	require.NoError(t, b.CarryHeld(held, Date{2026, 4, 30}))
	// D-1 1,000.00 closed 2026-04-25: 100.00, held until 2026-05-25.
	r, err := Evaluate(t.Context(), p, Input{Deal: deal("D-1", "P-1", "1000", "2026-04-25"), Partner: gold("P-1")}, day("2026-04-30"))
	require.NoError(t, err)
	require.NoError(t, b.Add(r))
	ps := b.Statement().Partners[0]
	// Carried in 90.00 (matured 04-19) + 50.00 (still held) = 140.00; held
	// 100.00 + 50.00 = 150.00; payable 100.00 - 100.00 + 140.00 - 50.00 = 90.00.
	assert.Equal(t, "140.00", ps.CarriedIn.Amount().StringFixed(2))
	assert.Equal(t, "150.00", ps.Held.Amount().StringFixed(2))
	assert.Equal(t, "90.00", ps.Payable.Amount().StringFixed(2))
	assert.Equal(t, []HeldAmount{
		{MaturesOn: Date{2026, 5, 20}, Amount: usd("50.00")},
		{MaturesOn: Date{2026, 5, 25}, Amount: usd("100.00")},
	}, ps.Holds)

	// Without an as-of date nothing has matured: all 140.00 is held again.
	b2, err := NewStatement(p, nil)
	require.NoError(t, err)
	require.NoError(t, b2.CarryHeld(held, Date{}))
	ps = b2.Statement().Partners[0]
	assert.Equal(t, "140.00", ps.Held.Amount().StringFixed(2))
	assert.True(t, ps.Payable.IsZero())

	err = b2.CarryHeld(map[string][]HeldAmount{"P-1": {{Bucket: "mdf", Amount: usd("1.00")}}}, Date{})
	require.ErrorIs(t, err, ErrInvalidAmount)
	assert.ErrorContains(t, err, `bucket "mdf"`)
}
