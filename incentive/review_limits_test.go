package incentive

// Defects of issue #7 part B (computed caps, history, one home per rule):
// each test below names whether it failed before its fix. Expected amounts
// are computed by hand in the comments.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bandDealProgram pays a retroactive rate table over the deal amount.
func bandDealProgram(stage RoundingStage) *Program {
	return &Program{
		ID: "band-deal", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Rounding:  Rounding{Mode: HalfUp, Stage: stage},
		Earnings: []Earning{{ID: "base", Type: Rebate, Bands: &BandTable{
			Method: Retroactive, Basis: BasisDeal, Pays: PaysRate,
			Bands: []Band{
				{From: dec("0"), To: decp("1000"), Value: dec("0.01")},
				{From: dec("1000"), Value: dec("0.02")},
			}}}},
	}
}

// A band table over `basis: deal` recorded its band step twice, once when
// the deal's own terms were computed and again in deal order (failed
// before the fix, at every rounding stage).
func TestBandStepOnceForDealBasis(t *testing.T) {
	for _, stage := range []RoundingStage{StageLine, StageDeal, StageStatement} {
		t.Run(string(stage), func(t *testing.T) {
			p := bandDealProgram(stage)
			r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "2000.005", "2026-02-01"), Partner: gold("P-1")})
			n := 0
			for _, s := range r.Trace {
				if s.Kind == StepBand {
					n++
				}
			}
			assert.Equal(t, 1, n, "band steps in the trace:\n%s", r.Explain())
			// 2,000.005 reaches band 2: 2,000.005 x 0.02 = 40.0001
			require.Len(t, r.Lines, 1)
			assert.Equal(t, "40.0001", r.Lines[0].Gross.Amount().String())
		})
	}
}

// With deal-stage rounding, a partner cap or budget that does not bind
// must leave the rounding alone and not be reported: 3,335.00 x 0.001 =
// 3.335, half_up to cents 3.34 (a passing regression test: on main this
// defect was already fixed when part B started).
func TestDealRoundingUnderNonBindingRunningCaps(t *testing.T) {
	p := &Program{
		ID: "deal-round", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Rounding:  Rounding{Mode: HalfUp, Stage: StageDeal},
		Earnings:  []Earning{{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.001"))}},
		Caps:      []Cap{{Scope: CapPartner, Limit: dec("10000")}, {Scope: CapBudget, Limit: dec("10000")}},
	}
	var got []*Result
	for r, err := range Run(t.Context(), p, inputs(deal("D-1", "P-1", "3335.00", "2026-02-01")), RunOptions{}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "3.34", got[0].Total.Amount().StringFixed(2))
	require.Len(t, got[0].Lines, 1)
	assert.Empty(t, got[0].Lines[0].Cuts, "no cap binds")
}

// In a `pick: first` group a line that reached a band but lost the pick
// reported no band: the result kept only paying lines (failed before the
// fix, Result.Lost did not exist).
func TestLostGroupLineKeepsItsBand(t *testing.T) {
	p := &Program{
		ID: "pick-first", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Groups:    []Group{{ID: "g", Pick: PickFirst}},
		Earnings: []Earning{
			{ID: "flat", Type: Bonus, Amount: Const(dec("5")), Group: "g"},
			{ID: "tiered", Type: Bonus, Group: "g", Bands: &BandTable{Method: Retroactive, Pays: PaysFlat,
				Bands: []Band{{From: dec("0"), To: decp("1000"), Value: dec("10"), Label: "small"}, {From: dec("1000"), Value: dec("20"), Label: "big"}}}},
		},
	}
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "2000", "2026-02-01"), Partner: gold("P-1")})
	// flat 5.00 holds first and is not zero: it wins; tiered reached "big"
	// (2,000.00 >= 1,000.00) for a flat 20.00 but pays nothing.
	assert.Equal(t, "5.00", r.Total.Amount().StringFixed(2))
	require.Len(t, r.Lines, 1)
	assert.Equal(t, "flat", r.Lines[0].Earning)
	require.Len(t, r.Lost, 1)
	lost := r.Lost[0]
	assert.Equal(t, "tiered", lost.Earning)
	assert.Equal(t, "20.00", lost.Amount.Amount().StringFixed(2))
	require.NotNil(t, lost.Band)
	assert.Equal(t, "big", lost.Band.Label)
}
