package incentive

import (
	"cmp"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Origin is where a part of a program was written: a YAML file position
// when the program was compiled by package rules, empty for programs built
// in Go.
type Origin struct {
	File string
	Line int // 1-based; 0 when unknown
	Col  int // 1-based; 0 when unknown
}

func (o Origin) String() string {
	switch {
	case o.Line == 0:
		return o.File
	case o.Col == 0:
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return fmt.Sprintf("%s:%d:%d", o.File, o.Line, o.Col)
}

// Program is the complete, executable terms of one incentive program.
//
// A Program is usually compiled from YAML by package rules, but every field
// can be set from Go. Call Validate (Evaluate does) before use. A validated
// Program is read-only and safe to share between goroutines.
type Program struct {
	ID      string
	Name    string
	Version int
	// Hash identifies the exact terms: package rules sets it to the SHA-256
	// of the source document. Programs built in Go may set any stable string.
	Hash string

	// Currency is the currency earnings are paid in. Deals in another
	// currency are converted with caller-supplied rates before evaluation.
	Currency Currency

	// Effective is the window of deal close dates the program covers.
	Effective Window

	// Claims is how long after its anchor date an earning may be claimed.
	Claims ClaimWindow

	// Hold keeps earnings from being paid until they mature, and voids
	// them when a date field (a refund) falls inside it. Zero: no hold.
	Hold Hold

	// Buckets group earning types that are paid out together, each with
	// its own minimum payout and carried-over balance (see Bucket). Types
	// in no bucket form the default bucket, whose minimum is MinPayout.
	Buckets []Bucket

	// RegistrationValidity is how long a deal registration stays valid
	// after its approval date: from the approval date through approval +
	// RegistrationValidity, both days included (90 days from 2026-02-01
	// runs through 2026-05-02). A registered deal that closes after it (or
	// before the approval) is not eligible; Result.Failed is
	// RegistrationClause. Zero: registrations do not expire. Package
	// partner's RegistrationPolicy.ValidityDays counts the approval day
	// itself (90 runs through 2026-05-01) and its extensions are not seen
	// here: use ValidityDays - 1 days for the two to agree.
	RegistrationValidity Span

	// Payee names who is paid: PayeePartner (the zero value) or the role
	// of one of the partner's contacts, e.g. "partner_rep".
	Payee string

	// Rounding says how and at which stage amounts are rounded.
	Rounding Rounding

	// DivisionPlaces is the number of decimal places a quotient keeps in
	// the program's expressions (`/` rounds half away from zero there);
	// 0 means DefaultDivisionPlaces. Package rules reads it from
	// `precision:`; explanations state it wherever an expression divides.
	DivisionPlaces int32

	// MinPayout is the smallest statement total that is paid out; a
	// smaller total is carried over to the next statement. Zero: no minimum.
	// With Buckets it is the minimum of the default bucket only.
	MinPayout decimal.Decimal

	// Period is the partner period that the period accumulators
	// (period.amount, period.deals, period.earned) run over, and the default
	// period of partner-period band tables and partner caps. Empty means
	// PeriodProgram.
	Period Period

	// AllowNegative permits deals with a negative amount (credit notes,
	// returns). By default a negative deal amount is an error.
	AllowNegative bool

	// PaymentMethods are the payout terms of payment methods that differ
	// from the program's (a lower minimum for bank transfers, a fee per
	// cheque); see PaymentTerms. Empty: every method is paid alike.
	PaymentMethods []PaymentTerms

	// Fields declares the program's typed custom deal fields.
	Fields []FieldDecl

	// LineFields declares the program's typed custom product line fields
	// (DealLine.Fields), read as line.<name>.
	LineFields []FieldDecl

	// Values are the program's named values (see Value), read by
	// expressions as "values.<name>".
	Values []Value

	// Eligibility clauses are tested in order; a deal is eligible when all
	// hold. The first that fails is reported.
	Eligibility []Clause

	// Earnings are the lines a deal can earn, in order.
	Earnings []Earning

	// Groups pick among the earnings that name them instead of adding
	// them up.
	Groups []Group

	// Caps limit earnings. They apply in scope order (line, deal, partner,
	// budget) and, within a scope, in the order given.
	Caps []Cap

	// Split, when set, shares every line a deal pays between payees (see
	// Split); an earning's own Split takes its place for that earning.
	Split *Split

	// Settlements are earnings settled per period from the partners'
	// period totals (see Settlement and SettlementBuilder), not per deal.
	Settlements []Settlement
}

// DefaultDivisionPlaces is the precision of division when a program sets
// none (see Program.DivisionPlaces); MaxDivisionPlaces the largest.
const (
	DefaultDivisionPlaces int32 = 16
	MaxDivisionPlaces     int32 = 40
)

// PayeePartner is the payee meaning "the partner organisation itself".
const PayeePartner = "partner"

// Date is a calendar date without a time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is zero or a day of the calendar: a Date built
// in Go may name one that is not (2026-02-30), which comparisons (by
// field) and In (normalized by time.Date, to March 2) would read as two
// different days.
func (d Date) Valid() bool {
	if d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= 28 {
		return true // (every month has its first 28 days: no time.Date a deal)
	}
	return d.IsZero() || DateOf(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)) == d
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp.Compare(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp.Compare(int(d.Month), int(e.Month))
	}
	return cmp.Compare(d.Day, e.Day)
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	// A valid date within a million years, moved by less than a million
	// years' days: integer day arithmetic on the proleptic Gregorian
	// calendar, as time.Date computes it, without time.Date's zone and
	// normalisation work (a deal's claim deadline). Anything else (an
	// out-of-range month or day, which time.Date normalises) goes through
	// time.Date.
	valid := d.Month >= time.January && d.Month <= time.December && d.Day >= 1 &&
		(d.Day <= 28 || d.Day <= daysIn(d.Year, d.Month))
	if valid && d.Year > -civilMax && d.Year < civilMax && n > -civilMax*366 && n < civilMax*366 {
		return civilFromDays(daysFromCivil(d.Year, d.Month, d.Day) + n)
	}
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// civilMax bounds the years AddDays computes itself (see AddDays).
const civilMax = 1_000_000

// daysIn is the number of days of month m of year y (proleptic Gregorian).
func daysIn(y int, m time.Month) int {
	if m == time.February {
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2) // 31 in Jan, Mar, May, Jul, Aug, Oct, Dec
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (H.
// Hinnant's days_from_civil; floor division for negative years).
func daysFromCivil(y int, m time.Month, d int) int {
	if m <= time.February {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400                     // [0, 399]
	mp := (int(m) + 9) % 12                // March = 0
	doy := (153*mp+2)/5 + d - 1            // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468
}

// civilFromDays is the date z days after 1970-01-01 (H. Hinnant's
// civil_from_days).
func civilFromDays(z int) Date {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100) // [0, 365]
	mp := (5*doy + 2) / 153                  // [0, 11]
	d := doy - (153*mp+2)/5 + 1              // [1, 31]
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), d}
}

// In returns the first instant of d in loc. Where loc skips midnight on
// that day (a clock change at 00:00, as in America/Santiago), the day
// starts at the change, not at the previous evening's time.Date gives for
// the missing midnight.
func (d Date) In(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if want := DateOf(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)); DateOf(t).Before(want) {
		if _, end := t.ZoneBounds(); !end.IsZero() {
			t = end.In(t.Location())
		}
	}
	return t
}

func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Ends says which ends of a date window are inclusive.
type Ends string

const (
	// BothInclusive: From <= date <= To. The zero value means this.
	BothInclusive Ends = "[]"
	// HalfOpen: From <= date < To.
	HalfOpen Ends = "[)"
)

// Window is a range of calendar dates in a time zone. An instant belongs to
// the window when its calendar date in Location lies between From and To,
// with the ends inclusive as Ends says. A zero From or To is unbounded.
type Window struct {
	From, To Date
	// Location is the time zone in which instants are turned into dates.
	// Nil means UTC.
	Location *time.Location
	// Ends defaults to BothInclusive.
	Ends Ends
}

// Loc returns the window's time zone (UTC when unset).
func (w Window) Loc() *time.Location {
	if w.Location == nil {
		return time.UTC
	}
	return w.Location
}

// Contains reports whether the instant t falls in the window.
func (w Window) Contains(t time.Time) bool {
	return w.ContainsDate(DateOf(t.In(w.Loc())))
}

// ContainsDate reports whether the calendar date d falls in the window.
func (w Window) ContainsDate(d Date) bool {
	if !w.From.IsZero() && d.Before(w.From) {
		return false
	}
	if w.To.IsZero() {
		return true
	}
	if w.Ends == HalfOpen {
		return d.Before(w.To)
	}
	return !d.After(w.To)
}

// LastDay returns the last date inside the window (To, or the day before To
// for a half-open window); the zero Date when the window has no end.
func (w Window) LastDay() Date {
	if w.To.IsZero() || w.Ends != HalfOpen {
		return w.To
	}
	return w.To.AddDays(-1)
}

// String renders the window, e.g. "[2026-10-01, 2026-12-31] America/New_York".
func (w Window) String() string {
	from, to := "-inf", "+inf"
	if !w.From.IsZero() {
		from = w.From.String()
	}
	if !w.To.IsZero() {
		to = w.To.String()
	}
	closing := "]"
	if w.Ends == HalfOpen {
		closing = ")"
	}
	return "[" + from + ", " + to + closing + " " + w.Loc().String()
}

// ClaimAnchor is the date a claim window counts from.
type ClaimAnchor string

const (
	// FromCloseDate counts from the deal's close date (the zero value).
	FromCloseDate ClaimAnchor = "close_date"
	// FromProgramEnd counts from the last day of the effective window
	// (see Window.LastDay).
	FromProgramEnd ClaimAnchor = "program_end"
)

// ClaimWindow says until when an earning may be claimed: Days calendar days
// or Months calendar months (the day clamped to the month's last day, see
// Date.AddMonths) after the anchor date, the last day inclusive, in the
// program's time zone. At most one of Days and Months is set; both zero
// means no claim deadline. From is one of ClaimAnchors or the name of a
// custom deal field of type date; see Program.ClaimAnchorDate for a deal
// that lacks its anchor date.
type ClaimWindow struct {
	Days   int
	Months int
	From   ClaimAnchor
	// ExpiredUsesCaps makes expired earnings use up the partner caps and
	// the budget as if they were paid. By default (false) an expired
	// earning uses up neither, so a late claim cannot reduce what timely
	// claims are paid.
	ExpiredUsesCaps bool
}

// RoundingStage says where amounts are rounded.
type RoundingStage string

const (
	// StageLine rounds each earnings line after its line caps (the default).
	StageLine RoundingStage = "line"
	// StageDeal keeps lines exact and rounds each deal's total.
	StageDeal RoundingStage = "deal"
	// StageStatement keeps deal results exact and rounds statement totals.
	StageStatement RoundingStage = "statement"
)

// Rounding says how and when amounts are rounded.
type Rounding struct {
	// Mode defaults to DefaultRoundingMode (half_up).
	Mode RoundingMode
	// Stage defaults to StageLine.
	Stage RoundingStage
	// Scale is the number of decimal places; nil means the currency's minor
	// units (2 for USD, 0 for JPY).
	Scale *int32
}

// Places returns the number of places amounts in currency c round to.
func (r Rounding) Places(c Currency) int32 {
	if r.Scale != nil {
		return *r.Scale
	}
	return c.MinorUnits()
}

// StageOrDefault returns the stage, StageLine when unset.
func (r Rounding) StageOrDefault() RoundingStage {
	if r.Stage == "" {
		return StageLine
	}
	return r.Stage
}

// FieldType is the type of a custom deal field.
type FieldType string

const (
	FieldString  FieldType = "string"
	FieldInt     FieldType = "int"
	FieldDecimal FieldType = "decimal"
	FieldBool    FieldType = "bool"
	FieldDate    FieldType = "date"
	// FieldMoney is a decimal amount in the deal's currency (an approved
	// amount, a cost). A deal in another currency than the program's has
	// it converted at the deal amount's rate, as product line amounts are;
	// a FieldDecimal (a percentage, a count) is read as written.
	FieldMoney FieldType = "money"
)

// FieldDecl declares a typed custom deal field. Deals carry the value in
// Deal.Fields under Name: a string, int64, decimal.Decimal, bool or Date.
// A required field missing from a deal is an error; an optional one reads as
// the type's zero value.
type FieldDecl struct {
	Name     string
	Type     FieldType
	Optional bool
	Origin   Origin
}

// Clause is one named eligibility condition.
type Clause struct {
	Name   string
	When   Condition
	Origin Origin
}

// EarningType classifies earnings for statements.
type EarningType string

const (
	Spiff            EarningType = "spiff"
	Rebate           EarningType = "rebate"
	MDF              EarningType = "mdf"
	Bonus            EarningType = "bonus"
	Referral         EarningType = "referral"
	DealRegistration EarningType = "deal_registration"
	Commission       EarningType = "commission"
)

// EarningTypes lists the earning types.
func EarningTypes() []EarningType {
	return []EarningType{Spiff, Rebate, MDF, Bonus, Referral, DealRegistration, Commission}
}

// Earning is one line a deal can earn.
//
// Exactly one of Amount and Bands must be set, except that a band table
// paying a multiplier multiplies Amount (both set). When is optional; a nil
// When always holds.
type Earning struct {
	ID     string
	Type   EarningType
	When   Condition
	Amount Formula
	Bands  *BandTable
	// Group, when set, names a Group the line competes in.
	Group string
	// PerLine computes the earning once per product line of the deal
	// (Deal.Lines), with Scope.Line set: When and Amount read line.*, the
	// earning applies when When holds for at least one line, and its
	// amount is the sum over those lines (Result.Line.Items has each
	// line's). Bands are not allowed with PerLine.
	PerLine bool
	// Priority ranks the line in a group that picks by priority (see
	// ByPriority): 1 first; 0 means none.
	Priority int
	// Split, when set, shares what this line pays between payees, in
	// place of Program.Split.
	Split  *Split
	Origin Origin
}

// Pick says how a group chooses among its lines.
type Pick string

const (
	// PickHighest pays only the line with the largest amount (by absolute
	// value, so a credit note takes back the line its sale paid); ties go
	// to the line declared first.
	PickHighest Pick = "highest"
	// PickFirst pays only the first line (in declaration order) whose
	// condition holds and whose amount is not zero.
	PickFirst Pick = "first"
)

// Group makes the earnings naming it compete instead of adding up. A group
// picks after its lines' line caps and line rounding, and before the deal,
// partner and budget caps.
type Group struct {
	ID   string
	Pick Pick
	// Max is how many lines a PickTop group pays (at least 1); By how it
	// ranks them. Both apply to PickTop only.
	Max    int
	By     PickBy
	Origin Origin
}

// BandMethod says how a band table turns a basis into an amount.
type BandMethod string

const (
	// Retroactive: the band the basis reaches applies to the whole basis.
	Retroactive BandMethod = "retroactive"
	// Marginal: each band applies only to the part of the basis inside it.
	Marginal BandMethod = "marginal"
)

// BandBasis says what a band table's basis accumulates over.
type BandBasis string

const (
	// BasisDeal: the deal's own measure (the zero value).
	BasisDeal BandBasis = "deal"
	// BasisPeriod: the partner's running total in the current period
	// (see Period), starting from Prior.PeriodBasis.
	BasisPeriod BandBasis = "partner_period"
	// BasisCumulative: the partner's running total over the whole run,
	// starting from the prior amount the caller supplies (e.g. year to date).
	BasisCumulative BandBasis = "cumulative"
)

// BandPays says what each band's Value is.
type BandPays string

const (
	// PaysRate: Value is a rate applied to the basis (0.06 pays 6%).
	PaysRate BandPays = "rate"
	// PaysFlat: Value is a flat amount in the program currency.
	PaysFlat BandPays = "flat"
	// PaysMultiplier: Value multiplies the earning's Amount formula.
	PaysMultiplier BandPays = "multiplier"
)

// Period is the length of the partner period for BasisPeriod and partner
// caps. Periods are calendar periods in the program's time zone: a month,
// a quarter (January-March, April-June, ...), a half year (January-June,
// July-December) or a year.
type Period string

const (
	// PeriodProgram: the whole effective window is one period (the default).
	PeriodProgram Period = "program"
	PeriodMonth   Period = "month"
	PeriodQuarter Period = "quarter"
	// PeriodHalf is a half year: January to June (H1), July to December
	// (H2).
	PeriodHalf Period = "half"
	PeriodYear Period = "year"
)

// Band is one row of a band table: the half-open range [From, To) and what
// it pays. A nil To is unbounded above.
type Band struct {
	From  decimal.Decimal
	To    *decimal.Decimal
	Value decimal.Decimal
	// Label is an optional name shown in explanations ("gold").
	Label  string
	Origin Origin
}

// BandTable is a tiered rate, flat or multiplier schedule. Bands must be
// sorted, contiguous and non-overlapping (Validate checks): band i's To is
// band i+1's From, and only the last band may be unbounded. The last band
// must be unbounded too, except in a marginal rate table, where a bounded
// last band means nothing more is earned above it. A basis exactly on a
// boundary belongs to the upper band.
type BandTable struct {
	Method BandMethod
	Basis  BandBasis
	Pays   BandPays
	// Measure is what the basis measures, per deal; nil means the deal
	// amount (in program currency).
	Measure Formula
	// Period applies to BasisPeriod; empty means the program's Period.
	Period Period
	Bands  []Band
	Origin Origin
}

// CapScope is what a cap limits.
type CapScope string

const (
	// CapLine limits one earnings line of one deal.
	CapLine CapScope = "line"
	// CapDeal limits the total of one deal.
	CapDeal CapScope = "deal"
	// CapPartner limits what one partner earns in a period.
	CapPartner CapScope = "partner"
	// CapBudget limits what the whole program pays.
	CapBudget CapScope = "budget"
)

// capOrder is the order in which cap scopes apply.
var capOrder = CapScopes()

// Cap is an upper limit on earnings.
type Cap struct {
	Scope CapScope
	// Limit is in the program currency.
	Limit decimal.Decimal
	// LimitFormula, when set, computes a line cap's or a deal cap's limit
	// for each deal (for example an approved amount the deal carries in a
	// custom field, or a share of the deal's gross margin), and Limit
	// stays zero. Only line and deal caps may be computed; a deal cap's
	// limit is computed in deal order, after the lines. The
	// value is in the program currency and is rounded toward zero to the
	// places amounts round to (Rounding.Places), so a capped line stays on
	// the payout grid; a value of zero caps the line at zero, and a value
	// below zero is an error of the deal (ErrInvalidAmount). Its cut is
	// recorded like any other cap's (Line.Cuts, with the computed limit),
	// shown in the explanation with the formula. A formula that reads
	// running totals (period.*, cumulative.*) is evaluated in deal order.
	LimitFormula Formula
	// Earning restricts a line cap to one earning id; empty caps every line.
	Earning string
	// Period applies to partner caps; empty means the program's Period.
	Period Period
	Origin Origin
}

// MarshalText renders the date as YYYY-MM-DD (the zero Date as "").
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses YYYY-MM-DD; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
