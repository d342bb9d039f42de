package partner

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// State is a partner's lifecycle state.
type State string

// Lifecycle states. A partner starts as a Prospect (the zero Status).
const (
	Prospect    State = "prospect"
	Onboarding  State = "onboarding"
	Active      State = "active"
	Suspended   State = "suspended"
	Offboarding State = "offboarding"
	Offboarded  State = "offboarded"
	Rejected    State = "rejected"
)

// States lists the lifecycle states in journey order.
func States() []State {
	return []State{Prospect, Onboarding, Active, Suspended, Offboarding, Offboarded, Rejected}
}

// transitions is the transition table: the states each state may move to.
var transitions = map[State][]State{
	Prospect:    {Onboarding, Rejected},
	Onboarding:  {Active, Rejected},
	Active:      {Suspended, Offboarding},
	Suspended:   {Active, Offboarding},
	Offboarding: {Active, Offboarded},
	Offboarded:  nil,
	Rejected:    {Prospect},
}

// Transitions returns the states a partner in state from may move to, in
// journey order. Offboarded is final; a rejected prospect may apply again.
func Transitions(from State) []State { return slices.Clone(transitions[from]) }

// reasonRequired are the target states a transition must give a reason for.
var reasonRequired = []State{Rejected, Suspended, Offboarding}

// EventKind says what an Event changed.
type EventKind string

// Event kinds. The zero value means EventState.
const (
	EventState EventKind = "state"
	EventTier  EventKind = "tier"
	// EventAttr changes a dated attribute other than the tier (Attr,
	// FromValue, ToValue); see Event.Change.
	EventAttr EventKind = "attribute"
)

// EventKinds lists the event kinds.
func EventKinds() []EventKind { return []EventKind{EventState, EventTier, EventAttr} }

// Event is one change in a partner's history: a lifecycle transition (From
// and To), a tier change (FromTier and ToTier) or a change of another dated
// attribute (Attr, FromValue and ToValue), with who made it, when and why.
// Event.Change reads tier and attribute events alike.
type Event struct {
	Kind EventKind `json:"kind"`
	From State     `json:"from,omitempty"`
	To   State     `json:"to"`
	// FromTier and ToTier are set on tier events.
	FromTier Tier `json:"from_tier,omitempty"`
	ToTier   Tier `json:"to_tier,omitempty"`
	// Attr, FromValue and ToValue are set on attribute events (EventAttr):
	// the attribute (type, region or country) and its value before and
	// after the change.
	Attr      AttrName  `json:"attr,omitempty"`
	FromValue string    `json:"from_value,omitempty"`
	ToValue   string    `json:"to_value,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	At        time.Time `json:"at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
}

// isTier reports whether e is a tier event.
func (e Event) isTier() bool { return e.Kind == EventTier }

// isState reports whether e is a lifecycle event (the zero kind included).
func (e *Event) isState() bool { return e.Kind == EventState || e.Kind == "" }

// Requirements are what a partner of one type needs on the activation date
// to become active.
type Requirements struct {
	// Documents lists the document kinds that must each have a document
	// valid on the date.
	Documents []DocumentKind
	// Payee requires complete payment details and a contact in PayeeRole.
	Payee bool
	// PayeeRole is the contact role that receives payments; "" means
	// RolePayee.
	PayeeRole string
	// CertifiedPeople is the number of people who must hold a valid
	// certification on the date (see Partner.CertifiedOn); 0 means none.
	CertifiedPeople int
}

// DefaultRequirements are the activation requirements of a type the
// Lifecycle does not configure: a partner agreement and a tax form valid on
// the date, and a payee.
func DefaultRequirements() Requirements {
	return Requirements{Documents: []DocumentKind{Agreement, TaxForm}, Payee: true}
}

// Lifecycle applies the transition table and its guards. The zero value
// uses DefaultRequirements for every type.
type Lifecycle struct {
	// Requirements holds the activation requirements per partner type.
	Requirements map[Type]Requirements
	// Default applies to types not in Requirements; nil means
	// DefaultRequirements().
	Default *Requirements
}

