package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunCreditNotesFromDataFiles: a credit note in a CSV or JSON Lines
// deals file names the deal it credits in a `credits` column or key, as a
// YAML deals file does. Before, both files refused the key ("unknown
// key"), so a CRM export could only give unlinked credit notes, which
// take back something else. Program: rules/testdata/reference/credits.yaml
// (2% of the deal, per_deal cap 2,500.00, allow_negative).
//
//	D-1 200,000.00 x 2% = 4,000.00, deal cap: 2,500.00 paid
//	C-1 -100,000.00 credits D-1: D-1's net 100,000.00 earns 2,000.00; it was
//	    paid 2,500.00, so 500.00 comes back: P-1 earns 2,500.00 - 500.00 = 2,000.00
//	(unlinked, C-1 would unearn 100,000.00 x 2% = 2,000.00, leaving 500.00)
func TestRunCreditNotesFromDataFiles(t *testing.T) {
	root := chdirRoot(t)
	prog := filepath.Join(root, "..", "..", "rules", "testdata", "reference", "credits.yaml")
	dir := t.TempDir()
	files := map[string]string{
		"deals.csv": "id,partner_id,partner_tier,amount,close_date,credits\n" +
			"D-1,P-1,gold,200000.00,2026-02-01,\n" +
			"C-1,P-1,gold,-100000.00,2026-02-02,D-1\n",
		"deals.jsonl": `{"id": "D-1", "partner": {"id": "P-1", "tier": "gold"}, "amount": "200000.00", "close_date": "2026-02-01"}` + "\n" +
			`{"id": "C-1", "partner": {"id": "P-1", "tier": "gold"}, "amount": "-100000.00", "close_date": "2026-02-02", "credits": "D-1"}` + "\n",
		"unlinked.csv": "id,partner_id,partner_tier,amount,close_date\n" +
			"D-1,P-1,gold,200000.00,2026-02-01\n" +
			"C-1,P-1,gold,-100000.00,2026-02-02\n",
	}
	for name, src := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	for name, want := range map[string]string{"deals.csv": "2000.00", "deals.jsonl": "2000.00", "unlinked.csv": "500.00"} {
		// -sort-limit 1 sorts on disk, through AppendDealJSON and back:
		// the link must survive the round trip.
		for _, sortArgs := range [][]string{nil, {"-sort-limit", "1"}} {
			t.Run(name+strings.Join(sortArgs, ""), func(t *testing.T) {
				args := append(append([]string{"run", "-output", "csv"}, sortArgs...), prog, filepath.Join(dir, name))
				stdout, stderr, code := invoke(args...)
				require.Equal(t, exitOK, code, stderr)
				earned := statementCell(t, stdout, "P-1", "earned")
				assert.Equal(t, want, earned, stdout)
			})
		}
	}

	// The same checks as a YAML deals file: not itself, and a negative amount.
	bad := map[string]string{
		"self.csv":     "id,partner_id,amount,close_date,credits\nC-1,P-1,-5.00,2026-02-02,C-1\n",
		"positive.csv": "id,partner_id,amount,close_date,credits\nD-1,P-1,5.00,2026-02-01,\nC-1,P-1,5.00,2026-02-02,D-1\n",
	}
	want := map[string]string{
		"self.csv":     `credits: deal "C-1" credits itself; name the earlier deal it credits`,
		"positive.csv": "credits: a credit note's amount must be negative, got 5",
	}
	for name, src := range bad {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
			_, stderr, code := invoke("run", prog, path)
			assert.NotEqual(t, exitOK, code)
			assert.Contains(t, stderr, want[name])
		})
	}
}

// statementCell reads one partner's column of a CSV statement.
func statementCell(t *testing.T, statement, partner, column string) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(statement)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	col := slices.Index(rows[0], column)
	pcol := slices.Index(rows[0], "partner")
	require.True(t, col >= 0 && pcol >= 0, "columns %v", rows[0])
	for _, r := range rows[1:] {
		if r[pcol] == partner {
			return r[col]
		}
	}
	t.Fatalf("no row for partner %s in\n%s", partner, statement)
	return ""
}
