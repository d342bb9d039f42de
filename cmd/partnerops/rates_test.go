package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunRates: `run -rates` converts EUR deals with a rates file (YAML or
// CSV) and the explanation names the rate used; a bad rates file is a
// positioned error (exit 1).
func TestRunRates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	prog := write("p.yaml", `apiVersion: partnerops/v1
kind: Program
id: eur-rebate
name: EUR rebate
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
rounding: {mode: half_even}
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.01
`)
	// A deal needs its partner's record (issue 10): here inline.
	deals := write("deals.yaml", `- {id: D-1, partner: {id: P-1, tier: gold}, amount: "1000.00", currency: EUR, close_date: 2026-03-10}
`)
	yamlRates := write("rates.yaml", "rates:\n  - {from: EUR, to: USD, rate: 1.0625, as_of: 2026-03-31, valid_from: 2026-03-01, valid_to: 2026-03-31, source: month end}\n")
	csvRates := write("rates.csv", "from,to,rate,as_of,valid_from,valid_to,source\nEUR,USD,1.0625,2026-03-31,2026-03-01,2026-03-31,month end\n")
	for _, rates := range []string{yamlRates, csvRates} {
		// 1,000.00 EUR x 1.0625 = 1,062.50 USD; 1% = 10.625, half_even 10.62.
		stdout, stderr, code := invoke("explain", "-rates", rates, prog, deals)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "converted 1,000.00 EUR at 1.0625 (month end, as of 2026-03-31, valid 2026-03-01 to 2026-03-31) = 1,062.50 USD")
		assert.Contains(t, stdout, "total 10.62 USD")
	}
	_, stderr, code := invoke("run", prog, deals)
	assert.Equal(t, 1, code, "a deal without a rate is an error of that deal")
	assert.Contains(t, stderr+"", "no conversion rate")

	bad := write("bad.csv", "from,to,rate,as_of\nEUR,USD,1.1,2026-03-01\nEUR,USD,1.2,2026-03-01\n")
	_, stderr, code = invoke("run", "-rates", bad, prog, deals)
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(stderr, bad+":3:9: rate: invalid rate: rate 2 (EUR -> USD as of 2026-03-01): duplicate"), stderr)
}
