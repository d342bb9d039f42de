package partner

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Store keeps partners and deal registrations. Every method is one
// transaction: it either happens completely or not at all. Updates use
// optimistic concurrency: the record carries the Version it was read at,
// and an update of a record changed since fails with ErrConflict.
//
// Implementations: NewMemoryStore here; SQL stores elsewhere. Every
// implementation must pass the conformance suite in package partnertest.
type Store interface {
	// CreatePartner stores a new, valid partner with Version 1 and returns
	// the stored copy. A partner with the same ID is an ErrConflict; an
	// invalid record an ErrInvalid (*ValidationError).
	CreatePartner(ctx context.Context, p CreatePartnerParams) (*Partner, error)
	// GetPartner returns a partner, or an ErrNotFound.
	GetPartner(ctx context.Context, p GetPartnerParams) (*Partner, error)
	// UpdatePartner replaces a partner whose stored Version equals the
	// given record's Version and returns the stored copy with the Version
	// incremented. A stale Version is an ErrConflict, an unknown ID an
	// ErrNotFound, an invalid record an ErrInvalid. History is append-only:
	// an update that changes or drops a stored event is an
	// ErrHistoryChanged.
	UpdatePartner(ctx context.Context, p UpdatePartnerParams) (*Partner, error)
	// ListPartners returns partners matching the filters, ordered by ID, a
	// page at a time.
	ListPartners(ctx context.Context, p ListPartnersParams) (*PartnerPage, error)

	// CreateRegistration stores a new, valid registration with Version 1,
	// its CustomerKey computed from its Customer. A registration with the
	// same ID is an ErrConflict; an unknown PartnerID an ErrNotFound.
	CreateRegistration(ctx context.Context, p CreateRegistrationParams) (*Registration, error)
	// GetRegistration returns a registration, or an ErrNotFound.
	GetRegistration(ctx context.Context, p GetRegistrationParams) (*Registration, error)
	// UpdateRegistration replaces a registration under the same rules as
	// UpdatePartner (PartnerID may not change: ErrInvalid).
	UpdateRegistration(ctx context.Context, p UpdateRegistrationParams) (*Registration, error)
	// ListRegistrations returns registrations matching the filters,
	// ordered by ID, a page at a time.
	ListRegistrations(ctx context.Context, p ListRegistrationsParams) (*RegistrationPage, error)
}

// CreatePartnerParams are the arguments of Store.CreatePartner.
type CreatePartnerParams struct {
	Partner *Partner
}

// GetPartnerParams are the arguments of Store.GetPartner.
type GetPartnerParams struct {
	ID string
}

// UpdatePartnerParams are the arguments of Store.UpdatePartner.
type UpdatePartnerParams struct {
	// Partner is the new record; its Version is the version it was read
	// at.
	Partner *Partner
}

// ListPartnersParams filter and page Store.ListPartners. Zero filters
// match everything.
type ListPartnersParams struct {
	Status State
	Type   Type
	Tier   Tier
	Region string
	// After returns only partners with an ID after it (the previous page's
	// Next).
	After string
	// Limit is the page size; 0 means 100, and it is capped at 1000.
	Limit int
}

// PartnerPage is one page of Store.ListPartners.
type PartnerPage struct {
	Partners []*Partner
	// Next is the After of the next page; "" when this is the last page.
	Next string
}

// CreateRegistrationParams are the arguments of Store.CreateRegistration.
type CreateRegistrationParams struct {
	Registration *Registration
}

// GetRegistrationParams are the arguments of Store.GetRegistration.
type GetRegistrationParams struct {
	ID string
}

// UpdateRegistrationParams are the arguments of Store.UpdateRegistration.
type UpdateRegistrationParams struct {
	// Registration is the new record; its Version is the version it was
	// read at.
	Registration *Registration
}

// ListRegistrationsParams filter and page Store.ListRegistrations. Zero
// filters match everything.
type ListRegistrationsParams struct {
	PartnerID string
	// Customer matches registrations of the same customer (see
	// CustomerKey.Same): the candidates for a conflict check.
	Customer *CustomerKey
	// Statuses matches any of the stored statuses; the zero status is
	// RegPending.
	Statuses []RegStatus
	After    string
	// Limit is the page size; 0 means 100, and it is capped at 1000.
	Limit int
}

