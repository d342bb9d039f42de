package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiskSortKeepsTierHistory: deals sorted on disk are written as JSON
// Lines and read back; the partner's dated tier changes (from the
// partners file) must come back with them. P-1 is bronze until
// 2026-11-10 and gold from then on, and q4-growth pays silver and above:
// D-1 (closed 2026-11-03, bronze) earns nothing, D-2 (closed 2026-11-20,
// gold) earns. Before AppendDealJSON wrote the history, the disk sort paid
// D-1 at today's tier. The statement sorted on disk must be the one sorted
// in memory, with 1 of the 2 deals eligible.
func TestDiskSortKeepsTierHistory(t *testing.T) {
	dir := t.TempDir()
	partners := filepath.Join(dir, "partners.csv")
	require.NoError(t, os.WriteFile(partners, []byte("id,name,type,tier_history\nP-1,Acme,reseller,2026-01-01 bronze; 2026-11-10 gold\n"), 0o644))
	deals := filepath.Join(dir, "deals.csv")
	// Not in close order, so that the deals are sorted.
	require.NoError(t, os.WriteFile(deals, []byte("id,partner_id,amount,close_date,registered,type,segment\n"+
		"D-2,P-1,1000.00,2026-11-20,true,new_business,smb\n"+
		"D-1,P-1,1000.00,2026-11-03,true,new_business,smb\n"), 0o644))
	prog := filepath.Join("..", "..", "examples", "programs", "q4-growth.yaml")
	statement := func(limit string) (string, string) {
		var out, errb bytes.Buffer
		code := run([]string{"run", "-json", "-sort-limit", limit, "-format", "csv", "-partners", partners, prog, deals}, &out, &errb)
		require.Equal(t, exitOK, code, errb.String())
		return out.String(), errb.String()
	}
	inMemory, memNote := statement("100")
	onDisk, diskNote := statement("1")
	assert.Contains(t, memNote, "in memory")
	assert.Contains(t, diskNote, "on disk")
	assert.Equal(t, inMemory, onDisk)
	assert.Contains(t, onDisk, `"eligible": 1,`)
	// D-2 only: spiff 1000.00 x 2% = 20.00, rebate 1000.00 x 1% = 10.00;
	// earned 20.00 + 10.00 = 30.00 (D-1 at today's tier would double it).
	assert.Contains(t, onDisk, "\"earned\": {\n    \"amount\": \"30.00\"")
}
