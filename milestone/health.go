package milestone

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Health is how a milestone or a plan stands against the clock.
type Health string

// Health values, from best to worst for open work.
const (
	// HealthDone: the milestone is done (a plan: every milestone done or
	// cancelled and no outcome off track).
	HealthDone Health = "done"
	// HealthOnTrack: nothing says it will be late.
	HealthOnTrack Health = "on_track"
	// HealthAtRisk: due within the at-risk window and not started, or
	// projected to finish after its due date, or a dependency is
	// projected late (a plan: also an outcome off track by trend).
	HealthAtRisk Health = "at_risk"
	// HealthBlocked: the milestone's status is blocked (and it is not yet
	// overdue).
	HealthBlocked Health = "blocked"
	// HealthOverdue: past its due date and not done.
	HealthOverdue Health = "overdue"
	// HealthCancelled: the milestone is cancelled; it counts nowhere.
	HealthCancelled Health = "cancelled"
)

// Healths lists the health values in the order reports show them: worst
// first.
func Healths() []Health {
	return []Health{HealthOverdue, HealthBlocked, HealthAtRisk, HealthOnTrack, HealthDone, HealthCancelled}
}

// Severity ranks a health for sorting: higher is worse. Done and
// cancelled are 0.
func (h Health) Severity() int {
	switch h {
	case HealthOverdue:
		return 4
	case HealthBlocked:
		return 3
	case HealthAtRisk:
		return 2
	case HealthOnTrack:
		return 1
	}
	return 0
}

// DefaultAtRiskWindow is the at-risk window when Config.AtRiskWindow is 0.
const DefaultAtRiskWindow = 7

// Config sets how health is computed. The zero Config is ready to use.
type Config struct {
	// AtRiskWindow is how many days before its due date a milestone that
	// has not started is at risk: due within [today, today+window]. 0
	// means DefaultAtRiskWindow (7 days); a negative window turns the
	// rule off.
	AtRiskWindow int
	// Location turns the clock's reading into today's date and
	// completion times into completion days. nil means UTC.
	Location *time.Location
}

func (c Config) window() int {
	if c.AtRiskWindow == 0 {
		return DefaultAtRiskWindow
	}
	return c.AtRiskWindow
}

func (c Config) day(t time.Time) Date {
	if c.Location != nil {
		t = t.In(c.Location)
	} else {
		t = t.UTC()
	}
	return DateOf(t)
}

// MilestoneHealth is one milestone's health on a day.
type MilestoneHealth struct {
	ID     string
	Name   string
	Owner  string
	Status Status
	Health Health
	Due    Date
	// ProjectedFinish is when it is projected to be done (its completion
	// day once done; zero when cancelled). See PlanHealth.
	ProjectedFinish Date
	// Slip is ProjectedFinish minus Due in days: positive when projected
	// late.
	Slip int
	// DaysOverdue is how many days past due an open milestone is.
	DaysOverdue int
	// Critical marks milestones on the critical path, or on a path tied
	// with it (see PlanHealth).
	Critical bool
	// Reason explains the health in a few words.
	Reason string
}

// PlanHealth is a plan's health on a day.
//
// Projection rule: a done milestone finishes on its completion day; a
// cancelled one constrains nothing. An open milestone is ready on the
// latest of today, the plan's start and the projected finish of each dependency that is not
// cancelled; its remaining work is its Duration, less the days it has
// been worked on (from its start to today, or to the day it was blocked;
// never below 0). It
// is projected to finish on the later of its due date and ready plus
// remaining work: work is assumed to take its planned time, so a slip
// propagates to dependants until slack before their due dates absorbs
// it.
//
// The critical path runs back from the milestone with the latest
// projected finish (the first in plan order on a tie) through, at each
// step, the dependency with the latest projected finish; it is listed
// first milestone first. On a tie the path takes one milestone, but every
// milestone of a tied path is marked Critical: a slip of any of them
// delays the completion as much.
type PlanHealth struct {
	PlanID  string
	Subject PartnerID
	Name    string
	Owner   string
	// Today is the day the health was computed for.
	Today  Date
	Health Health
	// Milestones in plan order.
	Milestones []MilestoneHealth
	// Outcomes in plan order.
	Outcomes []OutcomeHealth
	// CriticalPath holds milestone ids, first to last.
	CriticalPath []string
	// ProjectedCompletion is the latest projected finish of any milestone
	// that is not cancelled.
	ProjectedCompletion Date
	// Done and Total count milestones that are done, and that are not
	// cancelled; DoneWeight and TotalWeight the same by weight.
	Done, Total             int
	DoneWeight, TotalWeight int
}

