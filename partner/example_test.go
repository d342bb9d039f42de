package partner_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

func at(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s+"T09:00:00Z")
	return t
}

// A reseller moves from prospect to active; the first activation attempt
// fails because its tax form is not approved yet.
func ExampleLifecycle_Transition() {
	p := &partner.Partner{
		ID: "P-1", Name: "Acme Resale GmbH", Type: partner.Reseller, Country: "DE",
		Contacts: []partner.Contact{{Role: partner.RolePayee, Name: "Ben", Email: "ben@acme.example"}},
		Payment:  &partner.PaymentDetails{Method: partner.BankTransfer, AccountHolder: "Acme Resale GmbH", AccountRef: "DE..1234"},
		Documents: []partner.Document{
			{ID: "agr-1", Kind: partner.Agreement, Status: partner.DocApproved, ValidUntil: partner.MustDate("2027-12-31")},
			{ID: "tax-1", Kind: partner.TaxForm, Form: "W-8BEN", Status: partner.DocPending},
		},
	}
	var lc partner.Lifecycle // default requirements: agreement, tax form, payee
	if _, err := lc.Transition(p, partner.TransitionRequest{To: partner.Onboarding, At: at("2026-01-05"), Actor: "pm@vendor"}); err != nil {
		fmt.Println(err)
	}
	_, err := lc.Transition(p, partner.TransitionRequest{To: partner.Active, At: at("2026-01-20"), Actor: "pm@vendor"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, partner.ErrInvalidTransition))

	p.Documents[1].Status = partner.DocApproved
	e, err := lc.Transition(p, partner.TransitionRequest{To: partner.Active, At: at("2026-01-22"), Actor: "pm@vendor"})
	fmt.Println(e.From, "->", e.To, err)
	fmt.Println("on 2026-01-21:", p.StateAt(at("2026-01-21")))
	// Output:
	// partner P-1 cannot move from onboarding to active: tax form W-8BEN (tax-1) is pending, not approved
	// true
	// onboarding -> active <nil>
	// on 2026-01-21: onboarding
}

// Offboarding needs the ledger's answer: here it still owes the partner money.
func ExampleLifecycle_Transition_offboarding() {
	p := &partner.Partner{ID: "P-2", Name: "Globex", Type: partner.Referral, Status: partner.Offboarding}
	var lc partner.Lifecycle
	_, err := lc.Transition(p, partner.TransitionRequest{
		To: partner.Offboarded, At: at("2026-03-01"), Actor: "ops",
		Clearance: &partner.Clearance{OpenClaims: 1, Balance: decimal.RequireFromString("250.00"), Currency: "USD"},
	})
	var te *partner.TransitionError
	if errors.As(err, &te) {
		for _, b := range te.Unmet {
			fmt.Println(b.Item+":", b.Detail)
		}
	}
	// Output:
	// open_claims: 1 open claim(s)
	// balance: the program owes the partner 250.00 USD
}

// The ledger asks before paying.
func ExamplePartner_CanBePaid() {
	p := &partner.Partner{ID: "P-3", Name: "Initech",
		Payment:   &partner.PaymentDetails{Method: partner.BankTransfer, AccountHolder: "Initech", AccountRef: "US..9876"},
		Documents: []partner.Document{{ID: "w9", Kind: partner.TaxForm, Form: "W-9", Status: partner.DocApproved, ValidUntil: partner.MustDate("2026-06-30")}},
	}
	fmt.Println(p.CanBePaid(at("2026-06-30")))
	err := p.CanBePaid(at("2026-07-01"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, partner.ErrPaymentBlocked))
	// Output:
	// <nil>
	// partner P-3 cannot be paid on 2026-07-01: tax form W-9 (w9) expired on 2026-06-30
	// true
}

