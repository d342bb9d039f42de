package partner_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/partnerops/partnerops/partner"
)

// The error-returning functions of a partner record that still panicked
// on a nil record (a lookup whose error was dropped), after round 8 made
// CanBePaidOn answer ErrInvalid: Partner.Validate, SetAttrHistory and
// Registration.Validate. Each now answers an error wrapping ErrInvalid,
// as the functions of TestReviewNewbie4NilRecordsAreErrorsNotPanics do.
func TestReviewRlead8NilPartnerErrors(t *testing.T) {
	var p *partner.Partner
	var err error
	assert.NotPanics(t, func() { err = p.Validate() }, "Validate")
	assert.ErrorIs(t, err, partner.ErrInvalid, "Validate")
	err = nil
	assert.NotPanics(t, func() { err = partner.SetAttrHistory(p, partner.AttrTier, nil) }, "SetAttrHistory")
	assert.ErrorIs(t, err, partner.ErrInvalid, "SetAttrHistory")
	var r *partner.Registration
	err = nil
	assert.NotPanics(t, func() { err = r.Validate() }, "Registration.Validate")
	assert.ErrorIs(t, err, partner.ErrInvalid, "Registration.Validate")
	var ve *partner.ValidationError
	assert.ErrorAs(t, err, &ve, "Validate's documented type")
	assert.EqualError(t, p.Validate(), "partner is invalid: record: is missing (a nil *Partner)")
}
