package partner

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoredRegistrationFlow(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	for _, id := range []string{"P-1", "P-2"} {
		p := payable()
		p.ID = id
		_, err := s.CreatePartner(ctx, CreatePartnerParams{Partner: p})
		require.NoError(t, err)
	}
	pol := RegistrationPolicy{}
	submit := func(id, partnerID, product string) {
		r := &Registration{ID: id, PartnerID: partnerID, Customer: Customer{Name: "Acme Inc", Domain: "acme.com"}, Product: product}
		_, err := SubmitRegistration(ctx, s, pol, r, at("2026-03-01"), "rep")
		require.NoError(t, err)
	}
	submit("R-1", "P-1", "Widgets")
	submit("R-2", "P-2", "Widgets")
	// Registrations of other customers are not candidates.
	for i := range 3 {
		r := &Registration{ID: fmt.Sprintf("X-%d", i), PartnerID: "P-1", Customer: Customer{Name: fmt.Sprintf("Other %d", i)}, Product: "W"}
		_, err := SubmitRegistration(ctx, s, pol, r, at("2026-03-01"), "rep")
		require.NoError(t, err)
	}
	open, err := OpenRegistrations(ctx, s, Customer{Domain: "https://acme.com"})
	require.NoError(t, err)
	assert.Len(t, open, 2)

	// R-1 conflicts with the pending R-2: a manager overrides with a reason.
	_, err = ApproveRegistration(ctx, s, pol, "R-1", Decision{At: at("2026-03-02"), Actor: "cam"})
	assert.ErrorIs(t, err, ErrRegistrationConflict)
	r1, err := ApproveRegistration(ctx, s, pol, "R-1", Decision{At: at("2026-03-02"), Actor: "cam", Override: true, Reason: "first to register"})
	require.NoError(t, err)
	assert.Equal(t, RegApproved, r1.Status)
	assert.Equal(t, int64(2), r1.Version)

	// R-2 now conflicts with the approved R-1 and is rejected.
	_, err = ApproveRegistration(ctx, s, pol, "R-2", Decision{At: at("2026-03-03"), Actor: "cam"})
	var ce *ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "R-1", ce.Conflicts[0].With)
	_, err = ApproveRegistration(ctx, s, pol, "R-404", Decision{At: at("2026-03-03"), Actor: "cam"})
	assert.ErrorIs(t, err, ErrNotFound)
}

// A registration stored with the zero Status is pending (StatusOn says so)
// and holds its customer: the store's status filter, and so the conflict
// check of ApproveRegistration, must see it.
func TestZeroStatusRegistrationHoldsItsCustomer(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	for _, id := range []string{"P-1", "P-2"} {
		p := payable()
		p.ID = id
		_, err := s.CreatePartner(ctx, CreatePartnerParams{Partner: p})
		require.NoError(t, err)
	}
	// Imported straight into the store, never through Submit: Status "".
	_, err := s.CreateRegistration(ctx, CreateRegistrationParams{Registration: &Registration{ID: "R-1", PartnerID: "P-1", Customer: Customer{Name: "Acme"}, Product: "Widgets"}})
	require.NoError(t, err)
	_, err = SubmitRegistration(ctx, s, RegistrationPolicy{}, &Registration{ID: "R-2", PartnerID: "P-2", Customer: Customer{Name: "ACME, Inc."}, Product: "Widgets"}, at("2026-03-01"), "rep")
	require.NoError(t, err)

	pg, err := s.ListRegistrations(ctx, ListRegistrationsParams{Statuses: []RegStatus{RegPending}})
	require.NoError(t, err)
	var ids []string
	for _, r := range pg.Registrations {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"R-1", "R-2"}, ids, "the zero status is pending")

	_, err = ApproveRegistration(ctx, s, RegistrationPolicy{}, "R-2", Decision{At: at("2026-03-02"), Actor: "cam"})
	var ce *ConflictError
	require.ErrorAs(t, err, &ce, "R-1 is open for the same customer and product")
	require.Len(t, ce.Conflicts, 1)
	assert.Equal(t, "R-1", ce.Conflicts[0].With)
	assert.Equal(t, ConflictSameProduct, ce.Conflicts[0].Kind)
}
