package milestone

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"
)

// AttentionKind says why an item needs attention. The kinds are listed in
// ranking order.
type AttentionKind string

// Attention kinds, most severe first.
const (
	AttentionOverdueCritical AttentionKind = "overdue_critical"
	AttentionOutcomeMissed   AttentionKind = "outcome_missed"
	AttentionOutcomeOffTrack AttentionKind = "outcome_off_track"
	AttentionOverdue         AttentionKind = "overdue"
	AttentionBlocked         AttentionKind = "blocked"
	AttentionAtRiskCritical  AttentionKind = "at_risk_critical"
	AttentionAtRisk          AttentionKind = "at_risk"
)

// AttentionKinds lists the kinds in ranking order, most severe first.
func AttentionKinds() []AttentionKind {
	return []AttentionKind{AttentionOverdueCritical, AttentionOutcomeMissed, AttentionOutcomeOffTrack,
		AttentionOverdue, AttentionBlocked, AttentionAtRiskCritical, AttentionAtRisk}
}

func (k AttentionKind) rank() int { return slices.Index(AttentionKinds(), k) }

// AttentionItem is one milestone or outcome that needs a manager's
// attention.
type AttentionItem struct {
	Kind    AttentionKind
	PlanID  string
	Subject PartnerID
	// Milestone or Outcome is the item's id (one of them is set).
	Milestone string
	Outcome   string
	Name      string
	Owner     string
	Due       Date
	// Days orders items of one kind: days overdue for overdue items, days
	// projected late for at-risk milestones, days blocked for blocked
	// ones, and days since the due date for missed outcomes; 0 for off
	// track outcomes.
	Days int
	// Shortfall orders off-track outcomes: the share of the target the
	// trend falls short by at the due date, (target - projected) / target,
	// to 4 decimal places (0.6821 is 68.21% short); zero for other items.
	Shortfall decimal.Decimal
	// Detail says why in a few words.
	Detail string
}

// HealthCount is the number of plans with a health.
type HealthCount struct {
	Health Health
	Plans  int
}

// PortfolioParams are the arguments of Config.Portfolio.
type PortfolioParams struct {
	// Now is the reading of the caller's clock.
	Now time.Time
	// CohortFrom and CohortTo, when set, select the plans that started in
	// [CohortFrom, CohortTo] (both ends inclusive) for Completion.
	CohortFrom, CohortTo Date
	// AttentionLimit caps Attention; 0 means no cap.
	AttentionLimit int
}

// PlanError is a plan the portfolio could not assess, with the reason.
type PlanError struct {
	PlanID string
	Err    error
}

// Portfolio is many plans at a glance.
type Portfolio struct {
	Today Date
	// Counts has one entry per health a plan can have, worst first
	// (overdue, blocked, at risk, on track, done).
	Counts []HealthCount
	// Plans are the assessed plans, worst health first, then by
	// projected slip (latest completion first), then by id.
	Plans []*PlanHealth
	// Attention ranks what needs attention, most severe first: overdue
	// milestones on the critical path, missed outcomes, outcomes off track
	// by trend, other overdue milestones, blocked milestones, at-risk
	// milestones on the critical path, other at-risk milestones. Within a
	// kind, more Days first (the larger Shortfall first for off-track
	// outcomes), then the earlier due date, then plan id, then item id.
	Attention []AttentionItem
	// Completion is the cohort's completion (nil without a cohort).
	Completion *Completion
	// Medians are the median days per milestone of each template used by
	// the plans, by template id.
	Medians []TemplateMedians
	// Errors are the plans that did not validate, by id.
	Errors []PlanError
}

// Completion is the completion rate of the plans that started in a
// period: a plan is complete when each milestone is done or cancelled;
// it completed on the day of its last completion.
type Completion struct {
	From, To Date
	// Started and Completed count plans.
	Started, Completed int
	// MedianDays is the median number of days from start to completion
	// of the completed plans (zero when none).
	MedianDays decimal.Decimal
}

// Percent is Completed/Started as a percentage to one decimal place,
// rounded half up (0 when none started).
func (c *Completion) Percent() decimal.Decimal { return percent(c.Completed, c.Started) }

// TemplateMedians are the median days per milestone of one template.
type TemplateMedians struct {
	Template   string
	Milestones []MilestoneMedian
}

// MilestoneMedian is the median time a milestone of a template took: the
// days from when it was ready (the later of the plan's start and the
// completion of its last dependency) to its completion, over the plans in
// which it is done. The median of an even count is the mean of the middle
// two.
type MilestoneMedian struct {
	ID, Name string
	// Plans is how many done instances the median is over.
	Plans      int
	MedianDays decimal.Decimal
}

