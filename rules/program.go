package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules/internal/dexpr"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// APIVersion is the apiVersion every document must declare.
const APIVersion = "partnerops/v1"

var programKeys = []string{
	"apiVersion", "kind", "id", "name", "version", "currency", "effective",
	"claims", "registration", "payee", "rounding", "precision", "period", "min_payout", "allow_negative", "fields",
	"line_fields", "values", "hold", "payouts",
	"payment_methods",
	"eligibility", "earnings", "groups", "caps", "split", "settlements", "tests",
}

// progCompiler turns one Program document into an incentive.Program.
type progCompiler struct {
	d   *diag
	p   *incentive.Program
	env *dexpr.Env
	top fields
	// earnings by id: duplicates and group positions.
	earnings map[string]*earningInfo
	// groupItems are the list positions of Program.Groups, by index.
	groupItems []int
	// earningItems and clauseItems are the list positions of
	// Program.Earnings and Program.Eligibility, by index: the decoder skips
	// an item it cannot read, and Validate's paths count what it kept.
	earningItems, clauseItems []int
	// perLine: the expressions being compiled are a per-line earning's,
	// which read line.*.
	perLine bool
}

// earningInfo is what later checks need to know about an earning.
type earningInfo struct {
	node     *yaml.Node
	groupVal *yaml.Node // the `group:` value, when given
	priority *yaml.Node // the `priority:` key, when given
}

// compileProgram decodes a Program document. It always returns a program
// (possibly incomplete); errors go to d.
func compileProgram(d *diag, doc *document, top fields) *progCompiler {
	pc := &progCompiler{d: d, top: top, earnings: map[string]*earningInfo{},
		p: &incentive.Program{Hash: doc.hash}}
	p := pc.p
	d.require(top, "id", "name", "version", "currency", "effective", "earnings")

	if n := top.get("id"); n != nil {
		p.ID, _ = d.ident(n, "id", "program id")
	}
	if n := top.get("name"); n != nil {
		p.Name, _ = d.text(n, "name")
	}
	if n := top.get("version"); n != nil {
		if v, ok := d.integer(n, "version"); ok {
			if v < 1 || v > 1<<31-1 {
				d.errorf(n, "version", "must be a whole number >= 1, got %d", v)
			} else {
				p.Version = int(v)
			}
		}
	}
	if n := top.get("currency"); n != nil {
		if s, ok := d.scalar(n, "currency", "an ISO 4217 currency code"); ok {
			c, err := incentive.ParseCurrency(s)
			if err != nil || s != strings.ToUpper(s) {
				d.errorf(n, "currency", "unknown currency %q; want an ISO 4217 code in capitals such as USD or EUR%s",
					clip(s), suggest(strings.ToUpper(s), currencyCodes(), false))
			} else {
				p.Currency = c
			}
		}
	}
	if n := top.get("effective"); n != nil {
		pc.effective(n)
	}
	if n := top.get("claims"); n != nil {
		pc.claims(n)
	}
	if n := top.get("registration"); n != nil {
		pc.registration(n)
	}
	p.Payee = incentive.PayeePartner
	if n := top.get("payee"); n != nil {
		pc.payee(n)
	}
	if n := top.get("rounding"); n != nil {
		pc.rounding(n)
	}
	if n := top.get("period"); n != nil {
		if s, ok := d.enum(n, "period", periods...); ok {
			p.Period = incentive.Period(s)
		}
	}
	if n := top.get("min_payout"); n != nil {
		if v, ok := d.money(n, "min_payout", p.Currency); ok {
			if v.Sign() < 0 {
				d.errorf(n, "min_payout", "must not be negative, got %s", v)
			}
			p.MinPayout = v
		}
	}
	if n := top.get("hold"); n != nil {
		pc.hold(n)
	}
	if n := top.get("payouts"); n != nil {
		pc.payouts(n)
	}
	if n := top.get("allow_negative"); n != nil {
		p.AllowNegative, _ = d.boolean(n, "allow_negative")
	}
	if n := top.get("payment_methods"); n != nil {
		pc.paymentMethods(n)
	}
	envOK := true
	if n := top.get("fields"); n != nil {
		envOK = pc.fields(n)
	}
	if n := top.get("line_fields"); n != nil {
		pc.lineFields(n) // a bad declaration is left out and reported; the rest compile
	}
	if n := top.get("precision"); n != nil {
		if v, ok := d.integer(n, "precision"); ok {
			if v < 1 || v > int64(incentive.MaxDivisionPlaces) {
				d.errorf(n, "precision", "want the decimal places a quotient keeps, from 1 to %d (default %d), got %d", incentive.MaxDivisionPlaces, incentive.DefaultDivisionPlaces, v)
			} else {
				p.DivisionPlaces = int32(v)
			}
		}
	}
	if envOK {
		env, errs := dexpr.NewEnv(p.Fields)
		errs = append(errs, env.SetLineFields(p.LineFields)...)
		if err := env.SetDivisionPlaces(p.DivisionPlaces); err != nil {
			errs = append(errs, err)
		}
		for _, err := range errs {
			at := top.node
			if n := top.get("fields"); n != nil {
				at = n
			}
			d.errorf(at, "fields", "%v", err)
		}
		if len(errs) == 0 {
			pc.env = env
		}
	}
	if n := top.get("earnings"); n != nil && n.Kind == yaml.SequenceNode && pc.env != nil {
		// earned("id") says "declared too late" rather than "unknown"
		var ids []string
		for _, item := range n.Content {
			if id := mappingKey(item, "id"); id != item && id.Kind == yaml.ScalarNode {
				ids = append(ids, id.Value)
			}
		}
		pc.env.SetEarnings(ids)
	}
	if n := top.get("values"); n != nil {
		pc.values(n)
	}
	if n := top.get("eligibility"); n != nil {
		pc.eligibility(n)
	}
	if n := top.get("earnings"); n != nil {
		pc.earningsList(n)
	}
	if n := top.get("groups"); n != nil {
		pc.groups(n)
	}
	pc.checkGroups()
	if n := top.get("caps"); n != nil {
		pc.caps(n)
	}
	if n := top.get("split"); n != nil {
		p.Split = pc.split(n, "split")
	}
	if n := top.get("settlements"); n != nil {
		pc.settlements(n)
	}
	return pc
}

