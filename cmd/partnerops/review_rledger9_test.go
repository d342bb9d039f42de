package main

import (
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
	assert.True(t, strings.HasSuffix(out, "20 claims approved\n"), out)
}
