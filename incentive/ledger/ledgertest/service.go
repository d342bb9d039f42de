package ledgertest

import (
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// step is one operation of a scenario: it runs on its day, may fail with
// wantErr, and leaves the listed accounts at the listed balances.
type step struct {
	name    string
	day     string
	do      func(h *Harness) error
	wantErr error
	want    map[ledger.Account]string
}

func runSteps(t *testing.T, h *Harness, steps []step) {
	t.Helper()
	for _, s := range steps {
		if s.day != "" {
			h.Clock.Set(s.day)
		}
		err := s.do(h)
		if s.wantErr != nil {
			require.ErrorIs(t, err, s.wantErr, s.name)
		} else {
			require.NoError(t, err, s.name)
		}
		for a, v := range s.want {
			assert.Equal(t, v, h.Balance(a), "%s: balance of %s", s.name, a)
		}
		h.ZeroSum()
	}
}

// RunService runs the ledger service's scenarios on stores from newStore.
func RunService(t *testing.T, newStore NewStore) {
	t.Run("SpiffPaidClawedBackRecovered", func(t *testing.T) { spiffClawback(t, newStore) })
	t.Run("LateClaimThenException", func(t *testing.T) { lateClaim(t, newStore) })
	t.Run("ReferralHold", func(t *testing.T) { referralHold(t, newStore) })
	t.Run("MinimumPayoutPerBucket", func(t *testing.T) { minimumPayout(t, newStore) })
	t.Run("MDFFund", func(t *testing.T) { mdfScenario(t, newStore) })
	t.Run("MDFWithoutProof", func(t *testing.T) { mdfWithoutProof(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { concurrency(t, newStore) })
	t.Run("PartnerCapConcurrency", func(t *testing.T) { partnerCapConcurrency(t, newStore) })
	t.Run("PaymentCurrencyOnEveryEntry", func(t *testing.T) { payCurrency(t, newStore) })
	t.Run("ExceptionRequests", func(t *testing.T) { exceptions(t, newStore) })
	t.Run("LateProofException", func(t *testing.T) { lateProofException(t, newStore) })
	t.Run("PayoutBuckets", func(t *testing.T) { payoutBuckets(t, newStore) })
	t.Run("ClawBackSaysWhy", func(t *testing.T) { clawBackWhy(t, newStore) })
	t.Run("ApproverRejectionAndPaymentDate", func(t *testing.T) { approverRejection(t, newStore) })
	t.Run("NotClosedThenClaimed", func(t *testing.T) { notClosed(t, newStore) })
	t.Run("DatesNotOfTheCalendar", func(t *testing.T) { noDay(t, newStore) })
}

func spiffClawback(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	budget := "10000.00"
	b := bucketOf("P-1", "spiff")
	var c1, c2 ledger.Claim
	runSteps(t, h, []step{
		{name: "register with a 10,000.00 budget", do: func(h *Harness) error {
			m := incentive.MustParseMoney(budget, "USD")
			return h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Budget: &m, Actor: "ops"})
		}, want: map[ledger.Account]string{ledger.ProgramBudget("spiff"): "10000.00", ledger.ProgramFunding("spiff"): "-10000.00"}},
		{name: "submit D-1: 60,000.00 x 2% = 1,200.00, needs a manager", day: "2026-11-03", do: func(h *Harness) (err error) {
			c1, err = h.Submit("spiff", Deal("D-1", "P-1", "60000.00", "2026-11-02"), Gold("P-1"))
			if err == nil {
				assert.Equal(t, ledger.PendingApproval, c1.State)
				assert.Equal(t, []ledger.ApprovalStep{{Role: ledger.RoleManager}}, c1.Steps)
				assert.Equal(t, "1200.00", c1.Amount.Amount().StringFixed(2))
			}
			return err
		}, want: map[ledger.Account]string{
			ledger.ProgramBudget("spiff"): "8800.00", // 10,000.00 - 1,200.00
			b.Account(ledger.Accrued):     "1200.00",
		}},
		{name: "the submitter cannot approve", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c1.ID, Actor: "rep", Role: ledger.RoleManager})
			return err
		}, wantErr: ledger.ErrSelfApproval},
		{name: "finance is not the manager step", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c1.ID, Actor: "fin", Role: ledger.RoleFinance})
			return err
		}, wantErr: ledger.ErrNotApprover},
		{name: "manager approves: payable (no hold for SPIFFs)", do: func(h *Harness) (err error) {
			c1, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c1.ID, Actor: "mia", Role: ledger.RoleManager})
			if err == nil {
				assert.Equal(t, ledger.PayableState, c1.State)
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Accrued): "0.00", b.Account(ledger.Payable): "1200.00"}},
		{name: "approving again is an illegal transition", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c1.ID, Actor: "mia", Role: ledger.RoleManager})
			return err
		}, wantErr: ledger.ErrIllegalTransition},
		{name: "payment run B-1 batches 1,200.00", day: "2026-11-30", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-30"), Actor: "fin"})
			if err == nil {
				require.Len(t, bt.Lines, 1)
				assert.Equal(t, "1200.00", bt.Lines[0].Net.Amount().StringFixed(2))
				assert.Equal(t, []string{c1.ID}, bt.Lines[0].Claims)
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Payable): "0.00", b.Account(ledger.Batched): "1200.00"}},
		{name: "running B-1 again pays nothing twice", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-30"), Actor: "fin"})
			if err == nil {
				assert.Len(t, bt.Lines, 1, "the first run's batch comes back")
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Batched): "1200.00"}},
		{name: "another batch the same day finds nothing payable", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1b", AsOf: date("2026-11-30"), Actor: "fin"})
			if err == nil {
				assert.Empty(t, bt.Lines)
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Batched): "1200.00"}},
		{name: "mark B-1 paid", do: func(h *Harness) error {
			_, err := h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin", References: map[string]string{b.String(): "ACH-1"}})
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Batched): "0.00", b.Account(ledger.Paid): "1200.00"}},
		{name: "marking B-1 paid again records nothing", do: func(h *Harness) error {
			n := len(Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{}))(t))
			bt, err := h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"})
			assert.Len(t, Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{}))(t), n)
			assert.Equal(t, "ACH-1", bt.Lines[0].Reference)
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Paid): "1200.00"}},
		{name: "deal D-1 cancelled: claw back 5,000.00 asked, only the 1,200.00 paid is taken", day: "2026-12-05", do: func(h *Harness) (err error) {
			asked := incentive.MustParseMoney("5000.00", "USD")
			c1, err = h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c1.ID, Amount: &asked, Actor: "ops", Reason: "deal cancelled"})
			if err == nil {
				assert.Equal(t, ledger.ClawedBackState, c1.State)
				assert.Equal(t, "1200.00", c1.ClawedBack.Amount().StringFixed(2))
			}
			return err
		}, want: map[ledger.Account]string{
			b.Account(ledger.Withheld):   "-1200.00",
			b.Account(ledger.ClawedBack): "1200.00",
			b.Account(ledger.Paid):       "1200.00",
		}},
		{name: "nothing more to claw back", do: func(h *Harness) error {
			_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c1.ID, Actor: "ops", Reason: "again"})
			return err
		}, wantErr: ledger.ErrIllegalTransition},
		{name: "submit D-2: 80,000.00 x 2% = 1,600.00", day: "2026-12-10", do: func(h *Harness) (err error) {
			c2, err = h.Submit("spiff", Deal("D-2", "P-1", "80000.00", "2026-12-09"), Gold("P-1"))
			if err != nil {
				return err
			}
			c2, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c2.ID, Actor: "mia", Role: ledger.RoleManager})
			return err
		}, want: map[ledger.Account]string{
			ledger.ProgramBudget("spiff"): "7200.00", // 10,000.00 - 1,200.00 - 1,600.00
			b.Account(ledger.Payable):     "1600.00",
		}},
		{name: "payment run B-2 recovers the 1,200.00 withheld and pays 1,600.00 - 1,200.00 = 400.00", day: "2026-12-31", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-2", AsOf: date("2026-12-31"), Actor: "fin"})
			if err != nil {
				return err
			}
			require.Len(t, bt.Lines, 1)
			assert.Equal(t, "1200.00", bt.Lines[0].Recovered.Amount().StringFixed(2))
			assert.Equal(t, "400.00", bt.Lines[0].Net.Amount().StringFixed(2))
			_, err = h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-2", Actor: "fin"})
			return err
		}, want: map[ledger.Account]string{
			b.Account(ledger.Withheld): "0.00",
			b.Account(ledger.Payable):  "0.00",
			b.Account(ledger.Paid):     "1600.00", // 1,200.00 + 400.00
		}},
	})
	// The clawback entry names the approval it offsets.
	es := Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{Claim: c1.ID}))(t)
	var approval, clawback ledger.Entry
	for _, e := range es {
		switch e.Kind {
		case ledger.EntryApproval:
			approval = e
		case ledger.EntryClawback:
			clawback = e
		}
	}
	require.NotEmpty(t, approval.ID)
	assert.Equal(t, approval.ID, clawback.Reverses)
	c2 = Must(h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c2.ID}))(t)
	assert.Equal(t, ledger.PaidState, c2.State)
	// Events tell the story of claim 1 with actors.
	evs := Must(h.Store.Events(h.Ctx, ledger.EventsParams{Subject: c1.ID}))(t)
	var path []string
	for _, e := range evs {
		path = append(path, e.To+"/"+e.Actor)
	}
	assert.Equal(t, []string{"submitted/rep", "pending_approval/rep", "approved/mia", "payable/mia", "paid/fin", "clawed_back/ops"}, path)

	// Statements derive from entries, on any date.
	money := func(m incentive.Money) string { return m.Amount().StringFixed(2) }
	stmts := []struct {
		through                                                          string
		approved, payable, withheld, paid, clawedBack, balance, spiffApp string
	}{
		// after the clawback on 2026-12-05: 1,200.00 paid and owed back
		{"2026-12-05", "1200.00", "0.00", "-1200.00", "1200.00", "1200.00", "-1200.00", "1200.00"},
		// D-2 approved 2026-12-10: 1,600.00 payable against 1,200.00 withheld: 1,600.00 - 1,200.00 = 400.00
		{"2026-12-10", "2800.00", "1600.00", "-1200.00", "1200.00", "1200.00", "400.00", "2800.00"},
		// after B-2: 1,200.00 + 400.00 paid, nothing owed either way
		{"", "2800.00", "0.00", "0.00", "1600.00", "1200.00", "0.00", "2800.00"},
	}
	for _, tt := range stmts {
		p := ledger.StatementParams{Partner: "P-1"}
		if tt.through != "" {
			p.Through = date(tt.through)
		}
		st := Must(h.Ledger.Statement(h.Ctx, p))(t)
		require.Len(t, st.Lines, 1)
		ln := st.Lines[0]
		assert.Equal(t, b, ln.Bucket)
		got := []string{money(ln.Approved), money(ln.Payable), money(ln.Withheld), money(ln.Paid), money(ln.ClawedBack), money(ln.Balance)}
		assert.Equal(t, []string{tt.approved, tt.payable, tt.withheld, tt.paid, tt.clawedBack, tt.balance}, got, "statement through %q", tt.through)
		require.Len(t, ln.Types, 1)
		assert.Equal(t, incentive.Spiff, ln.Types[0].Type)
		assert.Equal(t, tt.spiffApp, money(ln.Types[0].Approved))
		assert.Equal(t, tt.payable, money(ln.Types[0].Payable), "the only type carries the whole payable")
	}

	o := Must(h.Ledger.Outcome(h.Ctx, ledger.OutcomeParams{Program: "spiff"}))(t)
	assert.Equal(t, "2800.00", money(o.Committed)) // 10,000.00 - 7,200.00
	assert.Equal(t, "7200.00", money(o.Remaining))
	assert.Equal(t, "2800.00", money(o.Accrued)) // 1,200.00 + 1,600.00
	assert.Equal(t, "1600.00", money(o.Paid))
	assert.Equal(t, "1200.00", money(o.ClawedBack))
	assert.Equal(t, "400.00", money(o.Actual)) // 1,600.00 - 1,200.00
	assert.Equal(t, map[ledger.State]int{ledger.PaidState: 1, ledger.ClawedBackState: 1}, o.Claims)
	assert.Equal(t, "1", o.ClaimRate.String()) // 2 approved of 2 submitted
	// D-2 closed 2026-12-09 and was paid 2026-12-31: 22 days; D-1 is clawed back.
	assert.Equal(t, "22", o.AvgDaysToPayment.String())
	assert.Equal(t, "80000.00", money(o.Revenue))
	assert.Equal(t, "0.005", o.SpendPerRevenue.String()) // 400.00 / 80,000.00
	br := Must(h.Ledger.Budget(h.Ctx, ledger.OutcomeParams{Program: "spiff"}))(t)
	assert.Equal(t, []string{"10000.00", "2800.00", "1600.00", "7200.00"}, []string{money(br.Budget), money(br.Committed), money(br.Paid), money(br.Remaining)})

	// Replay rebuilds the same balances and re-evaluates both accruals.
	rep, err := h.Ledger.Replay(h.Ctx, ledger.ReplayParams{})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Accruals)
	assert.Empty(t, rep.Mismatches)
	assert.Equal(t, len(Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{}))(t)), rep.Entries)
	assert.Equal(t, Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t), rep.Head)
}

