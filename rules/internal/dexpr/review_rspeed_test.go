package dexpr

import (
	"math"
	"math/big"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// mulD at scales 0 to 16 on both sides (amounts times rates of up to 16
// places): shopspring's product, representation included, with overflow
// (MinInt64 and 18-to-19-digit coefficients among the operands), zeros at
// any scale and the zero value.
func TestReviewRspeedMulScales0To16(t *testing.T) {
	gen := func(t *rapid.T, label string) decimal.Decimal {
		exp := -rapid.Int32Range(0, 16).Draw(t, label+"/scale")
		switch rapid.IntRange(0, 5).Draw(t, label+"/kind") {
		case 0:
			return decimal.New(rapid.Int64Range(-1_000_000_000_000, 1_000_000_000_000).Draw(t, label+"/small"), exp)
		case 1:
			return decimal.New(rapid.Int64().Draw(t, label+"/any"), exp)
		case 2:
			return decimal.New(rapid.SampledFrom([]int64{math.MinInt64, math.MaxInt64, 1e18 - 1, 1e18, -1e18, 3037000499, -3037000499, 3037000500, 1 << 62, -(1 << 62)}).Draw(t, label+"/limit"), exp)
		case 3:
			return decimal.New(0, exp)
		case 4:
			return decimal.Decimal{}
		default:
			return decimal.NewFromBigInt(new(big.Int).Lsh(big.NewInt(rapid.Int64Range(-1000, 1000).Draw(t, label+"/b")), 62), exp)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		a, b := gen(t, "a"), gen(t, "b")
		got, err := mulD(a, b)
		if err != nil {
			t.Fatalf("mulD(%s, %s): %v", a, b, err)
		}
		if want := a.Mul(b); !reflect.DeepEqual(got, want) {
			t.Fatalf("mulD(%s, %s) = %s (exp %d), shopspring %s (exp %d)", a, b, got, got.Exponent(), want, want.Exponent())
		}
	})
}
