package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// Paths below are relative to the repository root: the golden tests run
// there (t.Chdir), as a user following the README would.
const (
	example  = "examples/programs/q4-growth.yaml"
	deals    = "examples/data/deals.yaml"
	testdata = "cmd/partnerops/testdata"
)

// invoke runs the command line in-process.
func invoke(args ...string) (stdout, stderr string, code int) {
	var out, errw bytes.Buffer
	code = run(args, &out, &errw)
	return out.String(), errw.String(), code
}

// chdirRoot makes the repository root the working directory for the rest
// of the test and returns this package's directory.
func chdirRoot(t *testing.T) string {
	t.Helper()
	here, err := os.Getwd()
	require.NoError(t, err)
	t.Chdir(filepath.Join(here, "..", ".."))
	return here
}

// TestGolden compares the complete output of each command line (stdout,
// stderr and exit code) with a file under testdata/golden. Run
// `go test ./cmd/partnerops -update` to rewrite the files, then read the
// diff: testdata/README.md works the statement figures out by hand.
func TestGolden(t *testing.T) {
	here := chdirRoot(t)
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"check_good", []string{"check", example}, 0},
		{"check_dir", []string{"check", "examples/programs", testdata + "/failing"}, 0},
		{"check_bad", []string{"check", testdata + "/bad/bad.yaml"}, 1},
		{"check_warn", []string{"check", testdata + "/warn"}, 0},
		{"check_warn_strict", []string{"check", "-strict", testdata + "/warn/warn.yaml"}, 1},
		{"test_example", []string{"test", "examples/programs"}, 0},
		{"test_example_v", []string{"test", "-v", example}, 0},
		{"test_run_filter", []string{"test", "-v", "-run", "kicker|silver band$", example}, 0},
		{"test_min_coverage", []string{"test", "-min-coverage", "80", testdata + "/gaps"}, 1},
		{"test_failing", []string{"test", testdata + "/failing"}, 1},
		{"test_bad", []string{"test", testdata + "/bad"}, 1},
		{"run_example", []string{"run", example, deals}, 0},
		{"run_as_of", []string{"run", "-as-of", "2027-01-15", example, deals}, 0},
		{"run_carried", []string{"run", "-carried", "examples/data/carried.json", example, deals}, 0},
		{"run_carried_unknown_partner", []string{"run", "-carried", testdata + "/carried-extra.json", example, deals}, 0},
		{"run_json", []string{"run", "-json", "-program", "rate-spiff", testdata + "/two-programs.yaml", testdata + "/two-programs-deals.json"}, 0},
		{"run_program_version", []string{"run", testdata + "/two-programs.yaml", testdata + "/two-programs-deals.json", "-program", "flat-spiff"}, 0},
		{"run_needs_program", []string{"run", testdata + "/two-programs.yaml", testdata + "/two-programs-deals.json"}, 2},
		{"run_deal_errors", []string{"run", example, testdata + "/deals-with-errors.yaml"}, 1},
		{"run_bad_deals", []string{"run", example, testdata + "/bad-deals.yaml"}, 1},
		{"run_bad_program", []string{"run", testdata + "/bad/bad.yaml", deals}, 1},
		{"explain_deal", []string{"explain", "-deal", "ACME-1011", example, deals}, 0},
		{"explain_time_zone", []string{"explain", "-deal", "GLX-7003", "-as-of", "2027-03-15", example, deals}, 0},
		{"explain_all", []string{"explain", example, deals}, 0},
		{"run_split", []string{"run", testdata + "/split/program.yaml", testdata + "/split/deals.json"}, 0},
		{"run_split_json", []string{"run", "-json", testdata + "/split/program.yaml", testdata + "/split/deals.json"}, 0},
		{"run_settle", []string{"run", "-as-of", "2026-09-30", testdata + "/settle/program.yaml", testdata + "/settle/deals.json"}, 0},
		{"run_settle_open", []string{"run", "-as-of", "2026-09-29", testdata + "/settle/program.yaml", testdata + "/settle/deals.json"}, 0},
		{"run_settle_json", []string{"run", "-json", testdata + "/settle/program.yaml", testdata + "/settle/deals.json"}, 0},
		{"run_settle_carried_v0", []string{"run", "-as-of", "2026-06-30", "-carried", testdata + "/settle/q1-statement-v0.json", testdata + "/settle/program.yaml", testdata + "/settle/q2.json"}, 0},
		{"run_settle_carried_other_program", []string{"run", "-carried", testdata + "/settle/other-program-statement.json", testdata + "/settle/program.yaml", testdata + "/settle/q2.json"}, 1},
		{"explain_settle", []string{"explain", "-deal", "D-4", testdata + "/settle/program.yaml", testdata + "/settle/deals.json"}, 0},
		{"explain_split", []string{"explain", "-deal", "D-1", testdata + "/split/program.yaml", testdata + "/split/deals.json"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := invoke(c.args...)
			assert.Equal(t, c.code, code, "exit code; stderr:\n%s", stderr)
			got := "$ partnerops " + strings.Join(c.args, " ") + "\n" +
				"-- exit " + string(rune('0'+code)) + " --\n" +
				"-- stdout --\n" + stdout +
				"-- stderr --\n" + stderr
			path := filepath.Join(here, "testdata", "golden", c.name+".golden")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -update to create the golden file")
			assert.Equal(t, string(want), got)
		})
	}
}

