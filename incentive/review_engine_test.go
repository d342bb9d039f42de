package incentive

// Independent review of the cap and credit-note engine (issue #6): each
// test failed before its fix; expected amounts are computed by hand in the
// comments.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A linked credit note of a deal whose claim window has closed takes back
// from the partner what the partner was never paid: the expired sale is
// left out of the statement's earned amount, but the credit note (whose own
// window is still open) was counted in it, so the partner ended 100.00 in
// debt for money it never received.
func TestReviewLinkedCreditOfExpiredDeal(t *testing.T) {
	p := creditProgram(StageLine, HalfUp)
	p.Claims = ClaimWindow{Days: 30}
	var rs []*Result
	for r, err := range Run(t.Context(), p, inputs(
		// D-1: 10,000.00 x 0.01 = 100.00; claim by 2026-01-05 + 30 days =
		// 2026-02-04, closed as of 2026-03-05.
		deal("D-1", "P-1", "10000", "2026-01-05"),
		// C-1: D-1's net 0.00 earns nothing: 100.00 back. Its own window
		// (to 2026-03-31) is open, but what it takes back was never paid.
		credit("C-1", "P-1", "-10000", "2026-03-01", "D-1"),
	), RunOptions{AsOf: day("2026-03-05")}) {
		require.NoError(t, err)
		rs = append(rs, r)
	}
	require.Len(t, rs, 2)
	assert.True(t, rs[0].Expired)
	assert.Equal(t, "-100.00", rs[1].Total.Amount().StringFixed(2))
	assert.True(t, rs[1].Expired, "a credit of an expired deal counts with the deal")
	assert.Contains(t, rs[1].Explain(), "expired")
	s := statementOf(t, p, rs)
	require.Len(t, s.Partners, 1)
	ps := s.Partners[0]
	// Earned: nothing open (0.00). Expired: 100.00 - 100.00 = 0.00.
	assert.Equal(t, "0.00", ps.Earned.Amount().StringFixed(2))
	assert.Equal(t, "0.00", ps.Expired.Amount().StringFixed(2))
	assert.Equal(t, "0.00", ps.Payable.Amount().StringFixed(2))
	assert.Equal(t, "0.00", ps.CarriedOut.Amount().StringFixed(2))
}

// A credit note that names no deal is bounded by what the partner was paid
// net in the period, but that counted the payouts of deals whose claim
// window had closed, which the statement leaves out: the partner ended
// 100.00 in debt for money it never received.
func TestReviewUnlinkedCreditAfterExpiredDeal(t *testing.T) {
	p := creditProgram(StageLine, HalfUp)
	p.Claims = ClaimWindow{Days: 30}
	var rs []*Result
	for r, err := range Run(t.Context(), p, inputs(
		// D-1: 10,000.00 x 0.01 = 100.00; claim by 2026-02-04, closed as
		// of 2026-03-05.
		deal("D-1", "P-1", "10000", "2026-01-05"),
		// D-2: 5,000.00 x 0.01 = 50.00; claim by 2026-03-02 + 30 days =
		// 2026-04-01, open.
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

// Line and deal caps limited a credit note that names no deal only from
// above: returning one of two identical capped sales took back what the
// return's amount earns without the cap, more than any sale of that amount
// could have paid, and left the partner below what its net sales earn.
func TestReviewUnlinkedCreditBoundedByLineAndDealCaps(t *testing.T) {
	for _, scope := range []CapScope{CapLine, CapDeal} {
		t.Run(string(scope), func(t *testing.T) {
			p := creditProgram(StageLine, HalfUp, Cap{Scope: scope, Limit: dec("2500")})
			p.Earnings[0].Amount = RateOf(PathDealAmount, dec("0.02"))
			rs, errs := runEach(t, p, 1,
				// D-1, D-2: 200,000.00 x 0.02 = 4,000.00, capped to 2,500.00.
				deal("D-1", "P-1", "200000", "2026-02-01"),
				deal("D-2", "P-1", "200000", "2026-02-02"),
				// C-1 unearns -200,000.00 x 0.02 = -4,000.00; no deal of
				// 200,000.00 pays more than 2,500.00, so the cap bounds the
				// takeback to -2,500.00 (the partner was paid 5,000.00).
				deal("C-1", "P-1", "-200000", "2026-02-03"))
			for _, err := range errs {
				require.NoError(t, err)
			}
			assert.Equal(t, "-2500.00", rs[2].Total.Amount().StringFixed(2))
			assert.Contains(t, rs[2].Explain(), "2,500.00")
			// P-1: 2,500.00 + 2,500.00 - 2,500.00 = 2,500.00, what its net
			// 200,000.00 of sales earns under the cap.
			assert.Equal(t, map[string]string{"P-1": "2500.00"}, earnedBy(statementOf(t, p, rs)))
		})
	}
}

// An expired credit note that takes back from a Prior total drives the
// period's expired total below zero; a later credit note whose window is
// open must not read that as extra room.
func TestReviewExpiredCreditThenLiveCredit(t *testing.T) {
	p := creditProgram(StageLine, HalfUp)
	p.Claims = ClaimWindow{Days: 30}
	var rs []*Result
	for r, err := range Run(t.Context(), p, inputs(
		// C-1 unearns -10,000.00 x 0.01 = -100.00; P-1 was paid 100.00 in
		// the period before the run (Prior): 100.00 back. Claim by
		// 2026-02-04, closed as of 2026-03-05.
		deal("C-1", "P-1", "-10000", "2026-01-05"),
		// C-2 (claim open) unearns 100.00, but P-1 now holds 100.00 -
		// 100.00 = 0.00: nothing back.
		deal("C-2", "P-1", "-10000", "2026-03-01"),
	), RunOptions{AsOf: day("2026-03-05"), Prior: func(string) Prior { return Prior{PeriodEarned: dec("100")} }}) {
		require.NoError(t, err)
		rs = append(rs, r)
	}
	require.Len(t, rs, 2)
	assert.True(t, rs[0].Expired)
	assert.Equal(t, "-100.00", rs[0].Total.Amount().StringFixed(2))
	assert.Equal(t, "0.00", rs[1].Total.Amount().StringFixed(2))
}