// RegistrationPage is one page of Store.ListRegistrations.
type RegistrationPage struct {
	Registrations []*Registration
	Next          string
}

// PageLimit returns the effective page size for a requested limit: 100
// for 0 or less, at most 1000. Stores share it so pages agree.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}

// Store errors. Stores wrap them in *NotFoundError and *VersionError, or
// with fmt.Errorf("%w").
var (
	ErrNotFound       = errors.New("partner: not found")
	ErrConflict       = errors.New("partner: conflict")
	ErrHistoryChanged = errors.New("partner: history is append-only")
)

// NotFoundError says which record was not found.
type NotFoundError struct {
	// Kind is "partner" or "registration".
	Kind string
	ID   string
}

// Error implements the error interface.
func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.Kind, e.ID) }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// VersionError says a write lost an optimistic-concurrency race: the
// record's stored Version is not the one the writer read (Want 0 on
// create: the record already exists).
type VersionError struct {
	Kind      string
	ID        string
	Want, Got int64
}

// Error implements the error interface.
func (e *VersionError) Error() string {
	if e.Want == 0 {
		return fmt.Sprintf("%s %q already exists", e.Kind, e.ID)
	}
	return fmt.Sprintf("%s %q was changed by someone else: read at version %d, stored version is %d", e.Kind, e.ID, e.Want, e.Got)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *VersionError) Is(target error) bool { return target == ErrConflict }

// CheckHistory returns an ErrHistoryChanged error unless next starts with
// every event of stored, unchanged. Stores call it inside the update's
// transaction.
func CheckHistory(id string, stored, next []Event) error {
	if len(next) < len(stored) {
		return fmt.Errorf("%w: partner %q: the update drops %d stored event(s)", ErrHistoryChanged, id, len(stored)-len(next))
	}
	for i, e := range stored {
		if !sameEvent(e, next[i]) {
			return fmt.Errorf("%w: partner %q: the update changes stored event %d", ErrHistoryChanged, id, i)
		}
	}
	return nil
}

// sameEvent compares events with time.Time.Equal (a store may return
// instants in another location).
func sameEvent(a, b Event) bool {
	kind := func(k EventKind) EventKind { return cmpOr(k, EventState) }
	return kind(a.Kind) == kind(b.Kind) && a.From == b.From && a.To == b.To && a.FromTier == b.FromTier &&
		a.ToTier == b.ToTier && a.Attr == b.Attr && a.FromValue == b.FromValue && a.ToValue == b.ToValue && a.Actor == b.Actor && a.At.Equal(b.At) && a.Reason == b.Reason
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// UpdateFunc changes a partner read from a store; an error from it aborts
// the update.
type UpdateFunc func(p *Partner) error

// Update reads partner id, applies fn and writes the result, retrying
// from a fresh read up to 3 more times when another writer got there first
// (ErrConflict). Errors from fn are returned as they are. It is how a
// lifecycle transition or tier change is applied to a stored partner.
func Update(ctx context.Context, s Store, id string, fn UpdateFunc) (*Partner, error) {
	var err error
	for range 4 {
		var p *Partner
		p, err = s.GetPartner(ctx, GetPartnerParams{ID: id})
		if err != nil {
			return nil, err
		}
		if err := fn(p); err != nil {
			return nil, err
		}
		p, err = s.UpdatePartner(ctx, UpdatePartnerParams{Partner: p})
		if !errors.Is(err, ErrConflict) {
			return p, err
		}
	}
	return nil, err
}

// matchesRegistration reports whether r passes the list filters (After and
// Limit aside). Stores may use it; SQL stores express the same filters in
// SQL.
func (p ListRegistrationsParams) matches(r *Registration) bool {
	return (p.PartnerID == "" || r.PartnerID == p.PartnerID) &&
		(p.Customer == nil || p.Customer.Same(r.CustomerKey)) &&
		(len(p.Statuses) == 0 || slices.Contains(p.Statuses, cmpOr(r.Status, RegPending)))
}

func (p ListPartnersParams) matches(q *Partner) bool {
	return (p.Status == "" || q.State() == p.Status) && (p.Type == "" || q.Type == p.Type) &&
		(p.Tier == "" || q.Tier == p.Tier) && (p.Region == "" || q.Region == p.Region)
}
