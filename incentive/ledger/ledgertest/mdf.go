package ledgertest

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// MDFProgram is a program for MDF funds: deals earn nothing under it; its
// funds are claimed with ClaimFunds.
func MDFProgram() *incentive.Program {
	return &incentive.Program{ID: "mdf", Version: 1, Hash: "mdf-v1", Currency: "USD",
		Earnings: []incentive.Earning{{ID: "mdf", Type: incentive.MDF, Amount: incentive.Const(decimalOf("0"))}}}
}

func mdfScenario(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: MDFProgram(), Actor: "ops"}))
	usd := incentive.MustParseMoney
	avail, reserved, expired := ledger.FundAccount("F-1", ledger.FundAvailable), ledger.FundAccount("F-1", ledger.FundReserved), ledger.FundAccount("F-1", ledger.FundExpired)
	b := ledger.Bucket{Partner: "P-M", Payee: incentive.PayeePartner, Program: "mdf"}
	request := func(id, planned, end string) func(h *Harness) error {
		return func(h *Harness) error {
			if _, err := h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: id, Fund: "F-1", Activity: "activity " + id,
				PlannedCost: usd(planned, "USD"), ActivityEnd: date(end), Actor: "partner"}); err != nil {
				return err
			}
			_, err := h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: id, Actor: "mia"})
			return err
		}
	}
	claim := func(key, req, actual string, proof bool) func(h *Harness) error {
		return func(h *Harness) error {
			p := ledger.ClaimFundsParams{Key: key, Request: req, ActualCost: usd(actual, "USD"), Actor: "partner"}
			if proof {
				p.Proof = []ledger.Document{{Name: "invoice.pdf", Ref: "doc://" + req}}
			}
			c, err := h.Ledger.ClaimFunds(h.Ctx, p)
			if err != nil {
				return err
			}
			_, err = h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager})
			return err
		}
	}
	runSteps(t, h, []step{
		{name: "allocate 10,000.00 for Q4 2026 at a 50% share, proof due 30 days after the activity", day: "2026-10-01", do: func(h *Harness) error {
			_, err := h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-1", Program: "mdf", Partner: "P-M",
				From: date("2026-10-01"), To: date("2026-12-31"), Amount: usd("10000.00", "USD"), Share: decimalOf("0.5"), ProofDays: 30, Actor: "ops"})
			return err
		}, want: map[ledger.Account]string{avail: "10000.00"}},
		{name: "R-1 webinar planned 4,000.00 x 50% = 2,000.00 reserved", day: "2026-10-05", do: request("R-1", "4000.00", "2026-11-15"),
			want: map[ledger.Account]string{avail: "8000.00", reserved: "2000.00"}},
		{name: "R-2 trade show planned 6,000.00 x 50% = 3,000.00 reserved", do: request("R-2", "6000.00", "2026-11-20"),
			want: map[ledger.Account]string{avail: "5000.00", reserved: "5000.00"}},
		{name: "R-4 planned 20,000.00 x 50% = 10,000.00 exceeds the 5,000.00 available", do: request("R-4", "20000.00", "2026-11-20"),
			wantErr: ledger.ErrFundExceeded, want: map[ledger.Account]string{avail: "5000.00", reserved: "5000.00"}},
		{name: "R-1 claimed with proof: 3,000.00 x 50% = 1,500.00; 2,000.00 - 1,500.00 = 500.00 back to the fund", day: "2026-11-20",
			do:   claim("m1", "R-1", "3000.00", true),
			want: map[ledger.Account]string{avail: "5500.00", reserved: "3000.00", b.Account(ledger.Payable): "1500.00"}},
		{name: "R-2 claimed: 8,000.00 x 50% = 4,000.00 capped at the approved 3,000.00", day: "2026-11-25",
			do:   claim("m2", "R-2", "8000.00", true),
			want: map[ledger.Account]string{avail: "5500.00", reserved: "0.00", b.Account(ledger.Payable): "4500.00"}},
		{name: "an MDF claim without proof is refused", do: func(h *Harness) error {
			_, err := h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "m0", Request: "R-1", ActualCost: usd("1.00", "USD"), Actor: "partner"})
			return err
		}, wantErr: ledger.ErrNoProof},
		{name: "R-3 planned 2,000.00 x 50% = 1,000.00 reserved, activity ends 2026-12-01, proof due 2026-12-31", day: "2026-11-26",
			do: request("R-3", "2000.00", "2026-12-01"), want: map[ledger.Account]string{avail: "4500.00", reserved: "1000.00"}},
		{name: "on 2027-01-01 R-3's reservation returns and 4,500.00 + 1,000.00 = 5,500.00 unspent expires", day: "2027-01-01", do: func(h *Harness) error {
			fs, err := h.Ledger.ExpireFunds(h.Ctx, ledger.ExpireFundsParams{AsOf: date("2027-01-01"), Actor: "ops"})
			require.Len(t, fs, 1)
			assert.Equal(t, ledger.FundClosed, fs[0].State)
			return err
		}, want: map[ledger.Account]string{avail: "0.00", reserved: "0.00", expired: "5500.00"}},
		{name: "expiring again moves nothing", do: func(h *Harness) error {
			fs, err := h.Ledger.ExpireFunds(h.Ctx, ledger.ExpireFundsParams{AsOf: date("2027-01-02"), Actor: "ops"})
			assert.Empty(t, fs)
			return err
		}, want: map[ledger.Account]string{expired: "5500.00"}},
		{name: "R-3's proof on 2027-01-05 is late: rejected with the dates", day: "2027-01-05", do: func(h *Harness) error {
			c, err := h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "m3", Request: "R-3", ActualCost: usd("2000.00", "USD"),
				Proof: []ledger.Document{{Name: "photos.zip", Ref: "doc://3"}}, Actor: "partner"})
			assert.Equal(t, ledger.Rejected, c.State)
			assert.Equal(t, "proof of performance was due by 2026-12-31 (activity ended 2026-12-01); this claim came on 2027-01-05", c.Reason)
			return err
		}, wantErr: ledger.ErrProofLate, want: map[ledger.Account]string{expired: "5500.00", b.Account(ledger.Payable): "4500.00"}},
	})
	// The fund at any date: allocated = available + reserved + reimbursed + expired.
	tests := []struct {
		on                                          string
		available, reserved, reimbursed, expiredAmt string
	}{
		{"2026-10-04", "10000.00", "0.00", "0.00", "0.00"},
		// reserved on 2026-10-05: 10,000.00 - 2,000.00 - 3,000.00
		{"2026-10-05", "5000.00", "5000.00", "0.00", "0.00"},
		// after both claims: 5,000.00 + 500.00 released; 1,500.00 + 3,000.00 reimbursed
		{"2026-11-25", "5500.00", "0.00", "4500.00", "0.00"},
		// R-3 reserved 1,000.00 on 2026-11-26
		{"2026-12-31", "4500.00", "1000.00", "4500.00", "0.00"},
		// expired the day after the period: 4,500.00 + 1,000.00
		{"2027-01-01", "0.00", "0.00", "4500.00", "5500.00"},
	}
	for _, tt := range tests {
		fb := Must(h.Ledger.FundBalance(h.Ctx, ledger.FundBalanceParams{Fund: "F-1", On: date(tt.on)}))(t)
		assert.Equal(t, "10000.00", fb.Allocated.Amount().StringFixed(2), tt.on)
		assert.Equal(t, tt.available, fb.Available.Amount().StringFixed(2), "available on %s", tt.on)
		assert.Equal(t, tt.reserved, fb.Reserved.Amount().StringFixed(2), "reserved on %s", tt.on)
		assert.Equal(t, tt.reimbursed, fb.Reimbursed.Amount().StringFixed(2), "reimbursed on %s", tt.on)
		assert.Equal(t, tt.expiredAmt, fb.Expired.Amount().StringFixed(2), "expired on %s", tt.on)
	}
}

