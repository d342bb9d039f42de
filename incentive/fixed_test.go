package incentive

import (
	"math"
	"math/big"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genFxDecimal draws decimals at scales 0 to 9 (and a few positive
// exponents) whose coefficients are small, near the int64 limits, near the
// 18-digit bound of the fast path, or beyond it (which must fall back).
func genFxDecimal(t *rapid.T, label string) decimal.Decimal {
	exp := rapid.Int32Range(-9, 2).Draw(t, label+"/exp")
	var c *big.Int
	switch rapid.IntRange(0, 5).Draw(t, label+"/kind") {
	case 0: // everyday amounts
		c = big.NewInt(rapid.Int64Range(-100_000_000, 100_000_000).Draw(t, label+"/small"))
	case 1: // anything an int64 holds
		c = big.NewInt(rapid.Int64().Draw(t, label+"/any"))
	case 2: // near the int64 limits
		c = big.NewInt(rapid.SampledFrom([]int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}).Draw(t, label+"/limit"))
	case 3: // around 10^18, the largest power of ten the fast path scales by
		c = big.NewInt(rapid.SampledFrom([]int64{1e18 - 1, 1e18, 1e18 + 1, -1e18 + 1, -1e18, 999_999_999_999_999_999 / 10}).Draw(t, label+"/edge"))
	case 4: // ties and halves at every scale
		c = big.NewInt(rapid.SampledFrom([]int64{5, -5, 15, -15, 25, -25, 50, 150, -250, 5000, 4999, 5001}).Draw(t, label+"/tie"))
	default: // beyond an int64: always the shopspring path
		c = new(big.Int).Mul(big.NewInt(rapid.Int64().Draw(t, label+"/big")), big.NewInt(1e12))
	}
	return decimal.NewFromBigInt(c, exp)
}

// The fast helpers return exactly what shopspring returns, representation
// included (coefficient, exponent and the big.Int's form, which
// reflect.DeepEqual compares), for every operand and every rounding mode.
func TestPropertyFixedMatchesShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genFxDecimal(t, "a"), genFxDecimal(t, "b")
		switch rapid.IntRange(0, 5).Draw(t, "cancel") {
		case 0: // a - b and a + (-b) cancel to zero
			b = a
		case 1: // the same amount at another scale: 1.50 and 1.5
			b = decimal.NewFromBigInt(new(big.Int).Mul(a.Coefficient(), big.NewInt(10)), a.Exponent()-1)
		case 2: // a zero at some scale, on either side (a + 0 may be a itself)
			b = decimal.New(0, rapid.Int32Range(-9, 3).Draw(t, "zeroexp"))
			if rapid.Bool().Draw(t, "swap") {
				a, b = b, a
			}
		case 3: // the zero value (no big.Int at all)
			b = decimal.Decimal{}
		}
		nb := b.Neg()
		same := func(op string, got, want decimal.Decimal) {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s(%s, %s): fast %s (exp %d), shopspring %s (exp %d)", op, a, b, got, got.Exponent(), want, want.Exponent())
			}
		}
		same("add", decAdd(a, b), a.Add(b))
		same("add -b", decAdd(a, nb), a.Add(nb))
		same("sub", decSub(a, b), a.Sub(b))
		// The same from an arena (a deal's decimals), which must read as
		// shopspring's own, representation included.
		var ar decArena
		same("arena add", ar.add(a, b), a.Add(b))
		same("arena add -b", ar.add(a, nb), a.Add(nb))
		same("arena sub", ar.sub(a, b), a.Sub(b))
		if got, want := decCmp(a, b), a.Cmp(b); got != want {
			t.Fatalf("cmp(%s, %s): fast %d, shopspring %d", a, b, got, want)
		}
		places := rapid.Int32Range(-2, 9).Draw(t, "places")
		for _, mode := range RoundingModes() {
			got, want := decRound(a, places, mode), mode.Round(a, places)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %s(%s, %d): fast %s (exp %d), shopspring %s (exp %d)", mode, a, places, got, got.Exponent(), want, want.Exponent())
			}
			if got := ar.round(a, places, mode); !reflect.DeepEqual(got, want) {
				t.Fatalf("arena round %s(%s, %d): %s (exp %d), shopspring %s (exp %d)", mode, a, places, got, got.Exponent(), want, want.Exponent())
			}
		}
		// mul has no dec helper (the engine's products come from
		// formulas); the fx product must be exact whenever it claims to be.
		if x, ok := toFx(a); ok {
			if y, ok := toFx(b); ok {
				if p, ok := x.mul(y); ok && p.c != 0 {
					d, _ := p.dec()
					same("mul", d, a.Mul(b))
				}
			}
		}
	})
}

