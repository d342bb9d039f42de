package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkbenchDealFormats: diff, sweep and chart read DEALS through run's
// reader, so the sample deals as CSV (with the partners file), as JSON
// Lines (partners inline), on standard input, sorted on disk or streamed
// as given, give byte for byte what the YAML sample gives.
func TestWorkbenchDealFormats(t *testing.T) {
	chdirRoot(t)
	v2 := "examples/workbench/q4-growth-v2.yaml"
	sortedCSV := filepath.Join(t.TempDir(), "sorted.csv")
	writeSortedCSV(t, csvDeals, sortedCSV)
	csvSrc, err := os.ReadFile(csvDeals)
	require.NoError(t, err)
	sweep := []string{"sweep", "-param", "earnings[volume-rebate].bands.table[0].to", "-from", "150000", "-to", "300000", "-step", "50000"}

	groups := []struct {
		name string
		head []string // the command and its flags, before the deal flags
		tail []string // the program files, before DEALS
	}{
		{"diff", []string{"diff", "-top", "3"}, []string{example, v2}},
		{"diff csv", []string{"diff", "-format", "csv"}, []string{example, v2}},
		{"sweep", sweep, []string{example}},
		{"chart cost", []string{"chart"}, []string{"cost", example}},
		{"chart payouts", []string{"chart"}, []string{"payouts", example}},
		{"chart curve of a deal", []string{"chart"}, []string{"curve", "-deal", "ACME-1002", example}},
	}
	inputs := []struct {
		name  string
		flags []string
		deals string
		stdin string
	}{
		{"csv with partners", []string{"-partners", samplePartners}, csvDeals, ""},
		{"jsonl", nil, jsonlDeals, ""},
		{"csv on stdin", []string{"-deals-format", "csv", "-partners", samplePartners}, "-", string(csvSrc)},
		{"csv sorted on disk", []string{"-sort-limit", "5", "-partners", samplePartners}, csvDeals, ""},
		{"csv streamed as sorted", []string{"-sorted", "-partners", samplePartners}, sortedCSV, ""},
	}
	for _, g := range groups {
		// chart puts its flags before the chart name.
		args := func(flags []string, dealsArg string) []string {
			out := append(append([]string{}, g.head...), flags...)
			return append(append(out, g.tail...), dealsArg)
		}
		want, wantErr, wantCode := invoke(args(nil, deals)...)
		require.NotEqual(t, exitUsage, wantCode, "%s over the YAML sample: %s", g.name, wantErr)
		require.NotEmpty(t, want)
		for _, in := range inputs {
			t.Run(g.name+"/"+in.name, func(t *testing.T) {
				if in.stdin != "" {
					old := stdin
					stdin = strings.NewReader(in.stdin)
					defer func() { stdin = old }()
				}
				got, stderr, code := invoke(args(in.flags, in.deals)...)
				assert.Equal(t, wantCode, code, stderr)
				assert.Equal(t, wantErr, stderr)
				assert.Equal(t, want, got)
			})
		}
	}
}

// TestWorkbenchDealErrors: a row that cannot be read stops diff, sweep and
// chart with its file, line and column (nothing on stdout, exit 1), as a
// YAML file with errors does; a deal id listed twice is reported, run
// once, and the exit code is 1.
func TestWorkbenchDealErrors(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile(jsonlDeals)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(src), "\n")
	bad := filepath.Join(dir, "bad.jsonl")
	badLine := strings.Replace(lines[2], `"amount": "`, `"amount": "x`, 1)
	require.NotEqual(t, lines[2], badLine)
	require.NoError(t, os.WriteFile(bad, []byte(lines[0]+lines[1]+badLine+strings.Join(lines[3:], "")), 0o644))
	dup := filepath.Join(dir, "dup.jsonl")
	require.NoError(t, os.WriteFile(dup, []byte(string(src)+lines[0]), 0o644))

	v2 := "examples/workbench/q4-growth-v2.yaml"
	for _, c := range []struct {
		name string
		args []string
	}{
		{"diff", []string{"diff", example, v2}},
		{"sweep", []string{"sweep", "-param", "caps.per_deal", "-from", "2000", "-to", "3000", "-step", "500", example}},
		{"chart", []string{"chart", "cost", example}},
	} {
		t.Run(c.name+" bad row", func(t *testing.T) {
			stdout, stderr, code := invoke(append(c.args, bad)...)
			assert.Equal(t, exitFail, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, bad+":3:")
			assert.Contains(t, stderr, "amount: want a decimal number")
		})
		t.Run(c.name+" repeated id", func(t *testing.T) {
			want, _, code := invoke(append(c.args, jsonlDeals)...)
			require.Equal(t, exitOK, code)
			stdout, stderr, code := invoke(append(c.args, dup)...)
			assert.Equal(t, exitFail, code)
			assert.Equal(t, want, stdout, "the repeat is run once")
			assert.Equal(t, "partnerops "+strings.Fields(c.name)[0]+": deal ACME-1001 is listed more than once; only its first entry is run\n", stderr)
		})
	}
}
