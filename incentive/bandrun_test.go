package incentive

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// applyRun (the running basis in fixed point, for a deal without the
// trace) gives what apply gives on the decimals the ordered phase made
// before it (the basis from its running total, the total after the deal
// from decArena.add): the same earning, coefficient and exponent, and the
// same band, or declines. Bounded and unbounded last bands, rates with
// more places than the currency, totals before, across and beyond the
// bounds, negative and zero measures, bases at other scales.
func TestApplyRunMatchesApply(t *testing.T) {
	tables := []*BandTable{
		{Method: Marginal, Pays: PaysRate, Bands: threeBands()},
		{Method: Marginal, Pays: PaysRate, Bands: []Band{
			{From: dec("0"), To: decp("100000"), Value: dec("0.01")},
			{From: dec("100000"), To: decp("250000"), Value: dec("0.025")},
			{From: dec("250000"), To: decp("300000.5"), Value: dec("0.0375")},
		}},
		{Method: Marginal, Pays: PaysRate, Bands: []Band{{From: dec("1000"), Value: dec("0.125")}}},
	}
	rapid.Check(t, func(rt *rapid.T) {
		tb := tables[rapid.IntRange(0, len(tables)-1).Draw(rt, "table")]
		places := int32(rapid.IntRange(0, 3).Draw(rt, "places"))
		tp := planTable(tb, places)
		require.NotNil(rt, tp.fx)
		scale := func(label string) int32 { return -int32(rapid.IntRange(0, 4).Draw(rt, label)) }
		before := decimal.New(rapid.Int64Range(-1000, 40_000_000_00).Draw(rt, "before"), scale("before scale"))
		if rapid.Bool().Draw(rt, "zero basis") {
			before = decimal.Decimal{} // a running total that never grew
		}
		measure := decimal.New(rapid.Int64Range(-500_000, 20_000_000_00).Draw(rt, "measure"), scale("measure scale"))
		started := rapid.Bool().Draw(rt, "started")
		basis := totalOf(before)

		var ar decArena
		b, ok := basis.fx()
		require.True(rt, ok)
		v, idx, ok := tp.applyRun(b, started, measure, &ar)

		in := bandInput{before: basis.dec(&ar), started: started}
		in.after = ar.add(in.before, measure)
		want, wantIdx := tp.apply(in, &ar)
		if !ok {
			// it may decline only where apply leaves fixed point too
			_, fxOK := tp.applyFx(in, &ar)
			assert.False(rt, fxOK, "applyRun declined where applyFx did not: before %s, measure %s", before, measure)
			return
		}
		assert.Equal(rt, wantIdx, idx, "band")
		assert.Equal(rt, want.String(), v.String(), "earning")
		assert.Equal(rt, want.Exponent(), v.Exponent(), "earning's exponent")
	})
}

// A worked case: a partner at 90,000.00 this quarter adds 30,000.00 under
// threeBands: 10,000.00 x 4% + 20,000.00 x 6% = 400.00 + 1,200.00 =
// 1,600.00, and the total reaches the gold band (index 1).
func TestApplyRunWorked(t *testing.T) {
	tp := planTable(&BandTable{Method: Marginal, Pays: PaysRate, Bands: threeBands()}, 2)
	var ar decArena
	v, idx, ok := tp.applyRun(fx{9_000_000, -2}, true, dec("30000.00"), &ar)
	require.True(t, ok)
	assert.Equal(t, 1, idx)
	assert.Equal(t, "1600", v.String())
	assert.Equal(t, int32(-4), v.Exponent(), "amount (2 places) x rate (2 places)")
}
