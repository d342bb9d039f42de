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
	// NOR-101 is refused (exit 1): its SPIFF is split with its referrer,
	// and a claim pays one partner (review rlead8: the whole claim,
	// REF-ALPHA's 54.55 included, was DIST-NORTH's).
	require.Equal(t, exitFail, code, "stdout: %s\nstderr: %s", out, errs)
	assert.Contains(t, errs, "partnerops ledger accrue: warning: distributor-growth-2027 has period settlements, growth-true-up (quarter)")
	assert.Contains(t, errs, "not a period's true-up")
	assert.Contains(t, errs, "partnerops ledger accrue: deal NOR-101: invalid request: deal NOR-101 splits its payout: REF-ALPHA 54.55 USD (deal.referrer)")
	// -partners gives the deals their partners' records (ledger accrue had
	// no -partners, so no deal of a program that reads partner attributes
	// could be accrued): the other deals' advances are recorded. Of the 9
	// deals, WES-300 is late and EAS-401 (a reseller) not eligible; the
	// 6 recorded are NOR-102 950.00 + 129.90, NOR-103 1,100.00, SOU-201
	// 400.00 + 51.96, SOU-202 225.01, SOU-203 100.00 and WES-301 300.00
	// (examples/data/README.md): 1,079.90 + 1,100.00 + 451.96 + 225.01 +
	// 100.00 + 300.00 = 3,256.87.
	assert.Contains(t, out, "9 deals accrued")
	assert.Contains(t, out, "6 claims recorded, 3,256.87 USD accrued")
	assert.NotContains(t, errs, "has no record")

	// A program without settlements accrues without the warning.
	_, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.NotContains(t, errs, "period settlements")
}
