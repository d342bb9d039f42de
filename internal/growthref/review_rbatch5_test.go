package growthref

import (
	"iter"
	"reflect"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Review rbatch5 (issue #11, round 5): generated amounts are built in
// blocks (amountBlock). Amounts kept from earlier blocks still read as
// decimal.New's once later blocks are made and the deals have gone through
// the reference and a batch run of the engine (four workers); no two
// deals share a big.Int; two iterations of one Generate interleaved make
// the same amounts, each its own.
func TestReviewRbatch5KeptAmounts(t *testing.T) {
	const n = 3*idBlockSize + 7
	cents := func(i int) int64 {
		// Generate's sequence: x = x*6364136223846793005 +
		// 1442695040888963407 (mod 2^64) from 20261001, r = x >> 33,
		// amount r mod 15,000,000 + 50,000 cents.
		x := uint64(20261001)
		var r uint64
		for range i + 1 {
			x = x*6364136223846793005 + 1442695040888963407
			r = x >> 33
		}
		return int64(r%15_000_000) + 50_000
	}
	var kept []Deal
	for d := range Generate(n, 40) {
		kept = append(kept, d)
	}
	require.Len(t, kept, n)
	// Through the reference and the engine, which only read them.
	st := NewState()
	for i := range kept {
		st.Next(&kept[i])
	}
	count := 0
	for r, err := range incentive.Run(t.Context(), Program(), Inputs(func(yield func(Deal) bool) {
		for _, d := range kept {
			if !yield(d) {
				return
			}
		}
	}), incentive.RunOptions{Workers: 4}) {
		require.NoError(t, err)
		require.NotNil(t, r)
		count++
	}
	require.Equal(t, n, count)
	ptrs := map[uintptr]int{}
	for i, d := range kept {
		want := decimal.New(cents(i), -2)
		require.True(t, reflect.DeepEqual(want, d.Amount), "deal %d: %#v, want %#v", i, d.Amount, want)
		require.Equal(t, want.String(), d.Amount.String(), "deal %d", i)
		p := reflect.ValueOf(d.Amount).FieldByName("value").Pointer()
		j, seen := ptrs[p]
		require.False(t, seen, "deals %d and %d share their amount's big.Int", j, i)
		ptrs[p] = i
	}
	// Two iterations of the same Generate, interleaved.
	seq := Generate(n, 40)
	next1, stop1 := iter.Pull(seq)
	defer stop1()
	next2, stop2 := iter.Pull(seq)
	defer stop2()
	var a, b []Deal
	for range n {
		d1, ok1 := next1()
		d2, ok2 := next2()
		require.True(t, ok1 && ok2)
		a, b = append(a, d1), append(b, d2)
	}
	for i := range n {
		require.True(t, a[i].Amount.Equal(kept[i].Amount) && b[i].Amount.Equal(kept[i].Amount), "deal %d", i)
		require.NotEqual(t, reflect.ValueOf(a[i].Amount).FieldByName("value").Pointer(),
			reflect.ValueOf(b[i].Amount).FieldByName("value").Pointer(), "deal %d", i)
	}
}