// Portfolio assesses many plans at p.Now. Plans that do not validate, and
// a plan whose id an earlier valid plan has (an error wrapping
// ErrConflict), are listed in Errors and counted nowhere else. Plans are taken as they are
// (see Config.Health); for a past date pass each plan's AsOf.
func (c Config) Portfolio(plans []*Plan, p PortfolioParams) *Portfolio {
	today := c.day(p.Now)
	pf := &Portfolio{Today: today}
	counts := map[Health]int{}
	valid := make([]*Plan, 0, len(plans))
	seen := map[string]bool{}
	for _, pl := range plans {
		if pl != nil && seen[pl.ID] {
			pf.Errors = append(pf.Errors, PlanError{PlanID: pl.ID, Err: fmt.Errorf("%w: plan id %q is used by another plan of the portfolio", ErrConflict, pl.ID)})
			continue
		}
		if err := pl.Validate(); err != nil {
			id := ""
			if pl != nil {
				id = pl.ID
			}
			pf.Errors = append(pf.Errors, PlanError{PlanID: id, Err: err})
			continue
		}
		valid = append(valid, pl)
		seen[pl.ID] = true
		h := c.health(pl, today)
		counts[h.Health]++
		pf.Plans = append(pf.Plans, h)
		pf.Attention = c.appendAttention(pf.Attention, pl, h)
	}
	for _, hv := range Healths() {
		if hv != HealthCancelled {
			pf.Counts = append(pf.Counts, HealthCount{Health: hv, Plans: counts[hv]})
		}
	}
	slices.SortFunc(pf.Plans, func(a, b *PlanHealth) int {
		return cmp.Or(-cmp.Compare(a.Health.Severity(), b.Health.Severity()),
			-a.ProjectedCompletion.Compare(b.ProjectedCompletion), cmp.Compare(a.PlanID, b.PlanID))
	})
	slices.SortFunc(pf.Attention, func(a, b AttentionItem) int {
		return cmp.Or(cmp.Compare(a.Kind.rank(), b.Kind.rank()), -cmp.Compare(a.Days, b.Days), -a.Shortfall.Cmp(b.Shortfall),
			a.Due.Compare(b.Due), cmp.Compare(a.PlanID, b.PlanID), cmp.Compare(a.Milestone, b.Milestone), cmp.Compare(a.Outcome, b.Outcome))
	})
	if p.AttentionLimit > 0 && len(pf.Attention) > p.AttentionLimit {
		pf.Attention = pf.Attention[:p.AttentionLimit]
	}
	slices.SortStableFunc(pf.Errors, func(a, b PlanError) int { return cmp.Compare(a.PlanID, b.PlanID) })
	if !p.CohortFrom.IsZero() || !p.CohortTo.IsZero() {
		pf.Completion = c.completion(valid, p.CohortFrom, p.CohortTo)
	}
	pf.Medians = c.medians(valid)
	return pf
}

func (c Config) appendAttention(out []AttentionItem, p *Plan, h *PlanHealth) []AttentionItem {
	for i, mh := range h.Milestones {
		it := AttentionItem{PlanID: p.ID, Subject: p.Subject, Milestone: mh.ID, Name: mh.Name, Owner: mh.Owner, Due: mh.Due, Detail: mh.Reason}
		switch {
		case mh.Health == HealthOverdue && mh.Critical:
			it.Kind, it.Days = AttentionOverdueCritical, mh.DaysOverdue
			it.Detail += ", critical path"
		case mh.Health == HealthOverdue:
			it.Kind, it.Days = AttentionOverdue, mh.DaysOverdue
		case mh.Health == HealthBlocked:
			it.Kind = AttentionBlocked
			if since := p.Milestones[i].BlockedSince; !since.IsZero() {
				it.Days = h.Today.DaysSince(c.day(since))
				it.Detail = fmt.Sprintf("blocked %s", days(it.Days))
			}
		case mh.Health == HealthAtRisk && mh.Critical:
			it.Kind, it.Days = AttentionAtRiskCritical, mh.Slip
			it.Detail += ", critical path"
		case mh.Health == HealthAtRisk:
			it.Kind, it.Days = AttentionAtRisk, mh.Slip
		default:
			continue
		}
		out = append(out, it)
	}
	for _, oh := range h.Outcomes {
		it := AttentionItem{PlanID: p.ID, Subject: p.Subject, Outcome: oh.ID, Name: oh.Name, Owner: p.Owner, Due: oh.Due}
		if it.Name == "" {
			it.Name = oh.Metric
		}
		switch oh.Status {
		case OutcomeMissed:
			it.Kind, it.Days = AttentionOutcomeMissed, h.Today.DaysSince(oh.Due)
			it.Detail = fmt.Sprintf("missed: %s of %s %s", oh.Latest, oh.Target, oh.Unit)
		case OutcomeOffTrack:
			it.Kind = AttentionOutcomeOffTrack
			if oh.Target.IsPositive() {
				it.Shortfall = oh.Target.Sub(oh.Projected).DivRound(oh.Target, 4)
			}
			it.Detail = fmt.Sprintf("off track: trend reaches %s of %s %s", oh.Projected, oh.Target, oh.Unit)
		default:
			continue
		}
		it.Detail = strings.TrimSpace(it.Detail)
		out = append(out, it)
	}
	return out
}

