package incentive_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// 0.09 USD by 35:45:20 is 3.15, 4.05 and 1.8 cents: each payee gets the
// floor (3, 4 and 1 cents) and the rule says who gets the cent left over.
func ExampleMoney_AllocateBy() {
	m := incentive.MustParseMoney("0.09", "USD")
	ratios := []decimal.Decimal{decimal.NewFromInt(35), decimal.NewFromInt(45), decimal.NewFromInt(20)}
	for _, rule := range incentive.RemainderRules() {
		parts, _ := m.AllocateBy(rule, 2, ratios...)
		fmt.Println(rule, parts)
	}
	// Output:
	// largest_remainder [0.03 USD 0.04 USD 0.02 USD]
	// largest_share [0.03 USD 0.05 USD 0.01 USD]
	// first [0.04 USD 0.04 USD 0.01 USD]
}

// An amount finer than the scale is never rounded silently.
func ExampleMoney_AllocateBy_error() {
	m := incentive.MustParseMoney("10.005", "USD")
	_, err := m.AllocateBy(incentive.RemainderFirst, 2, decimal.NewFromInt(1), decimal.NewFromInt(1))
	fmt.Println(errors.Is(err, incentive.ErrInvalidAmount))
	fmt.Println(err)
	// Output:
	// true
	// invalid amount: cannot allocate 10.005 USD at 2 decimal places: the amount has more places; round it first
}

// A quarterly rebate advanced at 2% per deal: the quarter's 55,000.00
// reaches the 3% band (1,650.00), so the true-up pays 1,650.00 - 1,100.00
// advanced = 550.00.
func ExampleSettlementBuilder() {
	d := decimal.RequireFromString
	to := d("50000")
	p := &incentive.Program{
		ID: "rebate", Name: "Rebate", Version: 1, Currency: incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 1, Day: 1}},
		Earnings: []incentive.Earning{{ID: "advance", Type: incentive.Rebate,
			Amount: incentive.RateOf(incentive.PathDealAmount, d("0.02"))}},
		Settlements: []incentive.Settlement{{ID: "quarterly", Type: incentive.Rebate, Period: incentive.PeriodQuarter,
			Advances: []string{"advance"},
			Bands: &incentive.BandTable{Method: incentive.Retroactive, Pays: incentive.PaysRate, Bands: []incentive.Band{
				{From: d("0"), To: &to, Value: d("0.01")}, {From: d("50000"), Value: d("0.03")}}}}},
	}
	e, err := incentive.NewEvaluator(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := e.NewSettlements()
	for i, amount := range []string{"20000", "25000", "10000"} {
		in := incentive.Input{Deal: incentive.Deal{ID: fmt.Sprint("D-", i), PartnerID: "P-1",
			Amount:    incentive.MustParseMoney(amount, "USD"),
			CloseDate: time.Date(2026, time.Month(1+i), 15, 12, 0, 0, 0, time.UTC)}}
		r, err := e.Evaluate(context.Background(), in, in.Deal.CloseDate)
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = b.Add(r)
	}
	for _, l := range b.Settle(incentive.Date{Year: 2026, Month: 3, Day: 31}) {
		fmt.Println(l.From, l.Basis, "entitled", l.Entitlement, "advanced", l.Advances, "true-up", l.TrueUp, "payable", l.Payable)
	}
	// Output:
	// 2026-01-01 55000.00 USD entitled 1650.00 USD advanced 1100.00 USD true-up 550.00 USD payable 550.00 USD
}
