package ledger_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// A payment run dated in the past counts on the day it runs ("a run dated
// in the past pays what is payable now, counted on the day it moves"):
// run as of 2026-11-20 on a clock reading 2026-11-30, the batch and its
// payment are effective 2026-11-30. A clawback dated 2026-11-25 is on or
// after the batch's AsOf, yet before the payment it takes back: it was
// accepted, and a statement through 2026-11-27 read the claim's 240.00
// still payable with 240.00 already withheld, the shape
// TestClawBackDatedBeforePayment refuses.
func TestReviewRlead9ClawBackBeforeBackdatedRunsPayment(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("dated")
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once.
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	h.Clock.Set("2026-11-30")
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-20"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)

	h.Clock.Set("2026-11-25")
	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "a clawback dated 2026-11-25 would come before the payment (date it on or after 2026-11-30)")
	got, err := h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID})
	require.NoError(t, err)
	assert.Equal(t, ledger.PaidState, got.State)
	assert.True(t, got.ClawedBack.IsZero())
	// Through 2026-11-27 the claim is payable (the run moves it on
	// 2026-11-30) and nothing is withheld.
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-11-27")}))(t)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "240.00", st.Lines[0].Payable.Amount().StringFixed(2))
	assert.True(t, st.Lines[0].Withheld.IsZero(), "withheld %s", st.Lines[0].Withheld)

	// On the day the payment counts it is allowed.
	h.Clock.Set("2026-11-30")
	got = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "240.00", got.ClawedBack.Amount().StringFixed(2))
	h.ZeroSum()
}

// MarkPaid's On dates the payment later than the batch's AsOf: run as of
// 2026-11-30 and paid on 2026-12-20, the payment entry is effective
// 2026-12-20. A clawback dated 2026-12-05 took back what the ledger, through
// 2026-12-10, had not yet paid: batched 240.00, paid 0, withheld -240.00.
func TestReviewRlead9ClawBackBeforeMarkPaidOn(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := spiff2Program("dated")
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once.
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	h.Clock.Set("2026-11-30")
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", On: day("2026-12-20"), Actor: "fin"}))(t)

	h.Clock.Set("2026-12-05")
	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "a clawback dated 2026-12-05 would come before the payment (date it on or after 2026-12-20)")
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-12-10")}))(t)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "240.00", st.Lines[0].Batched.Amount().StringFixed(2))
	assert.True(t, st.Lines[0].Withheld.IsZero(), "withheld %s", st.Lines[0].Withheld)

	h.Clock.Set("2026-12-20")
	got := ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "240.00", got.ClawedBack.Amount().StringFixed(2))
	h.ZeroSum()
}

