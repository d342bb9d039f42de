package incentive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lines maps earning id -> paid amount, as text, for compact assertions.
func lines(r *Result) map[string]string {
	m := map[string]string{}
	for _, l := range r.Lines {
		m[l.Earning] = l.Amount.Amount().StringFixed(2)
	}
	return m
}

func withRate(id string, rate string, when Condition) Earning {
	return Earning{ID: id, Type: Spiff, When: when, Amount: RateOf(PathDealAmount, dec(rate))}
}

// simple returns a USD program with the given earnings and no conditions.
func simple(earnings ...Earning) *Program {
	return &Program{ID: "p", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Earnings:  earnings}
}

func TestEvaluateSketchProgram(t *testing.T) {
	enterprise := func(d Deal) Deal { d.Customer.Segment = "enterprise"; return d }
	tests := []struct {
		name    string
		deal    Deal
		partner partner.Partner
		// want
		eligible bool
		failed   string
		total    string
		lines    map[string]string
	}{
		{name: "gold partner, registered new logo",
			// 12000.00 x 0.02 = 240.00; kicker needs enterprise and >= 50000
			deal: deal("D-1", "P-1", "12000.00", "2026-11-03"), partner: gold("P-1"),
			eligible: true, total: "240.00", lines: map[string]string{"base": "240.00"}},
		{name: "silver partner is not eligible",
			deal: deal("D-2", "P-1", "12000.00", "2026-11-03"), partner: silver("P-1"),
			failed: "gold or platinum partner", total: "0.00", lines: map[string]string{}},
		{name: "enterprise kicker stacks",
			// 60000 x 0.02 = 1200.00, + 500 kicker = 1700.00
			deal: enterprise(deal("D-3", "P-1", "60000", "2026-11-03")), partner: gold("P-1"),
			eligible: true, total: "1700.00", lines: map[string]string{"base": "1200.00", "enterprise-kicker": "500.00"}},
		{name: "deal cap takes from the last line first",
			// 150000 x 0.02 = 3000 + 500 = 3500; per-deal cap 2500 cuts 1000:
			// 500 from the kicker (-> 0), then 500 from base (3000 -> 2500)
			deal: enterprise(deal("D-4", "P-1", "150000", "2026-11-03")), partner: gold("P-1"),
			eligible: true, total: "2500.00", lines: map[string]string{"base": "2500.00", "enterprise-kicker": "0.00"}},
		{name: "unregistered deal",
			deal:    func() Deal { d := deal("D-5", "P-1", "12000", "2026-11-03"); d.Registration = nil; return d }(),
			partner: gold("P-1"), failed: "registered new business", total: "0.00", lines: map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustEval(t, spiffProgram(), Input{Deal: tc.deal, Partner: tc.partner})
			assert.Equal(t, tc.eligible, r.Eligible)
			assert.Equal(t, tc.failed, r.Failed)
			assert.Equal(t, tc.total, r.Total.Amount().StringFixed(2))
			assert.Equal(t, USD, r.Total.Currency())
			assert.Equal(t, tc.lines, lines(r))
			assert.Equal(t, ProgramRef{ID: "q4-2026-new-logo-spiff", Version: 3, Hash: "abc123"}, r.Program)
		})
	}
}

func TestEvaluateDealCapRecordsCuts(t *testing.T) {
	d := deal("D-4", "P-1", "150000", "2026-11-03")
	d.Customer.Segment = "enterprise"
	r := mustEval(t, spiffProgram(), Input{Deal: d, Partner: gold("P-1")})
	require.Len(t, r.Lines, 2)
	// base: gross 3000, cut 500 by caps[0]; kicker: gross 500, cut 500.
	require.Len(t, r.Lines[0].Cuts, 1)
	cut := r.Lines[0].Cuts[0]
	assert.Equal(t, 0, cut.Cap)
	assert.Equal(t, CapDeal, cut.Scope)
	assert.True(t, cut.Limit.Equal(dec("2500")))
	assert.True(t, cut.Cut.Equal(dec("500")), "cut %s", cut.Cut)
	assert.Equal(t, "3000", r.Lines[0].Gross.Amount().String())
	assert.True(t, r.Lines[1].Cuts[0].Cut.Equal(dec("500")))
	assert.Contains(t, r.Explain(), "deal cap 2,500.00 cut 1,000.00 (3,500.00 -> 2,500.00)")
}

