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

// chainStatement is what the chain tests read of a JSON statement.
type chainStatement struct {
	Payable    struct{ Amount string } `json:"payable"`
	BudgetUsed *struct {
		Amount   string
		Currency string
	} `json:"budget_used"`
	Partners []struct {
		Partner string                  `json:"partner"`
		Payable struct{ Amount string } `json:"payable"`
	} `json:"partners"`
}

// chainRun runs the command, wants exit 0, and returns the decoded JSON
// statement (written to dir/out when out is set) and stderr.
func chainRun(t *testing.T, dir, out string, args ...string) (chainStatement, string) {
	t.Helper()
	stdout, stderr, code := invoke(append([]string{"run", "-json"}, args...)...)
	require.Equal(t, exitOK, code, stderr)
	if out != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, out), []byte(stdout), 0o600))
	}
	var st chainStatement
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	return st, stderr
}

// payables is each partner's payable, and "budget" the budget_used
// ("none" when the statement has none).
func (st chainStatement) payables() map[string]string {
	m := map[string]string{"total": st.Payable.Amount, "budget": "none"}
	if st.BudgetUsed != nil {
		m["budget"] = st.BudgetUsed.Amount + " " + st.BudgetUsed.Currency
	}
	for _, p := range st.Partners {
		m[p.Partner] = p.Payable.Amount
	}
	return m
}

// TestChainedRunsKeepToTheBudget runs two programs with a lifetime budget a
// quarter at a time, the second run reading the first one's statement
// with -carried, and checks the chain pays what one run over both
// quarters pays: the statement records budget_used, and the next run's
// budget starts from it. The figures are worked out by hand.
func TestChainedRunsKeepToTheBudget(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	in := testdata + "/chain/"
	tests := []struct {
		name, program, q1, q2, all string
		// first: the first run's figures; want: the second run's.
		first, want map[string]string
		// whole: the single run over both quarters.
		whole map[string]string
	}{
		{
			name: "deal payouts", program: in + "budget.yaml", q1: in + "q1.json", q2: in + "q2.json", all: in + "all.json",
			// Q1: P-1 3,000 x 10% = 300.00; P-2 4,000 x 10% = 400.00;
			// the budget has paid 300.00 + 400.00 = 700.00 of 1,000.00.
			first: map[string]string{"P-1": "300.00", "P-2": "400.00", "total": "700.00", "budget": "700.00 USD"},
			// Q2 from 700.00: P-1 2,000 x 10% = 200.00 (room 300.00);
			// P-2 3,000 x 10% = 300.00, room 1,000.00 - 900.00 = 100.00.
			// (Without the carried budget it paid 500.00: 1,200.00 in all.)
			want: map[string]string{"P-1": "200.00", "P-2": "100.00", "total": "300.00", "budget": "1000.00 USD"},
			// One run: P-1 300.00 + 200.00, P-2 400.00 + 100.00.
			whole: map[string]string{"P-1": "500.00", "P-2": "500.00", "total": "1000.00", "budget": "1000.00 USD"},
		},
		{
			name: "true-ups settled after the run", program: in + "settle.yaml", q1: in + "settle-q1.json", q2: in + "settle-q2.json", all: in + "settle-all.json",
			// Q1 advances 2%: P-1 10,000 -> 200.00, P-2 15,000 -> 300.00;
			// the quarter ends on the as-of day, so it settles after the
			// run: true-ups at 3% P-1 300.00 - 200.00 = 100.00, P-2
			// 450.00 - 300.00 = 150.00. Budget: 500.00 + 250.00 = 750.00.
			first: map[string]string{"P-1": "300.00", "P-2": "450.00", "total": "750.00", "budget": "750.00 USD"},
			// Q2 from 750.00: P-1 20,000 x 2% = 400.00, room 250.00 ->
			// 250.00; P-2 5,000 x 2% = 100.00, room 0.00 -> 0.00; the
			// true-ups (600.00 - 250.00 = 350.00, 150.00) have no room.
			want: map[string]string{"P-1": "250.00", "P-2": "0.00", "total": "250.00", "budget": "1000.00 USD"},
			// One run: P-1 300.00 + 250.00, P-2 450.00 + 0.00.
			whole: map[string]string{"P-1": "550.00", "P-2": "450.00", "total": "1000.00", "budget": "1000.00 USD"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := strings.ReplaceAll(tt.name, " ", "-") + ".json"
			first, stderr := chainRun(t, dir, out, "-as-of", "2027-03-31", tt.program, tt.q1)
			assert.Equal(t, tt.first, first.payables())
			assert.NotContains(t, stderr, "warning")
			for _, workers := range []string{"1", "4"} {
				second, stderr := chainRun(t, dir, "", "-workers", workers, "-as-of", "2027-06-30", "-carried", filepath.Join(dir, out), tt.program, tt.q2)
				assert.Equal(t, tt.want, second.payables(), "workers %s", workers)
				// Q1 and Q2 are different partner cap periods.
				assert.NotContains(t, stderr, "warning")
			}
			whole, _ := chainRun(t, dir, "", "-as-of", "2027-06-30", tt.program, tt.all)
			assert.Equal(t, tt.whole, whole.payables())
		})
	}
}

