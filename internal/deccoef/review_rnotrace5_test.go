package deccoef

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// Review rnotrace5: Small on the edges the review asked about, by hand and
// against shopspring's accessors (slow).
func TestReviewRnotrace5SmallEdges(t *testing.T) {
	neg := func(d decimal.Decimal) decimal.Decimal { return d.Neg() }
	tests := []struct {
		name string
		d    decimal.Decimal
		c    int64
		e    int32
		ok   bool
	}{
		// 2^63-1 = 9223372036854775807 and -2^63 have 19 digits: not small.
		{"2^63-1", decimal.New(math.MaxInt64, -2), 0, 0, false},
		{"-(2^63-1)", decimal.New(-math.MaxInt64, 0), 0, 0, false},
		{"-2^63", decimal.New(math.MinInt64, 5), 0, 0, false},
		{"2^63 (one word, past int64)", decimal.NewFromBigInt(new(big.Int).Lsh(big.NewInt(1), 63), 0), 0, 0, false},
		{"2^64-1 (one full word)", decimal.NewFromBigInt(new(big.Int).SetUint64(math.MaxUint64), 0), 0, 0, false},
		{"10^18", decimal.New(1_000_000_000_000_000_000, 2), 0, 0, false},
		{"-10^18", decimal.New(-1_000_000_000_000_000_000, 2), 0, 0, false},
		{"10^18-1", decimal.New(999_999_999_999_999_999, 2), 999_999_999_999_999_999, 2, true},
		{"-(10^18-1)", decimal.New(-999_999_999_999_999_999, 2), -999_999_999_999_999_999, 2, true},
		// Negative zero does not exist in a big.Int: "-0.00" is 0 x 10^-2.
		{"-0.00", decimal.RequireFromString("-0.00"), 0, -2, true},
		{"-0", decimal.RequireFromString("-0"), 0, 0, true},
		{"Neg of zero at -3", neg(decimal.New(0, -3)), 0, -3, true},
		{"1 - 1.000", decimal.New(1, 0).Sub(decimal.New(1000, -3)), 0, -3, true},
		// Exponents are read as they are, at int32's edges too.
		{"exponent MaxInt32", decimal.New(7, math.MaxInt32), 7, math.MaxInt32, true},
		{"exponent MinInt32", decimal.New(-7, math.MinInt32), -7, math.MinInt32, true},
		{"1e-40 from text", decimal.RequireFromString("1e-40"), 1, -40, true},
		{"123e30 from text", decimal.RequireFromString("123e30"), 123, 30, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, e, ok := Small(tt.d)
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.c, c)
				assert.Equal(t, tt.e, e)
			}
			sc, se, sok := slow(tt.d)
			assert.Equal(t, []any{sc, se, sok}, []any{c, e, ok}, "in place and accessors differ")
		})
	}
}
