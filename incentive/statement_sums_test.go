package incentive

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fxSum must give, after flush, exactly the decimal a chain of
// decimal.Decimal.Add calls gives: the same value, exponent and internal
// representation (reflect.DeepEqual tells shopspring's zeros apart), from
// any starting total, through cancellations to zero, and past int64 (the
// fallback).
func TestFxSumMatchesDecimalAdd(t *testing.T) {
	d := decimal.RequireFromString
	cases := []struct {
		name  string
		start decimal.Decimal
		adds  []decimal.Decimal
	}{
		{"nothing added keeps the zero value", decimal.Decimal{}, nil},
		{"cents", decimal.Decimal{}, []decimal.Decimal{d("12.50"), d("0.25"), d("100")}},
		{"cancel to zero", decimal.Decimal{}, []decimal.Decimal{d("12.50"), d("-12.50")}},
		{"cancel then a zero", decimal.Decimal{}, []decimal.Decimal{d("12.50"), d("-12.50"), d("0.00")}},
		{"zeros only", decimal.Decimal{}, []decimal.Decimal{d("0.00"), d("0")}},
		{"zero from a start", d("5.5"), []decimal.Decimal{d("-5.50")}},
		{"start of another exponent", d("7"), []decimal.Decimal{d("0.001"), d("1.2")}},
		{"positive exponent", decimal.Decimal{}, []decimal.Decimal{decimal.New(5, 2), decimal.New(3, 0)}},
		{"beyond int64 falls back", decimal.Decimal{}, []decimal.Decimal{d("9000000000000000.00"), d("9000000000000000.00"), d("1.5")}},
		{"an addend of 19 digits", d("1.00"), []decimal.Decimal{d("1234567890123456789"), d("-1")}},
		{"tiny exponent falls back", decimal.Decimal{}, []decimal.Decimal{d("1.5"), decimal.New(1, -20)}},
		{"start beyond int64", d("123456789012345678901234"), []decimal.Decimal{d("1.00")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.start
			for _, v := range tc.adds {
				want = want.Add(v)
			}
			got := tc.start
			var s fxSum
			for _, v := range tc.adds {
				s.add(&got, v)
			}
			s.flush(&got)
			require.True(t, want.Equal(got), "value: want %s, got %s", want, got)
			assert.Equal(t, want.Exponent(), got.Exponent())
			assert.True(t, reflect.DeepEqual(want, got), "representation differs: want %#v, got %#v", want, got)
		})
	}
}

// Random chains of amounts (cents, some exact cancellations, zeros, the
// odd mill and large amount), flushed at random points as Statement and
// AddSettlements do, against plain decimal addition.
func TestFxSumRandomChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 20))
	for chain := range 2000 {
		want, got := decimal.Decimal{}, decimal.Decimal{}
		var s fxSum
		var last decimal.Decimal
		for step := range 1 + rng.IntN(12) {
			var v decimal.Decimal
			switch rng.IntN(6) {
			case 0:
				v = decimal.New(0, -int32(rng.IntN(4)))
			case 1:
				v = want.Neg() // cancels the total so far
			case 2:
				v = last.Neg()
			case 3:
				v = decimal.New(rng.Int64N(1<<62)-1<<61, -int32(rng.IntN(6)))
			default:
				v = decimal.New(rng.Int64N(2_000_000)-1_000_000, -2)
			}
			last = v
			want = want.Add(v)
			s.add(&got, v)
			if rng.IntN(4) == 0 {
				s.flush(&got)
				require.True(t, reflect.DeepEqual(want, got), "chain %d step %d: want %#v, got %#v", chain, step, want, got)
			}
		}
		s.flush(&got)
		require.True(t, reflect.DeepEqual(want, got), "chain %d: want %s %#v, got %s %#v", chain, want, want, got, got)
	}
}

func TestKeyedSumIs(t *testing.T) {
	cases := []struct {
		key, payee, name string
		want             bool
	}{
		{"partner", "partner", "", true},
		{"partner", "partner", "x", false},
		{"rep (Ann)", "rep", "Ann", true},
		{"rep (Ann)", "rep (Ann)", "", true},
		{"rep (Ann)", "rep", "Anne", false},
		{"rep [Ann)", "rep", "Ann", false},
		{"rep (Ann]", "rep", "Ann", false},
		{"rep (Ann)", "re", "p (Ann", false},
		{"rp (Ann)", "rep", "Ann", false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s|%s|%s", tc.key, tc.payee, tc.name), func(t *testing.T) {
			k := keyedSum{key: tc.key}
			assert.Equal(t, tc.want, k.is(tc.payee, tc.name))
		})
	}
}

// A payee whose "payee (name)" equals another payee's plain name is one
// breakdown entry, as it was when Add built the key: the two sums must
// add up, not overwrite each other.
func TestKeyedSumSameKeyTwoWays(t *testing.T) {
	m := map[string]decimal.Decimal{}
	var entries []keyedSum
	addKeyed(&entries, m, "rep", "Ann", decimal.RequireFromString("1.25"))
	addKeyed(&entries, m, "rep (Ann)", "", decimal.RequireFromString("2.50"))
	flushKeyed(&entries, m)
	require.Len(t, m, 1)
	// 1.25 + 2.50 = 3.75
	assert.Equal(t, "3.75", m["rep (Ann)"].StringFixed(2))
	assert.Empty(t, entries)
}

// Statement and AddSettlements write the pending sums back (sync), and
// Adds after them go on from the written totals: a statement taken
// half-way, then finished, is the statement of one go, to the
// representation of every decimal. A deal's partner cycles over three, and
// every fourth deal is refunded in full by a credit of the same amount, so
// totals cancel to zero on the way.
func TestStatementSyncMidway(t *testing.T) {
	p := spiffProgram()
	p.AllowNegative = true
	var results []*Result
	for i := range 24 {
		amount := fmt.Sprintf("%d.%02d", 1000+i*37, i)
		if i%4 == 3 {
			amount = "-" + fmt.Sprintf("%d.%02d", 1000+(i-1)*37, i-1)
		}
		r := mustEval(t, p, Input{Deal: deal(fmt.Sprint("D-", i), fmt.Sprint("P-", i%3), amount, "2026-11-03"), Partner: gold(fmt.Sprint("P-", i%3))})
		results = append(results, r)
	}
	one, err := NewStatement(p, nil)
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, one.Add(r))
	}
	halves, err := NewStatement(p, nil)
	require.NoError(t, err)
	for i, r := range results {
		if i == len(results)/2 {
			_ = halves.Statement()
		}
		require.NoError(t, halves.Add(r))
	}
	want, got := one.Statement(), halves.Statement()
	require.True(t, reflect.DeepEqual(want, got), "want %+v\ngot  %+v", want, got)
	require.Len(t, got.Partners, 3)
	// Earned is the sum of the results' totals, added here in decimal.
	sum := decimal.Zero
	for _, r := range results {
		sum = sum.Add(r.Total.Amount())
	}
	require.True(t, sum.IsPositive())
	assert.True(t, sum.Equal(got.Earned.Amount()), "earned %s, the results add to %s", got.Earned, sum)
	// The same statement a second time: a sync with nothing pending
	// changes nothing.
	require.True(t, reflect.DeepEqual(want, halves.Statement()))
}
