package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A batch run with -open and marked paid later by running it again: the
// second run's -records gate the marking too. Here P-ACME, paid by the
// open batch under q4-records.jsonl, is suspended in the file given when
// the batch is marked paid: the batch must not be marked paid (its money
// would go to a suspended partner), and the error must say why.
func TestReviewRlead10RerunOpenBatchWithRecordsThatBlock(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "rerun.db")
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, "partnerops ledger %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out
	}
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	must("approve", "-all", "-as-of", "2026-12-16", "-actor", "manager")
	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-records", q4Records, "-open", "-json")), &b))
	require.Equal(t, ledger.BatchOpen, b.State)
	require.Len(t, b.Lines, 1)
	require.Equal(t, "P-ACME", b.Lines[0].Bucket.Partner)

	src, err := os.ReadFile(q4Records)
	require.NoError(t, err)
	acme := `{"id": "P-ACME", "name": "Acme Resale Ltd", "type": "reseller", "status": "active",`
	require.Contains(t, string(src), acme)
	suspended := filepath.Join(t.TempDir(), "suspended.jsonl")
	require.NoError(t, os.WriteFile(suspended, []byte(strings.Replace(string(src), acme, strings.Replace(acme, "active", "suspended", 1), 1)), 0o644))

	out, errs, code := invoke("ledger", "pay", "-db", db, "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-records", suspended)
	assert.Equal(t, exitFail, code, "stdout: %s\nstderr: %s", out, errs)
	assert.Contains(t, errs, "P-ACME")
	assert.Contains(t, errs, "partner is suspended")
	var after ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-open", "-json")), &after))
	assert.Equal(t, ledger.BatchOpen, after.State, "the batch stays open: nothing was paid")

	// With records that let P-ACME be paid, the same rerun marks it paid.
	var paid ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-records", q4Records, "-json")), &paid))
	assert.Equal(t, ledger.BatchPaid, paid.State)
}
