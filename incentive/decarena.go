package incentive

import (
	"math/big"
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/shopspring/decimal"
)

// A decArena makes the decimals of the fixed-point fast path (fx.dec)
// from slabs instead of one big.Int and one word each: shopspring's New
// costs two allocations a decimal, and a deal's result keeps about seven
// (gross and paid amounts, the total, cap cuts), which were most of a
// deal's allocations and of the garbage collector's work.
//
// A slab holds decArenaSlab coefficients; a decimal points at its own
// big.Int, whose single word is in the same slab. The slab lives as long
// as any of its decimals, so an arena serves only values that live about
// as long as the deal's result: the result's amounts and the deal's
// temporaries. Running totals, which outlive many deals (a partner's
// band basis, a cap's count), never come from an arena, nor hold one of
// its decimals (decAdd copies where it would hand one on): one such value
// would keep a whole slab alive for the run. For the same reason a program
// with credit notes (AllowNegative), whose run keeps every deal's record,
// makes no decimal from an arena (Evaluator.arena).
//
// Decimals never change after they are made (shopspring's operations
// make new big.Ints), so sharing a slab between results, or reading a
// result from another goroutine, is safe. An arena itself is not: each
// goroutine that evaluates uses its own (a single Evaluate's pooled
// state, a run's worker, a run's caller goroutine for the partner and
// budget caps).
//
// The decimal is put together from its coefficient and exponent with the
// layout of shopspring's Decimal (a *big.Int, then an int32 exponent),
// which decimalLayout checks once against the type itself. Where it does
// not hold (another version of shopspring), or on a 32-bit platform (a
// coefficient may need two words), every arena method makes its decimal
// with decimal.New instead: slower, never different.
type decArena struct {
	slab *decSlab
	next int
}

// decArenaSlab is the number of decimals a slab holds: one slab serves
// two or three deals of the example program (about seven decimals a
// deal), and keeping one decimal of a result alive keeps at most 16
// coefficients' memory (640 bytes) alive with it.
const decArenaSlab = 16

type decSlab struct {
	ints  [decArenaSlab]big.Int
	words [decArenaSlab]big.Word
}

// decimalRep is shopspring's Decimal as decimalLayout checks it.
type decimalRep struct {
	value *big.Int
	exp   int32
}

// arenaOK is whether arenas may build decimals in place.
var arenaOK = decimalLayout(reflect.TypeFor[decimal.Decimal]()) && bits.UintSize == 64

// decimalLayout reports whether t has decimalRep's fields, names, types
// and offsets, and its size.
func decimalLayout(t reflect.Type) bool {
	r := reflect.TypeFor[decimalRep]()
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

// detach returns d, made from ar or not, as a running total may keep it:
// a copy made apart from any arena when ar is one (see decArena). An arena
// makes only nonzero decimals whose coefficient fits an int64.
func (ar *decArena) detach(d decimal.Decimal) decimal.Decimal {
	if x, ok := toFx(d); ok && x.c != 0 && ar != nil {
		return decimal.New(x.c, x.e)
	}
	return d
}

// arena returns a, or nil for a program whose run keeps every deal's
// record (credit notes): see decArena.
func (e *Evaluator) arena(a *decArena) *decArena {
	if e.p.AllowNegative {
		return nil
	}
	return a
}

// dec returns the decimal c x 10^e, for c != 0, as decimal.New(c, e)
// makes it (the same coefficient, exponent and word slice length), from
// a's slab. A nil arena makes it with decimal.New.
func (a *decArena) dec(c int64, e int32) decimal.Decimal {
	if a == nil || !arenaOK || c == 0 {
		return decimal.New(c, e)
	}
	if a.slab == nil || a.next == decArenaSlab {
		a.slab, a.next = new(decSlab), 0
	}
	s, k := a.slab, a.next
	a.next++
	s.words[k] = big.Word(absU(c))
	z := &s.ints[k]
	z.SetBits(s.words[k : k+1 : k+1])
	if c < 0 {
		z.Neg(z)
	}
	r := decimalRep{value: z, exp: e}
	return *(*decimal.Decimal)(unsafe.Pointer(&r))
}
