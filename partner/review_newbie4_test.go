package partner_test

// Tests from reviewer newbie4 (a Go developer embedding the package from its
// documentation): each failed before the fix committed with it.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/partnerops/partnerops/partner"
)

// A nil record (a store lookup whose error was dropped, a map miss) made
// these functions panic; the standard is a clear error wrapping
// ErrInvalid, and nil entries of a list are skipped, as
// Compliance.NoticesOn already skips them.
func TestReviewNewbie4NilRecordsAreErrorsNotPanics(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var lc partner.Lifecycle
	var pol partner.RegistrationPolicy
	var tp partner.TierPolicy
	for name, f := range map[string]func() error{
		"Lifecycle.Check": func() error {
			return lc.Check(nil, partner.TransitionRequest{To: partner.Onboarding, At: at, Actor: "ops"})
		},
		"Lifecycle.Transition": func() error {
			_, err := lc.Transition(nil, partner.TransitionRequest{To: partner.Onboarding, At: at, Actor: "ops"})
			return err
		},
		"SetTier": func() error {
			_, err := partner.SetTier(nil, partner.TierChange{To: "gold", At: at, Actor: "ops"})
			return err
		},
		"SetAttr": func() error {
			_, err := partner.SetAttr(nil, partner.AttrChange{Attr: partner.AttrRegion, To: "emea", At: at, Actor: "ops"})
			return err
		},
		"TierPolicy.Evaluate":       func() error { _, err := tp.Evaluate(nil, partner.TierMetrics{}, partner.DateOf(at)); return err },
		"Apply":                     func() error { _, _, err := partner.Apply(nil, partner.Recommendation{}, at, "ops"); return err },
		"RegistrationPolicy.Submit": func() error { return pol.Submit(nil, at, "rep") },
		"RegistrationPolicy.Approve": func() error {
			return pol.Approve(nil, partner.Decision{At: at, Actor: "mgr"}, nil)
		},
		"RegistrationPolicy.Reject": func() error {
			return pol.Reject(nil, partner.Decision{At: at, Actor: "mgr", Reason: "dup"})
		},
		"RegistrationPolicy.Extend": func() error { return pol.Extend(nil, partner.ExtendRequest{At: at, Actor: "mgr"}) },
	} {
		var err error
		assert.NotPanics(t, func() { err = f() }, name)
		assert.ErrorIs(t, err, partner.ErrInvalid, name)
	}

	// Nil entries in the lists MatchDeal and Conflicts search are skipped.
	r := &partner.Registration{ID: "R-1", PartnerID: "P-1", Customer: partner.Customer{Name: "Acme"}, Product: "suite"}
	assert.NotPanics(t, func() {
		_, err := partner.MatchDeal([]*partner.Registration{nil}, partner.ClosedDeal{ID: "D-1", PartnerID: "P-1", Customer: r.Customer, Product: "suite", Closed: at})
		assert.ErrorIs(t, err, partner.ErrNoRegistration)
	})
	assert.NotPanics(t, func() { assert.Empty(t, partner.Conflicts(r, []*partner.Registration{nil}, partner.DateOf(at))) })
	assert.NotPanics(t, func() { assert.Empty(t, partner.Conflicts(nil, []*partner.Registration{r}, partner.DateOf(at))) })
}

// CanBePaidOn and CanBePaid of a nil partner: an error wrapping ErrInvalid,
// not a panic (the payee gate a caller writes around a store lookup).
func TestNilPartnerCannotBePaid(t *testing.T) {
	var p *partner.Partner
	err := p.CanBePaidOn(partner.Date{Year: 2026, Month: 12, Day: 1})
	assert.ErrorIs(t, err, partner.ErrInvalid)
	assert.ErrorIs(t, p.CanBePaid(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), partner.ErrInvalid)
}