// TestStatementByHand checks the statement of the sample data against the
// figures worked out by hand in testdata/README.md, independently of the
// golden files.
func TestStatementByHand(t *testing.T) {
	chdirRoot(t)
	type money struct{ Amount string }
	var st struct {
		Deals, Eligible int
		Earned, Expired money
		Payable         money
		CarriedOut      money `json:"carried_out"`
		Partners        []struct {
			Partner  string
			Eligible int
			Earned   money
			Expired  money
			Payable  money
			CarOut   money `json:"carried_out"`
			ByType   []struct {
				Key    string
				Amount money
			} `json:"by_type"`
		}
	}
	stdout, stderr, code := invoke("run", "-json", example, deals)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))

	assert.Equal(t, 32, st.Deals)
	assert.Equal(t, 25, st.Eligible) // 32 - 7 ineligible (README: GLX-7001, DEL x2, BRI-2004, EVG-5002, EVG-5003, FJD-6004)
	type want struct {
		eligible                 int
		earned, payable, carried string
		byType                   map[string]string
	}
	wants := map[string]want{
		// ACME: 9 deals cut to the 2,500.00 deal cap, ACME-1005 1,110.00
		// (370.00 + 185.00 + 555.00), ACME-1011 cut by the partner cap to
		// 25,000.00 - 23,610.00 = 1,390.00: 9 x 2,500.00 + 1,110.00 +
		// 1,390.00 = 25,000.00.
		"P-ACME": {11, "25000.00", "25000.00", "0.00", map[string]string{
			"spiff":  "7870.00", // 5 x 1,500.00 (line cap) + 370.00
			"bonus":  "9285.00", // see README, per-deal table
			"rebate": "7845.00",
		}},
		// BRIGHT: 1,800.00 + 400.00 + 2,500.00 + 2,000.00 + 500.00 = 7,200.00
		"P-BRIGHT": {5, "7200.00", "7200.00", "0.00", map[string]string{
			"spiff": "2400.00", "bonus": "500.00", "rebate": "4300.00"}},
		// CORAL: 4,500.00 x 1% + 3,250.00 x 1% = 45.00 + 32.50 = 77.50 < 100.00
		"P-CORAL": {2, "77.50", "0.00", "77.50", map[string]string{"rebate": "77.50"}},
		"P-DELTA": {0, "0.00", "0.00", "0.00", map[string]string{}},
		// EVER: 8,400.00 x 2% + 8,400.00 x 1% = 168.00 + 84.00 = 252.00;
		// 14,750.50 x 1% = 147.505 -> 147.51 (half_up)
		"P-EVER": {2, "399.51", "399.51", "0.00", map[string]string{"spiff": "168.00", "rebate": "231.51"}},
		// FJORD: 1,350.00 + 1,650.00 + 400.00 = 3,400.00
		"P-FJORD": {3, "3400.00", "3400.00", "0.00", map[string]string{"spiff": "2000.00", "rebate": "1400.00"}},
		// GLOBE: 360.00 + 2,500.00 (2,560.00 cut by the deal cap) = 2,860.00
		"P-GLOBE": {2, "2860.00", "2860.00", "0.00", map[string]string{"spiff": "1460.00", "bonus": "730.00", "rebate": "670.00"}},
	}
	require.Len(t, st.Partners, len(wants))
	for _, p := range st.Partners {
		w, ok := wants[p.Partner]
		require.True(t, ok, p.Partner)
		assert.Equal(t, w.eligible, p.Eligible, p.Partner)
		assert.Equal(t, w.earned, p.Earned.Amount, p.Partner)
		assert.Equal(t, w.payable, p.Payable.Amount, p.Partner)
		assert.Equal(t, w.carried, p.CarOut.Amount, p.Partner)
		got := map[string]string{}
		for _, s := range p.ByType {
			got[s.Key] = s.Amount.Amount
		}
		assert.Equal(t, w.byType, got, p.Partner)
	}
	// 25,000.00 + 7,200.00 + 77.50 + 0.00 + 399.51 + 3,400.00 + 2,860.00 = 38,937.01
	assert.Equal(t, "38937.01", st.Earned.Amount)
	// 38,937.01 - 77.50 carried over by P-CORAL = 38,859.51
	assert.Equal(t, "38859.51", st.Payable.Amount)
	assert.Equal(t, "77.50", st.CarriedOut.Amount)
	assert.Equal(t, "0.00", st.Expired.Amount)

	// As of 2027-01-15 a deal is expired when its claim deadline, 60 days
	// after closing, is 2027-01-14 or earlier: closed on 2026-11-15 or
	// before. Expired: ACME 4 x 2,500.00 + 1,110.00 = 11,110.00; BRIGHT
	// 1,800.00 + 400.00 + 2,500.00 = 4,700.00; CORAL 45.00; EVER 252.00;
	// FJORD 1,350.00; GLOBE 360.00: 17,817.00 in all. Expired earnings use
	// up no partner cap: ACME's cap counts 5 x 2,500.00 = 12,500.00 of
	// timely deals before ACME-1011, whose 2,400.00 is then not cut (it was
	// cut to 1,390.00 by the 23,610.00 that included the expired deals):
	// earned 38,937.01 + 1,010.00 = 39,947.01, claimable 39,947.01 -
	// 17,817.00 = 22,130.01, of which CORAL's 32.50 is carried over:
	// 22,097.51 payable. Check: 39,947.01 - 17,817.00 = 22,130.01 =
	// 22,097.51 + 32.50.
	stdout, stderr, code = invoke("run", "-json", "-as-of", "2027-01-15", example, deals)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	assert.Equal(t, "17817.00", st.Expired.Amount)
	assert.Equal(t, "39947.01", st.Earned.Amount)
	assert.Equal(t, "22097.51", st.Payable.Amount)
	assert.Equal(t, "32.50", st.CarriedOut.Amount)
}