// Overflow is detected, never wrapped around: each case is worked out by
// hand against the int64 range [-9223372036854775808, 9223372036854775807].
func TestFixedOverflow(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		f    func() (fx, bool)
	}{
		// MaxInt64 + 1 wraps to MinInt64 in int64 arithmetic.
		{"max+1", false, func() (fx, bool) { return fx{math.MaxInt64, 0}.add(fx{1, 0}) }},
		// MinInt64 - 1 wraps to MaxInt64.
		{"min-1", false, func() (fx, bool) { return fx{math.MinInt64, 0}.sub(fx{1, 0}) }},
		// 0 - MinInt64 = 2^63, one past MaxInt64.
		{"0-min", false, func() (fx, bool) { return fx{0, 0}.sub(fx{math.MinInt64, 0}) }},
		// 1e10 * 1e9 = 1e19 > 9.22e18.
		{"mul", false, func() (fx, bool) { return fx{1e10, 0}.mul(fx{1e9, 0}) }},
		// 3037000499^2 = 9223372030926249001 <= MaxInt64.
		{"mul fits", true, func() (fx, bool) { return fx{3037000499, 0}.mul(fx{3037000499, 0}) }},
		// aligning 1 (exp 0) with exp -19 needs 10^19: beyond the table.
		{"align", false, func() (fx, bool) { return fx{1, 0}.add(fx{1, -19}) }},
		// 10 at exp 0 rescaled to exp -18 is 10^19 > MaxInt64.
		{"rescale", false, func() (fx, bool) { return fx{10, 0}.add(fx{1, -18}) }},
		// 9 at exp 0 rescaled to exp -18 is 9e18 <= MaxInt64; + 1 = 9000000000000000001.
		{"rescale fits", true, func() (fx, bool) { return fx{9, 0}.add(fx{1, -18}) }},
		// rounding 5 (exp 0) to 19 places needs 5e19.
		{"round up-scale", false, func() (fx, bool) { return fx{5, 0}.round(19, HalfUp) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := tc.f()
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
		})
	}
}

// Hand-worked rounding of the fast path, one row per mode, to two places:
// 1.005 is a tie (the dropped digit is exactly half a cent), 1.0051 is not.
func TestFixedRound(t *testing.T) {
	tests := []struct {
		in   fx
		mode RoundingMode
		want int64 // cents
	}{
		{fx{1005, -3}, HalfUp, 101},   // tie away from zero
		{fx{-1005, -3}, HalfUp, -101}, // tie away from zero
		{fx{1005, -3}, HalfEven, 100}, // tie to the even cent 1.00
		{fx{1015, -3}, HalfEven, 102}, // tie to the even cent 1.02
		{fx{1005, -3}, HalfDown, 100}, // tie toward zero
		{fx{10051, -4}, HalfDown, 101},
		{fx{10001, -4}, Up, 101}, // any remainder goes away from zero
		{fx{-10001, -4}, Up, -101},
		{fx{10099, -4}, Down, 100},
		{fx{-10099, -4}, Down, -100},
		{fx{-10001, -4}, Ceiling, -100}, // toward +inf
		{fx{10001, -4}, Ceiling, 101},
		{fx{-10001, -4}, Floor, -101}, // toward -inf
		{fx{10099, -4}, Floor, 100},
		{fx{7, 0}, HalfUp, 700}, // 7 -> 7.00
	}
	for _, tc := range tests {
		got, ok := tc.in.round(2, tc.mode)
		if !ok || got != (fx{tc.want, -2}) {
			t.Errorf("%v %s: got %v %v, want %d cents", tc.in, tc.mode, got, ok, tc.want)
		}
	}
}

// A marginal rate table computed in fixed point pays exactly what the
// shopspring computation pays (same decimal, same representation), for
// random bands, rates at scales 0 to 6, and bases before and after a deal
// (the tables are small enough that every number of the plan fits an fx:
// 4 bands x 100,000 x 500 at 9 places is 2e17).
func TestPropertyBandTableFixedMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 4).Draw(t, "bands")
		places := rapid.Int32Range(0, 4).Draw(t, "places")
		tbl := &BandTable{Method: Marginal, Pays: PaysRate}
		from := int64(0)
		for i := range n {
			b := Band{From: decimal.New(from, 0), Value: decimal.New(rapid.Int64Range(0, 500).Draw(t, "rate"), -rapid.Int32Range(0, 6).Draw(t, "rateScale"))}
			from += rapid.Int64Range(1, 100_000).Draw(t, "width")
			if i < n-1 || rapid.Bool().Draw(t, "bounded") {
				to := decimal.New(from, 0)
				b.To = &to
			}
			tbl.Bands = append(tbl.Bands, b)
		}
		tp := planTable(tbl, places)
		if tp.fx == nil {
			t.Fatal("a small table should have a fixed-point plan")
		}
		in := bandInput{
			before:  decimal.New(rapid.Int64Range(0, 5_000_000_00).Draw(t, "before"), -2),
			started: rapid.Bool().Draw(t, "started"),
		}
		in.after = in.before.Add(decimal.New(rapid.Int64Range(-1_000_000_00, 1_000_000_00).Draw(t, "measure"), -2))
		got, _ := tp.apply(in, nil)
		slow := *tp
		slow.fx = nil
		want, _ := slow.apply(in, nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("before %s after %s: fixed %s (exp %d), decimal %s (exp %d)", in.before, in.after, got, got.Exponent(), want, want.Exponent())
		}
	})
}

