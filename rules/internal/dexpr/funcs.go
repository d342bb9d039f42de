package dexpr

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"unicode/utf8"

	"github.com/expr-lang/expr/builtin"
	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

const (
	// DivisionPlaces is the number of decimal places a quotient keeps: `/`
	// rounds its exact result half away from zero at the 16th place. A
	// quotient that terminates within 16 places (1/4, 10/8, 7.5/3) is
	// exact.
	DivisionPlaces = 16

	// MaxRoundPlaces is the largest number of places round() accepts.
	MaxRoundPlaces = 12

	// MaxExponent bounds the decimal exponent of literals, of values read
	// from a deal and of products and quotients: a number like 1e-5000
	// would make exact arithmetic arbitrarily slow. Beyond it an
	// expression fails with ErrOverflow.
	MaxExponent = 1000
)

// ErrOverflow is wrapped by errors for a number out of range: an int
// result beyond int64, or a decimal beyond MaxExponent.
var ErrOverflow = errors.New("number out of range")

func inRange(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -MaxExponent && e <= MaxExponent
}

// Arithmetic shared by constant folding and the run-time functions.

func mulD(a, b decimal.Decimal) (decimal.Decimal, error) {
	if e := int64(a.Exponent()) + int64(b.Exponent()); e < -MaxExponent || e > MaxExponent {
		return decimal.Decimal{}, fmt.Errorf("%w: product exponent %d is beyond ±%d", ErrOverflow, e, MaxExponent)
	}
	return a.Mul(b), nil
}

func divD(a, b decimal.Decimal) (decimal.Decimal, error) {
	if b.IsZero() {
		return decimal.Decimal{}, incentive.ErrDivisionByZero
	}
	return a.DivRound(b, DivisionPlaces), nil
}

var errIntOverflow = fmt.Errorf("%w: integer overflow", ErrOverflow)

func addI(a, b int64) (int64, error) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, errIntOverflow
	}
	return c, nil
}

func subI(a, b int64) (int64, error) {
	c := a - b
	if (c < a) != (b > 0) {
		return 0, errIntOverflow
	}
	return c, nil
}

func mulI(a, b int64) (int64, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	c := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, errIntOverflow
	}
	return c, nil
}

func modI(a, b int64) (int64, error) {
	if b == 0 {
		return 0, incentive.ErrDivisionByZero
	}
	if b == -1 {
		return 0, nil // avoids the MinInt64 % -1 trap on some platforms
	}
	return a % b, nil
}

func negI(a int64) (int64, error) {
	if a == math.MinInt64 {
		return 0, errIntOverflow
	}
	return -a, nil
}

func absI(a int64) (int64, error) {
	if a < 0 {
		return negI(a)
	}
	return a, nil
}

func divI(a, b int64) (decimal.Decimal, error) {
	return divD(decimal.NewFromInt(a), decimal.NewFromInt(b))
}

func roundD(x decimal.Decimal, places int64, mode string) (decimal.Decimal, error) {
	if places < 0 || places > MaxRoundPlaces {
		return decimal.Decimal{}, fmt.Errorf("round: %d places is outside 0..%d", places, MaxRoundPlaces)
	}
	m, err := incentive.ParseRoundingMode(mode)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("round: %w", err)
	}
	return m.Round(x, int32(places)), nil
}

// Run-time functions. Each is registered with expr under an internal name
// that user expressions cannot call (the checker only lets round, min, max,
// abs, len and date through, and rewrites them). The checker has already
// proved the argument types, so the type assertions cannot fail; if one
// did, the VM turns the panic into an error.

type fn = func(args ...any) (any, error)

func d2(f func(a, b decimal.Decimal) decimal.Decimal) fn {
	return func(args ...any) (any, error) {
		return f(args[0].(decimal.Decimal), args[1].(decimal.Decimal)), nil
	}
}

