package dexpr

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// typ is the type of an expression value in the DSL.
type typ uint8

const (
	tInvalid typ = iota // a sub-expression that already failed to check
	tBool
	tInt
	tDecimal
	tString
	tDate
	tStrings // list of strings (deal.products)
)

func (t typ) String() string {
	switch t {
	case tBool:
		return "bool"
	case tInt:
		return "int"
	case tDecimal:
		return "decimal"
	case tString:
		return "string"
	case tDate:
		return "date"
	case tStrings:
		return "list of strings"
	}
	return "invalid"
}

func (t typ) isNumber() bool { return t == tInt || t == tDecimal }

// Slots of the built-in paths, in the order of builtinPaths.
const (
	slotDealID = iota
	slotDealPartnerID
	slotDealAmount
	slotDealCurrency
	slotDealQuantity
	slotDealType
	slotDealRegistered
	slotDealRegID
	slotDealCloseDate
	slotDealProducts
	slotCustomerID
	slotCustomerName
	slotCustomerCountry
	slotCustomerRegion
	slotCustomerIndustry
	slotCustomerSegment
	slotPartnerID
	slotPartnerName
	slotPartnerType
	slotPartnerTier
	slotPartnerRegion
	slotPartnerCountry
	slotPeriodAmount
	slotPeriodDeals
	slotPeriodEarned
	slotCumulativeAmount
	slotDealRegApproved
	slotRunAsOf
	slotPartnerTierAtPeriodStart
	slotPartnerTypeAtPeriodStart
	slotPartnerRegionAtPeriodStart
	slotPartnerCountryAtPeriodStart
	numBuiltin
)

// builtinPaths are exactly the paths of incentive.Scope.Lookup, indexed by
// slot.
var builtinPaths = [numBuiltin]struct {
	path string
	typ  typ
}{
	slotDealID:           {incentive.PathDealID, tString},
	slotDealPartnerID:    {incentive.PathDealPartnerID, tString},
	slotDealAmount:       {incentive.PathDealAmount, tDecimal},
	slotDealCurrency:     {incentive.PathDealCurrency, tString},
	slotDealQuantity:     {incentive.PathDealQuantity, tInt},
	slotDealType:         {incentive.PathDealType, tString},
	slotDealRegistered:   {incentive.PathDealRegistered, tBool},
	slotDealRegID:        {incentive.PathDealRegID, tString},
	slotDealCloseDate:    {incentive.PathDealCloseDate, tDate},
	slotDealProducts:     {incentive.PathDealProducts, tStrings},
	slotCustomerID:       {incentive.PathCustomerID, tString},
	slotCustomerName:     {incentive.PathCustomerName, tString},
	slotCustomerCountry:  {incentive.PathCustomerCountry, tString},
	slotCustomerRegion:   {incentive.PathCustomerRegion, tString},
	slotCustomerIndustry: {incentive.PathCustomerIndustry, tString},
	slotCustomerSegment:  {incentive.PathCustomerSegment, tString},
	slotPartnerID:        {incentive.PathPartnerID, tString},
	slotPartnerName:      {incentive.PathPartnerName, tString},
	slotPartnerType:      {incentive.PathPartnerType, tString},
	slotPartnerTier:      {incentive.PathPartnerTier, tString},
	slotPartnerRegion:    {incentive.PathPartnerRegion, tString},
	slotPartnerCountry:   {incentive.PathPartnerCountry, tString},
	slotPeriodAmount:     {incentive.PathPeriodAmount, tDecimal},
	slotPeriodDeals:      {incentive.PathPeriodDeals, tInt},
	slotPeriodEarned:     {incentive.PathPeriodEarned, tDecimal},
	slotCumulativeAmount: {incentive.PathCumulativeAmount, tDecimal},
	slotDealRegApproved:  {incentive.PathDealRegApproved, tDate},
	slotRunAsOf:          {incentive.PathRunAsOf, tDate},

	slotPartnerTierAtPeriodStart:    {incentive.PathPartnerTierAtPeriodStart, tString},
	slotPartnerTypeAtPeriodStart:    {incentive.PathPartnerTypeAtPeriodStart, tString},
	slotPartnerRegionAtPeriodStart:  {incentive.PathPartnerRegionAtPeriodStart, tString},
	slotPartnerCountryAtPeriodStart: {incentive.PathPartnerCountryAtPeriodStart, tString},
}

