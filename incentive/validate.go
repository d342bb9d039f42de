package incentive

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxScale bounds rounding scales, so a typo cannot ask for a million places.
const maxScale = 12

// Validate checks that the program's terms are complete and consistent:
// ids, currency, rounding, band tables (sorted, contiguous, half-open, only
// the last unbounded), groups, caps, claim windows and fields. It returns
// every problem found, joined, each a *ProgramError wrapping
// ErrInvalidProgram and naming the part of the program by its path in the
// DSL (e.g. "earnings[0].bands.table[1].from"). Package rules reports
// these errors at the YAML position of the path; Validate is where the
// program's semantic rules live, for programs from YAML and from Go alike.
func (p *Program) Validate() error {
	if p == nil {
		return fmt.Errorf("%w: nil program", ErrInvalidProgram)
	}
	var errs []error
	at := func(path, format string, args ...any) {
		errs = append(errs, &ProgramError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if p.ID == "" {
		at("id", "program has no id")
	}
	if !p.Currency.Valid() {
		at("currency", "currency %q is not a supported ISO 4217 code", string(p.Currency))
	}
	if p.Version < 1 {
		at("version", "version %d: versions start at 1", p.Version)
	}
	if p.Rounding.Mode != "" && !p.Rounding.Mode.Valid() {
		at("rounding.mode", "unknown rounding mode %q", string(p.Rounding.Mode))
	}
	if s := p.Rounding.Stage; s != "" && !slices.Contains(RoundingStages(), s) {
		at("rounding.at", "unknown rounding stage %q (want %s)", string(s), oneOf(RoundingStages()))
	}
	if s := p.Rounding.Scale; s != nil && (*s < 0 || *s > maxScale) {
		at("rounding.scale", "rounding scale %d is outside 0..%d", *s, maxScale)
	}
	for _, e := range []struct {
		key string
		d   Date
	}{{"effective.from", p.Effective.From}, {"effective.to", p.Effective.To}} {
		if !e.d.Valid() {
			at(e.key, "%04d-%02d-%02d is not a day of the calendar", e.d.Year, int(e.d.Month), e.d.Day)
		}
	}
	if !p.Effective.From.IsZero() && !p.Effective.To.IsZero() && p.Effective.To.Before(p.Effective.From) {
		at("effective.to", "the effective window ends (%s) before it starts (%s)", p.Effective.To, p.Effective.From)
	}
	if !p.Effective.From.IsZero() && p.Effective.To == p.Effective.From && p.Effective.Ends == HalfOpen {
		at("effective.to", "the effective window [%s, %s) is empty: with ends: exclusive_end the end day is not included", p.Effective.From, p.Effective.To)
	}
	switch p.Effective.Ends {
	case "", BothInclusive, HalfOpen:
	default:
		at("effective.ends", "unknown window ends %q", string(p.Effective.Ends))
	}
	switch {
	case p.Claims.Days < 0 || p.Claims.Months < 0:
		at("claims.window", "claim window of %d days and %d months is negative", p.Claims.Days, p.Claims.Months)
	case p.Claims.Days > 0 && p.Claims.Months > 0:
		at("claims.window", "claim window sets both days (%d) and months (%d); give one", p.Claims.Days, p.Claims.Months)
	}
	switch p.Claims.From {
	case "", FromCloseDate, FromRegistrationApproved:
	case FromProgramEnd:
		if p.Effective.To.IsZero() {
			at("claims.from", "claim window counts from the program end, but the effective window has no end")
		}
	default:
		found := false
		var dates []string
		for _, f := range p.Fields {
			if f.Type == FieldDate {
				dates = append(dates, f.Name)
			}
			if f.Name == string(p.Claims.From) {
				found = true
				if f.Type != FieldDate {
					at("claims.from", "claim window counts from field %q, which is a %s, not a date", f.Name, f.Type)
				}
			}
		}
		if !found {
			want := "a custom field of type date (the program declares none)"
			if len(dates) > 0 {
				want = "a custom date field: " + strings.Join(dates, ", ")
			}
			at("claims.from", "unknown claim anchor %q; want close_date, program_end, registration.approved or %s", string(p.Claims.From), want)
		}
	}
	switch v := p.RegistrationValidity; {
	case v.Days < 0 || v.Months < 0:
		at("registration.valid", "registration validity of %d days and %d months is negative", v.Days, v.Months)
	case v.Days > 0 && v.Months > 0:
		at("registration.valid", "registration validity sets both days (%d) and months (%d); give one", v.Days, v.Months)
	}
	if p.DivisionPlaces < 0 || p.DivisionPlaces > MaxDivisionPlaces {
		at("precision", "division precision %d is outside 1..%d decimal places", p.DivisionPlaces, MaxDivisionPlaces)
	}
	p.validateHold(at)
	p.validateBuckets(at)
	if p.MinPayout.Sign() < 0 {
		at("min_payout", "minimum payout %s is negative", p.MinPayout)
	}
	validPeriod := func(path, what string, per Period) {
		if per != "" && !slices.Contains(Periods(), per) {
			at(path, "%s: unknown period %q (want %s)", what, string(per), oneOf(Periods()))
		}
	}
	validPeriod("period", "program", p.Period)
	p.validatePaymentMethods(at)
	fields := map[string]bool{}
	for i, f := range p.Fields {
		switch {
		case f.Name == "":
			at(index("fields", i), "fields[%d] has no name", i)
		case fields[f.Name]:
			at("fields."+f.Name, "field %q is declared twice", f.Name)
		case builtinDealField(f.Name):
			at("fields."+f.Name, "field %q clashes with the built-in deal.%s", f.Name, f.Name)
		}
		fields[f.Name] = true
		if !slices.Contains(FieldTypes(), f.Type) {
			at("fields."+f.Name, "field %q has unknown type %q (want %s)", f.Name, string(f.Type), oneOf(FieldTypes()))
		}
	}
	clauses := map[string]bool{}
	for i, c := range p.Eligibility {
		if c.Name == "" {
			at(index("eligibility", i)+".name", "eligibility[%d] has no name", i)
		} else if clauses[c.Name] {
			at(index("eligibility", i)+".name", "eligibility clause %q is named twice", c.Name)
		}
		clauses[c.Name] = true
		if c.When == nil {
			at(index("eligibility", i)+".when", "eligibility clause %q has no condition", c.Name)
		}
	}
	groups := map[string]*Group{}
	for i := range p.Groups {
		g := &p.Groups[i]
		if g.ID == "" {
			at(index("groups", i)+".id", "groups[%d] has no id", i)
		} else if groups[g.ID] != nil {
			at(index("groups", i)+".id", "group %q is declared twice", g.ID)
		}
		groups[g.ID] = g
		switch g.Pick {
		case PickHighest, PickFirst:
			if g.Max != 0 || g.By != "" {
				at(index("groups", i)+".pick", "group %q: max and by apply to a group that pays its top lines only", g.ID)
			}
		case PickTop:
			if g.Max < 1 {
				at(index("groups", i)+".pick.max", "group %q pays at most %d lines; want 1 or more", g.ID, g.Max)
			}
			if !slices.Contains(PickBys(), g.By) {
				at(index("groups", i)+".pick.by", "group %q: unknown ranking %q (want %s)", g.ID, string(g.By), oneOf(PickBys()))
			}
		default:
			at(index("groups", i)+".pick", "group %q: unknown pick %q (want %s)", g.ID, string(g.Pick), oneOf(Picks()))
		}
	}
	if len(p.Earnings) == 0 {
		at("earnings", "program has no earnings")
	}
	earnings := map[string]bool{}
	for i := range p.Earnings {
		e := &p.Earnings[i]
		ep := index("earnings", i)
		if e.ID == "" {
			at(ep+".id", "earnings[%d] has no id", i)
		} else if earnings[e.ID] {
			at(ep+".id", "earning %q is declared twice", e.ID)
		}
		earnings[e.ID] = true
		if e.Type == "" {
			at(ep+".type", "earning %q has no type", e.ID)
		} else if !slices.Contains(EarningTypes(), e.Type) {
			at(ep+".type", "earning %q has unknown type %q (want %s)", e.ID, string(e.Type), oneOf(EarningTypes()))
		}
		if e.Priority < 0 {
			at(ep+".priority", "earning %q: priority %d is negative; 1 ranks first", e.ID, e.Priority)
		}
		if e.Group != "" && groups[e.Group] == nil {
			at(ep+".group", "earning %q names unknown group %q", e.ID, e.Group)
		}
		if e.PerLine && e.Bands != nil {
			at(ep+".per", "earning %q is paid per line: it takes an amount, not bands", e.ID)
		}
		if e.Bands == nil {
			if e.Amount == nil {
				at(ep, "an earning needs `amount:` or `bands:`")
			}
			continue
		}
		t := e.Bands
		if t.Pays == PaysMultiplier && e.Amount == nil {
			at(ep+".bands", "a band table with `pays: multiplier` multiplies the earning's `amount:`; add `amount:`")
		}
		if t.Pays != PaysMultiplier && e.Amount != nil {
			at(ep+".amount", "`amount:` is only used with `pays: multiplier`; this table pays a %s itself, so remove `amount:`", t.Pays)
		}
		if !slices.Contains(BandPaysKinds(), t.Pays) {
			at(ep+".bands.pays", "earning %q: bands pay unknown %q (want %s)", e.ID, string(t.Pays), oneOf(BandPaysKinds()))
		}
		switch t.Method {
		case Retroactive:
		case Marginal:
			if t.Pays == PaysMultiplier {
				at(ep+".bands.method", "a marginal table cannot pay a multiplier: marginal pays each band on the part of the basis inside it, "+
					"but a multiplier scales one whole `amount:`, so a per-band share of it has no single meaning; use `method: retroactive`, or `pays: rate`")
			}
		default:
			at(ep+".bands.method", "earning %q: unknown band method %q (want %s)", e.ID, string(t.Method), oneOf(BandMethods()))
		}
		if t.Period != "" && t.Basis != BasisPeriod {
			at(ep+".bands.period", "`period:` only applies to `basis: partner_period`")
		}
		if t.Basis != "" && !slices.Contains(BandBases(), t.Basis) {
			at(ep+".bands.basis", "earning %q: unknown band basis %q (want %s)", e.ID, string(t.Basis), oneOf(BandBases()))
		}
		validPeriod(ep+".bands.period", fmt.Sprintf("earning %q", e.ID), t.Period)
		if problems := checkBands(t.Bands); len(problems) > 0 {
			for _, pr := range problems {
				at(ep+".bands.table"+pr.path, "%s", pr.msg) // the path names the earning
			}
		} else if last := t.Bands[len(t.Bands)-1]; last.To != nil && !(t.Method == Marginal && t.Pays == PaysRate) {
			at(index(ep+".bands.table", len(t.Bands)-1)+".to", "earning %q: the last band ends at %s, so a basis above it would reach no band and earn nothing (a retroactive or flat table would even take back what was paid); leave the last band's upper bound off", e.ID, last.To)
		}
	}
	for gi, g := range p.Groups {
		n := 0
		for _, e := range p.Earnings {
			if e.Group == g.ID {
				n++
			}
		}
		if n == 0 {
			at(index("groups", gi), "group %q has no earnings", g.ID)
		}
	}
	places := p.Rounding.Places(p.Currency)
	for i, c := range p.Caps {
		cp := capPath(p, c, i)
		if !slices.Contains(CapScopes(), c.Scope) {
			at(cp, "caps[%d]: unknown scope %q (want %s)", i, string(c.Scope), oneOf(CapScopes()))
		}
		switch {
		case c.LimitFormula != nil && c.Scope != CapLine && c.Scope != CapDeal:
			at(cp, "only a line cap (`cap:` on an earning) or per_deal may be an expression of the deal; a %s cap's limit is a fixed amount", c.Scope)
		case c.LimitFormula != nil && !c.Limit.IsZero():
			at(cp, "a %s cap sets both a limit (%s) and a computed limit; give one", c.Scope, c.Limit)
		case c.LimitFormula != nil:
			// computed per deal: checked when evaluated
		case c.Limit.Sign() <= 0:
			at(cp, "a cap must be above zero, got %s", c.Limit)
		case -c.Limit.Exponent() > places && !c.Limit.Equal(c.Limit.Round(places)):
			at(cp, "a cap of %s has more decimal places than amounts are rounded to (%d)", c.Limit, places)
		}
		if c.Earning != "" && (c.Scope != CapLine || !earnings[c.Earning]) {
			if c.Scope != CapLine {
				at(cp, "caps[%d]: only a line cap names an earning", i)
			} else {
				at(cp, "caps[%d]: unknown earning %q", i, c.Earning)
			}
		}
		validPeriod(cp, fmt.Sprintf("caps[%d]", i), c.Period)
	}
	p.validateValues(at)
	p.validateEarningRefs(at)
	p.validateSplits(at)
	p.validateSettlements(at)
	return errors.Join(errs...)
}

// bandProblem is one problem of a band table, at path below the table.
type bandProblem struct{ path, msg string }

// checkBands returns every problem of a band table: bands must be sorted
// by from, each non-empty, contiguous (band i's To is band i+1's From)
// and only the last unbounded.
func checkBands(bands []Band) []bandProblem {
	if len(bands) == 0 {
		return []bandProblem{{"", "a band table needs at least one band"}}
	}
	var out []bandProblem
	for i, b := range bands {
		if b.To != nil && b.To.Cmp(b.From) <= 0 {
			out = append(out, bandProblem{index("", i) + ".to", fmt.Sprintf("band [%s, %s) is empty or reversed: `to` must be above `from`", b.From, b.To)})
		}
		if i == 0 {
			continue
		}
		prev := bands[i-1]
		switch {
		case prev.To == nil:
			out = append(out, bandProblem{index("", i-1), "only the last band may leave out `to` (an unbounded band must come last)"})
		case b.From.Cmp(prev.From) < 0:
			out = append(out, bandProblem{index("", i) + ".from", fmt.Sprintf("bands must be sorted by `from`: this band starts at %s, below the previous band's start %s", b.From, prev.From)})
		case b.From.Cmp(*prev.To) < 0:
			out = append(out, bandProblem{index("", i) + ".from", fmt.Sprintf("overlap: this band starts at %s but the previous band runs to %s (bands are half-open [from, to), so start this band at %s)", b.From, prev.To, prev.To)})
		case b.From.Cmp(*prev.To) > 0:
			out = append(out, bandProblem{index("", i) + ".from", fmt.Sprintf("gap: the previous band ends at %s but this band starts at %s; a basis in [%s, %s) would reach no band (start this band at %s)", prev.To, b.From, prev.To, b.From, prev.To)})
		}
	}
	return out
}

// builtinDealField reports whether name is a built-in field of deal.
func builtinDealField(name string) bool {
	switch name {
	case "id", "partner_id", "amount", "currency", "quantity", "type", "registered",
		"registration_id", "close_date", "products", "customer", "credits":
		return true
	}
	return strings.Contains(name, ".")
}

// ProgramError is one problem Validate found, at Path: the part of the
// program in the layout of the YAML DSL, such as "currency",
// "earnings[0].bands.table[1].from", "caps.per_partner" or
// "earnings[2].cap" (a line cap), so that package rules can point at the
// line; for programs built in Go it names the field.
type ProgramError struct {
	Path string
	Msg  string
}

// Error renders "invalid program: path: message".
func (e *ProgramError) Error() string {
	if e.Path == "" {
		return ErrInvalidProgram.Error() + ": " + e.Msg
	}
	return ErrInvalidProgram.Error() + ": " + e.Path + ": " + e.Msg
}

// Unwrap returns ErrInvalidProgram.
func (e *ProgramError) Unwrap() error { return ErrInvalidProgram }

func index(path string, i int) string { return path + "[" + itoa(i) + "]" }

// capPath names cap i where the DSL writes it: a line cap on its earning
// ("earnings[2].cap"), the others under caps.
func capPath(p *Program, c Cap, i int) string {
	switch c.Scope {
	case CapLine:
		for j := range p.Earnings {
			if c.Earning != "" && p.Earnings[j].ID == c.Earning {
				return index("earnings", j) + ".cap"
			}
		}
	case CapDeal:
		return "caps.per_deal"
	case CapPartner:
		return "caps.per_partner"
	case CapBudget:
		return "caps.budget"
	}
	return index("caps", i)
}
