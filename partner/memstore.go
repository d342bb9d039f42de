package partner

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is a Store in memory, safe for concurrent use. It keeps
// copies: changing a record after storing it, or one it returned, does not
// change what it holds. Create one with NewMemoryStore (the zero value is
// also ready to use).
type MemoryStore struct {
	mu       sync.Mutex
	partners map[string]*Partner
	regs     map[string]*Registration
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

var _ Store = (*MemoryStore)(nil)

func (m *MemoryStore) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	if m.partners == nil {
		m.partners = map[string]*Partner{}
		m.regs = map[string]*Registration{}
	}
	return nil
}

// CreatePartner implements Store.
func (m *MemoryStore) CreatePartner(ctx context.Context, p CreatePartnerParams) (*Partner, error) {
	if p.Partner == nil {
		return nil, fmt.Errorf("%w: CreatePartner needs a partner", ErrInvalid)
	}
	if err := p.Partner.Validate(); err != nil {
		return nil, err
	}
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if cur, ok := m.partners[p.Partner.ID]; ok {
		return nil, &VersionError{Kind: "partner", ID: p.Partner.ID, Got: cur.Version}
	}
	c := p.Partner.Clone()
	c.Version = 1
	m.partners[c.ID] = c
	return c.Clone(), nil
}

// GetPartner implements Store.
func (m *MemoryStore) GetPartner(ctx context.Context, p GetPartnerParams) (*Partner, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	cur, ok := m.partners[p.ID]
	if !ok {
		return nil, &NotFoundError{Kind: "partner", ID: p.ID}
	}
	return cur.Clone(), nil
}

// UpdatePartner implements Store.
func (m *MemoryStore) UpdatePartner(ctx context.Context, p UpdatePartnerParams) (*Partner, error) {
	if p.Partner == nil {
		return nil, fmt.Errorf("%w: UpdatePartner needs a partner", ErrInvalid)
	}
	if err := p.Partner.Validate(); err != nil {
		return nil, err
	}
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	cur, ok := m.partners[p.Partner.ID]
	if !ok {
		return nil, &NotFoundError{Kind: "partner", ID: p.Partner.ID}
	}
	if cur.Version != p.Partner.Version {
		return nil, &VersionError{Kind: "partner", ID: cur.ID, Want: p.Partner.Version, Got: cur.Version}
	}
	if err := CheckHistory(cur.ID, cur.History, p.Partner.History); err != nil {
		return nil, err
	}
	c := p.Partner.Clone()
	c.Version = cur.Version + 1
	m.partners[c.ID] = c
	return c.Clone(), nil
}

// ListPartners implements Store.
func (m *MemoryStore) ListPartners(ctx context.Context, p ListPartnersParams) (*PartnerPage, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.partners))
	for id, q := range m.partners {
		if id > p.After && p.matches(q) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	page := &PartnerPage{}
	limit := PageLimit(p.Limit)
	if len(ids) > limit {
		ids = ids[:limit]
		page.Next = ids[limit-1]
	}
	for _, id := range ids {
		page.Partners = append(page.Partners, m.partners[id].Clone())
	}
	return page, nil
}

// CreateRegistration implements Store.
func (m *MemoryStore) CreateRegistration(ctx context.Context, p CreateRegistrationParams) (*Registration, error) {
	if p.Registration == nil {
		return nil, fmt.Errorf("%w: CreateRegistration needs a registration", ErrInvalid)
	}
	if err := p.Registration.Validate(); err != nil {
		return nil, err
	}
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	r := p.Registration
	if cur, ok := m.regs[r.ID]; ok {
		return nil, &VersionError{Kind: "registration", ID: r.ID, Got: cur.Version}
	}
	if _, ok := m.partners[r.PartnerID]; !ok {
		return nil, &NotFoundError{Kind: "partner", ID: r.PartnerID}
	}
	c := r.Clone()
	c.Version = 1
	c.CustomerKey = c.Customer.Key()
	m.regs[c.ID] = c
	return c.Clone(), nil
}

// GetRegistration implements Store.
func (m *MemoryStore) GetRegistration(ctx context.Context, p GetRegistrationParams) (*Registration, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	cur, ok := m.regs[p.ID]
	if !ok {
		return nil, &NotFoundError{Kind: "registration", ID: p.ID}
	}
	return cur.Clone(), nil
}

// UpdateRegistration implements Store.
func (m *MemoryStore) UpdateRegistration(ctx context.Context, p UpdateRegistrationParams) (*Registration, error) {
	if p.Registration == nil {
		return nil, fmt.Errorf("%w: UpdateRegistration needs a registration", ErrInvalid)
	}
	if err := p.Registration.Validate(); err != nil {
		return nil, err
	}
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	r := p.Registration
	cur, ok := m.regs[r.ID]
	if !ok {
		return nil, &NotFoundError{Kind: "registration", ID: r.ID}
	}
	if cur.Version != r.Version {
		return nil, &VersionError{Kind: "registration", ID: r.ID, Want: r.Version, Got: cur.Version}
	}
	if cur.PartnerID != r.PartnerID {
		return nil, &ValidationError{Record: fmt.Sprintf("registration %q", r.ID),
			Fields: []FieldError{{Path: "partner_id", Msg: fmt.Sprintf("cannot change from %q to %q", cur.PartnerID, r.PartnerID)}}}
	}
	c := r.Clone()
	c.Version = cur.Version + 1
	c.CustomerKey = c.Customer.Key()
	m.regs[c.ID] = c
	return c.Clone(), nil
}

// ListRegistrations implements Store.
func (m *MemoryStore) ListRegistrations(ctx context.Context, p ListRegistrationsParams) (*RegistrationPage, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.regs))
	for id, r := range m.regs {
		if id > p.After && p.matches(r) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	page := &RegistrationPage{}
	limit := PageLimit(p.Limit)
	if len(ids) > limit {
		ids = ids[:limit]
		page.Next = ids[limit-1]
	}
	for _, id := range ids {
		page.Registrations = append(page.Registrations, m.regs[id].Clone())
	}
	return page, nil
}
