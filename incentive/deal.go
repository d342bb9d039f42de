package incentive

import (
	"fmt"
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

// DealLine is one product line of a deal. Expressions read it as line.*
// (line.product, line.family, line.quantity, line.unit_price, line.amount
// and the program's custom line fields, see Program.LineFields). Its
// money is in the deal's currency; an expression reading it needs that to
// be the program currency.
type DealLine struct {
	// Product is the product or SKU.
	Product  string
	Family   string
	Quantity int64
	// UnitPrice is the price of one unit; zero when not given.
	UnitPrice Money
	// Amount is the line's amount.
	Amount Money
	// Fields holds the values of the program's custom line fields:
	// string, int64, decimal.Decimal, bool or Date.
	Fields map[string]any
}

// MaxDealLines is the largest number of product lines a deal may carry,
// which bounds what an expression over deal.lines costs.
const MaxDealLines = 10_000

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
	// Every partner cap without an entry in CapUsed starts from it.
	PeriodEarned decimal.Decimal
	// CapUsed, keyed by index in Program.Caps, is what each partner cap
	// has paid the partner before in the deal's period of THAT cap (the
	// cap's own Period, which may differ from the program's: a monthly
	// cap of a quarterly program counts the deal's month, not its
	// quarter), the true-ups paid in it included (SettlementLine.Payable of
	// a period ending in it). A partner cap with an entry starts from it instead of
	// PeriodEarned; entries for other caps are ignored. Nil (the zero
	// value): every partner cap starts from PeriodEarned.
	CapUsed map[int]decimal.Decimal
	// Cumulative is the partner's eligible deal amount over the cumulative
	// span (e.g. year to date) before this run.
	Cumulative decimal.Decimal
	// Basis overrides the starting basis of a band table whose measure is
	// not the deal amount, keyed by earning id.
	Basis map[string]decimal.Decimal
	// BudgetUsed is what the whole program has paid before, for budget
	// caps, payable settlement true-ups included.
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

// lookupLine serves Scope.Lookup for "line.<name>".
func (s *Scope) lookupLine(name string) (any, bool) {
	l := s.Line
	if l == nil {
		return nil, false
	}
	switch name {
	case "product":
		return l.Product, true
	case "family":
		return l.Family, true
	case "quantity":
		return l.Quantity, true
	case "unit_price":
		return l.UnitPrice.amount, true
	case "amount":
		return l.Amount.amount, true
	}
	v, ok := l.Fields[name]
	if !ok {
		for _, f := range s.Program.LineFields {
			if f.Name == name && f.Optional {
				return f.Type.zero(), true
			}
		}
	}
	return v, ok
}

// checkLines validates a deal's product lines against the program.
func (e *Evaluator) checkLines(d *Deal) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidDeal, fmt.Sprintf(format, args...))
	}
	if len(d.Lines) > MaxDealLines {
		return bad("deal has %d product lines; at most %d are accepted", len(d.Lines), MaxDealLines)
	}
	for i := range d.Lines {
		l := &d.Lines[i]
		if l.Quantity < 0 {
			return bad("line %d (%q): quantity %d is negative", i+1, l.Product, l.Quantity)
		}
		for _, m := range []Money{l.Amount, l.UnitPrice} {
			if c := m.currency; c != "" && c != d.Amount.currency {
				return bad("line %d (%q) is in %s but the deal is in %s", i+1, l.Product, c, d.Amount.currency)
			}
		}
		for _, f := range e.p.LineFields {
			v, ok := l.Fields[f.Name]
			if !ok {
				if !f.Optional {
					return bad("line %d (%q): missing line field %q (%s)", i+1, l.Product, f.Name, f.Type)
				}
				continue
			}
			if ok, why := fieldValueOK(f.Type, v); !ok {
				return bad("line %d (%q): line field %q %s", i+1, l.Product, f.Name, why)
			}
		}
		for name := range l.Fields {
			if !e.lineField(name) {
				return bad("line %d (%q): unknown line field %q", i+1, l.Product, name)
			}
		}
	}
	return nil
}

func (e *Evaluator) lineField(name string) bool {
	for _, f := range e.p.LineFields {
		if f.Name == name {
			return true
		}
	}
	return false
}
