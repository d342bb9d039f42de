package incentive

import (
	"reflect"
	"testing"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// RateOf's product (Scope.mul) is shopspring's Mul, coefficient, exponent
// and representation alike, from the deal's arena or without one, for
// small, limit-sized and multi-word operands, zeros included.
func TestPropertyScopeMulMatchesShopspring(t *testing.T) {
	engine := &Scope{work: &work{da: &decArena{}}}
	rapid.Check(t, func(t *rapid.T) {
		a, b := genFxDecimal(t, "a"), genFxDecimal(t, "b")
		if rapid.Bool().Draw(t, "zero") {
			b = decimal.New(0, rapid.Int32Range(-4, 2).Draw(t, "zexp"))
		}
		want := a.Mul(b)
		for name, s := range map[string]*Scope{"engine": engine, "by hand": {}} {
			if got := s.Mul(a, b); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %s x %s = %s (exp %d), shopspring %s (exp %d)", name, a, b, got, got.Exponent(), want, want.Exponent())
			}
		}
	})
}

// The Go-built conditions and formulas read built-in texts and the deal
// amount without boxing them; what they decide is worked out by hand.
func TestGoFuncsTypedReads(t *testing.T) {
	p := spiffProgram()
	d := deal("D-1", "P-1", "12000.50", "2026-11-03")
	pt := partner.Partner{ID: "P-1", Tier: "gold"}
	s := &Scope{Program: p, Deal: &d, Partner: &pt, Amount: d.Amount.amount, work: &work{da: &decArena{}}}
	conds := []struct {
		name string
		c    Condition
		want bool
	}{
		{"type in", In(PathDealType, "upsell", "new_business"), true},
		{"type not in", In(PathDealType, "renewal"), false},
		{"tier in", In(PathPartnerTier, "silver", "gold"), true},
		{"tier equals", Equals(PathPartnerTier, "gold"), true},
		{"tier equals other", Equals(PathPartnerTier, "Gold"), false},
		{"type equals", Equals(PathDealType, "new_business"), true},
		// A DealType is not a string: Lookup's string never equals it.
		{"type equals a DealType", Equals(PathDealType, NewBusiness), false},
		{"amount at least", AtLeast(PathDealAmount, decimal.RequireFromString("12000.50")), true},
		{"amount at least more", AtLeast(PathDealAmount, decimal.RequireFromString("12000.51")), false},
	}
	for _, tc := range conds {
		got, err := tc.c.Holds(s)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
	// 12000.50 x 0.02 = 240 + 0.01 = 240.0100 (coefficient 1200050 x 2 =
	// 2400100 at exponent -2 + -2 = -4).
	v, err := RateOf(PathDealAmount, decimal.RequireFromString("0.02")).Value(s)
	require.NoError(t, err)
	assert.Equal(t, "240.01", v.String())
	assert.Equal(t, int32(-4), v.Exponent())
	assert.True(t, reflect.DeepEqual(v, decimal.New(2400100, -4)), "%#v", v)
	// x 0 is shopspring's own zero.
	z, err := RateOf(PathDealAmount, decimal.Zero).Value(s)
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(z, d.Amount.amount.Mul(decimal.Zero)))
}
