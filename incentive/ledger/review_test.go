package ledger_test

// Tests from an independent review of the ledger: each one failed before
// the fix committed after it.

import (
	"context"
	"time"

	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reviewReferral pays a referral reward of 500.00 for deals closing in Q4
// 2026, auto-approved and held 30 days after the close date.
func reviewReferral(t *testing.T) *ledgertest.Harness {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := &incentive.Program{
		ID: "ref", Version: 1, Hash: "ref-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings:  []incentive.Earning{{ID: "reward", Type: incentive.Referral, Amount: incentive.Const(decimal.RequireFromString("500"))}},
	}
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}, HoldDays: map[incentive.EarningType]int{incentive.Referral: 30}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: policy, Budget: ptr(usd("5000.00")), Actor: "ops"}))
	return h
}

// A payment run dated in the future (a run prepared for next month's pay
// date) must not end holds the clock has not reached: the refund window is
// real time, and a refund inside it must still void the earning.
func TestReviewFutureDatedRunKeepsHolds(t *testing.T) {
	h := reviewReferral(t)
	b := ledger.Bucket{Partner: "P-R", Payee: incentive.PayeePartner, Program: "ref"}
	h.Clock.Set("2026-11-02")
	c := ledgertest.Must(h.Submit("ref", ledgertest.Deal("R-1", "P-R", "1000.00", "2026-11-01"), ledgertest.Gold("P-R")))(t)
	require.Equal(t, ledger.HeldState, c.State)
	require.Equal(t, day("2026-12-01"), c.HoldUntil) // 2026-11-01 + 30 days

	// Today is 2026-11-02; the run is dated 2026-12-15, after the hold.
	bt := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-DEC", AsOf: day("2026-12-15"), Actor: "fin"}))(t)
	assert.Empty(t, bt.Lines, "nothing is payable while the hold runs")
	assert.Equal(t, "500.00", h.Balance(b.Account(ledger.Held)))
	assert.Equal(t, "0.00", h.Balance(b.Account(ledger.Batched)))

	// The refund inside the hold voids the earning: 4,500.00 + 500.00 back.
	h.Clock.Set("2026-11-10")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "ops", Reason: "refund"}))(t)
	assert.Equal(t, ledger.ClawedBackState, c.State)
	assert.Equal(t, "5000.00", h.Balance(ledger.ProgramBudget("ref")))
	h.ZeroSum()
}

// A policy that lists who may approve exceptions binds the approver the
// submitter names: naming a colleague outside the list must not get a late
// claim paid.
func TestReviewExceptionApproverMustBeListed(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	policy := ledgertest.SpiffPolicy()
	policy.Approvers = map[string][]string{ledger.RoleFinance: {"fin"}, ledger.RoleException: {"vp"}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: policy, Actor: "ops"}))
	b := ledger.Bucket{Partner: "P-1", Payee: incentive.PayeePartner, Program: "spiff"}
	// Closed 2026-10-01, due by 2026-10-01 + 60 days = 2026-11-30; claimed 2026-12-15.
	h.Clock.Set("2026-12-15")
	exc := &ledger.Exception{Approver: "buddy", Justification: "the CRM sync was down"}
	c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "late", Program: "spiff", Deal: ledgertest.Deal("D-L", "P-1", "12000.00", "2026-10-01"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", Exception: exc})
	if err == nil {
		_, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "buddy"})
	}
	require.ErrorIs(t, err, ledger.ErrNotApprover)
	assert.Equal(t, "0.00", h.Balance(b.Account(ledger.Payable)))

	// The listed approver is accepted: 12,000.00 x 2% = 240.00 payable.
	exc.Approver = "vp"
	c = ledgertest.Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "late-2", Program: "spiff", Deal: ledgertest.Deal("D-L", "P-1", "12000.00", "2026-10-01"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", Exception: exc}))(t)
	c = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "vp"}))(t)
	assert.Equal(t, ledger.PayableState, c.State)
	assert.Equal(t, "240.00", h.Balance(b.Account(ledger.Payable)))
	h.ZeroSum()
}

