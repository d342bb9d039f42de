package growthref

import (
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal { v := d(s); return &v }

// Program is examples/programs/q4-growth.yaml built in plain Go with the
// engine's helpers: the engine-side baseline of the benchmarks (the same
// engine, no YAML and no expressions).
func Program() *incentive.Program {
	nyc, _ := time.LoadLocation("America/New_York")
	I := incentive.In
	return &incentive.Program{
		ID: "q4-2026-partner-growth", Name: "Q4 2026 Partner Growth Program", Version: 1,
		Currency:  incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 10, Day: 1}, To: incentive.Date{Year: 2026, Month: 12, Day: 31}, Location: nyc},
		Claims:    incentive.ClaimWindow{Days: 60},
		MinPayout: d("100"),
		Fields:    []incentive.FieldDecl{{Name: "segment", Type: incentive.FieldString}},
		Eligibility: []incentive.Clause{
			{Name: "registered deal", When: incentive.Equals(incentive.PathDealRegistered, true)},
			{Name: "new business or upsell", When: I(incentive.PathDealType, "new_business", "upsell")},
			{Name: "silver tier or above", When: I(incentive.PathPartnerTier, "silver", "gold", "platinum")},
		},
		Earnings: []incentive.Earning{
			{ID: "new-logo-spiff", Type: incentive.Spiff, When: incentive.Equals(incentive.PathDealType, "new_business"),
				Amount: incentive.RateOf(incentive.PathDealAmount, d("0.02"))},
			{ID: "enterprise-kicker", Type: incentive.Bonus, Group: "kicker",
				When:   incentive.All(incentive.Equals("deal.segment", "enterprise"), incentive.AtLeast(incentive.PathDealAmount, d("50000"))),
				Amount: incentive.Const(d("500"))},
			{ID: "platinum-kicker", Type: incentive.Bonus, Group: "kicker", When: incentive.Equals(incentive.PathPartnerTier, "platinum"),
				Amount: incentive.RateOf(incentive.PathDealAmount, d("0.01"))},
			{ID: "volume-rebate", Type: incentive.Rebate, Bands: &incentive.BandTable{
				Method: incentive.Marginal, Basis: incentive.BasisPeriod, Period: incentive.PeriodQuarter, Pays: incentive.PaysRate,
				Bands: []incentive.Band{
					{From: d("0"), To: dp("100000"), Value: d("0.01")},
					{From: d("100000"), To: dp("250000"), Value: d("0.02"), Label: "silver"},
					{From: d("250000"), Value: d("0.03"), Label: "gold"},
				}}},
		},
		Groups: []incentive.Group{{ID: "kicker", Pick: incentive.PickHighest}},
		Caps: []incentive.Cap{
			{Scope: incentive.CapLine, Earning: "new-logo-spiff", Limit: d("1500")},
			{Scope: incentive.CapDeal, Limit: d("2500")},
			{Scope: incentive.CapPartner, Limit: d("25000"), Period: incentive.PeriodQuarter},
			{Scope: incentive.CapBudget, Limit: d("250000")},
		},
	}
}
