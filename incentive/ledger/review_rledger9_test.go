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
