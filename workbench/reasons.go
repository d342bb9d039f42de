package workbench

import (
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// explainChange finds why a deal's outcome differs between the old result
// r0 and the new r1: a bit per ReasonKind, and, when words is set, the
// reasons in plain words (the bits alone allocate nothing, so a large diff
// explains in words only the deals it keeps).
func explainChange(r0, r1 *incentive.Result, words bool) (uint8, []Reason) {
	var kinds uint8
	var out []Reason
	add := func(k ReasonKind, earning string, detail func() string) {
		kinds |= k.bit()
		if words {
			out = append(out, Reason{Kind: k, Earning: earning, Detail: detail()})
		}
	}
	cur := r1.Total.Currency()
	if r0.Eligible != r1.Eligible {
		add(ReasonEligibility, "", func() string {
			if r0.Eligible {
				return "no longer eligible: " + strconv.Quote(r1.Failed) + " fails"
			}
			return "now eligible: " + strconv.Quote(r0.Failed) + " no longer fails"
		})
		return kinds, out
	}
	if !r0.Eligible {
		return kinds, out
	}
	// The new result's earnings in its order, then those only the old one
	// paid.
	for i := range len(r1.Lines) + len(r0.Lines) {
		var id string
		if i < len(r1.Lines) {
			id = r1.Lines[i].Earning
		} else if id = r0.Lines[i-len(r1.Lines)].Earning; lineOf(r1, id) != nil {
			continue
		}
		l0, l1 := lineOf(r0, id), lineOf(r1, id)
		switch {
		case l0 == nil:
			if other := groupRival(r0, l1.Group, id); other != nil {
				add(ReasonGroup, id, func() string {
					return "group " + strconv.Quote(l1.Group) + " now picks it (" + money(l1.Amount.Amount(), cur) + ") over " + strconv.Quote(other.Earning) + " (" + money(other.Amount.Amount(), cur) + ")"
				})
				continue
			}
			add(ReasonEarning, id, func() string { return "now pays " + money(l1.Amount.Amount(), cur) + bandNote(l1.Band) })
		case l1 == nil:
			if groupRival(r1, l0.Group, id) != nil {
				// The rival's own entry says the group now picks it.
				kinds |= ReasonGroup.bit()
				continue
			}
			add(ReasonEarning, id, func() string { return "no longer pays (paid " + money(l0.Amount.Amount(), cur) + ")" })
		default:
			lineReasons(l0, l1, cur, add)
		}
	}
	if kinds == 0 && !r0.Total.Amount().Equal(r1.Total.Amount()) {
		add(ReasonRounding, "", func() string {
			return "the total rounds to " + money(r1.Total.Amount(), cur) + " (was " + money(r0.Total.Amount(), cur) + ")"
		})
	}
	return kinds, out
}

// lineReasons compares one earning's line under both versions.
func lineReasons(l0, l1 *incentive.Line, cur incentive.Currency, add func(ReasonKind, string, func() string)) {
	id := l1.Earning
	found := false
	if !sameBand(l0.Band, l1.Band) {
		found = true
		add(ReasonBand, id, func() string { return bandName(l0.Band) + " -> " + bandName(l1.Band) })
	} else if !l0.Gross.Amount().Equal(l1.Gross.Amount()) {
		found = true
		add(ReasonAmount, id, func() string {
			return "before caps " + money(l0.Gross.Amount(), cur) + " -> " + money(l1.Gross.Amount(), cur)
		})
	}
	for _, scope := range []incentive.CapScope{incentive.CapLine, incentive.CapDeal, incentive.CapPartner, incentive.CapBudget} {
		c0, c1 := cutOf(l0, scope), cutOf(l1, scope)
		if c0.Equal(c1) {
			continue
		}
		found = true
		add(ReasonCap, id, func() string {
			name := capWords(scope)
			switch {
			case c0.IsZero():
				return name + " now binds, cuts " + money(c1, cur)
			case c1.IsZero():
				return name + " no longer binds (cut " + money(c0, cur) + ")"
			}
			return name + " cuts " + money(c1, cur) + " (was " + money(c0, cur) + ")"
		})
	}
	if !found && !l0.Amount.Amount().Equal(l1.Amount.Amount()) {
		add(ReasonRounding, id, func() string {
			return "rounds to " + money(l1.Amount.Amount(), cur) + " (was " + money(l0.Amount.Amount(), cur) + ")"
		})
	}
}

func lineOf(r *incentive.Result, id string) *incentive.Line {
	for i := range r.Lines {
		if r.Lines[i].Earning == id {
			return &r.Lines[i]
		}
	}
	return nil
}

// groupRival returns the line of r that won group g instead of earning id.
func groupRival(r *incentive.Result, g, id string) *incentive.Line {
	if g == "" {
		return nil
	}
	for i := range r.Lines {
		if r.Lines[i].Group == g && r.Lines[i].Earning != id {
			return &r.Lines[i]
		}
	}
	return nil
}

func sameBand(a, b *incentive.BandHit) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Index == b.Index && a.Label == b.Label
}

func bandName(b *incentive.BandHit) string {
	if b == nil {
		return "no band"
	}
	s := "band " + strconv.Itoa(b.Index+1)
	if b.Label != "" {
		s += " (" + b.Label + ")"
	}
	return s
}

func bandNote(b *incentive.BandHit) string {
	if b == nil {
		return ""
	}
	return " in " + bandName(b)
}

// cutOf is what the caps of one scope took off a line.
func cutOf(l *incentive.Line, scope incentive.CapScope) decimal.Decimal {
	sum := decimal.Zero
	for _, c := range l.Cuts {
		if c.Scope == scope {
			sum = sum.Add(c.Cut)
		}
	}
	return sum
}

func capWords(s incentive.CapScope) string {
	switch s {
	case incentive.CapLine:
		return "the line cap"
	case incentive.CapDeal:
		return "the per-deal cap"
	case incentive.CapPartner:
		return "the partner cap"
	case incentive.CapBudget:
		return "the budget"
	}
	return string(s) + " cap"
}

// money renders an amount for people: thousands grouped, at least the
// currency's minor places.
func money(d decimal.Decimal, c incentive.Currency) string {
	s := plain(d, c)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// signed renders a delta with its sign: +12.00, -3.50, 0.00.
func signed(d decimal.Decimal, c incentive.Currency) string {
	if d.Sign() > 0 {
		return "+" + money(d, c)
	}
	return money(d, c)
}

// plain renders an amount without grouping, with at least the currency's
// minor places and no trailing zeros beyond them: 2500 -> "2500.00".
func plain(d decimal.Decimal, c incentive.Currency) string {
	if d.Exponent() < 0 {
		d = decimal.RequireFromString(d.String())
	}
	return incentive.FormatAmount(d, c)
}