// currencyCodes lists the supported codes as strings.
func currencyCodes() []string {
	cs := incentive.Currencies()
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func (pc *progCompiler) effective(n *yaml.Node) {
	d, p := pc.d, pc.p
	f, ok := d.mapping(n, "effective", "from", "to", "timezone", "ends")
	if !ok {
		return
	}
	d.require(f, "from")
	p.Effective.Location = time.UTC
	p.Effective.Ends = incentive.BothInclusive
	if v := f.get("from"); v != nil {
		p.Effective.From, _ = d.date(v, f.at("from"))
	}
	if v := f.get("to"); v != nil {
		p.Effective.To, _ = d.date(v, f.at("to"))
	}
	if v := f.get("timezone"); v != nil {
		if s, ok := d.scalar(v, f.at("timezone"), "an IANA time zone such as America/New_York"); ok {
			loc, err := loadLocation(s)
			if err != nil {
				d.errorf(v, f.at("timezone"), "unknown time zone %q; want an IANA name such as America/New_York, Europe/Berlin or UTC", clip(s))
			} else {
				p.Effective.Location = loc
			}
		}
	}
	if v := f.get("ends"); v != nil {
		if s, ok := d.enum(v, f.at("ends"), "inclusive", "exclusive_end"); ok && s == "exclusive_end" {
			p.Effective.Ends = incentive.HalfOpen
		}
	}
}

// loadLocation loads an IANA zone. "Local" and "" are refused: they would
// make results depend on the machine.
func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.HasPrefix(name, "/") {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return time.LoadLocation(name)
}

var spanRE = regexp.MustCompile(`^([0-9]{1,5})(d|m)$`)

// claimWindowRE matches a number of days only ("90d"); tier policies read
// their grace period with it.
var claimWindowRE = regexp.MustCompile(`^([0-9]{1,5})d$`)

// maxClaimDays bounds a claim window at about ten years; maxClaimMonths
// likewise.
const (
	maxClaimDays   = 3660
	maxClaimMonths = 120
)

// span reads a length of time: "60d" (calendar days) or "3m" (calendar
// months, the day clamped to the month's last day).
func (pc *progCompiler) span(v *yaml.Node, path, what string) (incentive.Span, bool) {
	d := pc.d
	s, ok := d.scalar(v, path, "a number of days such as 60d or of months such as 3m")
	if !ok {
		return incentive.Span{}, false
	}
	m := spanRE.FindStringSubmatch(s)
	n := 0
	if m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	switch {
	case m == nil || n < 1:
		d.errorf(v, path, "want %s as a number of days (1d to %dd, such as 60d) or of months (1m to %dm, such as 3m), got %q", what, maxClaimDays, maxClaimMonths, clip(s))
	case m[2] == "d" && n > maxClaimDays:
		d.errorf(v, path, "want %s between 1d and %dd, got %q", what, maxClaimDays, clip(s))
	case m[2] == "m" && n > maxClaimMonths:
		d.errorf(v, path, "want %s between 1m and %dm, got %q", what, maxClaimMonths, clip(s))
	case m[2] == "d":
		return incentive.Span{Days: n}, true
	default:
		return incentive.Span{Months: n}, true
	}
	return incentive.Span{}, false
}

func (pc *progCompiler) claims(n *yaml.Node) {
	d, p := pc.d, pc.p
	f, ok := d.mapping(n, "claims", claimsKeys...)
	if !ok {
		return
	}
	d.require(f, "window")
	p.Claims.From = incentive.FromCloseDate
	if v := f.get("window"); v != nil {
		if sp, ok := pc.span(v, f.at("window"), "a claim window"); ok {
			p.Claims.Days, p.Claims.Months = sp.Days, sp.Months
		}
	}
	if v := f.get("expired_uses_caps"); v != nil {
		p.Claims.ExpiredUsesCaps, _ = d.boolean(v, f.at("expired_uses_caps"))
	}
	if v := f.get("from"); v != nil {
		if s, ok := d.scalar(v, f.at("from"), "close_date, program_end, registration.approved or a custom date field"); ok {
			// incentive.Validate checks that a custom anchor is a date field
			p.Claims.From = incentive.ClaimAnchor(s)
			if s == "program_end" && pc.top.has("effective") && p.Effective.To.IsZero() {
				d.errorf(v, f.at("from"), "the claim window counts from the program end, but effective has no `to` date")
			}
		}
	}
}

// registration decodes `registration: {valid: 90d}`.
func (pc *progCompiler) registration(n *yaml.Node) {
	f, ok := pc.d.mapping(n, "registration", "valid")
	if !ok || !pc.d.require(f, "valid") {
		return
	}
	if sp, ok := pc.span(f.get("valid"), f.at("valid"), "a registration validity"); ok {
		pc.p.RegistrationValidity = sp
	}
}

var roleRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// paymentMethodKeys are the keys of one entry of `payment_methods:`.
var paymentMethodKeys = []string{"method", "min_payout", "fee"}

// paymentMethods reads `payment_methods:`, a list of {method, min_payout,
// fee}; incentive.Validate checks the methods and amounts.
func (pc *progCompiler) paymentMethods(n *yaml.Node) {
	d, p := pc.d, pc.p
	items, ok := d.list(n, "payment_methods")
	if !ok {
		return
	}
	for i, item := range items {
		path := index("payment_methods", i)
		f, ok := d.mapping(item, path, paymentMethodKeys...)
		if !ok {
			continue
		}
		d.require(f, "method")
		t := incentive.PaymentTerms{Origin: d.origin(item)}
		if v := f.get("method"); v != nil {
			if s, ok := d.enum(v, f.at("method"), paymentMethodNames()...); ok {
				t.Method = partner.PaymentMethod(s)
			}
		}
		if v := f.get("min_payout"); v != nil {
			if m, ok := d.money(v, f.at("min_payout"), p.Currency); ok {
				t.MinPayout = &m
			}
		}
		if v := f.get("fee"); v != nil {
			t.Fee, _ = d.money(v, f.at("fee"), p.Currency)
		}
		p.PaymentMethods = append(p.PaymentMethods, t)
	}
}

func (pc *progCompiler) payee(n *yaml.Node) {
	s, ok := pc.d.scalar(n, "payee", `"partner" or a contact role`)
	if !ok {
		return
	}
	if !roleRE.MatchString(s) {
		pc.d.errorf(n, "payee", `want "partner" or a contact role name such as partner_rep (letters, digits, "_", "-"), got %q`, clip(s))
		return
	}
	pc.p.Payee = s
}

// maxScale is the largest rounding scale accepted.
const maxScale = 12

func (pc *progCompiler) rounding(n *yaml.Node) {
	d, p := pc.d, pc.p
	f, ok := d.mapping(n, "rounding", "scale", "mode", "at")
	if !ok {
		return
	}
	if v := f.get("scale"); v != nil {
		if s, ok := d.integer(v, f.at("scale")); ok {
			if s < 0 || s > maxScale {
				d.errorf(v, f.at("scale"), "want a number of decimal places from 0 to %d, got %d", maxScale, s)
			} else {
				sc := int32(s)
				p.Rounding.Scale = &sc
			}
		}
	}
	if v := f.get("mode"); v != nil {
		if s, ok := d.enum(v, f.at("mode"), incentive.EnumNames(incentive.RoundingModes())...); ok {
			p.Rounding.Mode = incentive.RoundingMode(s)
		}
	}
	if v := f.get("at"); v != nil {
		if s, ok := d.enum(v, f.at("at"), incentive.EnumNames(incentive.RoundingStages())...); ok {
			p.Rounding.Stage = incentive.RoundingStage(s)
		}
	}
}

var fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// reservedFields are deal keys a custom field cannot take: the built-in
// deal paths and the keys of a test deal.
var reservedFields = []string{
	"id", "partner_id", "amount", "currency", "quantity", "type", "registered",
	"registration_id", "registration", "close_date", "products", "customer", "partner", "history",
}

var fieldTypes = incentive.EnumNames(incentive.FieldTypes())

// fields decodes `fields:`; it reports whether the declarations are sound
// enough to build the expression environment.
func (pc *progCompiler) fields(n *yaml.Node) bool {
	decls, sound := pc.fieldDecls(n, "fields", reservedFields)
	pc.p.Fields = decls
	return sound
}

// fieldDecls decodes typed field declarations under key.
func (pc *progCompiler) fieldDecls(n *yaml.Node, key string, reserved []string) ([]incentive.FieldDecl, bool) {
	d := pc.d
	var out []incentive.FieldDecl
	f, ok := d.mapping(n, key)
	if !ok {
		return nil, false
	}
	sound := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if f.m[k.Value].key != k {
			sound = false // duplicate or bad key, reported
			continue
		}
		path := f.at(k.Value)
		switch {
		case !fieldNameRE.MatchString(k.Value):
			d.errorf(k, path, "field names are lower-case letters, digits and \"_\", starting with a letter")
			sound = false
			continue
		case contains(reserved, k.Value):
			d.errorf(k, path, "%q is a built-in %s key; choose another field name", k.Value, map[bool]string{true: "deal", false: "line"}[key == "fields"])
			sound = false
			continue
		}
		decl := incentive.FieldDecl{Name: k.Value, Origin: d.origin(k)}
		typ := v
		if v.Kind == yaml.MappingNode {
			ff, _ := d.mapping(v, path, "type", "optional")
			if !d.require(ff, "type") {
				sound = false
				continue
			}
			typ = ff.get("type")
			if o := ff.get("optional"); o != nil {
				decl.Optional, _ = d.boolean(o, ff.at("optional"))
			}
		}
		s, ok := d.enum(typ, path, fieldTypes...)
		if !ok {
			sound = false
			continue
		}
		decl.Type = incentive.FieldType(s)
		out = append(out, decl)
	}
	return out, sound
}

