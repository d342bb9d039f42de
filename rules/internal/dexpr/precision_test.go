package dexpr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDivisionPlaces: the Env's precision applies to every form a
// division takes: folded at compile time, fused with reads, an int
// division, and computed by the VM.
func TestDivisionPlaces(t *testing.T) {
	cases := []struct {
		src      string
		p16, p2  string
		constant bool
	}{
		{"1 / 3", "0.3333333333333333", "0.33", true},
		{"2.0 / 3", "0.6666666666666667", "0.67", true},                 // half away from zero
		{"deal.amount / 7", "14.2857142857142857", "14.29", false},      // amount 100.00 (below)
		{"deal.quantity / 7", "0.4285714285714286", "0.43", false},      // quantity 3: int / int
		{"deal.amount / 7 * 7", "99.9999999999999999", "100.03", false}, // 14.29 x 7
		{"(deal.segment == \"x\" ? deal.amount : 1.0) / 3", "33.3333333333333333", "33.33", false},
		{"deal.amount / 8", "12.5", "12.5", false}, // terminates: exact at any precision >= 1
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			for _, places := range []int32{0, 2} {
				env := mustEnv(t, testFields)
				require.NoError(t, env.SetDivisionPlaces(places))
				x := mustCompile(t, env, c.src, Number)
				_, isC := x.Constant()
				assert.Equal(t, c.constant, isC)
				s := newScope(t, "100.00", map[string]any{"segment": "x"})
				v, err := x.Value(s)
				require.NoError(t, err)
				want := c.p16
				if places == 2 {
					want = c.p2
				}
				assert.Equal(t, want, v.String(), "places %d", places)
				div, p := x.Divides()
				assert.True(t, div)
				assert.Equal(t, env.DivisionPlaces(), p)
			}
		})
	}
	env := mustEnv(t, testFields)
	assert.Error(t, env.SetDivisionPlaces(41))
	assert.Error(t, env.SetDivisionPlaces(-1))
	x := mustCompile(t, env, "deal.amount * 2", Number)
	div, _ := x.Divides()
	assert.False(t, div)
}
