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
