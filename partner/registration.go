package partner

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// RegStatus is where a deal registration is.
type RegStatus string

// Registration statuses. Pending and approved registrations are open: they
// hold the customer against other registrations. An approved registration
// past its ValidUntil reads as expired (see StatusOn) until Expire records
// it.
const (
	RegPending    RegStatus = "pending"
	RegApproved   RegStatus = "approved"
	RegRejected   RegStatus = "rejected"
	RegExpired    RegStatus = "expired"
	RegWithdrawn  RegStatus = "withdrawn"
	RegClosedWon  RegStatus = "closed_won"
	RegClosedLost RegStatus = "closed_lost"
)

// RegStatuses lists the registration statuses.
func RegStatuses() []RegStatus {
	return []RegStatus{RegPending, RegApproved, RegRejected, RegExpired, RegWithdrawn, RegClosedWon, RegClosedLost}
}

// Extension is one extension of a registration's validity.
type Extension struct {
	At     time.Time `json:"at,omitzero"`
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Days   int       `json:"days,omitempty"`
	// From and To are ValidUntil before and after the extension.
	From Date `json:"from,omitzero"`
	To   Date `json:"to"`
}

// Registration is a partner's registration of a sales opportunity. An
// approved registration is what the incentive engine reads as the deal's
// registration: incentive.Registration{ID: r.ID, Approved:
// incentive.Date(r.ApprovedOn())}.
type Registration struct {
	ID        string `json:"id"`
	PartnerID string `json:"partner_id,omitempty"`
	// Customer is as entered; CustomerKey is its normalized form, set by
	// Submit.
	Customer    Customer    `json:"customer,omitzero"`
	CustomerKey CustomerKey `json:"customer_key,omitzero"`
	Product     string      `json:"product,omitempty"`
	// Amount is the estimated deal amount in Currency.
	Amount        decimal.Decimal `json:"amount,omitzero"`
	Currency      string          `json:"currency,omitempty"`
	ExpectedClose Date            `json:"expected_close,omitzero"`
	Status        RegStatus       `json:"status,omitempty"`
	SubmittedAt   time.Time       `json:"submitted_at,omitzero"`
	SubmittedBy   string          `json:"submitted_by,omitempty"`
	// DecidedAt, DecidedBy and Reason record the approval or rejection.
	DecidedAt time.Time `json:"decided_at,omitzero"`
	DecidedBy string    `json:"decided_by,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	// Overrode lists the conflicts an approval overrode.
	Overrode []Conflict `json:"overrode,omitempty"`
	// ValidUntil is the last day an approved registration holds.
	ValidUntil Date        `json:"valid_until,omitzero"`
	Extensions []Extension `json:"extensions,omitempty"`
	// DealID and ClosedAt record the closed deal matched to it.
	DealID   string    `json:"deal_id,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// Version is the store's version, for optimistic concurrency.
	Version int64 `json:"version,omitempty"`
}

// Clone returns a deep copy of r.
func (r *Registration) Clone() *Registration {
	c := *r
	c.Overrode = cloneSlice(r.Overrode)
	c.Extensions = cloneSlice(r.Extensions)
	return &c
}

// ApprovedOn returns the day the registration was approved in the
// decision's own location, or the zero Date when it is not approved.
func (r *Registration) ApprovedOn() Date {
	if r.DecidedAt.IsZero() || r.Status == RegPending || r.Status == RegRejected || r.Status == RegWithdrawn {
		return Date{}
	}
	return DateOf(r.DecidedAt)
}

// StatusOn returns the status on day d: an approved registration past its
// ValidUntil is expired.
func (r *Registration) StatusOn(d Date) RegStatus {
	if r.Status == RegApproved && !r.ValidUntil.IsZero() && d.After(r.ValidUntil) {
		return RegExpired
	}
	if r.Status == "" {
		return RegPending
	}
	return r.Status
}