func mdfWithoutProof(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: MDFProgram(), Actor: "ops"}))
	usd := incentive.MustParseMoney
	h.Clock.Set("2026-10-01")
	Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-2", Program: "mdf", Partner: "P-N",
		From: date("2026-10-01"), To: date("2026-12-31"), Amount: usd("1000.00", "USD"), Share: decimalOf("1"), ProofDays: 10, Actor: "ops"}))(t)
	Must(h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-9", Fund: "F-2", Activity: "ads", PlannedCost: usd("400.00", "USD"),
		ActivityEnd: date("2026-10-20"), Actor: "partner"}))(t)
	_, err := h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-9", Actor: "partner"})
	require.ErrorIs(t, err, ledger.ErrSelfApproval)
	Must(h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-9", Actor: "mia"}))(t)
	h.Clock.Set("2026-10-25")
	c := Must(h.Ledger.ClaimFunds(h.Ctx, ledger.ClaimFundsParams{Key: "x", Request: "R-9", ActualCost: usd("400.00", "USD"), Actor: "partner",
		Exception: &ledger.Exception{Approver: "vp", Justification: "agency invoice pending"}}))(t)
	Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "vp"}))(t)
	Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B", AsOf: date("2026-10-31"), Actor: "fin"}))(t)
	Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B", Actor: "fin"}))(t)
	flagged := Must(h.Ledger.UnprovenMDF(h.Ctx, ledger.UnprovenParams{Partner: "P-N"}))(t)
	require.Len(t, flagged, 1, "an MDF payment without proof is flagged")
	assert.Equal(t, c.ID, flagged[0].ID)
	Must(h.Ledger.AttachProof(h.Ctx, ledger.AttachProofParams{Claim: c.ID, Proof: []ledger.Document{{Name: "invoice.pdf", Ref: "doc://9"}}, Actor: "partner"}))(t)
	assert.Empty(t, Must(h.Ledger.UnprovenMDF(h.Ctx, ledger.UnprovenParams{Partner: "P-N"}))(t), "proof clears the flag")
	h.ZeroSum()
}