// Registering a program version that is already funded with another
// budget (a second process with a changed configuration) must fail, not
// keep the first funding while the new figure is reported and used.
func TestReviewRegisterSameVersionOtherBudget(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: ptr(usd("1000.00")), Actor: "ops"}))
	other, err := ledger.New(ledger.Config{Store: h.Store, Clock: h.Clock.Now})
	require.NoError(t, err)
	// The same budget written another way is the same request.
	require.NoError(t, other.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: ptr(usd("1000")), Actor: "ops"}))
	err = other.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: ptr(usd("500.00")), Actor: "ops"})
	require.ErrorIs(t, err, ledger.ErrIdempotencyMismatch)
	rep := ledgertest.Must(other.Budget(h.Ctx, ledger.OutcomeParams{Program: "spiff"}))(t)
	assert.Equal(t, "1000.00", rep.Budget.Amount().StringFixed(2), "the funded budget")
	assert.Equal(t, "1000.00", rep.Remaining.Amount().StringFixed(2))
}

// Every entry counts on the date of the program's time zone: a fund request
// approved at 22:00 in New York on 2026-10-14 (02:00 UTC on 2026-10-15)
// is reserved on 2026-10-14 in the fund's balance.
func TestReviewReservationDateInProgramZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	now := time.Date(2026, 10, 15, 2, 0, 0, 0, time.UTC)
	ctx := context.Background()
	l, err := ledger.New(ledger.Config{Store: newStore(t), Clock: func() time.Time { return now }})
	require.NoError(t, err)
	prog := ledgertest.MDFProgram()
	prog.Effective = incentive.Window{From: day("2026-10-01"), To: day("2026-12-31"), Location: ny}
	require.NoError(t, l.Register(ctx, ledger.RegisterParams{Program: prog, Actor: "ops"}))
	ledgertest.Must(l.AllocateFund(ctx, ledger.AllocateFundParams{ID: "F-1", Program: "mdf", Partner: "P-M", From: day("2026-10-01"), To: day("2026-12-31"),
		Amount: usd("10000.00"), Share: decimal.RequireFromString("0.5"), ProofDays: 30, Actor: "ops"}))(t)
	ledgertest.Must(l.RequestFunds(ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-1", Activity: "webinar", PlannedCost: usd("4000.00"),
		ActivityEnd: day("2026-11-15"), Actor: "partner"}))(t)
	ledgertest.Must(l.ApproveFundRequest(ctx, ledger.DecideFundRequestParams{Request: "R-1", Actor: "mia"}))(t)
	fb := ledgertest.Must(l.FundBalance(ctx, ledger.FundBalanceParams{Fund: "F-1", On: day("2026-10-14")}))(t)
	// 4,000.00 x 50% = 2,000.00 reserved; 10,000.00 - 2,000.00 = 8,000.00 available.
	assert.Equal(t, "2000.00", fb.Reserved.Amount().StringFixed(2))
	assert.Equal(t, "8000.00", fb.Available.Amount().StringFixed(2))
}

// A claim with lines of several earning types needs every approval any of
// its types requires: a bonus that needs finance does not slip through
// because the claim's first line is an auto-approved SPIFF.
func TestReviewMixedClaimNeedsEveryTypesApproval(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	prog := &incentive.Program{
		ID: "mix", Version: 1, Hash: "mix-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.Const(decimal.RequireFromString("10"))},
			{ID: "bonus", Type: incentive.Bonus, Amount: incentive.Const(decimal.RequireFromString("5000"))},
		},
	}
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{
		{From: decimal.Zero}, // everything else: auto-approved
		{Types: []incentive.EarningType{incentive.Bonus}, From: decimal.Zero, Roles: []string{ledger.RoleFinance}},
	}, Approvers: map[string][]string{ledger.RoleFinance: {"fin"}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: policy, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	c := ledgertest.Must(h.Submit("mix", ledgertest.Deal("D-1", "P-1", "1000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, ledger.PendingApproval, c.State)
	assert.Equal(t, []ledger.ApprovalStep{{Role: ledger.RoleFinance}}, c.Steps)
	b := ledger.Bucket{Partner: "P-1", Payee: incentive.PayeePartner, Program: "mix"}
	assert.Equal(t, "0.00", h.Balance(b.Account(ledger.Payable)))
	c = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "fin", Role: ledger.RoleFinance}))(t)
	assert.Equal(t, ledger.PayableState, c.State)
	assert.Equal(t, "5010.00", h.Balance(b.Account(ledger.Payable))) // 10.00 + 5,000.00
}

