package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckOneProgramOfAFolder: `check` and `test` of one named program
// file in a folder that holds another program and its *_test.yaml file
// load the named program with its own tests only. Before the fix the other
// program's test file was loaded too and failed with `no program "b" in the
// loaded files`, so adding a second program to examples/programs broke
// `partnerops check examples/programs/q4-growth.yaml`.
func TestCheckOneProgramOfAFolder(t *testing.T) {
	dir := writeTwoPrograms(t)
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	cases := []struct {
		name string
		args []string
		want string // stdout
	}{
		{"check one", []string{"check", a}, "ok: 2 files, 1 program, 1 test\n"},
		{"check both named", []string{"check", a, b}, "ok: 4 files, 2 programs, 2 tests\n"},
		{"check the folder", []string{"check", dir}, "ok: 4 files, 2 programs, 2 tests\n"},
		{"test one", []string{"test", b}, "ok: 1 test passed\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := invoke(tc.args...)
			assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, out, tc.want)
		})
	}
}

// TestTestRunCoverageOfSelectedPrograms: with -run, coverage is reported
// for the programs whose tests ran, not for the others of the folder
// (whose parts no selected test could exercise). Before the fix `test -run
// b/ DIR` listed program a's earning as never paid and reported 50%.
func TestTestRunCoverageOfSelectedPrograms(t *testing.T) {
	dir := writeTwoPrograms(t)
	out, errOut, code := invoke("test", "-run", "^b/", "-min-coverage", "100", dir)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.NotContains(t, out, "a.yaml")
	assert.Contains(t, out, "coverage: 1 of 1 clauses, earnings, bands and caps exercised (100%)")
}

