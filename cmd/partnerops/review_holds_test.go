package main

// Independent review of holds and payout statements of issue #7: each test
// failed before its fix.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A program may round to more places than its currency has (rounding:
// {scale: 4}); its JSON statement then carries amounts such as 1.2300, and
// -carried refused to read that statement back ("has more decimal places
// than USD has"), so such a program could not carry balances or holds.
func TestReviewHoldsCarriedStatementAtProgramScale(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	prog := write("p.yaml", `apiVersion: partnerops/v1
kind: Program
id: fine
name: Fine-grained
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
rounding: {scale: 4}
min_payout: 3
hold: {for: 30d}
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.00123
`)
	d1 := write("d1.yaml", `- {id: D-1, amount: "1000.00", close_date: 2026-01-10, partner: {id: P-1, tier: gold}}
- {id: D-2, amount: "2000.00", close_date: 2026-02-20, partner: {id: P-1, tier: gold}}
`)
	d2 := write("d2.yaml", `- {id: D-3, amount: "3000.00", close_date: 2026-03-25, partner: {id: P-1, tier: gold}}
`)
	type figures struct {
		Partners []struct {
			Held       struct{ Amount string } `json:"held"`
			CarriedIn  struct{ Amount string } `json:"carried_in"`
			Payable    struct{ Amount string } `json:"payable"`
			CarriedOut struct{ Amount string } `json:"carried_out"`
		} `json:"partners"`
	}
	// As of 2026-03-01: D-1 1,000.00 x 0.00123 = 1.2300 matured 2026-02-09,
	// below the 3.00 minimum: carried out. D-2 2,000.00 x 0.00123 = 2.4600
	// is held until 2026-03-22.
	stdout, stderr, code := invoke("run", "-as-of", "2026-03-01", "-output", "json", prog, d1)
	require.Equal(t, exitOK, code, stderr)
	var st figures
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	require.Len(t, st.Partners, 1)
	assert.Equal(t, "2.4600", st.Partners[0].Held.Amount)
	assert.Equal(t, "1.2300", st.Partners[0].CarriedOut.Amount)

	// Fed back as of 2026-04-01: 1.2300 carried in and D-2's 2.4600 matured
	// (carried in 3.6900); D-3 3,000.00 x 0.00123 = 3.6900 is held until
	// 2026-04-24. Due 1.2300 + 2.4600 = 3.6900 >= 3.00: payable.
	prev := write("prev.json", stdout)
	stdout, stderr, code = invoke("run", "-as-of", "2026-04-01", "-carried", prev, "-output", "json", prog, d2)
	require.Equal(t, exitOK, code, stderr)
	st = figures{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	require.Len(t, st.Partners, 1)
	assert.Equal(t, "3.6900", st.Partners[0].CarriedIn.Amount)
	assert.Equal(t, "3.6900", st.Partners[0].Held.Amount)
	assert.Equal(t, "3.6900", st.Partners[0].Payable.Amount)
	// (A zero is written at the currency's places: compare by value.)
	assert.True(t, decimal.RequireFromString(st.Partners[0].CarriedOut.Amount).IsZero(), st.Partners[0].CarriedOut.Amount)
}

// -as-of decides holds as well as expiry: a program designer reading 'help
// run' learned only that it checks claim windows, and not that without it
// everything under a hold is held (nothing payable).
func TestReviewHoldsRunHelpSaysAsOfDecidesHolds(t *testing.T) {
	help, stderr, code := invoke("help", "run")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, help, "which held earnings have matured")
	assert.Contains(t, help, "every earning under the program's hold counts as held")
}

// A hand-written -carried file per bucket could not name the default
// bucket: "default" (the statement's and the YAML tests' name for it) was
// refused with "program has no payout bucket "default" (it pays from
// spiffs, default)", and "" is refused as an empty name, so a partner with
// balances in a named bucket and in the default bucket could not carry
// both. "default" now names the default bucket, as in tests.
func TestReviewHoldsCarriedDefaultBucketByName(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	prog := write("p.yaml", `apiVersion: partnerops/v1
kind: Program
id: two
name: Two buckets
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
payouts:
  - bucket: spiffs
    types: [spiff]
    min_payout: 50
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.01
  - id: rebate
    type: rebate
    amount: deal.amount * 0.02
`)
	deals := write("d.yaml", `- {id: D-1, amount: "6000.00", close_date: 2026-01-10, partner: {id: P-1, tier: gold}}
`)
	carried := write("c.json", `{"P-1": {"spiffs": "-100.00", "default": "-5.00"}}`)
	stdout, stderr, code := invoke("run", "-carried", carried, "-output", "json", prog, deals)
	require.Equal(t, exitOK, code, stderr)
	var st bucketsStatement
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	require.Len(t, st.Partners, 1)
	p := st.Partners[0]
	require.Len(t, p.Buckets, 2)
	// spiffs: 6,000.00 x 1% = 60.00 - 100.00 withheld = -40.00 carried out.
	assert.Equal(t, "100.00", p.Buckets[0].Withheld.Amount)
	assert.Equal(t, "-40.00", p.Buckets[0].CarriedOut.Amount)
	// default: 6,000.00 x 2% = 120.00 - 5.00 withheld = 115.00 payable.
	assert.Equal(t, "", p.Buckets[1].Bucket)
	assert.Equal(t, "5.00", p.Buckets[1].Withheld.Amount)
	assert.Equal(t, "115.00", p.Buckets[1].Payable.Amount)
	// Partner: withheld 100.00 + 5.00 = 105.00.
	assert.Equal(t, "105.00", p.Withheld.Amount)
}
