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

// README's "A quarter of administration", run as finance runs it, then a
// refund clawed back in two parts. The text statement had no clawed_back
// column: after the refund it showed paid 147.51 and a withheld -147.51
// with nothing saying why (the JSON statement had clawed_back). And the
// same `ledger pay -batch` run again printed the batch as if it had just
// been paid, with nothing saying that it was paid before and nothing was
// recorded (README: "The same -batch again pays nothing twice").
func TestReviewRlead8FinanceQuarter(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, "partnerops ledger %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out
	}
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	must("approve", "-all", "-actor", "manager", "-as-of", "2026-12-16")
	first := must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance")
	assert.Contains(t, first, "batch Q4-2026 as of 2026-12-31: paid\n")
	assert.NotContains(t, first, "nothing recorded")
	again := must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance")
	assert.Contains(t, again, "batch Q4-2026 as of 2026-12-31: paid (marked paid before, by finance on 2026-12-31: nothing recorded)\n")
	// The lines are the same batch's.
	assert.Equal(t, first[strings.Index(first, "\n"):], again[strings.Index(again, "\n"):])

	var cs []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json", "-partner", "P-EVER", "-state", "paid")), &cs))
	require.Len(t, cs, 1) // EVG-5004, 147.51 (examples/data/README.md)
	must("clawback", cs[0].ID, "-amount", "100.00", "-reason", "refund part 1", "-actor", "finance", "-as-of", "2027-01-05")
	must("clawback", cs[0].ID, "-amount", "47.51", "-reason", "refund part 2", "-actor", "finance", "-as-of", "2027-01-06")
	_, errs, code := invoke("ledger", "clawback", cs[0].ID, "-reason", "again", "-actor", "finance", "-db", db)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "nothing left to take back (paid 147.51 USD, clawed back 147.51 USD)")

	st := must("statement", "-partner", "P-EVER")
	lines := strings.Split(strings.TrimRight(st, "\n"), "\n")
	require.Len(t, lines, 2, st)
	assert.Equal(t, []string{"partner", "payee", "program", "accrued", "approved", "held", "payable", "withheld", "batched", "paid", "clawed_back", "balance"},
		strings.Fields(lines[0]))
	// 100.00 + 47.51 = 147.51 clawed back, owed back (withheld) until
	// recovered from a later payout.
	assert.Equal(t, []string{"P-EVER", "partner", "q4-2026-partner-growth", "0.00", "147.51", "0.00", "0.00", "-147.51", "0.00", "147.51", "147.51", "-147.51"},
		strings.Fields(lines[1]))
}