// RequirementsFor returns the activation requirements of type t.
func (l *Lifecycle) RequirementsFor(t Type) Requirements {
	if r, ok := l.Requirements[t]; ok {
		return r
	}
	if l.Default != nil {
		return *l.Default
	}
	return DefaultRequirements()
}

// OnboardingPlan is the caller's answer about a partner's onboarding plan
// (for example from package milestone): whether it is complete and, if
// not, the open items.
type OnboardingPlan struct {
	Complete bool     `json:"complete,omitempty"`
	Open     []string `json:"open,omitempty"`
}

// Clearance is the ledger's answer on whether a partner is financially
// clear, passed by the caller when offboarding.
type Clearance struct {
	// OpenClaims counts claims not yet paid, rejected or expired.
	OpenClaims int `json:"open_claims,omitempty"`
	// Balance is what the program owes the partner (positive) or the
	// partner owes the program (negative); it must be zero.
	Balance decimal.Decimal `json:"balance,omitzero"`
	// Currency is the balance's currency, for messages.
	Currency string `json:"currency,omitempty"`
	// UnprovenMDF counts MDF payments made without proof of performance.
	UnprovenMDF int `json:"unproven_mdf,omitempty"`
}

// TransitionRequest asks to move a partner to another state.
type TransitionRequest struct {
	To State
	// At is when the transition happens; its calendar date in its own
	// location is the date documents must be valid on.
	At     time.Time
	Actor  string
	Reason string
	// Plan is the onboarding plan's state, checked on activation when
	// given.
	Plan *OnboardingPlan
	// Clearance is required to offboard.
	Clearance *Clearance
}

// ErrInvalidTransition is matched (errors.Is) by every *TransitionError.
var ErrInvalidTransition = errors.New("partner: invalid transition")

// TransitionError says why a transition cannot happen: it is not in the
// table, or its guards list unmet requirements (all of them).
type TransitionError struct {
	PartnerID string
	From, To  State
	// NotAllowed is true when the table has no such transition.
	NotAllowed bool
	Unmet      []Blocker
}