func (pc *progCompiler) eligibility(n *yaml.Node) {
	d, p := pc.d, pc.p
	items, ok := d.list(n, "eligibility")
	if !ok {
		return
	}
	seen := map[string]int{}
	for i, item := range items {
		path := index("eligibility", i)
		f, ok := d.mapping(item, path, "name", "when")
		if !ok {
			continue
		}
		d.require(f, "name", "when")
		c := incentive.Clause{Origin: d.origin(item)}
		if v := f.get("name"); v != nil {
			if s, ok := d.text(v, f.at("name")); ok {
				if line, dup := seen[s]; dup {
					d.errorf(v, f.at("name"), "duplicate clause name %q (first on line %d); tests and explanations name clauses, so names must be unique", s, line)
				}
				seen[s] = v.Line
				c.Name = s
			}
		}
		if v := f.get("when"); v != nil {
			c.When = pc.condition(v, f.at("when"))
		}
		p.Eligibility = append(p.Eligibility, c)
		pc.clauseItems = append(pc.clauseItems, i)
	}
}

var earningKeys = []string{"id", "type", "per", "when", "amount", "bands", "cap", "group", "priority", "split"}

func earningTypeNames() []string { return incentive.EnumNames(incentive.EarningTypes()) }

func (pc *progCompiler) earningsList(n *yaml.Node) {
	d, p := pc.d, pc.p
	items, ok := d.list(n, "earnings")
	if !ok {
		return
	}
	if len(items) == 0 {
		d.errorf(n, "earnings", "a program needs at least one earning")
		return
	}
	var lineCaps []incentive.Cap
	for i, item := range items {
		path := index("earnings", i)
		f, ok := d.mapping(item, path, earningKeys...)
		if !ok {
			continue
		}
		d.require(f, "id", "type")
		e := incentive.Earning{Origin: d.origin(item)}
		if v := f.get("id"); v != nil {
			if s, ok := d.ident(v, f.at("id"), "earning id"); ok {
				if prev := pc.earnings[s]; prev != nil {
					d.errorf(v, f.at("id"), "duplicate earning id %q (first on line %d)", s, prev.node.Line)
				} else {
					pc.earnings[s] = &earningInfo{node: item, groupVal: f.get("group"), priority: f.m["priority"].key}
				}
				e.ID = s
			}
		}
		if v := f.get("type"); v != nil {
			if s, ok := d.enum(v, f.at("type"), earningTypeNames()...); ok {
				e.Type = incentive.EarningType(s)
			}
		}
		if v := f.get("per"); v != nil {
			if _, ok := d.enum(v, f.at("per"), "line"); ok {
				e.PerLine = true // incentive.Validate refuses bands with it
			}
		}
		pc.perLine = e.PerLine
		if v := f.get("when"); v != nil {
			e.When = pc.condition(v, f.at("when"))
		}
		if v := f.get("amount"); v != nil {
			e.Amount = pc.formula(v, f.at("amount"))
		}
		pc.perLine = false
		if v := f.get("bands"); v != nil {
			e.Bands, _ = pc.bands(v, f.at("bands"))
		}
		// a required key, like id and type: the document's shape, so
		// decoding says it (next to the other missing keys of the item)
		if !f.has("amount") && !f.has("bands") && !f.typos["amount"] && !f.typos["bands"] {
			d.errorf(item, path, "an earning needs `amount:` or `bands:`")
		}
		if v := f.get("group"); v != nil {
			e.Group, _ = d.ident(v, f.at("group"), "group id")
		}
		if v := f.get("priority"); v != nil {
			if n, ok := d.integer(v, f.at("priority")); ok {
				if n < 1 || n > 1_000_000 {
					d.errorf(v, f.at("priority"), "want a priority from 1 (ranked first) to 1000000, got %d", n)
				} else {
					e.Priority = int(n)
				}
			}
			if !f.has("group") {
				d.errorf(f.m["priority"].key, f.at("priority"), "`priority:` ranks an earning in a group that picks by priority; this earning names no group")
			}
		}
		if v := f.get("split"); v != nil {
			e.Split = pc.split(v, f.at("split"))
		}
		if v := f.get("cap"); v != nil {
			c := incentive.Cap{Scope: incentive.CapLine, Earning: e.ID, Origin: d.origin(v)}
			if pc.capLimit(&c, v, f.at("cap")) {
				lineCaps = append(lineCaps, c)
			}
		}
		if pc.env != nil && e.ID != "" {
			pc.env.EnableEarning(e.ID, len(p.Earnings)) // readable by the earnings after it
		}
		p.Earnings = append(p.Earnings, e)
		pc.earningItems = append(pc.earningItems, i)
	}
	p.Caps = append(lineCaps, p.Caps...)
}

