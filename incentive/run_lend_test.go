package incentive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dealCapNeed counts the room for the deal caps' cuts only on the lines a
// deal cap may still cut, one cut a deal cap (two on a credit note), after
// each line's own cuts; nothing for a closed deal or a program without
// deal caps. (Less room than a deal needs is not wrong, only an
// allocation more in takeCutAt; the cuts are checked by the run tests.)
func TestDealCapNeed(t *testing.T) {
	never := ConditionFunc("false", nil, func(*Scope) (bool, error) { return false, nil })
	withCaps := func(caps ...Cap) *Program {
		// a, b and c hold; "off" never does.
		p := simple(withRate("a", "0.01", nil), withRate("b", "0.02", nil), withRate("off", "0.03", never), withRate("c", "0.5", nil))
		p.Caps = caps
		return p
	}
	dealCap := Cap{Scope: CapDeal, Limit: dec("100")}
	lineCap := Cap{Scope: CapLine, Limit: dec("150")} // cuts line c (0.5 of 1000 = 500)
	tests := []struct {
		name   string
		p      *Program
		amount string
		date   string
		want   int
	}{
		{"no deal cap", withCaps(Cap{Scope: CapBudget, Limit: dec("10")}), "1000", "2026-03-01", 0},
		// three lines that hold, one cut each
		{"one deal cap", withCaps(dealCap), "1000", "2026-03-01", 3},
		// two deal caps: two cuts a line
		{"two deal caps", withCaps(dealCap, Cap{Scope: CapDeal, Limit: dec("50")}), "1000", "2026-03-01", 6},
		// line c carries its line cap's cut: 1 + 1 for it, 1 for a and b
		{"a line's own cut", withCaps(lineCap, dealCap), "1000", "2026-03-01", 4},
		// a negative amount: a deal cap bounds it from below too
		{"credit note", func() *Program { p := withCaps(dealCap); p.AllowNegative = true; return p }(), "-1000", "2026-03-01", 6},
		// outside the effective window: the deal is closed in ownTerms
		{"closed deal", withCaps(dealCap), "1000", "2027-03-01", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewEvaluator(tt.p)
			require.NoError(t, err)
			in := Input{Deal: deal("D-1", "P-1", tt.amount, tt.date), Partner: gold("P-1")}
			var w work
			var da decArena
			w.noTrace, w.da = true, e.arena(&da)
			e.ownTerms(&w, &in, in.Rates)
			require.NoError(t, w.err)
			assert.Equal(t, tt.want, e.dealCapNeed(&w))
			// Never more than cutNeedFor's count, which counts every line
			// and two cuts a deal cap.
			assert.LessOrEqual(t, e.dealCapNeed(&w), e.cutNeedFor(&w, 2*len(e.dealCaps)))
		})
	}
}
