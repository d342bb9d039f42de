package incentive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A result's lines point at their own band: with more band tables than the
// room a result keeps for them inline (one), with a group that loses one
// (Lost keeps its band too), and again on the next deal of the same
// evaluator, which must not overwrite the first result's bands.
func TestResultBandsBeyondInlineRoom(t *testing.T) {
	table := func(id, group string) Earning {
		return Earning{ID: id, Type: Rebate, Group: group, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Bands: threeBands()}}
	}
	p := simple(table("a", ""), table("b", ""), table("c", "g"), table("d", "g"))
	p.Groups = []Group{{ID: "g", Pick: PickFirst}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	eval := func(amount string) *Result {
		r, err := e.Evaluate(t.Context(), Input{Deal: deal("D-"+amount, "P-1", amount, "2026-11-01"), Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		return r
	}
	tests := []struct {
		amount string
		// want: the band index every line reaches (threeBands: [0, 100000),
		// [100000, 250000) "gold", [250000, ...)), and what each pays.
		index int
		label string
		pays  string
	}{
		// 120000 is in [100000, 250000), 6%: 120000 x 0.06 = 7200.00 a line.
		{"120000", 1, "gold", "7200.00"},
		// 50000 is in [0, 100000), 4%: 50000 x 0.04 = 2000.00 a line.
		{"50000", 0, "", "2000.00"},
	}
	results := make([]*Result, len(tests))
	for k, tc := range tests {
		results[k] = eval(tc.amount)
	}
	for k, tc := range tests {
		r := results[k]
		// a, b and c (first of group g) pay; d loses the pick.
		require.Len(t, r.Lines, 3, tc.amount)
		require.Len(t, r.Lost, 1, tc.amount)
		for _, l := range append(append([]Line{}, r.Lines...), r.Lost...) {
			require.NotNil(t, l.Band, "%s line %s", tc.amount, l.Earning)
			assert.Equal(t, BandHit{Index: tc.index, Of: 3, Label: tc.label}, *l.Band, "%s line %s", tc.amount, l.Earning)
			assert.Equal(t, tc.pays, l.Amount.amount.StringFixed(2), "%s line %s", tc.amount, l.Earning)
		}
		// every line has a BandHit of its own
		assert.NotSame(t, r.Lines[0].Band, r.Lines[1].Band)
		assert.NotSame(t, r.Lines[1].Band, r.Lines[2].Band)
		assert.NotSame(t, r.Lines[2].Band, r.Lost[0].Band)
	}
}
