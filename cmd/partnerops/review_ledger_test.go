package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A partial clawback run again with the same -key (a script re-run after a
// timeout) takes back once; without a key a rerun took back twice.
func TestReviewLedgerClawbackKey(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "key.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	var pending []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json", "-state", "pending_approval")), &pending))
	var paid ledger.Claim
	for _, c := range pending {
		if c.Partner != "P-CORAL" { // P-CORAL stays below the minimum payout
			paid = c
			break
		}
	}
	require.NotEmpty(t, paid.ID)
	must("approve", paid.ID, "-actor", "mgr", "-as-of", "2026-12-16")
	must("pay", "-batch", "B-1", "-as-of", "2026-12-31", "-actor", "fin")

	var c ledger.Claim
	for range 2 {
		require.NoError(t, json.Unmarshal([]byte(must("clawback", paid.ID, "-key", "CN-77", "-amount", "10.00", "-reason", "credit note 77", "-actor", "fin", "-as-of", "2027-01-05", "-json")), &c))
	}
	assert.Equal(t, "10.00", c.ClawedBack.Amount().StringFixed(2), "10.00 once, not 2 x 10.00")
	var st ledger.Statement
	require.NoError(t, json.Unmarshal([]byte(must("statement", "-json", "-partner", paid.Partner)), &st))
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "-10.00", st.Lines[0].Withheld.Amount().StringFixed(2))

	// The same key with another amount is refused.
	_, errs, code := invoke("ledger", "clawback", paid.ID, "-key", "CN-77", "-amount", "20.00", "-reason", "credit note 77", "-actor", "fin", "-as-of", "2027-01-05", "-db", db)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "idempotency key reused")
	assert.Contains(t, must("verify"), "ok: the chain verifies")
}

// What checkpoint prints is what verify -anchor takes, also for an empty
// ledger ("0:"): it was refused as not SEQ:HASH.
func TestReviewLedgerEmptyCheckpointVerifies(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "empty.db")
	out, errs, code := invoke("ledger", "checkpoint", "-db", db)
	require.Equal(t, exitOK, code, errs)
	anchor := strings.TrimSpace(out)
	assert.Equal(t, "0:", anchor)
	out, errs, code = invoke("ledger", "verify", "-db", db, "-anchor", anchor)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "ok: the chain verifies")

	for _, bad := range []string{"0:abc", "-1:abc", "1:", "x:abc", "abc"} {
		_, errs, code = invoke("ledger", "verify", "-db", db, "-anchor", bad)
		assert.Equal(t, exitUsage, code, bad)
		assert.Contains(t, errs, "want SEQ:HASH", bad)
	}
}
