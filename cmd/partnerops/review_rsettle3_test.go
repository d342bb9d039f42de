package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without -as-of, run settles as of the last deal's close. A quarter's
// true-up settled in the run (inside the budget) by an ineligible deal
// after the quarter's end was left off the statement: the settle date was
// the last *eligible* deal's, so the quarter showed open, unpaid, and was
// carried on to be settled again by the next run.
func TestReviewRsettle3RunSettlesAsOfLastDealEvenIneligible(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(prog, []byte(`apiVersion: partnerops/v1
kind: Program
id: capped-rebate
name: Rebate
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
eligibility:
  - name: registered deal
    when: deal.registered
earnings:
  - id: advance
    type: rebate
    amount: deal.amount * 0.02
caps:
  budget: 3000
settlements:
  - id: q
    type: rebate
    period: quarter
    advances: {earnings: [advance]}
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, to: 50000, rate: 0.01}
        - {from: 50000, rate: 0.03}
`), 0o600))
	deals := filepath.Join(dir, "d.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(
		"- {id: D-1, partner: {id: P-1, tier: gold}, registered: true, close_date: 2026-01-15, amount: \"60000.00\"}\n"+
			"- {id: D-2, partner: {id: P-1, tier: gold}, registered: false, close_date: 2026-04-10, amount: \"30000.00\"}\n"), 0o600))
	stdout, stderr, code := invoke("run", "-output", "json", prog, deals)
	require.Equal(t, exitOK, code, stderr)
	var doc struct {
		Earned   struct{ Amount string } `json:"earned"`
		Partners []struct {
			Settlements []struct {
				From    string                  `json:"from"`
				Settled bool                    `json:"settled"`
				Payable struct{ Amount string } `json:"payable"`
			} `json:"settlements"`
			SettlementCarry []struct {
				Through string `json:"through"`
				Open    []any  `json:"open"`
			} `json:"settlement_carry"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc), stdout)
	require.Len(t, doc.Partners, 1)
	require.Len(t, doc.Partners[0].Settlements, 1)
	q1 := doc.Partners[0].Settlements[0]
	// D-1: 60,000 x 2% = 1,200.00. Q1: 60,000 at 3% = 1,800 - 1,200 =
	// 600.00, inside the budget (1,800 <= 3,000). Earned 1,200 + 600 =
	// 1,800.00.
	assert.True(t, q1.Settled)
	assert.Equal(t, "600.00", q1.Payable.Amount)
	assert.Equal(t, "1800.00", doc.Earned.Amount)
	require.Len(t, doc.Partners[0].SettlementCarry, 1)
	assert.Equal(t, "2026-03-31", doc.Partners[0].SettlementCarry[0].Through)
	assert.Empty(t, doc.Partners[0].SettlementCarry[0].Open)
}