// TestChainedRunWarnings checks what a chained run says on stderr when the
// carried statement cannot carry everything: a per_partner cap period
// that both runs fall in (its count starts from zero again), and a
// statement written before budget_used was recorded (the budget starts
// from zero). Both are warnings: the run goes on as before.
func TestChainedRunWarnings(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	prog := testdata + "/chain/budget.yaml"
	// January alone (A-1 only: the file's February deal is left to the
	// next run by splitting the deals).
	jan := filepath.Join(dir, "jan-deals.json")
	feb := filepath.Join(dir, "feb-deals.json")
	require.NoError(t, os.WriteFile(jan, []byte(`[{"id": "A-1", "close_date": "2027-01-10", "amount": "3000.00", "partner": {"id": "P-1", "tier": "gold"}}]`), 0o600))
	require.NoError(t, os.WriteFile(feb, []byte(`[{"id": "A-3", "close_date": "2027-02-10", "amount": "6000.00", "partner": {"id": "P-1", "tier": "gold"}}]`), 0o600))
	first, _ := chainRun(t, dir, "jan.json", "-as-of", "2027-01-31", prog, jan)
	// 3,000 x 10% = 300.00.
	assert.Equal(t, map[string]string{"P-1": "300.00", "total": "300.00", "budget": "300.00 USD"}, first.payables())

	t.Run("cap period split over two runs", func(t *testing.T) {
		second, stderr := chainRun(t, dir, "", "-as-of", "2027-02-28", "-carried", filepath.Join(dir, "jan.json"), prog, feb)
		assert.Contains(t, stderr, "warning: per_partner cap 800.00 per quarter: the previous run")
		assert.Contains(t, stderr, "as of 2027-01-31) and this run's first deal (2027-02-10) are both in 2027-Q1")
		assert.Contains(t, stderr, "run the whole quarter at once")
		// The cap counts from zero: 6,000 x 10% = 600.00 is under 800.00,
		// though P-1 was paid 300.00 in the quarter already (900.00 in
		// all; one run pays 800.00 - 300.00 = 500.00). The budget still
		// carries: 300.00 + 600.00 = 900.00.
		assert.Equal(t, map[string]string{"P-1": "600.00", "total": "600.00", "budget": "900.00 USD"}, second.payables())
	})

	t.Run("statement without budget_used", func(t *testing.T) {
		src, err := os.ReadFile(filepath.Join(dir, "jan.json"))
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(src, &doc))
		require.Contains(t, doc, "budget_used")
		delete(doc, "budget_used")
		old, err := json.Marshal(doc)
		require.NoError(t, err)
		oldPath := filepath.Join(dir, "old.json")
		require.NoError(t, os.WriteFile(oldPath, old, 0o600))
		// April: another cap period, so only the budget warning.
		apr := filepath.Join(dir, "apr-deals.json")
		require.NoError(t, os.WriteFile(apr, []byte(`[{"id": "B-9", "close_date": "2027-04-10", "amount": "9000.00", "partner": {"id": "P-2", "tier": "gold"}}]`), 0o600))
		second, stderr := chainRun(t, dir, "", "-as-of", "2027-06-30", "-carried", oldPath, prog, apr)
		assert.Contains(t, stderr, "warning: "+oldPath+" records no budget_used")
		assert.Contains(t, stderr, "budget of 1,000.00 starts from 0.00")
		assert.NotContains(t, stderr, "per_partner cap")
		// From zero: 9,000 x 10% = 900.00 is over the partner cap, 800.00.
		assert.Equal(t, map[string]string{"P-2": "800.00", "total": "800.00", "budget": "800.00 USD"}, second.payables())
	})
}