// writeTwoPrograms writes programs a and b, each with a *_test.yaml file
// holding one passing test, into a new folder.
func writeTwoPrograms(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	prog := func(id string) string {
		return "apiVersion: partnerops/v1\nkind: Program\nid: " + id + "\nname: " + id + "\nversion: 1\ncurrency: USD\n" +
			"effective: {from: 2026-01-01}\nearnings:\n  - {id: flat, type: spiff, amount: 100}\n"
	}
	tests := func(id string) string {
		return "apiVersion: partnerops/v1\nkind: Tests\nprogram: " + id + "\ntests:\n" +
			"  - name: flat\n    deal: {id: D-1, amount: \"10.00\", close_date: 2026-03-01}\n    expect: {total: \"100.00\"}\n"
	}
	for name, src := range map[string]string{
		"a.yaml": prog("a"), "a_test.yaml": tests("a"),
		"b.yaml": prog("b"), "b_test.yaml": tests("b"),
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	return dir
}

// TestNewExampleStatementsByHand runs the statements of the two newer
// example programs over their sample data, as examples/data/README.md
// shows them, and checks each partner's figures against the arithmetic
// worked out by hand there.
func TestNewExampleStatementsByHand(t *testing.T) {
	chdirRoot(t)
	type figures struct{ earned, expired, payable, carriedOut, fee, sent string }
	cases := []struct {
		name string
		args []string
		want map[string]figures
	}{
		{
			name: "distributor growth as of 2027-04-05",
			args: []string{"run", "-output", "json", "-as-of", "2027-04-05", "-partners", "examples/data/distributor-partners.yaml",
				"examples/programs/distributor-growth.yaml", "examples/data/distributor-deals.yaml"},
			want: map[string]figures{
				// 1,200.00 + 950.00 + 1,100.00 advances + 218.24 + 129.90 SPIFF
				// + 3,250.00 true-up = 6,848.14; sent 6,848.14 - 15.00 = 6,833.14
				"DIST-NORTH": {"6848.14", "0", "6848.14", "0", "15.00", "6833.14"},
				// 400.00 + 51.96 + 225.01 + 100.00 = 776.97, true-up 0.00
				"DIST-SOUTH": {"776.97", "0", "776.97", "0", "0", "776.97"},
				// 50.00 (expired) + 300.00 + true-up 50.00 = 400.00; 350.00 < 500.00
				"DIST-WEST": {"400.00", "50.00", "0", "350.00", "0", "0"},
				// 20% of 272.79 = 54.558, floored to 54.55; < 100.00
				"REF-ALPHA": {"54.55", "0", "0", "54.55", "0", "0"},
				"RES-EAST":  {"0", "0", "0", "0", "0", "0"},
			},
		},
		{
			name: "MSP advantage as of 2027-04-15",
			args: []string{"run", "-output", "json", "-program", "msp-advantage-2027", "-as-of", "2027-04-15", "-partners", "examples/data/msp-partners.yaml",
				"examples/programs/msp-advantage.yaml", "examples/data/msp-deals.yaml"},
			want: map[string]figures{
				// 1,750.00 + 3,200.00 + 1,600.00 - 700.00 = 5,850.00
				"MSP-HARBOR": {"5850.00", "0", "5850.00", "0", "0", "5850.00"},
				// 4,000.00 + 1,500.00 + 1,200.00 + 900.00 = 7,600.00
				"MSP-CREST": {"7600.00", "0", "7600.00", "0", "0", "7600.00"},
				// 25,000.00 x 2% = 500.00, expired
				"MSP-PIKE": {"500.00", "500.00", "0", "0", "0", "0"},
				"VAR-ONE":  {"0", "0", "0", "0", "0", "0"},
			},
		},
		{
			name: "MSP MDF as of 2027-04-15",
			args: []string{"run", "-output", "json", "-program", "msp-mdf-2027", "-as-of", "2027-04-15", "-partners", "examples/data/msp-partners.yaml",
				"examples/programs/msp-advantage.yaml", "examples/data/msp-deals.yaml"},
			want: map[string]figures{
				// 1,000.00 + 1,600.00 + 0.00 (budget spent) - 400.00 = 2,200.00
				"MSP-HARBOR": {"2200.00", "0", "2200.00", "0", "0", "2200.00"},
				// 2,000.00 + 400.00 (the budget left) = 2,400.00
				"MSP-CREST": {"2400.00", "0", "2400.00", "0", "0", "2400.00"},
				"MSP-PIKE":  {"500.00", "500.00", "0", "0", "0", "0"},
				"VAR-ONE":   {"0", "0", "0", "0", "0", "0"},
			},
		},
	}
	type money struct {
		Amount string `json:"amount"`
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := invoke(tc.args...)
			require.Equal(t, 0, code, errOut)
			var st struct {
				Partners []struct {
					Partner    string `json:"partner"`
					Earned     money  `json:"earned"`
					Expired    money  `json:"expired"`
					Payable    money  `json:"payable"`
					CarriedOut money  `json:"carried_out"`
					Fee        money  `json:"fee"`
					Sent       money  `json:"sent"`
				} `json:"partners"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &st))
			got := map[string]figures{}
			for _, p := range st.Partners {
				got[p.Partner] = figures{p.Earned.Amount, p.Expired.Amount, p.Payable.Amount, p.CarriedOut.Amount, p.Fee.Amount, p.Sent.Amount}
			}
			require.Len(t, got, len(tc.want))
			for id, w := range tc.want {
				g, ok := got[id]
				require.True(t, ok, "no row for %s", id)
				for _, f := range []struct{ name, want, got string }{
					{"earned", w.earned, g.earned}, {"expired", w.expired, g.expired}, {"payable", w.payable, g.payable},
					{"carried out", w.carriedOut, g.carriedOut}, {"fee", w.fee, g.fee}, {"sent", w.sent, g.sent},
				} {
					if f.got == "" {
						f.got = "0"
					}
					assert.True(t, decimal.RequireFromString(f.want).Equal(decimal.RequireFromString(f.got)), "%s %s: want %s, got %s", id, f.name, f.want, f.got)
				}
			}
		})
	}
}

// TestExplainInputErrorsNameTheFlag: a mistake in the JSON given with
// explain -input is reported at "-input:line:col", not at "stdin", which
// the user never used. Before the fix: "stdin:1:42: deal D-1: ...".
func TestExplainInputErrorsNameTheFlag(t *testing.T) {
	chdirRoot(t)
	_, errOut, code := invoke("explain", "-input", `{"id": "D-1", "amount": "1.00", "close_date": "2026-11-03", "bogus": 1}`, example)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "-input:1:")
	assert.NotContains(t, errOut, "stdin")
}
