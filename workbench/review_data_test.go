package workbench

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewDealsProgramZones: a bare close date is midnight in the
// program's time zone, and DealsProgram decodes the deals once for both
// versions, in the new version's zone. With versions in two zones the old
// version would see a deal of 2026-10-01 at midnight Tokyo, which is
// 2026-09-30 11:00 in New York, outside its window, while 'partnerops run'
// of the old version counts it: the diff reported a change of eligibility
// that no run shows. Two zones are refused; one zone is still fine.
func TestReviewDealsProgramZones(t *testing.T) {
	ny := compile(t, bytesReplace(groupOld, "timezone: UTC", "timezone: America/New_York"))
	tokyo := compile(t, bytesReplace(groupOld, "timezone: UTC", "timezone: Asia/Tokyo"))
	require.Equal(t, "Asia/Tokyo", tokyo.Effective.Loc().String())

	_, err := DealsProgram(ny, tokyo)
	assert.ErrorIs(t, err, ErrZoneMismatch)
	assert.ErrorContains(t, err, "America/New_York")
	assert.ErrorContains(t, err, "Asia/Tokyo")

	r, err := DealsProgram(ny, ny)
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", r.Effective.Loc().String())
}
