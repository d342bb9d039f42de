package milestone

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Store errors. Implementations wrap them with %w; test with errors.Is.
var (
	// ErrNotFound: no plan has the id.
	ErrNotFound = errors.New("milestone: plan not found")
	// ErrConflict: a plan with the id exists already (create), or the
	// plan changed since the version the caller read (append); the error
	// is a *ConflictError for the latter.
	ErrConflict = errors.New("milestone: conflict")
)

// ConflictError reports an optimistic-concurrency conflict: the caller
// read version Expected but the store holds Actual. Read the plan again
// and retry. It wraps ErrConflict.
type ConflictError struct {
	PlanID           string
	Expected, Actual int64
}

// Error says which versions differ.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("milestone: plan %q is at version %d, not %d: read it again", e.PlanID, e.Actual, e.Expected)
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Store keeps plans and their events. Each method is one transaction: it
// either does all it says or nothing. Plans carry a Version, 1 when
// created and one more for every AppendEvents, so that two writers cannot
// lose each other's events (optimistic concurrency: a SQL implementation
// updates `WHERE id = $1 AND version = $2` and inserts the events in the
// same transaction). Plans returned are the caller's own copies.
//
// Every implementation must pass the conformance suite in package
// milestonetest.
type Store interface {
	// CreatePlan stores a new plan at version 1 after Validate; it fails
	// with ErrConflict when the id is taken. Events already on the plan
	// are stored with it and must replay (Plan.AsOf).
	CreatePlan(ctx context.Context, p CreatePlanParams) (*Plan, error)
	// GetPlan returns a plan, as it is now or as of a past moment.
	GetPlan(ctx context.Context, p GetPlanParams) (*Plan, error)
	// ListPlans returns plans ordered by id, filtered and paged.
	ListPlans(ctx context.Context, p ListPlansParams) ([]*Plan, error)
	// AppendEvents applies events to a plan in order, all or none, and
	// returns the plan at its new version.
	AppendEvents(ctx context.Context, p AppendEventsParams) (*Plan, error)
}

// CreatePlanParams are the arguments of Store.CreatePlan.
type CreatePlanParams struct {
	// Plan is the plan to store; its ID must be set. Its Version is
	// ignored.
	Plan *Plan
}

// GetPlanParams are the arguments of Store.GetPlan.
type GetPlanParams struct {
	ID string
	// AsOf, when set, returns the plan as it was then (Plan.AsOf); its
	// Version is still the current one.
	AsOf time.Time
}

// ListPlansParams are the arguments of Store.ListPlans. The zero value
// lists every plan.
type ListPlansParams struct {
	// Owner, Subject and Template, when set, keep only plans with that
	// value.
	Owner    string
	Subject  PartnerID
	Template string
	// AfterID pages: only plans whose id sorts after it.
	AfterID string
	// Limit caps the number of plans returned; 0 means no limit.
	Limit int
}

// AppendEventsParams are the arguments of Store.AppendEvents.
type AppendEventsParams struct {
	PlanID string
	// ExpectedVersion is the version the caller read; a different
	// version in the store is a *ConflictError.
	ExpectedVersion int64
	// Events are applied in order with Plan.Apply.
	Events []Event
}

// maxTime is later than any event.
var maxTime = time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC)

// ErrMissingID is returned for a plan or parameter without an id.
var ErrMissingID = errors.New("milestone: missing plan id")

// MemoryStore is a Store in memory, safe for concurrent use. The zero
// value is an empty store ready to use.
type MemoryStore struct {
	mu    sync.Mutex
	plans map[string]*Plan
}

var _ Store = (*MemoryStore)(nil)

// CreatePlan implements Store.
func (s *MemoryStore) CreatePlan(ctx context.Context, p CreatePlanParams) (*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.Plan == nil || p.Plan.ID == "" {
		return nil, ErrMissingID
	}
	if err := p.Plan.Validate(); err != nil {
		return nil, err
	}
	if _, err := p.Plan.AsOf(maxTime); err != nil {
		return nil, err // its events do not replay
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.plans[p.Plan.ID]; ok {
		return nil, fmt.Errorf("%w: plan %q exists already", ErrConflict, p.Plan.ID)
	}
	if s.plans == nil {
		s.plans = map[string]*Plan{}
	}
	c := p.Plan.Clone()
	c.Version = 1
	s.plans[c.ID] = c
	return c.Clone(), nil
}

// GetPlan implements Store.
func (s *MemoryStore) GetPlan(ctx context.Context, p GetPlanParams) (*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	stored, ok := s.plans[p.ID]
	var c *Plan
	if ok {
		c = stored.Clone()
	}
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, p.ID)
	}
	if p.AsOf.IsZero() {
		return c, nil
	}
	return c.AsOf(p.AsOf)
}

// ListPlans implements Store.
func (s *MemoryStore) ListPlans(ctx context.Context, p ListPlansParams) ([]*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Plan
	for _, pl := range s.plans {
		if p.Owner != "" && pl.Owner != p.Owner || p.Subject != "" && pl.Subject != p.Subject ||
			p.Template != "" && pl.Template != p.Template || p.AfterID != "" && pl.ID <= p.AfterID {
			continue
		}
		out = append(out, pl)
	}
	slices.SortFunc(out, func(a, b *Plan) int { return cmp.Compare(a.ID, b.ID) })
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
	}
	for i := range out {
		out[i] = out[i].Clone()
	}
	return out, nil
}

// AppendEvents implements Store.
func (s *MemoryStore) AppendEvents(ctx context.Context, p AppendEventsParams) (*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.plans[p.PlanID]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, p.PlanID)
	}
	if stored.Version != p.ExpectedVersion {
		return nil, &ConflictError{PlanID: p.PlanID, Expected: p.ExpectedVersion, Actual: stored.Version}
	}
	c := stored.Clone()
	for i, e := range p.Events {
		if err := c.Apply(e); err != nil {
			return nil, fmt.Errorf("events[%d]: %w", i, err)
		}
	}
	c.Version++
	s.plans[c.ID] = c
	return c.Clone(), nil
}
