package incentive

import (
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

func decp(s string) *decimal.Decimal { d := dec(s); return &d }

func usd(s string) Money { return MustParseMoney(s, "USD") }

var nyc = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// day returns noon on a date in New York.
func day(s string) time.Time {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, nyc)
}

// spiffProgram is the DESIGN.md sketch program, built in Go.
func spiffProgram() *Program {
	return &Program{
		ID: "q4-2026-new-logo-spiff", Name: "Q4 2026 New Logo SPIFF", Version: 3, Hash: "abc123",
		Currency:  USD,
		Effective: Window{From: Date{2026, 10, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Claims:    ClaimWindow{Days: 60},
		Eligibility: []Clause{
			{Name: "registered new business", When: All(Equals(PathDealRegistered, true), Equals(PathDealType, "new_business"))},
			{Name: "gold or platinum partner", When: In(PathPartnerTier, "gold", "platinum")},
		},
		Earnings: []Earning{
			{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.02"))},
			{ID: "enterprise-kicker", Type: Spiff,
				When:   All(Equals(PathCustomerSegment, "enterprise"), AtLeast(PathDealAmount, dec("50000"))),
				Amount: Const(dec("500"))},
		},
		Caps: []Cap{
			{Scope: CapDeal, Limit: dec("2500")},
			{Scope: CapPartner, Limit: dec("10000")},
			{Scope: CapBudget, Limit: dec("250000")},
		},
	}
}

func deal(id, partnerID, amount, date string) Deal {
	return Deal{ID: id, PartnerID: partnerID, Amount: usd(amount), CloseDate: day(date),
		Type: NewBusiness, Registration: &Registration{ID: "R-" + id, Approved: Date{2026, 10, 1}}}
}

func gold(id string) partner.Partner {
	return partner.Partner{ID: id, Tier: "gold", Type: partner.Reseller}
}

func mustEval(t *testing.T, p *Program, in Input) *Result {
	t.Helper()
	r, err := Evaluate(t.Context(), p, in, day("2026-12-31"))
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return r
}

func silver(id string) partner.Partner {
	return partner.Partner{ID: id, Tier: "silver", Type: partner.Reseller}
}

// timeStep spaces generated deals one minute apart.
const timeStep = time.Minute

func durationOf(i int) time.Duration { return time.Duration(i) }
