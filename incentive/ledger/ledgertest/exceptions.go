package ledgertest

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exceptions routes rejections other than a late claim to a named
// approver: a deal that is not eligible (with the amount asked for) and a
// claim over the remaining budget.
func exceptions(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	budget := incentive.MustParseMoney("1000.00", "USD")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Budget: &budget, Actor: "ops"}))
	b := bucketOf("P-1", "spiff")
	silver := partner.Partner{ID: "P-1", Tier: "silver"}
	exc := func(amount string) *ledger.Exception {
		e := &ledger.Exception{Approver: "cfo", Justification: "tier review was late; partner was gold on the close date"}
		if amount != "" {
			m := incentive.MustParseMoney(amount, "USD")
			e.Amount = &m
		}
		return e
	}
	submit := func(key, deal, amount string, p partner.Partner, e *ledger.Exception) (ledger.Claim, error) {
		return h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: key, Program: "spiff", Deal: Deal(deal, "P-1", amount, "2026-11-02"),
			Partner: p, Actor: "rep", Exception: e})
	}
	var ne, ob ledger.Claim
	runSteps(t, h, []step{
		{name: "not eligible without an exception: rejected", day: "2026-11-03", do: func(h *Harness) error {
			_, err := submit("k-1", "D-1", "10000.00", silver, nil)
			return err
		}, wantErr: ledger.ErrNotEligible},
		{name: "not eligible, an exception without an amount: still rejected (the terms pay nothing)", do: func(h *Harness) error {
			_, err := submit("k-2", "D-1", "10000.00", silver, exc(""))
			return err
		}, wantErr: ledger.ErrNotEligible},
		{name: "the submitter cannot name themself", do: func(h *Harness) error {
			e := exc("150.00")
			e.Approver = "rep"
			_, err := submit("k-3", "D-1", "10000.00", silver, e)
			return err
		}, wantErr: ledger.ErrSelfApproval},
		{name: "not eligible, an exception for 150.00 to cfo: pending, 1,000.00 - 150.00 = 850.00 left", do: func(h *Harness) (err error) {
			ne, err = submit("k-4", "D-1", "10000.00", silver, exc("150.00"))
			if err == nil {
				assert.Equal(t, ledger.PendingApproval, ne.State)
				assert.Equal(t, []ledger.ApprovalStep{{Role: ledger.RoleException, Approver: "cfo"}}, ne.Steps)
				require.NotNil(t, ne.Exception)
				assert.Equal(t, []string{"not eligible: gold or platinum partner"}, ne.Exception.Overrides)
				assert.Equal(t, []ledger.ClaimLine{{Earning: "exception", Type: incentive.Spiff, Amount: incentive.MustParseMoney("150.00", "USD")}}, ne.Lines)
			}
			return err
		}, want: map[ledger.Account]string{ledger.ProgramBudget("spiff"): "850.00", b.Account(ledger.Accrued): "150.00"}},
		{name: "the submitter cannot approve it", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: ne.ID, Actor: "rep"})
			return err
		}, wantErr: ledger.ErrSelfApproval},
		{name: "nor anyone but the named approver", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: ne.ID, Actor: "fin", Role: ledger.RoleFinance})
			return err
		}, wantErr: ledger.ErrNotApprover},
		{name: "cfo approves: payable", do: func(h *Harness) (err error) {
			ne, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: ne.ID, Actor: "cfo"})
			assert.Equal(t, ledger.PayableState, ne.State)
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Accrued): "0.00", b.Account(ledger.Payable): "150.00"}},
		{name: "D-2, 35,000.00 x 2% = 700.00, auto-approved: 850.00 - 700.00 = 150.00 left", do: func(h *Harness) error {
			_, err := submit("k-5", "D-2", "35000.00", Gold("P-1"), nil)
			return err
		}, want: map[ledger.Account]string{ledger.ProgramBudget("spiff"): "150.00"}},
		{name: "D-3, 30,000.00 x 2% = 600.00 over the 150.00 left: rejected", do: func(h *Harness) error {
			_, err := submit("k-6", "D-3", "30000.00", Gold("P-1"), nil)
			return err
		}, wantErr: ledger.ErrBudgetExceeded},
		{name: "D-3 as an exception: 150.00 from the budget, 600.00 - 150.00 = 450.00 beyond it", do: func(h *Harness) (err error) {
			ob, err = submit("k-7", "D-3", "30000.00", Gold("P-1"), exc("999.00"))
			if err == nil {
				assert.Equal(t, "600.00", ob.Amount.Amount().StringFixed(2), "an eligible deal pays the engine's amount, not the exception's")
				assert.Nil(t, ob.Exception.Amount)
				assert.Equal(t, []string{"claim of 600.00 USD exceeds the remaining budget of 150.00 USD"}, ob.Exception.Overrides)
				assert.Equal(t, "450.00", ob.Overrun.Amount().StringFixed(2))
			}
			return err
		}, want: map[ledger.Account]string{ledger.ProgramBudget("spiff"): "0.00", ledger.ProgramOverrun("spiff"): "-450.00",
			b.Account(ledger.Accrued): "600.00"}},
		{name: "cfo rejects it: 150.00 back to the budget, 450.00 back to the overrun", do: func(h *Harness) error {
			_, err := h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: ob.ID, Actor: "cfo", Reason: "wait for the Q1 budget"})
			return err
		}, want: map[ledger.Account]string{ledger.ProgramBudget("spiff"): "150.00", ledger.ProgramOverrun("spiff"): "0.00",
			b.Account(ledger.Accrued): "0.00"}},
		{name: "asked again and approved", do: func(h *Harness) (err error) {
			if ob, err = submit("k-8", "D-3", "30000.00", Gold("P-1"), exc("")); err != nil {
				return err
			}
			ob, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: ob.ID, Actor: "cfo"})
			return err
		}, want: map[ledger.Account]string{ledger.ProgramBudget("spiff"): "0.00", ledger.ProgramOverrun("spiff"): "-450.00",
			b.Account(ledger.Payable): "1450.00"}}, // 150.00 (D-1) + 700.00 (D-2) + 600.00 (D-3)
	})
	o := Must(h.Ledger.Outcome(h.Ctx, ledger.OutcomeParams{Program: "spiff"}))(t)
	// committed: 150.00 (D-1) + 700.00 (D-2) + 600.00 (D-3) = 1,450.00, of
	// which 1,450.00 - 1,000.00 = 450.00 beyond the budget
	assert.Equal(t, "1450.00", o.Committed.Amount().StringFixed(2))
	assert.Equal(t, "450.00", o.Overrun.Amount().StringFixed(2))
	assert.Equal(t, "0.00", o.Remaining.Amount().StringFixed(2))
	rep, err := h.Ledger.Replay(h.Ctx, ledger.ReplayParams{})
	require.NoError(t, err, "the not-eligible exception replays as not eligible")
	assert.Equal(t, 3, rep.Accruals)
}

