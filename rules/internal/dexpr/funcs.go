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
// that user expressions cannot reach (the checker lets only round, min, max,
// abs, len and date through, and rewrites them). The checker has already
// proved the argument types, so the type assertions cannot fail; if one
// did, the VM would turn the panic into an error.
//
// Every function has one or two arguments (min, max and in with more
// arguments are variadic) and is written once, typed on `any`; lower turns
// a call into a closure expr's VM calls without allocating (OpCallTyped),
// with constant arguments bound in.

type (
	unFn  = func(a any) (any, error)
	binFn = func(a, b any) (any, error)
)

func decOp(f func(a, b decimal.Decimal) (decimal.Decimal, error)) binFn {
	return func(a, b any) (any, error) {
		r, err := f(a.(decimal.Decimal), b.(decimal.Decimal))
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

func decCmp(f func(c int) bool) binFn {
	return func(a, b any) (any, error) {
		return f(a.(decimal.Decimal).Cmp(b.(decimal.Decimal))), nil
	}
}

func intOp(f func(a, b int64) (int64, error)) binFn {
	return func(a, b any) (any, error) {
		r, err := f(a.(int64), b.(int64))
		if err != nil {
			return nil, err
		}
		return r, nil
	}
}

func addD(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Add(b), nil }
func subD(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Sub(b), nil }

func fIDiv(a, b any) (any, error) {
	r, err := divI(a.(int64), b.(int64))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fLoad(f, p any) (any, error) { return f.(*frame).get(p.(*pathInfo)) }

func fDNeg(a any) (any, error) { return a.(decimal.Decimal).Neg(), nil }
func fDAbs(a any) (any, error) { return a.(decimal.Decimal).Abs(), nil }
func fI2D(a any) (any, error)  { return decimal.NewFromInt(a.(int64)), nil }

func fINeg(a any) (any, error) {
	r, err := negI(a.(int64))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fIAbs(a any) (any, error) {
	r, err := absI(a.(int64))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fSLen(a any) (any, error) { return int64(utf8.RuneCountInString(a.(string))), nil }
func fLLen(a any) (any, error) { return int64(len(a.([]string))), nil }

func fDMin(a, b any) (any, error) {
	if b.(decimal.Decimal).LessThan(a.(decimal.Decimal)) {
		return b, nil
	}
	return a, nil
}

func fDMax(a, b any) (any, error) {
	if b.(decimal.Decimal).GreaterThan(a.(decimal.Decimal)) {
		return b, nil
	}
	return a, nil
}

func fIMin(a, b any) (any, error) { return min(a.(int64), b.(int64)), nil }
func fIMax(a, b any) (any, error) { return max(a.(int64), b.(int64)), nil }

// fRound rounds with a mode chosen at run time; a constant mode is bound
// by lower instead.
func fRound(x, places, mode any) (any, error) {
	r, err := roundD(x.(decimal.Decimal), places.(int64), mode.(string))
	if err != nil {
		return nil, err
	}
	return r, nil
}

func fDIn(x any, list []any) bool {
	d := x.(decimal.Decimal)
	for _, a := range list {
		if d.Equal(a.(decimal.Decimal)) {
			return true
		}
	}
	return false
}

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

// loadFn names the function reading a path of type t.
func loadFn(t typ) string { return "_ld" + t.String() }

var (
	anyT   = reflect.TypeFor[any]()
	decT   = reflect.TypeFor[decimal.Decimal]()
	intT   = reflect.TypeFor[int64]()
	boolT  = reflect.TypeFor[bool]()
	strT   = reflect.TypeFor[string]()
	strsT  = reflect.TypeFor[[]string]()
	pathT  = reflect.TypeFor[*pathInfo]()
	goType = map[typ]reflect.Type{tBool: boolT, tInt: intT, tDecimal: decT, tString: strT, tDate: intT, tStrings: strsT}
)

func sig(out reflect.Type, in ...reflect.Type) reflect.Type {
	return reflect.FuncOf(in, []reflect.Type{out}, false)
}

func variadic(out reflect.Type, first, rest reflect.Type) reflect.Type {
	return reflect.FuncOf([]reflect.Type{first, reflect.SliceOf(rest)}, []reflect.Type{out}, true)
}

// fnSpec is one internal function: its precise signature, for expr's
// checker, and its implementation.
type fnSpec struct {
	sig reflect.Type
	un  unFn
	bin binFn
	// variadic functions (min, max of more than two, in) take this
	// instead.
	vari func(args ...any) (any, error)
}

var specs = map[string]fnSpec{
	fnDAdd: {sig: sig(decT, decT, decT), bin: decOp(addD)},
	fnDSub: {sig: sig(decT, decT, decT), bin: decOp(subD)},
	fnDMul: {sig: sig(decT, decT, decT), bin: decOp(mulD)},
	fnDDiv: {sig: sig(decT, decT, decT), bin: decOp(divD)},
	fnDNeg: {sig: sig(decT, decT), un: fDNeg},
	fnDAbs: {sig: sig(decT, decT), un: fDAbs},
	fnIAdd: {sig: sig(intT, intT, intT), bin: intOp(addI)},
	fnISub: {sig: sig(intT, intT, intT), bin: intOp(subI)},
	fnIMul: {sig: sig(intT, intT, intT), bin: intOp(mulI)},
	fnIMod: {sig: sig(intT, intT, intT), bin: intOp(modI)},
	fnIDiv: {sig: sig(decT, intT, intT), bin: fIDiv},
	fnINeg: {sig: sig(intT, intT), un: fINeg},
	fnIAbs: {sig: sig(intT, intT), un: fIAbs},
	fnI2D:  {sig: sig(decT, intT), un: fI2D},
	fnDEq:  {sig: sig(boolT, decT, decT), bin: decCmp(func(c int) bool { return c == 0 })},
	fnDNe:  {sig: sig(boolT, decT, decT), bin: decCmp(func(c int) bool { return c != 0 })},
	fnDLt:  {sig: sig(boolT, decT, decT), bin: decCmp(func(c int) bool { return c < 0 })},
	fnDLe:  {sig: sig(boolT, decT, decT), bin: decCmp(func(c int) bool { return c <= 0 })},
	fnDGt:  {sig: sig(boolT, decT, decT), bin: decCmp(func(c int) bool { return c > 0 })},
	fnDGe:  {sig: sig(boolT, decT, decT), bin: decCmp(func(c int) bool { return c >= 0 })},
	fnDMin: {sig: sig(decT, decT, decT), bin: fDMin},
	fnDMax: {sig: sig(decT, decT, decT), bin: fDMax},
	fnIMin: {sig: sig(intT, intT, intT), bin: fIMin},
	fnIMax: {sig: sig(intT, intT, intT), bin: fIMax},
	fnSLen: {sig: sig(intT, strT), un: fSLen},
	fnLLen: {sig: sig(intT, strsT), un: fLLen},
	fnRound: {sig: sig(decT, decT, intT, strT), vari: func(args ...any) (any, error) {
		return fRound(args[0], args[1], args[2])
	}},
	fnDIn: {sig: variadic(boolT, decT, decT), vari: func(args ...any) (any, error) {
		return fDIn(args[0], args[1:]), nil
	}},
}

func init() {
	for _, t := range []typ{tBool, tInt, tDecimal, tString, tDate, tStrings} {
		if _, ok := specs[loadFn(t)]; !ok {
			specs[loadFn(t)] = fnSpec{sig: sig(goType[t], anyT, pathT), bin: fLoad}
		}
	}
	for name, s := range specs {
		s := s
		f := &builtin.Function{Name: name, Types: []reflect.Type{s.sig}}
		switch {
		case s.vari != nil:
			f.Func = s.vari
		case s.un != nil:
			f.Func = func(args ...any) (any, error) { return s.un(args[0]) }
		default:
			f.Func = func(args ...any) (any, error) { return s.bin(args[0], args[1]) }
		}
		functions[name] = f
	}
}

// functions is the table given to expr's checker and compiler, with the
// precise signatures, so expr's checker re-verifies the rewritten tree.
var functions = map[string]*builtin.Function{}