// TestChainFromStatement checks what -carried reads of budget_used and
// as_of, and the errors and warnings a statement that does not fit gets.
func TestChainFromStatement(t *testing.T) {
	chdirRoot(t)
	var stderr strings.Builder
	withBudget, code := loadProgram("run", testdata+"/chain/budget.yaml", "", &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	noBudget, code := loadProgram("run", testdata+"/settle/program.yaml", "", &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	const head = `{"program": {"id": "x"}, "partners": [], `
	tests := []struct {
		name, src string
		noBudget  bool
		// budget is the budget_used read ("" for none), err a part of the
		// error, warn a part of the warning ("" for none).
		budget, asOf, err, warn string
	}{
		{name: "budget and as_of", src: head + `"as_of": "2027-03-31T23:00:00Z", "budget_used": {"amount": "700.005", "currency": "USD"}}`,
			budget: "700.005", asOf: "2027-03-31"},
		{name: "old statement", src: head + `"as_of": ""}`, warn: "records no budget_used"},
		{name: "balances file", src: `{"P-1": "40.00"}`},
		{name: "another currency", src: head + `"budget_used": {"amount": "1.00", "currency": "EUR"}}`, err: "budget_used is in EUR, the program pays in USD"},
		{name: "below zero", src: head + `"budget_used": {"amount": "-1.00", "currency": "USD"}}`, err: "budget_used -1 is below zero"},
		{name: "bad as_of", src: head + `"as_of": "2027-03-31"}`, err: "as_of: want an RFC 3339 time"},
		{name: "no budget in the program", src: head + `"budget_used": {"amount": "700.00", "currency": "USD"}}`, noBudget: true,
			budget: "700", warn: "records budget_used 700.00, but program settled-rebate v1 has no budget: it is not used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := withBudget
			if tt.noBudget {
				p = noBudget
			}
			c, err := chainFromStatement("prev.json", []byte(tt.src), p)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			got := ""
			if c.budget != nil {
				got = c.budget.String()
			}
			assert.Equal(t, tt.budget, got)
			if tt.asOf != "" {
				assert.Equal(t, tt.asOf, c.asOf.String())
			}
			w := c.budgetWarning("prev.json", p)
			if tt.warn == "" {
				assert.Empty(t, w)
			} else {
				assert.Contains(t, w, tt.warn)
			}
		})
	}
}

// TestExplainCarried: explain -carried explains a deal as the chained run
// paid it. Q1 paid 300.00 + 400.00 = 700.00 of the 1,000.00 budget; in Q2,
// B-1 pays 2,000 x 10% = 200.00 (900.00 used), so B-2's 3,000 x 10% =
// 300.00 is cut by 300.00 - (1,000.00 - 900.00) = 200.00 to 100.00, as
// run -carried pays it (TestChainedRunsKeepToTheBudget). Without -carried
// the budget starts from 0.00 and B-2 is explained at 300.00.
func TestExplainCarried(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	in := testdata + "/chain/"
	chainRun(t, dir, "q1.json", in+"budget.yaml", in+"q1.json")
	carried := filepath.Join(dir, "q1.json")

	out, stderr, code := invoke("explain", "-carried", carried, "-deal", "B-2", in+"budget.yaml", in+"q2.json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "program budget 1,000.00 (900.00 used before) cut 200.00 (300.00 -> 100.00)")
	assert.Contains(t, out, "total 100.00 USD to partner")

	out, stderr, code = invoke("explain", "-deal", "B-2", in+"budget.yaml", in+"q2.json")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, out, "program budget")
	assert.Contains(t, out, "total 300.00 USD to partner")

	// A -carried file that is not a statement is refused as run refuses it.
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{not json"), 0o600))
	_, stderr, code = invoke("explain", "-carried", bad, "-deal", "B-2", in+"budget.yaml", in+"q2.json")
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stderr, "bad.json")
	_, runErr, runCode := invoke("run", "-carried", bad, in+"budget.yaml", in+"q2.json")
	assert.Equal(t, runCode, code)
	assert.Equal(t, strings.Replace(runErr, "partnerops run:", "partnerops explain:", 1), stderr)
}
