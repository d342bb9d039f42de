package ledger_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reviewCapped registers ledgertest.CappedProgram (2% SPIFF, partner cap
// 1,000.00 per quarter) auto-approved, without holds.
func reviewCapped(t *testing.T) *ledgertest.Harness {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	h.Clock.Set("2026-11-20")
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.CappedProgram(), Policy: policy, Actor: "ops"}))
	return h
}

// A partial clawback after payment takes back only part of a capped
// earning: the partner keeps the rest, which still counts against the
// partner cap. Only the clawed-back part's cap room may come back.
func TestReviewPartialClawbackGivesBackOnlyItsCapRoom(t *testing.T) {
	h := reviewCapped(t)
	q4 := day("2026-10-01")
	// 50,000.00 x 2% = 1,000.00: the whole quarterly cap.
	c := ledgertest.Must(h.Submit("capped", ledgertest.Deal("D-1", "P-1", "50000.00", "2026-11-10"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.PayableState, c.State)
	require.Equal(t, "1000.00", c.Amount.Amount().StringFixed(2))
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-20"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)

	// A partial refund takes back 100.00; the partner keeps 900.00.
	ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: ptr(usd("100.00")), Actor: "ops", Reason: "partial refund"}))(t)
	// Cap room: 1,000.00 - (1,000.00 - 100.00) = 100.00.
	assert.Equal(t, "900.00", h.Balance(ledger.CapAccount("capped", "P-1", 1, q4, ledger.CapUsed)))
	assert.Equal(t, "-900.00", h.Balance(ledger.CapAccount("capped", "P-1", 1, q4, ledger.CapSource)))

	// The next deal would earn 1,000.00 but the cap leaves 100.00.
	c2 := ledgertest.Must(h.Submit("capped", ledgertest.Deal("D-2", "P-1", "50000.00", "2026-11-12"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "100.00", c2.Amount.Amount().StringFixed(2), "900.00 kept + 100.00 = the 1,000.00 cap")

	// A second clawback of the remaining 900.00 gives that room back too:
	// used 900.00 + 100.00 (D-2) - 900.00 = 100.00.
	ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "ops", Reason: "full refund"}))(t)
	assert.Equal(t, "100.00", h.Balance(ledger.CapAccount("capped", "P-1", 1, q4, ledger.CapUsed)))
	h.ZeroSum()
}

// A clawback amount finer than the currency's minor unit cannot be taken
// back from a payee (0.005 USD is not an amount a bank moves): it is bad
// input, and nothing is recorded. Before, it left a withheld balance of
// -0.005 that the next run netted into a payment of a fraction of a cent.
func TestReviewClawbackBelowMinorUnit(t *testing.T) {
	for _, amt := range []string{"0.005", "10.001"} {
		t.Run(amt, func(t *testing.T) {
			h := reviewCapped(t)
			c := ledgertest.Must(h.Submit("capped", ledgertest.Deal("D-1", "P-1", "7000.00", "2026-11-10"), ledgertest.Gold("P-1")))(t)
			ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-20"), Actor: "fin"}))(t)
			ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
			head := ledgertest.Must(h.Ledger.Checkpoint(h.Ctx, ledger.CheckpointParams{}))(t)

			_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: ptr(usd(amt)), Actor: "ops", Reason: "refund"})
			require.ErrorIs(t, err, ledger.ErrInvalid)
			assert.Equal(t, head, ledgertest.Must(h.Ledger.Checkpoint(h.Ctx, ledger.CheckpointParams{}))(t), "nothing recorded")
			b := c.Bucket()
			assert.Equal(t, "0.00", h.Balance(b.Account(ledger.Withheld)))
			// 7,000.00 x 2% = 140.00 paid, nothing clawed back.
			assert.Equal(t, "140.00", h.Balance(b.Account(ledger.Paid)))
		})
	}
}

// A partial clawback retried (a timeout, a re-run script) must take back
// once: with the same idempotency key the retry returns the first outcome
// and records nothing; another request under the key is an error.
func TestReviewClawbackRetryTakesBackOnce(t *testing.T) {
	h := reviewCapped(t)
	c := ledgertest.Must(h.Submit("capped", ledgertest.Deal("D-1", "P-1", "7000.00", "2026-11-10"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-20"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	b := c.Bucket()

	p := ledger.ClawBackParams{Key: "credit-note-77", Claim: c.ID, Amount: ptr(usd("40.00")), Actor: "ops", Reason: "credit note 77"}
	first := ledgertest.Must(h.Ledger.ClawBack(h.Ctx, p))(t)
	head := ledgertest.Must(h.Ledger.Checkpoint(h.Ctx, ledger.CheckpointParams{}))(t)
	again := ledgertest.Must(h.Ledger.ClawBack(h.Ctx, p))(t)
	// The retry returns the first outcome (decoded from the idempotency
	// record, as a Submit retry does).
	assert.Equal(t, first.ID, again.ID)
	assert.Equal(t, first.Version, again.Version)
	assert.Equal(t, ledger.ClawedBackState, again.State)
	assert.Equal(t, first.Reason, again.Reason)
	assert.Equal(t, "40.00", again.ClawedBack.Amount().StringFixed(2))
	assert.Equal(t, head, ledgertest.Must(h.Ledger.Checkpoint(h.Ctx, ledger.CheckpointParams{}))(t), "the retry records nothing")
	// 140.00 paid, 40.00 taken back once (not 2 x 40.00 = 80.00).
	assert.Equal(t, "40.00", first.ClawedBack.Amount().StringFixed(2))
	assert.Equal(t, "-40.00", h.Balance(b.Account(ledger.Withheld)))
	assert.Equal(t, "40.00", h.Balance(b.Account(ledger.ClawedBack)))

	other := p
	other.Amount = ptr(usd("50.00"))
	_, err := h.Ledger.ClawBack(h.Ctx, other)
	require.ErrorIs(t, err, ledger.ErrIdempotencyMismatch)

	// Without a key each call is its own clawback: 40.00 + 30.00 = 70.00.
	ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: ptr(usd("30.00")), Actor: "ops", Reason: "credit note 78"}))(t)
	assert.Equal(t, "-70.00", h.Balance(b.Account(ledger.Withheld)))
	h.ZeroSum()
}