// literalLimit reports whether a `cap:` value is written as an amount (a
// number, or a number with the currency code) rather than an expression.
// Anything but a text scalar is read as an amount, so a wrong kind of
// value is reported as such.
func literalLimit(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return true
	}
	if _, _, ok := splitMoney(n.Value); ok {
		return true
	}
	_, ok := parseNumber(n.Value)
	return ok
}

// capLimit reads the limit of cap c: an amount (see limit), or for a line
// cap an expression of the deal, a computed limit. The other caps' keys
// take amounts only, so a typo such as "10,000" is reported as a bad
// number there. It reports whether c has a limit.
func (pc *progCompiler) capLimit(c *incentive.Cap, n *yaml.Node, path string) bool {
	switch c.Scope {
	case incentive.CapDeal:
		if !isExpression(n) {
			break
		}
		// a limit computed from the deal: a share of its margin, say
		c.LimitFormula = pc.formula(n, path)
		return c.LimitFormula != nil
	case incentive.CapPartner, incentive.CapBudget:
		if isExpression(n) {
			pc.d.errorf(n, path, "only per_deal and line caps can be computed from the deal; a %s limit is an amount", map[incentive.CapScope]string{incentive.CapPartner: "per_partner", incentive.CapBudget: "budget"}[c.Scope])
			return false
		}
	}
	if c.Scope != incentive.CapLine || literalLimit(n) {
		limit, ok := pc.limit(n, path)
		c.Limit = limit
		return ok
	}
	c.LimitFormula = pc.formula(n, path)
	return c.LimitFormula != nil
}