// Caller-chosen claim keys share the store's key space with the keys the
// ledger uses itself (a program version's budget, a payment batch): a
// partner's claim key must not block funding a budget or a payment run.
func TestReviewClaimKeysCannotCollideWithLedgerKeys(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	for i, key := range []string{"budget:ref@ref-v1", "batch:B-1"} {
		d := ledgertest.Deal("D-"+string(rune('1'+i)), "P-1", "12000.00", "2026-11-02")
		ledgertest.Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: key, Program: "spiff", Deal: d, Partner: ledgertest.Gold("P-1"), Actor: "rep"}))(t)
	}
	ref := &incentive.Program{
		ID: "ref", Version: 1, Hash: "ref-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings:  []incentive.Earning{{ID: "reward", Type: incentive.Referral, Amount: incentive.Const(decimal.RequireFromString("500"))}},
	}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ref, Budget: ptr(usd("5000.00")), Actor: "ops"}))
	assert.Equal(t, "5000.00", h.Balance(ledger.ProgramBudget("ref")), "the budget is funded")
	// Both claims were auto-approved (below 1,000.00): 12,000.00 x 2% = 240.00 each, 480.00 paid in B-1.
	bt := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-03"), Actor: "fin"}))(t)
	require.Len(t, bt.Lines, 1)
	assert.Equal(t, "480.00", bt.Lines[0].Net.Amount().StringFixed(2))
}

// Expiring funds with a date after today (a quarter-end job run early)
// must not take away a reservation whose proof is still due, nor a fund
// whose period still runs: the partner may still claim.
func TestReviewFutureDatedFundExpiryWaitsForTheClock(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.MDFProgram(), Actor: "ops"}))
	avail, reserved := ledger.FundAccount("F-1", ledger.FundAvailable), ledger.FundAccount("F-1", ledger.FundReserved)
	h.Clock.Set("2026-10-01")
	ledgertest.Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-1", Program: "mdf", Partner: "P-M", From: day("2026-10-01"), To: day("2026-12-31"),
		Amount: usd("10000.00"), Share: decimal.RequireFromString("0.5"), ProofDays: 30, Actor: "ops"}))(t)
	// Planned 4,000.00 x 50% = 2,000.00 reserved; proof due 2026-12-01 + 30 days = 2026-12-31.
	ledgertest.Must(h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-1", Activity: "webinar", PlannedCost: usd("4000.00"),
		ActivityEnd: day("2026-12-01"), Actor: "partner"}))(t)
	ledgertest.Must(h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-1", Actor: "mia"}))(t)

	h.Clock.Set("2026-12-15")
	fs := ledgertest.Must(h.Ledger.ExpireFunds(h.Ctx, ledger.ExpireFundsParams{AsOf: day("2027-01-01"), Actor: "ops"}))(t)
	assert.Empty(t, fs, "the fund's period has not ended")
	assert.Equal(t, "8000.00", h.Balance(avail))
	assert.Equal(t, "2000.00", h.Balance(reserved))

	// Claimed inside the deadline: 3,000.00 x 50% = 1,500.00; 500.00 back to the fund.
	h.Clock.Set("2026-12-20")
	c := ledgertest.Must(h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "m1", Request: "R-1", ActualCost: usd("3000.00"),
		Proof: []ledger.Document{{Name: "invoice.pdf", Ref: "doc://1"}}, Actor: "partner"}))(t)
	assert.Equal(t, "1500.00", c.Amount.Amount().StringFixed(2))
	assert.Equal(t, "8500.00", h.Balance(avail))
	h.ZeroSum()
}

