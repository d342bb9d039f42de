package rules

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoadOneProgramOfAFolder: a folder holds two programs, each with its
// *_test.yaml file. Loading one program by name loads the test files beside
// it, but the other program's tests must not fail the load because their
// program was not asked for; its own test file stays strict. Before the fix
// loading a.yaml alone failed with `b_test.yaml: no program "b" in the
// loaded files` (as `partnerops check examples/programs/q4-growth.yaml` did
// once a second example program was added).
func TestLoadOneProgramOfAFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"p/a.yaml":      {Data: []byte(progVersion("a", "1", "100"))},
		"p/a_test.yaml": {Data: []byte(testsFile("a", "", "2026-03-01"))},
		"p/b.yaml":      {Data: []byte(progVersion("b", "1", "200"))},
		"p/b_test.yaml": {Data: []byte(testsFile("b", "", "2026-03-01"))},
	}
	tests := []struct {
		name     string
		fsys     fstest.MapFS
		pattern  string
		programs []string
		tests    int    // tests attached
		files    int    // files kept in the set
		wantErr  string // "" for success
	}{
		{name: "one program, other tests ignored", fsys: fsys, pattern: "p/a.yaml", programs: []string{"a"}, tests: 1, files: 2},
		{name: "the other program", fsys: fsys, pattern: "p/b.yaml", programs: []string{"b"}, tests: 1, files: 2},
		{name: "the whole folder", fsys: fsys, pattern: "p/*.yaml", programs: []string{"a", "b"}, tests: 2, files: 4},
		{
			// A test file matched by the pattern stays strict.
			name: "a matched test file naming a program not loaded", fsys: fsys, pattern: "p/*_test.yaml",
			wantErr: `p/a_test.yaml:3:10: program: no program "a" in the loaded files`,
		},
		{
			// The program's own test file (same stem) stays strict: a typo
			// in its program id is still reported.
			name: "own test file with a typo",
			fsys: fstest.MapFS{
				"p/a.yaml":      {Data: []byte(progVersion("a", "1", "100"))},
				"p/a_test.yaml": {Data: []byte(testsFile("aa", "", "2026-03-01"))},
			},
			pattern: "p/a.yaml",
			wantErr: `p/a_test.yaml:3:10: program: no program "aa" in the loaded files`,
		},
		{
			// A loaded program with a missing version is an error wherever
			// its tests are.
			name: "another test file naming a missing version of a loaded program",
			fsys: fstest.MapFS{
				"p/a.yaml":      {Data: []byte(progVersion("a", "1", "100"))},
				"p/z_test.yaml": {Data: []byte(testsFile("a", "7", "2026-03-01"))},
			},
			pattern: "p/a.yaml",
			wantErr: `p/z_test.yaml:3:10: program: no version 7 of program "a" in the loaded files (loaded: 1)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(tt.fsys, tt.pattern)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.True(t, strings.Contains(err.Error(), tt.wantErr), "error %q lacks %q", err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var ids []string
			for _, p := range s.Programs() {
				ids = append(ids, p.ID)
			}
			assert.ElementsMatch(t, tt.programs, ids)
			assert.Len(t, s.Tests(), tt.tests)
			assert.Len(t, s.Files, tt.files, "the other program's test file contributes nothing and is left out")
			for _, tc := range s.Tests() {
				assert.Contains(t, tt.programs, tc.Program.ID)
			}
		})
	}
}

// TestReportSummaryCountsInEnglish: one passing test is "1 test passed",
// as `partnerops check` says "1 test"; before the fix it was "1 tests
// passed".
func TestReportSummaryCountsInEnglish(t *testing.T) {
	one := progVersion("a", "1", "100") + `tests:
  - name: flat
    deal: {id: D-1, amount: "10.00", close_date: 2026-03-01}
    expect: {total: "100.00"}
`
	two := one + `  - name: flat again
    deal: {id: D-2, amount: "10.00", close_date: 2026-03-02}
    expect: {total: "100.00"}
`
	for _, tc := range []struct{ name, src, want string }{
		{"one", one, "ok: 1 test passed\n"},
		{"two", two, "ok: 2 tests passed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(tc.src)}}, "*.yaml")
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(s.RunTests(t.Context(), TestOptions{}).String(), tc.want))
		})
	}
}

// TestFormatSpacesEverySection: fmt puts a blank line before every
// top-level section of a program, the newer ones too. Before the fix
// values:, payment_methods:, split: and settlements: were glued to the
// section before them (distributor-growth.yaml's settlements: followed its
// caps: with no blank line).
func TestFormatSpacesEverySection(t *testing.T) {
	src := `apiVersion: partnerops/v1
kind: Program
id: spaced
name: Spaced
version: 1
currency: USD
effective: {from: 2026-01-01}
fields:
  referrer: {type: string, optional: true}
payment_methods:
  - {method: check, min_payout: 500, fee: 15}
values:
  big: deal.amount >= 1000
earnings:
  - {id: advance, type: rebate, amount: deal.amount * 0.01}
caps:
  per_partner: 1000
split:
  remainder: first
  to:
    - {payee: partner, ratio: 1}
    - {payee: deal.referrer, ratio: 1}
settlements:
  - id: true-up
    type: rebate
    period: quarter
    advances: {earnings: [advance]}
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, rate: 0.02}
`
	out, err := Format("spaced.yaml", []byte(src))
	require.NoError(t, err)
	for _, key := range []string{"fields", "payment_methods", "values", "earnings", "caps", "split", "settlements"} {
		assert.Contains(t, string(out), "\n\n"+key+":", "no blank line before %s:\n%s", key, out)
	}
	_, err = Compile("spaced.yaml", out)
	require.NoError(t, err)
}