func TestEvaluateWindowUsesProgramTimeZone(t *testing.T) {
	p := spiffProgram()
	tests := []struct {
		at       time.Time
		eligible bool
	}{
		// 03:30 UTC on Oct 1 is still Sep 30 in New York: outside.
		{time.Date(2026, 10, 1, 3, 30, 0, 0, time.UTC), false},
		// 04:30 UTC on Oct 1 is 00:30 Oct 1 in New York (EDT, UTC-4): inside.
		{time.Date(2026, 10, 1, 4, 30, 0, 0, time.UTC), true},
		// 04:59 UTC on Jan 1 2027 is 23:59 Dec 31 in New York (EST, UTC-5):
		// the last day is inclusive.
		{time.Date(2027, 1, 1, 4, 59, 0, 0, time.UTC), true},
		{time.Date(2027, 1, 1, 5, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range tests {
		d := deal("D-1", "P-1", "1000", "2026-11-01")
		d.CloseDate = tc.at
		r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
		assert.Equal(t, tc.eligible, r.Eligible, "close %s", tc.at)
		if !tc.eligible {
			assert.Equal(t, "effective window", r.Failed)
		}
	}
	// A half-open window excludes its last day.
	p.Effective.Ends = HalfOpen
	d := deal("D-1", "P-1", "1000", "2026-12-31")
	assert.False(t, mustEval(t, p, Input{Deal: d, Partner: gold("P-1")}).Eligible)
}

func bandProgram(method BandMethod, pays BandPays, bands ...Band) *Program {
	return simple(Earning{ID: "tier", Type: Rebate, Bands: &BandTable{Method: method, Pays: pays, Bands: bands}})
}

// threeBands is [0, 100000) 4%, [100000, 250000) 6%, [250000, ...) 8%.
func threeBands() []Band {
	return []Band{
		{From: dec("0"), To: decp("100000"), Value: dec("0.04")},
		{From: dec("100000"), To: decp("250000"), Value: dec("0.06"), Label: "gold"},
		{From: dec("250000"), Value: dec("0.08")},
	}
}

func TestBandsOnADeal(t *testing.T) {
	tests := []struct {
		name   string
		p      *Program
		amount string
		want   string
		band   int // 0-based, -1 none
	}{
		// Retroactive: the band reached applies to the whole amount.
		{"retroactive below boundary", bandProgram(Retroactive, PaysRate, threeBands()...), "99999.99", "4000.00", 0},                  // 99999.99 x 4% = 3999.9996 -> 4000.00
		{"retroactive exactly on boundary is upper band", bandProgram(Retroactive, PaysRate, threeBands()...), "100000", "6000.00", 1}, // 100000 x 6%
		{"retroactive top band", bandProgram(Retroactive, PaysRate, threeBands()...), "300000", "24000.00", 2},                         // 300000 x 8%
		// Marginal: each band's rate on the part inside it.
		{"marginal exactly on boundary", bandProgram(Marginal, PaysRate, threeBands()...), "100000", "4000.00", 1}, // 100000 x 4% + 0 x 6%
		{"marginal across one boundary", bandProgram(Marginal, PaysRate, threeBands()...), "150000", "7000.00", 1}, // 100000 x 4% + 50000 x 6% = 4000 + 3000
		{"marginal across two boundaries", bandProgram(Marginal, PaysRate, threeBands()...), "300000", "17000.00", 2},
		// 100000 x 4% + 150000 x 6% + 50000 x 8% = 4000 + 9000 + 4000 = 17000
		{"flat retroactive", bandProgram(Retroactive, PaysFlat, flatBands()...), "50000", "1000.00", 2},
		{"flat marginal adds every band reached", bandProgram(Marginal, PaysFlat, flatBands()...), "50000", "1250.00", 2}, // 0 + 250 + 1000
		{"flat below the second band", bandProgram(Retroactive, PaysFlat, flatBands()...), "9999.99", "0.00", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustEval(t, tc.p, Input{Deal: deal("D-1", "P-1", tc.amount, "2026-06-01"), Partner: gold("P-1")})
			require.Len(t, r.Lines, 1)
			assert.Equal(t, tc.want, r.Total.Amount().StringFixed(2))
			require.NotNil(t, r.Lines[0].Band)
			assert.Equal(t, tc.band, r.Lines[0].Band.Index)
			assert.Equal(t, len(tc.p.Earnings[0].Bands.Bands), r.Lines[0].Band.Of)
		})
	}
}

// flatBands is [0, 10000) 0, [10000, 50000) 250, [50000, ...) 1000.
func flatBands() []Band {
	return []Band{
		{From: dec("0"), To: decp("10000"), Value: dec("0")},
		{From: dec("10000"), To: decp("50000"), Value: dec("250")},
		{From: dec("50000"), Value: dec("1000")},
	}
}

func TestBandExplanation(t *testing.T) {
	r := mustEval(t, bandProgram(Retroactive, PaysRate, threeBands()...),
		Input{Deal: deal("D-1", "P-1", "150000", "2026-06-01"), Partner: gold("P-1")})
	assert.Contains(t, r.Explain(), `earning "tier": band 2 of 3 (gold) [100,000, 250,000) at 6%: 150,000.00 x 6% = 9,000.00`)
	r = mustEval(t, bandProgram(Marginal, PaysRate, threeBands()...),
		Input{Deal: deal("D-1", "P-1", "150000", "2026-06-01"), Partner: gold("P-1")})
	assert.Contains(t, r.Explain(), "100,000.00 x 4% + 50,000.00 x 6% = 7,000.00")
}

func TestMultiplierBands(t *testing.T) {
	p := simple(Earning{ID: "m", Type: Bonus, Amount: RateOf(PathDealAmount, dec("0.01")),
		Bands: &BandTable{Method: Retroactive, Pays: PaysMultiplier,
			Measure: FormulaFunc("deal.quantity", []string{PathDealQuantity}, func(s *Scope) (decimal.Decimal, error) {
				return decimal.NewFromInt(s.Deal.Quantity), nil
			}),
			Bands: []Band{{From: dec("0"), To: decp("10"), Value: dec("1")}, {From: dec("10"), Value: dec("1.5")}}}})
	d := deal("D-1", "P-1", "20000", "2026-06-01")
	d.Quantity = 10
	// 20000 x 0.01 = 200; quantity 10 is in band 2 (x1.5): 300.00
	r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	assert.Equal(t, "300.00", r.Total.Amount().StringFixed(2))
	d.Quantity = 9 // band 1 (x1): 200.00
	r = mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	assert.Equal(t, "200.00", r.Total.Amount().StringFixed(2))
}

func TestLineCap(t *testing.T) {
	p := simple(withRate("base", "0.02", nil), withRate("other", "0.02", nil))
	p.Caps = []Cap{{Scope: CapLine, Earning: "base", Limit: dec("1000")}}
	// base 60000 x 0.02 = 1200 -> capped at 1000; other 1200 is not capped.
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "60000", "2026-06-01"), Partner: gold("P-1")})
	assert.Equal(t, map[string]string{"base": "1000.00", "other": "1200.00"}, lines(r))
	assert.Equal(t, "2200.00", r.Total.Amount().StringFixed(2))
	require.Len(t, r.Lines[0].Cuts, 1)
	assert.True(t, r.Lines[0].Cuts[0].Cut.Equal(dec("200")))
}

