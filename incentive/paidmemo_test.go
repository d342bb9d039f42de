package incentive

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paying's memo gives back a sum only for the very decimals it was made
// from, paid by the same lines.
func TestPaidMemo(t *testing.T) {
	a, b, c := decimal.RequireFromString("240.00"), decimal.RequireFromString("800.00"), decimal.RequireFromString("120.00")
	sum := decimal.RequireFromString("1160.00") // 240.00 + 800.00 + 120.00
	lines := func() []lineWork {
		return []lineWork{{holds: true, final: a}, {holds: true, final: b, dropped: true}, {holds: true, final: b}, {holds: true, final: c}}
	}
	for _, tc := range []struct {
		name   string
		change func(l []lineWork) []lineWork
		hit    bool
	}{
		{"the same lines", func(l []lineWork) []lineWork { return l }, true},
		{"a line cut: another decimal", func(l []lineWork) []lineWork { l[3].final = decimal.RequireFromString("20.00"); return l }, false},
		{"the same value in another decimal", func(l []lineWork) []lineWork { l[0].final = decimal.RequireFromString("240.00"); return l }, false},
		{"a dropped line pays", func(l []lineWork) []lineWork { l[1].dropped = false; return l }, false},
		{"a paying line dropped", func(l []lineWork) []lineWork { l[2].dropped = true; return l }, false},
		{"a line that does not hold", func(l []lineWork) []lineWork { l[0].holds = false; return l }, false},
		{"the dropped line's amount changes", func(l []lineWork) []lineWork { l[1].final = c; return l }, true},
		// The first two of the same lines pay 240.00 alone, not the 1160.00
		// remembered for all four: a memo keyed by the lines it is given
		// must not answer for fewer of them.
		{"fewer lines", func(l []lineWork) []lineWork { return l[:2] }, false},
		{"more lines", func(l []lineWork) []lineWork { return append(l, lineWork{}) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m paidMemo
			_, ok := m.get(lines())
			assert.False(t, ok, "nothing remembered yet")
			m.put(lines(), sum)
			got, ok := m.get(tc.change(lines()))
			assert.Equal(t, tc.hit, ok)
			if tc.hit {
				assert.True(t, got.Equal(sum))
			}
		})
	}
	t.Run("more lines than it remembers", func(t *testing.T) {
		var m paidMemo
		l := make([]lineWork, paidMemoLines+1)
		for i := range l {
			l[i] = lineWork{holds: true, final: a}
		}
		m.put(l, sum)
		_, ok := m.get(l)
		assert.False(t, ok)
	})
}

// An arena adds the same lines up once: the second sum is the first one's
// decimal; a line changed in between is added up anew.
func TestSumLinesMemo(t *testing.T) {
	var ar decArena
	lines := []lineWork{{holds: true, final: decimal.RequireFromString("240.00")}, {holds: true, final: decimal.RequireFromString("120.00")}}
	first, ok := ar.sumLines(lines)
	require.True(t, ok)
	assert.Equal(t, "360", first.String()) // 240.00 + 120.00
	assert.Equal(t, int32(-2), first.Exponent())
	again, ok := ar.sumLines(lines)
	require.True(t, ok)
	assert.Equal(t, first, again, "the same decimal")
	lines[1].final = decimal.RequireFromString("20.00") // a cap cut the line
	cut, ok := ar.sumLines(lines)
	require.True(t, ok)
	assert.Equal(t, "260", cut.String()) // 240.00 + 20.00
	assert.Equal(t, int32(-2), cut.Exponent())
}
