package incentive

import (
	"strings"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// Condition decides a yes/no question about one deal. Package rules supplies
// expression-backed conditions; ConditionFunc and the helpers in this package
// build them in plain Go.
type Condition interface {
	Holds(s *Scope) (bool, error)
}

// Formula computes an amount (in the program currency) or a number for one
// deal.
type Formula interface {
	Value(s *Scope) (decimal.Decimal, error)
}

// Describer is implemented by conditions and formulas that can say what they
// are. Explanations show Source, and the values of the Reads paths the deal
// had. A condition or formula that reads period or cumulative paths is
// evaluated in deal order in batch runs; one that is not a Describer is
// assumed to read them.
type Describer interface {
	// Source is the condition or formula as written, e.g. `deal.amount * 0.02`.
	Source() string
	// Reads lists the Scope paths it reads, e.g. "deal.amount", "partner.tier".
	Reads() []string
}

// Accumulators are a partner's running totals before the current deal, in
// the program currency.
type Accumulators struct {
	// PeriodAmount is the eligible deal amount so far in the deal's period.
	PeriodAmount decimal.Decimal
	// PeriodDeals is the number of eligible deals so far in the period.
	PeriodDeals int64
	// PeriodEarned is what has been earned so far in the period.
	PeriodEarned decimal.Decimal
	// Cumulative is the eligible deal amount over the cumulative span.
	Cumulative decimal.Decimal
}

// Scope is what a Condition or Formula sees while one deal is evaluated.
// Implementations must treat it as read-only, except the cache (see
// SetCache).
type Scope struct {
	Program *Program
	Deal    *Deal
	// Amount is the deal amount converted into the program currency.
	Amount  decimal.Decimal
	Partner *partner.Partner
	// Acc holds the partner's totals before this deal. In the first phase
	// of a batch run (conditions and formulas that do not read them) it is
	// zero.
	Acc Accumulators
	// History is the partner's totals of earlier periods (Input.History),
	// read through HistoryTotal and the history.<unit>.<n> paths.
	History History
	// asOf is the run's as-of instant (the asOf of Evaluate,
	// RunOptions.AsOf); zero when the run has none. Expressions read its
	// date as run.as_of (see AsOf).
	asOf time.Time
	// cache is a per-deal slot for Condition and Formula implementations
	// (see Cache).
	cache any

	// Line is the product line being evaluated, inside an aggregate over
	// deal.lines or a per-line earning; nil otherwise. Lookup reads
	// line.* from it.
	Line *DealLine

	// vals memoises the named values of this deal (see NamedValue).
	vals []valueSlot
	// work is the deal's evaluation, for Earned.
	work *work
}

// AsOf returns the run's as-of instant (the asOf of Evaluate,
// RunOptions.AsOf) and whether the run has one. Expressions read its date,
// in the program's time zone, as run.as_of (PathRunAsOf).
func (s *Scope) AsOf() (time.Time, bool) { return s.asOf, !s.asOf.IsZero() }

// SetAsOf sets the as-of instant, for a Scope built outside the engine
// (testing a Condition or Formula on its own); the engine sets it from
// Evaluate's asOf and RunOptions.AsOf.
func (s *Scope) SetAsOf(t time.Time) { s.asOf = t }

// Cache returns the per-deal slot that Condition and Formula
// implementations may use to share work between the expressions of one
// deal (package rules keeps its prepared expression environment there); nil
// until SetCache. The engine starts every deal with an empty slot.
func (s *Scope) Cache() any { return s.cache }

// SetCache replaces the per-deal slot (see Cache).
func (s *Scope) SetCache(v any) { s.cache = v }

// Decimal returns c x 10^e, exactly as decimal.New(c, e) makes it, for
// Formula implementations that build a value from a coefficient (package
// rules makes its products so). During an evaluation the value comes from
// memory the deal shares with its result's amounts, a block of 16
// coefficients made at once instead of two allocations each: keeping the
// value keeps that block (640 bytes) alive, not just the value. Outside an
// evaluation (a Scope built by hand) it is decimal.New(c, e). Call it
// only within the Value or Holds call the engine gave the Scope to, on
// that goroutine: the memory is the evaluating goroutine's.
func (s *Scope) Decimal(c int64, e int32) decimal.Decimal {
	if s == nil || s.work == nil {
		return decimal.New(c, e)
	}
	return s.work.da.dec(c, e)
}

// Mul returns a.Mul(b) with the same coefficient and exponent: where both
// coefficients and their product fit an int64 of at most 18 digits and
// the product is not zero, it is multiplied as int64s and made with
// Decimal (the deal's memory, see Decimal, with the same rule on where it
// may be called); otherwise it is shopspring's Mul. RateOf and package
// rules make their products so.
func (s *Scope) Mul(a, b decimal.Decimal) decimal.Decimal {
	if x, ok := toFx(a); ok {
		if y, ok := toFx(b); ok {
			if p, ok := x.mul(y); ok && p.c != 0 {
				return s.Decimal(p.c, p.e)
			}
		}
	}
	return a.Mul(b)
}

// Paths that Lookup understands. Custom fields are "deal.<name>".
const (
	PathDealID         = "deal.id"
	PathDealPartnerID  = "deal.partner_id"
	PathDealAmount     = "deal.amount"
	PathDealCurrency   = "deal.currency"
	PathDealQuantity   = "deal.quantity"
	PathDealType       = "deal.type"
	PathDealRegistered = "deal.registered"
	PathDealRegID      = "deal.registration_id"
	PathDealCloseDate  = "deal.close_date"
	// PathDealRegApproved is the approval date of the deal's registration:
	// the zero Date when the deal has no approved registration.
	PathDealRegApproved  = "deal.registration.approved"
	PathDealProducts     = "deal.products"
	PathCustomerID       = "deal.customer.id"
	PathCustomerName     = "deal.customer.name"
	PathCustomerCountry  = "deal.customer.country"
	PathCustomerRegion   = "deal.customer.region"
	PathCustomerIndustry = "deal.customer.industry"
	PathCustomerSegment  = "deal.customer.segment"
	PathPartnerID        = "partner.id"
	PathPartnerName      = "partner.name"
	// PathPartnerType, PathPartnerTier, PathPartnerRegion and
	// PathPartnerCountry are the partner's dated attributes on the deal's
	// close date (in the program's time zone), read from the changes in
	// partner.Partner.History (see Scope.PartnerAttrOn); an attribute
	// without changes has the record's value throughout.
	PathPartnerType    = "partner.type"
	PathPartnerTier    = "partner.tier"
	PathPartnerRegion  = "partner.region"
	PathPartnerCountry = "partner.country"
	// PathPartnerTierAtPeriodStart and the other partner.at_period_start
	// paths are the dated attributes on the first day of the deal's
	// partner period (Program.Period: month, quarter, half, year, or the
	// program's effective start), read like PathPartnerTier.
	PathPartnerTierAtPeriodStart    = "partner.at_period_start.tier"
	PathPartnerTypeAtPeriodStart    = "partner.at_period_start.type"
	PathPartnerRegionAtPeriodStart  = "partner.at_period_start.region"
	PathPartnerCountryAtPeriodStart = "partner.at_period_start.country"
	PathPeriodAmount                = "period.amount"
	PathPeriodDeals                 = "period.deals"
	PathPeriodEarned                = "period.earned"
	PathCumulativeAmount            = "cumulative.amount"
	// PathRunAsOf is the run's as-of date in the program's time zone. It
	// has no value (Lookup reports false) when the run has no as-of date.
	PathRunAsOf = "run.as_of"
)

// Lookup returns the value at a path: a string, int64, bool,
// decimal.Decimal, Date or []string. Money values are decimals in the
// program currency. The second result is false for an unknown path or a
// custom field the deal does not carry.
func (s *Scope) Lookup(path string) (any, bool) {
	d, p := s.Deal, s.Partner
	switch path {
	case PathDealID:
		return d.ID, true
	case PathDealPartnerID:
		return d.PartnerID, true
	case PathDealAmount:
		return s.Amount, true
	case PathDealCurrency:
		return string(d.Amount.Currency()), true
	case PathDealQuantity:
		return d.Quantity, true
	case PathDealType:
		return string(d.Type), true
	case PathDealRegistered:
		return d.Registered(), true
	case PathDealRegID:
		if d.Registration == nil {
			return "", true
		}
		return d.Registration.ID, true
	case PathDealCloseDate:
		return DateOf(d.CloseDate.In(s.Program.Effective.Loc())), true
	case PathDealRegApproved:
		if d.Registration == nil {
			return Date{}, true
		}
		return d.Registration.Approved, true
	case PathRunAsOf:
		if s.asOf.IsZero() {
			return nil, false
		}
		return DateOf(s.asOf.In(s.Program.Effective.Loc())), true
	case PathDealProducts:
		out := make([]string, len(d.Lines))
		for i, l := range d.Lines {
			out[i] = l.Product
		}
		return out, true
	case PathCustomerID:
		return d.Customer.ID, true
	case PathCustomerName:
		return d.Customer.Name, true
	case PathCustomerCountry:
		return d.Customer.Country, true
	case PathCustomerRegion:
		return d.Customer.Region, true
	case PathCustomerIndustry:
		return d.Customer.Industry, true
	case PathCustomerSegment:
		return d.Customer.Segment, true
	case PathPartnerID:
		return p.ID, true
	case PathPartnerName:
		return p.Name, true
	case PathPartnerType, PathPartnerTier, PathPartnerRegion, PathPartnerCountry,
		PathPartnerTypeAtPeriodStart, PathPartnerTierAtPeriodStart, PathPartnerRegionAtPeriodStart, PathPartnerCountryAtPeriodStart:
		a, start := DatedAttr(path)
		if start {
			return s.PartnerAttrOn(a, s.PeriodStart()), true
		}
		return s.PartnerAttrOn(a, s.CloseDay()), true
	case PathPeriodAmount:
		return s.Acc.PeriodAmount, true
	case PathPeriodDeals:
		return s.Acc.PeriodDeals, true
	case PathPeriodEarned:
		return s.Acc.PeriodEarned, true
	case PathCumulativeAmount:
		return s.Acc.Cumulative, true
	}
	if name, ok := strings.CutPrefix(path, "line."); ok {
		return s.lookupLine(name)
	}
	if strings.HasPrefix(path, EarningsPrefix) {
		return s.lookupEarned(path)
	}
	if name, ok := strings.CutPrefix(path, ValuesPrefix); ok {
		return s.lookupValue(name)
	}
	if unit, back, ok := parseHistoryPath(path); ok {
		v, err := s.HistoryTotal(unit, back)
		return v, err == nil
	}
	if name, ok := strings.CutPrefix(path, "deal."); ok {
		v, ok := d.Fields[name]
		if !ok {
			for _, f := range s.Program.Fields {
				if f.Name == name && f.Optional {
					return f.Type.zero(), true
				}
			}
		}
		return v, ok
	}
	return nil, false
}

// lookupText is Lookup for the paths whose value is a string, without
// boxing it; isText is false for every other path (custom fields
// included: they are boxed in Deal.Fields already).
func (s *Scope) lookupText(path string) (v string, isText bool) {
	d := s.Deal
	switch path {
	case PathDealType:
		return string(d.Type), true
	case PathDealCurrency:
		return string(d.Amount.Currency()), true
	case PathCustomerCountry:
		return d.Customer.Country, true
	case PathCustomerRegion:
		return d.Customer.Region, true
	case PathCustomerIndustry:
		return d.Customer.Industry, true
	case PathCustomerSegment:
		return d.Customer.Segment, true
	}
	if a, atStart := DatedAttr(path); a != "" {
		if atStart {
			return s.PartnerAttrOn(a, s.PeriodStart()), true
		}
		return s.PartnerAttrOn(a, s.CloseDay()), true
	}
	return "", false
}

// CloseDay is the deal's close date in the program's time zone.
func (s *Scope) CloseDay() Date {
	if w := s.work; w != nil && w.in != nil && s.Deal == &w.in.Deal && !w.date.IsZero() {
		return w.date // the engine converted it once for the deal
	}
	return DateOf(s.Deal.CloseDate.In(s.loc()))
}

// PeriodStart is the first day of the deal's partner period: the first of
// its month, quarter, half or year under Program.Period, or the program's
// effective start date for PeriodProgram (the zero Date when the program
// has none).
func (s *Scope) PeriodStart() Date {
	var per Period
	var from Date
	if s.Program != nil {
		per, from = s.Program.Period, s.Program.Effective.From
	}
	return periodStart(per, s.CloseDay(), from)
}

// PartnerTierOn returns the partner's tier on day d of the program's time
// zone (see PartnerAttrOn).
func (s *Scope) PartnerTierOn(d Date) string { return s.PartnerAttrOn(partner.AttrTier, d) }

// PartnerAttrOn returns the value of the partner's dated attribute a
// (type, tier, region or country) in force on day d of the program's time
// zone: the value set by the latest change of a in the partner's History
// (partner.Event.Change) made on or before that day (a change during the
// day counts for the whole day), in whatever order History lists them.
// Before the first change, and on the zero Date (the start of a program
// period with no start date), it is the earliest change's previous value;
// an attribute without changes has the record's value on every day.
func (s *Scope) PartnerAttrOn(a partner.AttrName, d Date) string {
	p := s.Partner
	if p == nil {
		return ""
	}
	if len(p.History) == 0 {
		return p.Attr(a)
	}
	// end is the first instant after day d (the next day's first instant,
	// which a clock change at midnight moves); the zero Date is before
	// every change.
	var end time.Time
	if !d.IsZero() {
		end = d.AddDays(1).In(s.loc())
	}
	var before, after string
	var first, last time.Time
	seen, applied := false, false
	for i := range p.History {
		e := &p.History[i] // no copy: events are wide
		ea, from, to, ok := e.Change()
		if !ok || ea != a {
			continue
		}
		if !seen || e.At.Before(first) {
			before, first, seen = from, e.At, true
		}
		if !d.IsZero() && e.At.Before(end) && (!applied || !e.At.Before(last)) {
			after, last, applied = to, e.At, true
		}
	}
	switch {
	case applied:
		return after
	case seen:
		return before
	}
	return p.Attr(a)
}

// DatedAttr returns the partner attribute a dated partner path reads
// (partner.tier, partner.at_period_start.region, ...) and whether it reads
// it at the start of the deal's period rather than on its close date; a
// is "" for any other path.
func DatedAttr(path string) (a partner.AttrName, atPeriodStart bool) {
	switch path {
	case PathPartnerType:
		return partner.AttrType, false
	case PathPartnerTier:
		return partner.AttrTier, false
	case PathPartnerRegion:
		return partner.AttrRegion, false
	case PathPartnerCountry:
		return partner.AttrCountry, false
	case PathPartnerTypeAtPeriodStart:
		return partner.AttrType, true
	case PathPartnerTierAtPeriodStart:
		return partner.AttrTier, true
	case PathPartnerRegionAtPeriodStart:
		return partner.AttrRegion, true
	case PathPartnerCountryAtPeriodStart:
		return partner.AttrCountry, true
	}
	return "", false
}

// datedOn returns the day a dated partner path was read on, and whether
// path is one; the explanation states it when the partner has a history.
func (s *Scope) datedOn(path string) (Date, bool) {
	if s.Partner == nil || len(s.Partner.History) == 0 {
		return Date{}, false
	}
	a, start := DatedAttr(path)
	switch {
	case a == "":
		return Date{}, false
	case start:
		return s.PeriodStart(), true
	}
	return s.CloseDay(), true
}

func (s *Scope) loc() *time.Location {
	if s.Program == nil {
		return time.UTC
	}
	return s.Program.Effective.Loc()
}

func (t FieldType) zero() any {
	switch t {
	case FieldInt:
		return int64(0)
	case FieldDecimal, FieldMoney:
		return decimal.Decimal{}
	case FieldBool:
		return false
	case FieldDate:
		return Date{}
	}
	return ""
}

// readsAccumulators reports whether a condition or formula may read the
// partner's running totals.
func readsAccumulators(x any) bool {
	d, ok := x.(Describer)
	if !ok {
		return x != nil
	}
	if o, ok := x.(interface{ readsUnknown() bool }); ok && o.readsUnknown() {
		return true
	}
	for _, p := range d.Reads() {
		if strings.HasPrefix(p, "period.") || strings.HasPrefix(p, "cumulative.") {
			return true
		}
	}
	return false
}