func TestGroups(t *testing.T) {
	flat := func(id, amount string) Earning {
		return Earning{ID: id, Type: Bonus, Group: "g", Amount: Const(dec(amount))}
	}
	tests := []struct {
		pick Pick
		es   []Earning
		want map[string]string
	}{
		{PickHighest, []Earning{flat("a", "300"), flat("b", "500"), flat("c", "400")}, map[string]string{"b": "500.00"}},
		{PickHighest, []Earning{flat("a", "500"), flat("b", "500")}, map[string]string{"a": "500.00"}}, // tie: first declared
		{PickFirst, []Earning{flat("a", "0"), flat("b", "200"), flat("c", "900")}, map[string]string{"b": "200.00"}},
	}
	for _, tc := range tests {
		p := simple(append(tc.es, withRate("base", "0.01", nil))...)
		p.Groups = []Group{{ID: "g", Pick: tc.pick}}
		// base: 10000 x 0.01 = 100 is outside the group and always adds.
		r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "10000", "2026-06-01"), Partner: gold("P-1")})
		tc.want["base"] = "100.00"
		assert.Equal(t, tc.want, lines(r), "pick %s", tc.pick)
	}
}

func TestRoundingModesDisagreeOnTies(t *testing.T) {
	// 1012.50 x 0.01 = 10.125: a tie at the third place.
	for mode, want := range map[RoundingMode]string{HalfUp: "10.13", HalfEven: "10.12", HalfDown: "10.12", Floor: "10.12", Up: "10.13"} {
		p := simple(withRate("base", "0.01", nil))
		p.Rounding.Mode = mode
		r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1012.50", "2026-06-01"), Partner: gold("P-1")})
		assert.Equal(t, want, r.Total.Amount().String(), "mode %s", mode)
		assert.Contains(t, r.Explain(), "10.125 rounded "+string(mode)+" to "+want)
	}
}

