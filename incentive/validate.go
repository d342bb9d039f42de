package incentive

import (
	"errors"
	"fmt"
	"strings"
)

// maxScale bounds rounding scales, so a typo cannot ask for a million places.
const maxScale = 12

// Validate checks that the program's terms are complete and consistent:
// ids, currency, rounding, band tables (sorted, contiguous, half-open, only
// the last unbounded), groups, caps and fields. It returns every problem
// found, joined, each wrapping ErrInvalidProgram. Package rules performs the
// same checks with file positions; Validate is the check for programs built
// in Go.
func (p *Program) Validate() error {
	if p == nil {
		return fmt.Errorf("%w: nil program", ErrInvalidProgram)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s", ErrInvalidProgram, fmt.Sprintf(format, args...)))
	}
	if p.ID == "" {
		bad("program has no id")
	}
	if !p.Currency.Valid() {
		bad("currency %q is not a supported ISO 4217 code", string(p.Currency))
	}
	if p.Version < 1 {
		bad("version %d: versions start at 1", p.Version)
	}
	if p.Rounding.Mode != "" && !p.Rounding.Mode.Valid() {
		bad("unknown rounding mode %q", string(p.Rounding.Mode))
	}
	switch p.Rounding.Stage {
	case "", StageLine, StageDeal, StageStatement:
	default:
		bad("unknown rounding stage %q (want line, deal or statement)", string(p.Rounding.Stage))
	}
	if s := p.Rounding.Scale; s != nil && (*s < 0 || *s > maxScale) {
		bad("rounding scale %d is outside 0..%d", *s, maxScale)
	}
	if !p.Effective.From.IsZero() && !p.Effective.To.IsZero() && p.Effective.To.Before(p.Effective.From) {
		bad("effective window ends (%s) before it starts (%s)", p.Effective.To, p.Effective.From)
	}
	switch p.Effective.Ends {
	case "", BothInclusive, HalfOpen:
	default:
		bad("unknown window ends %q", string(p.Effective.Ends))
	}
	if p.Claims.Days < 0 {
		bad("claim window of %d days is negative", p.Claims.Days)
	}
	switch p.Claims.From {
	case "", FromCloseDate:
	case FromProgramEnd:
		if p.Effective.To.IsZero() {
			bad("claim window counts from the program end, but the effective window has no end")
		}
	default:
		bad("unknown claim anchor %q", string(p.Claims.From))
	}
	if p.MinPayout.Sign() < 0 {
		bad("minimum payout %s is negative", p.MinPayout)
	}
	validPeriod := func(what string, per Period) {
		switch per {
		case "", PeriodProgram, PeriodMonth, PeriodQuarter, PeriodYear:
		default:
			bad("%s: unknown period %q (want program, month, quarter or year)", what, string(per))
		}
	}
	validPeriod("program", p.Period)
	fields := map[string]bool{}
	for i, f := range p.Fields {
		switch {
		case f.Name == "":
			bad("fields[%d] has no name", i)
		case fields[f.Name]:
			bad("field %q is declared twice", f.Name)
		case builtinDealField(f.Name):
			bad("field %q clashes with the built-in deal.%s", f.Name, f.Name)
		}
		fields[f.Name] = true
		switch f.Type {
		case FieldString, FieldInt, FieldDecimal, FieldBool, FieldDate:
		default:
			bad("field %q has unknown type %q", f.Name, string(f.Type))
		}
	}
	clauses := map[string]bool{}
	for i, c := range p.Eligibility {
		if c.Name == "" {
			bad("eligibility[%d] has no name", i)
		} else if clauses[c.Name] {
			bad("eligibility clause %q is named twice", c.Name)
		}
		clauses[c.Name] = true
		if c.When == nil {
			bad("eligibility clause %q has no condition", c.Name)
		}
	}
	groups := map[string]*Group{}
	for i := range p.Groups {
		g := &p.Groups[i]
		if g.ID == "" {
			bad("groups[%d] has no id", i)
		} else if groups[g.ID] != nil {
			bad("group %q is declared twice", g.ID)
		}
		groups[g.ID] = g
		if g.Pick != PickHighest && g.Pick != PickFirst {
			bad("group %q: unknown pick %q (want highest or first)", g.ID, string(g.Pick))
		}
	}
	if len(p.Earnings) == 0 {
		bad("program has no earnings")
	}
	earnings := map[string]bool{}
	for i := range p.Earnings {
		e := &p.Earnings[i]
		if e.ID == "" {
			bad("earnings[%d] has no id", i)
		} else if earnings[e.ID] {
			bad("earning %q is declared twice", e.ID)
		}
		earnings[e.ID] = true
		if e.Type == "" {
			bad("earning %q has no type", e.ID)
		}
		if e.Group != "" && groups[e.Group] == nil {
			bad("earning %q names unknown group %q", e.ID, e.Group)
		}
		if e.Bands == nil {
			if e.Amount == nil {
				bad("earning %q has neither an amount nor bands", e.ID)
			}
			continue
		}
		t := e.Bands
		if t.Pays == PaysMultiplier && e.Amount == nil {
			bad("earning %q: bands paying a multiplier need an amount to multiply", e.ID)
		}
		if t.Pays != PaysMultiplier && e.Amount != nil {
			bad("earning %q has both an amount and bands paying a %s", e.ID, t.Pays)
		}
		switch t.Pays {
		case PaysRate, PaysFlat, PaysMultiplier:
		default:
			bad("earning %q: bands pay unknown %q (want rate, flat or multiplier)", e.ID, string(t.Pays))
		}
		switch t.Method {
		case Retroactive:
		case Marginal:
			if t.Pays == PaysMultiplier {
				bad("earning %q: a marginal band table cannot pay a multiplier (a multiplier applies to one amount, so it has no per-band share); use retroactive", e.ID)
			}
		default:
			bad("earning %q: unknown band method %q (want retroactive or marginal)", e.ID, string(t.Method))
		}
		switch t.Basis {
		case "", BasisDeal, BasisPeriod, BasisCumulative:
		default:
			bad("earning %q: unknown band basis %q (want deal, partner_period or cumulative)", e.ID, string(t.Basis))
		}
		validPeriod(fmt.Sprintf("earning %q", e.ID), t.Period)
		if msg := checkBands(t.Bands); msg != "" {
			bad("earning %q: %s", e.ID, msg)
		} else if last := t.Bands[len(t.Bands)-1]; last.To != nil && !(t.Method == Marginal && t.Pays == PaysRate) {
			bad("earning %q: the last band ends at %s, so a basis above it would reach no band and earn nothing (a retroactive or flat table would even take back what was paid); leave the last band's upper bound off", e.ID, last.To)
		}
	}
	for _, g := range p.Groups {
		n := 0
		for _, e := range p.Earnings {
			if e.Group == g.ID {
				n++
			}
		}
		if n == 0 {
			bad("group %q has no earnings", g.ID)
		}
	}
	places := p.Rounding.Places(p.Currency)
	for i, c := range p.Caps {
		switch c.Scope {
		case CapLine, CapDeal, CapPartner, CapBudget:
		default:
			bad("caps[%d]: unknown scope %q (want line, deal, partner or budget)", i, string(c.Scope))
		}
		if c.Limit.Sign() <= 0 {
			bad("caps[%d] (%s): limit %s must be above zero", i, c.Scope, c.Limit)
		}
		if -c.Limit.Exponent() > places && !c.Limit.Equal(c.Limit.Round(places)) {
			bad("caps[%d] (%s): limit %s has more decimal places than amounts round to (%d)", i, c.Scope, c.Limit, places)
		}
		if c.Earning != "" && (c.Scope != CapLine || !earnings[c.Earning]) {
			if c.Scope != CapLine {
				bad("caps[%d]: only a line cap names an earning", i)
			} else {
				bad("caps[%d]: unknown earning %q", i, c.Earning)
			}
		}
		validPeriod(fmt.Sprintf("caps[%d]", i), c.Period)
	}
	return errors.Join(errs...)
}

// checkBands returns a description of the first problem of a band table, or "".
func checkBands(bands []Band) string {
	if len(bands) == 0 {
		return "band table has no bands"
	}
	for i, b := range bands {
		if b.To != nil && b.To.Cmp(b.From) <= 0 {
			return fmt.Sprintf("band %d [%s, %s) is empty or reversed", i+1, b.From, b.To)
		}
		if i == len(bands)-1 {
			break
		}
		if b.To == nil {
			return fmt.Sprintf("band %d is unbounded but is not the last band", i+1)
		}
		next := bands[i+1].From
		switch c := b.To.Cmp(next); {
		case c < 0:
			return fmt.Sprintf("gap between band %d (ends %s) and band %d (starts %s)", i+1, b.To, i+2, next)
		case c > 0:
			return fmt.Sprintf("band %d (ends %s) overlaps band %d (starts %s)", i+1, b.To, i+2, next)
		}
	}
	return ""
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
