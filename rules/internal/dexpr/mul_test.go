package dexpr

import (
	"math"
	"math/big"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genMulOperand draws decimals at scales 0 to 9 (and a few positive
// exponents): everyday amounts and rates, any int64, the int64 limits, the
// 18-digit bound of the int64 path, and coefficients beyond an int64.
func genMulOperand(t *rapid.T, label string) decimal.Decimal {
	exp := rapid.Int32Range(-9, 3).Draw(t, label+"/exp")
	var c *big.Int
	switch rapid.IntRange(0, 5).Draw(t, label+"/kind") {
	case 0:
		c = big.NewInt(rapid.Int64Range(-10_000_000_000, 10_000_000_000).Draw(t, label+"/small"))
	case 1:
		c = big.NewInt(rapid.Int64().Draw(t, label+"/any"))
	case 2:
		c = big.NewInt(rapid.SampledFrom([]int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 0}).Draw(t, label+"/limit"))
	case 3:
		c = big.NewInt(rapid.SampledFrom([]int64{1e18 - 1, 1e18, -1e18 + 1, 3037000499, -3037000500, 1, -1}).Draw(t, label+"/edge"))
	case 4:
		c = big.NewInt(rapid.Int64Range(-99, 99).Draw(t, label+"/rate"))
	default:
		c = new(big.Int).Mul(big.NewInt(rapid.Int64().Draw(t, label+"/big")), big.NewInt(1e12))
	}
	return decimal.NewFromBigInt(c, exp)
}

// mulD's int64 path gives exactly shopspring's product, representation
// included (reflect.DeepEqual compares the big.Int's sign and words), for
// every operand, overflow and zero falling back to shopspring.
func TestPropertyMulMatchesShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genMulOperand(t, "a"), genMulOperand(t, "b")
		got, err := mulD(a, b)
		if err != nil {
			t.Fatalf("mulD(%s, %s): %v", a, b, err)
		}
		if want := a.Mul(b); !reflect.DeepEqual(got, want) {
			t.Fatalf("mulD(%s, %s) = %s (exp %d), shopspring %s (exp %d)", a, b, got, got.Exponent(), want, want.Exponent())
		}
	})
}

// Hand-worked products at the edges of the int64 path.
func TestMulInt64Edges(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		// 12000.00 x 0.02: 1200000 x 2 = 2400000 at exponent -2-2 = -4: 240.0000.
		{"amount times rate", "12000.00", "0.02", "240.0000"},
		// 3037000499^2 = 9223372030926249001, just below 2^63-1.
		{"largest square that fits", "3037000499", "3037000499", "9223372030926249001"},
		// 3037000500^2 = 9223372037000250000 > 9223372036854775807: shopspring's.
		{"square that overflows", "3037000500", "3037000500", "9223372037000250000"},
		// -1.5 x 2 = -3.0 (coefficient -15 x 2 = -30, exponent -1).
		{"negative", "-1.5", "2", "-3.0"},
		// -1.5 x -2 = 3.0.
		{"two negatives", "-1.5", "-2", "3.0"},
		// 0 x 5.00: zero at exponent 0-2 = -2, computed by shopspring.
		{"zero", "0", "5.00", "0.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := decimal.RequireFromString(tc.a), decimal.RequireFromString(tc.b)
			got, err := mulD(a, b)
			if err != nil {
				t.Fatal(err)
			}
			// (every operand has an exponent <= 0, so the product's
			// places are -exponent)
			if got.StringFixed(-got.Exponent()) != tc.want {
				t.Fatalf("%s x %s = %s, want %s", tc.a, tc.b, got.StringFixed(-got.Exponent()), tc.want)
			}
			if want := a.Mul(b); !reflect.DeepEqual(got, want) {
				t.Fatalf("representation differs from shopspring's %s", want)
			}
		})
	}
}

// cmpD's int64 path orders every pair as shopspring's Cmp does: operands
// at scales 0 to 9 and a few positive exponents, near the int64 limits and
// the 18-digit bound, negative, zero, the same value at two scales, and
// coefficients beyond an int64 (which fall back to Cmp).
func TestPropertyCmpMatchesShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genMulOperand(t, "a"), genMulOperand(t, "b")
		switch rapid.IntRange(0, 3).Draw(t, "relation") {
		case 0: // the same value at a finer scale: 1.5 against 1.50
			b = decimal.NewFromBigInt(new(big.Int).Mul(a.Coefficient(), big.NewInt(10)), a.Exponent()-1)
		case 1: // one unit of the finer scale apart
			b = a.Add(decimal.New(rapid.SampledFrom([]int64{1, -1}).Draw(t, "unit"), min(a.Exponent(), b.Exponent())))
		}
		if rapid.Bool().Draw(t, "swap") {
			a, b = b, a
		}
		if got, want := cmpD(a, b), a.Cmp(b); got != want {
			t.Fatalf("cmpD(%s, %s) = %d, shopspring %d", a, b, got, want)
		}
	})
}

// Hand-worked comparisons at the edges of cmpD's int64 path.
func TestCmpInt64Edges(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       int
	}{
		// 50000 against 50000.00: 50000 x 10^2 = 5000000 = 5000000.
		{"same value, two scales", "50000", "50000.00", 0},
		// 49999.99 (4999999 at -2) against 50000 (5000000 at -2).
		{"a cent below", "49999.99", "50000", -1},
		// -0.01 against 0 (0 x 10^2 = 0): -1 < 0.
		{"negative against zero", "-0.01", "0", -1},
		// 9223372036854775807 x 10 overflows an int64: shopspring's Cmp, 92...07 > 92...06.9.
		{"rescale overflows", "9223372036854775807", "9223372036854775806.9", 1},
		// 1 x 10^19 needs a power of ten beyond 10^18: shopspring's Cmp.
		{"exponents 19 apart", "1e10", "0.000000001", 1},
		// -9223372036854775807 at 0 against -922337203685477580.8 at -1: rescale overflows, -...07 < -...08/10.
		{"negative rescale overflows", "-9223372036854775807", "-922337203685477580.8", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := decimal.RequireFromString(tc.a), decimal.RequireFromString(tc.b)
			if got := cmpD(a, b); got != tc.want {
				t.Fatalf("cmpD(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := cmpD(b, a); got != -tc.want {
				t.Fatalf("cmpD(%s, %s) = %d, want %d", tc.b, tc.a, got, -tc.want)
			}
		})
	}
}

// A comparison of operands at different scales allocates nothing once
// both fit an int64 (shopspring's Cmp rescales through a big.Int).
func TestCmpDoesNotAllocate(t *testing.T) {
	a, b := decimal.RequireFromString("61250.75"), decimal.RequireFromString("50000")
	if n := testing.AllocsPerRun(100, func() { _ = cmpD(a, b) }); n != 0 {
		t.Fatalf("cmpD allocated %v times", n)
	}
}
