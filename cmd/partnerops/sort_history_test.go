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

// TestJSONLDealTierHistory: a JSON Lines deal's partner carries its
// tier_history; run pays by it alone, beside a partners file that says the
// same, and refuses the deals when the file's changes differ. P-1 is
// bronze until 2026-11-10, gold after: only D-2 (closed 2026-11-20)
// earns, spiff 1000.00 x 2% = 20.00 + rebate 1000.00 x 1% = 10.00 = 30.00.
func TestJSONLDealTierHistory(t *testing.T) {
	dir := t.TempDir()
	pt := `"partner":{"id":"P-1","name":"Acme","type":"reseller","tier_history":[{"from":"2026-01-01","tier":"bronze"},{"from":"2026-11-10","tier":"gold"}]}`
	deals := filepath.Join(dir, "deals.jsonl")
	require.NoError(t, os.WriteFile(deals, []byte(
		`{"id":"D-1",`+pt+`,"amount":"1000.00","close_date":"2026-11-03","registered":true,"type":"new_business","segment":"smb"}`+"\n"+
			`{"id":"D-2",`+pt+`,"amount":"1000.00","close_date":"2026-11-20","registered":true,"type":"new_business","segment":"smb"}`+"\n"), 0o644))
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		return path
	}
	same := write("same.csv", "id,name,type,tier_history\nP-1,Acme,reseller,2026-01-01 bronze; 2026-11-10 gold\n")
	other := write("other.csv", "id,name,type,tier_history\nP-1,Acme,reseller,2026-02-01 bronze; 2026-11-10 gold\n")
	prog := filepath.Join("..", "..", "examples", "programs", "q4-growth.yaml")
	for _, tc := range []struct {
		name  string
		flags []string
		code  int
		want  string
	}{
		{"the deal's record", nil, exitOK, "\"earned\": {\n    \"amount\": \"30.00\""},
		{"a partners file that agrees", []string{"-partners", same}, exitOK, "\"earned\": {\n    \"amount\": \"30.00\""},
		{"a partners file that differs", []string{"-partners", other}, exitFail, "deal D-1: partner P-1: the deal's tier_history or attribute_history differs from that in " + other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append(append([]string{"run", "-json"}, tc.flags...), prog, deals), &out, &errb)
			require.Equal(t, tc.code, code, errb.String())
			assert.Contains(t, out.String()+errb.String(), tc.want)
		})
	}
}