// limit reads a cap limit: an amount in the program currency above zero,
// with no more decimal places than amounts are rounded to.
func (pc *progCompiler) limit(n *yaml.Node, path string) (decimal.Decimal, bool) {
	v, ok := pc.d.money(n, path, pc.p.Currency)
	if !ok {
		return v, false
	}
	return v, true
}

var bandKeys = []string{"method", "basis", "period", "measure", "pays", "table"}

var periods = incentive.EnumNames(incentive.Periods())

// calendarPeriods are the period kinds of a settlement and its advances.
var calendarPeriods = incentive.EnumNames(incentive.CalendarPeriods())

// bands decodes a band table; it returns the table and what it pays.
func (pc *progCompiler) bands(n *yaml.Node, path string) (*incentive.BandTable, string) {
	d := pc.d
	f, ok := d.mapping(n, path, bandKeys...)
	if !ok {
		return nil, ""
	}
	d.require(f, "method", "pays", "table")
	t := &incentive.BandTable{Basis: incentive.BasisDeal, Origin: d.origin(n)}
	if v := f.get("method"); v != nil {
		if s, ok := d.enum(v, f.at("method"), incentive.EnumNames(incentive.BandMethods())...); ok {
			t.Method = incentive.BandMethod(s)
		}
	}
	if v := f.get("basis"); v != nil {
		if s, ok := d.enum(v, f.at("basis"), incentive.EnumNames(incentive.BandBases())...); ok {
			t.Basis = incentive.BandBasis(s)
		}
	}
	if v := f.get("period"); v != nil {
		if s, ok := d.enum(v, f.at("period"), periods...); ok {
			t.Period = incentive.Period(s)
		}
	}
	if v := f.get("measure"); v != nil {
		t.Measure = pc.formula(v, f.at("measure"))
	}
	pays := ""
	if v := f.get("pays"); v != nil {
		if s, ok := d.enum(v, f.at("pays"), incentive.EnumNames(incentive.BandPaysKinds())...); ok {
			pays = s
			t.Pays = incentive.BandPays(s)
		}
	}
	if v := f.get("table"); v != nil {
		t.Bands = pc.bandRows(v, f.at("table"), pays, t.Measure == nil)
	}
	return t, pays
}

