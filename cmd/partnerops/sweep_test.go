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

func TestSweepGolden(t *testing.T) {
	here := chdirRoot(t)
	old, dls := diffData+"/old.yaml", diffData+"/deals.yaml"
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"sweep_cap", []string{"sweep", "-param", "caps.per_deal", "-from", "400", "-to", "600", "-step", "100", old, dls}, 0},
		{"sweep_bound_csv", []string{"sweep", "-format", "csv", "-param", "earnings[rebate].bands.table[0].to", "-from", "8000", "-to", "10000", "-step", "1000", old, dls}, 0},
		{"sweep_example", []string{"sweep", "-param", "earnings[volume-rebate].bands.table[0].to", "-from", "150000", "-to", "300000", "-step", "50000", example, deals}, 1},
		{"sweep_not_number", []string{"sweep", "-param", "earnings[spiff].type", "-from", "1", "-to", "2", "-step", "1", old, dls}, 2},
		{"sweep_rate_in_expression", []string{"sweep", "-param", "earnings[spiff].amount", "-from", "0.02", "-to", "0.03", "-step", "0.005", old, dls}, 0},
		{"sweep_bad_range", []string{"sweep", "-param", "caps.per_deal", "-from", "600", "-to", "400", "-step", "100", old, dls}, 2},
		{"sweep_no_param", []string{"sweep", "-from", "1", "-to", "2", "-step", "1", old, dls}, 2},
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
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -update to create the golden file")
			assert.Equal(t, string(want), got)
		})
	}
}

// TestSweepByHand sweeps testdata/diff/old.yaml (see TestDiffByHand):
// D1 150 and D2 270 for P-A; D3 600 + 900 = 1,500 before the per-deal cap
// for P-B; D4 and D5 are not eligible.
func TestSweepByHand(t *testing.T) {
	chdirRoot(t)
	type point struct {
		Value, Earned, Delta string
		Paid                 int `json:"partners_paid"`
		Affected             int `json:"partners_affected"`
		Gainers, Losers      int
	}
	sweep := func(args ...string) []point {
		stdout, stderr, code := invoke(append([]string{"sweep", "-format", "json"}, append(args, diffData+"/old.yaml", diffData+"/deals.yaml")...)...)
		require.Equal(t, 0, code, stderr)
		var s struct{ Points []point }
		require.NoError(t, json.Unmarshal([]byte(stdout), &s))
		return s.Points
	}
	// Cap 400: 150 + 270 + 400 = 820; 500: 920 (as written); 600: 1,020.
	// Only P-B's total moves.
	assert.Equal(t, []point{
		{"400", "820", "-100", 2, 1, 0, 1},
		{"500", "920", "0", 2, 0, 0, 0},
		{"600", "1020", "100", 2, 1, 1, 0},
	}, sweep("-param", "caps.per_deal", "-from", "400", "-to", "600", "-step", "100"))
	// The gold band from 8,000 or 9,000: D2 (9,000) earns 180 + 9,000 x 3%
	// = 450 instead of 270, so 920 + 180 = 1,100 (a 9,000 basis on the
	// bound belongs to the upper band); from 10,000 as written: 920.
	assert.Equal(t, []point{
		{"8000", "1100", "180", 2, 1, 1, 0},
		{"9000", "1100", "180", 2, 1, 1, 0},
		{"10000", "920", "0", 2, 0, 0, 0},
	}, sweep("-param", "earnings[rebate].bands.table[0].to", "-from", "8000", "-to", "10000", "-step", "1000"))
	// The SPIFF rate r of "deal.amount * 0.02": D1 5,000r + 50, D2 9,000r +
	// 90, D3 capped at 500 whatever r. r = 0.025: 125 + 50 + 225 + 90 + 500
	// = 990; r = 0.03: 150 + 50 + 270 + 90 + 500 = 1,060. Both P-A only.
	assert.Equal(t, []point{
		{"0.02", "920", "0", 2, 0, 0, 0},
		{"0.025", "990", "70", 2, 1, 1, 0},
		{"0.03", "1060", "140", 2, 1, 1, 0},
	}, sweep("-param", "earnings[spiff].amount", "-from", "0.02", "-to", "0.03", "-step", "0.005"))
}