func lateClaim(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Actor: "ops"}))
	b := bucketOf("P-1", "spiff")
	// D-L closes 2026-10-05; 60 days later is 2026-12-04, the last day to claim.
	d := Deal("D-L", "P-1", "12000.00", "2026-10-05")
	var late, exc ledger.Claim
	runSteps(t, h, []step{
		{name: "on 2026-12-10 the claim is late: rejected with the dates", day: "2026-12-10", do: func(h *Harness) (err error) {
			late, err = h.Submit("spiff", d, Gold("P-1"))
			var re *ledger.RejectedError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "claim window closed: the deal closed on 2026-10-05, claims were due by 2026-12-04, and this claim came on 2026-12-10", re.Reason)
			assert.Equal(t, ledger.Rejected, late.State)
			return err
		}, wantErr: ledger.ErrClaimWindow, want: map[ledger.Account]string{b.Account(ledger.Accrued): "0.00"}},
		{name: "a retry with the same key returns the first outcome", do: func(h *Harness) error {
			again, err := h.Submit("spiff", d, Gold("P-1"))
			assert.Equal(t, late.ID, again.ID)
			return err
		}, wantErr: ledger.ErrClaimWindow},
		{name: "another body under the same key is an error", do: func(h *Harness) error {
			d2 := d
			d2.Amount = incentive.MustParseMoney("13000.00", "USD")
			_, err := h.Submit("spiff", d2, Gold("P-1"))
			return err
		}, wantErr: ledger.ErrIdempotencyMismatch},
		{name: "an exception request needs a justification", do: func(h *Harness) error {
			_, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "exc", Program: "spiff", Deal: d, Partner: Gold("P-1"), Actor: "rep",
				Exception: &ledger.Exception{Approver: "vp"}})
			return err
		}, wantErr: ledger.ErrInvalid},
		{name: "the same claim as an exception to vp: 12,000.00 x 2% = 240.00 pending", do: func(h *Harness) (err error) {
			exc, err = h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "exc", Program: "spiff", Deal: d, Partner: Gold("P-1"), Actor: "rep",
				Exception: &ledger.Exception{Approver: "vp", Justification: "CRM outage delayed the close"}})
			if err == nil {
				assert.Equal(t, ledger.PendingApproval, exc.State)
				assert.Equal(t, []ledger.ApprovalStep{{Role: ledger.RoleException, Approver: "vp"}}, exc.Steps)
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Accrued): "240.00"}},
		{name: "a duplicate claim of D-L is rejected and recorded", do: func(h *Harness) error {
			dup, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "dup", Program: "spiff", Deal: d, Partner: Gold("P-1"), Actor: "rep2",
				Exception: &ledger.Exception{Approver: "vp", Justification: "again"}})
			assert.Equal(t, ledger.Rejected, dup.State)
			assert.Contains(t, dup.Reason, exc.ID)
			return err
		}, wantErr: ledger.ErrDuplicateClaim, want: map[ledger.Account]string{b.Account(ledger.Accrued): "240.00"}},
		{name: "a manager cannot approve an exception", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: exc.ID, Actor: "mia", Role: ledger.RoleManager})
			return err
		}, wantErr: ledger.ErrNotApprover},
		{name: "vp approves the exception", do: func(h *Harness) (err error) {
			exc, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: exc.ID, Actor: "vp"})
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Accrued): "0.00", b.Account(ledger.Payable): "240.00"}},
	})
	claims := Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-L"}))(t)
	states := map[ledger.State]int{}
	for _, c := range claims {
		states[c.State]++
	}
	assert.Equal(t, map[ledger.State]int{ledger.Rejected: 2, ledger.PayableState: 1}, states, "every rejection is recorded")
}

