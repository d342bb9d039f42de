package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSettlementChainsThroughFiles runs the settlement program a quarter at
// a time, each run reading the previous run's JSON statement with
// -carried, and checks that the third quarter settles as the single run
// over all the deals does (run_settle.golden): the -300.00 true-up of Q2
// and the year to date of the high-water mark come through the files. The
// last run's statement is compared with testdata/golden/run_settle_chain.golden.
func TestSettlementChainsThroughFiles(t *testing.T) {
	here := chdirRoot(t)
	dir := t.TempDir()
	prog := testdata + "/settle/program.yaml"
	run := func(out string, args ...string) string {
		t.Helper()
		stdout, stderr, code := invoke(append([]string{"run"}, args...)...)
		require.Equal(t, exitOK, code, stderr)
		if out != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, out), []byte(stdout), 0o600))
		}
		return stdout
	}
	// Q1 (D-1..D-3): 55,000 x 3% = 1,650.00 - 1,100.00 advanced = 550.00.
	run("q1.json", "-json", "-as-of", "2026-03-31", prog, testdata+"/settle/q1.json")
	// Q2 (D-4, E-1): P-1 30,000 x 1% = 300.00 - 600.00 = -300.00 carried;
	// P-2 8,000 x 1% = 80.00 - 160.00 = -80.00 carried.
	q2 := run("q2.json", "-json", "-as-of", "2026-06-30", "-carried", filepath.Join(dir, "q1.json"), prog, testdata+"/settle/q2.json")
	var st struct {
		Partners []struct {
			Partner string `json:"partner"`
			Carry   []struct {
				Settlement string `json:"settlement"`
				Through    string `json:"through"`
				Carried    struct{ Amount string }
				Basis      struct{ Amount string }
				Credited   struct{ Amount string }
			} `json:"settlement_carry"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal([]byte(q2), &st))
	require.Len(t, st.Partners, 2)
	got := map[string]string{}
	for _, p := range st.Partners {
		for _, c := range p.Carry {
			got[p.Partner+" "+c.Settlement] = c.Through + " " + c.Carried.Amount + " " + c.Basis.Amount + " " + c.Credited.Amount
		}
	}
	assert.Equal(t, map[string]string{
		// carried -300.00 (above); no year to date under credit: period
		"P-1 quarter-true-up": "2026-06-30 -300.00 0.00 0.00",
		// ytd 55,000 + 30,000 = 85,000, below 100,000: nothing credited
		"P-1 annual-high-water": "2026-06-30 0.00 85000.00 0.00",
		"P-2 quarter-true-up":   "2026-06-30 -80.00 0.00 0.00",
		"P-2 annual-high-water": "2026-06-30 0.00 8000.00 0.00",
	}, got)

	// Q3 (D-5): 60,000 x 3% = 1,800.00 - 1,200.00 - 300.00 carried in =
	// 300.00; ytd 85,000 + 60,000 = 145,000 x 0.5% = 725.00. P-1 earns
	// 1,200.00 + 300.00 + 725.00 = 2,225.00. P-2, without deals, still
	// carries its -80.00 on.
	args := []string{"run", "-as-of", "2026-09-30", "-carried", filepath.Join(dir, "q2.json"), prog, testdata + "/settle/q3.json"}
	stdout, stderr, code := invoke(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `P-1\s+1\s+1\s+2,225\.00\s+0\.00\s+0\.00\s+0\.00\s+0\.00\s+2,225\.00\s+0\.00`, stdout)
	assert.Contains(t, stdout, "quarter-true-up carries -80.00 on")
	args[4] = "Q2.json" // the temporary folder's name changes from run to run
	golden := "$ partnerops " + strings.Join(args, " ") + "\n-- exit 0 --\n-- stdout --\n" + stdout + "-- stderr --\n" + stderr
	path := filepath.Join(here, "testdata", "golden", "run_settle_chain.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(golden), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), golden)
}

// TestCarriedStatementProgramCheck: a statement of another program is
// refused; one of another version of the same program is carried with a
// warning; a late deal in a settled period is refused.
func TestCarriedStatementProgramCheck(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	prog := testdata + "/settle/program.yaml"
	stdout, stderr, code := invoke("run", "-json", "-as-of", "2026-06-30", prog, testdata+"/settle/q1.json")
	require.Equal(t, exitOK, code, stderr)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
		return p
	}
	q1 := write("q1.json", stdout)

	other := write("other.json", strings.Replace(stdout, `"id": "settled-rebate"`, `"id": "another-program"`, 1))
	_, stderr, code = invoke("run", "-carried", other, prog, testdata+"/settle/q2.json")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, `other.json is a statement of program "another-program", not of "settled-rebate"`)

	v2 := write("v2.json", strings.Replace(stdout, `"version": 1`, `"version": 0`, 1))
	stdout, stderr, code = invoke("run", "-as-of", "2026-06-30", "-carried", v2, prog, testdata+"/settle/q2.json")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "warning: "+v2+" is a statement of settled-rebate v0 (hash 3b2a92b3264a")
	assert.Contains(t, stderr, "this run is v1 (hash 3b2a92b3264a")
	// The carry still came through: Q2 is settled, P-1 -300.00 carried out.
	assert.Contains(t, stdout, "carried out (not invoiced) -300.00")

	late := write("late.json", `[{"id": "D-9", "close_date": "2026-03-20", "amount": "1000.00", "partner": {"id": "P-1", "tier": "gold"}}]`)
	_, stderr, code = invoke("run", "-carried", q1, prog, late)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, `deal "D-9" closes on 2026-03-20, in a period of settlement "quarter-true-up" that partner "P-1"'s carried settlement already settled (through 2026-03-31)`)
}
