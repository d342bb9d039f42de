package ledgertest

import (
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notClosed: a deal is claimed once it has closed (reviewer rnotclosed).
// Submitted the day before its close it is refused and the store holds
// nothing of it (no entry, no claim, no idempotency key); the same key on
// the close day records the claim; a retry of that key with the clock a
// day behind returns the recorded claim and writes nothing.
func notClosed(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	budget := incentive.MustParseMoney("10000.00", "USD")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Budget: &budget, Actor: "ops"}))
	d := Deal("D-1", "P-1", "60000.00", "2026-12-09")

	h.Clock.Set("2026-12-08")
	head := Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)
	_, err := h.Submit("spiff", d, Gold("P-1"))
	require.ErrorIs(t, err, ledger.ErrNotClosed)
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.Equal(t, head, Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t), "no entry")
	assert.Empty(t, Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-1"}))(t), "no claim")
	_, err = h.Store.Idempotency(h.Ctx, ledger.IdempotencyParams{Key: "claim:k:D-1"})
	assert.True(t, errors.Is(err, ledger.ErrNotFound), "no key: %v", err)
	assert.Equal(t, "10000.00", h.Balance(ledger.ProgramBudget("spiff")))

	// The close day: 60,000.00 x 2% = 1,200.00, waiting for a manager;
	// the budget 10,000.00 - 1,200.00 = 8,800.00.
	h.Clock.Set("2026-12-09")
	c := Must(h.Submit("spiff", d, Gold("P-1")))(t)
	assert.Equal(t, "1200.00", c.Amount.Amount().StringFixed(2))
	assert.Equal(t, ledger.PendingApproval, c.State)
	assert.Equal(t, "8800.00", h.Balance(ledger.ProgramBudget("spiff")))

	// The retry, its clock a day behind: the claim as recorded, nothing
	// written.
	h.Clock.Set("2026-12-08")
	head = Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)
	again, err := h.Submit("spiff", d, Gold("P-1"))
	require.NoError(t, err)
	assert.Equal(t, c.ID, again.ID)
	assert.Equal(t, head, Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t), "nothing written by the retry")
	assert.Equal(t, "8800.00", h.Balance(ledger.ProgramBudget("spiff")))
	h.ZeroSum()
}
