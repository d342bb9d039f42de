package incentive

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// runAdd and runSub give shopspring's Add and Sub exactly: the same
// coefficient and exponent (which JSON and explanations show), including
// when a zero operand would rescale the other.
func TestRunAddSubMatchShopspring(t *testing.T) {
	vals := []decimal.Decimal{
		decimal.Zero, decimal.New(0, -2), decimal.New(0, -4), decimal.New(0, 3),
		dec("14000"), dec("150000.004"), dec("0.01"), dec("-2500.50"), dec("1e3"),
		decimal.New(922337203685477580, 1), decimal.New(-922337203685477580, -5),
	}
	var ar decArena // a cap's cut comes from the deal's arena
	for _, a := range vals {
		for _, b := range vals {
			for _, tt := range []struct {
				op        string
				got, want decimal.Decimal
			}{
				{"+", runAdd(a, b), a.Add(b)},
				{"-", runSub(nil, a, b), a.Sub(b)},
				{"- (arena)", runSub(&ar, a, b), a.Sub(b)},
			} {
				assert.Equal(t, tt.want.Coefficient().String(), tt.got.Coefficient().String(), "%s %s %s", a, tt.op, b)
				assert.Equal(t, tt.want.Exponent(), tt.got.Exponent(), "%s %s %s", a, tt.op, b)
			}
		}
	}
}
