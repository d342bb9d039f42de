package incentive

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genZero draws a zero in one of the forms the engine's decimals take: the
// zero value, a constructed zero, one parsed from text, a cancelled sum
// (sumZeros), a sum of zeros, a product with zero, a negated zero.
func genZero(t *rapid.T, label string) decimal.Decimal {
	e := rapid.Int32Range(-12, 3).Draw(t, label+"/exp")
	one := decimal.New(1, e)
	switch rapid.IntRange(0, 6).Draw(t, label+"/form") {
	case 0:
		return decimal.Decimal{}
	case 1:
		return decimal.New(0, e)
	case 2:
		return decimal.RequireFromString("0.00")
	case 3:
		return one.Sub(one)
	case 4:
		return decimal.New(0, e).Add(decimal.New(0, e+1))
	case 5:
		return one.Mul(decimal.New(0, e))
	default:
		return one.Sub(one).Neg()
	}
}

// Adding or subtracting two zeros, of any form and scale, gives exactly
// shopspring's result (coefficient, exponent and the big.Int's form), as
// decAdd and decSub promise for every operand; the fast path shares one
// zero per exponent instead of allocating it.
func TestPropertyZeroSumsMatchShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genZero(t, "a"), genZero(t, "b")
		if got, want := decAdd(a, b), a.Add(b); !reflect.DeepEqual(got, want) {
			t.Fatalf("add(%s exp %d, %s exp %d): fast %#v, shopspring %#v", a, a.Exponent(), b, b.Exponent(), got, want)
		}
		if got, want := decSub(a, b), a.Sub(b); !reflect.DeepEqual(got, want) {
			t.Fatalf("sub(%s exp %d, %s exp %d): fast %#v, shopspring %#v", a, a.Exponent(), b, b.Exponent(), got, want)
		}
	})
}

// The lines of a deal a spent budget cut to nothing add up to zero without
// allocating, the total in the result included.
func TestZeroLinesSumAllocs(t *testing.T) {
	z := sumZeros[-2-sumZeroMin] // a line of 240.00 cut by 240.00
	lines := []lineWork{{holds: true, final: z}, {holds: true, final: z}, {holds: true, final: z}}
	var e Evaluator
	w := &work{lines: lines}
	var total decimal.Decimal
	allocs := testing.AllocsPerRun(100, func() { total = e.paying(w) })
	// 0.00 + 0.00 + 0.00 = 0.00, at the lines' exponent, -2.
	if !total.IsZero() || total.Exponent() != -2 {
		t.Fatalf("total %s (exp %d), want 0.00", total, total.Exponent())
	}
	if allocs != 0 {
		t.Fatalf("%v allocations adding three zero lines, want 0", allocs)
	}
}
