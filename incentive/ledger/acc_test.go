package ledger

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

func TestAccSumsExactly(t *testing.T) {
	d := decimal.RequireFromString
	tests := []struct {
		name string
		in   []decimal.Decimal
		want string
	}{
		{"empty", nil, "0"},
		{"same exponent", []decimal.Decimal{d("12.34"), d("-0.34"), d("1.00")}, "13"}, // 12.34 - 0.34 + 1.00
		{"mixed exponents", []decimal.Decimal{d("1.5"), d("2.25"), d("3")}, "6.75"},   // 1.5 + 2.25 + 3
		{"overflow goes exact", []decimal.Decimal{decimal.New(math.MaxInt64/10*9, 0), decimal.New(math.MaxInt64/10*9, 0)},
			decimal.New(math.MaxInt64/10*9, 0).Mul(d("2")).String()},
		{"more than 18 digits", []decimal.Decimal{d("1234567890123456789.5"), d("0.5")}, "1234567890123456790"},
	}
	for _, tt := range tests {
		var a acc
		for _, x := range tt.in {
			a.add(x)
		}
		assert.Equal(t, tt.want, a.value().String(), tt.name)
	}
}