// datedSlots are the partner attribute and the day each dated slot reads,
// indexed by slot - slotPartnerType (incentive.DatedAttr, without its
// string compare on the engine's path).
var datedSlots = func() (out [numBuiltin]struct {
	a     partner.AttrName
	start bool
}) {
	for slot := slotPartnerType; slot < numBuiltin; slot++ {
		out[slot-slotPartnerType].a, out[slot-slotPartnerType].start = incentive.DatedAttr(builtinPaths[slot].path)
	}
	return out
}()

// pathInfo describes one readable path.
type pathInfo struct {
	path   string
	typ    typ
	slot   int
	acc    bool // a running total: read afresh for every evaluation
	custom int  // index into Env.fields; -1 for built-in paths
	// histUnit and histBack, for a history path (history.<unit>.<back>):
	// the partner's total back periods before the deal's.
	histUnit incentive.Period
	histBack int
	env      *Env
	// cell is 1 + the index of the path's value in a deal's frame, 0 until
	// an expression reading the path is compiled. Cells are handed out in
	// order of first use, so a frame holds only the paths the program
	// reads.
	cell atomic.Int32
	// get, when set, reads the path (a named value, a line field, an
	// aggregate over the lines) in its run-time representation.
	get func(s *incentive.Scope) (any, error)
	// line: a line field, readable only where a line is current.
	line bool
	// hidden: an aggregate, not a path of its own; reads lists what it
	// reads, which an expression reading it reads too.
	hidden bool
	reads  []string
}

// Env is the typed environment of one program's expressions: the built-in
// deal, partner, period and cumulative fields, plus the program's custom
// deal fields. An Env is safe for concurrent use.
type Env struct {
	mu     sync.Mutex            // guards handing out cells
	cells  atomic.Int32          // cells handed out
	fields []incentive.FieldDecl // the accepted custom fields
	paths  map[string]*pathInfo  // every readable path
	slots  []*pathInfo           // by slot
	groups map[string]bool       // "deal", "deal.customer", "partner", "period", "cumulative"
	// divPlaces is the precision of `/`; 0 means DivisionPlaces.
	divPlaces int32
	// earnings are the program's earning ids; enabled those readable with
	// earned() (gross and capped paths).
	earnings []string
	enabled  map[string][2]*pathInfo
	// hist holds the history paths compiled expressions read, by path;
	// guarded by mu.
	hist map[string]*pathInfo
}

// historyPath returns the path of the partner's total back periods of unit
// before the deal's (incentive.HistoryPath), made on first use.
func (e *Env) historyPath(unit incentive.Period, back int) *pathInfo {
	path := incentive.HistoryPath(unit, back)
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.hist[path]; p != nil {
		return p
	}
	if e.hist == nil {
		e.hist = map[string]*pathInfo{}
	}
	p := &pathInfo{path: path, typ: tDecimal, slot: -1, custom: -1, histUnit: unit, histBack: back, env: e}
	e.hist[path] = p
	return p
}

// SetDivisionPlaces sets the number of decimal places a quotient keeps in
// the expressions compiled afterwards (`/` rounds half away from zero at
// that place); 0 restores the default, DivisionPlaces (16). It accepts
// 0..MaxDivisionPlaces. Call it before compiling and before sharing the
// Env.
func (e *Env) SetDivisionPlaces(places int32) error {
	if places < 0 || places > MaxDivisionPlaces {
		return fmt.Errorf("division precision %d is outside 1..%d decimal places", places, MaxDivisionPlaces)
	}
	e.divPlaces = places
	return nil
}

