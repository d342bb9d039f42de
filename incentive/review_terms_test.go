package incentive

// Independent review of the dated terms of issue #7 (claim windows,
// registration validity, dates): each test failed before its fix; expected
// amounts are computed by hand in the comments.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim window given in months must bound a credit note's takeback as a
// window in days does: the engine decided whether a deal had expired, for
// its credit notes and caps, only when the window had days.
func TestReviewTermsMonthsWindowLinkedCreditOfExpiredDeal(t *testing.T) {
	p := creditProgram(StageLine, HalfUp)
	p.Claims = ClaimWindow{Months: 1}
	var rs []*Result
	for r, err := range Run(t.Context(), p, inputs(
		// D-1: 10,000.00 x 0.01 = 100.00; claim by 2026-01-05 + 1 month =
		// 2026-02-05, closed as of 2026-03-05.
		deal("D-1", "P-1", "10000", "2026-01-05"),
		// C-1: D-1's net 0.00 earns nothing: 100.00 back, never paid.
		credit("C-1", "P-1", "-10000", "2026-03-01", "D-1"),
	), RunOptions{AsOf: day("2026-03-05")}) {
		require.NoError(t, err)
		rs = append(rs, r)
	}
	require.Len(t, rs, 2)
	assert.True(t, rs[0].Expired)
	assert.Equal(t, "2026-02-05", rs[0].ClaimBy.String())
	assert.True(t, rs[1].Expired, "a credit of an expired deal counts with the deal")
	s := statementOf(t, p, rs)
	require.Len(t, s.Partners, 1)
	ps := s.Partners[0]
	// Earned: nothing open (0.00). Expired: 100.00 - 100.00 = 0.00.
	assert.Equal(t, "0.00", ps.Earned.Amount().StringFixed(2))
	assert.Equal(t, "0.00", ps.Expired.Amount().StringFixed(2))
	assert.Equal(t, "0.00", ps.Payable.Amount().StringFixed(2))
}

// The same, for a credit note that names no deal: with a window in months
// the period's expired total was never kept, so the credit note took back
// what the expired deal had earned, which the partner was never paid.
func TestReviewTermsMonthsWindowUnlinkedCreditAfterExpiredDeal(t *testing.T) {
	p := creditProgram(StageLine, HalfUp)
	p.Claims = ClaimWindow{Months: 1}
	var rs []*Result
	for r, err := range Run(t.Context(), p, inputs(
		// D-1: 10,000.00 x 0.01 = 100.00; claim by 2026-01-05 + 1 month =
		// 2026-02-05, closed as of 2026-03-05.
		deal("D-1", "P-1", "10000", "2026-01-05"),
		// D-2: 5,000.00 x 0.01 = 50.00; claim by 2026-04-02, open.
		deal("D-2", "P-1", "5000", "2026-03-02"),
		// C-1 unearns 10,000.00 x 0.01 = 100.00, but of the 150.00 the
		// partner was paid in the period only D-2's 50.00 is payable:
		// 50.00 back.
		deal("C-1", "P-1", "-10000", "2026-03-03"),
	), RunOptions{AsOf: day("2026-03-05")}) {
		require.NoError(t, err)
		rs = append(rs, r)
	}
	require.Len(t, rs, 3)
	assert.True(t, rs[0].Expired)
	assert.False(t, rs[2].Expired)
	assert.Equal(t, "-50.00", rs[2].Total.Amount().StringFixed(2))
	s := statementOf(t, p, rs)
	require.Len(t, s.Partners, 1)
	ps := s.Partners[0]
	// Earned: 50.00 - 50.00 = 0.00; expired: D-1's 100.00.
	assert.Equal(t, "0.00", ps.Earned.Amount().StringFixed(2))
	assert.Equal(t, "100.00", ps.Expired.Amount().StringFixed(2))
	assert.Equal(t, "0.00", ps.CarriedOut.Amount().StringFixed(2))
}

// Two rates of one pair with the same as-of date are bad input like an
// overlapping validity period: a caller must be able to tell them from
// other failures with errors.Is, but the duplicate error wrapped no
// sentinel at all.
func TestReviewTermsDuplicateRateIsInvalidRate(t *testing.T) {
	r := func(rate string) Rate {
		return Rate{From: EUR, To: USD, Rate: dec(rate), AsOf: Date{2026, 3, 31}, Source: "ECB"}
	}
	_, err := NewRateTable(r("1.1"), r("1.2"))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidRate)
	var re *RateError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.Index)
	assert.Contains(t, err.Error(), "duplicate")
}