// roomCovers answers what the shopspring computation of a cap's room
// answers (limit - paid, nothing when spent, rounded toward zero to the
// payout grid except at the statement stage), whenever it claims to know,
// at every scale and rounding stage.
func TestPropertyRoomCoversMatchesShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		limit, paid, total := genFxDecimal(t, "limit"), genFxDecimal(t, "paid"), genFxDecimal(t, "total")
		places := rapid.Int32Range(0, 9).Draw(t, "places")
		stage := rapid.SampledFrom([]RoundingStage{StageLine, StageDeal, StageStatement}).Draw(t, "stage")
		e := &Evaluator{places: places, stage: stage}
		left := limit.Sub(paid)
		room := decimal.New(0, -places)
		if left.Sign() > 0 {
			room = left
			if stage != StageStatement {
				room = Down.Round(left, places)
			}
		}
		want := total.Cmp(room) <= 0
		if got, known := e.roomCovers(limit, paid, total); known && got != want {
			t.Fatalf("roomCovers(limit %s, paid %s, total %s) at %d places, %s: %v, shopspring room %s says %v", limit, paid, total, places, stage, got, room, want)
		}
	})
}

// sumLines adds the paying lines (held, not dropped) exactly as the chain
// of shopspring additions in line order does, representation included.
func TestPropertySumLinesMatchesShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 5).Draw(t, "n")
		lines := make([]lineWork, n)
		var want decimal.Decimal
		paying := 0
		for i := range lines {
			lines[i] = lineWork{holds: rapid.Bool().Draw(t, "holds"), dropped: rapid.IntRange(0, 4).Draw(t, "dropped") == 0, final: genFxDecimal(t, "final")}
			if lines[i].holds && !lines[i].dropped {
				if paying == 0 {
					want = lines[i].final
				} else {
					want = want.Add(lines[i].final)
				}
				paying++
			}
		}
		if paying < 2 {
			return // paying never asks sumLines for fewer than two lines
		}
		var ar decArena // the arena's decimals read as shopspring's own
		if got, ok := ar.sumLines(lines); ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("sumLines = %s (exp %d), shopspring chain %s (exp %d)", got, got.Exponent(), want, want.Exponent())
		}
	})
}

// Hand-worked cap rooms: a 250,000.00 budget that has paid 249,999.995
// has 0.005 left, 0.00 on the 2-place grid (rounded toward zero): a
// 0.01 deal does not fit, a zero one does; at the statement stage the
// room stays 0.005 and 0.01 still does not fit, 0.005 does.
func TestRoomCoversHandWorked(t *testing.T) {
	tests := []struct {
		name         string
		stage        RoundingStage
		paid, total  string
		covers, know bool
	}{
		{"line stage, a cent over the rounded room", StageLine, "249999.995", "0.01", false, true},
		{"line stage, a zero total fits", StageLine, "249999.995", "0.00", true, true},
		{"statement stage, half a cent fits", StageStatement, "249999.995", "0.005", true, true},
		{"statement stage, a cent does not", StageStatement, "249999.995", "0.01", false, true},
		// paid 250,100.00 is over the limit: no room at all.
		{"spent", StageLine, "250100.00", "0.01", false, true},
		// 249,000.00 paid leaves 1,000.00: 999.99 and 1,000.00 fit, 1,000.01 does not.
		{"fits below", StageLine, "249000.00", "999.99", true, true},
		{"fits exactly", StageLine, "249000.00", "1000.00", true, true},
		{"a cent over", StageLine, "249000.00", "1000.01", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &Evaluator{places: 2, stage: tc.stage}
			covers, known := e.roomCovers(dec("250000.00"), dec(tc.paid), dec(tc.total))
			if known != tc.know || covers != tc.covers {
				t.Fatalf("roomCovers = %v, %v; want %v, %v", covers, known, tc.covers, tc.know)
			}
		})
	}
}
