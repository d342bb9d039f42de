package ledger_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// Reviewer rnotclosed (ad2b98c, a deal is claimed once it has closed): a
// retry of a submission the ledger has already decided returns the first
// outcome (SubmitParams.Key), whatever the clock reads now. The not-closed
// check ran before the idempotency key was looked up, so a retry of an
// ACCEPTED claim whose clock read a day before the close (a retry from a
// machine whose clock is behind, `ledger accrue -as-of` an earlier day, a
// ledger holding claims recorded before ad2b98c) failed with ErrNotClosed,
// "submit it once it has closed", about a claim that was recorded (and
// possibly paid). The same for a rejected claim's retry.
func TestReviewRnotclosedRetryOfDecidedClaimReplays(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: spiff2Program("retry"), Policy: auto, Actor: "ops"}))
	// D-1 closes at 12:00 UTC on 2026-12-20 (UTC program); claimed that
	// day: 12,000.00 x 2% = 240.00.
	d1 := ledgertest.Deal("D-1", "P-1", "12000.00", "2026-12-20")
	h.Clock.Set("2026-12-20")
	c := ledgertest.Must(h.Submit("retry", d1, ledgertest.Gold("P-1")))(t)
	require.Equal(t, "240.00", c.Amount.Amount().StringFixed(2))

	// The retry, its clock a day behind: the claim as first returned.
	h.Clock.Set("2026-12-19")
	again, err := h.Submit("retry", d1, ledgertest.Gold("P-1"))
	require.NoError(t, err, "a retry of an accepted claim returns it")
	assert.Equal(t, c.ID, again.ID)
	assert.Equal(t, "240.00", again.Amount.Amount().StringFixed(2))

	// D-2 closes on 2026-10-02 and is claimed on 2026-12-20, past its
	// 60-day window (claims due by 2026-12-01): rejected. Its retry with
	// a clock before the close replays the rejection.
	spiffLate := spiff2Program("late")
	spiffLate.Claims = incentive.ClaimWindow{Days: 60}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: spiffLate, Policy: auto, Actor: "ops"}))
	d2 := ledgertest.Deal("D-2", "P-1", "12000.00", "2026-10-02")
	h.Clock.Set("2026-12-20")
	r, err := h.Submit("late", d2, ledgertest.Gold("P-1"))
	require.ErrorIs(t, err, ledger.ErrClaimWindow)
	h.Clock.Set("2026-10-01")
	r2, err := h.Submit("late", d2, ledgertest.Gold("P-1"))
	require.ErrorIs(t, err, ledger.ErrClaimWindow, "a retry of a rejected claim replays the rejection")
	assert.False(t, errors.Is(err, ledger.ErrNotClosed))
	assert.Equal(t, r.ID, r2.ID)
	h.ZeroSum()
}

// An exception does not claim a deal before it closes: the exception
// routes a claim the rules reject (late, not eligible, over the budget),
// and a sale not yet closed is not one the rules decide on. Refused with
// ErrNotClosed, nothing stored; the same key once the deal has closed
// records the claim (the exception ignored: the rules accept it).
// (Passes on ad2b98c; pins the behaviour.)
func TestReviewRnotclosedExceptionDoesNotClaimBeforeClose(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	pol := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}, Approvers: map[string][]string{ledger.RoleException: {"cfo"}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: spiff2Program("exc"), Policy: pol, Actor: "ops"}))
	amt := incentive.MustParseMoney("100.00", "USD")
	sub := func() (ledger.Claim, error) {
		return h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k", Program: "exc", Deal: ledgertest.Deal("D-1", "P-1", "12000.00", "2026-12-20"),
			Partner: ledgertest.Gold("P-1"), Actor: "rep",
			Exception: &ledger.Exception{Approver: "cfo", Justification: "pay on approval", Amount: &amt}})
	}
	h.Clock.Set("2026-12-19")
	head := ledgertest.Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)
	_, err := sub()
	require.ErrorIs(t, err, ledger.ErrNotClosed)
	assert.Equal(t, head, ledgertest.Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t), "nothing recorded")
	assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{}))(t))

	// Closed: 12,000.00 x 2% = 240.00, the engine's amount (eligible: the
	// exception's 100.00 is ignored).
	h.Clock.Set("2026-12-20")
	c := ledgertest.Must(sub())(t)
	assert.Equal(t, "240.00", c.Amount.Amount().StringFixed(2))
	assert.Nil(t, c.Exception)
	h.ZeroSum()
}

// The close day and the claim's day are both days in the program's zone,
// west of UTC as well as east (TestSubmitRefusesDealNotYetClosed has
// Tokyo). Los Angeles is UTC-8 in December. (Passes on ad2b98c; pins the
// behaviour.)
func TestReviewRnotclosedWestOfUTC(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	var now time.Time
	store := newStore(t)
	l, err := ledger.New(ledger.Config{Store: store, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	prog := spiff2Program("la")
	prog.Effective.Location = la
	require.NoError(t, l.Register(t.Context(), ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm
	}
	submit := func(id, closed string) (ledger.Claim, error) {
		d := ledgertest.Deal(id, "P-1", "12000.00", "2026-12-01")
		d.CloseDate = at(closed)
		return l.Submit(t.Context(), ledger.SubmitParams{Key: id, Program: "la", Deal: d, Partner: ledgertest.Gold("P-1"), Actor: "rep"})
	}
	set := func(s string) { now = at(s) }

	// Closed 03:00 UTC on 12-20 = 19:00 on 12-19 in Los Angeles; claimed
	// 20:00 UTC on 12-19 = 12:00 on 12-19 there: the close day, accepted
	// (in UTC it would be the day before the close), 240.00.
	set("2026-12-19T20:00:00Z")
	c := ledgertest.Must(submit("D-1", "2026-12-20T03:00:00Z"))(t)
	assert.Equal(t, "240.00", c.Amount.Amount().StringFixed(2))
	assert.Equal(t, "2026-12-19", c.CloseDate.String())

	// Closed 09:00 UTC on 12-20 = 01:00 on 12-20 there; claimed 07:59 UTC
	// on 12-20 = 23:59 on 12-19 there: refused (in UTC the same day).
	set("2026-12-20T07:59:00Z")
	_, err = submit("D-2", "2026-12-20T09:00:00Z")
	require.ErrorIs(t, err, ledger.ErrNotClosed)
	assert.Contains(t, err.Error(), "deal D-2 closes on 2026-12-20, after the claim's day 2026-12-19")
	// A minute later it is 12-20 there: accepted.
	set("2026-12-20T08:00:00Z")
	c = ledgertest.Must(submit("D-2", "2026-12-20T09:00:00Z"))(t)
	assert.Equal(t, "2026-12-20", c.CloseDate.String())
}