// bandRows decodes the rows of a band table. Their order, contiguity and
// bounds are checked by incentive.Validate.
func (pc *progCompiler) bandRows(n *yaml.Node, path, pays string, moneyBounds bool) []incentive.Band {
	d := pc.d
	rows, ok := d.list(n, path)
	if !ok {
		return nil
	}
	var out []incentive.Band
	labels := map[string]int{}
	for i, row := range rows {
		rp := index(path, i)
		f, ok := d.mapping(row, rp, "from", "to", "rate", "flat", "multiplier", "label")
		if !ok {
			continue
		}
		b := incentive.Band{Origin: d.origin(row)}
		d.require(f, "from")
		bound := func(key string) (decimal.Decimal, bool) {
			if moneyBounds {
				return d.money(f.get(key), f.at(key), pc.p.Currency)
			}
			return d.number(f.get(key), f.at(key))
		}
		if f.has("from") {
			b.From, _ = bound("from")
		}
		if f.has("to") {
			v, _ := bound("to")
			b.To = &v
		}
		var valueKeys []string
		for _, k := range incentive.EnumNames(incentive.BandPaysKinds()) {
			if f.has(k) {
				valueKeys = append(valueKeys, k)
			}
		}
		switch {
		case pays == "":
			// reported at `pays`
		case len(valueKeys) == 0:
			d.errorf(row, rp, "missing required key %q (the table pays %s)", pays, pays)
		case len(valueKeys) > 1 || valueKeys[0] != pays:
			for _, k := range valueKeys {
				if k != pays {
					d.errorf(f.m[k].key, f.at(k), "this table pays %s, so each band gives `%s:`, not `%s:`", pays, pays, k)
				}
			}
		}
		if pays != "" && f.has(pays) {
			var v decimal.Decimal
			var ok bool
			if pays == "flat" {
				v, ok = d.money(f.get(pays), f.at(pays), pc.p.Currency)
			} else {
				v, ok = d.number(f.get(pays), f.at(pays))
			}
			if ok && v.Sign() < 0 {
				d.errorf(f.get(pays), f.at(pays), "a band's %s must not be negative, got %s", pays, v)
			}
			b.Value = v
		}
		if v := f.get("label"); v != nil {
			if s, ok := d.text(v, f.at("label")); ok {
				if first, dup := labels[s]; dup {
					d.errorf(v, f.at("label"), "duplicate band label %q (first on band %d); tests name bands by label", s, first)
				}
				labels[s] = i + 1
				b.Label = s
			}
		}
		out = append(out, b)
	}
	// Order, contiguity and bounds are semantic rules: incentive.Validate
	// checks them, and validate reports them at the rows' positions.
	return out
}