// A payment run dated before today (October's run, done on 3 November)
// must not move money out of payable on a day before it was payable: the
// statement through the run's date would show a negative payable.
func TestReviewBackDatedRunKeepsStatementsWhole(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, auto-approved (below 1,000.00) on 2026-11-03.
	ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-10-30"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "OCT", AsOf: day("2026-10-31"), Actor: "fin"}))(t)
	h.Clock.Set("2026-11-04")
	// Marked paid without a date: the batch's date, which must not be
	// before the day the money went into the batch either.
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "OCT", Actor: "fin"}))(t)
	for _, through := range []string{"2026-10-31", "2026-11-03", "2026-11-04"} {
		st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Partner: "P-1", Through: day(through)}))(t)
		for _, ln := range st.Lines {
			for k, m := range map[string]incentive.Money{"payable": ln.Payable, "batched": ln.Batched, "held": ln.Held} {
				assert.False(t, m.IsNegative(), "through %s: %s is %s", through, k, m)
			}
		}
	}
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Partner: "P-1"}))(t)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "240.00", st.Lines[0].Paid.Amount().StringFixed(2))
	assert.Equal(t, "0.00", st.Lines[0].Batched.Amount().StringFixed(2))
}

// Money that returns to a closed fund (an MDF claim rejected after the
// period) expires on the day it is expired, not on the day after the
// period: the fund's balance on any date never goes negative.
func TestReviewLateFundExpiryNotBackDated(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.MDFProgram(), Actor: "ops"}))
	h.Clock.Set("2026-10-01")
	ledgertest.Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-1", Program: "mdf", Partner: "P-M", From: day("2026-10-01"), To: day("2026-12-31"),
		Amount: usd("10000.00"), Share: decimal.RequireFromString("0.5"), ProofDays: 30, Actor: "ops"}))(t)
	ledgertest.Must(h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-1", Activity: "webinar", PlannedCost: usd("4000.00"),
		ActivityEnd: day("2026-12-01"), Actor: "partner"}))(t)
	ledgertest.Must(h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-1", Actor: "mia"}))(t) // 2,000.00 reserved
	h.Clock.Set("2026-12-20")
	// 3,000.00 x 50% = 1,500.00 claimed, 500.00 back: 8,500.00 available.
	c := ledgertest.Must(h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "m1", Request: "R-1", ActualCost: usd("3000.00"),
		Proof: []ledger.Document{{Name: "invoice.pdf", Ref: "doc://1"}}, Actor: "partner"}))(t)
	h.Clock.Set("2027-01-01")
	ledgertest.Must(h.Ledger.ExpireFunds(h.Ctx, ledger.ExpireFundsParams{AsOf: day("2027-01-01"), Actor: "ops"}))(t) // 8,500.00 expires
	h.Clock.Set("2027-01-05")
	ledgertest.Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "mia", Reason: "invoice is for another event"}))(t) // 1,500.00 back
	h.Clock.Set("2027-01-06")
	ledgertest.Must(h.Ledger.ExpireFunds(h.Ctx, ledger.ExpireFundsParams{AsOf: day("2027-01-06"), Actor: "ops"}))(t) // 1,500.00 expires
	for _, on := range []string{"2027-01-01", "2027-01-02", "2027-01-05", "2027-01-06"} {
		fb := ledgertest.Must(h.Ledger.FundBalance(h.Ctx, ledger.FundBalanceParams{Fund: "F-1", On: day(on)}))(t)
		assert.False(t, fb.Available.IsNegative(), "on %s available is %s", on, fb.Available)
	}
	fb := ledgertest.Must(h.Ledger.FundBalance(h.Ctx, ledger.FundBalanceParams{Fund: "F-1"}))(t)
	assert.Equal(t, "10000.00", fb.Expired.Amount().StringFixed(2)) // 8,500.00 + 1,500.00
	h.ZeroSum()
}

