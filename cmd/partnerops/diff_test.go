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

const diffData = testdata + "/diff"

// TestDiffGolden compares the complete output of diff command lines with
// files under testdata/golden (rewrite them with -update, then read the
// diff against TestDiffByHand).
func TestDiffGolden(t *testing.T) {
	here := chdirRoot(t)
	old, new, dls := diffData+"/old.yaml", diffData+"/new.yaml", diffData+"/deals.yaml"
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"diff_text", []string{"diff", old, new, dls}, 0},
		{"diff_csv", []string{"diff", "-format", "csv", old, new, dls}, 0},
		{"diff_json", []string{"diff", "-format", "json", "-top", "2", old, new, dls}, 0},
		{"diff_same", []string{"diff", old, old, dls}, 0},
		{"diff_example", []string{"diff", "-top", "3", example, "examples/workbench/q4-growth-v2.yaml", deals}, 0},
		{"diff_bad_format", []string{"diff", "-format", "xml", old, new, dls}, 2},
		{"diff_args", []string{"diff", old, new}, 2},
		{"diff_bad_program", []string{"diff", testdata + "/bad/bad.yaml", new, dls}, 1},
		{"diff_currency", []string{"diff", old, diffData + "/eur.yaml", dls}, 1},
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

// TestDiffByHand checks the diff of testdata/diff against figures worked
// out by hand, independently of the golden files.
//
// Version 1 pays spiff 2% and a retroactive rebate (1% below 10,000, 3%
// from 10,000), 500 a deal at most, registered deals only. Version 2 pays
// 2.5%, the 3% band from 8,000, 600 a deal, and also large (>= 20,000)
// unregistered deals.
//
//	D1 P-A  5,000 reg:  v1 100 + 50 = 150;        v2 125 + 50 = 175          +25
//	D2 P-A  9,000 reg:  v1 180 + 90 = 270;        v2 225 + 270 (gold) = 495  +225
//	D3 P-B 30,000 reg:  v1 600 + 900 = 1,500 -> deal cap 500: rebate cut 900,
//	                    spiff cut 100 = 500;      v2 750 + 900 = 1,650 -> 600:
//	                    rebate cut 900, spiff cut 150 = 600                  +100
//	D4 P-B 25,000 unreg: v1 not eligible = 0;     v2 625 + 750 = 1,375 -> 600 +600
//	D5 P-A  1,000 unreg: not eligible under either                           0
//
// Earned: v1 150 + 270 + 500 = 920; v2 175 + 495 + 600 + 600 = 1,870; +950.
// P-A 420 -> 670 (+250); P-B 500 -> 1,200 (+700).
// Spiff v1 100 + 180 + 500 = 780, v2 125 + 225 + 600 + 600 = 1,550;
// rebate v1 50 + 90 + 0 = 140, v2 50 + 270 + 0 + 0 = 320.
func TestDiffByHand(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("diff", "-format", "json", diffData+"/old.yaml", diffData+"/new.yaml", diffData+"/deals.yaml")
	require.Equal(t, 0, code, stderr)
	type amounts struct{ Old, New, Delta string }
	var d struct {
		Deals, Changed  int
		EligibleOld     int `json:"eligible_old"`
		EligibleNew     int `json:"eligible_new"`
		Earned          amounts
		Gainers, Losers int
		Partners        []struct {
			Partner string
			Amounts amounts
			Deals   int `json:"deals_changed"`
		}
		Types []struct {
			Key     string
			Amounts amounts
		}
		DealChanges []struct {
			Deal    string
			Amounts amounts
			Reasons []struct{ Kind, Earning, Detail string }
		} `json:"deal_changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &d))
	assert.Equal(t, 5, d.Deals)
	assert.Equal(t, 4, d.Changed)
	assert.Equal(t, 3, d.EligibleOld)
	assert.Equal(t, 4, d.EligibleNew)
	assert.Equal(t, amounts{"920.00", "1870.00", "950.00"}, d.Earned)
	assert.Equal(t, 2, d.Gainers)
	assert.Equal(t, 0, d.Losers)
	require.Len(t, d.Partners, 2)
	assert.Equal(t, "P-B", d.Partners[0].Partner)
	assert.Equal(t, amounts{"500.00", "1200.00", "700.00"}, d.Partners[0].Amounts)
	assert.Equal(t, "P-A", d.Partners[1].Partner)
	assert.Equal(t, amounts{"420.00", "670.00", "250.00"}, d.Partners[1].Amounts)
	require.Len(t, d.Types, 2)
	assert.Equal(t, "spiff", d.Types[0].Key)
	assert.Equal(t, amounts{"780.00", "1550.00", "770.00"}, d.Types[0].Amounts)
	assert.Equal(t, amounts{"140.00", "320.00", "180.00"}, d.Types[1].Amounts)

	var order []string
	for _, dc := range d.DealChanges {
		order = append(order, dc.Deal+" "+dc.Amounts.Delta)
	}
	assert.Equal(t, []string{"D4 600.00", "D2 225.00", "D3 100.00", "D1 25.00"}, order)
	kinds := func(i int) []string {
		var k []string
		for _, r := range d.DealChanges[i].Reasons {
			k = append(k, r.Kind+" "+r.Earning)
		}
		return k
	}
	assert.Equal(t, []string{"eligibility "}, kinds(0))
	assert.Equal(t, []string{"amount spiff", "band rebate"}, kinds(1))
	assert.Equal(t, []string{"amount spiff", "cap spiff"}, kinds(2))
	assert.Equal(t, "the per-deal cap cuts 150.00 (was 100.00)", d.DealChanges[2].Reasons[1].Detail)
	assert.Equal(t, []string{"amount spiff"}, kinds(3))
}
