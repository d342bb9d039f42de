package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A partner who only carries a balance into a run (no deal of its own in
// it) is paid by the payment method its -partners record names, with that
// method's minimum and fee, as it would be with deals. VAR-EMBER is paid by
// cheque under examples/programs/var-rebate-2027.yaml: cheques from 400.00,
// less a 25.00 fee; the program's own minimum is 100.00.
func TestRunCarriedOnlyPartnerKeepsPaymentMethod(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o600))
		return p
	}
	// Q1: E-501 15,000.00 x 1.5% = 225.00, below the 400.00 cheque
	// minimum: carried out. Q2: another partner's deal only.
	q1 := write("q1.yaml", "- {id: E-501, partner_id: VAR-EMBER, close_date: 2027-03-02, amount: \"15000.00\"}\n")
	q2 := write("q2.yaml", "- {id: C-301, partner_id: VAR-CIRRUS, close_date: 2027-04-10, amount: \"40000.00\"}\n")
	partners := "examples/data/var-partners.yaml"
	program := "examples/programs/var-rebate-2027.yaml"
	stdout, stderr, code := invoke("run", "-as-of", "2027-03-31", "-output", "json", "-partners", partners, program, q1)
	require.Equal(t, exitOK, code, stderr)
	statement := write("q1.json", stdout)

	tests := []struct {
		name, carried                  string
		payable, carriedOut, fee, sent string
	}{
		// 225.00 carried in < 400.00 (cheque): carried out again, no cheque.
		{"previous statement, below the cheque minimum", statement, "0.00", "225.00", "0.00", "0.00"},
		// 450.00 >= 400.00: paid by cheque, 450.00 - 25.00 = 425.00 sent.
		{"hand-written balance, above the cheque minimum", write("c.json", `{"VAR-EMBER": "450.00"}`), "450.00", "0.00", "25.00", "425.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := invoke("run", "-as-of", "2027-06-30", "-output", "json", "-carried", tt.carried,
				"-partners", partners, program, q2)
			require.Equal(t, exitOK, code, stderr)
			var doc struct {
				Partners []struct {
					Partner       string                  `json:"partner"`
					PaymentMethod string                  `json:"payment_method"`
					Payable       struct{ Amount string } `json:"payable"`
					CarriedOut    struct{ Amount string } `json:"carried_out"`
					Fee           struct{ Amount string } `json:"fee"`
					Sent          struct{ Amount string } `json:"sent"`
				} `json:"partners"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
			found := false
			for _, p := range doc.Partners {
				if p.Partner != "VAR-EMBER" {
					continue
				}
				found = true
				assert.Equal(t, "check", p.PaymentMethod)
				assert.Equal(t, []string{tt.payable, tt.carriedOut, tt.fee, tt.sent},
					[]string{p.Payable.Amount, p.CarriedOut.Amount, p.Fee.Amount, p.Sent.Amount})
			}
			assert.True(t, found, "VAR-EMBER is on the statement: %s", stdout)
		})
	}
}

// The text statement's partner column is as wide as the longest partner id
// or breakdown label ("  payee partner"), not as the longest settlement
// detail below a partner: those labels run on into the name column. Under
// examples/programs/var-rebate-2027.yaml as of 2027-06-30, the detail
// "    capped (not paid, not carried) 4,350.00: partner cap 6,000.00 cut
// 4,350.00" (80 characters with its indent) made the partner column 80
// wide, though the longest id, VAR-BEACON or VAR-CIRRUS, has 10
// characters and the longest breakdown label, "  payee partner", 15. The
// amounts stay aligned under their headers.
func TestRunTextPartnerColumnFitsIDs(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("run", "-as-of", "2027-06-30", "-partners", "examples/data/var-partners.yaml",
		"examples/programs/var-rebate-2027.yaml", "examples/data/var-deals.yaml")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(stdout, "\n")
	var header string
	for _, l := range lines {
		if strings.HasPrefix(l, "partner ") {
			header = l
			break
		}
	}
	// "partner" (7) padded to 15, then the two blanks between columns.
	require.True(t, strings.HasPrefix(header, "partner"+strings.Repeat(" ", 8+2)+"name "), "header %q", header)
	// Every amount in the earned column ends where its header does.
	earnedEnd := strings.Index(header, "earned") + len("earned")
	checked := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "      true-up ") || strings.HasPrefix(l, "      advances 2027-") || strings.HasPrefix(l, "VAR-ATLAS ") {
			require.GreaterOrEqual(t, len(l), earnedEnd, "line %q", l)
			assert.NotEqual(t, ' ', rune(l[earnedEnd-1]), "line %q", l)
			if len(l) > earnedEnd {
				assert.Equal(t, ' ', rune(l[earnedEnd]), "line %q", l)
			}
			checked++
		}
	}
	// VAR-ATLAS: 1 row, 4 advance rows, 4 true-up rows; VAR-BEACON 3 + 4;
	// VAR-CIRRUS 2 + 4; VAR-EMBER 1 + 2.
	assert.Equal(t, 1+4+4+3+4+2+4+1+2, checked)
}

// The var-rebate-2027 sample data run once over the half year and chained a
// quarter at a time (examples/data/README.md works both out): the chain
// carries the negative true-ups and the year to date, not the budget, so
// the partners the budget cut in the single run are paid more.
func TestRunVarRebateChainAgainstSingleRun(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile("examples/data/var-deals.yaml")
	require.NoError(t, err)
	first, second, ok := strings.Cut(string(src), "# Second quarter.")
	require.True(t, ok)
	q1, q2 := filepath.Join(dir, "q1.yaml"), filepath.Join(dir, "q2.yaml")
	require.NoError(t, os.WriteFile(q1, []byte(first), 0o600))
	require.NoError(t, os.WriteFile(q2, []byte(second), 0o600))
	program, partners := "examples/programs/var-rebate-2027.yaml", "examples/data/var-partners.yaml"

	type figures struct{ earned, payable, carriedOut, sent string }
	statement := func(args ...string) (string, map[string]figures) {
		t.Helper()
		stdout, stderr, code := invoke(append([]string{"run", "-output", "json", "-partners", partners}, args...)...)
		require.Equal(t, exitOK, code, stderr)
		var doc struct {
			Earned   struct{ Amount string } `json:"earned"`
			Partners []struct {
				Partner    string                  `json:"partner"`
				Earned     struct{ Amount string } `json:"earned"`
				Payable    struct{ Amount string } `json:"payable"`
				CarriedOut struct{ Amount string } `json:"carried_out"`
				Sent       struct{ Amount string } `json:"sent"`
			} `json:"partners"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
		out := map[string]figures{}
		for _, p := range doc.Partners {
			out[p.Partner] = figures{p.Earned.Amount, p.Payable.Amount, p.CarriedOut.Amount, p.Sent.Amount}
		}
		return doc.Earned.Amount, out
	}

	// One run: 20,000.00 earned, the budget.
	earned, single := statement("-as-of", "2027-06-30", program, "examples/data/var-deals.yaml")
	assert.Equal(t, "20000.00", earned)
	assert.Equal(t, map[string]figures{
		"MSP-DUNE":   {"0.00", "0.00", "0.00", "0.00"},
		"VAR-ATLAS":  {"11250.00", "11250.00", "0.00", "11225.00"}, // cheque: 11,250.00 - 25.00
		"VAR-BEACON": {"6900.00", "6900.00", "0.00", "6900.00"},
		"VAR-CIRRUS": {"1625.00", "1625.00", "0.00", "1625.00"},
		"VAR-EMBER":  {"225.00", "0.00", "225.00", "0.00"}, // below the 400.00 cheque minimum
	}, single)

	// The first quarter: 2,600.00 + 900.00 + 1,750.00 + 225.00 + 600.00 +
	// 1,350.00 + VAR-ATLAS's true-up 300.00 = 7,725.00.
	stdout, stderr, code := invoke("run", "-output", "json", "-as-of", "2027-03-31", "-partners", partners, program, q1)
	require.Equal(t, exitOK, code, stderr)
	q1JSON := filepath.Join(dir, "q1.json")
	require.NoError(t, os.WriteFile(q1JSON, []byte(stdout), 0o600))
	// The second, carried: B-202 5,600.00, A-104 5,250.00, B-203 400.00,
	// C-302 1,700.00 (no budget cut: the budget starts from zero); true-ups
	// VAR-ATLAS 750.00 (its cap's room), VAR-CIRRUS 2,000.00 - 1,500.00 -
	// 200.00 carried = 300.00. 14,000.00 earned.
	earned, chained := statement("-as-of", "2027-06-30", "-carried", q1JSON, program, q2)
	assert.Equal(t, "14000.00", earned)
	assert.Equal(t, map[string]figures{
		"VAR-ATLAS":  {"6000.00", "6000.00", "0.00", "5975.00"},
		"VAR-BEACON": {"6000.00", "6000.00", "0.00", "6000.00"},
		"VAR-CIRRUS": {"2000.00", "2000.00", "0.00", "2000.00"},
		"VAR-EMBER":  {"0.00", "0.00", "225.00", "0.00"},
	}, chained)
	// VAR-BEACON, whom the budget never cut: Q1 900.00 + Q2 6,000.00 =
	// 6,900.00, the single run's figure.
	assert.Equal(t, "6900.00", decimal.RequireFromString("900.00").Add(decimal.RequireFromString(chained["VAR-BEACON"].earned)).StringFixed(2))
}

