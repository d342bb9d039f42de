package rules

// Defects of issue #15 (named values, product lines, stacking limits,
// computed deal caps) found in review: each test failed before its fix.

import (
	"testing"
	"testing/fstest"

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