func referralProgram() *incentive.Program {
	return &incentive.Program{
		ID: "referral", Version: 1, Hash: "ref-v1", Currency: "USD",
		Effective: incentive.Window{From: date("2026-10-01"), To: date("2026-12-31")},
		Earnings:  []incentive.Earning{{ID: "reward", Type: incentive.Referral, Amount: incentive.Const(decimalOf("500"))}},
	}
}

func referralHold(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}, HoldDays: map[incentive.EarningType]int{incentive.Referral: 30}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: referralProgram(), Policy: policy,
		Budget: ptr(incentive.MustParseMoney("5000.00", "USD")), Actor: "ops"}))
	b := bucketOf("P-R", "referral")
	var r1, r2 ledger.Claim
	runSteps(t, h, []step{
		{name: "R-1 closes 2026-11-01: auto-approved, held through 2026-11-01 + 30 days = 2026-12-01", day: "2026-11-02", do: func(h *Harness) (err error) {
			r1, err = h.Submit("referral", Deal("R-1", "P-R", "1000.00", "2026-11-01"), Gold("P-R"))
			if err == nil {
				assert.Equal(t, ledger.HeldState, r1.State)
				assert.Equal(t, date("2026-12-01"), r1.HoldUntil)
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Held): "500.00", ledger.ProgramBudget("referral"): "4500.00"}},
		{name: "R-2 closes 2026-11-05, held through 2026-12-05", day: "2026-11-06", do: func(h *Harness) (err error) {
			r2, err = h.Submit("referral", Deal("R-2", "P-R", "1000.00", "2026-11-05"), Gold("P-R"))
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Held): "1000.00", ledger.ProgramBudget("referral"): "4000.00"}},
		{name: "a run on 2026-11-20 pays nothing held", day: "2026-11-20", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-20"), Actor: "fin"})
			assert.Empty(t, bt.Lines)
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Held): "1000.00", b.Account(ledger.Payable): "0.00"}},
		{name: "R-2 refunded inside its hold: voided, 500.00 back to the budget", day: "2026-11-25", do: func(h *Harness) (err error) {
			r2, err = h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: r2.ID, Actor: "ops", Reason: "customer refunded"})
			if err == nil {
				assert.Equal(t, ledger.ClawedBackState, r2.State)
				assert.True(t, r2.ClawedBack.IsZero(), "nothing was paid, so nothing is clawed back")
			}
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Held): "500.00", ledger.ProgramBudget("referral"): "4500.00",
			b.Account(ledger.ClawedBack): "0.00", b.Account(ledger.Withheld): "0.00"}},
		{name: "on 2026-12-01, the last day of R-1's hold, still held", day: "2026-12-01", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-2", AsOf: date("2026-12-01"), Actor: "fin"})
			assert.Empty(t, bt.Lines)
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Held): "500.00"}},
		{name: "on 2026-12-02 R-1 is released and paid", day: "2026-12-02", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-3", AsOf: date("2026-12-02"), Actor: "fin"})
			if err != nil {
				return err
			}
			require.Len(t, bt.Lines, 1)
			assert.Equal(t, []string{r1.ID}, bt.Lines[0].Claims)
			_, err = h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-3", Actor: "fin"})
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Held): "0.00", b.Account(ledger.Paid): "500.00"}},
	})
}