// Two partners register the same customer: the second approval is refused
// with the conflict, the closed deal matches the first registration.
func ExampleRegistrationPolicy_Approve() {
	pol := partner.RegistrationPolicy{ValidityDays: 90}
	first := &partner.Registration{ID: "R-1", PartnerID: "P-1", Product: "Widgets",
		Customer: partner.Customer{Name: "Acme, Inc.", Domain: "https://www.acme.com"},
		Amount:   decimal.RequireFromString("48000.00"), Currency: "USD"}
	second := &partner.Registration{ID: "R-2", PartnerID: "P-2", Product: "widgets",
		Customer: partner.Customer{Name: "ACME Corporation", Domain: "acme.com"}}
	_ = pol.Submit(first, at("2026-03-01"), "rep@p1")
	_ = pol.Submit(second, at("2026-03-02"), "rep@p2")

	fmt.Println(pol.Approve(first, partner.Decision{At: at("2026-03-02"), Actor: "cam"}, nil))
	fmt.Println("valid until", first.ValidUntil)
	fmt.Println(pol.Approve(second, partner.Decision{At: at("2026-03-03"), Actor: "cam"}, []*partner.Registration{first}))

	r, err := partner.MatchDeal([]*partner.Registration{first, second}, partner.ClosedDeal{
		ID: "D-9", PartnerID: "P-1", Customer: partner.Customer{Domain: "acme.com"}, Product: "Widgets", Closed: at("2026-05-20"), Won: true})
	fmt.Println(r.ID, r.ApprovedOn(), err)
	// Output:
	// <nil>
	// valid until 2026-05-30
	// registration R-2 conflicts: partner P-1 registered the same customer and product "Widgets" in R-1 (approved until 2026-05-30)
	// R-1 2026-03-02 <nil>
}

// A tier policy in Go: gold needs 250,000 of revenue; after 30 days below,
// a gold partner is demoted.
func ExampleTierPolicy_Evaluate() {
	revenue := func(in partner.TierInput) decimal.Decimal { return in.Metrics.Revenue12M }
	tp := &partner.TierPolicy{ID: "tiers", GraceDays: 30, Tiers: []partner.TierLevel{
		{Tier: "silver"},
		{Tier: "gold", Criteria: []partner.Criterion{
			{Name: "revenue", Condition: partner.Threshold("revenue_12m", decimal.NewFromInt(250000), revenue)}}},
	}}
	p := &partner.Partner{ID: "P-1", Tier: "gold"}
	for _, day := range []string{"2026-06-01", "2026-07-01"} {
		rec, err := tp.Evaluate(p, partner.TierMetrics{Revenue12M: decimal.RequireFromString("180000")}, partner.MustDate(day))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(day, rec.Action, rec.Reason)
		if _, _, err := partner.Apply(p, rec, at(day), "tier-job"); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println("tier:", p.Tier, "- history:", p.History[0].FromTier, "->", p.History[0].ToTier)
	// Output:
	// 2026-06-01 keep keep gold in grace: misses gold revenue (revenue_12m = 180000) since 2026-06-01; demotion to silver on 2026-07-01 unless it qualifies again
	// 2026-07-01 demote demote gold to silver: misses gold revenue (revenue_12m = 180000) since 2026-06-01; the 30-day grace period ended on 2026-07-01
	// tier: silver - history: gold -> silver
}

// Expiring documents, computed for a fixed day.
func ExampleCompliance_Notices() {
	p := &partner.Partner{ID: "P-1", Name: "Acme", Status: partner.Active,
		Contacts:  []partner.Contact{{Role: partner.RolePrimary, Email: "ana@acme.example"}},
		Documents: []partner.Document{{ID: "ins-1", Kind: partner.Insurance, Status: partner.DocApproved, ValidUntil: partner.MustDate("2026-06-20")}},
		Payment:   &partner.PaymentDetails{Method: partner.Check, AccountHolder: "Acme", AccountRef: "PO box 1"},
	}
	p.Documents = append(p.Documents, partner.Document{ID: "tax", Kind: partner.TaxForm, Status: partner.DocApproved},
		partner.Document{ID: "agr", Kind: partner.Agreement, Status: partner.DocApproved})
	c := partner.Compliance{Clock: partner.FixedClock(at("2026-06-01")), Within: 30}
	ns, _ := c.Notices([]*partner.Partner{p})
	for _, n := range ns {
		fmt.Println(n.Kind, n.PartnerID, n.Reason, "->", n.To[0].Email)
	}
	// Output:
	// document_expiring P-1 insurance expires on 2026-06-20 (in 19 days) -> ana@acme.example
}

// A store keeps the partner; Update applies a transition under optimistic
// concurrency.
func ExampleUpdate() {
	ctx := context.Background()
	s := partner.NewMemoryStore()
	_, _ = s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: &partner.Partner{ID: "P-1", Name: "Acme", Type: partner.Referral}})
	var lc partner.Lifecycle
	p, err := partner.Update(ctx, s, "P-1", func(p *partner.Partner) error {
		_, err := lc.Transition(p, partner.TransitionRequest{To: partner.Onboarding, At: at("2026-01-05"), Actor: "pm"})
		return err
	})
	fmt.Println(p.Status, p.Version, err)
	_, err = s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-404"})
	fmt.Println(err, errors.Is(err, partner.ErrNotFound))
	// Output:
	// onboarding 2 <nil>
	// partner "P-404" not found true
}

