package rules_test

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expressions that read the partner's running totals see the totals before
// each deal, even though the engine evaluates the deal's other expressions
// earlier (in parallel, before the totals are known) and shares a per-deal
// cache between them.
func TestExpressionsSeeRunningTotals(t *testing.T) {
	src := []byte(`apiVersion: partnerops/v1
kind: Program
id: fast-start
name: Fast start
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
eligibility:
  - name: any deal
    when: deal.amount > 0
earnings:
  - id: base
    type: spiff
    amount: deal.amount * 0.01
  - id: fast-start
    type: bonus
    when: period.deals < 2 && deal.amount > 0
    amount: 100
  - id: loyalty
    type: bonus
    when: period.amount >= 1000
    amount: period.earned * 0.1
`)
	f, err := rules.Compile("fast.yaml", src)
	require.NoError(t, err)
	p := f.Programs[0]
	deals := func(yield func(incentive.Input, error) bool) {
		for i, amount := range []string{"500", "700", "300"} {
			in := incentive.Input{
				Deal: incentive.Deal{ID: fmt.Sprintf("D-%d", i+1), PartnerID: "P-1",
					Amount:    incentive.NewMoney(decimal.RequireFromString(amount), incentive.USD),
					CloseDate: time.Date(2026, 3, 1+i, 12, 0, 0, 0, time.UTC)},
				Partner: partner.Partner{ID: "P-1"},
			}
			if !yield(in, nil) {
				return
			}
		}
	}
	for _, workers := range []int{1, 2} {
		var got []string
		for r, err := range incentive.Run(t.Context(), p, iter.Seq2[incentive.Input, error](deals), incentive.RunOptions{Workers: workers}) {
			require.NoError(t, err)
			got = append(got, r.Total.Amount().StringFixed(2))
		}
		assert.Equal(t, []string{
			"105.00", // D-1: 500 x 1% = 5 + fast start 100 (0 deals before)
			"107.00", // D-2: 700 x 1% = 7 + fast start 100 (1 deal before)
			"24.20",  // D-3: 300 x 1% = 3; no fast start (2 before); loyalty: 1200 >= 1000, 212 earned x 10% = 21.20
		}, got, "workers %d", workers)
	}
}
