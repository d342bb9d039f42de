package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewExplainCarriedAsRun: in a chain of runs (the VAR example's
// first quarter, then its second quarter -carried from the first's
// statement), explain -carried explains every deal as run -carried paid
// it: each deal's total in explain -json equals its total in run's
// -results, the budget binding included. The text statement's budget
// line counts the first run's budget_used carried in: used = carried
// budget_used + what this run paid (no deal expired, no true-up is
// negative), and left = 20,000.00 - used. Figures are taken from the two
// statements and checked against each other, not pasted.
func TestReviewExplainCarriedAsRun(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile("examples/data/var-deals.yaml")
	require.NoError(t, err)
	q1, q2, ok := strings.Cut(string(src), "# Second quarter.")
	require.True(t, ok)
	f1, f2 := filepath.Join(dir, "q1.yaml"), filepath.Join(dir, "q2.yaml")
	require.NoError(t, os.WriteFile(f1, []byte(q1), 0o600))
	require.NoError(t, os.WriteFile(f2, []byte(q2), 0o600))
	const prog, partners = "examples/programs/var-rebate-2027.yaml", "examples/data/var-partners.yaml"

	out1, stderr, code := invoke("run", "-as-of", "2027-03-31", "-partners", partners, "-output", "json", prog, f1)
	require.Equal(t, exitOK, code, stderr)
	carried := filepath.Join(dir, "q1.json")
	require.NoError(t, os.WriteFile(carried, []byte(out1), 0o600))
	var st1 struct {
		BudgetUsed struct{ Amount string } `json:"budget_used"`
	}
	require.NoError(t, json.Unmarshal([]byte(out1), &st1))

	results := filepath.Join(dir, "r.jsonl")
	common := []string{"-as-of", "2027-06-30", "-partners", partners, "-carried", carried}
	text, stderr, code := invoke(append(append([]string{"run"}, common...), "-results", results, prog, f2)...)
	require.Equal(t, exitOK, code, stderr)
	expl, stderr, code := invoke(append(append([]string{"explain", "-json"}, common...), prog, f2)...)
	require.Equal(t, exitOK, code, stderr)

	type total struct {
		Kind  string                  `json:"kind"`
		Deal  string                  `json:"deal"`
		Total struct{ Amount string } `json:"total"`
	}
	runTotals, explTotals := map[string]string{}, map[string]string{}
	paid := decimal.Zero
	rb, err := os.ReadFile(results)
	require.NoError(t, err)
	for _, l := range strings.Split(strings.TrimSpace(string(rb)), "\n") {
		var r total
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		if r.Kind == "deal" {
			runTotals[r.Deal] = r.Total.Amount
			paid = paid.Add(decimal.RequireFromString(r.Total.Amount))
		} else if r.Kind == "settlement" {
			var s struct {
				Payable struct{ Amount string } `json:"payable"`
			}
			require.NoError(t, json.Unmarshal([]byte(l), &s))
			paid = paid.Add(decimal.RequireFromString(s.Payable.Amount))
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(expl), "\n") {
		var r total
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		explTotals[r.Deal] = r.Total.Amount
	}
	require.Len(t, runTotals, 4, "B-202, A-104, B-203, C-302")
	assert.Equal(t, runTotals, explTotals)

	used := decimal.RequireFromString(st1.BudgetUsed.Amount).Add(paid)
	left := decimal.RequireFromString("20000").Sub(used)
	require.False(t, left.IsNegative(), "the budget never pays past its limit")
	money := func(d decimal.Decimal) string { return amountText(incentive.NewMoney(d, "USD"), "USD") }
	assert.Contains(t, text, "Budget used "+money(used)+" of 20,000.00, "+money(left)+" left")
}

// TestReviewDiffSweepExpired: diff's help said each version's totals are
// those run prints, and sweep's that it runs the deals as run does; but
// run's earned counts what expired (in its expired column too) and diff's
// and sweep's earned do not. As of 2027-06-30 every deal of the MSP
// advantage program (closed 2027-01-06 .. 2027-03-25, 90-day claim
// window) has expired: run prints earned = expired, and diff and sweep
// earn 0.00 = earned - expired. The help now says so.
func TestReviewDiffSweepExpired(t *testing.T) {
	chdirRoot(t)
	const prog, deals, partners = "examples/programs/msp-advantage.yaml", "examples/data/msp-deals.yaml", "examples/data/msp-partners.yaml"
	flags := []string{"-as-of", "2027-06-30", "-program", "msp-advantage-2027", "-partners", partners}
	out, stderr, code := invoke(append(append([]string{"run", "-output", "json"}, flags...), prog, deals)...)
	require.Equal(t, exitOK, code, stderr)
	var st struct {
		Earned, Expired struct{ Amount string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	require.Equal(t, st.Earned.Amount, st.Expired.Amount, "everything expired")
	require.NotEqual(t, "0.00", st.Earned.Amount)

	out, stderr, code = invoke(append(append([]string{"diff", "-format", "json"}, flags...), prog, prog, deals)...)
	require.Equal(t, exitOK, code, stderr)
	var d struct {
		Earned struct{ Old, New string } `json:"earned"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &d))
	// earned - expired = 0.00 under both versions.
	assert.Equal(t, "0.00", d.Earned.Old)
	assert.Equal(t, "0.00", d.Earned.New)

	help, _, _ := invoke("help", "diff")
	assert.Contains(t, strings.Join(strings.Fields(help), " "), "less what expired")
	help, _, _ = invoke("help", "sweep")
	assert.Contains(t, strings.Join(strings.Fields(help), " "), "run's earned less what expired")
}