// DivisionPlaces returns the number of decimal places a quotient keeps.
func (e *Env) DivisionPlaces() int32 {
	if e.divPlaces == 0 {
		return DivisionPlaces
	}
	return e.divPlaces
}

// FieldError is a problem with a custom field declaration, reported by
// NewEnv. The declaration's Origin says where it was written.
type FieldError struct {
	Field incentive.FieldDecl
	Msg   string
}

// Error renders `custom field "name": message`, without the origin, so a
// caller that positions errors itself does not repeat it.
func (e *FieldError) Error() string {
	return fmt.Sprintf("custom field %q: %s", e.Field.Name, e.Msg)
}

// NewEnv builds the environment for a program with the given custom
// fields. Custom fields are read as deal.<name>; a name must be a plain
// identifier (letters, digits and _, not starting with a digit) and must not
// clash with a built-in deal field (deal.amount, deal.customer, ...). The
// types are string, int (an int64), decimal, bool and date.
//
// Each problem is returned as a *FieldError. The returned Env is always
// usable: bad declarations are left out of it, so the caller can go on
// compiling expressions and report their errors too.
func NewEnv(fields []incentive.FieldDecl) (*Env, []error) {
	e := &Env{
		paths:  make(map[string]*pathInfo, numBuiltin+len(fields)),
		groups: map[string]bool{"deal": true, "deal.customer": true, "deal.registration": true, "partner": true, "partner.at_period_start": true, "period": true, "cumulative": true, "run": true},
	}
	for slot, b := range builtinPaths {
		p := &pathInfo{path: b.path, typ: b.typ, slot: slot, custom: -1}
		p.acc = strings.HasPrefix(b.path, "period.") || strings.HasPrefix(b.path, "cumulative.")
		e.add(p)
	}
	e.addLinePaths()
	var errs []error
	seen := map[string]bool{}
	for _, f := range fields {
		bad := func(format string, args ...any) {
			errs = append(errs, &FieldError{Field: f, Msg: fmt.Sprintf(format, args...)})
		}
		t, ok := fieldTypes[f.Type]
		switch {
		case f.Name == "":
			bad("the name is empty")
		case !isIdent(f.Name) || !reachable(f.Name):
			bad("the name must be letters, digits and _ (not starting with a digit), so that deal.%s can be written in an expression", f.Name)
		case seen[f.Name]:
			bad("declared twice")
		case e.paths["deal."+f.Name] != nil || e.groups["deal."+f.Name]:
			bad("clashes with the built-in deal.%s; choose another name", f.Name)
		case !ok:
			bad("unknown type %q (want string, int, decimal, money, bool or date)", f.Type)
		default:
			seen[f.Name] = true
			e.fields = append(e.fields, f)
			e.add(&pathInfo{path: "deal." + f.Name, typ: t, slot: len(e.slots), custom: len(e.fields) - 1})
			continue
		}
		seen[f.Name] = true
	}
	return e, errs
}

var fieldTypes = map[incentive.FieldType]typ{
	incentive.FieldString:  tString,
	incentive.FieldInt:     tInt,
	incentive.FieldDecimal: tDecimal,
	incentive.FieldMoney:   tDecimal,
	incentive.FieldBool:    tBool,
	incentive.FieldDate:    tDate,
}

func (e *Env) add(p *pathInfo) {
	p.env = e
	e.paths[p.path] = p
	e.slots = append(e.slots, p)
}

