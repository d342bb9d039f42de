package incentive_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// mdf reimburses half the cost (the deal amount), capped per activity by
// the approved amount the deal carries.
func mdf() *incentive.Program {
	approved := incentive.FormulaFunc("deal.approved", []string{"deal.approved"}, func(s *incentive.Scope) (decimal.Decimal, error) {
		v, _ := s.Lookup("deal.approved")
		return v.(decimal.Decimal), nil
	})
	return &incentive.Program{
		ID: "mdf", Version: 1, Currency: incentive.USD,
		Fields:   []incentive.FieldDecl{{Name: "approved", Type: incentive.FieldDecimal}},
		Earnings: []incentive.Earning{{ID: "reimburse", Type: incentive.MDF, Amount: incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.5"))}},
		Caps:     []incentive.Cap{{Scope: incentive.CapLine, Earning: "reimburse", LimitFormula: approved}},
	}
}

// A line cap computed from the deal: half of 5,000.00 is 2,500.00, cut to
// the 1,500.00 approved for the activity.
func ExampleCap_limitFormula() {
	in := incentive.Input{
		Deal: incentive.Deal{ID: "A-1", PartnerID: "P-1", Amount: incentive.MustParseMoney("5000.00", "USD"),
			CloseDate: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC),
			Fields:    map[string]any{"approved": decimal.RequireFromString("1500.00")}},
		Partner: partner.Partner{ID: "P-1"},
	}
	r, err := incentive.Evaluate(context.Background(), mdf(), in, time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	cut := r.Lines[0].Cuts[0]
	fmt.Println(r.Total, cut.Scope, cut.Limit, cut.Cut)
	// Output: 1500.00 USD line 1500 1000
}

// growth pays 5% of what a deal adds above the partner's previous quarter.
func growth() *incentive.Program {
	return &incentive.Program{
		ID: "growth", Version: 1, Currency: incentive.USD,
		Earnings: []incentive.Earning{{ID: "growth", Type: incentive.Rebate, Amount: incentive.FormulaFunc(
			"5% above last quarter", []string{incentive.HistoryPath(incentive.PeriodQuarter, 1)},
			func(s *incentive.Scope) (decimal.Decimal, error) {
				last, err := s.HistoryTotal(incentive.PeriodQuarter, 1)
				if err != nil {
					return decimal.Decimal{}, err
				}
				return decimal.Max(s.Amount.Sub(last), decimal.Zero).Mul(decimal.RequireFromString("0.05")), nil
			})}},
	}
}

// A partner's totals of earlier periods come with the deal: 2026-Q1 is the
// quarter before the deal's 2026-Q2. (50,000.00 - 30,000.00) x 5% = 1,000.00.
func ExampleHistory() {
	in := incentive.Input{
		Deal: incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: incentive.MustParseMoney("50000.00", "USD"),
			CloseDate: time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)},
		Partner: partner.Partner{ID: "P-1"},
		History: incentive.History{"2026-Q1": decimal.RequireFromString("30000.00")},
	}
	r, err := incentive.Evaluate(context.Background(), growth(), in, time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Total)
	// Output: 1000.00 USD
}

// A period the terms read that the caller did not supply is an error, never
// a zero.
func ExampleHistory_missing() {
	in := incentive.Input{
		Deal: incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: incentive.MustParseMoney("50000.00", "USD"),
			CloseDate: time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)},
		Partner: partner.Partner{ID: "P-1"},
		History: incentive.History{"2025-Q4": decimal.RequireFromString("30000.00")},
	}
	_, err := incentive.Evaluate(context.Background(), growth(), in, time.Time{})
	fmt.Println(errors.Is(err, incentive.ErrNoHistory))
	fmt.Println(err)
	// Output:
	// true
	// program growth, deal D-1, earning "growth" amount: no history: partner "P-1" has no total for 2026-Q1 (1 quarter(s) before the deal's quarter 2026-Q2); supply it in the partner's history, as 0 if the partner closed nothing then
}

func ExamplePeriodBefore() {
	d := incentive.Date{Year: 2026, Month: 2, Day: 15}
	fmt.Println(incentive.PeriodLabel(incentive.PeriodQuarter, d), incentive.PeriodBefore(incentive.PeriodQuarter, d, 4), incentive.PeriodBefore(incentive.PeriodMonth, d, 2))
	// Output: 2026-Q1 2025-Q1 2025-12
}
