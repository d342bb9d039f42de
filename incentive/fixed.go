package incentive

import (
	"math"
	"math/bits"

	"github.com/partnerops/partnerops/internal/deccoef"

	"github.com/shopspring/decimal"
)

// The engine's arithmetic is exact decimal (shopspring), where every
// operation allocates a big.Int and operands of different scales are first
// rescaled into another one. Most amounts of a payout program fit a scaled
// 64-bit integer, so the hot paths compute with fx instead and turn the
// result into a decimal once. Every fx operation reports overflow (or a
// case it does not handle) with ok false, and the caller then redoes the
// whole computation in shopspring: a fast result is never a wrong one.
//
// Results keep shopspring's representation exactly: the same coefficient
// and exponent as the shopspring operation would give (a sum or difference
// at the smaller exponent, a product at the sum of the exponents, a
// rounded value at -places), so explanations, JSON and comparisons of the
// decimals read the same. A zero result is always handed back to
// shopspring (ok false from dec), because shopspring's zeros differ in
// their internal representation depending on how they came about.

// fx is the decimal c x 10^e with a coefficient that fits an int64.
type fx struct {
	c int64
	e int32
}

// fxPow10[k] is 10^k, for k up to 18 (the largest power of ten below
// 2^63).
var fxPow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// toFx returns d as an fx when its coefficient has at most 18 digits
// (read in place: see package deccoef).
func toFx(d decimal.Decimal) (fx, bool) {
	c, e, ok := deccoef.Small(d)
	return fx{c, e}, ok
}

// dec returns the decimal of a nonzero x; zero is refused (see above).
func (x fx) dec() (decimal.Decimal, bool) { return x.decIn(nil) }

// decIn is dec making the decimal from arena a (see decArena).
func (x fx) decIn(a *decArena) (decimal.Decimal, bool) {
	if x.c == 0 {
		return decimal.Decimal{}, false
	}
	return a.dec(x.c, x.e), true
}

// scaled returns x's coefficient at exponent e <= x.e.
func (x fx) scaled(e int32) (int64, bool) {
	k := int64(x.e) - int64(e)
	if k == 0 || x.c == 0 {
		return x.c, true
	}
	if k < 0 || k >= int64(len(fxPow10)) {
		return 0, false
	}
	return mulInt64(x.c, fxPow10[k])
}

