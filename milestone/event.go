package milestone

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// EventKind says what an Event changes.
type EventKind string

// Event kinds.
const (
	// EventStatus moves a milestone to status To.
	EventStatus EventKind = "status"
	// EventMetric records the actual value of one of a milestone's
	// metric targets.
	EventMetric EventKind = "metric"
	// EventProgress records a measurement of an outcome.
	EventProgress EventKind = "progress"
	// EventReschedule moves a milestone's due date.
	EventReschedule EventKind = "reschedule"
	// EventEscalated records that an escalation was delivered, so that it
	// is never due again (see Escalations).
	EventEscalated EventKind = "escalated"
)

// EventKinds lists the event kinds.
func EventKinds() []EventKind {
	return []EventKind{EventStatus, EventMetric, EventProgress, EventReschedule, EventEscalated}
}

// Event is one change to a plan: who made it, when, why, and what it
// changed. A plan's state (statuses, completion times, actuals, outcome
// progress, rescheduled dues, escalations sent) is the result of its
// events, so the plan at any past moment is read back with AsOf.
type Event struct {
	Kind EventKind `json:"kind"`
	// At is when the change was made; events of a plan are in time order.
	At time.Time `json:"at"`
	// Actor is who made the change; Reason says why (may be empty).
	Actor  string `json:"actor"`
	Reason string `json:"reason,omitempty"`

	// Milestone is the milestone changed (status, metric, reschedule,
	// escalated about a milestone).
	Milestone string `json:"milestone,omitempty"`
	// To is the new status (EventStatus); From is the status it left,
	// filled in by Apply.
	From Status `json:"from,omitempty"`
	To   Status `json:"to,omitempty"`
	// Reopen is set by Apply on a status event that leaves Done.
	Reopen bool `json:"reopen,omitempty"`
	// Metric names the milestone target (EventMetric) measured; Value is
	// the measured value (EventMetric, EventProgress).
	Metric string          `json:"metric,omitempty"`
	Value  decimal.Decimal `json:"value,omitzero"`
	// Outcome is the outcome measured (EventProgress); On is the day the
	// value was measured (zero: the day of At in UTC).
	Outcome string `json:"outcome,omitempty"`
	On      Date   `json:"on,omitzero"`
	// Due is the new due date (EventReschedule); PrevDue is the one it
	// replaced, filled in by Apply.
	Due     Date `json:"due,omitzero"`
	PrevDue Date `json:"prev_due,omitzero"`
	// Escalation is the key of the escalation delivered (EventEscalated).
	Escalation string `json:"escalation,omitempty"`
}

// Sentinel errors of Apply. Errors wrap them with %w; test with errors.Is.
var (
	// ErrInvalidEvent: the event lacks a field its kind needs, or goes
	// back in time.
	ErrInvalidEvent = errors.New("milestone: invalid event")
	// ErrUnknownMilestone: the event names a milestone, metric or outcome
	// the plan does not have.
	ErrUnknownMilestone = errors.New("milestone: unknown milestone")
	// ErrInvalidTransition: the status change is not allowed.
	ErrInvalidTransition = errors.New("milestone: invalid transition")
	// ErrDependenciesOpen: a milestone cannot be done before its
	// dependencies; the error is a *DependencyError.
	ErrDependenciesOpen = errors.New("milestone: dependencies not done")
)

// DependencyError says which dependencies keep a milestone from being
// done. It wraps ErrDependenciesOpen.
type DependencyError struct {
	Milestone string
	// Open are the dependencies neither done nor cancelled, in the order
	// the milestone lists them.
	Open []string
}

// Error names the milestone and its open dependencies.
func (e *DependencyError) Error() string {
	return fmt.Sprintf("milestone: %q cannot be done before %s", e.Milestone, strings.Join(e.Open, ", "))
}

// Unwrap returns ErrDependenciesOpen.
func (e *DependencyError) Unwrap() error { return ErrDependenciesOpen }

// Apply checks an event against the plan, applies it and appends it to
// Events. On error the plan is unchanged.
//
// Transitions: any status may move to any other, except that a milestone
// can be done only when each of its dependencies is done or cancelled, and
// a cancelled milestone can only be restored to not_started or
// in_progress. Leaving done is a reopen: it is flagged on the event and
// counted on the milestone. Reopening a dependency does not reopen the
// milestones that depend on it.
func (p *Plan) Apply(e Event) error {
	if p == nil {
		return p.Validate() // the *ValidationError of a nil plan
	}
	if err := p.apply(&e); err != nil {
		return err
	}
	p.Events = append(p.Events, e)
	return nil
}

