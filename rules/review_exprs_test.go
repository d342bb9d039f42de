package rules

// Defects of issue #15 (named values, product lines, stacking limits,
// computed deal caps) found in review: each test failed before its fix.

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `priority:` only ranks earnings in a `pick: {by: priority}` group. On an
// earning of a group picking highest, first or by amount it changed
// nothing, and the program compiled without a word, though the reference
// refuses it on an earning outside any group.
func TestPriorityOutsidePriorityGroupWarns(t *testing.T) {
	tests := []struct {
		name string
		pick string
		want int // warnings about priority
	}{
		{"by priority: used", "{max: 1, by: priority}", 0},
		{"by amount: ignored", "{max: 1, by: amount}", 1},
		{"highest: ignored", "highest", 1},
		{"first: ignored", "first", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `apiVersion: partnerops/v1
kind: Program
id: prio
name: Prio
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: a
    type: bonus
    amount: 100
    group: g
    priority: 2
  - id: b
    type: bonus
    amount: 200
    group: g
groups:
  - {id: g, pick: ` + tt.pick + `}
`
			set, err := Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}}, "*.yaml")
			require.NoError(t, err)
			n := 0
			for _, w := range set.Warnings() {
				if assert.Contains(t, w.Error(), "priority") {
					assert.Equal(t, 13, w.Line, "the warning points at `priority:`")
					n++
				}
			}
			assert.Equal(t, tt.want, n, "warnings: %v", set.Warnings())
		})
	}
}

// An explanation named what earned() read by an internal path
// ("earnings.rebate.capped = 1,000.00") that the language has no word for;
// it now repeats the call the designer wrote.
func TestExplainNamesEarnedAsWritten(t *testing.T) {
	f, err := Compile("p.yaml", []byte(`apiVersion: partnerops/v1
kind: Program
id: refs
name: Refs
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.04
    cap: 1000
  - id: shortfall
    type: bonus
    amount: (earned("rebate", "before_caps") - earned("rebate", "after_caps")) * 0.1
`))
	require.NoError(t, err)
	deal := incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: incentive.MustParseMoney("40000.00", "USD"),
		CloseDate: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	res, err := incentive.Evaluate(context.Background(), f.Programs[0], incentive.Input{Deal: deal, Partner: partner.Partner{ID: "P-1"}}, time.Time{})
	require.NoError(t, err)
	// rebate 40000.00 x 0.04 = 1600.00, capped at 1000.00;
	// shortfall (1600.00 - 1000.00) x 0.1 = 60.00
	ex := res.Explain()
	assert.Contains(t, ex, `= 60.00 (earned("rebate", "after_caps") = 1,000.00, earned("rebate", "before_caps") = 1,600.00)`, ex)
	assert.NotContains(t, ex, "earnings.rebate.")
}
