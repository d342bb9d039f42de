package ledgertest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CappedProgram is SpiffProgram with a partner cap of 1,000.00 per quarter
// (the program's period).
func CappedProgram() *incentive.Program {
	p := SpiffProgram()
	p.ID, p.Hash = "capped", "capped-v1"
	p.Period = incentive.PeriodQuarter
	p.Caps = append(p.Caps, incentive.Cap{Scope: incentive.CapPartner, Limit: decimal.RequireFromString("1000")})
	return p
}

// partnerCapConcurrency runs 64 goroutines claiming deals of one partner
// under a partner cap that binds: together they never exceed it.
func partnerCapConcurrency(t *testing.T, newStore NewStore) {
	const workers = 64
	h := NewHarness(t, newStore, ledger.Config{})
	h.Clock.Set("2026-11-20")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: CappedProgram(), Actor: "ops"}))

	// Every deal is 7,000.00 closing on 2026-11-10: 7,000.00 x 2% = 140.00.
	// The zero policy needs a manager, so the claims stay pending; pending
	// claims take cap room as the engine counts them. Demand 64 x 140.00 =
	// 8,960.00 against a cap of 1,000.00: seven claims take 7 x 140.00 =
	// 980.00, one more takes the 20.00 left (1,000.00 - 980.00), the other
	// 56 are rejected at the cap.
	var mu sync.Mutex
	total := decimal.Zero
	accepted, capRejected := 0, 0
	var unexpected []error
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			d := Deal(fmt.Sprintf("D-%02d", i), "P-1", "7000.00", "2026-11-10")
			c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: fmt.Sprintf("k-%02d", i), Program: "capped", Deal: d, Partner: Gold("P-1"), Actor: "rep"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted++
				total = total.Add(c.Amount.Amount())
			case errors.Is(err, ledger.ErrPartnerCapExceeded):
				capRejected++
			default:
				unexpected = append(unexpected, err)
			}
		})
	}
	wg.Wait()
	require.Empty(t, unexpected)
	h.ZeroSum()
	assert.Equal(t, workers, accepted+capRejected, "every submission is accepted or rejected at the cap")
	assert.Equal(t, "1000.00", total.StringFixed(2), "the cap binds exactly: 7 x 140.00 + 20.00")
	assert.Equal(t, 8, accepted, "seven whole claims and one cut to the 20.00 left")

	// The stored claims agree: live claims of the partner sum to the cap.
	live := decimal.Zero
	for _, c := range Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Program: "capped", States: []ledger.State{ledger.PendingApproval}}))(t) {
		live = live.Add(c.Amount.Amount())
	}
	assert.Equal(t, "1000.00", live.StringFixed(2))
	// The guard accounts say the same: cap 1 (the per-deal cap is 0) for
	// the quarter starting 2026-10-01.
	q4 := date("2026-10-01")
	assert.Equal(t, "-1000.00", h.Balance(ledger.CapAccount("capped", "P-1", 1, q4, ledger.CapSource)))
	assert.Equal(t, "1000.00", h.Balance(ledger.CapAccount("capped", "P-1", 1, q4, ledger.CapUsed)))

	// Rejecting one 140.00 claim gives its room back: the next claim takes
	// exactly 140.00 (1,000.00 - 860.00).
	pending := Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Program: "capped", States: []ledger.State{ledger.PendingApproval}}))(t)
	var whole string
	for _, c := range pending {
		if c.Amount.Amount().Equal(decimal.RequireFromString("140")) {
			whole = c.ID
			break
		}
	}
	require.NotEmpty(t, whole)
	Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: whole, Actor: "mia", Reason: "duplicate invoice"}))(t)
	c := Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k-after", Program: "capped", Deal: Deal("D-after", "P-1", "7000.00", "2026-11-11"),
		Partner: Gold("P-1"), Actor: "rep"}))(t)
	assert.Equal(t, "140.00", c.Amount.Amount().StringFixed(2))
	_, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k-full", Program: "capped", Deal: Deal("D-full", "P-1", "7000.00", "2026-11-12"),
		Partner: Gold("P-1"), Actor: "rep"})
	require.ErrorIs(t, err, ledger.ErrPartnerCapExceeded)
	assert.Equal(t, "1000.00", h.Balance(ledger.CapAccount("capped", "P-1", 1, q4, ledger.CapUsed)), "860.00 + 140.00")
	h.ZeroSum()
}