func minimumPayout(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{PayeeGate: func(partnerID string, on incentive.Date) error {
		if partnerID == "P-X" {
			return errors.New("tax form W-9 expired on 2026-10-31")
		}
		return nil
	}})
	p := SpiffProgram()
	p.MinPayout = decimalOf("100")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: SpiffPolicy(), Actor: "ops"}))
	a, bb, x := bucketOf("P-A", "spiff"), bucketOf("P-B", "spiff"), bucketOf("P-X", "spiff")
	runSteps(t, h, []step{
		{name: "P-A earns 3,000.00 x 2% = 60.00, P-B 7,500.00 x 2% = 150.00, P-X 10,000.00 x 2% = 200.00", day: "2026-11-03", do: func(h *Harness) error {
			for _, d := range []struct{ id, p, amt string }{{"A-1", "P-A", "3000.00"}, {"B-1", "P-B", "7500.00"}, {"X-1", "P-X", "10000.00"}} {
				if _, err := h.Submit("spiff", Deal(d.id, d.p, d.amt, "2026-11-02"), Gold(d.p)); err != nil {
					return err
				}
			}
			return nil
		}, want: map[ledger.Account]string{a.Account(ledger.Payable): "60.00", bb.Account(ledger.Payable): "150.00", x.Account(ledger.Payable): "200.00"}},
		{name: "run 1: P-B paid, P-A below 100.00 carried over, P-X blocked by the payee gate", day: "2026-11-30", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: date("2026-11-30"), Actor: "fin"})
			if err != nil {
				return err
			}
			require.Len(t, bt.Lines, 1)
			assert.Equal(t, bb, bt.Lines[0].Bucket)
			require.Len(t, bt.Blocked, 2)
			assert.Equal(t, ledger.BlockedLine{Bucket: a, Amount: incentive.MustParseMoney("60.00", "USD"),
				Reason: "below the minimum payout of 100.00 USD; carried over"}.Reason, bt.Blocked[0].Reason)
			assert.Equal(t, x, bt.Blocked[1].Bucket)
			assert.Equal(t, "tax form W-9 expired on 2026-10-31", bt.Blocked[1].Reason)
			_, err = h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"})
			return err
		}, want: map[ledger.Account]string{a.Account(ledger.Payable): "60.00", bb.Account(ledger.Paid): "150.00", x.Account(ledger.Payable): "200.00"}},
		{name: "P-A earns 2,500.00 x 2% = 50.00 more: 60.00 + 50.00 = 110.00 reaches the minimum", day: "2026-12-01", do: func(h *Harness) error {
			_, err := h.Submit("spiff", Deal("A-2", "P-A", "2500.00", "2026-11-30"), Gold("P-A"))
			return err
		}, want: map[ledger.Account]string{a.Account(ledger.Payable): "110.00"}},
		{name: "run 2 pays P-A 110.00", day: "2026-12-31", do: func(h *Harness) error {
			bt, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-2", AsOf: date("2026-12-31"), Actor: "fin"})
			if err != nil {
				return err
			}
			require.Len(t, bt.Lines, 1)
			assert.Equal(t, "110.00", bt.Lines[0].Net.Amount().StringFixed(2))
			assert.Len(t, bt.Lines[0].Claims, 2)
			_, err = h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-2", Actor: "fin"})
			return err
		}, want: map[ledger.Account]string{a.Account(ledger.Payable): "0.00", a.Account(ledger.Paid): "110.00"}},
	})
}

func ptr[T any](v T) *T { return &v }