func (c Config) completion(plans []*Plan, from, to Date) *Completion {
	cp := &Completion{From: from, To: to}
	var took []int
	for _, p := range plans {
		if !from.IsZero() && p.Start.Before(from) || !to.IsZero() && p.Start.After(to) {
			continue
		}
		cp.Started++
		var last Date
		complete := true
		for i := range p.Milestones {
			m := &p.Milestones[i]
			switch m.Status {
			case Cancelled:
			case Done:
				last = maxDate(last, c.doneDay(m))
			default:
				complete = false
			}
		}
		if complete {
			cp.Completed++
			if last.IsZero() {
				last = p.Start
			}
			took = append(took, last.DaysSince(p.Start))
		}
	}
	cp.MedianDays = median(took)
	return cp
}

func (c Config) doneDay(m *Milestone) Date {
	if m.Completed.IsZero() {
		return m.Due
	}
	return c.day(m.Completed)
}

func (c Config) medians(plans []*Plan) []TemplateMedians {
	type key struct{ tpl, ms string }
	took := map[key][]int{}
	names := map[key]string{}
	order := map[string][]string{}
	for _, p := range plans {
		if p.Template == "" {
			continue
		}
		for i := range p.Milestones {
			m := &p.Milestones[i]
			k := key{p.Template, m.ID}
			if _, seen := names[k]; !seen {
				names[k] = m.Name
				order[p.Template] = append(order[p.Template], m.ID)
			}
			if m.Status != Done {
				continue
			}
			ready := p.Start
			for _, dep := range m.DependsOn {
				if dm, ok := p.Milestone(dep); ok && dm.Status == Done {
					ready = maxDate(ready, c.doneDay(dm))
				}
			}
			took[k] = append(took[k], max(0, c.doneDay(m).DaysSince(ready)))
		}
	}
	var out []TemplateMedians
	for _, tpl := range sortedKeys(order) {
		tm := TemplateMedians{Template: tpl}
		for _, id := range order[tpl] {
			k := key{tpl, id}
			tm.Milestones = append(tm.Milestones, MilestoneMedian{ID: id, Name: names[k], Plans: len(took[k]), MedianDays: median(took[k])})
		}
		out = append(out, tm)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// median returns the median of xs (the mean of the middle two for an even
// count), or zero for none.
func median(xs []int) decimal.Decimal {
	if len(xs) == 0 {
		return decimal.Zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return decimal.NewFromInt(int64(s[n/2]))
	}
	// (a+b)/2 is exact to one decimal place.
	return decimal.NewFromInt(int64(s[n/2-1] + s[n/2])).Div(decimal.NewFromInt(2))
}

// WriteText renders the portfolio for a manager: the counts by health,
// what needs attention, the plans, the cohort's completion and the
// template medians. The output depends only on the portfolio.
func (pf *Portfolio) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Portfolio on %s: %d plans\n", pf.Today, len(pf.Plans))
	var parts []string
	for _, c := range pf.Counts {
		parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(c.Health), "_", " "), c.Plans))
	}
	b.WriteString("  " + strings.Join(parts, " · ") + "\n")
	if len(pf.Errors) > 0 {
		fmt.Fprintf(&b, "\nPlans with errors (%d):\n", len(pf.Errors))
		for _, e := range pf.Errors {
			fmt.Fprintf(&b, "  %s: %v\n", e.PlanID, e.Err)
		}
	}
	b.WriteString("\nNeeds attention, most severe first:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if len(pf.Attention) == 0 {
		fmt.Fprintln(tw, "  nothing")
	}
	for i, it := range pf.Attention {
		id := it.Milestone
		if id == "" {
			id = "outcome " + it.Outcome
		}
		fmt.Fprintf(tw, "  %d.\t%s\t%s\t%s\t%s\tdue %s\t%s\n", i+1, it.PlanID, id, it.Owner, it.Detail, it.Due, it.Name)
	}
	tw.Flush()
	b.WriteString("\nPlans, worst first:\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  PLAN\tSUBJECT\tHEALTH\tDONE\tBY WEIGHT\tPROJECTED\tOWNER")
	for _, h := range pf.Plans {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d/%d\t%s%%\t%s\t%s\n", h.PlanID, h.Subject, h.Health, h.Done, h.Total,
			h.PercentByWeight().StringFixed(1), h.ProjectedCompletion, h.Owner)
	}
	tw.Flush()
	if c := pf.Completion; c != nil {
		fmt.Fprintf(&b, "\nCompletion of plans started %s to %s: %d of %d (%s%%), median %s days to complete\n",
			orOpen(c.From), orOpen(c.To), c.Completed, c.Started, c.Percent().StringFixed(1), c.MedianDays)
	}
	for _, tm := range pf.Medians {
		fmt.Fprintf(&b, "\nMedian days per milestone of %s:\n", tm.Template)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, m := range tm.Milestones {
			if m.Plans == 0 {
				fmt.Fprintf(tw, "  %s\t-\t(none done)\n", m.ID)
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t(%d done)\n", m.ID, m.MedianDays.StringFixed(1), m.Plans)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orOpen(d Date) string {
	if d.IsZero() {
		return "(open)"
	}
	return d.String()
}