// Error implements the error interface.
func (e *TransitionError) Error() string {
	if e.NotAllowed {
		return fmt.Sprintf("partner %s: no transition from %s to %s (allowed: %s)", e.PartnerID, e.From, e.To, allowedText(e.From))
	}
	parts := make([]string, len(e.Unmet))
	for i, b := range e.Unmet {
		parts[i] = b.Detail
	}
	return fmt.Sprintf("partner %s cannot move from %s to %s: %s", e.PartnerID, e.From, e.To, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrInvalidTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

func allowedText(from State) string {
	if len(transitions[from]) == 0 {
		return "none, it is final"
	}
	return joinList(transitions[from])
}

// Check reports whether the transition may happen, without applying it:
// nil, or a *TransitionError listing every unmet requirement.
func (l *Lifecycle) Check(p *Partner, req TransitionRequest) error {
	if p == nil {
		return fmt.Errorf("%w: a transition needs a partner", ErrInvalid)
	}
	from := p.State()
	if !slices.Contains(transitions[from], req.To) {
		return &TransitionError{PartnerID: p.ID, From: from, To: req.To, NotAllowed: true}
	}
	var un []Blocker
	add := func(item string, pr Problem, format string, args ...any) {
		un = append(un, Blocker{Item: item, Problem: pr, Detail: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(req.Actor) == "" {
		add("actor", ProblemMissing, "the transition needs an actor")
	}
	if req.At.IsZero() {
		add("at", ProblemMissing, "the transition needs a time")
	} else if last, ok := p.lastEvent(); ok && req.At.Before(last.At) {
		add("at", ProblemState, "%s is before the last event at %s", req.At.Format(timeLayout), last.At.Format(timeLayout))
	}
	if slices.Contains(reasonRequired, req.To) && strings.TrimSpace(req.Reason) == "" {
		add("reason", ProblemMissing, "moving to %s needs a reason", req.To)
	}
	switch req.To {
	case Active:
		un = append(un, l.activationUnmet(p, DateOf(req.At), req.Plan)...)
	case Offboarded:
		un = append(un, clearanceUnmet(req.Clearance)...)
	}
	if len(un) == 0 {
		return nil
	}
	return &TransitionError{PartnerID: p.ID, From: from, To: req.To, Unmet: un}
}

// Unmet returns the activation requirements the partner does not meet on
// d (nil when it could be activated then), without a plan.
func (l *Lifecycle) Unmet(p *Partner, d Date) []Blocker { return l.activationUnmet(p, d, nil) }

// activationUnmet lists the activation requirements p does not meet on d.
func (l *Lifecycle) activationUnmet(p *Partner, d Date, plan *OnboardingPlan) []Blocker {
	var un []Blocker
	if err := p.Validate(); err != nil {
		var ve *ValidationError
		errors.As(err, &ve)
		for _, f := range ve.Fields {
			un = append(un, Blocker{Item: "record", Problem: ProblemIncomplete, Detail: "record: " + f.String()})
		}
	}
	req := l.RequirementsFor(p.Type)
	for _, k := range req.Documents {
		if b, ok := p.documentBlocker(k, d); ok {
			un = append(un, b)
		}
	}
	if req.Payee {
		if b, ok := p.paymentBlocker(); ok {
			un = append(un, b)
		}
		role := req.PayeeRole
		if role == "" {
			role = RolePayee
		}
		if _, ok := p.Contact(role); !ok {
			un = append(un, Blocker{Item: "payee_contact", Problem: ProblemMissing, Detail: fmt.Sprintf("no contact with the payee role %q", role)})
		}
	}
	if n := p.CertifiedOn(d); n < req.CertifiedPeople {
		un = append(un, Blocker{Item: "certified_people", Problem: ProblemIncomplete,
			Detail: fmt.Sprintf("%d certified people on %s, %d required", n, d, req.CertifiedPeople)})
	}
	if plan != nil && !plan.Complete {
		detail := "onboarding plan is not complete"
		if len(plan.Open) > 0 {
			detail += " (open: " + strings.Join(plan.Open, ", ") + ")"
		}
		un = append(un, Blocker{Item: "onboarding_plan", Problem: ProblemIncomplete, Detail: detail})
	}
	return un
}

// clearanceUnmet lists why the ledger's answer does not clear a partner.
func clearanceUnmet(c *Clearance) []Blocker {
	if c == nil {
		return []Blocker{{Item: "clearance", Problem: ProblemMissing, Detail: "offboarding needs the ledger's financial clearance"}}
	}
	var un []Blocker
	switch {
	case c.OpenClaims > 0:
		un = append(un, Blocker{Item: "open_claims", Problem: ProblemState, Detail: fmt.Sprintf("%d open claim(s)", c.OpenClaims)})
	case c.OpenClaims < 0:
		un = append(un, Blocker{Item: "open_claims", Problem: ProblemIncomplete, Detail: fmt.Sprintf("the clearance counts %d open claims: a count cannot be negative", c.OpenClaims)})
	}
	money := func(d decimal.Decimal) string {
		s := d.Abs().String()
		if e := d.Exponent(); e < 0 {
			s = d.Abs().StringFixed(-e) // keep the scale given: "120.00", not "120"
		}
		if c.Currency != "" {
			s += " " + c.Currency
		}
		return s
	}
	switch c.Balance.Sign() {
	case 1:
		un = append(un, Blocker{Item: "balance", Problem: ProblemState, Detail: "the program owes the partner " + money(c.Balance)})
	case -1:
		un = append(un, Blocker{Item: "balance", Problem: ProblemState, Detail: "the partner owes the program " + money(c.Balance)})
	}
	switch {
	case c.UnprovenMDF > 0:
		un = append(un, Blocker{Item: "mdf_proof", Problem: ProblemMissing, Detail: fmt.Sprintf("%d MDF payment(s) without proof of performance", c.UnprovenMDF)})
	case c.UnprovenMDF < 0:
		un = append(un, Blocker{Item: "mdf_proof", Problem: ProblemIncomplete, Detail: fmt.Sprintf("the clearance counts %d unproven MDF payments: a count cannot be negative", c.UnprovenMDF)})
	}
	return un
}

// Transition checks the request and, when it may happen, moves the partner
// to req.To and appends the event to its history. On failure the partner
// is unchanged and the error is a *TransitionError.
func (l *Lifecycle) Transition(p *Partner, req TransitionRequest) (Event, error) {
	if err := l.Check(p, req); err != nil {
		return Event{}, err
	}
	e := Event{Kind: EventState, From: p.State(), To: req.To, Actor: req.Actor, At: req.At, Reason: req.Reason}
	p.Status = req.To
	p.History = append(p.History, e)
	return e, nil
}

// ErrInvalidTierChange is returned (wrapped) for a tier change without an
// actor or time, out of time order, or to the current tier.
var ErrInvalidTierChange = errors.New("partner: invalid tier change")

// TierChange asks to change a partner's tier.
type TierChange struct {
	To     Tier
	At     time.Time
	Actor  string
	Reason string
}

// SetTier changes the partner's tier, appends the event to its history
// and clears TierBelowSince: a grace period belongs to the tier it was
// counted against. It does not judge whether the partner qualifies: a
// TierPolicy recommends, a person or job decides.
func SetTier(p *Partner, c TierChange) (Event, error) {
	if p == nil {
		return Event{}, fmt.Errorf("%w: a tier change needs a partner", ErrInvalid)
	}
	var miss []string
	if strings.TrimSpace(c.Actor) == "" {
		miss = append(miss, "an actor")
	}
	if c.At.IsZero() {
		miss = append(miss, "a time")
	}
	if len(miss) > 0 {
		return Event{}, fmt.Errorf("%w: partner %s needs %s", ErrInvalidTierChange, p.ID, strings.Join(miss, " and "))
	}
	if c.To == p.Tier {
		return Event{}, fmt.Errorf("%w: partner %s is already %q", ErrInvalidTierChange, p.ID, c.To)
	}
	if last, ok := p.lastEvent(); ok && c.At.Before(last.At) {
		return Event{}, fmt.Errorf("%w: partner %s: %s is before the last event at %s", ErrInvalidTierChange, p.ID, c.At.Format(timeLayout), last.At.Format(timeLayout))
	}
	e := Event{Kind: EventTier, FromTier: p.Tier, ToTier: c.To, Actor: c.Actor, At: c.At, Reason: c.Reason}
	p.Tier = c.To
	p.TierBelowSince = Date{} // the run of days below the old tier ends with it
	p.History = append(p.History, e)
	return e, nil
}

func (p *Partner) lastEvent() (Event, bool) {
	if len(p.History) == 0 {
		return Event{}, false
	}
	return p.History[len(p.History)-1], true
}

// StateAt returns the partner's lifecycle state at instant t, read from
// the history: the target of the last state event at or before t. Before
// the first state event it is that event's From state; a partner without
// state events has been in its current state throughout.
func (p *Partner) StateAt(t time.Time) State {
	st, seen := p.State(), false
	for i := range p.History {
		e := &p.History[i] // no copy: histories are long and events wide
		if !e.isState() {
			continue
		}
		if !seen {
			st, seen = e.From, true
		}
		if e.At.After(t) {
			break
		}
		st = e.To
	}
	if st == "" {
		return Prospect
	}
	return st
}

// TierAt returns the partner's tier at instant t, read from the history
// the same way as StateAt (see AttrAt).
func (p *Partner) TierAt(t time.Time) Tier { return Tier(p.AttrAt(AttrTier, t)) }
