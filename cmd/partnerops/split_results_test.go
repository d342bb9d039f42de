package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResultsFileSplit: for a program that splits payouts, -results adds a
// shares column (CSV) with each payee's part of the line, and the shares
// of each deal (JSON Lines). Figures from testdata/README.md, split/.
func TestResultsFileSplit(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	csvOut, jsonlOut := filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.jsonl")
	prog, data := testdata+"/split/program.yaml", testdata+"/split/deals.json"
	_, stderr, code := invoke("run", "-results", csvOut, prog, data)
	require.Equal(t, exitOK, code, stderr)
	_, stderr, code = invoke("run", "-results", jsonlOut, prog, data)
	require.Equal(t, exitOK, code, stderr)

	f, err := os.Open(csvOut)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, append(append([]string(nil), resultsHeader...), "shares"), recs[0])
	var d1 []string
	for _, r := range recs[1:] {
		if r[2] == "D-1" {
			d1 = append(d1, r[7]+": "+r[len(r)-1])
		}
	}
	// resale 246.91 -> P-1 197.53, R-9 49.38; fee 101.01 -> R-9 50.51, P-1 50.50
	assert.Equal(t, []string{"resale: P-1 197.53; R-9 49.38", "sourcing-fee: P-1 50.50; R-9 50.51"}, d1)

	jf, err := os.Open(jsonlOut)
	require.NoError(t, err)
	defer jf.Close()
	sc := bufio.NewScanner(jf)
	require.True(t, sc.Scan())
	var first struct {
		Deal   string
		Shares []struct {
			Partner string
			Via     string
			Amount  struct{ Amount string }
		}
	}
	require.NoError(t, json.Unmarshal(sc.Bytes(), &first))
	assert.Equal(t, "D-1", first.Deal)
	require.Len(t, first.Shares, 2)
	// P-1 197.53 + 50.50 = 248.03; R-9 49.38 + 50.51 = 99.89
	assert.Equal(t, "P-1", first.Shares[0].Partner)
	assert.Equal(t, "248.03", first.Shares[0].Amount.Amount)
	assert.Equal(t, "deal.referrer", first.Shares[1].Via)
	assert.Equal(t, "99.89", first.Shares[1].Amount.Amount)
}