// lateProofException: MDF proof that comes after its deadline is rejected,
// or routed as an exception to a named approver while the request still
// holds its reservation.
func lateProofException(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: MDFProgram(), Actor: "ops"}))
	usd := func(s string) incentive.Money { return incentive.MustParseMoney(s, "USD") }
	avail := ledger.FundAccount("F-L", ledger.FundAvailable)
	b := ledger.Bucket{Partner: "P-M", Payee: incentive.PayeePartner, Program: "mdf"}
	proof := []ledger.Document{{Name: "invoice.pdf", Ref: "doc://1"}}
	var c ledger.Claim
	runSteps(t, h, []step{
		{name: "allocate 1,000.00 at 50%, proof due 10 days after; R-1 planned 400.00 x 50% = 200.00 reserved", day: "2026-10-01", do: func(h *Harness) error {
			if _, err := h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-L", Program: "mdf", Partner: "P-M", From: date("2026-10-01"),
				To: date("2026-12-31"), Amount: usd("1000.00"), Share: decimalOf("0.5"), ProofDays: 10, Actor: "ops"}); err != nil {
				return err
			}
			if _, err := h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-L", Activity: "webinar", PlannedCost: usd("400.00"),
				ActivityEnd: date("2026-11-10"), Actor: "partner"}); err != nil {
				return err
			}
			_, err := h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-1", Actor: "mia"})
			return err
		}, want: map[ledger.Account]string{avail: "800.00"}}, // 1,000.00 - 200.00
		{name: "on 2026-11-25, past the 2026-11-20 deadline: rejected", day: "2026-11-25", do: func(h *Harness) error {
			_, err := h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "m-1", Request: "R-1", ActualCost: usd("380.00"), Proof: proof, Actor: "partner"})
			return err
		}, wantErr: ledger.ErrProofLate, want: map[ledger.Account]string{avail: "800.00", b.Account(ledger.Accrued): "0.00"}},
		{name: "as an exception to vp: 380.00 x 50% = 190.00, the 10.00 left of 200.00 back to the fund", do: func(h *Harness) (err error) {
			c, err = h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "m-2", Request: "R-1", ActualCost: usd("380.00"), Proof: proof, Actor: "partner",
				Exception: &ledger.Exception{Approver: "vp", Justification: "the agency sent the invoice late"}})
			if err == nil {
				assert.Equal(t, []ledger.ApprovalStep{{Role: ledger.RoleException, Approver: "vp"}}, c.Steps)
				require.NotNil(t, c.Exception)
				assert.Equal(t, []string{"proof of performance was due by 2026-11-20 (activity ended 2026-11-10); this claim came on 2026-11-25"}, c.Exception.Overrides)
			}
			return err
		}, want: map[ledger.Account]string{avail: "810.00", b.Account(ledger.Accrued): "190.00"}},
		{name: "the submitter cannot approve it", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "partner"})
			return err
		}, wantErr: ledger.ErrSelfApproval},
		{name: "vp approves: 190.00 payable", do: func(h *Harness) error {
			_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "vp"})
			return err
		}, want: map[ledger.Account]string{b.Account(ledger.Payable): "190.00", b.Account(ledger.Accrued): "0.00"}},
	})
}
