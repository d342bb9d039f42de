package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewDealsFormatFlagNamed: diff, sweep and chart name the deals'
// format with -deals-format (their -format is the output's), so an error
// about the deals' format must send the user to -deals-format; a partners
// file has no format flag at all, so its error must not send the user to
// one. Before the fix all three said "give -format", and `diff -format csv`
// then only changed the output.
func TestReviewDealsFormatFlagNamed(t *testing.T) {
	chdirRoot(t)
	v2 := "examples/workbench/q4-growth-v2.yaml"
	tests := []struct {
		name    string
		args    []string
		want    string
		notWant string
	}{
		{"diff stdin", []string{"diff", example, v2, "-"}, "needs -deals-format (csv", "needs -format"},
		{"sweep stdin", []string{"sweep", "-param", "caps.per_deal", "-from", "1", "-to", "2", "-step", "1", example, "-"}, "needs -deals-format (csv", "needs -format"},
		{"chart stdin", []string{"chart", "cost", example, "-"}, "needs -deals-format (csv", "needs -format"},
		{"diff unknown", []string{"diff", "-deals-format", "xml", example, v2, deals}, `unknown -deals-format "xml"`, `unknown -format`},
		{"diff extension", []string{"diff", example, v2, "README.md"}, "give -deals-format (csv", "give -format"},
		{"run still -format", []string{"run", example, "-"}, "needs -format (csv", "-deals-format"},
		{"partners extension", []string{"run", "-partners", "README.md", example, deals}, "name it .csv, .jsonl or .yaml", "give -format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := stdin
			stdin = strings.NewReader("")
			defer func() { stdin = old }()
			_, stderr, code := invoke(tt.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, tt.notWant)
		})
	}
}

// TestReviewDiffTimeZones: diff of two versions in different time zones
// over a deal with a bare close date. Under 'partnerops run' each version
// reads 2026-10-01 as midnight in its own zone and the deal is eligible in
// both (2,500.00 each: the 1,500 spiff cap + the 1,000 platinum kicker);
// diff decoded it once in the new version's zone (Tokyo), so the old
// version (New York) saw 2026-09-30 11:00, before its window, and the diff
// printed old 0.00, new 2,500.00. It must refuse, not print figures that
// contradict run.
func TestReviewDiffTimeZones(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile(example)
	require.NoError(t, err)
	tokyo := strings.Replace(strings.Replace(string(src), "timezone: America/New_York", "timezone: Asia/Tokyo", 1), "\nversion: 1\n", "\nversion: 2\n", 1)
	require.NotEqual(t, string(src), tokyo)
	newFile := filepath.Join(dir, "tokyo.yaml")
	require.NoError(t, os.WriteFile(newFile, []byte(tokyo), 0o644))
	dealsFile := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(dealsFile, []byte(`- id: TZ-1
  close_date: 2026-10-01
  amount: "120000.00"
  type: new_business
  registered: true
  segment: enterprise
  partner: {id: P-ACME, name: Acme, tier: platinum, type: distributor, region: north_america, country: US}
`), 0o644))

	for _, prog := range []string{example, newFile} {
		out, stderr, code := invoke("run", prog, dealsFile)
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, out, "2,500.00", "run of %s pays the deal", prog)
	}
	stdout, stderr, code := invoke("diff", example, newFile, dealsFile)
	assert.Equal(t, exitFail, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "time zone")
}