// OpenOn reports whether the registration holds its customer on day d:
// pending, or approved and not expired.
func (r *Registration) OpenOn(d Date) bool {
	st := r.StatusOn(d)
	return st == RegPending || st == RegApproved
}

// Validate checks the registration and returns nil or a *ValidationError
// with every problem (a nil registration is one too).
func (r *Registration) Validate() error {
	var ps problems
	if r == nil {
		ps.add("record", "is missing (a nil *Registration)")
		return ps.err("registration")
	}
	if strings.TrimSpace(r.ID) == "" {
		ps.add("id", "is required")
	}
	if strings.TrimSpace(r.PartnerID) == "" {
		ps.add("partner_id", "is required")
	}
	if NormalizeName(r.Customer.Name) == "" && r.Customer.Domain == "" {
		ps.add("customer", "needs a name or a domain")
	}
	if r.Customer.Domain != "" {
		if _, err := NormalizeDomain(r.Customer.Domain); err != nil {
			ps.add("customer.domain", "%v", strings.TrimPrefix(err.Error(), ErrInvalidDomain.Error()+": "))
		}
	}
	if strings.TrimSpace(r.Product) == "" {
		ps.add("product", "is required")
	}
	if r.Amount.Sign() < 0 {
		ps.add("amount", "%s is negative", r.Amount)
	}
	if r.Currency != "" && !currencyRE.MatchString(r.Currency) {
		ps.add("currency", "%q is not an ISO 4217 code such as \"USD\"", r.Currency)
	}
	if !r.Amount.IsZero() && r.Currency == "" {
		ps.add("currency", "is required with an amount")
	}
	checkDate(&ps, "expected_close", r.ExpectedClose)
	checkDate(&ps, "valid_until", r.ValidUntil)
	if r.Status != "" && !slices.Contains(RegStatuses(), r.Status) {
		ps.add("status", "unknown status %q (one of %s)", r.Status, joinList(RegStatuses()))
	}
	return ps.err(fmt.Sprintf("registration %q", r.ID))
}

// RegistrationPolicy holds a program's registration terms. The zero value
// gives 90 days of validity and up to two extensions of 30 days.
type RegistrationPolicy struct {
	// ValidityDays is how many days an approval holds, counting the day of
	// approval; 0 (or less) means 90. Note that an incentive program's
	// registration validity (incentive.Program.RegistrationValidity, YAML
	// registration: {valid: 90d}) counts days after the approval day and
	// knows no extensions: 90 there holds through approval + 90 days, one
	// day past ValidUntil here. Give the program ValidityDays - 1 days for
	// the two to agree.
	ValidityDays int
	// ExtensionDays is the default length of an extension; 0 (or less)
	// means 30.
	ExtensionDays int
	// MaxExtensions is how many extensions a registration may get; 0 means
	// 2, a negative value means none.
	MaxExtensions int
}

func (p RegistrationPolicy) validity() int { return positive(p.ValidityDays, 90) }
func (p RegistrationPolicy) extDays() int  { return positive(p.ExtensionDays, 30) }

