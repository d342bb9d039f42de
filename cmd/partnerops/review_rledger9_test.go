package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// db139c6 grouped "the ledger's amounts by thousands in every command's
// text", but approve (reject, withdraw) still listed each claim as
// "C-... payable 2500.00": ungrouped and without the currency the claims
// table and accrue's summary show (2,500.00 USD).
func TestReviewRledger9ApproveListsAmountsAsTheLedgerDoes(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	_, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	out, errs, code := invoke("ledger", "approve", "-db", db, "-all", "-actor", "manager", "-as-of", "2026-12-16")
	require.Equal(t, exitOK, code, errs)
	// ACME-1004 earns the per-deal cap of 2,500.00 (README's quarter).
	assert.Contains(t, out, " payable 2,500.00 USD\n")
	assert.NotContains(t, out, "2500.00")
	// 20 claims less the 3 of deals closing after 2026-12-15 (not claimed yet).
	assert.True(t, strings.HasSuffix(out, "17 claims approved\n"), out)
}

// 40a2f65 says a deal that fails its accrue key "differs from the deal
// accrued before (an amount, date or attribute changed in the export)",
// but the key's request includes the actor: the same export accrued again
// by another -actor (finance re-running ops's accrue) failed every deal
// with that message, 32 deals in error and exit 1, though no deal had
// changed. The rerun now counts them as already recorded (the claims keep
// their first submitter); a deal that did change still says so.
func TestReviewRledger9AccrueAgainByAnotherActor(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "r.db")
	_, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "alice", example, deals)
	assert.Equal(t, exitOK, code, errs)
	assert.NotContains(t, errs, "differs from the deal accrued before")
	assert.Contains(t, out, "0 claims recorded")
	// 17 recorded + 11 rejected by the first accrue: all 28 deals closed
	// by 2026-12-15 seen before; the 4 others are not claimed yet.
	assert.Contains(t, out, "28 already recorded by an earlier accrue")
	assert.NotContains(t, out, "in error")

	src, err := os.ReadFile(deals)
	require.NoError(t, err)
	changed := strings.Replace(string(src), `amount: "120000.00"`, `amount: "130000.00"`, 1)
	d2 := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(d2, []byte(changed), 0o644))
	out, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "alice", example, d2)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "partnerops ledger accrue: deal ACME-1001: differs from the deal accrued before")
	assert.Contains(t, out, "27 already recorded by an earlier accrue")
	assert.Contains(t, out, "1 deal in error")
}