// PercentByCount is Done/Total as a percentage rounded half up to one
// decimal place; 0 when Total is 0.
func (h *PlanHealth) PercentByCount() decimal.Decimal { return percent(h.Done, h.Total) }

// PercentByWeight is DoneWeight/TotalWeight as a percentage rounded half
// up to one decimal place; 0 when TotalWeight is 0.
func (h *PlanHealth) PercentByWeight() decimal.Decimal { return percent(h.DoneWeight, h.TotalWeight) }

func percent(a, b int) decimal.Decimal {
	if b == 0 {
		return decimal.Zero
	}
	// DivRound rounds half away from zero; both are non-negative.
	return decimal.NewFromInt(int64(a)*100).DivRound(decimal.NewFromInt(int64(b)), 1)
}

// Milestone returns the health of the milestone with the given id.
func (h *PlanHealth) Milestone(id string) (MilestoneHealth, bool) {
	for _, m := range h.Milestones {
		if m.ID == id {
			return m, true
		}
	}
	return MilestoneHealth{}, false
}

// Outcome returns the health of the outcome with the given id.
func (h *PlanHealth) Outcome(id string) (OutcomeHealth, bool) {
	for _, o := range h.Outcomes {
		if o.ID == id {
			return o, true
		}
	}
	return OutcomeHealth{}, false
}

// Health computes the plan's health at now, the reading of the caller's
// clock (the package never reads the system clock). It returns a
// *ValidationError for a plan that does not validate.
//
// A milestone is overdue when today is after its due date; else blocked
// when its status is; else at risk when it has not started and is due
// within the at-risk window, or it is projected to finish after its due
// date, or one of its dependencies is; else on track. The plan takes the
// worst health of its milestones (overdue, blocked, at risk, on track);
// an outcome off track or missed makes it at least at risk; it is done
// when every milestone is done or cancelled and no outcome is off track
// or missed.
//
// The plan is taken as it is, with all its events; for the health it had
// at a past moment, pass p.AsOf(then) and then.
func (c Config) Health(p *Plan, now time.Time) (*PlanHealth, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return c.health(p, c.day(now)), nil
}

