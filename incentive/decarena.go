package incentive

import (
	"math"
	"math/big"
	"reflect"
	"sync/atomic"

	"github.com/partnerops/partnerops/internal/deccoef"
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
// its decimals (decAdd copies where it would hand one on, and runTotal
// keeps fixed point or a shopspring decimal of its own): one such value
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
// which internal/deccoef checks once against the type itself (Make). Where it does
// not hold (another version of shopspring), or on a 32-bit platform (a
// coefficient may need two words), every arena method makes its decimal
// with decimal.New instead: slower, never different.
type decArena struct {
	slab *decSlab
	next int
	// last is the last sum of lines made (see sumLines).
	last paidMemo
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

// arenaOK is whether arenas may build decimals in place: shopspring's
// Decimal has the layout they build (deccoef.InPlace), on a 64-bit platform,
// and decimals built so read as decimal.New's (arenaAgrees). It is atomic
// only so that tests may switch arenas off (SetArenasForTest) while runs
// of other tests are finishing.
var arenaOK atomic.Bool

func init() {
	arenaOK.Store(deccoef.InPlace() && arenaAgrees())
}

// arenaAgrees reports whether decimals an arena builds in place equal
// decimal.New's on a few values, sign, size and exponent, as a check
// against a shopspring that kept Decimal's layout but changed what New
// makes (dropping trailing zeros, say), which the layout cannot show.
func arenaAgrees() bool {
	var a decArena
	for _, v := range []struct {
		c int64
		e int32
	}{{1, 0}, {-1, -2}, {1200, -2}, {math.MaxInt64, -9}, {math.MinInt64, 3}, {-250, 0}} {
		got, want := a.build(v.c, v.e), decimal.New(v.c, v.e)
		if !reflect.DeepEqual(got, want) || got.String() != want.String() || got.Exponent() != want.Exponent() {
			return false
		}
	}
	return true
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
	if a == nil || !arenaOK.Load() || c == 0 {
		return decimal.New(c, e)
	}
	return a.build(c, e)
}

// build is dec without the checks: c != 0, the layout holds.
func (a *decArena) build(c int64, e int32) decimal.Decimal {
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
	return deccoef.Make(z, e)
}
