package workbench

import (
	"context"
	"testing"
	"time"

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