// A partner cap binds whatever order the claims arrive in: a claim for a
// deal that closed before one already claimed must not get the whole cap
// room again.
func TestReviewPartnerCapHoldsForOutOfOrderClaims(t *testing.T) {
	p := ledgertest.SpiffProgram()
	p.ID, p.Hash, p.Period = "capped", "capped-v1", incentive.PeriodMonth
	p.Caps = []incentive.Cap{{Scope: incentive.CapPartner, Limit: decimal.RequireFromString("1000")}}
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}}))
	h.Clock.Set("2026-11-20")
	// The later deal first: 40,000.00 x 2% = 800.00, under the 1,000.00 cap.
	late := ledgertest.Must(h.Submit("capped", ledgertest.Deal("D-B", "P-1", "40000.00", "2026-11-10"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "800.00", late.Amount.Amount().StringFixed(2))
	// The earlier deal second: 30,000.00 x 2% = 600.00, cut to 1,000.00 - 800.00 = 200.00.
	early := ledgertest.Must(h.Submit("capped", ledgertest.Deal("D-A", "P-1", "30000.00", "2026-11-05"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "200.00", early.Amount.Amount().StringFixed(2))
	b := ledger.Bucket{Partner: "P-1", Payee: incentive.PayeePartner, Program: "capped"}
	assert.Equal(t, "1000.00", h.Balance(b.Account(ledger.Payable)), "never more than the monthly cap")
	rep, err := h.Ledger.Replay(h.Ctx, ledger.ReplayParams{})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Accruals)
}

// Registering an older program version after a newer one (a process that
// also serves replay of old claims) must not set the budget back to the
// older version's figure.
func TestReviewOlderVersionKeepsNewerBudget(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	v1 := ledgertest.SpiffProgram()
	v2 := ledgertest.SpiffProgram()
	v2.Version, v2.Hash = 2, "spiff-v2"
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: v2, Budget: ptr(usd("2000.00")), Actor: "ops"}))
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: v1, Budget: ptr(usd("1000.00")), Actor: "ops"}))
	assert.Equal(t, "2000.00", h.Balance(ledger.ProgramBudget("spiff")), "version 2's budget")
	// Another process registering both, oldest first, changes nothing.
	other, err := ledger.New(ledger.Config{Store: h.Store, Clock: h.Clock.Now})
	require.NoError(t, err)
	require.NoError(t, other.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: ptr(usd("1000.00")), Actor: "ops"}))
	require.NoError(t, other.Register(h.Ctx, ledger.RegisterParams{Program: v2, Budget: ptr(usd("2000.00")), Actor: "ops"}))
	assert.Equal(t, "2000.00", h.Balance(ledger.ProgramBudget("spiff")))
	rep := ledgertest.Must(other.Budget(h.Ctx, ledger.OutcomeParams{Program: "spiff"}))(t)
	assert.Equal(t, "2000.00", rep.Budget.Amount().StringFixed(2))
}

// A retry of a submission with the same key returns the first outcome,
// even after the claim changed since: not a rejected claim without an
// error, which no first submission ever returns.
func TestReviewRetryReturnsFirstOutcome(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 60,000.00 x 2% = 1,200.00: needs a manager.
	d := ledgertest.Deal("D-1", "P-1", "60000.00", "2026-11-02")
	first := ledgertest.Must(h.Submit("spiff", d, ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.PendingApproval, first.State)
	h.Clock.Set("2026-11-04")
	ledgertest.Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: first.ID, Actor: "mia", Reason: "not our deal"}))(t)
	again, err := h.Submit("spiff", d, ledgertest.Gold("P-1"))
	require.NoError(t, err)
	// The first outcome, as it was returned.
	assert.Equal(t, first.ID, again.ID)
	assert.Equal(t, ledger.PendingApproval, again.State)
	assert.Equal(t, first.Version, again.Version)
	assert.Equal(t, first.DedupeKey, again.DedupeKey)
	assert.Equal(t, "1200.00", again.Amount.Amount().StringFixed(2))
	// The same key with another body is still an error.
	d.Amount = usd("70000.00")
	_, err = h.Submit("spiff", d, ledgertest.Gold("P-1"))
	require.ErrorIs(t, err, ledger.ErrIdempotencyMismatch)
}

// A deal without an ID or a partner cannot be claimed: its claim would pay
// into a bucket of no partner, and its dedupe key would not name the deal.
func TestReviewClaimNeedsDealAndPartner(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	noPartner := ledgertest.Deal("D-1", "", "12000.00", "2026-11-02")
	noID := ledgertest.Deal("", "P-1", "12000.00", "2026-11-02")
	for name, d := range map[string]incentive.Deal{"no partner": noPartner, "no deal id": noID} {
		_, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: name, Program: "spiff", Deal: d, Partner: ledgertest.Gold("P-1"), Actor: "rep"})
		require.ErrorIs(t, err, ledger.ErrInvalid, name)
	}
	cs := ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{}))(t)
	assert.Empty(t, cs, "nothing stored")
}