func (pc *progCompiler) groups(n *yaml.Node) {
	d, p := pc.d, pc.p
	items, ok := d.list(n, "groups")
	if !ok {
		return
	}
	seen := map[string]int{}
	for i, item := range items {
		path := index("groups", i)
		f, ok := d.mapping(item, path, "id", "pick")
		if !ok {
			continue
		}
		d.require(f, "id")
		g := incentive.Group{Pick: incentive.PickHighest, Origin: d.origin(item)}
		if v := f.get("id"); v != nil {
			if s, ok := d.ident(v, f.at("id"), "group id"); ok {
				if line, dup := seen[s]; dup {
					d.errorf(v, f.at("id"), "duplicate group id %q (first on line %d)", s, line)
					continue
				}
				seen[s] = v.Line
				g.ID = s
			}
		}
		if v := f.get("pick"); v != nil {
			pc.pick(&g, v, f.at("pick"))
		}
		p.Groups = append(p.Groups, g)
		pc.groupItems = append(pc.groupItems, i)
	}
}

// checkGroups reports earnings naming unknown groups, groups without
// earnings, and groups with a single earning (a warning: such a group
// changes nothing).
func (pc *progCompiler) checkGroups() {
	d, p := pc.d, pc.p
	ids := make([]string, 0, len(p.Groups))
	count := map[string]int{}
	for _, g := range p.Groups {
		ids = append(ids, g.ID)
		count[g.ID] = 0
	}
	for i, e := range p.Earnings {
		if e.Group == "" {
			continue
		}
		if _, ok := count[e.Group]; !ok {
			var at *yaml.Node
			if info := pc.earnings[e.ID]; info != nil {
				at = info.groupVal
			}
			d.errorf(at, join(index("earnings", i), "group"), "unknown group %q%s", e.Group, suggestGroup(e.Group, ids))
			continue
		}
		count[e.Group]++
		if e.Priority == 0 {
			continue
		}
		// priority: ranks only in a group that picks by priority; in any
		// other it would silently change nothing.
		for _, g := range p.Groups {
			if g.ID == e.Group && (g.Pick != incentive.PickTop || g.By != incentive.ByPriority) {
				var at *yaml.Node
				if info := pc.earnings[e.ID]; info != nil {
					at = info.priority
				}
				d.warnf(at, join(index("earnings", i), "priority"), "`priority:` changes nothing here: group %q does not pick by priority (use `pick: {max: <n>, by: priority}`, or remove it)", g.ID)
			}
		}
	}
	for i, g := range p.Groups {
		if g.ID == "" {
			continue
		}
		item := pc.groupItems[i]
		at := pc.top.get("groups").Content[item]
		switch count[g.ID] {
		case 0:
			d.errorf(at, index("groups", item), "group %q has no earnings; name it with `group: %s` on the earnings that compete, or remove it", g.ID, g.ID)
		case 1:
			d.warnf(at, index("groups", item), "group %q has only one earning, so it changes nothing; a group picks among two or more", g.ID)
		}
	}
}