func (c Config) health(p *Plan, today Date) *PlanHealth {
	n := len(p.Milestones)
	idx := make(map[string]int, n)
	for i := range p.Milestones {
		idx[p.Milestones[i].ID] = i
	}
	pf := make([]Date, n)
	state := make([]uint8, n) // 0 new, 1 visiting, 2 done
	var finish func(i int) Date
	finish = func(i int) Date {
		if state[i] == 2 {
			return pf[i]
		}
		state[i] = 1
		m := &p.Milestones[i]
		var d Date
		switch m.Status.Normal() {
		case Cancelled:
		case Done:
			d = m.Due
			if !m.Completed.IsZero() {
				d = c.day(m.Completed)
			}
		default:
			// Work begins no earlier than the plan's start.
			ready := maxDate(today, p.Start)
			for _, dep := range m.DependsOn {
				if j, ok := idx[dep]; ok && state[j] != 1 {
					ready = maxDate(ready, finish(j))
				}
			}
			work := m.Duration
			if !m.Started.IsZero() && m.Status != NotStarted {
				until := today
				if m.Status == Blocked && !m.BlockedSince.IsZero() {
					until = c.day(m.BlockedSince) // no progress while blocked
				}
				work = max(0, work-until.DaysSince(c.day(m.Started)))
			}
			d = maxDate(m.Due, ready.AddDays(work))
		}
		pf[i], state[i] = d, 2
		return d
	}
	h := &PlanHealth{PlanID: p.ID, Subject: p.Subject, Name: p.Name, Owner: p.Owner, Today: today,
		Milestones: make([]MilestoneHealth, n)}
	last := -1
	for i := range p.Milestones {
		finish(i)
		m := &p.Milestones[i]
		if m.Status != Cancelled {
			h.Total++
			h.TotalWeight += m.weight()
			if m.Status == Done {
				h.Done++
				h.DoneWeight += m.weight()
			}
			if last < 0 || pf[i].After(pf[last]) {
				last = i
			}
		}
	}
	worst := HealthDone
	for i := range p.Milestones {
		m := &p.Milestones[i]
		mh := MilestoneHealth{ID: m.ID, Name: m.Name, Owner: m.Owner, Status: m.Status.Normal(), Due: m.Due, ProjectedFinish: pf[i]}
		switch mh.Status {
		case Cancelled:
			mh.Health, mh.Reason = HealthCancelled, "cancelled"
		case Done:
			mh.Health, mh.Slip = HealthDone, pf[i].DaysSince(m.Due)
			mh.Reason = "done " + pf[i].String()
		default:
			mh.Slip = pf[i].DaysSince(m.Due)
			lateDep := ""
			for _, dep := range m.DependsOn {
				j := idx[dep]
				if dm := &p.Milestones[j]; dm.Status != Done && dm.Status != Cancelled && pf[j].After(dm.Due) {
					lateDep = dep
					break
				}
			}
			untilDue := m.Due.DaysSince(today)
			switch {
			case today.After(m.Due):
				mh.Health, mh.DaysOverdue = HealthOverdue, today.DaysSince(m.Due)
				mh.Reason = fmt.Sprintf("overdue %s", days(mh.DaysOverdue))
			case mh.Status == Blocked:
				mh.Health, mh.Reason = HealthBlocked, "blocked"
			case mh.Status == NotStarted && c.window() >= 0 && untilDue <= c.window():
				mh.Health, mh.Reason = HealthAtRisk, fmt.Sprintf("not started, due in %s", days(untilDue))
			case lateDep != "":
				mh.Health, mh.Reason = HealthAtRisk, fmt.Sprintf("dependency %s projected late", lateDep)
			case mh.Slip > 0:
				mh.Health, mh.Reason = HealthAtRisk, fmt.Sprintf("projected %s late", days(mh.Slip))
			default:
				mh.Health, mh.Reason = HealthOnTrack, "on track"
			}
			if mh.Health.Severity() > worst.Severity() {
				worst = mh.Health
			}
		}
		h.Milestones[i] = mh
	}
	if last >= 0 {
		h.ProjectedCompletion = pf[last]
		path := []int{last}
		for cur, seen := last, map[int]bool{last: true}; ; {
			next := -1
			for _, dep := range p.Milestones[cur].DependsOn {
				j := idx[dep]
				if p.Milestones[j].Status == Cancelled || seen[j] {
					continue
				}
				if next < 0 || pf[j].After(pf[next]) {
					next = j
				}
			}
			if next < 0 {
				break
			}
			seen[next] = true
			path = append(path, next)
			cur = next
		}
		slices.Reverse(path)
		for _, i := range path {
			h.CriticalPath = append(h.CriticalPath, p.Milestones[i].ID)
		}
		// Critical marks every milestone tied with the path: each end
		// projected as late as the last, and back from each critical
		// milestone every dependency tied for its latest projected finish.
		var queue []int
		for i := range p.Milestones {
			if p.Milestones[i].Status != Cancelled && pf[i] == pf[last] {
				h.Milestones[i].Critical = true
				queue = append(queue, i)
			}
		}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			var latest Date
			for _, dep := range p.Milestones[cur].DependsOn {
				if j := idx[dep]; p.Milestones[j].Status != Cancelled {
					latest = maxDate(latest, pf[j])
				}
			}
			for _, dep := range p.Milestones[cur].DependsOn {
				if j := idx[dep]; p.Milestones[j].Status != Cancelled && pf[j] == latest && !h.Milestones[j].Critical {
					h.Milestones[j].Critical = true
					queue = append(queue, j)
				}
			}
		}
	}
	for i := range p.Outcomes {
		oh := outcomeHealth(p, &p.Outcomes[i], today)
		h.Outcomes = append(h.Outcomes, oh)
		if (oh.Status == OutcomeOffTrack || oh.Status == OutcomeMissed) && worst.Severity() < HealthAtRisk.Severity() {
			worst = HealthAtRisk
		}
	}
	h.Health = worst
	return h
}

// days renders "1 day", "3 days".
func days(n int) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d day", n)
	}
	return fmt.Sprintf("%d days", n)
}
