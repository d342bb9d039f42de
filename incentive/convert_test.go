package incentive

import (
	"sync"
	"testing"

	"github.com/shopspring/decimal"
)

// rateDay parses a YYYY-MM-DD test date.
func rateDay(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// eurUSD is a table of monthly EUR -> USD rates, given out of order.
func eurUSD(t *testing.T) *RateTable {
	t.Helper()
	tab, err := NewRateTable(
		Rate{From: EUR, To: USD, Rate: dec("1.10"), AsOf: rateDay("2026-03-01"), Source: "ECB"},
		Rate{From: EUR, To: USD, Rate: dec("1.08"), AsOf: rateDay("2026-01-01"), Source: "ECB"},
		Rate{From: EUR, To: USD, Rate: dec("1.09"), AsOf: rateDay("2026-02-01"), Source: "ECB"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestRateTableLatestOnOrBefore(t *testing.T) {
	ck := moneyCheck{t}
	tab := eurUSD(t)
	for _, tt := range []struct {
		on, rate, asOf string
	}{
		{"2026-01-01", "1.08", "2026-01-01"}, // on the day itself
		{"2026-01-31", "1.08", "2026-01-01"},
		{"2026-02-01", "1.09", "2026-02-01"},
		{"2026-02-15", "1.09", "2026-02-01"},
		{"2026-03-01", "1.10", "2026-03-01"},
		{"2027-06-30", "1.10", "2026-03-01"}, // the latest stays in force
	} {
		r, err := tab.Rate(EUR, USD, rateDay(tt.on))
		ck.NoError(err, tt.on)
		ck.True(r.Rate.Equal(dec(tt.rate)), "%s: want %s, got %s", tt.on, tt.rate, r.Rate)
		ck.Equal(tt.asOf, r.AsOf.String(), tt.on)
		ck.Equal("ECB", r.Source)
		ck.Equal(EUR, r.From)
		ck.Equal(USD, r.To)
	}

	_, err := tab.Rate(EUR, USD, rateDay("2025-12-31"))
	ck.ErrorIs(err, ErrNoRate)
	ck.EqualError(err, "no conversion rate: EUR -> USD on 2025-12-31 (the earliest EUR -> USD rate is as of 2026-01-01)")

	_, err = tab.Rate(GBP, USD, rateDay("2026-02-01"))
	ck.ErrorIs(err, ErrNoRate)
	ck.EqualError(err, "no conversion rate: GBP -> USD on 2026-02-01")

	// A rate never chains through a third currency.
	_, err = tab.Rate(EUR, GBP, rateDay("2026-02-01"))
	ck.ErrorIs(err, ErrNoRate)

	// The same currency needs no table entry.
	r, err := tab.Rate(EUR, EUR, rateDay("2020-01-01"))
	ck.NoError(err)
	ck.True(r.Rate.Equal(decimal.NewFromInt(1)))

	var none *RateTable
	_, err = none.Rate(EUR, USD, rateDay("2026-02-01"))
	ck.ErrorIs(err, ErrNoRate)
}

func TestRateTableInverse(t *testing.T) {
	ck := moneyCheck{t}

	// Not allowed: the error says the inverse exists.
	tab := eurUSD(t)
	_, err := tab.Rate(USD, EUR, rateDay("2026-02-15"))
	ck.ErrorIs(err, ErrNoRate)
	ck.EqualError(err, `no conversion rate: USD -> EUR on 2026-02-15: the inverse rate EUR -> USD exists (1.09 as of 2026-02-01, "ECB") but the table does not allow inverse rates`)

	// Allowed: 1 / 1.25 = 0.8, kept at the default 10 places.
	tab, err = NewRateTable(Rate{From: EUR, To: USD, Rate: dec("1.25"), AsOf: rateDay("2026-01-01"), Source: "fixed"})
	ck.NoError(err)
	tab.AllowInverse = true
	r, err := tab.Rate(USD, EUR, rateDay("2026-01-05"))
	ck.NoError(err)
	ck.Equal("0.8000000000", r.Rate.StringFixed(10))
	ck.Equal(int32(-10), r.Rate.Exponent())
	ck.Equal(Rate{From: USD, To: EUR, Rate: r.Rate, AsOf: rateDay("2026-01-01"), Source: "inverse of fixed"}, r)
	// Before the direct rate's date there is no inverse either.
	_, err = tab.Rate(USD, EUR, rateDay("2025-12-31"))
	ck.ErrorIs(err, ErrNoRate)

	// 1 / 1.0825 = 400 / 433, by long division:
	// 4000/433 = 9 r 103, 1030 -> 2 r 164, 1640 -> 3 r 341, 3410 -> 7 r 379,
	// 3790 -> 8 r 326, 3260 -> 7 r 229, 2290 -> 5 r 125, 1250 -> 2 r 384,
	// 3840 -> 8 r 376, 3760 -> 8 r 296, 2960 -> 6 ...
	// = 0.92378752886..., at 10 places (the 11th digit is 6) 0.9237875289.
	tab, err = NewRateTable(Rate{From: EUR, To: USD, Rate: dec("1.0825"), AsOf: rateDay("2026-10-01")})
	ck.NoError(err)
	tab.AllowInverse = true
	r, err = tab.Rate(USD, EUR, rateDay("2026-11-03"))
	ck.NoError(err)
	ck.Equal("0.9237875289", r.Rate.String())
	ck.Equal("inverse of EUR -> USD as of 2026-10-01", r.Source) // no source given

	// InversePlaces: 1 / 3 = 0.3333... -> 0.3333; 1 / 1.5 = 0.6666... -> 0.6667.
	tab, err = NewRateTable(
		Rate{From: GBP, To: USD, Rate: dec("3"), AsOf: rateDay("2026-01-01"), Source: "test"},
		Rate{From: CHF, To: USD, Rate: dec("1.5"), AsOf: rateDay("2026-01-01"), Source: "test"},
	)
	ck.NoError(err)
	tab.AllowInverse, tab.InversePlaces = true, 4
	r, err = tab.Rate(USD, GBP, rateDay("2026-01-01"))
	ck.NoError(err)
	ck.Equal("0.3333", r.Rate.String())
	r, err = tab.Rate(USD, CHF, rateDay("2026-01-01"))
	ck.NoError(err)
	ck.Equal("0.6667", r.Rate.String())
	tab.InversePlaces = -1
	_, err = tab.Rate(USD, GBP, rateDay("2026-01-01"))
	ck.ErrorIs(err, ErrNoRate)
	tab.InversePlaces = 31
	_, err = tab.Rate(USD, GBP, rateDay("2026-01-01"))
	ck.ErrorIs(err, ErrNoRate)

	// A rate that inverts to zero at the places kept is refused.
	vnd := Currency("VND")
	tab, err = NewRateTable(Rate{From: USD, To: vnd, Rate: dec("30000000000"), AsOf: rateDay("2026-01-01")})
	ck.NoError(err)
	tab.AllowInverse = true
	_, err = tab.Rate(vnd, USD, rateDay("2026-01-01"))
	ck.ErrorIs(err, ErrNoRate) // 1 / 3e10 = 0.0000000000333... -> 0 at 10 places
	ck.Contains(err.Error(), "zero at 10 places")
}

func TestRateTableDirectWins(t *testing.T) {
	ck := moneyCheck{t}
	tab, err := NewRateTable(
		Rate{From: USD, To: EUR, Rate: dec("0.81"), AsOf: rateDay("2026-01-01"), Source: "direct"},
		Rate{From: EUR, To: USD, Rate: dec("1.30"), AsOf: rateDay("2026-03-01"), Source: "newer, other way"},
	)
	ck.NoError(err)
	tab.AllowInverse = true
	// The direct rate wins even though the other direction is newer.
	r, err := tab.Rate(USD, EUR, rateDay("2026-04-01"))
	ck.NoError(err)
	ck.Equal("0.81", r.Rate.String())
	ck.Equal("direct", r.Source)
	// Before any rate is in force there is nothing.
	_, err = tab.Rate(USD, EUR, rateDay("2025-12-01"))
	ck.ErrorIs(err, ErrNoRate)

	// While no direct rate is in force yet, the inverse answers; once the
	// direct one is, it takes over.
	tab, err = NewRateTable(
		Rate{From: USD, To: CHF, Rate: dec("0.9"), AsOf: rateDay("2026-06-01"), Source: "direct"},
		Rate{From: CHF, To: USD, Rate: dec("1.25"), AsOf: rateDay("2026-01-01"), Source: "SNB"},
	)
	ck.NoError(err)
	tab.AllowInverse = true
	r, err = tab.Rate(USD, CHF, rateDay("2026-04-01"))
	ck.NoError(err)
	ck.Equal("0.8", r.Rate.String()) // 1 / 1.25
	ck.Equal("inverse of SNB", r.Source)
	r, err = tab.Rate(USD, CHF, rateDay("2026-06-01"))
	ck.NoError(err)
	ck.Equal("0.9", r.Rate.String())
}

func TestNewRateTableErrors(t *testing.T) {
	ck := moneyCheck{t}
	jan := rateDay("2026-01-01")
	tests := []struct {
		name  string
		rates []Rate
		want  error // nil: just an error
		text  string
	}{
		{"unknown from", []Rate{{From: "XYZ", To: USD, Rate: dec("1"), AsOf: jan}}, ErrUnknownCurrency, `rate 1 (XYZ -> USD as of 2026-01-01): from currency "XYZ"`},
		{"unknown to", []Rate{{From: USD, To: "usd", Rate: dec("1"), AsOf: jan}}, ErrUnknownCurrency, `to currency "usd"`},
		{"zero rate", []Rate{{From: EUR, To: USD, Rate: dec("0"), AsOf: jan}}, ErrInvalidAmount, "rate is 0, want > 0"},
		{"negative rate", []Rate{{From: EUR, To: USD, Rate: dec("-1.08"), AsOf: jan}}, ErrInvalidAmount, "rate is -1.08, want > 0"},
		{"unset rate", []Rate{{From: EUR, To: USD, AsOf: jan}}, ErrInvalidAmount, "want > 0"},
		{"same currency", []Rate{{From: EUR, To: EUR, Rate: dec("1"), AsOf: jan}}, ErrInvalidAmount, "same currency"},
		{"no date", []Rate{{From: EUR, To: USD, Rate: dec("1.08")}}, nil, "no as-of date"},
		{"duplicate", []Rate{
			{From: EUR, To: USD, Rate: dec("1.08"), AsOf: jan, Source: "ECB"},
			{From: EUR, To: GBP, Rate: dec("0.86"), AsOf: jan, Source: "ECB"},
			{From: EUR, To: USD, Rate: dec("1.09"), AsOf: jan, Source: "bank"},
		}, nil, `rate 3 (EUR -> USD as of 2026-01-01): duplicate: a rate for EUR -> USD as of 2026-01-01 is already given (1.08 from "ECB", now 1.09 from "bank")`},
	}
	for _, tt := range tests {
		_, err := NewRateTable(tt.rates...)
		ck.True(err != nil, tt.name)
		if err == nil {
			continue
		}
		if tt.want != nil {
			ck.ErrorIs(err, tt.want, tt.name)
		}
		ck.Contains(err.Error(), tt.text, tt.name)
	}

	// The same pair on different dates, and both directions on one date, are fine.
	_, err := NewRateTable(
		Rate{From: EUR, To: USD, Rate: dec("1.08"), AsOf: jan},
		Rate{From: EUR, To: USD, Rate: dec("1.09"), AsOf: jan.AddDays(1)},
		Rate{From: USD, To: EUR, Rate: dec("0.92"), AsOf: jan},
	)
	ck.NoError(err)
	tab, err := NewRateTable()
	ck.NoError(err)
	_, err = tab.Rate(EUR, USD, jan)
	ck.ErrorIs(err, ErrNoRate)
}

func TestConvertThenRound(t *testing.T) {
	ck := moneyCheck{t}
	tab, err := NewRateTable(
		Rate{From: EUR, To: USD, Rate: dec("1.0825"), AsOf: rateDay("2026-10-01"), Source: "ECB"},
		Rate{From: EUR, To: JPY, Rate: dec("162.37"), AsOf: rateDay("2026-10-01"), Source: "ECB"},
		Rate{From: JPY, To: USD, Rate: dec("0.006543"), AsOf: rateDay("2026-10-01"), Source: "ECB"},
	)
	ck.NoError(err)
	on := rateDay("2026-11-03")

	// 1234.56 x 1.0825 = 1234.56 + 1234.56 x 0.08 + 1234.56 x 0.0025
	//                  = 1234.56 + 98.7648 + 3.0864 = 1336.4112
	// exact, carried at 2 + 4 = 6 places: 1336.411200; half_up to cents
	// (third decimal 1) gives 1336.41.
	c, err := Convert(MustParseMoney("1234.56", "EUR"), USD, tab, on)
	ck.NoError(err)
	ck.Equal("1336.411200 USD", c.To.String())
	ck.True(c.To.Amount().Equal(dec("1336.41120")))
	ck.Equal("1234.56 EUR", c.From.String())
	ck.Equal("ECB", c.Rate.Source)
	ck.Equal("2026-10-01", c.Rate.AsOf.String())
	ck.Equal("1336.41 USD", c.To.RoundToMinor(HalfUp).String())

	// 1234.56 x 162.37 = 1234.56 x 162 + 1234.56 x 0.37
	//                  = 199998.72 + 456.7872 = 200455.5072 JPY;
	// yen have no minor unit: half_up gives 200456, down gives 200455.
	c, err = Convert(MustParseMoney("1234.56", "EUR"), JPY, tab, on)
	ck.NoError(err)
	ck.True(c.To.Amount().Equal(dec("200455.5072")), c.To)
	ck.Equal("200456 JPY", c.To.RoundToMinor(HalfUp).String())
	ck.Equal("200455 JPY", c.To.RoundToMinor(Down).String())

	// 12345 x 0.006543 = 80773335 / 10^6 = 80.773335 USD -> 80.77.
	c, err = Convert(MustParseMoney("12345", "JPY"), USD, tab, on)
	ck.NoError(err)
	ck.Equal("80.773335 USD", c.To.String())
	ck.Equal("80.77 USD", c.To.RoundToMinor(HalfUp).String())

	// Through an allowed inverse: USD -> EUR at 1 / 1.0825 = 0.9237875289
	// (see TestRateTableInverse); 100.00 x 0.9237875289 = 92.37875289 -> 92.38.
	tab.AllowInverse = true
	c, err = Convert(MustParseMoney("100.00", "USD"), EUR, tab, on)
	ck.NoError(err)
	ck.Equal("92.378752890000 EUR", c.To.String())
	ck.Equal("92.38 EUR", c.To.RoundToMinor(HalfUp).String())
	ck.Equal("inverse of ECB", c.Rate.Source)
}

// fixedSource answers every question with the same rate.
type fixedSource struct{ r Rate }

func (f fixedSource) Rate(from, to Currency, on Date) (Rate, error) { return f.r, nil }

func TestConvertErrors(t *testing.T) {
	ck := moneyCheck{t}
	on := rateDay("2026-11-03")
	m := MustParseMoney("10", "EUR")

	// Same currency: unchanged, rate 1, no source needed.
	c, err := Convert(m, EUR, nil, on)
	ck.NoError(err)
	ck.True(c.To.Equal(m))
	ck.True(c.Rate.Rate.Equal(decimal.NewFromInt(1)))

	_, err = Convert(m, "XYZ", nil, on)
	ck.ErrorIs(err, ErrUnknownCurrency)

	_, err = Convert(m, USD, nil, on)
	ck.ErrorIs(err, ErrNoRate)
	ck.Contains(err.Error(), "EUR -> USD on 2026-11-03")

	_, err = Convert(m, USD, eurUSD(t), rateDay("2025-01-01"))
	ck.ErrorIs(err, ErrNoRate)

	_, err = Convert(m, USD, fixedSource{Rate{From: GBP, To: USD, Rate: dec("1.3")}}, on)
	ck.ErrorIs(err, ErrNoRate)
	ck.Contains(err.Error(), "answered GBP -> USD")

	_, err = Convert(m, USD, fixedSource{Rate{From: EUR, To: USD, Rate: dec("0")}}, on)
	ck.ErrorIs(err, ErrInvalidAmount)
}

func TestRateTableConcurrentReads(t *testing.T) {
	tab := eurUSD(t)
	tab.AllowInverse = true
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, err := tab.Rate(EUR, USD, rateDay("2026-02-15")); err != nil {
					errs <- err
					return
				}
				if _, err := tab.Rate(USD, EUR, rateDay("2026-02-15")); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
