package ledger_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanTransition(t *testing.T) {
	legal := map[[2]ledger.State]bool{}
	for _, p := range [][2]ledger.State{
		{ledger.Submitted, ledger.PendingApproval}, {ledger.Submitted, ledger.Rejected},
		{ledger.PendingApproval, ledger.Approved}, {ledger.PendingApproval, ledger.Rejected}, {ledger.PendingApproval, ledger.Withdrawn},
		{ledger.PendingApproval, ledger.Expired}, {ledger.PendingApproval, ledger.ClawedBackState},
		{ledger.Approved, ledger.HeldState}, {ledger.Approved, ledger.PayableState},
		{ledger.HeldState, ledger.PayableState}, {ledger.HeldState, ledger.ClawedBackState},
		{ledger.PayableState, ledger.PaidState}, {ledger.PayableState, ledger.ClawedBackState},
		{ledger.PaidState, ledger.ClawedBackState}, {ledger.ClawedBackState, ledger.ClawedBackState},
	} {
		legal[p] = true
	}
	for _, from := range ledger.States() {
		for _, to := range ledger.States() {
			assert.Equal(t, legal[[2]ledger.State{from, to}], ledger.CanTransition(from, to), "%s -> %s", from, to)
		}
	}
}

// pending submits a 60,000.00 deal (1,200.00, needs a manager).
func pending(t *testing.T, h *ledgertest.Harness, id string) ledger.Claim {
	return ledgertest.Must(h.Submit("spiff", ledgertest.Deal(id, "P-1", "60000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
}

func TestDecisions(t *testing.T) {
	tests := []struct {
		name    string
		do      func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error)
		want    ledger.State
		wantErr error
	}{
		{"withdraw", func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error) {
			return l.Withdraw(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "rep", Reason: "wrong deal"})
		}, ledger.Withdrawn, nil},
		{"expire", func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error) {
			return l.Expire(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "system", Reason: "not decided in 30 days"})
		}, ledger.Expired, nil},
		{"reject", func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error) {
			return l.Reject(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "mia", Reason: "not a new logo"})
		}, ledger.Rejected, nil},
		{"reject without a reason", func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error) {
			return l.Reject(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "mia"})
		}, ledger.PendingApproval, ledger.ErrInvalid},
		{"withdraw after approval", func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error) {
			if _, err := l.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}); err != nil {
				return c, err
			}
			return l.Withdraw(h.Ctx, ledger.DecideParams{Claim: c.ID, Actor: "rep", Reason: "late"})
		}, ledger.PayableState, ledger.ErrIllegalTransition},
		{"unknown claim", func(l *ledger.Ledger, h *ledgertest.Harness, c ledger.Claim) (ledger.Claim, error) {
			return l.Reject(h.Ctx, ledger.DecideParams{Claim: "nope", Actor: "mia", Reason: "x"})
		}, ledger.PendingApproval, ledger.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(),
				Budget: ptr(usd("5000.00"))}))
			h.Clock.Set("2026-11-03")
			c := pending(t, h, "D-1")
			_, err := tt.do(h.Ledger, h, c)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			c = ledgertest.Must(h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID}))(t)
			assert.Equal(t, tt.want, c.State)
			released := tt.want == ledger.Withdrawn || tt.want == ledger.Expired || tt.want == ledger.Rejected
			if released {
				// 1,200.00 returns: 5,000.00 again, and the deal may be claimed again.
				assert.Equal(t, "5000.00", h.Balance(ledger.ProgramBudget("spiff")))
				d := ledgertest.Deal("D-1", "P-1", "60000.00", "2026-11-02")
				_, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "second", Program: "spiff", Deal: d, Partner: ledgertest.Gold("P-1"), Actor: "rep"})
				require.NoError(t, err, "a released deal can be claimed again")
			} else {
				assert.Equal(t, "3800.00", h.Balance(ledger.ProgramBudget("spiff"))) // 5,000.00 - 1,200.00
			}
			h.ZeroSum()
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A claim approved after its hold has already ended is payable at once; a
// multi-step chain needs different people.
func TestApprovalAfterHoldAndFourEyes(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	pol := ledgertest.SpiffPolicy()
	pol.HoldDays = map[incentive.EarningType]int{incentive.Spiff: 10}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: pol}))
	h.Clock.Set("2026-11-20")
	// Closed 2026-11-02, held through 2026-11-12: approved on 2026-11-20, so payable.
	c := pending(t, h, "D-1")
	assert.Equal(t, incentive.Date{Year: 2026, Month: 11, Day: 12}, c.HoldUntil)
	c = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}))(t)
	assert.Equal(t, ledger.PayableState, c.State)

	// The SPIFF's 2,500.00 deal cap keeps it below the finance threshold;
	// the same terms without the cap reach it.
	p := ledgertest.SpiffProgram()
	p.ID, p.Hash, p.Caps = "big", "big-v1", nil
	pol2 := ledgertest.SpiffPolicy()
	pol2.Program = "big"
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: pol2}))
	// 300,000.00 x 2% = 6,000.00 >= 5,000.00: manager, then finance.
	big := ledgertest.Must(h.Submit("big", ledgertest.Deal("D-9", "P-1", "300000.00", "2026-11-18"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, []ledger.ApprovalStep{{Role: ledger.RoleManager}, {Role: ledger.RoleFinance}}, big.Steps)
	big = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: big.ID, Actor: "fin", Role: ledger.RoleManager}))(t)
	assert.Equal(t, ledger.PendingApproval, big.State)
	_, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: big.ID, Actor: "fin", Role: ledger.RoleFinance})
	require.ErrorIs(t, err, ledger.ErrNotApprover, "the same person cannot approve both steps")
	_, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: big.ID, Actor: "mia", Role: ledger.RoleFinance})
	require.ErrorIs(t, err, ledger.ErrNotApprover, "mia is not a listed finance approver")
	big = ledgertest.Must(h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: big.ID}))(t)
	assert.Equal(t, "fin", big.Steps[0].By)
	assert.Empty(t, big.Steps[1].By)
	h.ZeroSum()
}

// A payment in another currency records the converted amount and the rate.
func TestPaymentCurrency(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(),
		Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}}))
	h.Clock.Set("2026-11-03")
	ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-1", "P-1", "10000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	rates, err := incentive.NewRateTable(incentive.Rate{From: "USD", To: "EUR", Rate: decimal.RequireFromString("0.9215"), AsOf: day("2026-11-28"), Source: "ECB"})
	require.NoError(t, err)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B", Actor: "fin", PayCurrency: "EUR", Rates: rates}))(t)
	es := ledgertest.Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{Batch: "B"}))(t)
	var pay *incentive.Conversion
	for _, e := range es {
		if e.Kind == ledger.EntryPayment {
			pay = e.Pay
		}
	}
	require.NotNil(t, pay)
	// 10,000.00 x 2% = 200.00 USD; 200.00 x 0.9215 = 184.30 EUR
	assert.Equal(t, "200.00 USD", pay.From.String())
	assert.True(t, pay.To.Amount().Equal(decimal.RequireFromString("184.30")), pay.To.String())
	assert.Equal(t, "ECB", pay.Rate.Source)
	_, err = h.Ledger.Replay(h.Ctx, ledger.ReplayParams{})
	require.NoError(t, err, "the conversion is part of the hashed entry and verifies")
}