// positive returns v when it is above zero, else def.
func positive(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
func (p RegistrationPolicy) maxExt() int { return max(or(p.MaxExtensions, 2), 0) }

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Sentinel errors of deal registration, wrapped with the details.
var (
	// ErrRegistrationConflict is matched by *ConflictError.
	ErrRegistrationConflict = errors.New("partner: registration conflict")
	// ErrRegistrationState: the registration is not in a state that allows
	// the operation (approving a rejected one, extending an expired one).
	ErrRegistrationState = errors.New("partner: registration state does not allow this")
	// ErrNoRegistration: no registration matches a closed deal.
	ErrNoRegistration = errors.New("partner: no matching registration")
)

// Submit validates a new registration, normalizes its customer and marks
// it pending, submitted at at by actor.
func (p RegistrationPolicy) Submit(r *Registration, at time.Time, actor string) error {
	if r == nil {
		return fmt.Errorf("%w: Submit needs a registration", ErrInvalid)
	}
	if r.Status != "" && r.Status != RegPending {
		return fmt.Errorf("%w: registration %s is %s; only a new registration can be submitted", ErrRegistrationState, r.ID, r.Status)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	r.CustomerKey = r.Customer.Key()
	r.Status, r.SubmittedAt, r.SubmittedBy = RegPending, at, actor
	return nil
}

// ConflictKind says how two registrations conflict.
type ConflictKind string

// Conflict kinds.
const (
	// ConflictSameProduct: another open registration for the same customer
	// and product.
	ConflictSameProduct ConflictKind = "same_customer_product"
	// ConflictOpenCustomer: another open registration for the same customer
	// and a different product.
	ConflictOpenCustomer ConflictKind = "customer_open"
)

// Conflict is another open registration that conflicts with one being
// decided.
type Conflict struct {
	Kind       ConflictKind `json:"kind"`
	With       string       `json:"with,omitempty"` // the other registration's id
	PartnerID  string       `json:"partner_id,omitempty"`
	Product    string       `json:"product,omitempty"`
	Status     RegStatus    `json:"status,omitempty"`
	ValidUntil Date         `json:"valid_until,omitzero"`
	Detail     string       `json:"detail,omitempty"`
}

// ConflictError lists the conflicts that stop an approval.
type ConflictError struct {
	RegistrationID string
	Conflicts      []Conflict
}

// Error implements the error interface.
func (e *ConflictError) Error() string {
	s := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		s[i] = c.Detail
	}
	return fmt.Sprintf("registration %s conflicts: %s", e.RegistrationID, strings.Join(s, "; "))
}

// Is makes errors.Is(err, ErrRegistrationConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrRegistrationConflict }

// Conflicts returns the registrations among others that are open on day d
// and name the same customer as r (see CustomerKey.Same), ordered by id.
// r itself (by id) is skipped. The customer keys are computed from the
// entered customers, so unsubmitted registrations compare correctly too.
func Conflicts(r *Registration, others []*Registration, d Date) []Conflict {
	if r == nil {
		return nil
	}
	key := r.Customer.Key()
	var out []Conflict
	for _, o := range others {
		if o == nil || o.ID == r.ID || !o.OpenOn(d) || !key.Same(o.Customer.Key()) {
			continue
		}
		c := Conflict{With: o.ID, PartnerID: o.PartnerID, Product: o.Product, Status: o.StatusOn(d), ValidUntil: o.ValidUntil}
		who := "partner " + o.PartnerID
		if o.PartnerID == r.PartnerID {
			who = "the same partner"
		}
		held := string(c.Status)
		if c.Status == RegApproved {
			held = "approved until " + o.ValidUntil.String()
		}
		if strings.EqualFold(strings.TrimSpace(o.Product), strings.TrimSpace(r.Product)) {
			c.Kind = ConflictSameProduct
			c.Detail = fmt.Sprintf("%s registered the same customer and product %q in %s (%s)", who, o.Product, o.ID, held)
		} else {
			c.Kind = ConflictOpenCustomer
			c.Detail = fmt.Sprintf("%s has the customer in open registration %s for %q (%s)", who, o.ID, o.Product, held)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Conflict) int { return cmp.Compare(a.With, b.With) })
	return out
}

// Decision approves or rejects a registration.
type Decision struct {
	At     time.Time
	Actor  string
	Reason string
	// Override approves despite conflicts; it needs a Reason, and the
	// overridden conflicts are kept on the registration.
	Override bool
}

// Approve approves a pending registration on the decision's day, unless it
// conflicts with an open registration among others (a *ConflictError
// listing them all) and the decision does not override. An approved
// registration holds through ValidUntil = approval day + ValidityDays - 1.
// A decision (approval or rejection) timed before the submission is an
// ErrRegistrationState, as is an extension timed before the approval.
func (p RegistrationPolicy) Approve(r *Registration, dec Decision, others []*Registration) error {
	if err := decisionCheck(r, dec, "approve"); err != nil {
		return err
	}
	day := DateOf(dec.At)
	cs := Conflicts(r, others, day)
	if len(cs) > 0 {
		if !dec.Override {
			return &ConflictError{RegistrationID: r.ID, Conflicts: cs}
		}
		if strings.TrimSpace(dec.Reason) == "" {
			return fmt.Errorf("%w: overriding %d conflict(s) on registration %s needs a reason", ErrRegistrationConflict, len(cs), r.ID)
		}
		r.Overrode = cs
	}
	r.Status, r.DecidedAt, r.DecidedBy, r.Reason = RegApproved, dec.At, dec.Actor, dec.Reason
	r.ValidUntil = day.AddDays(p.validity() - 1)
	return nil
}

// Reject rejects a pending registration; the decision needs a reason.
func (p RegistrationPolicy) Reject(r *Registration, dec Decision) error {
	if err := decisionCheck(r, dec, "reject"); err != nil {
		return err
	}
	if strings.TrimSpace(dec.Reason) == "" {
		return fmt.Errorf("%w: rejecting registration %s needs a reason", ErrRegistrationState, r.ID)
	}
	r.Status, r.DecidedAt, r.DecidedBy, r.Reason = RegRejected, dec.At, dec.Actor, dec.Reason
	return nil
}

func decisionCheck(r *Registration, dec Decision, verb string) error {
	if r == nil {
		return fmt.Errorf("%w: %s needs a registration", ErrInvalid, verb)
	}
	if st := r.StatusOn(DateOf(dec.At)); st != RegPending {
		return fmt.Errorf("%w: cannot %s registration %s: it is %s", ErrRegistrationState, verb, r.ID, st)
	}
	if dec.At.IsZero() || strings.TrimSpace(dec.Actor) == "" {
		return fmt.Errorf("%w: a decision on registration %s needs a time and an actor", ErrRegistrationState, r.ID)
	}
	if dec.At.Before(r.SubmittedAt) {
		return fmt.Errorf("%w: cannot %s registration %s at %s, before it was submitted at %s", ErrRegistrationState, verb, r.ID,
			dec.At.Format(timeLayout), r.SubmittedAt.Format(timeLayout))
	}
	return nil
}

// ExtendRequest extends an approved registration.
type ExtendRequest struct {
	At     time.Time
	Actor  string
	Reason string
	// Days is the extension's length; 0 means the policy's ExtensionDays.
	Days int
}

// Extend moves an approved, unexpired registration's ValidUntil later by
// the requested days, up to the policy's MaxExtensions.
func (p RegistrationPolicy) Extend(r *Registration, x ExtendRequest) error {
	if r == nil {
		return fmt.Errorf("%w: Extend needs a registration", ErrInvalid)
	}
	day := DateOf(x.At)
	if st := r.StatusOn(day); st != RegApproved {
		return fmt.Errorf("%w: cannot extend registration %s: it is %s on %s", ErrRegistrationState, r.ID, st, day)
	}
	if x.At.IsZero() || strings.TrimSpace(x.Actor) == "" {
		return fmt.Errorf("%w: extending registration %s needs a time and an actor", ErrRegistrationState, r.ID)
	}
	if x.At.Before(r.DecidedAt) {
		return fmt.Errorf("%w: cannot extend registration %s at %s, before it was approved at %s", ErrRegistrationState, r.ID,
			x.At.Format(timeLayout), r.DecidedAt.Format(timeLayout))
	}
	if len(r.Extensions) >= p.maxExt() {
		return fmt.Errorf("%w: registration %s already has %d extension(s), the most the policy allows", ErrRegistrationState, r.ID, len(r.Extensions))
	}
	days := or(x.Days, p.extDays())
	if days < 0 {
		return fmt.Errorf("%w: an extension of %d days", ErrRegistrationState, days)
	}
	e := Extension{At: x.At, Actor: x.Actor, Reason: x.Reason, Days: days, From: r.ValidUntil, To: r.ValidUntil.AddDays(days)}
	r.Extensions = append(r.Extensions, e)
	r.ValidUntil = e.To
	return nil
}

// Expire records the expiry of an approved registration past its
// ValidUntil on day d; it reports whether it changed r.
func Expire(r *Registration, d Date) bool {
	if r.Status == RegApproved && r.StatusOn(d) == RegExpired {
		r.Status = RegExpired
		return true
	}
	return false
}

// Withdraw withdraws an open registration at the partner's request; like
// every decision it needs a time and an actor.
func Withdraw(r *Registration, at time.Time, actor, reason string) error {
	if at.IsZero() || strings.TrimSpace(actor) == "" {
		return fmt.Errorf("%w: withdrawing registration %s needs a time and an actor", ErrRegistrationState, r.ID)
	}
	if !r.OpenOn(DateOf(at)) {
		return fmt.Errorf("%w: cannot withdraw registration %s: it is %s", ErrRegistrationState, r.ID, r.StatusOn(DateOf(at)))
	}
	r.Status, r.DecidedAt, r.DecidedBy, r.Reason = RegWithdrawn, at, actor, reason
	return nil
}

// ClosedDeal is a closed deal to match to its registration.
type ClosedDeal struct {
	ID        string
	PartnerID string
	Customer  Customer
	Product   string
	// Closed is when the deal closed; its calendar date must fall within
	// the registration's validity.
	Closed time.Time
	Won    bool
}

// MatchDeal finds the registration of a closed deal: the partner's
// registration approved on or before the close day and still valid then,
// for the same customer and product (case-insensitive). Of several, the
// earliest approved wins (then the lowest id). No match is an error
// wrapping ErrNoRegistration that says why the nearest candidate failed.
func MatchDeal(regs []*Registration, deal ClosedDeal) (*Registration, error) {
	day := DateOf(deal.Closed)
	key := deal.Customer.Key()
	var best *Registration
	var why []string
	for _, r := range regs {
		if r == nil || r.PartnerID != deal.PartnerID || !key.Same(r.Customer.Key()) {
			continue
		}
		switch {
		case !strings.EqualFold(strings.TrimSpace(r.Product), strings.TrimSpace(deal.Product)):
			why = append(why, fmt.Sprintf("%s is for product %q", r.ID, r.Product))
		case r.Status != RegApproved && r.Status != RegExpired:
			why = append(why, fmt.Sprintf("%s is %s", r.ID, r.StatusOn(day)))
		case r.DecidedAt.IsZero() || day.Before(DateOf(r.DecidedAt)):
			why = append(why, fmt.Sprintf("%s was approved after the deal closed on %s", r.ID, day))
		case day.After(r.ValidUntil):
			why = append(why, fmt.Sprintf("%s expired on %s, before the deal closed on %s", r.ID, r.ValidUntil, day))
		default:
			if best == nil || r.DecidedAt.Before(best.DecidedAt) || r.DecidedAt.Equal(best.DecidedAt) && r.ID < best.ID {
				best = r
			}
		}
	}
	if best != nil {
		return best, nil
	}
	if len(why) == 0 {
		why = []string{"the partner has no registration for this customer"}
	}
	return nil, fmt.Errorf("%w for deal %s of partner %s: %s", ErrNoRegistration, deal.ID, deal.PartnerID, strings.Join(why, "; "))
}

// Close records the closed deal on its registration: closed won or lost.
func Close(r *Registration, deal ClosedDeal) error {
	if r.Status != RegApproved && r.Status != RegExpired {
		return fmt.Errorf("%w: cannot close registration %s: it is %s", ErrRegistrationState, r.ID, r.Status)
	}
	r.DealID, r.ClosedAt = deal.ID, deal.Closed
	r.Status = RegClosedLost
	if deal.Won {
		r.Status = RegClosedWon
	}
	return nil
}
