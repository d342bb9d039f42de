// Package deccoef reads a shopspring decimal's coefficient without
// shopspring's digit count, for the engine's and the expression
// compiler's fixed-point fast paths (incentive's fx, dexpr's products and
// comparisons). Those ask, for nearly every operand, whether the
// coefficient fits a scaled int64 of at most 18 digits; Decimal.NumDigits
// answers with a bit-length estimate and a table lookup, and was a few
// percent of a deal's evaluation.
//
// Small reads the decimal in place, through the layout of shopspring's
// Decimal (a *big.Int, then an int32 exponent), which the package checks
// once against the type itself. Where it does not hold (another version
// of shopspring), or a big.Word is not 64 bits, Small asks shopspring's
// accessors instead: slower, never different.
//
// Make puts a decimal together from a coefficient the caller owns, with
// the same layout: the engine's decimal arena (incentive's decArena) and
// the benchmark generator's amount blocks build many one-word
// coefficients in one allocation and hand them out as decimals. It is the
// one place outside shopspring that knows Decimal's fields.
package deccoef

import (
	"math/big"
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/shopspring/decimal"
)

// rep is shopspring's Decimal as layoutOK checks it.
type rep struct {
	value *big.Int
	exp   int32
}

// inPlace is whether Small may read a decimal as a rep.
var inPlace = layoutOK(reflect.TypeFor[decimal.Decimal]()) && bits.UintSize == 64

// InPlace reports whether Small reads decimals in place and Make may be
// used: shopspring's Decimal has the layout this package knows, on a
// platform whose big.Word is 64 bits.
func InPlace() bool { return inPlace }

// Make returns the decimal v x 10^exp holding v itself (not a copy), as
// decimal.NewFromBigInt(v, exp) would hold a copy of it: the caller must
// never change v afterwards. Where InPlace is false it returns
// decimal.NewFromBigInt(v, exp).
func Make(v *big.Int, exp int32) decimal.Decimal {
	if !inPlace {
		return decimal.NewFromBigInt(v, exp)
	}
	r := rep{value: v, exp: exp}
	return *(*decimal.Decimal)(unsafe.Pointer(&r))
}

// layoutOK reports whether t has rep's fields, names, types and offsets,
// and its size.
func layoutOK(t reflect.Type) bool {
	r := reflect.TypeFor[rep]()
	if t.Kind() != reflect.Struct || t.NumField() != r.NumField() || t.Size() != r.Size() || t.Align() != r.Align() {
		return false
	}
	for i := range r.NumField() {
		f, g := t.Field(i), r.Field(i)
		if f.Name != g.Name || f.Type != g.Type || f.Offset != g.Offset {
			return false
		}
	}
	return true
}

// Small returns d's coefficient and exponent when the coefficient has at
// most 18 digits (|c| < 10^18, so c is an int64 other than MinInt64, and
// so is -c), and ok false otherwise. The zero value reads as 0 x 10^0.
// It is the same as
//
//	if d.NumDigits() > 18 { return 0, 0, false }
//	return d.CoefficientInt64(), d.Exponent(), true
func Small(d decimal.Decimal) (c int64, e int32, ok bool) {
	if !inPlace {
		return slow(d)
	}
	r := (*rep)(unsafe.Pointer(&d))
	if r.value == nil {
		return 0, r.exp, true
	}
	w := r.value.Bits()
	switch {
	case len(w) == 0:
		return 0, r.exp, true
	case len(w) > 1 || uint64(w[0]) >= 1e18:
		return 0, 0, false
	}
	c = int64(w[0])
	if r.value.Sign() < 0 {
		c = -c
	}
	return c, r.exp, true
}

// slow is Small through shopspring's accessors.
func slow(d decimal.Decimal) (int64, int32, bool) {
	if d.NumDigits() > 18 {
		return 0, 0, false
	}
	return d.CoefficientInt64(), d.Exponent(), true
}