func d2e(f func(a, b decimal.Decimal) (decimal.Decimal, error)) fn {
	return func(args ...any) (any, error) {
		r, err := f(args[0].(decimal.Decimal), args[1].(decimal.Decimal))
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

func dcmp(f func(c int) bool) fn {
	return func(args ...any) (any, error) {
		return f(args[0].(decimal.Decimal).Cmp(args[1].(decimal.Decimal))), nil
	}
}

func i2e(f func(a, b int64) (int64, error)) fn {
	return func(args ...any) (any, error) {
		r, err := f(args[0].(int64), args[1].(int64))
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

func fIDiv(args ...any) (any, error) {
	r, err := divI(args[0].(int64), args[1].(int64))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fDNeg(args ...any) (any, error) { return args[0].(decimal.Decimal).Neg(), nil }
func fDAbs(args ...any) (any, error) { return args[0].(decimal.Decimal).Abs(), nil }
func fI2D(args ...any) (any, error)  { return decimal.NewFromInt(args[0].(int64)), nil }

func fINeg(args ...any) (any, error) {
	r, err := negI(args[0].(int64))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fIAbs(args ...any) (any, error) {
	r, err := absI(args[0].(int64))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fDIn(args ...any) (any, error) {
	x := args[0].(decimal.Decimal)
	for _, a := range args[1:] {
		if x.Equal(a.(decimal.Decimal)) {
			return true, nil
		}
	}
	return false, nil
}

func fRound(args ...any) (any, error) {
	r, err := roundD(args[0].(decimal.Decimal), args[1].(int64), args[2].(string))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fDMin(args ...any) (any, error) {
	m := args[0].(decimal.Decimal)
	for _, a := range args[1:] {
		if d := a.(decimal.Decimal); d.LessThan(m) {
			m = d
		}
	}
	return m, nil
}

func fDMax(args ...any) (any, error) {
	m := args[0].(decimal.Decimal)
	for _, a := range args[1:] {
		if d := a.(decimal.Decimal); d.GreaterThan(m) {
			m = d
		}
	}
	return m, nil
}

func fIMin(args ...any) (any, error) {
	m := args[0].(int64)
	for _, a := range args[1:] {
		m = min(m, a.(int64))
	}
	return m, nil
}

func fIMax(args ...any) (any, error) {
	m := args[0].(int64)
	for _, a := range args[1:] {
		m = max(m, a.(int64))
	}
	return m, nil
}

func fSLen(args ...any) (any, error) { return int64(utf8.RuneCountInString(args[0].(string))), nil }
func fLLen(args ...any) (any, error) { return int64(len(args[0].([]string))), nil }

// Internal function names.
const (
	fnDAdd  = "_dadd"
	fnDSub  = "_dsub"
	fnDMul  = "_dmul"
	fnDDiv  = "_ddiv"
	fnDNeg  = "_dneg"
	fnDAbs  = "_dabs"
	fnIAdd  = "_iadd"
	fnISub  = "_isub"
	fnIMul  = "_imul"
	fnIMod  = "_imod"
	fnIDiv  = "_idiv"
	fnINeg  = "_ineg"
	fnIAbs  = "_iabs"
	fnI2D   = "_i2d"
	fnDEq   = "_deq"
	fnDNe   = "_dne"
	fnDLt   = "_dlt"
	fnDLe   = "_dle"
	fnDGt   = "_dgt"
	fnDGe   = "_dge"
	fnDIn   = "_din"
	fnRound = "_round"
	fnDMin  = "_dmin"
	fnDMax  = "_dmax"
	fnIMin  = "_imin"
	fnIMax  = "_imax"
	fnSLen  = "_slen"
	fnLLen  = "_llen"
)

var (
	decT  = reflect.TypeFor[decimal.Decimal]()
	intT  = reflect.TypeFor[int64]()
	boolT = reflect.TypeFor[bool]()
	strT  = reflect.TypeFor[string]()
	strsT = reflect.TypeFor[[]string]()
)

func sig(in []reflect.Type, out reflect.Type, variadic bool) []reflect.Type {
	return []reflect.Type{reflect.FuncOf(in, []reflect.Type{out}, variadic)}
}

var (
	sigDD_D = sig([]reflect.Type{decT, decT}, decT, false)
	sigDD_B = sig([]reflect.Type{decT, decT}, boolT, false)
	sigII_I = sig([]reflect.Type{intT, intT}, intT, false)
)

// functions is the table given to expr's checker and compiler. The types
// let expr's checker re-verify the rewritten tree.
var functions = map[string]*builtin.Function{
	fnDAdd:  {Func: d2(decimal.Decimal.Add), Types: sigDD_D},
	fnDSub:  {Func: d2(decimal.Decimal.Sub), Types: sigDD_D},
	fnDMul:  {Func: d2e(mulD), Types: sigDD_D},
	fnDDiv:  {Func: d2e(divD), Types: sigDD_D},
	fnDNeg:  {Func: fDNeg, Types: sig([]reflect.Type{decT}, decT, false)},
	fnDAbs:  {Func: fDAbs, Types: sig([]reflect.Type{decT}, decT, false)},
	fnIAdd:  {Func: i2e(addI), Types: sigII_I},
	fnISub:  {Func: i2e(subI), Types: sigII_I},
	fnIMul:  {Func: i2e(mulI), Types: sigII_I},
	fnIMod:  {Func: i2e(modI), Types: sigII_I},
	fnIDiv:  {Func: fIDiv, Types: sig([]reflect.Type{intT, intT}, decT, false)},
	fnINeg:  {Func: fINeg, Types: sig([]reflect.Type{intT}, intT, false)},
	fnIAbs:  {Func: fIAbs, Types: sig([]reflect.Type{intT}, intT, false)},
	fnI2D:   {Func: fI2D, Types: sig([]reflect.Type{intT}, decT, false)},
	fnDEq:   {Func: dcmp(func(c int) bool { return c == 0 }), Types: sigDD_B},
	fnDNe:   {Func: dcmp(func(c int) bool { return c != 0 }), Types: sigDD_B},
	fnDLt:   {Func: dcmp(func(c int) bool { return c < 0 }), Types: sigDD_B},
	fnDLe:   {Func: dcmp(func(c int) bool { return c <= 0 }), Types: sigDD_B},
	fnDGt:   {Func: dcmp(func(c int) bool { return c > 0 }), Types: sigDD_B},
	fnDGe:   {Func: dcmp(func(c int) bool { return c >= 0 }), Types: sigDD_B},
	fnDIn:   {Func: fDIn, Types: sig([]reflect.Type{decT, reflect.SliceOf(decT)}, boolT, true)},
	fnRound: {Func: fRound, Types: sig([]reflect.Type{decT, intT, strT}, decT, false)},
	fnDMin:  {Func: fDMin, Types: sig([]reflect.Type{decT, reflect.SliceOf(decT)}, decT, true)},
	fnDMax:  {Func: fDMax, Types: sig([]reflect.Type{decT, reflect.SliceOf(decT)}, decT, true)},
	fnIMin:  {Func: fIMin, Types: sig([]reflect.Type{intT, reflect.SliceOf(intT)}, intT, true)},
	fnIMax:  {Func: fIMax, Types: sig([]reflect.Type{intT, reflect.SliceOf(intT)}, intT, true)},
	fnSLen:  {Func: fSLen, Types: sig([]reflect.Type{strT}, intT, false)},
	fnLLen:  {Func: fLLen, Types: sig([]reflect.Type{strsT}, intT, false)},
}

func init() {
	for name, f := range functions {
		f.Name = name
	}
}