// mulInt64 returns a*b, and false when it overflows an int64.
func mulInt64(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absU(a), absU(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absU(a int64) uint64 {
	if a < 0 {
		return uint64(-a) // also right for MinInt64: 1<<63
	}
	return uint64(a)
}

// align returns the coefficients of a and b at their common (smaller)
// exponent.
func align(a, b fx) (x, y int64, e int32, ok bool) {
	e = min(a.e, b.e)
	x, ok = a.scaled(e)
	if !ok {
		return 0, 0, 0, false
	}
	y, ok = b.scaled(e)
	return x, y, e, ok
}

// add returns a+b at the smaller exponent, as decimal.Decimal.Add.
func (a fx) add(b fx) (fx, bool) {
	x, y, e, ok := align(a, b)
	if !ok {
		return fx{}, false
	}
	s := x + y
	if (x^s)&(y^s) < 0 { // both operands' signs differ from the sum's
		return fx{}, false
	}
	return fx{s, e}, true
}

// sub returns a-b at the smaller exponent, as decimal.Decimal.Sub.
func (a fx) sub(b fx) (fx, bool) {
	if b.c == math.MinInt64 {
		return fx{}, false
	}
	return a.add(fx{-b.c, b.e})
}

// mul returns a*b at the sum of the exponents, as decimal.Decimal.Mul.
func (a fx) mul(b fx) (fx, bool) {
	e := int64(a.e) + int64(b.e)
	if e > math.MaxInt32 || e < math.MinInt32 {
		return fx{}, false
	}
	c, ok := mulInt64(a.c, b.c)
	return fx{c, int32(e)}, ok
}

// cmp compares a and b: -1, 0 or 1.
func (a fx) cmp(b fx) (int, bool) {
	x, y, _, ok := align(a, b)
	if !ok {
		return 0, false
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// round rounds x to places decimal places with mode, as RoundingMode.Round
// does: the result's exponent is -places.
func (x fx) round(places int32, mode RoundingMode) (fx, bool) {
	e := -int64(places)
	if e < math.MinInt32 || e > math.MaxInt32 {
		return fx{}, false
	}
	if int64(x.e) >= e {
		c, ok := x.scaled(int32(e))
		return fx{c, int32(e)}, ok
	}
	k := e - int64(x.e)
	if k >= int64(len(fxPow10)) {
		return fx{}, false
	}
	p := fxPow10[k]
	q, r := x.c/p, x.c%p // truncated toward zero; r has the sign of x.c
	if r != 0 {
		away := false
		twice := absU(r) * 2 // < 2 * 10^18, no overflow
		switch mode.OrDefault() {
		case HalfUp:
			away = twice >= uint64(p)
		case HalfEven:
			away = twice > uint64(p) || (twice == uint64(p) && q%2 != 0)
		case HalfDown:
			away = twice > uint64(p)
		case Up:
			away = true
		case Down:
		case Ceiling:
			away = r > 0
		case Floor:
			away = r < 0
		default:
			return fx{}, false
		}
		if away {
			if r > 0 {
				q++
			} else {
				q--
			}
		}
	}
	return fx{q, int32(e)}, true
}

// decAdd is a.Add(b), without the rescaling copies where both fit an fx.
// Adding a zero whose exponent is not below the other operand's gives
// that operand's own value and exponent: a + 0 is a itself, without a
// copy; 0 + b is b itself from an arena's add, and a copy of b from
// decAdd. decAdd is what running totals are added with (a band basis that
// starts from zero), and they must never hold a decimal from an arena,
// which would keep its slab alive for the run (see decArena).
func decAdd(a, b decimal.Decimal) decimal.Decimal { return (*decArena)(nil).add(a, b) }

// add is decAdd making its result from ar (see decArena).
func (ar *decArena) add(a, b decimal.Decimal) decimal.Decimal {
	if x, ok := toFx(a); ok {
		if y, ok := toFx(b); ok {
			if y.c == 0 && x.c != 0 && y.e >= x.e {
				return a
			}
			if x.c == 0 && y.c != 0 && x.e >= y.e {
				if ar == nil {
					return decimal.New(y.c, y.e) // (see decAdd)
				}
				return b
			}
			if s, ok := x.add(y); ok {
				if d, ok := ar.sumDec(s, x, y); ok {
					return d
				}
			}
		}
	}
	return a.Add(b)
}

// decSub is a.Sub(b); see decAdd (a minus a zero is a).
func decSub(a, b decimal.Decimal) decimal.Decimal { return (*decArena)(nil).sub(a, b) }

// sub is decSub making its result from ar (see decArena).
func (ar *decArena) sub(a, b decimal.Decimal) decimal.Decimal {
	if x, ok := toFx(a); ok {
		if y, ok := toFx(b); ok {
			if y.c == 0 && x.c != 0 && y.e >= x.e {
				return a
			}
			if s, ok := x.sub(y); ok {
				if d, ok := ar.sumDec(s, x, y); ok {
					return d
				}
			}
		}
	}
	return a.Sub(b)
}

// sumDec is the decimal of s, the sum or difference of x and y. A zero
// that two nonzero operands cancel to (a line cut to nothing, a spent cap)
// is shopspring's zero of such a sum, shared (see sumZeros).
//
// A sum or difference of two zeros (the lines of a deal a spent budget
// cut to nothing, added up) is shopspring's zero of such a sum, shared
// too (see zeroSums).
func (ar *decArena) sumDec(s, x, y fx) (decimal.Decimal, bool) {
	if s.c != 0 {
		return s.decIn(ar)
	}
	if s.e < sumZeroMin || s.e > sumZeroMax {
		return decimal.Decimal{}, false
	}
	switch {
	case x.c == 0 && y.c == 0:
		return zeroSums[s.e-sumZeroMin], true
	case x.c == 0 || y.c == 0:
		return decimal.Decimal{}, false
	}
	return sumZeros[s.e-sumZeroMin], true
}

// zeroSums[e-sumZeroMin] is the zero shopspring's Add and Sub make at
// exponent e from two zero operands, made by shopspring itself (0 + 0):
// its big.Int has no digits at all, unlike the zero two nonzero operands
// cancel to (sumZeros), whatever form the operands' zeros have.
var zeroSums = func() (z [sumZeroMax - sumZeroMin + 1]decimal.Decimal) {
	for i := range z {
		zero := decimal.New(0, int32(i)+sumZeroMin)
		z[i] = zero.Add(zero)
	}
	return z
}()

// sumZeros[e-sumZeroMin] is the zero shopspring's Add and Sub make at
// exponent e when two nonzero operands cancel: made by shopspring itself
// (1 - 1), so it is its representation by construction. Decimals never
// change, so one value serves every such result.
var sumZeros = func() (z [sumZeroMax - sumZeroMin + 1]decimal.Decimal) {
	for i := range z {
		one := decimal.New(1, int32(i)+sumZeroMin)
		z[i] = one.Sub(one)
	}
	return z
}()

const sumZeroMin, sumZeroMax = -18, 18

// decCmp is a.Cmp(b), without allocating where both fit an fx.
func decCmp(a, b decimal.Decimal) int {
	if a.Exponent() == b.Exponent() {
		return a.Cmp(b) // shopspring compares equal scales in place
	}
	if x, ok := toFx(a); ok {
		if y, ok := toFx(b); ok {
			if c, ok := x.cmp(y); ok {
				return c
			}
		}
	}
	return a.Cmp(b)
}

// decRound is mode.Round(d, places); see decAdd.
func decRound(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	return (*decArena)(nil).round(d, places, mode)
}

// round is decRound making its result from ar (see decArena).
func (ar *decArena) round(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	if x, ok := toFx(d); ok {
		if r, ok := x.round(places, mode); ok {
			if v, ok := r.decIn(ar); ok {
				return v
			}
		}
	}
	return mode.Round(d, places)
}

// roomCovers reports whether total fits in the room a partner or budget
// cap has left: total <= room(limit - paid) (see Evaluator.room), computed
// in fx without making a decimal, which the common case (the cap does not
// bind) never needs. known is false when some operand does not fit an fx;
// the caller then computes the room in shopspring.
func (e *Evaluator) roomCovers(limit, paid, total decimal.Decimal) (covers, known bool) {
	u, ok := toFx(paid)
	if !ok {
		return false, false
	}
	return e.roomCoversFx(limit, u, total)
}

// roomCoversFx is roomCovers with what the cap has paid as an fx (a
// running count held as one: runTotal).
func (e *Evaluator) roomCoversFx(limit decimal.Decimal, u fx, total decimal.Decimal) (covers, known bool) {
	l, ok := toFx(limit)
	if !ok {
		return false, false
	}
	t, ok := toFx(total)
	if !ok {
		return false, false
	}
	left, ok := l.sub(u)
	if !ok {
		return false, false
	}
	room := fx{0, 0} // a spent cap has no room (e.zeroRoom)
	if left.c > 0 {
		room = left
		if e.stage != StageStatement && left.e != -e.places {
			if room, ok = left.round(e.places, Down); !ok {
				return false, false
			}
		}
	}
	c, ok := t.cmp(room)
	return c <= 0, ok
}

// sumLines is the sum of the paying lines' final amounts, as the chain
// first.Add(second).Add(...) gives it (the lines in order), computed in
// fx and made a decimal once; ok is false when some amount or partial sum
// does not fit, or the sum is zero (see dec): the caller then adds in
// shopspring. It is only called with two or more paying lines.
//
// The arena remembers its last sum (paidMemo): a deal's lines are added
// up for its terms amount (orderedTerms) and again for its total
// (finish), and when no cap or rounding changed a line in between they
// are the same decimals, whose sum is the same decimal.
func (ar *decArena) sumLines(lines []lineWork) (decimal.Decimal, bool) {
	if ar != nil {
		if sum, ok := ar.last.get(lines); ok {
			return sum, true
		}
	}
	sum, ok := ar.addLines(lines)
	if ok && ar != nil {
		ar.last.put(lines, sum)
	}
	return sum, ok
}

// addLines is sumLines without the memo.
func (ar *decArena) addLines(lines []lineWork) (decimal.Decimal, bool) {
	var acc fx
	n := 0
	for i := range lines {
		if ln := &lines[i]; ln.holds && !ln.dropped {
			x, ok := toFx(ln.final)
			if !ok {
				return decimal.Decimal{}, false
			}
			if n == 0 {
				acc = x
			} else if acc, ok = acc.add(x); !ok {
				return decimal.Decimal{}, false
			}
			n++
		}
	}
	return acc.decIn(ar)
}

// paidMemo remembers an arena's last sum of lines (sumLines): which
// lines paid (a bit each) and the decimal each paid, for up to
// paidMemoLines lines. A decimal never changes, so the same decimals (the
// same coefficient, by pointer, and exponent) of the same lines add up to
// the same sum, whichever deal they are a line of; a line changed by a cap
// or by rounding holds another decimal, and the sum is made again.
type paidMemo struct {
	set bool
	// n is how many lines the sum was made of: the same first lines of
	// a longer or shorter slice are another sum.
	n     uint8
	lines uint8
	of    [paidMemoLines]decimal.Decimal
	sum   decimal.Decimal
}

const paidMemoLines = 4

// get returns the remembered sum if lines pay what they paid when it was
// made.
func (m *paidMemo) get(lines []lineWork) (decimal.Decimal, bool) {
	if !m.set || len(lines) != int(m.n) {
		return decimal.Decimal{}, false
	}
	for i := range lines {
		ln := &lines[i]
		pays := ln.holds && !ln.dropped
		if pays != (m.lines&(1<<i) != 0) || pays && ln.final != m.of[i] {
			return decimal.Decimal{}, false
		}
	}
	return m.sum, true
}

// put remembers sum as what lines pay.
func (m *paidMemo) put(lines []lineWork, sum decimal.Decimal) {
	if len(lines) > paidMemoLines {
		return
	}
	m.set, m.n, m.lines, m.sum = true, uint8(len(lines)), 0, sum
	for i := range lines {
		if ln := &lines[i]; ln.holds && !ln.dropped {
			m.lines |= 1 << i
			m.of[i] = ln.final
		} else if m.of[i] != (decimal.Decimal{}) {
			m.of[i] = decimal.Decimal{}
		}
	}
}
