package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The distributor example's 12,000 quarterly partner cap binds the
// quarter's true-up: a quarter of 530,000 is advanced 5,300 and entitled to
// 15,900, and pays 6,700 of its 10,600 true-up (the cap's room at the
// quarter's end), settled in the run before the April deal, which then
// finds a new quarter of the cap.
func TestRunSettlementCappedByPartnerCap(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(
		"- {id: N-1, partner_id: DIST-NORTH, close_date: 2027-01-20, amount: \"200000.00\"}\n"+
			"- {id: N-2, partner_id: DIST-NORTH, close_date: 2027-02-18, amount: \"150000.00\"}\n"+
			"- {id: N-3, partner_id: DIST-NORTH, close_date: 2027-03-10, amount: \"180000.00\"}\n"+
			"- {id: N-4, partner_id: DIST-NORTH, close_date: 2027-04-10, amount: \"10000.00\"}\n"), 0o600))
	results := filepath.Join(dir, "r.jsonl")
	stdout, stderr, code := invoke("run", "-as-of", "2027-04-15", "-output", "json", "-results", results,
		"-partners", "examples/data/distributor-partners.yaml", "examples/programs/distributor-growth.yaml", deals)
	require.Equal(t, exitOK, code, stderr)
	var doc struct {
		Partners []struct {
			Partner     string                  `json:"partner"`
			Earned      struct{ Amount string } `json:"earned"`
			Settlements []struct {
				From    string                  `json:"from"`
				TrueUp  struct{ Amount string } `json:"true_up"`
				Payable struct{ Amount string } `json:"payable"`
				Capped  struct{ Amount string } `json:"capped"`
				Cuts    []struct {
					Scope string `json:"scope"`
				} `json:"cuts"`
			} `json:"settlements"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	require.Len(t, doc.Partners, 1)
	north := doc.Partners[0]
	// Advances 2,000 + 1,500 + 1,800 = 5,300.00; true-up 15,900 - 5,300 =
	// 10,600.00; room 12,000 - 5,300 = 6,700.00, 3,900.00 cut. N-4 (Q2)
	// advances 100.00 under a new quarter's cap. Earned 5,300 + 6,700 +
	// 100 = 12,100.00; in Q1 5,300 + 6,700 = 12,000.00, the cap.
	assert.Equal(t, "12100.00", north.Earned.Amount)
	require.NotEmpty(t, north.Settlements)
	q1 := north.Settlements[0]
	assert.Equal(t, "2027-01-01", q1.From)
	assert.Equal(t, []string{"10600.00", "6700.00", "3900.00"}, []string{q1.TrueUp.Amount, q1.Payable.Amount, q1.Capped.Amount})
	require.Len(t, q1.Cuts, 1)
	assert.Equal(t, "partner", q1.Cuts[0].Scope)

	// The -results file has the true-up as a settlement row; its amounts
	// add up to the statement's earned.
	raw, err := os.ReadFile(results)
	require.NoError(t, err)
	sum := decimal.Zero
	kinds := map[string]int{}
	for _, ln := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var row struct {
			Kind    string
			Total   *struct{ Amount string }
			Payable *struct{ Amount string }
		}
		require.NoError(t, json.Unmarshal([]byte(ln), &row))
		kinds[row.Kind]++
		switch row.Kind {
		case "deal":
			sum = sum.Add(decimal.RequireFromString(row.Total.Amount))
		case "settlement":
			sum = sum.Add(decimal.RequireFromString(row.Payable.Amount))
		}
	}
	// Four deals; Q1 settled (Q2 is open as of 2027-04-15: no row). As of
	// 2027-04-15 no claim window (90 days) has closed: N-1 is claimable to
	// 2027-04-20.
	assert.Equal(t, map[string]int{"deal": 4, "settlement": 1}, kinds)
	assert.Equal(t, "12100.00", sum.StringFixed(2))
}

// A budget binds the true-ups too, in the order they are paid: a budget of
// 5,000 on the example data.
func TestRunSettlementCappedByBudget(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile("examples/programs/distributor-growth.yaml")
	require.NoError(t, err)
	prog := filepath.Join(dir, "p.yaml")
	text := strings.Replace(string(src), "  per_partner: {limit: 12000, period: quarter}\n", "  per_partner: {limit: 12000, period: quarter}\n  budget: 5000\n", 1)
	require.NotEqual(t, string(src), text)
	require.NoError(t, os.WriteFile(prog, []byte(text), 0o600))
	stmt := filepath.Join(dir, "st.csv")
	results := filepath.Join(dir, "r.csv")
	stdout, stderr, code := invoke("run", "-as-of", "2027-04-05", "-output", "csv", "-results", results,
		"-partners", "examples/data/distributor-partners.yaml", prog, "examples/data/distributor-deals.yaml")
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, os.WriteFile(stmt, []byte(stdout), 0o600))
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	// Deals in order, paid under the budget (the expired WES-300's 50.00
	// uses none of it): NOR-101 1,472.79, SOU-201 451.96, WES-301 300.00,
	// NOR-102 1,079.90, NOR-103 1,100.00, SOU-202 225.01 = 4,629.66. Q1's
	// true-ups settle before SOU-203 (2027-04-02), by partner id:
	// DIST-NORTH 6,500 - 3,250 = 3,250.00 finds 5,000 - 4,629.66 = 370.34
	// (2,879.66 cut); DIST-SOUTH 0.00; DIST-WEST 50.00 finds none (50.00
	// cut); SOU-203's 100.00 finds none. Earned: 4,629.66 + 370.34 + the
	// expired 50.00 = 5,050.00, of which 5,000.00 claimable: the budget.
	var total []string
	type st struct{ payable, capped, by string }
	got := map[string]st{}
	for _, r := range recs[1:] {
		switch r[col["kind"]] {
		case "total":
			total = []string{r[col["earned"]], r[col["expired"]]}
		case "settlement":
			if r[col["settled"]] == "true" {
				got[r[col["partner"]]] = st{r[col["true_up_payable"]], r[col["true_up_capped"]], r[col["capped_by"]]}
			}
		}
	}
	assert.Equal(t, []string{"5050.00", "50.00"}, total)
	assert.Equal(t, map[string]st{
		"DIST-NORTH": {"370.34", "2879.66", "budget"},
		"DIST-SOUTH": {"0.00", "0.00", ""},
		"DIST-WEST":  {"0.00", "50.00", "budget"},
	}, got)

	// The -results CSV: a settlement row per settled period, and the
	// amount column adds up to the statement's earned.
	rr, err := os.ReadFile(results)
	require.NoError(t, err)
	rows, err := csv.NewReader(strings.NewReader(string(rr))).ReadAll()
	require.NoError(t, err)
	rc := map[string]int{}
	for i, h := range rows[0] {
		rc[h] = i
	}
	sum, settlements := decimal.Zero, 0
	for _, r := range rows[1:] {
		if a := r[rc["amount"]]; a != "" {
			sum = sum.Add(decimal.RequireFromString(a))
		}
		if r[rc["kind"]] == "settlement" {
			settlements++
			assert.Empty(t, r[rc["deal"]])
		}
	}
	assert.Equal(t, 3, settlements)
	assert.Equal(t, "5050.00", sum.StringFixed(2))
}

// Two quarters run once, or as two runs chained with -carried, pay the
// same under the 12,000 quarterly cap.
func TestRunSettlementCappedChainedEqualsOne(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile("examples/programs/distributor-growth.yaml")
	require.NoError(t, err)
	// Without the claim window, so the as-of dates expire nothing.
	text := strings.Replace(string(src), "claims: {window: 90d, from: close_date}\n", "", 1)
	require.NotEqual(t, string(src), text)
	prog := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(prog, []byte(text), 0o600))
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	q1 := "- {id: N-1, partner_id: DIST-NORTH, close_date: 2027-01-20, amount: \"200000.00\"}\n" +
		"- {id: N-2, partner_id: DIST-NORTH, close_date: 2027-02-18, amount: \"150000.00\"}\n" +
		"- {id: N-3, partner_id: DIST-NORTH, close_date: 2027-03-10, amount: \"180000.00\"}\n"
	q2 := "- {id: N-4, partner_id: DIST-NORTH, close_date: 2027-04-10, amount: \"10000.00\"}\n" +
		"- {id: N-5, partner_id: DIST-NORTH, close_date: 2027-05-05, amount: \"600000.00\"}\n"
	partners := "examples/data/distributor-partners.yaml"
	type line struct {
		From    string
		Settled bool
		TrueUp  struct{ Amount string } `json:"true_up"`
		Payable struct{ Amount string }
		Capped  struct{ Amount string }
	}
	type doc struct {
		Partners []struct {
			Earned      struct{ Amount string }
			Settlements []line
		}
	}
	run := func(args ...string) doc {
		stdout, stderr, code := invoke(append([]string{"run", "-output", "json", "-partners", partners}, args...)...)
		require.Equal(t, exitOK, code, stderr)
		var d doc
		require.NoError(t, json.Unmarshal([]byte(stdout), &d))
		require.Len(t, d.Partners, 1)
		return d
	}
	figures := func(ls []line) []string {
		var out []string
		for _, l := range ls {
			if l.Settled {
				out = append(out, l.From+" "+l.TrueUp.Amount+" "+l.Payable.Amount+" "+l.Capped.Amount)
			}
		}
		return out
	}
	one := run("-as-of", "2027-06-30", prog, write("all.yaml", q1+q2))
	// Q1: advances 5,300.00, true-up 15,900 - 5,300 = 10,600.00, room
	// 6,700.00 (3,900.00 cut). Q2: advances 100 + 6,000 = 6,100.00; 610,000
	// at 3% = 18,300.00 - 6,100.00 = 12,200.00, room 12,000 - 6,100 =
	// 5,900.00 (6,300.00 cut). Earned 12,000.00 a quarter.
	assert.Equal(t, []string{"2027-01-01 10600.00 6700.00 3900.00", "2027-04-01 12200.00 5900.00 6300.00"}, figures(one.Partners[0].Settlements))
	assert.Equal(t, "24000.00", one.Partners[0].Earned.Amount)

	stdout, stderr, code := invoke("run", "-output", "json", "-as-of", "2027-03-31", "-partners", partners, prog, write("q1.yaml", q1))
	require.Equal(t, exitOK, code, stderr)
	first := write("q1.json", stdout)
	var d1 doc
	require.NoError(t, json.Unmarshal([]byte(stdout), &d1))
	second := run("-as-of", "2027-06-30", "-carried", first, prog, write("q2.yaml", q2))
	assert.Equal(t, figures(one.Partners[0].Settlements), append(figures(d1.Partners[0].Settlements), figures(second.Partners[0].Settlements)...))
	assert.Equal(t, []string{"12000.00", "12000.00"}, []string{d1.Partners[0].Earned.Amount, second.Partners[0].Earned.Amount})
}
