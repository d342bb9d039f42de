package milestone

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Trigger is the condition an escalation rule watches.
type Trigger string

// Triggers. The zero Trigger reads as TriggerOverdue.
const (
	// TriggerOverdue counts the days a milestone is past due.
	TriggerOverdue Trigger = "overdue"
	// TriggerBlocked counts the days a milestone has been blocked.
	TriggerBlocked Trigger = "blocked"
)

// Triggers lists the triggers.
func Triggers() []Trigger { return []Trigger{TriggerOverdue, TriggerBlocked} }

// Recipient says who hears about an escalation.
type Recipient string

// Recipients.
const (
	// NotifyOwner is the milestone's owner.
	NotifyOwner Recipient = "owner"
	// NotifyPlanOwner is the plan's owner.
	NotifyPlanOwner Recipient = "plan_owner"
	// NotifyManager is the plan owner's manager (Plan.OwnerManager).
	NotifyManager Recipient = "plan_owner_manager"
)

// Recipients lists the recipients.
func Recipients() []Recipient { return []Recipient{NotifyOwner, NotifyPlanOwner, NotifyManager} }

// EscalationRule is one line of a policy: "overdue more than 3 days:
// notify the owner".
type EscalationRule struct {
	// Trigger is what is counted (zero: TriggerOverdue).
	Trigger Trigger `json:"trigger,omitempty"`
	// After is the number of days the condition must exceed: the rule
	// fires once the count is more than After.
	After int `json:"after"`
	// Notify is who hears about it.
	Notify Recipient `json:"notify"`
}

// Policy is a plan's escalation policy: its rules, each firing on its own.
type Policy struct {
	Rules []EscalationRule `json:"rules,omitempty"`
}

// ErrInvalidPolicy is wrapped by the error of Policy.Validate.
var ErrInvalidPolicy = errors.New("milestone: invalid escalation policy")

// Validate checks every rule and reports every problem at once.
func (pol Policy) Validate() error {
	var errs []error
	for i, r := range pol.Rules {
		if r.Trigger != "" && !slices.Contains(Triggers(), r.Trigger) {
			errs = append(errs, fmt.Errorf("%w: rules[%d]: unknown trigger %q", ErrInvalidPolicy, i, r.Trigger))
		}
		if r.After < 0 {
			errs = append(errs, fmt.Errorf("%w: rules[%d]: after must not be negative, got %d", ErrInvalidPolicy, i, r.After))
		}
		if !slices.Contains(Recipients(), r.Notify) {
			errs = append(errs, fmt.Errorf("%w: rules[%d]: unknown recipient %q", ErrInvalidPolicy, i, r.Notify))
		}
	}
	return errors.Join(errs...)
}

// Escalation is one notification due now. The caller delivers it and then
// records it on the plan with Event (Apply, or Store.AppendEvents), so
// that it is never due again.
type Escalation struct {
	// Key identifies the escalation: plan, milestone, rule and the episode
	// (the due date for overdue, the day it was blocked for blocked). A
	// milestone rescheduled, or blocked again, escalates again.
	Key       string
	PlanID    string
	Milestone string
	Trigger   Trigger
	// Days is how many days overdue or blocked it is now.
	Days int
	// Rule is the index of the rule in the policy.
	Rule   int
	Notify Recipient
	// To is the person the plan names for Notify; empty when it names
	// nobody (the caller decides).
	To string
	// Message says what happened in one line.
	Message string
}

// Event returns the event that records the escalation as delivered.
func (e Escalation) Event(at time.Time, actor string) Event {
	return Event{Kind: EventEscalated, At: at, Actor: actor, Milestone: e.Milestone, Escalation: e.Key,
		Reason: fmt.Sprintf("notified %s (%s)", e.Notify, e.Message)}
}

// Escalations evaluates the policy on the plan at now and returns the
// escalations due: for each open milestone and each rule whose count
// (days overdue, or days blocked counted from the day it was blocked)
// is more than After, unless the plan's events record the same key as
// delivered. The plan keeps the record (EventEscalated events), so the
// same escalation is never returned twice once recorded, even by another
// process that reads the plan from a Store. Order: milestones in plan
// order, then rules in policy order.
func (c Config) Escalations(pol Policy, p *Plan, now time.Time) ([]Escalation, error) {
	if err := pol.Validate(); err != nil {
		return nil, err
	}
	h, err := c.Health(p, now)
	if err != nil {
		return nil, err
	}
	var out []Escalation
	for i := range p.Milestones {
		m, mh := &p.Milestones[i], &h.Milestones[i]
		if mh.Status == Done || mh.Status == Cancelled {
			continue
		}
		for ri, r := range pol.Rules {
			trig := r.Trigger
			if trig == "" {
				trig = TriggerOverdue
			}
			var n int
			var episode Date
			switch trig {
			case TriggerOverdue:
				n, episode = mh.DaysOverdue, m.Due
			case TriggerBlocked:
				if m.Status != Blocked || m.BlockedSince.IsZero() {
					continue
				}
				episode = c.day(m.BlockedSince)
				n = h.Today.DaysSince(episode)
			}
			if n <= r.After {
				continue
			}
			key := fmt.Sprintf("%s/%s/%s>%d/%s/%s", p.ID, m.ID, trig, r.After, r.Notify, episode)
			if p.Escalated(key) {
				continue
			}
			name := m.Name // optional: an unnamed milestone is named by its id
			if name == "" {
				name = m.ID
			}
			out = append(out, Escalation{Key: key, PlanID: p.ID, Milestone: m.ID, Trigger: trig, Days: n, Rule: ri,
				Notify: r.Notify, To: p.recipient(m, r.Notify),
				Message: fmt.Sprintf("%s: %q %s %s (more than %s)", p.ID, name, trig, days(n), days(r.After))})
		}
	}
	return out, nil
}

func (p *Plan) recipient(m *Milestone, r Recipient) string {
	switch r {
	case NotifyOwner:
		return m.Owner
	case NotifyPlanOwner:
		return p.Owner
	case NotifyManager:
		return p.OwnerManager
	}
	return ""
}
