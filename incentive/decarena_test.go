package incentive

import (
	"math"
	"reflect"
	"testing"

	"github.com/partnerops/partnerops/internal/deccoef"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// An arena's decimal is decimal.New's, representation included (the
// coefficient's words, its sign, the exponent), for any coefficient and
// exponent: results compare, print and encode the same whichever made them.
func TestPropertyDecArenaMatchesNew(t *testing.T) {
	var ar decArena // shared by every case, so slabs fill and are replaced
	rapid.Check(t, func(t *rapid.T) {
		c := rapid.OneOf(
			rapid.Int64(),
			rapid.Int64Range(-1000, 1000),
			rapid.SampledFrom([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}),
		).Draw(t, "c")
		e := rapid.OneOf(rapid.Int32Range(-20, 20), rapid.SampledFrom([]int32{math.MinInt32, math.MaxInt32})).Draw(t, "e")
		got, want := ar.dec(c, e), decimal.New(c, e)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("arena dec(%d, %d) = %#v, decimal.New %#v", c, e, got, want)
		}
		if e < -40 || e > 40 {
			return // (printing 10^MaxInt32 takes minutes)
		}
		if got.String() != want.String() || got.Cmp(want) != 0 {
			t.Fatalf("arena dec(%d, %d) reads %s, decimal.New %s", c, e, got, want)
		}
	})
}

// Each decimal owns its slot: making more decimals (past several slabs)
// never changes one made before, and shopspring's arithmetic on them
// leaves them as they were.
func TestDecArenaValuesStay(t *testing.T) {
	var ar decArena
	n := 5*decArenaSlab + 3
	made := make([]decimal.Decimal, n)
	for i := range made {
		c := int64(i+1) * 7919
		if i%2 == 1 {
			c = -c
		}
		made[i] = ar.dec(c, int32(-(i % 5)))
		// arithmetic makes new values, never writes the operands
		_ = made[i].Add(made[i]).Mul(made[i]).Neg().Abs().Round(1)
	}
	for i, d := range made {
		c := int64(i+1) * 7919
		if i%2 == 1 {
			c = -c
		}
		if want := decimal.New(c, int32(-(i % 5))); !reflect.DeepEqual(d, want) {
			t.Fatalf("decimal %d is %s after %d more were made; want %s", i, d, n-i-1, want)
		}
	}
}

// The in-place build is on for this version of shopspring (so the fast
// path is measured and tested, not silently off; internal/deccoef's
// TestInPlace checks that a Decimal of any other shape is refused, in
// which case an arena uses decimal.New).
func TestDecimalLayout(t *testing.T) {
	if !deccoef.InPlace() {
		t.Fatal("shopspring's Decimal no longer has the layout arenas build: arenas fall back to decimal.New; check internal/deccoef against the new version")
	}
	if !arenaAgrees() || !arenaOK.Load() {
		t.Fatalf("arenas are off on this platform (agree %v, on %v): the fast path would go unmeasured", arenaAgrees(), arenaOK.Load())
	}
	// A nil arena makes its decimals one by one.
	var none *decArena
	if got, want := none.dec(-125, -2), decimal.New(-125, -2); !reflect.DeepEqual(got, want) {
		t.Errorf("nil arena: %#v, want %#v", got, want)
	}
}

// Scope.Decimal is decimal.New's value whether the scope is the engine's
// (in the deal's arena) or built by hand.
func TestScopeDecimal(t *testing.T) {
	var hand Scope
	w := &work{da: &decArena{}}
	engine := Scope{work: w}
	for _, c := range []int64{1, -1, 24000, math.MaxInt64, math.MinInt64, 0} {
		want := decimal.New(c, -4)
		for name, s := range map[string]*Scope{"by hand": &hand, "engine": &engine, "nil": nil} {
			if got := s.Decimal(c, -4); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Decimal(%d, -4) = %#v, want %#v", name, c, got, want)
			}
		}
	}
}
