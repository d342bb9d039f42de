package incentive

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
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

// A running total (a band table's basis, a cap's count) held as an fx
// gives, after every amount added or taken off, the decimal that adding
// and subtracting the same amounts with shopspring gives: the same value, coefficient and exponent (reflect.DeepEqual, as
// TestPropertyFixedMatchesShopspring compares), read with no arena or from
// one, whatever the scales, zeros, signs and sizes (near the int64 limits,
// past the fx's 18 digits and back); and it compares with a limit (a
// spent cap) as shopspring does.
func TestPropertyRunTotalMatchesShopspring(t *testing.T) {
	zeros := []decimal.Decimal{decimal.Zero, {}, decimal.New(0, -2), decimal.New(0, -9), decimal.New(0, 3)}
	draw := func(t *rapid.T, label string) decimal.Decimal {
		if rapid.IntRange(0, 5).Draw(t, label+"/zero?") == 0 {
			return rapid.SampledFrom(zeros).Draw(t, label+"/zero")
		}
		return genFxDecimal(t, label)
	}
	rapid.Check(t, func(t *rapid.T) {
		want := draw(t, "start")
		tot := totalOf(want)
		var ar decArena
		n := rapid.IntRange(1, 12).Draw(t, "n")
		for k := range n {
			d := draw(t, "add")
			if rapid.Bool().Draw(t, "minus") {
				want = want.Sub(d)
				tot = tot.minus(d)
			} else {
				want = want.Add(d)
				tot = tot.plus(d)
			}
			if limit := draw(t, "limit"); tot.atLeast(limit) != (want.Cmp(limit) >= 0) {
				t.Fatalf("total %s at least %s: %v", want, limit, tot.atLeast(limit))
			}
			if f, ok := tot.fx(); ok && (f.c != want.CoefficientInt64() || f.e != want.Exponent()) {
				t.Fatalf("total %s as an fx: %v", want, f)
			}
			if got := tot.dec(nil); !reflect.DeepEqual(got, want) {
				t.Fatalf("after %d additions (last %s): total %s (coefficient %s, exponent %d), shopspring %s (coefficient %s, exponent %d)",
					k+1, d, got, got.Coefficient(), got.Exponent(), want, want.Coefficient(), want.Exponent())
			}
			if got := tot.dec(&ar); got.Coefficient().Cmp(want.Coefficient()) != 0 || got.Exponent() != want.Exponent() {
				t.Fatalf("after %d additions: total read from an arena %s, shopspring %s", k+1, got, want)
			}
			if tot.fast && tot.f.c == 0 {
				t.Fatalf("a zero total held as an fx: %v", tot)
			}
		}
	})
}