// A date built in Go that is not a day of the calendar (2026-11-31) is
// refused where a caller gives the ledger one, as 50283c7 refuses it where
// a program or deal gives the engine one: a payment run as of 2026-11-31
// was recorded with its batch and entry dated so, and a store that keeps
// dates as text (SQLite, PostgreSQL) could no longer read them back: the
// batch, the statement and every entry failed with "hash chain broken ...
// date "2026-11-31" is not YYYY-MM-DD" (TestReviewRlead9PaymentRunOnNoDay in
// sqlitestore). Each is refused with ErrInvalid and records nothing.
func TestReviewRlead9DatesNotOfTheCalendarRefused(t *testing.T) {
	noDay := incentive.Date{Year: 2026, Month: time.November, Day: 31}
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: spiff2Program("dated"), Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once.
	ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-1", Program: "dated", Partner: "P-1",
		From: day("2026-10-01"), To: day("2026-12-31"), Amount: usd("1000.00"), Share: decimal.NewFromInt(1), ProofDays: 30, Actor: "ops"}))(t)
	head := ledgertest.Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)

	for name, op := range map[string]func() error{
		"run payments": func() error {
			_, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: noDay, Actor: "fin"})
			return err
		},
		"release holds": func() error {
			_, err := h.Ledger.ReleaseHolds(h.Ctx, ledger.ReleaseHoldsParams{AsOf: noDay, Actor: "fin"})
			return err
		},
		"allocate fund from": func() error {
			_, err := h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-2", Program: "dated", Partner: "P-1",
				From: noDay, To: day("2026-12-31"), Amount: usd("1000.00"), Share: decimal.NewFromInt(1), Actor: "ops"})
			return err
		},
		"allocate fund to": func() error {
			_, err := h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-3", Program: "dated", Partner: "P-1",
				From: day("2026-10-01"), To: noDay, Amount: usd("1000.00"), Share: decimal.NewFromInt(1), Actor: "ops"})
			return err
		},
		"request funds": func() error {
			_, err := h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-1", Activity: "webinar",
				PlannedCost: usd("500.00"), ActivityEnd: noDay, Actor: "partner"})
			return err
		},
		"expire funds": func() error {
			_, err := h.Ledger.ExpireFunds(h.Ctx, ledger.ExpireFundsParams{AsOf: noDay, Actor: "ops"})
			return err
		},
	} {
		err := op()
		require.ErrorIs(t, err, ledger.ErrInvalid, name)
		assert.Contains(t, err.Error(), "2026-11-31 is not a day of the calendar", name)
	}
	after := ledgertest.Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)
	assert.Equal(t, head, after, "nothing recorded")
	_, err := h.Store.Batch(h.Ctx, ledger.BatchParams{ID: "B-1"})
	require.ErrorIs(t, err, ledger.ErrNotFound)
	_, err = h.Store.FundRequest(h.Ctx, ledger.FundRequestParams{ID: "R-1"})
	require.ErrorIs(t, err, ledger.ErrNotFound)

	// A batch run and marked paid on a day of the calendar, then marked
	// paid again on no day: the first mark stands (marking a paid batch
	// again records nothing); an open batch marked paid on no day is
	// refused.
	h.Clock.Set("2026-11-30")
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-2", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	_, err = h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-2", On: noDay, Actor: "fin"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Contains(t, err.Error(), "2026-11-31 is not a day of the calendar")
	b := ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-2", Actor: "fin"}))(t)
	assert.Equal(t, ledger.BatchPaid, b.State)
	h.ZeroSum()

	// A leap day is a day: the fund's period may end on 2028-02-29.
	ledgertest.Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-4", Program: "dated", Partner: "P-1",
		From: day("2028-02-01"), To: day("2028-02-29"), Amount: usd("10.00"), Share: decimal.NewFromInt(1), Actor: "ops"}))(t)
}

// A clawback before payment voids the claim, moving its amount out of held
// or payable; dated before the approval (or the hold's release) that put
// it there, it was accepted (only the submission's day was checked) and a
// statement through the void's day read payable -240.00 and a balance of
// -240.00, owed by the payee, beside an accrued 240.00 (the b782e9a shape,
// one move later). Refused with ErrInvalid, nothing recorded; on the day
// of the last move it is allowed.
func TestReviewRlead9VoidDatedBeforeApproval(t *testing.T) {
	for _, tc := range []struct {
		name string
		hold bool
		// the void's day, the claim's last move's day
		void, last string
	}{
		// submitted 2026-12-15, approved 2026-12-16: payable from 12-16.
		{name: "payable", void: "2026-12-15", last: "2026-12-16"},
		// held 30 days from the 2026-11-02 close (through 2026-12-02),
		// approved 2026-11-10, released 2026-12-05.
		{name: "released", hold: true, void: "2026-12-04", last: "2026-12-05"},
		{name: "held", hold: true, void: "2026-11-09", last: "2026-11-10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			var policy *ledger.ApprovalPolicy // one manager's approval
			if tc.hold {
				policy = &ledger.ApprovalPolicy{HoldDays: map[incentive.EarningType]int{incentive.Spiff: 30}}
			}
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: spiff2Program("dated"), Policy: policy, Actor: "ops"}))
			submitted, approved := "2026-12-15", "2026-12-16"
			if tc.hold {
				submitted, approved = "2026-11-09", "2026-11-10"
			}
			h.Clock.Set(submitted)
			// 12,000.00 x 2% = 240.00, pending approval.
			c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
			h.Clock.Set(approved)
			c = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mgr", Role: "manager"}))(t)
			if tc.name == "released" {
				h.Clock.Set("2026-12-05")
				ledgertest.Must(h.Ledger.ReleaseHolds(h.Ctx, ledger.ReleaseHoldsParams{AsOf: day("2026-12-05"), Actor: "fin"}))(t)
			}
			before := ledgertest.Must(h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID}))(t)

			h.Clock.Set(tc.void)
			_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "deal cancelled"})
			require.ErrorIs(t, err, ledger.ErrInvalid)
			assert.Contains(t, err.Error(), "a clawback dated "+tc.void+" would come before it (date it on or after "+tc.last+")")
			got := ledgertest.Must(h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID}))(t)
			assert.Equal(t, before, got, "nothing recorded")
			// Through the void's day nothing is negative.
			st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day(tc.void)}))(t)
			for _, ln := range st.Lines {
				for _, m := range []incentive.Money{ln.Accrued, ln.Held, ln.Payable, ln.Balance} {
					assert.GreaterOrEqual(t, m.Sign(), 0, "%+v", ln)
				}
			}

			h.Clock.Set(tc.last)
			got = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "deal cancelled"}))(t)
			assert.Equal(t, ledger.ClawedBackState, got.State)
			h.ZeroSum()
		})
	}
}

