package incentive

import (
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// DealType classifies a deal.
type DealType string

// Deal types. Programs may use others.
const (
	NewBusiness DealType = "new_business"
	Renewal     DealType = "renewal"
	Upsell      DealType = "upsell"
	CrossSell   DealType = "cross_sell"
)

// Registration is a partner's registration of a deal opportunity.
type Registration struct {
	ID       string
	Approved Date // zero when not (yet) approved
}

// DealLine is one product line of a deal.
type DealLine struct {
	Product  string
	Quantity int64
	Amount   Money
}

// Customer describes the end customer of a deal.
type Customer struct {
	ID       string
	Name     string
	Country  string
	Region   string
	Industry string
	Segment  string
}

// Deal is one closed sale (or credit) made by a partner.
type Deal struct {
	ID        string
	PartnerID string
	// CloseDate is the instant the deal closed. Its calendar date is read
	// in the program's time zone.
	CloseDate time.Time
	Amount    Money
	Quantity  int64
	Type      DealType
	// Registration is nil for an unregistered deal.
	Registration *Registration
	Lines        []DealLine
	Customer     Customer
	// Fields holds the values of the program's custom fields (see
	// FieldDecl): string, int64, decimal.Decimal, bool or Date.
	Fields map[string]any
	// Credits, on a credit note (a negative Amount), names the deal it
	// credits: an earlier deal of the same partner in the same Run. The
	// credit note then takes back what that deal was paid above what its
	// reduced net amount earns under the terms it closed under, never more
	// than it was paid (see the package documentation, "Credit notes").
	// Empty: the credit note names no deal.
	Credits string
}

// Registered reports whether the deal has an approved registration.
func (d *Deal) Registered() bool {
	return d.Registration != nil && !d.Registration.Approved.IsZero()
}

// Prior holds a partner's totals from before the deals being evaluated,
// supplied by the caller (for example from the ledger). All amounts are in
// the program currency. In a batch run (see Run) they apply to the period of
// the partner's first deal in the run; cumulative totals carry over.
type Prior struct {
	// PeriodAmount is the partner's eligible deal amount in the period.
	PeriodAmount decimal.Decimal
	// PeriodDeals is the number of the partner's eligible deals in the period.
	PeriodDeals int64
	// PeriodEarned is what the partner has earned in the period (after caps).
	PeriodEarned decimal.Decimal
	// Cumulative is the partner's eligible deal amount over the cumulative
	// span (e.g. year to date) before this run.
	Cumulative decimal.Decimal
	// Basis overrides the starting basis of a band table whose measure is
	// not the deal amount, keyed by earning id.
	Basis map[string]decimal.Decimal
	// BudgetUsed is what the whole program has paid before, for budget caps.
	BudgetUsed decimal.Decimal
}

// Input is what Evaluate needs for one deal.
type Input struct {
	Deal    Deal
	Partner partner.Partner
	Prior   Prior
	// History is the partner's totals of earlier periods, for terms that
	// read them (e.g. a growth baseline); nil when the terms read none.
	// Unlike Prior it is used in a run too: give every deal of a partner
	// the partner's history.
	History History
	// Rates converts a deal in another currency into the program currency.
	// Nil: deals must be in the program currency.
	Rates RateSource
}