// explain runs the deals as run does, true-ups included: a true-up paid at
// a quarter's end uses up budget that a later deal's explanation must see.
// Under var-rebate-2027 the budget had paid 18,975.00 before C-302 (the
// deals' 18,675.00 and VAR-ATLAS's first-quarter true-up of 300.00; see
// examples/data/README.md): 1,700.00 is cut by 675.00 to 1,025.00, the
// figure the statement pays. Without the true-ups explain showed 18,675.00
// used and a total of 1,325.00.
func TestExplainCountsTrueUpsInTheCaps(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("explain", "-as-of", "2027-06-30", "-deal", "C-302", "-partners", "examples/data/var-partners.yaml",
		"examples/programs/var-rebate-2027.yaml", "examples/data/var-deals.yaml")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "program budget 20,000.00 (18,975.00 used before) cut 675.00 (1,700.00 -> 1,025.00)")
	assert.Contains(t, stdout, "total 1,025.00 USD to partner")
}

// Without a -partners file (deals carry their partners inline), a partner
// who only carries a balance in is paid by the method the previous
// statement names: VAR-EMBER's 225.00 is below its 400.00 cheque minimum
// and is carried again, not paid under the program's 100.00.
func TestRunCarriedOnlyPartnerMethodFromStatement(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o600))
		return p
	}
	// 15,000.00 x 1.5% = 225.00
	q1 := write("q1.yaml", "- {id: E-501, partner: {id: VAR-EMBER, type: var, payment_method: check}, close_date: 2027-03-02, amount: \"15000.00\"}\n")
	q2 := write("q2.yaml", "- {id: C-301, partner: {id: VAR-CIRRUS, type: var, payment_method: bank_transfer}, close_date: 2027-04-10, amount: \"40000.00\"}\n")
	program := "examples/programs/var-rebate-2027.yaml"
	stdout, stderr, code := invoke("run", "-as-of", "2027-03-31", "-output", "json", program, q1)
	require.Equal(t, exitOK, code, stderr)
	stdout, stderr, code = invoke("run", "-as-of", "2027-06-30", "-output", "json", "-carried", write("q1.json", stdout), program, q2)
	require.Equal(t, exitOK, code, stderr)
	var doc struct {
		Partners []struct {
			Partner       string                  `json:"partner"`
			PaymentMethod string                  `json:"payment_method"`
			Payable       struct{ Amount string } `json:"payable"`
			CarriedOut    struct{ Amount string } `json:"carried_out"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	require.Len(t, doc.Partners, 2) // VAR-CIRRUS, VAR-EMBER
	ember := doc.Partners[1]
	assert.Equal(t, []string{"VAR-EMBER", "check", "0.00", "225.00"},
		[]string{ember.Partner, ember.PaymentMethod, ember.Payable.Amount, ember.CarriedOut.Amount})
}
