package rules

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// halfYearProgram settles a rebate by half year with advances by quarter,
// and reads the partner's history by half year: its test's figures are
// worked by hand in its comments.
const halfYearProgram = `apiVersion: partnerops/v1
kind: Program
id: half-rebate
name: Half-year rebate with quarterly advances
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-12-31}
earnings:
  - id: advance
    type: rebate
    amount: deal.amount * 0.02
  - id: growth
    type: bonus
    amount: 0.01 * max(0, deal.amount - history("half", 1) / 10)
settlements:
  - id: half-true-up
    type: rebate
    period: half
    credit: period
    advances: {earnings: [advance], period: quarter}
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, to: 50000, rate: 0.01}
        - {from: 50000, rate: 0.03}
tests:
  - name: half years settle apart, advances by quarter, history by half
    as_of: 2027-12-31
    history: {2026-H2: "100000.00", 2027-H1: "500000.00"}
    deals:
      - {id: D-1, amount: "20000.00", close_date: 2027-02-15}
      - {id: D-2, amount: "40000.00", close_date: 2027-05-15}
      - {id: D-3, amount: "30000.00", close_date: 2027-08-15}
    # advance 2%: D-1 400.00, D-2 800.00, D-3 600.00
    # growth reads the half before the deal's: for D-1 and D-2 2026-H2,
    #   100000.00 / 10 = 10000.00: D-1 0.01 x (20000.00 - 10000.00) = 100.00,
    #   D-2 0.01 x (40000.00 - 10000.00) = 300.00; for D-3 2027-H1,
    #   500000.00 / 10 = 50000.00 > 30000.00: 0.00
    # deals: 500.00 + 1100.00 + 600.00 = 2200.00
    expect:
      total: "2200.00"
      deals:
        D-1: {total: "500.00", lines: {advance: "400.00", growth: "100.00"}}
        D-2: {total: "1100.00", lines: {advance: "800.00", growth: "300.00"}}
        D-3: {total: "600.00", lines: {advance: "600.00", growth: "0.00"}}
      settlements:
        half-true-up:
          # 2027-H1: 20000.00 + 40000.00 = 60000.00 >= 50000.00: 3% = 1800.00,
          #   less 400.00 + 800.00 advanced = 600.00
          2027-01-01: {settled: true, basis: "60000.00", entitlement: "1800.00", advances: "1200.00", true_up: "600.00", payable: "600.00"}
          # 2027-H2: 30000.00: 1% = 300.00 - 600.00 = -300.00, carried
          2027-07-01: {settled: true, basis: "30000.00", entitlement: "300.00", advances: "600.00", true_up: "-300.00", payable: "0", carried_out: "-300.00"}
`

// A half-year period settles, carries advances by quarter and reads a
// partner's history by half year; an advance period longer than the
// settlement's is refused.
func TestHalfYearSettlementAndHistory(t *testing.T) {
	set, err := Load(fstest.MapFS{"half.yaml": {Data: []byte(halfYearProgram)}}, "*.yaml")
	require.NoError(t, err)
	rep := set.RunTests(context.Background(), TestOptions{MinCoverage: 100})
	require.Len(t, rep.Results, 1)
	r := rep.Results[0]
	assert.True(t, r.Passed(), "err %v, diffs %q", r.Err, r.Diffs)
	assert.True(t, rep.OK(), "%s", rep)

	bad := strings.Replace(halfYearProgram, "advances: {earnings: [advance], period: quarter}", "advances: {earnings: [advance], period: year}", 1)
	_, err = Load(fstest.MapFS{"half.yaml": {Data: []byte(bad)}}, "*.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "advances by year do not fit in a half settlement period")
}