// cellOf returns the frame index of path p, handing one out on first use.
func (e *Env) cellOf(p *pathInfo) int {
	if c := p.cell.Load(); c > 0 {
		return int(c) - 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c := p.cell.Load(); c > 0 {
		return int(c) - 1
	}
	c := e.cells.Add(1)
	p.cell.Store(c)
	return int(c) - 1
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

// reachable reports whether deal.<name> parses as a plain field access, so
// that keywords such as "in" are caught.
func reachable(name string) bool {
	tree, err := parser.Parse("deal." + name)
	if err != nil {
		return false
	}
	m, ok := tree.Node.(*ast.MemberNode)
	if !ok || m.Optional || m.Method {
		return false
	}
	s, ok := m.Property.(*ast.StringNode)
	return ok && s.Value == name
}

// Paths returns every path an expression can read, sorted.
func (e *Env) Paths() []string {
	out := make([]string, 0, len(e.paths))
	for p := range e.paths {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// dateCode is the run-time representation of a date: yyyymmdd as an int64,
// which orders like the dates.
func dateCode(d incentive.Date) int64 {
	return int64(d.Year)*10000 + int64(d.Month)*100 + int64(d.Day)
}

// The readers below return a path's value typed, without boxing it; load
// boxes it for the VM. Each reads the scope afresh: caching boxed values is
// the frame's job (see eval.go).

// str reads a string path.
func (e *Env) str(s *incentive.Scope, p *pathInfo) (string, error) {
	d, pt := s.Deal, s.Partner
	switch p.slot {
	case slotDealID:
		return d.ID, nil
	case slotDealPartnerID:
		return d.PartnerID, nil
	case slotDealCurrency:
		return string(d.Amount.Currency()), nil
	case slotDealType:
		return string(d.Type), nil
	case slotDealRegID:
		if d.Registration == nil {
			return "", nil
		}
		return d.Registration.ID, nil
	case slotCustomerID:
		return d.Customer.ID, nil
	case slotCustomerName:
		return d.Customer.Name, nil
	case slotCustomerCountry:
		return d.Customer.Country, nil
	case slotCustomerRegion:
		return d.Customer.Region, nil
	case slotCustomerIndustry:
		return d.Customer.Industry, nil
	case slotCustomerSegment:
		return d.Customer.Segment, nil
	case slotPartnerID:
		return pt.ID, nil
	case slotPartnerName:
		return pt.Name, nil
	case slotPartnerType, slotPartnerTier, slotPartnerRegion, slotPartnerCountry,
		slotPartnerTypeAtPeriodStart, slotPartnerTierAtPeriodStart, slotPartnerRegionAtPeriodStart, slotPartnerCountryAtPeriodStart:
		// Dated attributes: a partner without a history (most) pays no
		// more than the field's read.
		a, start := datedSlots[p.slot-slotPartnerType].a, datedSlots[p.slot-slotPartnerType].start
		switch {
		case len(pt.History) == 0:
			return pt.Attr(a), nil
		case start:
			return s.PartnerAttrOn(a, s.PeriodStart()), nil
		}
		return s.PartnerAttrOn(a, s.CloseDay()), nil
	}
	v, err := e.custom(s, p)
	if err != nil || v == nil {
		return "", err
	}
	return v.(string), nil
}

// dec reads a decimal path. A value whose exponent is beyond MaxExponent
// is refused: exact arithmetic on it could be arbitrarily slow.
func (e *Env) dec(s *incentive.Scope, p *pathInfo) (decimal.Decimal, error) {
	var d decimal.Decimal
	if p.histBack > 0 {
		return s.HistoryTotal(p.histUnit, p.histBack)
	}
	switch p.slot {
	case slotDealAmount:
		d = s.Amount
	case slotPeriodAmount:
		d = s.Acc.PeriodAmount
	case slotPeriodEarned:
		d = s.Acc.PeriodEarned
	case slotCumulativeAmount:
		d = s.Acc.Cumulative
	default:
		v, err := e.custom(s, p)
		if err != nil {
			return decimal.Decimal{}, err
		}
		if v != nil {
			d = v.(decimal.Decimal)
		}
	}
	if !inRange(d) {
		return decimal.Decimal{}, fmt.Errorf("%w: %s has the exponent %d, beyond ±%d", ErrOverflow, p.path, d.Exponent(), MaxExponent)
	}
	return d, nil
}

// i64 reads an int path, or a date path as its date code.
func (e *Env) i64(s *incentive.Scope, p *pathInfo) (int64, error) {
	switch p.slot {
	case slotDealQuantity:
		return s.Deal.Quantity, nil
	case slotPeriodDeals:
		return s.Acc.PeriodDeals, nil
	case slotDealCloseDate:
		loc := time.UTC
		if s.Program != nil {
			loc = s.Program.Effective.Loc()
		}
		return dateCode(incentive.DateOf(s.Deal.CloseDate.In(loc))), nil
	case slotDealRegApproved:
		if r := s.Deal.Registration; r != nil && !r.Approved.IsZero() {
			return dateCode(r.Approved), nil
		}
		return 0, nil
	case slotRunAsOf:
		return asOfCode(s)
	}
	v, err := e.custom(s, p)
	if err != nil || v == nil {
		return 0, err
	}
	return v.(int64), nil
}

// boolean reads a bool path.
func (e *Env) boolean(s *incentive.Scope, p *pathInfo) (bool, error) {
	if p.slot == slotDealRegistered {
		return s.Deal.Registered(), nil
	}
	v, err := e.custom(s, p)
	if err != nil || v == nil {
		return false, err
	}
	return v.(bool), nil
}

// products reads deal.products.
func products(s *incentive.Scope) []string {
	out := make([]string, len(s.Deal.Lines))
	for i, l := range s.Deal.Lines {
		out[i] = l.Product
	}
	return out
}

// load reads path p boxed in its run-time representation: string, int64,
// bool, decimal.Decimal, int64 date code or []string.
func (e *Env) load(s *incentive.Scope, p *pathInfo) (any, error) {
	switch p.typ {
	case tString:
		return e.str(s, p)
	case tDecimal:
		return e.dec(s, p)
	case tInt, tDate:
		return e.i64(s, p)
	case tBool:
		return e.boolean(s, p)
	}
	return products(s), nil
}

// custom reads a custom field's value in its run-time representation (an
// int64 date code for a date), or nil for a missing optional field (the
// zero value). A missing required field or a value of the wrong type is an
// error wrapping incentive.ErrInvalidDeal.
func (e *Env) custom(s *incentive.Scope, p *pathInfo) (any, error) {
	if p.get != nil {
		return p.get(s)
	}
	if p.custom < 0 {
		return nil, fmt.Errorf("internal error: %s read as %s", p.path, p.typ)
	}
	f := e.fields[p.custom]
	v, ok := s.Deal.Fields[f.Name]
	if !ok {
		if !f.Optional {
			return nil, fmt.Errorf("%w: deal %q has no value for the required field %s", incentive.ErrInvalidDeal, s.Deal.ID, p.path)
		}
		return nil, nil
	}
	switch p.typ {
	case tString:
		if _, ok := v.(string); ok {
			return v, nil
		}
	case tInt:
		switch x := v.(type) {
		case int64:
			return v, nil
		case int:
			return int64(x), nil
		case int32:
			return int64(x), nil
		}
	case tBool:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	case tDecimal:
		if _, ok := v.(decimal.Decimal); ok {
			return v, nil
		}
	case tDate:
		if x, ok := v.(incentive.Date); ok {
			if !x.IsZero() && (x.Month < 1 || x.Month > 12 || x.Day < 1 || x.Day > 31) {
				return nil, fmt.Errorf("%w: deal %q: field %s holds the invalid date %v", incentive.ErrInvalidDeal, s.Deal.ID, p.path, x)
			}
			return dateCode(x), nil
		}
	}
	return nil, fmt.Errorf("%w: deal %q: field %s is declared %s but holds a %T", incentive.ErrInvalidDeal, s.Deal.ID, p.path, f.Type, v)
}

// a returns the type name with its indefinite article: "an int", "a decimal".
func (t typ) a() string {
	if t == tInt {
		return "an int"
	}
	return "a " + t.String()
}
