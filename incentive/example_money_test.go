package incentive_test

import (
	"errors"
	"fmt"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

func ExampleParseMoney() {
	m, err := incentive.ParseMoney("1234.5", "usd")
	fmt.Println(m, err)
	cents, ok := m.MinorUnits()
	fmt.Println(cents, ok)

	_, err = incentive.ParseMoney("1,000", "USD")
	fmt.Println(err)
	_, err = incentive.ParseMoney("10", "XYZ")
	fmt.Println(err)
	// Output:
	// 1234.50 USD <nil>
	// 123450 true
	// invalid amount: "1,000" is not a decimal number
	// unknown currency: "XYZ"
}

func ExampleMoney_Add() {
	a := incentive.MustParseMoney("1200.00", "USD")
	b := incentive.MustParseMoney("34.5", "USD")
	sum, err := a.Add(b) // 1200.00 + 34.50
	fmt.Println(sum, err)

	_, err = a.Add(incentive.MustParseMoney("100", "EUR"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, incentive.ErrCurrencyMismatch))
	// Output:
	// 1234.50 USD <nil>
	// currency mismatch: cannot add USD and EUR
	// true
}

func ExampleMoney_Allocate() {
	one, two := decimal.NewFromInt(1), decimal.NewFromInt(2)

	// 10000 cents / 3 = 3333.33 each: 3333 x 3 = 9999, and the cent left
	// goes to the first part (equal remainders: lower index first).
	parts, _ := incentive.MustParseMoney("100.00", "USD").Allocate(one, one, one)
	fmt.Println(parts[0], parts[1], parts[2])

	// 10 cents in 1:2 = 3.33 and 6.67: floors 3 + 6, and the cent left goes
	// to the second part, whose remainder (0.67) is the larger.
	parts, _ = incentive.MustParseMoney("0.10", "USD").Allocate(one, two)
	fmt.Println(parts[0], parts[1])

	// Negative amounts split by magnitude, each part negated.
	parts, _ = incentive.MustParseMoney("-100.00", "USD").Split(3)
	fmt.Println(parts[0], parts[1], parts[2])

	// Amounts finer than the minor unit are not rounded silently.
	_, err := incentive.MustParseMoney("10.005", "USD").Split(2)
	fmt.Println(errors.Is(err, incentive.ErrInvalidAmount))
	// Output:
	// 33.34 USD 33.33 USD 33.33 USD
	// 0.03 USD 0.07 USD
	// -33.34 USD -33.33 USD -33.33 USD
	// true
}

func ExampleConvert() {
	asOf, _ := incentive.ParseDate("2026-10-01")
	on, _ := incentive.ParseDate("2026-11-03")
	rates, err := incentive.NewRateTable(incentive.Rate{
		From: incentive.EUR, To: incentive.USD,
		Rate: decimal.RequireFromString("1.0825"), AsOf: asOf, Source: "ECB",
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// 1234.56 x 1.0825 = 1234.56 + 98.7648 + 3.0864 = 1336.4112, exact.
	c, err := incentive.Convert(incentive.MustParseMoney("1234.56", "EUR"), incentive.USD, rates, on)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.From, "->", c.To)
	fmt.Println("rate", c.Rate.Rate, "from", c.Rate.Source, "as of", c.Rate.AsOf)
	fmt.Println(c.To.RoundToMinor(incentive.HalfUp))

	// The table holds EUR -> USD only; USD -> EUR needs AllowInverse.
	_, err = incentive.Convert(incentive.MustParseMoney("100", "USD"), incentive.EUR, rates, on)
	fmt.Println(err)
	// Output:
	// 1234.56 EUR -> 1336.411200 USD
	// rate 1.0825 from ECB as of 2026-10-01
	// 1336.41 USD
	// no conversion rate: USD -> EUR on 2026-11-03: the inverse rate EUR -> USD exists (1.0825 as of 2026-10-01, "ECB") but the table does not allow inverse rates
}

func ExampleRoundingMode_Round() {
	d := decimal.RequireFromString
	fmt.Println("mode       0.125@2  2.5@0  -2.5@0")
	for _, mode := range incentive.RoundingModes() {
		fmt.Printf("%-9s  %-7s  %-5s  %s\n", mode,
			mode.Round(d("0.125"), 2), mode.Round(d("2.5"), 0), mode.Round(d("-2.5"), 0))
	}
	// Output:
	// mode       0.125@2  2.5@0  -2.5@0
	// half_up    0.13     3      -3
	// half_even  0.12     2      -2
	// half_down  0.12     2      -2
	// up         0.13     3      -3
	// down       0.12     2      -2
	// ceiling    0.13     3      -2
	// floor      0.12     2      -3
}
