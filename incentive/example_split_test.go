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

// settlementExample is ExampleSettlementBuilder's program: 2% advanced per
// deal against a quarterly rebate of 1% below 50,000.00 and 3% from it.
func settlementExample() *incentive.Evaluator {
	d := decimal.RequireFromString
	to := d("50000")
	e, _ := incentive.NewEvaluator(&incentive.Program{
		ID: "rebate", Name: "Rebate", Version: 1, Currency: incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 1, Day: 1}},
		Earnings: []incentive.Earning{{ID: "advance", Type: incentive.Rebate,
			Amount: incentive.RateOf(incentive.PathDealAmount, d("0.02"))}},
		Settlements: []incentive.Settlement{{ID: "quarterly", Type: incentive.Rebate, Period: incentive.PeriodQuarter,
			Advances: []string{"advance"},
			Bands: &incentive.BandTable{Method: incentive.Retroactive, Pays: incentive.PaysRate, Bands: []incentive.Band{
				{From: d("0"), To: &to, Value: d("0.01")}, {From: d("50000"), Value: d("0.03")}}}}},
	})
	return e
}

// Two runs, one a quarter: Q2's 30,000.00 earns 1% (300.00) against
// 600.00 advanced, so -300.00 is carried; the next run carries it in, and
// Q3's 60,000.00 pays 1,800.00 - 1,200.00 - 300.00 = 300.00.
func ExampleSettlementBuilder_CarryIn() {
	e := settlementExample()
	run := func(carried []incentive.SettlementCarry, amount string, month time.Month, asOf incentive.Date) []incentive.SettlementCarry {
		b := e.NewSettlements()
		if err := b.CarryIn(carried); err != nil {
			fmt.Println(err)
			return nil
		}
		in := incentive.Input{Deal: incentive.Deal{ID: "D-" + amount, PartnerID: "P-1", Amount: incentive.MustParseMoney(amount, "USD"),
			CloseDate: time.Date(2026, month, 15, 12, 0, 0, 0, time.UTC)}}
		r, err := e.Evaluate(context.Background(), in, in.Deal.CloseDate)
		if err != nil {
			fmt.Println(err)
			return nil
		}
		if err := b.Add(r); err != nil {
			fmt.Println(err)
			return nil
		}
		for _, l := range b.Settle(asOf) {
			fmt.Println(l.From, "carried in", l.CarriedIn, "true-up", l.TrueUp, "payable", l.Payable, "carried out", l.CarriedOut)
		}
		return b.Carries(asOf)
	}
	q2 := run(nil, "30000", time.April, incentive.Date{Year: 2026, Month: 6, Day: 30})
	run(q2, "60000", time.July, incentive.Date{Year: 2026, Month: 9, Day: 30})
	// Output:
	// 2026-04-01 carried in 0.00 USD true-up -300.00 USD payable 0.00 USD carried out -300.00 USD
	// 2026-07-01 carried in -300.00 USD true-up 300.00 USD payable 300.00 USD carried out 0.00 USD
}

// A carry names a settlement the program does not have: nothing is
// carried in, rather than a balance silently dropped.
func ExampleSettlementBuilder_CarryIn_error() {
	b := settlementExample().NewSettlements()
	err := b.CarryIn([]incentive.SettlementCarry{{Settlement: "annual", PartnerID: "P-1",
		Carried: incentive.MustParseMoney("-80.00", "USD")}})
	fmt.Println(errors.Is(err, incentive.ErrInvalidProgram))
	fmt.Println(err)
	// Output:
	// true
	// invalid program: carried settlement "annual" of partner "P-1": program rebate v1 has no such settlement
}
