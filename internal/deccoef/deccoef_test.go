package deccoef

import (
	"math"
	"math/big"
	"reflect"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The layout check holds for the shopspring the module pins: without it
// Small would silently take the slow path and the tests below would
// compare slow with itself.
func TestInPlace(t *testing.T) {
	require.True(t, inPlace)
	require.True(t, InPlace())
	type swapped struct {
		exp   int32
		value *big.Int
	}
	type wide struct {
		value *big.Int
		exp   int64
	}
	type renamed struct {
		v   *big.Int
		exp int32
	}
	type longer struct {
		value *big.Int
		exp   int32
		more  int32
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[struct{ a, b int64 }](), reflect.TypeFor[swapped](), reflect.TypeFor[wide](), reflect.TypeFor[renamed](), reflect.TypeFor[longer](), reflect.TypeFor[int64]()} {
		require.False(t, layoutOK(typ), "%v", typ)
	}
}

// Make holds the caller's coefficient itself and reads as
// decimal.NewFromBigInt's decimal of the same value and exponent.
func TestMake(t *testing.T) {
	for _, v := range []struct {
		c int64
		e int32
	}{{1, 0}, {-125, -2}, {math.MaxInt64, -9}, {math.MinInt64, 3}, {0, -4}} {
		z := big.NewInt(v.c)
		got, want := Make(z, v.e), decimal.NewFromBigInt(big.NewInt(v.c), v.e)
		require.True(t, got.Equal(want), "%d e%d: %s, want %s", v.c, v.e, got, want)
		require.Equal(t, want.String(), got.String())
		require.Equal(t, v.e, got.Exponent())
		require.Same(t, z, (*rep)(unsafe.Pointer(&got)).value, "Make copied the coefficient")
	}
}

// Small agrees with shopspring's accessors (at most 18 digits, then the
// coefficient and exponent) on edge values chosen by hand.
func TestSmallEdges(t *testing.T) {
	one := decimal.New(1, -2)
	two64 := new(big.Int).Lsh(big.NewInt(1), 64) // two words
	tests := []struct {
		name string
		d    decimal.Decimal
		c    int64
		e    int32
		ok   bool
	}{
		{"zero value", decimal.Decimal{}, 0, 0, true},
		{"Zero", decimal.Zero, 0, 0, true},
		{"zero at exp -7", decimal.New(0, -7), 0, -7, true},
		{"cancelled zero", one.Sub(one), 0, -2, true},
		{"1.00", decimal.New(100, -2), 100, -2, true},
		{"-250", decimal.New(-25, 1), -25, 1, true},
		// 10^18 - 1 = 999999999999999999 has 18 digits; 10^18 has 19.
		{"18 nines", decimal.New(999_999_999_999_999_999, -2), 999_999_999_999_999_999, -2, true},
		{"-18 nines", decimal.New(-999_999_999_999_999_999, 3), -999_999_999_999_999_999, 3, true},
		{"10^18", decimal.New(1_000_000_000_000_000_000, 0), 0, 0, false},
		{"-10^18", decimal.New(-1_000_000_000_000_000_000, -9), 0, 0, false},
		{"MaxInt64", decimal.New(math.MaxInt64, 0), 0, 0, false},
		{"MinInt64", decimal.New(math.MinInt64, 0), 0, 0, false},
		{"2^64", decimal.NewFromBigInt(two64, 0), 0, 0, false},
		{"-2^64", decimal.NewFromBigInt(new(big.Int).Neg(two64), -3), 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, e, ok := Small(tt.d)
			require.Equal(t, tt.ok, ok)
			if ok {
				require.Equal(t, tt.c, c)
				require.Equal(t, tt.e, e)
			}
			sc, se, sok := slow(tt.d)
			require.Equal(t, []any{sc, se, sok}, []any{c, e, ok}, "in place and accessors differ")
		})
	}
}

// Small agrees with the accessors on random decimals: small, any int64,
// around 10^18, beyond an int64, at exponents -12 to 6.
func TestPropertySmall(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c *big.Int
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			c = big.NewInt(rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "small"))
		case 1:
			c = big.NewInt(rapid.Int64().Draw(t, "any"))
		case 2:
			c = big.NewInt(1e18 + rapid.Int64Range(-3, 3).Draw(t, "near"))
			if rapid.Bool().Draw(t, "neg") {
				c.Neg(c)
			}
		default:
			c = new(big.Int).Mul(big.NewInt(rapid.Int64().Draw(t, "big")), big.NewInt(rapid.Int64Range(1, 1e12).Draw(t, "by")))
		}
		d := decimal.NewFromBigInt(c, rapid.Int32Range(-12, 6).Draw(t, "exp"))
		gc, ge, gok := Small(d)
		wc, we, wok := slow(d)
		if gc != wc || ge != we || gok != wok {
			t.Fatalf("Small(%s) = %d %d %v, accessors %d %d %v", d, gc, ge, gok, wc, we, wok)
		}
	})
}
