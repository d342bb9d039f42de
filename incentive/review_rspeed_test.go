package incentive

import (
	"math"
	"math/big"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// reviewRspeedDecimal draws decimals at scales 0 to 16 (the range
// for money and rates), with coefficients small, anywhere in an int64, at
// its limits (MinInt64 included), at the 18-digit bound of the fast path,
// beyond an int64, zeros at any scale, and the zero value.
func reviewRspeedDecimal(t *rapid.T, label string) decimal.Decimal {
	exp := -rapid.Int32Range(0, 16).Draw(t, label+"/scale")
	var c *big.Int
	switch rapid.IntRange(0, 6).Draw(t, label+"/kind") {
	case 0:
		c = big.NewInt(rapid.Int64Range(-1_000_000_000, 1_000_000_000).Draw(t, label+"/small"))
	case 1:
		c = big.NewInt(rapid.Int64().Draw(t, label+"/any"))
	case 2:
		c = big.NewInt(rapid.SampledFrom([]int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1e18 - 1, 1e18, -1e18, 999_999_999_999_999_999}).Draw(t, label+"/limit"))
	case 3:
		c = new(big.Int)
	case 4:
		return decimal.Decimal{}
	case 5:
		c = big.NewInt(rapid.SampledFrom([]int64{5, -5, 1, -1, 49, 50, 51}).Draw(t, label+"/tie"))
	default:
		c = new(big.Int).Mul(big.NewInt(rapid.Int64().Draw(t, label+"/big")), big.NewInt(1e15))
	}
	return decimal.NewFromBigInt(c, exp)
}

// At scales 0 to 16 the int64 helpers of the deal path (decAdd, decSub and
// the running totals' runAdd and runSub with their zero shortcuts, the
// deal total's sumLines and the cap test roomCovers) give shopspring's
// answer, representation included for the sums.
func TestReviewRspeedFastPathsScales0To16(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := reviewRspeedDecimal(t, "a"), reviewRspeedDecimal(t, "b"), reviewRspeedDecimal(t, "c")
		same := func(op string, got, want decimal.Decimal) {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s(%s, %s): fast %s (exp %d), shopspring %s (exp %d)", op, a, b, got, got.Exponent(), want, want.Exponent())
			}
		}
		same("decAdd", decAdd(a, b), a.Add(b))
		same("decSub", decSub(a, b), a.Sub(b))
		// runAdd/runSub may return an operand itself for a zero: the
		// same value and exponent as shopspring's (a zero's big.Int may
		// differ in form, which no reader sees)
		for _, op := range []struct {
			name      string
			got, want decimal.Decimal
		}{{"runAdd", runAdd(a, b), a.Add(b)}, {"runSub", runSub(a, b), a.Sub(b)}} {
			if op.got.Cmp(op.want) != 0 || op.got.Exponent() != op.want.Exponent() || op.got.String() != op.want.String() {
				t.Fatalf("%s(%s, %s) = %s (exp %d), shopspring %s (exp %d)", op.name, a, b, op.got, op.got.Exponent(), op.want, op.want.Exponent())
			}
		}
		if got, want := decCmp(a, b), a.Cmp(b); got != want {
			t.Fatalf("decCmp(%s, %s) = %d, shopspring %d", a, b, got, want)
		}
		lines := []lineWork{{holds: true, final: a}, {holds: true, final: b}, {holds: true, dropped: true, final: c}, {holds: true, final: c}}
		if got, ok := sumLines(lines); ok {
			same("sumLines", got, a.Add(b).Add(c))
		}
		places := rapid.Int32Range(0, 16).Draw(t, "places")
		stage := rapid.SampledFrom([]RoundingStage{StageLine, StageDeal, StageStatement}).Draw(t, "stage")
		e := &Evaluator{places: places, stage: stage}
		room := decimal.Zero
		if left := a.Sub(b); left.Sign() > 0 {
			room = left
			if stage != StageStatement {
				room = left.RoundDown(places)
			}
		}
		if got, known := e.roomCovers(a, b, c); known && got != (c.Cmp(room) <= 0) {
			t.Fatalf("roomCovers(limit %s, paid %s, total %s) %d places %s = %v; room %s", a, b, c, places, stage, got, room)
		}
	})
}