// A hold released by ReleaseHolds as of a day in the future counted on that
// day, though the money was payable from the clock's day: released on a
// clock reading 2026-12-05 as of 2026-12-20, then paid in a run as of
// 2026-12-10 (not before the claim's approval, so not refused), a
// statement through 2026-12-15 read held 240.00 and payable -240.00 beside
// batched 240.00. The release counts on the clock's day when its as-of is
// later (as a payment run counts on today when its date is earlier: never
// a move on a day it did not happen).
func TestReviewRlead9FutureReleaseThenEarlierRun(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}, HoldDays: map[incentive.EarningType]int{incentive.Spiff: 30}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: spiff2Program("dated"), Policy: policy, Actor: "ops"}))
	h.Clock.Set("2026-11-09")
	// 12,000.00 x 2% = 240.00, approved at once, held through 2026-12-02
	// (closed 2026-11-02 + 30 days).
	c := ledgertest.Must(h.Submit("dated", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.HeldState, c.State)
	h.Clock.Set("2026-12-05")
	require.Len(t, ledgertest.Must(h.Ledger.ReleaseHolds(h.Ctx, ledger.ReleaseHoldsParams{AsOf: day("2026-12-20"), Actor: "fin"}))(t), 1)
	h.Clock.Set("2026-12-06")
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-12-10"), Actor: "fin"}))(t)

	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-12-15")}))(t)
	require.Len(t, st.Lines, 1)
	ln := st.Lines[0]
	assert.True(t, ln.Held.IsZero(), "held %s", ln.Held)
	assert.True(t, ln.Payable.IsZero(), "payable %s", ln.Payable)
	assert.Equal(t, "240.00", ln.Batched.Amount().StringFixed(2))
	// Through 2026-12-05 the released claim is payable.
	st = ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-12-05")}))(t)
	assert.Equal(t, "240.00", st.Lines[0].Payable.Amount().StringFixed(2))
	h.ZeroSum()
}

// A partner's payout buckets of one program (spiffs, bonuses) are lines of
// their own in the statement, and they came in map order: the statement's
// lines were sorted by partner, payee and program only, so the same ledger
// gave its two lines in either order from one call to the next (text and
// JSON alike). Sorted by payout bucket too, the same ledger gives the same
// statement.
func TestReviewRlead9StatementOrderWithPayoutBuckets(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.BucketedProgram(), Policy: ledgertest.BucketedPolicy(), Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	d1 := ledgertest.Deal("D-1", "P-1", "15000.00", "2026-11-02")
	d1.Type = incentive.NewBusiness
	d2 := ledgertest.Deal("D-2", "P-1", "12000.00", "2026-11-02")
	d2.Type = incentive.Renewal
	// 15,000.00 x 2% = 300.00 (spiffs); 12,000.00 x 1% = 120.00 (bonuses).
	ledgertest.Must(h.Submit("bucketed", d1, ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Submit("bucketed", d2, ledgertest.Gold("P-1")))(t)
	for range 50 {
		st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{}))(t)
		require.Len(t, st.Lines, 2)
		assert.Equal(t, []string{"bonuses", "spiffs"}, []string{st.Lines[0].Bucket.Payout, st.Lines[1].Bucket.Payout})
		assert.Equal(t, "120.00", st.Lines[0].Payable.Amount().StringFixed(2))
		assert.Equal(t, "300.00", st.Lines[1].Payable.Amount().StringFixed(2))
	}
}