func suggestGroup(got string, ids []string) string {
	if len(ids) == 0 {
		return "; declare it under `groups:`"
	}
	return suggest(got, ids, true)
}

func (pc *progCompiler) caps(n *yaml.Node) {
	d, p := pc.d, pc.p
	f, ok := d.mapping(n, "caps", "per_deal", "per_partner", "budget")
	if !ok {
		return
	}
	if v := f.get("per_deal"); v != nil {
		c := incentive.Cap{Scope: incentive.CapDeal, Origin: d.origin(v)}
		if pc.capLimit(&c, v, f.at("per_deal")) {
			p.Caps = append(p.Caps, c)
		}
	}
	if v := f.get("per_partner"); v != nil {
		c := incentive.Cap{Scope: incentive.CapPartner, Origin: d.origin(v)}
		lim := v
		ok := true
		if v.Kind == yaml.MappingNode {
			ff, _ := d.mapping(v, f.at("per_partner"), "limit", "period")
			ok = d.require(ff, "limit")
			lim = ff.get("limit")
			if pv := ff.get("period"); pv != nil {
				if s, ok := d.enum(pv, ff.at("period"), periods...); ok {
					c.Period = incentive.Period(s)
				}
			}
		}
		if ok && pc.capLimit(&c, lim, f.at("per_partner")) {
			p.Caps = append(p.Caps, c)
		}
	}
	if v := f.get("budget"); v != nil {
		c := incentive.Cap{Scope: incentive.CapBudget, Origin: d.origin(v)}
		if pc.capLimit(&c, v, f.at("budget")) {
			p.Caps = append(p.Caps, c)
		}
	}
}

// capName is how tests and coverage name a cap: "line:<earning>",
// "per_deal", "per_partner" or "budget".
func capName(c incentive.Cap) string {
	switch c.Scope {
	case incentive.CapLine:
		if c.Earning == "" {
			return "line"
		}
		return "line:" + c.Earning
	case incentive.CapDeal:
		return "per_deal"
	case incentive.CapPartner:
		return "per_partner"
	}
	return string(c.Scope)
}

// scalarPicks are the picks written as a word (incentive.Picks() but
// top, which is written {max, by}), for the decoder and the schema.
var scalarPicks = incentive.EnumNames(slices.DeleteFunc(incentive.Picks(), func(p incentive.Pick) bool { return p == incentive.PickTop }))

// pick decodes a group's `pick:`: highest, first, or {max: N, by:
// priority | amount}.
func (pc *progCompiler) pick(g *incentive.Group, v *yaml.Node, path string) {
	d := pc.d
	if v.Kind != yaml.MappingNode {
		if s, ok := d.enum(v, path, scalarPicks...); ok {
			g.Pick = incentive.Pick(s)
		}
		return
	}
	f, ok := d.mapping(v, path, "max", "by")
	if !ok || !d.require(f, "max", "by") {
		return
	}
	g.Pick = incentive.PickTop
	if n, ok := d.integer(f.get("max"), f.at("max")); ok {
		if n < 1 || n > 1000 {
			d.errorf(f.get("max"), f.at("max"), "a group pays at most 1 to 1000 lines, got %d", n)
		} else {
			g.Max = int(n)
		}
	}
	if s, ok := d.enum(f.get("by"), f.at("by"), incentive.EnumNames(incentive.PickBys())...); ok {
		g.By = incentive.PickBy(s)
	}
}

// isExpression reports whether a cap's scalar is an expression of the
// deal rather than an amount: it reads a field or calls a function. Anything
// else ("2500", "2500 USD", "12 dollars") goes to the amount reader.
func isExpression(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return false
	}
	for _, k := range []string{"deal.", "values.", "partner.", "period.", "cumulative.", "run.", "("} {
		if strings.Contains(n.Value, k) {
			return true
		}
	}
	return false
}