func TestRoundingStages(t *testing.T) {
	p := simple(withRate("a", "0.01", nil), withRate("b", "0.01", nil))
	d := deal("D-1", "P-1", "33.50", "2026-06-01") // each line: 33.50 x 0.01 = 0.335
	// Per line, half_up: 0.34 + 0.34 = 0.68.
	r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	assert.Equal(t, "0.68", r.Total.Amount().String())
	// Per deal: 0.335 + 0.335 = 0.67 exactly; the lines are floored to 0.33
	// each and the missing cent goes to the first (equal remainders: earlier wins).
	p.Rounding.Stage = StageDeal
	r = mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	assert.Equal(t, "0.67", r.Total.Amount().String())
	assert.Equal(t, map[string]string{"a": "0.34", "b": "0.33"}, lines(r))
	// Per statement: the deal keeps 0.67 exact, unrounded lines 0.335.
	p.Rounding.Stage = StageStatement
	r = mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	assert.Equal(t, "0.67", r.Total.Amount().String())
	assert.Equal(t, "0.335", r.Lines[0].Amount.Amount().String())
}

func TestZeroDecimalCurrency(t *testing.T) {
	p := simple(withRate("base", "0.015", nil))
	p.Currency = JPY
	d := deal("D-1", "P-1", "0", "2026-06-01")
	d.Amount = MustParseMoney("123456", "JPY")
	// 123456 x 0.015 = 1851.84 -> half_up to 0 places = 1852 JPY
	r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	assert.True(t, r.Total.Equal(MustParseMoney("1852", "JPY")), "got %s", r.Total)
	assert.Equal(t, "1852 JPY", r.Total.String())
}

func TestConversionThenRounding(t *testing.T) {
	rates, err := NewRateTable(Rate{From: EUR, To: USD, Rate: dec("1.0825"), AsOf: Date{2026, 6, 1}, Source: "ECB"})
	require.NoError(t, err)
	p := simple(withRate("base", "0.02", nil))
	d := deal("D-1", "P-1", "0", "2026-06-15")
	d.Amount = MustParseMoney("1234.56", "EUR")
	// 1234.56 EUR x 1.0825 = 1336.4112 USD; x 0.02 = 26.728224 -> 26.73 USD
	r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1"), Rates: rates})
	assert.Equal(t, "26.73", r.Total.Amount().String())
	require.NotNil(t, r.Conversion)
	assert.Equal(t, "1336.4112", r.Conversion.To.Amount().String())
	assert.Equal(t, "ECB", r.Conversion.Rate.Source)
	assert.Contains(t, r.Explain(), "converted 1,234.56 EUR at 1.0825 (ECB, as of 2026-06-01) = 1,336.4112 USD, exact: rounded once, by the program's rounding (half_up to 2 places per line)")

	// Without rates a foreign deal is an error, not a silent result.
	_, err = Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
	require.ErrorIs(t, err, ErrNoRate)
}

func TestPayeeAndClaimWindow(t *testing.T) {
	p := spiffProgram()
	p.Payee = "partner_rep"
	pt := gold("P-1")
	pt.Contacts = []partner.Contact{{Role: "finance", Name: "Bo"}, {Role: "partner_rep", Name: "Ana"}}
	d := deal("D-1", "P-1", "12000", "2026-11-03")
	r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: pt}, day("2027-01-02"))
	require.NoError(t, err)
	assert.Equal(t, "partner_rep", r.Payee)
	assert.Equal(t, "Ana", r.PayeeName)
	// 2026-11-03 + 60 days = 2027-01-02 (28 days left in November, 31 in
	// December, 1 in January); the last day is inclusive.
	assert.Equal(t, Date{2027, 1, 2}, r.ClaimBy)
	assert.False(t, r.Expired)
	r, err = Evaluate(t.Context(), p, Input{Deal: d, Partner: pt}, day("2027-01-03"))
	require.NoError(t, err)
	assert.True(t, r.Expired)

	pt.Contacts = nil
	_, err = Evaluate(t.Context(), p, Input{Deal: d, Partner: pt}, day("2027-01-02"))
	require.ErrorIs(t, err, ErrInvalidDeal)
	assert.Contains(t, err.Error(), `no contact with role "partner_rep"`)
}

