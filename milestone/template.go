package milestone

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// OffsetUnit is the unit of an Offset.
type OffsetUnit string

// Offset units.
const (
	Days   OffsetUnit = "d"
	Weeks  OffsetUnit = "w"
	Months OffsetUnit = "mo"
)

// OffsetUnits lists the offset units.
func OffsetUnits() []OffsetUnit { return []OffsetUnit{Days, Weeks, Months} }

// MaxOffsetDays bounds an offset: at most this many days, or the weeks
// and months that fit in it (1428 weeks, 322 months of 31 days).
const MaxOffsetDays = 10_000

// Offset is a due date relative to a plan's start: "+14d", "+2w", "+1mo".
// The zero Offset is "+0d", the start day itself.
type Offset struct {
	N    int
	Unit OffsetUnit
}

// ErrBadOffset is wrapped by the errors of ParseOffset.
var ErrBadOffset = errors.New("milestone: bad offset")

// ParseOffset parses an offset: an optional "+", a whole number of at
// most 5 digits, and a unit: "d" (days), "w" (weeks) or "mo" (calendar
// months). Negative offsets are refused: a due date is on or after the
// start.
func ParseOffset(s string) (Offset, error) {
	bad := func(why string) (Offset, error) {
		return Offset{}, fmt.Errorf("%w %q: %s; want a number of days, weeks or months after the start such as +14d, +2w or +1mo", ErrBadOffset, s, why)
	}
	rest := strings.TrimPrefix(s, "+")
	if strings.HasPrefix(rest, "-") {
		return bad("a due date cannot be before the start")
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 {
		return bad("no number")
	}
	if i > 5 {
		return bad("too many digits")
	}
	n, _ := strconv.Atoi(rest[:i])
	var o Offset
	switch u := OffsetUnit(rest[i:]); u {
	case Days, Weeks, Months:
		o = Offset{N: n, Unit: u}
	case "":
		return bad("no unit")
	default:
		return bad(fmt.Sprintf("unknown unit %q", string(u)))
	}
	if o.days() > MaxOffsetDays {
		return bad(fmt.Sprintf("more than %d days", MaxOffsetDays))
	}
	return o, nil
}

// days is the offset in days, months counted as 31, for the bound only.
func (o Offset) days() int {
	switch o.Unit {
	case Weeks:
		return o.N * 7
	case Months:
		return o.N * 31
	}
	return o.N
}

// String renders the offset as ParseOffset reads it: "+14d".
func (o Offset) String() string {
	u := o.Unit
	if u == "" {
		u = Days
	}
	return "+" + strconv.Itoa(o.N) + string(u)
}

// From returns the day the offset lands on from start. Months are
// calendar months, clamped to the month's last day: 2026-01-31 +1mo is
// 2026-02-28, and 2028-01-31 +1mo is 2028-02-29 (unlike time.AddDate,
// which would overflow into March). A clamped month offset does not
// remember the original day: +2mo from 01-31 is 03-31.
func (o Offset) From(start Date) Date {
	switch o.Unit {
	case Weeks:
		return start.AddDays(7 * o.N)
	case Months:
		y, m, d := start.Parts()
		first := time.Date(y, m+time.Month(o.N), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1).Day()
		return NewDate(first.Year(), first.Month(), min(d, last))
	}
	return start.AddDays(o.N)
}

// Template is a reusable plan: milestones and outcomes due at offsets
// from the start, for one partner type.
type Template struct {
	// ID names the template; Plan.Template records it.
	ID   string
	Name string
	// PartnerType is the partner type the template is for; empty means
	// any type (see Templates.For).
	PartnerType string
	Milestones  []TemplateMilestone
	Outcomes    []TemplateOutcome
	// Escalation is the escalation policy for plans of this template.
	Escalation Policy
}

// TemplateMilestone is a milestone of a template.
type TemplateMilestone struct {
	ID, Name string
	// Owner is a role ("partner_manager") resolved through
	// InstantiateParams.Owners, or a person kept as written.
	Owner     string
	Due       Offset
	Duration  int
	DependsOn []string
	Weight    int
	Targets   []TargetSpec
}

// TargetSpec is a metric target of a template milestone.
type TargetSpec struct {
	Metric string
	Target decimal.Decimal
	Unit   string
}

// TemplateOutcome is an outcome of a template.
type TemplateOutcome struct {
	ID, Name, Metric, Unit string
	Target, Baseline       decimal.Decimal
	Due                    Offset
}

// InstantiateParams are the arguments of Template.Instantiate.
type InstantiateParams struct {
	PlanID       string
	Subject      PartnerID
	Name         string
	Owner        string
	OwnerManager string
	Start        Date
	// Owners maps template owner roles to people; a role not in the map
	// is kept as written.
	Owners map[string]string
}

// Instantiate makes a plan from the template: each due date is its offset
// from p.Start. The plan is validated; a template whose plan would not
// validate returns the *ValidationError.
func (t *Template) Instantiate(p InstantiateParams) (*Plan, error) {
	if t == nil {
		return nil, fmt.Errorf("%w: no template (nil)", ErrInvalidPlan)
	}
	pl := &Plan{ID: p.PlanID, Subject: p.Subject, Name: p.Name, Owner: p.Owner, OwnerManager: p.OwnerManager,
		PartnerType: t.PartnerType, Template: t.ID, Start: p.Start,
		Escalation: Policy{Rules: slices.Clone(t.Escalation.Rules)}}
	if pl.Name == "" {
		pl.Name = t.Name
		if p.Subject != "" {
			pl.Name = fmt.Sprintf("%s: %s", p.Subject, t.Name)
		}
	}
	for _, tm := range t.Milestones {
		owner := tm.Owner
		if o, ok := p.Owners[owner]; ok {
			owner = o
		}
		m := Milestone{ID: tm.ID, Name: tm.Name, Owner: owner, Duration: tm.Duration,
			DependsOn: append([]string(nil), tm.DependsOn...), Weight: tm.Weight}
		if !p.Start.IsZero() {
			m.Due = tm.Due.From(p.Start)
		}
		for _, ts := range tm.Targets {
			m.Targets = append(m.Targets, MetricTarget{Metric: ts.Metric, Target: ts.Target, Unit: ts.Unit})
		}
		pl.Milestones = append(pl.Milestones, m)
	}
	for _, to := range t.Outcomes {
		o := Outcome{ID: to.ID, Name: to.Name, Metric: to.Metric, Unit: to.Unit, Target: to.Target, Baseline: to.Baseline}
		if !p.Start.IsZero() {
			o.Due = to.Due.From(p.Start)
		}
		pl.Outcomes = append(pl.Outcomes, o)
	}
	if err := pl.Validate(); err != nil {
		return nil, err
	}
	return pl, nil
}

// Validate checks the template as Plan.Validate checks a plan made from
// it (cycles, dangling dependencies, duplicates, the escalation policy;
// every problem at once).
func (t *Template) Validate() error {
	_, err := t.Instantiate(InstantiateParams{PlanID: "template", Start: NewDate(2000, time.January, 1)})
	return err
}

// Templates is a set of templates.
type Templates []*Template

// For returns the template for a partner type: the first whose
// PartnerType is the type, else the first with no PartnerType.
func (ts Templates) For(partnerType string) (*Template, bool) {
	var any *Template
	for _, t := range ts {
		if t == nil {
			continue
		}
		if t.PartnerType == partnerType {
			return t, true
		}
		if t.PartnerType == "" && any == nil {
			any = t
		}
	}
	return any, any != nil
}
