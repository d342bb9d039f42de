package partner

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AttrName names a partner attribute that can change over time: the
// attributes an incentive program reads besides the partner's id and name.
type AttrName string

// Dated attributes.
const (
	AttrType    AttrName = "type"
	AttrTier    AttrName = "tier"
	AttrRegion  AttrName = "region"
	AttrCountry AttrName = "country"
)

// AttrNames lists the dated attributes, in the order records show them.
func AttrNames() []AttrName { return []AttrName{AttrType, AttrTier, AttrRegion, AttrCountry} }

// ErrInvalidAttr is returned (wrapped) for an unknown attribute or a value
// the attribute cannot hold, and for an attribute change without an actor
// or time, out of time order, or to the current value.
var ErrInvalidAttr = errors.New("partner: invalid attribute")

// Attr returns the partner's current value of attribute a: Type, Tier,
// Region or Country as a string; "" for an unknown attribute.
func (p *Partner) Attr(a AttrName) string {
	switch a {
	case AttrType:
		return string(p.Type)
	case AttrTier:
		return string(p.Tier)
	case AttrRegion:
		return p.Region
	case AttrCountry:
		return p.Country
	}
	return ""
}

// SetAttrValue sets the current value of attribute a (Type, Tier, Region
// or Country) without recording a change: for building a record. SetAttr
// records a change in the history; an unknown a is ignored.
func (p *Partner) SetAttrValue(a AttrName, v string) {
	switch a {
	case AttrType:
		p.Type = Type(v)
	case AttrTier:
		p.Tier = Tier(v)
	case AttrRegion:
		p.Region = v
	case AttrCountry:
		p.Country = v
	}
}

// Change returns the attribute an event changed, with its value before and
// after: a tier event (EventTier) changes AttrTier from FromTier to ToTier,
// an attribute event (EventAttr) changes Attr from FromValue to ToValue.
// ok is false for lifecycle events. Readers of dated attributes use it, so
// a tier and the other attributes share one history.
func (e *Event) Change() (a AttrName, from, to string, ok bool) {
	switch e.Kind {
	case EventTier:
		return AttrTier, string(e.FromTier), string(e.ToTier), true
	case EventAttr:
		return e.Attr, e.FromValue, e.ToValue, true
	}
	return "", "", "", false
}

// AttrEvent returns the event that changes attribute a from one value to
// another at instant at: a tier event for AttrTier (so tier readers such as
// TierAt and tier policies see it), an attribute event otherwise.
func AttrEvent(a AttrName, from, to string, at time.Time) Event {
	if a == AttrTier {
		return Event{Kind: EventTier, FromTier: Tier(from), ToTier: Tier(to), At: at}
	}
	return Event{Kind: EventAttr, Attr: a, FromValue: from, ToValue: to, At: at}
}

// AttrAt returns the partner's value of attribute a at instant t, read from
// the history in its order like StateAt: the target of the last change of
// a at or before t. Before the first change it is that change's previous
// value; a partner without changes of a has its current value throughout.
func (p *Partner) AttrAt(a AttrName, t time.Time) string {
	v, seen := p.Attr(a), false
	for i := range p.History {
		e := &p.History[i]
		ea, from, to, ok := e.Change()
		if !ok || ea != a {
			continue
		}
		if !seen {
			v, seen = from, true
		}
		if e.At.After(t) {
			break
		}
		v = to
	}
	return v
}

// AttrError is a dated attribute value that cannot be used. It matches
// ErrInvalidAttr (errors.Is).
type AttrError struct {
	Attr AttrName
	// Index is the value's position in the list given to SetAttrHistory;
	// -1 for a single value.
	Index int
	// Msg says what is wrong, for people, without the attribute's
	// position.
	Msg string
}

// Error implements the error interface.
func (e *AttrError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("%v: %s[%d]: %s", ErrInvalidAttr, e.Attr, e.Index, e.Msg)
	}
	return fmt.Sprintf("%v: %s", ErrInvalidAttr, e.Msg)
}

// Is makes errors.Is(err, ErrInvalidAttr) true.
func (e *AttrError) Is(target error) bool { return target == ErrInvalidAttr }

// IsAttr reports whether a names a dated attribute.
func IsAttr(a AttrName) bool { return slices.Contains(AttrNames(), a) }

// CheckAttr reports whether v is a value attribute a may hold, as Validate
// judges a record: a type is a lower-case name (letters, digits, _), a
// country an ISO 3166-1 alpha-2 code, a tier or region any non-blank text.
// The error is an *AttrError (Index -1) saying what was wanted.
func CheckAttr(a AttrName, v string) error {
	msg := ""
	switch {
	case !IsAttr(a):
		msg = fmt.Sprintf("unknown attribute %q (want %s)", a, joinList(AttrNames()))
	case strings.TrimSpace(v) == "":
		msg = fmt.Sprintf("%s is empty", a)
	case a == AttrType && !identRE.MatchString(v):
		msg = fmt.Sprintf("type %q is not a lower-case name (letters, digits, _)", v)
	case a == AttrCountry && !countryRE.MatchString(v):
		msg = fmt.Sprintf("country %q is not an ISO 3166-1 alpha-2 code such as \"DE\"", v)
	default:
		return nil
	}
	return &AttrError{Attr: a, Index: -1, Msg: msg}
}

