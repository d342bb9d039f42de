package incentive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rnotrace8Bands is one earning paid by threeBands ([0, 100000) 4%,
// [100000, 250000) 6% "gold", [250000, ...) 8%) on the deal amount.
func rnotrace8Bands() *Program {
	return simple(Earning{ID: "vol", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Bands: threeBands()}})
}

// A result written as JSON reads back (Step.UnmarshalJSON), and a caller
// done with a result may decode a stored one into it (a pool of Results
// for both, say). Since a line's Band points at the evaluator's BandHit,
// shared by every line reaching the band, json.Unmarshal into such a
// result decoded the stored band INTO the evaluator's: every later deal
// of the evaluator reaching that band then read the stored deal's band
// ("band": {"index": 0, ...} for a deal in band 1), in its lines and its
// JSON, while its explanation still named the right band.
func TestReviewRnotrace8DecodeIntoResultLeavesEvaluatorBands(t *testing.T) {
	e, err := NewEvaluator(rnotrace8Bands())
	require.NoError(t, err)
	in := func(id, amount string) Input {
		return Input{Deal: deal(id, "P-1", amount, "2026-11-01"), Partner: gold("P-1")}
	}
	asOf := day("2026-12-31")
	// 50000 is in [0, 100000), band index 0, no label: 50000 x 0.04 = 2000.00.
	low, err := e.Evaluate(t.Context(), in("D-LOW", "50000"), asOf)
	require.NoError(t, err)
	require.Equal(t, BandHit{Index: 0, Of: 3}, *low.Lines[0].Band)
	stored, err := json.Marshal(low)
	require.NoError(t, err)

	for _, into := range []bool{false, true} {
		// 120000 is in [100000, 250000), band index 1 "gold": 120000 x 0.06 = 7200.00.
		var res *Result
		if into {
			res = new(Result)
			x := in("D-HIGH", "120000")
			require.NoError(t, e.EvaluateInto(t.Context(), res, &x, asOf))
		} else {
			res, err = e.Evaluate(t.Context(), in("D-HIGH", "120000"), asOf)
			require.NoError(t, err)
		}
		require.Equal(t, BandHit{Index: 1, Of: 3, Label: "gold"}, *res.Lines[0].Band)
		// The caller is done with res and reads the stored result into it.
		require.NoError(t, json.Unmarshal(stored, res))
		assert.Equal(t, "D-LOW", res.DealID)
		assert.Equal(t, "2000.00", res.Lines[0].Amount.amount.StringFixed(2))
		// The stored line reads back as it was written (decoded in place
		// it kept the label "gold", which the stored JSON omits as empty).
		assert.Equal(t, BandHit{Index: 0, Of: 3}, *res.Lines[0].Band, "the stored band read back")
		after, err := json.Marshal(res)
		require.NoError(t, err)
		assert.JSONEq(t, string(stored), string(after))

		// A later deal in band 1 still reads band 1, "gold".
		again, err := e.Evaluate(t.Context(), in("D-NEXT", "130000"), asOf)
		require.NoError(t, err)
		require.Len(t, again.Lines, 1)
		assert.Equal(t, BandHit{Index: 1, Of: 3, Label: "gold"}, *again.Lines[0].Band, "into %v", into)
		// 130000 x 0.06 = 7800.00
		assert.Equal(t, "7800.00", again.Lines[0].Amount.amount.StringFixed(2))
	}
}
