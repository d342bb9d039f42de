package workbench

import (
	"context"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const settleOld = `
apiVersion: partnerops/v1
kind: Program
id: settled
name: Advances and a quarterly true-up
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-12-31, timezone: UTC}
earnings:
  - {id: advance, type: rebate, amount: deal.amount * 0.02}
settlements:
  - id: q
    type: rebate
    period: quarter
    credit: period
    advances: {earnings: [advance], period: month}
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, rate: 0.03}
`

// TestCompareSettlements: a diff counts each version's period true-ups, as
// 'partnerops run' does (it used to leave them out, so a change of the
// true-up's rate showed no change at all).
func TestCompareSettlements(t *testing.T) {
	oldP := compile(t, settleOld)
	newP := compile(t, bytesReplace(settleOld, "version: 1", "version: 2", "rate: 0.03", "rate: 0.04"))
	deals := decode(t, oldP, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-01-10}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-02-10}
`)
	// Advances: 10,000 x 2% = 200 + 20,000 x 2% = 400 = 600 under both.
	// Q1 true-up as of 2027-04-01 (the quarter has ended): old 30,000 x
	// 3% = 900 - 600 = 300; new 30,000 x 4% = 1,200 - 600 = 600.
	// Earned: old 600 + 300 = 900, new 600 + 600 = 1,200, delta 300.
	asOf := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	d, err := Compare(context.Background(), oldP, newP, seqOf(deals), DiffOptions{AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, "900", d.Earned.Old.String())
	assert.Equal(t, "1200", d.Earned.New.String())
	assert.Equal(t, "300", d.Earned.Delta.String())
	assert.Equal(t, 0, d.Changed, "no deal's own amounts changed")
	require.Len(t, d.Partners, 1)
	assert.Equal(t, "P-1", d.Partners[0].Partner)
	assert.Equal(t, "300", d.Partners[0].Amounts.Delta.String())
	assert.Equal(t, 1, d.Gainers)
	require.Len(t, d.Types, 1)
	assert.Equal(t, "rebate", d.Types[0].Key)
	assert.Equal(t, "1200", d.Types[0].Amounts.New.String())
	earn := map[string]string{}
	for _, k := range d.Earnings {
		earn[k.Key] = k.Amounts.Old.String() + " -> " + k.Amounts.New.String()
	}
	assert.Equal(t, map[string]string{"advance": "600 -> 600", TrueUpKey("q"): "300 -> 600"}, earn)

	// Without an as-of date, the periods settle as of the last deal
	// (2027-02-10), as run settles them: Q1 is still open, so no true-up
	// is payable under either version and only the advances count.
	d, err = Compare(context.Background(), oldP, newP, seqOf(deals), DiffOptions{})
	require.NoError(t, err)
	assert.Equal(t, "600", d.Earned.Old.String())
	assert.Equal(t, "600", d.Earned.New.String())
}

// TestSweepSettlements: a sweep's totals count the true-ups, and the
// true-up's own rate can be swept (it used to leave them out: every point
// earned the advances only).
func TestSweepSettlements(t *testing.T) {
	p := compile(t, settleOld)
	deals := decode(t, p, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-01-10}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-02-10}
`)
	s, err := SweepNumber(context.Background(), deals, SweepOptions{
		Name: "settled.yaml", Source: []byte(settleOld), Path: "settlements[q].bands.table[0].rate",
		From: decimal.RequireFromString("0.02"), To: decimal.RequireFromString("0.04"), Step: decimal.RequireFromString("0.01"),
		AsOf: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC),
	})
	require.NoError(t, err)
	// As written (3%): 600 advances + (900 - 600) = 900. At 2%: the
	// entitlement 30,000 x 2% = 600 equals the advances, true-up 0: 600.
	// At 4%: 600 + (1,200 - 600) = 1,200.
	assert.Equal(t, "900", s.Earned.String())
	got := map[string]string{}
	for _, pt := range s.Points {
		require.Empty(t, pt.Err)
		got[pt.Value.String()] = pt.Earned.String() + " (" + pt.Delta.String() + ")"
	}
	assert.Equal(t, map[string]string{"0.02": "600 (-300)", "0.03": "900 (0)", "0.04": "1200 (300)"}, got)
}

// TestCostChartSettlements: the cost chart steps up by each payable
// true-up on its period's last day (it used to draw the advances only).
func TestCostChartSettlements(t *testing.T) {
	p := compile(t, settleOld)
	deals := decode(t, p, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-01-10}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-02-10}
`)
	s, start, err := costSeries(context.Background(), p, deals, incentive.RunOptions{AsOf: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC), start)
	var got []string
	for _, pt := range s.Points {
		got = append(got, pt.X.String()+":"+pt.Y.String())
	}
	// D1 on day 0 earns 10,000 x 2% = 200; D2 on 2027-02-10, day 31,
	// earns 400 (600 in all); the Q1 true-up, 30,000 x 3% - 600 = 300, on
	// 2027-03-31: day 21 + 28 + 31 = 80 (Jan 10 -> Jan 31 is 21 days),
	// 900 in all.
	assert.Equal(t, []string{"0:0", "0:0", "0:200", "31:200", "31:600", "80:600", "80:900"}, got)
}

// TestRunStatementSettlements: RunStatement is run's statement, true-ups
// in: as of 2027-04-01, P-1 earned 600 of advances + 300 of Q1 true-up;
// as of its last deal (Q1 open), the advances only.
func TestRunStatementSettlements(t *testing.T) {
	p := compile(t, settleOld)
	deals := decode(t, p, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-01-10}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-02-10}
`)
	st, err := RunStatement(context.Background(), p, deals, incentive.RunOptions{AsOf: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.Len(t, st.Partners, 1)
	assert.Equal(t, "900", st.Partners[0].Earned.Amount().String())
	require.Len(t, st.Partners[0].Settlements, 1)
	assert.Equal(t, "300", st.Partners[0].Settlements[0].Payable.Amount().String())

	st, err = RunStatement(context.Background(), p, deals, incentive.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, "600", st.Earned.Amount().String())
}
