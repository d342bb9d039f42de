package dexpr

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"unicode/utf8"

	"github.com/expr-lang/expr/builtin"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/deccoef"
	"github.com/shopspring/decimal"
)

const (
	// DivisionPlaces is the default number of decimal places a quotient
	// keeps: `/` rounds its exact result half away from zero at the 16th
	// place. A quotient that terminates within 16 places (1/4, 10/8,
	// 7.5/3) is exact. A program may choose another precision (see
	// Env.SetDivisionPlaces).
	DivisionPlaces = incentive.DefaultDivisionPlaces

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

// mulD multiplies exactly, through incentive.Scope.Mul (the engine's one
// fast product). When both coefficients fit an int64 and so does their
// product (an amount times a rate, in practice), it multiplies them as
// int64s: the same coefficient and exponent as shopspring's Mul
// gives, without its big-number multiplication. Anything else, an
// overflow and a zero product (whose representation shopspring makes
// differently) included, is shopspring's Mul.
func mulD(a, b decimal.Decimal) (decimal.Decimal, error) { return mulIn(nil, a, b) }

// mulIn is mulD making an int64 product's decimal with s.Decimal (in the
// deal's memory, see incentive.Scope.Decimal) when s is not nil; it
// refuses a product whose exponent is beyond the DSL's range first.
func mulIn(s *incentive.Scope, a, b decimal.Decimal) (decimal.Decimal, error) {
	e := int64(a.Exponent()) + int64(b.Exponent())
	if e < -MaxExponent || e > MaxExponent {
		return decimal.Decimal{}, fmt.Errorf("%w: product exponent %d is beyond ±%d", ErrOverflow, e, MaxExponent)
	}
	return s.Mul(a, b), nil // (a nil Scope makes it with decimal.New)
}

// cmpD compares a and b as a.Cmp(b) does. Operands at different
// exponents (deal.amount at 2 places against a literal 50000) make
// shopspring rescale one through a big.Int multiplication, which
// allocates; when both coefficients fit an int64 and the rescaled one
// still does, cmpD compares them as int64s instead. Anything else is
// shopspring's Cmp.
func cmpD(a, b decimal.Decimal) int {
	ea, eb := a.Exponent(), b.Exponent()
	if ea == eb {
		return a.Cmp(b) // shopspring compares equal exponents in place
	}
	x, ok := coef64(a)
	if !ok {
		return a.Cmp(b)
	}
	y, ok := coef64(b)
	if !ok {
		return a.Cmp(b)
	}
	// Bring the operand with the larger exponent down to the other's.
	if ea > eb {
		if x, ok = scaleUp(x, int64(ea)-int64(eb)); !ok {
			return a.Cmp(b)
		}
	} else if y, ok = scaleUp(y, int64(eb)-int64(ea)); !ok {
		return a.Cmp(b)
	}
	return cmp.Compare(x, y)
}

// pow10s[k] is 10^k, up to 10^18 (the largest power of ten in an int64).
var pow10s = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// scaleUp returns c*10^k, and false when it does not fit an int64.
func scaleUp(c int64, k int64) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if k >= int64(len(pow10s)) {
		return 0, false
	}
	hi, lo := bits.Mul64(absU64(c), uint64(pow10s[k]))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if c < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

// coef64 returns d's coefficient when it has at most 18 digits (so it is
// an int64 other than MinInt64).
func coef64(d decimal.Decimal) (int64, bool) {
	c, _, ok := deccoef.Small(d) // in place, without NumDigits
	return c, ok
}

func absU64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// MaxDivisionPlaces is the largest precision an Env accepts (see
// Env.SetDivisionPlaces).
const MaxDivisionPlaces = incentive.MaxDivisionPlaces

func divD(a, b decimal.Decimal) (decimal.Decimal, error) { return divPlaces(a, b, DivisionPlaces) }

// divPlaces divides, rounding the quotient half away from zero at places.
func divPlaces(a, b decimal.Decimal, places int32) (decimal.Decimal, error) {
	if b.IsZero() {
		return decimal.Decimal{}, incentive.ErrDivisionByZero
	}
	return a.DivRound(b, places), nil
}

// divD divides at the Env's precision.
func (e *Env) divD(a, b decimal.Decimal) (decimal.Decimal, error) {
	return divPlaces(a, b, e.DivisionPlaces())
}

// divI divides two ints into a decimal at the Env's precision.
func (e *Env) divI(a, b int64) (decimal.Decimal, error) {
	return e.divD(decimal.NewFromInt(a), decimal.NewFromInt(b))
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
		return f(cmpD(a.(decimal.Decimal), b.(decimal.Decimal))), nil
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

// fLoad is a read not lowered (never, in practice): the VM's environment
// is the scope.
func fLoad(s, p any) (any, error) {
	pi := p.(*pathInfo)
	return pi.env.cached(s.(*incentive.Scope), pi)
}

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
func loadFn(t typ) string {
	return [...]string{tBool: "_ldb", tInt: "_ldi", tDecimal: "_ldd", tString: "_lds", tDate: "_ldt", tStrings: "_ldl"}[t]
}

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
// checker, and its implementations. un or bin (typed on any) serve any
// call; the typed forms let lowering fuse constants and reads into the call
// without boxing them.
type fnSpec struct {
	sig reflect.Type
	un  unFn
	bin binFn
	// variadic functions (in with a list) and three-argument ones (round)
	// take this instead.
	vari func(args ...any) (any, error)

	dd   func(a, b decimal.Decimal) (decimal.Decimal, error)
	dcmp func(c int) bool
	ii   func(a, b int64) (int64, error)
	d1   func(a decimal.Decimal) decimal.Decimal
	i1   func(a int64) (int64, error)
}

func minD(a, b decimal.Decimal) (decimal.Decimal, error) {
	if b.LessThan(a) {
		return b, nil
	}
	return a, nil
}

func maxD(a, b decimal.Decimal) (decimal.Decimal, error) {
	if b.GreaterThan(a) {
		return b, nil
	}
	return a, nil
}

func minI(a, b int64) (int64, error) { return min(a, b), nil }
func maxI(a, b int64) (int64, error) { return max(a, b), nil }

func eqC(c int) bool { return c == 0 }
func neC(c int) bool { return c != 0 }
func ltC(c int) bool { return c < 0 }
func leC(c int) bool { return c <= 0 }
func gtC(c int) bool { return c > 0 }
func geC(c int) bool { return c >= 0 }

var specs = map[string]fnSpec{
	fnDAdd: {sig: sig(decT, decT, decT), bin: decOp(addD), dd: addD},
	fnDSub: {sig: sig(decT, decT, decT), bin: decOp(subD), dd: subD},
	fnDMul: {sig: sig(decT, decT, decT), bin: decOp(mulD), dd: mulD},
	fnDDiv: {sig: sig(decT, decT, decT), bin: decOp(divD), dd: divD},
	fnDMin: {sig: sig(decT, decT, decT), bin: decOp(minD), dd: minD},
	fnDMax: {sig: sig(decT, decT, decT), bin: decOp(maxD), dd: maxD},
	fnDNeg: {sig: sig(decT, decT), un: fDNeg, d1: decimal.Decimal.Neg},
	fnDAbs: {sig: sig(decT, decT), un: fDAbs, d1: decimal.Decimal.Abs},
	fnIAdd: {sig: sig(intT, intT, intT), bin: intOp(addI), ii: addI},
	fnISub: {sig: sig(intT, intT, intT), bin: intOp(subI), ii: subI},
	fnIMul: {sig: sig(intT, intT, intT), bin: intOp(mulI), ii: mulI},
	fnIMod: {sig: sig(intT, intT, intT), bin: intOp(modI), ii: modI},
	fnIMin: {sig: sig(intT, intT, intT), bin: intOp(minI), ii: minI},
	fnIMax: {sig: sig(intT, intT, intT), bin: intOp(maxI), ii: maxI},
	fnIDiv: {sig: sig(decT, intT, intT), bin: fIDiv},
	fnINeg: {sig: sig(intT, intT), un: fINeg, i1: negI},
	fnIAbs: {sig: sig(intT, intT), un: fIAbs, i1: absI},
	fnI2D:  {sig: sig(decT, intT), un: fI2D},
	fnDEq:  {sig: sig(boolT, decT, decT), bin: decCmp(eqC), dcmp: eqC},
	fnDNe:  {sig: sig(boolT, decT, decT), bin: decCmp(neC), dcmp: neC},
	fnDLt:  {sig: sig(boolT, decT, decT), bin: decCmp(ltC), dcmp: ltC},
	fnDLe:  {sig: sig(boolT, decT, decT), bin: decCmp(leC), dcmp: leC},
	fnDGt:  {sig: sig(boolT, decT, decT), bin: decCmp(gtC), dcmp: gtC},
	fnDGe:  {sig: sig(boolT, decT, decT), bin: decCmp(geC), dcmp: geC},
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
