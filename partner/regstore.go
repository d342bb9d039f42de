package partner

import (
	"context"
	"time"
)

// SubmitRegistration submits a new registration under pol and stores it.
func SubmitRegistration(ctx context.Context, s Store, pol RegistrationPolicy, r *Registration, at time.Time, actor string) (*Registration, error) {
	if err := pol.Submit(r, at, actor); err != nil {
		return nil, err
	}
	return s.CreateRegistration(ctx, CreateRegistrationParams{Registration: r})
}

// OpenRegistrations lists every stored registration of the customer that
// is pending or approved (all pages): the candidates Conflicts checks.
func OpenRegistrations(ctx context.Context, s Store, c Customer) ([]*Registration, error) {
	key := c.Key()
	var out []*Registration
	after := ""
	for {
		page, err := s.ListRegistrations(ctx, ListRegistrationsParams{Customer: &key, Statuses: []RegStatus{RegPending, RegApproved}, After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Registrations...)
		if page.Next == "" {
			return out, nil
		}
		after = page.Next
	}
}

// ApproveRegistration approves stored registration id under pol against
// the customer's other open registrations in the store, and stores the
// result. It returns a *ConflictError when the decision does not override
// a conflict, and ErrConflict when the registration changed since it was
// read.
//
// The conflict check and the write are two store calls: two approvals of
// conflicting registrations running at the same moment can both pass.
// Services that approve concurrently should serialize approvals per
// customer (one approver queue, or a lock keyed by CustomerKey).
func ApproveRegistration(ctx context.Context, s Store, pol RegistrationPolicy, id string, dec Decision) (*Registration, error) {
	r, err := s.GetRegistration(ctx, GetRegistrationParams{ID: id})
	if err != nil {
		return nil, err
	}
	others, err := OpenRegistrations(ctx, s, r.Customer)
	if err != nil {
		return nil, err
	}
	if err := pol.Approve(r, dec, others); err != nil {
		return nil, err
	}
	return s.UpdateRegistration(ctx, UpdateRegistrationParams{Registration: r})
}
