package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledger accrue of a program with period settlements says that the
// true-ups are not accrued: it recorded the deals' claims (advances) and
// said nothing, so the ledger's statements read as complete while the
// quarter's true-ups that run pays were missing from them.
func TestLedgerAccrueWarnsOfSettlements(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	_, errs, code := invoke("ledger", "init", "-db", db)
	require.Equal(t, exitOK, code, errs)
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-04-05", "-actor", "ops",
		"-partners", "examples/data/distributor-partners.yaml",
		"examples/programs/distributor-growth.yaml", "examples/data/distributor-deals.yaml")
	require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errs)
	assert.Contains(t, errs, "partnerops ledger accrue: warning: distributor-growth-2027 has period settlements, growth-true-up (quarter)")
	assert.Contains(t, errs, "not a period's true-up")
	// -partners gives the deals their partners' records (ledger accrue had
	// no -partners, so no deal of a program that reads partner attributes
	// could be accrued): the deals' advances are recorded.
	assert.Contains(t, out, "9 deals accrued")
	assert.NotContains(t, out, " 0 claims recorded")
	assert.NotContains(t, errs, "has no record")

	// A program without settlements accrues without the warning.
	_, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.NotContains(t, errs, "period settlements")
}
