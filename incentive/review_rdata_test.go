package incentive

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Chains with positive and far negative exponents and sums at the int64
// edge, against plain decimal addition, representation included.
func TestReviewFxSumWideChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 99))
	for chain := range 20000 {
		start := decimal.Decimal{}
		if rng.IntN(3) == 0 {
			start = decimal.New(rng.Int64N(1e18)-5e17, int32(rng.IntN(40))-20)
		}
		want, got := start, start
		var s fxSum
		for step := range 1 + rng.IntN(10) {
			var v decimal.Decimal
			switch rng.IntN(7) {
			case 0:
				v = decimal.New(0, int32(rng.IntN(44))-22)
			case 1:
				v = want.Neg()
			case 2:
				v = decimal.New(999_999_999_999_999_999-rng.Int64N(3), int32(rng.IntN(5))-2)
			case 3:
				v = decimal.New(-999_999_999_999_999_999+rng.Int64N(3), int32(rng.IntN(5))-2)
			case 4:
				v = decimal.New(rng.Int64N(2000)-1000, int32(rng.IntN(44))-22)
			case 5:
				v = want.Neg().Add(decimal.New(1, int32(rng.IntN(6))-3))
			default:
				v = decimal.New(rng.Int64N(2_000_000)-1_000_000, -2)
			}
			want = want.Add(v)
			s.add(&got, v)
			if rng.IntN(3) == 0 {
				s.flush(&got)
				require.True(t, reflect.DeepEqual(want, got), "chain %d step %d: want %s %#v, got %s %#v", chain, step, want, want, got, got)
			}
		}
		s.flush(&got)
		require.True(t, reflect.DeepEqual(want, got), "chain %d: want %s %#v, got %s %#v", chain, want, want, got, got)
	}
}
