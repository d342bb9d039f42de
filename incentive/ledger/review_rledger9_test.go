package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/rules"
)

// partnerPrior counts a rejected claim of an eligible deal in the later
// deals' period volume, for the rejections Submit makes (late, over the
// budget or a cap, earning nothing: the deal was sold, a run counts it).
// It read every rejected claim whose reason was not "not eligible" or a
// duplicate, so a claim an approver rejected ("customer never signed")
// lifted the partner's quarter into the 2% band for later deals, where a
// withdrawn or expired pending claim counts nothing, and where before the
// change an approver's rejection counted nothing either.
func TestReviewRledger9ApproverRejectionCountsNothing(t *testing.T) {
	f, err := rules.Compile("vol.yaml", []byte(rlead8VolumeProgram))
	require.NoError(t, err)
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	// The zero policy: every claim needs a manager's approval.
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: f.Programs[0], Policy: &ledger.ApprovalPolicy{}, Actor: "ops"}))
	deal := func(id, amount, day string) incentive.Deal {
		d := ledgertest.Deal(id, "P-1", amount, day)
		d.Type = incentive.NewBusiness
		return d
	}
	h.Clock.Set("2026-10-05")
	c1 := ledgertest.Must(h.Submit("vol", deal("D-1", "90000.00", "2026-10-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.PendingApproval, c1.State)
	ledgertest.Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c1.ID, Actor: "mgr", Reason: "customer never signed"}))(t)
	h.Clock.Set("2026-11-21")
	c2 := ledgertest.Must(h.Submit("vol", deal("D-2", "30000.00", "2026-11-20"), ledgertest.Gold("P-1")))(t)
	// D-1 counts nothing: 30,000.00 x 1% = 300.00 (with D-1's 90,000.00
	// it would be 10,000.00 x 1% + 20,000.00 x 2% = 500.00).
	assert.Equal(t, "300.00", c2.Amount.Amount().StringFixed(2))
	h.ZeroSum()
}

const rledger9ExpiryUsesCaps = `apiVersion: partnerops/v1
kind: Program
id: euc
name: Expiry that uses the caps
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
claims: {window: 30d, expired_uses_caps: true}
earnings:
  - id: base
    type: spiff
    amount: deal.amount * 0.10
caps:
  per_partner: 150
`

// A program with claims: {expired_uses_caps: true} says an expired
// earning uses up the partner cap as if it had been paid (rules/doc.go's
// "a late claim uses up the cap": run pays D-2 50.00). The ledger rejects
// the late claim and counted it, since ef38b98, in the period volume only,
// "an expired earning takes no cap room": D-2 accrued the whole 100.00.
func TestReviewRledger9ExpiredUsesCaps(t *testing.T) {
	f, err := rules.Compile("euc.yaml", []byte(rledger9ExpiryUsesCaps))
	require.NoError(t, err)
	p := f.Programs[0]
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-04-15")
	deals := []incentive.Deal{
		ledgertest.Deal("D-1", "P-1", "1000.00", "2026-03-01"), // claim by 2026-03-31: late
		ledgertest.Deal("D-2", "P-1", "1000.00", "2026-04-01"),
	}
	_, err = h.Submit("euc", deals[0], ledgertest.Gold("P-1"))
	assert.ErrorIs(t, err, ledger.ErrClaimWindow)
	c := ledgertest.Must(h.Submit("euc", deals[1], ledgertest.Gold("P-1")))(t)
	// D-1's expired 1,000.00 x 10% = 100.00 uses 100.00 of the 150.00
	// cap: D-2's 100.00 is cut to 150.00 - 100.00 = 50.00.
	assert.Equal(t, "50.00", c.Amount.Amount().StringFixed(2))

	var got string
	in := func(yield func(incentive.Input, error) bool) {
		for _, d := range deals {
			if !yield(incentive.Input{Deal: d, Partner: ledgertest.Gold("P-1")}, nil) {
				return
			}
		}
	}
	for r, err := range incentive.Run(h.Ctx, p, in, incentive.RunOptions{AsOf: h.Clock.Now()}) {
		require.NoError(t, err)
		if r.DealID == "D-2" {
			got = r.Total.Amount().StringFixed(2)
		}
	}
	assert.Equal(t, "50.00", got, "run")
	h.ZeroSum()
}
