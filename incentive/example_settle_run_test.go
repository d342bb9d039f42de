package incentive_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// settleInputs are three deals of P-1, one a month from January.
func settleInputs(amounts ...string) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		for i, amount := range amounts {
			in := incentive.Input{Deal: incentive.Deal{ID: fmt.Sprint("D-", i), PartnerID: "P-1",
				Amount:    incentive.MustParseMoney(amount, "USD"),
				CloseDate: time.Date(2026, time.Month(1+i), 15, 12, 0, 0, 0, time.UTC)}}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// Attached to the run, the settlement is bound by the partner cap: the
// true-up of 550.00 (1,650.00 entitled - 1,100.00 advanced) finds
// 1,500.00 - 1,100.00 = 400.00 left in the quarter's cap, and 150.00 is
// cut.
func ExampleRunOptions_settlements() {
	d := decimal.RequireFromString
	to := d("50000")
	e, err := incentive.NewEvaluator(&incentive.Program{
		ID: "rebate", Name: "Rebate", Version: 1, Currency: incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 1, Day: 1}},
		Earnings: []incentive.Earning{{ID: "advance", Type: incentive.Rebate,
			Amount: incentive.RateOf(incentive.PathDealAmount, d("0.02"))}},
		Caps: []incentive.Cap{{Scope: incentive.CapPartner, Limit: d("1500"), Period: incentive.PeriodQuarter}},
		Settlements: []incentive.Settlement{{ID: "quarterly", Type: incentive.Rebate, Period: incentive.PeriodQuarter,
			Advances: []string{"advance"},
			Bands: &incentive.BandTable{Method: incentive.Retroactive, Pays: incentive.PaysRate, Bands: []incentive.Band{
				{From: d("0"), To: &to, Value: d("0.01")}, {From: d("50000"), Value: d("0.03")}}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	b := e.NewSettlements()
	for _, err := range e.Run(context.Background(), settleInputs("20000", "25000", "10000"), incentive.RunOptions{Settlements: b}) {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, l := range b.Settle(incentive.Date{Year: 2026, Month: 3, Day: 31}) {
		fmt.Println(l.From, "true-up", l.TrueUp, "payable", l.Payable, "capped", l.Capped, "by", l.Cuts[0].Scope)
	}
	// Output:
	// 2026-01-01 true-up 550.00 USD payable 400.00 USD capped 150.00 USD by partner
}

// A builder attached to a run is the run's: adding results to it by hand
// would count them twice.
func ExampleRunOptions_settlements_error() {
	e := settlementExample()
	b := e.NewSettlements()
	for _, err := range e.Run(context.Background(), settleInputs("20000"), incentive.RunOptions{Settlements: b}) {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	r, _ := e.Evaluate(context.Background(), incentive.Input{Deal: incentive.Deal{ID: "D-9", PartnerID: "P-1",
		Amount: incentive.MustParseMoney("100", "USD"), CloseDate: time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)}}, time.Time{})
	err := b.Add(r)
	fmt.Println(errors.Is(err, incentive.ErrInvalidOptions))
	fmt.Println(err)
	// Output:
	// true
	// invalid run options: Add on a SettlementBuilder attached to a run (RunOptions.Settlements); the run adds its results itself
}