func (p *Plan) apply(e *Event) error {
	if e.At.IsZero() {
		return fmt.Errorf("%w: %s event needs a time", ErrInvalidEvent, e.Kind)
	}
	if strings.TrimSpace(e.Actor) == "" {
		return fmt.Errorf("%w: %s event needs an actor", ErrInvalidEvent, e.Kind)
	}
	if n := len(p.Events); n > 0 && e.At.Before(p.Events[n-1].At) {
		return fmt.Errorf("%w: event at %s is before the plan's last event at %s", ErrInvalidEvent,
			e.At.Format(time.RFC3339), p.Events[n-1].At.Format(time.RFC3339))
	}
	var m *Milestone
	if e.Kind == EventStatus || e.Kind == EventMetric || e.Kind == EventReschedule || e.Milestone != "" {
		var ok bool
		if m, ok = p.Milestone(e.Milestone); !ok {
			return fmt.Errorf("%w: %q", ErrUnknownMilestone, e.Milestone)
		}
	}
	switch e.Kind {
	case EventStatus:
		return p.transition(m, e)
	case EventMetric:
		i := slices.IndexFunc(m.Targets, func(t MetricTarget) bool { return t.Metric == e.Metric })
		if i < 0 {
			return fmt.Errorf("%w: milestone %q has no metric target %q", ErrUnknownMilestone, m.ID, e.Metric)
		}
		m.Targets[i].Actual, m.Targets[i].MeasuredAt = e.Value, e.At
	case EventProgress:
		o, ok := p.Outcome(e.Outcome)
		if !ok {
			return fmt.Errorf("%w: outcome %q", ErrUnknownMilestone, e.Outcome)
		}
		if e.On.IsZero() {
			e.On = DateOf(e.At.UTC())
		}
		o.Progress = append(o.Progress, Measurement{On: e.On, Value: e.Value})
	case EventReschedule:
		if e.Due.IsZero() {
			return fmt.Errorf("%w: reschedule of %q needs a due date", ErrInvalidEvent, m.ID)
		}
		e.PrevDue, m.Due = m.Due, e.Due
	case EventEscalated:
		if e.Escalation == "" {
			return fmt.Errorf("%w: escalated event needs the escalation key", ErrInvalidEvent)
		}
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidEvent, e.Kind)
	}
	return nil
}

func (p *Plan) transition(m *Milestone, e *Event) error {
	from, to := m.Status.Normal(), e.To
	if !to.Valid() || to == "" {
		return fmt.Errorf("%w: unknown status %q", ErrInvalidTransition, to)
	}
	if from == to {
		return fmt.Errorf("%w: %q is already %s", ErrInvalidTransition, m.ID, to)
	}
	if from == Cancelled && to != NotStarted && to != InProgress {
		return fmt.Errorf("%w: cancelled %q can only be restored to not_started or in_progress, not %s", ErrInvalidTransition, m.ID, to)
	}
	if to == Done {
		var open []string
		for _, d := range m.DependsOn {
			if dm, ok := p.Milestone(d); ok && dm.Status != Done && dm.Status != Cancelled {
				open = append(open, d)
			}
		}
		if len(open) > 0 {
			return &DependencyError{Milestone: m.ID, Open: open}
		}
	}
	e.From = from
	e.Reopen = from == Done
	if e.Reopen {
		m.Reopened++
		m.Completed = time.Time{}
	}
	m.BlockedSince = time.Time{}
	switch to {
	case InProgress:
		if m.Started.IsZero() {
			m.Started = e.At
		}
	case Done:
		m.Completed = e.At
	case Blocked:
		m.BlockedSince = e.At
	}
	m.Status = to
	return nil
}

// Escalated reports whether an escalation with the given key was recorded.
func (p *Plan) Escalated(key string) bool {
	for i := range p.Events {
		if p.Events[i].Kind == EventEscalated && p.Events[i].Escalation == key {
			return true
		}
	}
	return false
}

// AsOf returns the plan as it was at t: its state replayed from the events
// at or before t, onto the plan's base. The base is the plan with every
// milestone not started, no actuals measured, no outcome progress, and
// each rescheduled milestone at the due date before its first reschedule.
// A plan is expected to get all its state from events; one built with
// state already set (statuses, actuals) has that state cleared by AsOf.
func (p *Plan) AsOf(t time.Time) (*Plan, error) {
	if p == nil {
		return nil, p.Validate() // the *ValidationError of a nil plan
	}
	c := p.Clone()
	c.reset()
	for _, e := range p.Events {
		if e.At.After(t) {
			break
		}
		if err := c.Apply(e); err != nil {
			return nil, fmt.Errorf("milestone: replaying plan %q: %w", p.ID, err)
		}
	}
	return c, nil
}

// reset clears all state that events set.
func (c *Plan) reset() {
	firstDue := map[string]Date{}
	for _, e := range c.Events {
		if e.Kind == EventReschedule {
			if _, ok := firstDue[e.Milestone]; !ok {
				firstDue[e.Milestone] = e.PrevDue
			}
		}
	}
	for i := range c.Milestones {
		m := &c.Milestones[i]
		m.Status, m.Started, m.Completed, m.BlockedSince, m.Reopened = "", time.Time{}, time.Time{}, time.Time{}, 0
		for j := range m.Targets {
			m.Targets[j].Actual, m.Targets[j].MeasuredAt = decimal.Decimal{}, time.Time{}
		}
		if d, ok := firstDue[m.ID]; ok {
			m.Due = d
		}
	}
	for i := range c.Outcomes {
		c.Outcomes[i].Progress = nil
	}
	c.Events = nil
}