// Customer domains are compared in a normal form.
func ExampleNormalizeDomain() {
	for _, s := range []string{"https://www.Acme.com/about", "buyer@acme.co.uk", "localhost"} {
		d, err := partner.NormalizeDomain(s)
		fmt.Printf("%q %v\n", d, err)
	}
	// Output:
	// "acme.com" <nil>
	// "acme.co.uk" <nil>
	// "" partner: invalid domain: "localhost" needs a dot, as in example.com
}

// Book metrics from plain facts.
func ExampleComputeMetrics() {
	p := &partner.Partner{ID: "P-1", Type: partner.Reseller, Region: "emea", Status: partner.Active, History: []partner.Event{
		{From: partner.Prospect, To: partner.Onboarding, At: at("2026-01-05")},
		{From: partner.Onboarding, To: partner.Active, At: at("2026-01-19")},
	}}
	m, err := partner.ComputeMetrics(partner.MetricsInput{
		Partners: []*partner.Partner{p},
		From:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), // [Q1)
		Deals: []partner.DealFact{
			{ID: "D-1", PartnerID: "P-1", Closed: at("2026-02-02"), Won: true, Amount: decimal.RequireFromString("1200.00")},
			{ID: "D-2", PartnerID: "P-1", Closed: at("2026-03-02"), Won: true, Amount: decimal.RequireFromString("800.00"), Attribution: partner.Influenced},
		},
		Leads: []partner.LeadFact{{ID: "L-1", PartnerID: "P-1", Submitted: at("2026-01-20"), Converted: true}, {ID: "L-2", PartnerID: "P-1", Submitted: at("2026-01-21")}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// 2026-01-05 to 2026-01-19 is 14 days (336h); 2026-01-19 to the first won deal on 2026-02-02 is 14 days too.
	fmt.Println("time to activation:", m.MedianTimeToActivation)
	fmt.Println("time to first deal:", m.MedianTimeToFirstDeal)
	// share = 1200.00 / (1200.00 + 800.00) = 0.6
	fmt.Println("sourced:", m.SourcedRevenue.StringFixed(2), "influenced:", m.InfluencedRevenue.StringFixed(2), "share:", m.SourcedShare)
	fmt.Println("lead conversion:", m.LeadConversion)
	for _, pc := range m.UniqueTransacting {
		fmt.Println(pc.Start.Format("2006-01"), pc.Count)
	}
	// Output:
	// time to activation: 336h0m0s
	// time to first deal: 336h0m0s
	// sourced: 1200.00 influenced: 800.00 share: 0.6
	// lead conversion: 0.5
	// 2026-01 0
	// 2026-02 1
	// 2026-03 1
}