// TestExplainByHand checks the explanation of the deal that the partner cap
// cuts (testdata/README.md, ACME-1011).
func TestExplainByHand(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("explain", "-deal", "ACME-1011", example, deals)
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"deal ACME-1011 (partner P-ACME)",
		// kickers: 500.00 vs 60,000.00 x 1% = 600.00
		`"platinum-kicker": deal.amount * 0.01 = 600.00`,
		`pays "platinum-kicker"`,
		// 1,068,500.00 before: all of the deal in the 3% band: 1,800.00
		"partner period total 1,068,500.00 -> 1,128,500.00",
		"60,000.00 x 3% = 1,800.00",
		// 600.00 + 1,800.00 = 2,400.00; room 25,000.00 - 23,610.00 = 1,390.00
		"partner cap 25,000.00 per quarter (23,610.00 earned before) cut 1,010.00 (2,400.00 -> 1,390.00)",
		"claim by 2027-02-19", // 2026-12-21 + 60 days: 10 + 31 + 19
		"total 1,390.00 USD to partner",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.Equal(t, 1, strings.Count(stdout, "deal "+"ACME-"), "only the one deal is explained")
}

// TestDeterministic: the same input gives the same bytes, whatever the
// number of workers.
func TestDeterministic(t *testing.T) {
	chdirRoot(t)
	for _, cmd := range [][]string{
		{"run", example, deals},
		{"run", "-json", "-as-of", "2027-01-15", example, deals},
		{"explain", example, deals},
	} {
		first, _, code := invoke(append(cmd, "-workers", "1")...)
		require.Equal(t, 0, code)
		for _, w := range []string{"1", "2", "8", "0"} {
			again, _, code := invoke(append(cmd, "-workers", w)...)
			require.Equal(t, 0, code)
			assert.Equal(t, first, again, "%v -workers %s", cmd, w)
		}
	}
}

// TestAsOfTimeZone: -as-of DATE is the start of that day in the program's
// time zone (New York), and an RFC 3339 -as-of is read as that instant.
// ACME-1006 closed on 2026-11-17; its claim deadline is 60 days later,
// 2027-01-16 (13 + 31 + 16), so it is expired from 2027-01-17 00:00 in New
// York, 05:00 UTC. P-ACME's expired total is then ACME-1001..1005 (4 x
// 2,500.00 + 1,110.00 = 11,110.00) plus ACME-1006's 2,500.00 = 13,610.00.
func TestAsOfTimeZone(t *testing.T) {
	chdirRoot(t)
	acmeExpired := func(asOf string) string {
		t.Helper()
		stdout, stderr, code := invoke("run", "-json", "-as-of", asOf, example, deals)
		require.Equal(t, 0, code, stderr)
		var st struct {
			Partners []struct {
				Partner string
				Expired struct{ Amount string }
			}
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &st))
		for _, p := range st.Partners {
			if p.Partner == "P-ACME" {
				return p.Expired.Amount
			}
		}
		t.Fatal("no P-ACME in the statement")
		return ""
	}
	assert.Equal(t, "11110.00", acmeExpired("2027-01-16"))
	assert.Equal(t, "11110.00", acmeExpired("2027-01-17T04:59:59Z")) // 23:59:59 on the 16th in New York
	assert.Equal(t, "13610.00", acmeExpired("2027-01-17T05:00:00Z"))
	assert.Equal(t, "13610.00", acmeExpired("2027-01-17"))
	assert.Equal(t, "13610.00", acmeExpired("2027-01-17T00:00:00-05:00"))
}