// DatedValue is a value an attribute holds from an instant on.
type DatedValue struct {
	From  time.Time
	Value string
	// Reason is recorded as the change's Event.Reason (a decoder names
	// its source, e.g. "tier_history").
	Reason string
}

// SetAttrHistory replaces the changes of attribute a in p's history with
// vals: the values a held, each from its From instant until the next
// one's, in strictly increasing From order; before the first the
// attribute had no value (""). The current value becomes the last one.
// Other events stay; the history is kept in time order (a stable sort). Empty
// vals removes a's changes and leaves the current value as it is. Records
// decoded from files (tier_history, attribute_history) are built with it.
//
// An unknown attribute, a value CheckAttr refuses, or a From not after the
// one before it is an *AttrError naming the value's index; p is then
// unchanged. A nil p is an error wrapping ErrInvalid.
func SetAttrHistory(p *Partner, a AttrName, vals []DatedValue) error {
	if p == nil {
		return fmt.Errorf("%w: an attribute history needs a partner", ErrInvalid)
	}
	if !IsAttr(a) {
		return CheckAttr(a, "")
	}
	for i, v := range vals {
		if err := CheckAttr(a, v.Value); err != nil {
			e := err.(*AttrError)
			e.Index = i
			return e
		}
		if v.From.IsZero() {
			return &AttrError{Attr: a, Index: i, Msg: "the change has no date"}
		}
		if i > 0 && !v.From.After(vals[i-1].From) {
			return &AttrError{Attr: a, Index: i, Msg: fmt.Sprintf("%s is not after the change before it (%s): list changes in time order, each date once",
				v.From.Format(timeLayout), vals[i-1].From.Format(timeLayout))}
		}
	}
	hist := slices.DeleteFunc(slices.Clone(p.History), func(e Event) bool {
		ea, _, _, ok := e.Change()
		return ok && ea == a
	})
	prev := ""
	for _, v := range vals {
		e := AttrEvent(a, prev, v.Value, v.From)
		e.Reason = v.Reason
		hist = append(hist, e)
		prev = v.Value
	}
	slices.SortStableFunc(hist, func(x, y Event) int { return x.At.Compare(y.At) })
	if len(hist) == 0 {
		hist = nil
	}
	p.History = hist
	if len(vals) > 0 {
		p.SetAttrValue(a, prev)
	}
	return nil
}

// AttrChange asks to change one dated attribute of a partner.
type AttrChange struct {
	Attr   AttrName
	To     string
	At     time.Time
	Actor  string
	Reason string
}

// SetAttr changes one dated attribute of the partner (its type, tier,
// region or country) from instant c.At and appends the event to its
// history, so that programs reading the attribute on an earlier day still
// see the earlier value. A tier change is SetTier's. Errors wrap
// ErrInvalidAttr (ErrInvalidTierChange for the tier).
func SetAttr(p *Partner, c AttrChange) (Event, error) {
	if p == nil {
		return Event{}, fmt.Errorf("%w: an attribute change needs a partner", ErrInvalid)
	}
	if c.Attr == AttrTier {
		return SetTier(p, TierChange{To: Tier(c.To), At: c.At, Actor: c.Actor, Reason: c.Reason})
	}
	if err := CheckAttr(c.Attr, c.To); err != nil {
		return Event{}, fmt.Errorf("partner %s: %w", p.ID, err)
	}
	var miss []string
	if strings.TrimSpace(c.Actor) == "" {
		miss = append(miss, "an actor")
	}
	if c.At.IsZero() {
		miss = append(miss, "a time")
	}
	if len(miss) > 0 {
		return Event{}, fmt.Errorf("%w: partner %s: a %s change needs %s", ErrInvalidAttr, p.ID, c.Attr, strings.Join(miss, " and "))
	}
	if c.To == p.Attr(c.Attr) {
		return Event{}, fmt.Errorf("%w: partner %s: %s is already %q", ErrInvalidAttr, p.ID, c.Attr, c.To)
	}
	if last, ok := p.lastEvent(); ok && c.At.Before(last.At) {
		return Event{}, fmt.Errorf("%w: partner %s: %s is before the last event at %s", ErrInvalidAttr, p.ID, c.At.Format(timeLayout), last.At.Format(timeLayout))
	}
	e := AttrEvent(c.Attr, p.Attr(c.Attr), c.To, c.At)
	e.Actor, e.Reason = c.Actor, c.Reason
	p.SetAttrValue(c.Attr, c.To)
	p.History = append(p.History, e)
	return e, nil
}