func TestBadInputIsATypedError(t *testing.T) {
	p := simple(withRate("base", "0.02", nil))
	p.Fields = []FieldDecl{{Name: "segment", Type: FieldString}, {Name: "term_months", Type: FieldInt, Optional: true}}
	ok := func() Deal {
		d := deal("D-9", "P-1", "100", "2026-06-01")
		d.Fields = map[string]any{"segment": "smb"}
		return d
	}
	tests := []struct {
		name   string
		mutate func(*Deal)
		is     error
		msg    string
	}{
		{"missing field", func(d *Deal) { delete(d.Fields, "segment") }, ErrInvalidDeal, `missing custom field "segment"`},
		{"wrong field type", func(d *Deal) { d.Fields["term_months"] = "12" }, ErrInvalidDeal, `custom field "term_months" is string, want int`},
		{"unknown field", func(d *Deal) { d.Fields["segmnt"] = "x" }, ErrInvalidDeal, `unknown custom field "segmnt"`},
		{"negative amount", func(d *Deal) { d.Amount = usd("-5") }, ErrInvalidDeal, "negative"},
		{"unknown currency", func(d *Deal) { d.Amount = NewMoney(dec("5"), "XXX") }, ErrUnknownCurrency, "XXX"},
		{"no id", func(d *Deal) { d.ID = "" }, ErrInvalidDeal, "no id"},
		{"no close date", func(d *Deal) { d.CloseDate = time.Time{} }, ErrInvalidDeal, "no close date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ok()
			tc.mutate(&d)
			r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
			require.ErrorIs(t, err, tc.is)
			assert.Nil(t, r)
			var ee *EvalError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, d.ID, ee.Deal)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	// The unchanged deal is fine, so the cases above test one thing each.
	_, err := Evaluate(t.Context(), p, Input{Deal: ok(), Partner: gold("P-1")}, day("2026-12-31"))
	require.NoError(t, err)
}

func TestFormulaErrorNamesDealAndEarning(t *testing.T) {
	div := FormulaFunc("deal.amount / deal.quantity", []string{PathDealAmount, PathDealQuantity}, func(s *Scope) (decimal.Decimal, error) {
		if s.Deal.Quantity == 0 {
			return decimal.Decimal{}, ErrDivisionByZero
		}
		return s.Amount.Div(decimal.NewFromInt(s.Deal.Quantity)), nil
	})
	p := simple(Earning{ID: "per-unit", Type: Spiff, Amount: div, Origin: Origin{File: "p.yaml", Line: 12, Col: 13}})
	_, err := Evaluate(t.Context(), p, Input{Deal: deal("D-7", "P-1", "100", "2026-06-01"), Partner: gold("P-1")}, time.Time{})
	require.ErrorIs(t, err, ErrDivisionByZero)
	assert.Equal(t, `program p, deal D-7, earning "per-unit" amount (p.yaml:12:13): division by zero`, err.Error())
}

func TestInvalidProgram(t *testing.T) {
	p := simple(Earning{ID: "x", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Bands: []Band{
		{From: dec("0"), To: decp("100"), Value: dec("0.01")},
		{From: dec("150"), Value: dec("0.02")},
	}}}, Earning{ID: "x", Type: Spiff, Amount: Const(dec("1"))})
	p.Currency = "ZZZ"
	_, err := NewEvaluator(p)
	require.ErrorIs(t, err, ErrInvalidProgram)
	for _, want := range []string{`currency "ZZZ"`, "earnings[0].bands.table[1].from: gap: the previous band ends at 100 but this band starts at 150", `earnings[1].id: earning "x" is declared twice`} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Equal(t, 3, strings.Count(err.Error(), "invalid program"))
}

func TestEvaluateHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Evaluate(ctx, spiffProgram(), Input{Deal: deal("D-1", "P-1", "1", "2026-11-03"), Partner: gold("P-1")}, time.Time{})
	assert.True(t, errors.Is(err, context.Canceled))
}
