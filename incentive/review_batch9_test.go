package incentive

import (
	"encoding/json"
	"iter"
	"reflect"
	"strconv"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review batch9 (issue #11, round 9): a new result's Lines and Lost are
// made by ownTerms (lineRoom), in one allocation, on the goroutine that
// reads the input in a paired or sharded run.

// b9Inputs yields the deals as inputs, each with a gold partner of its id.
func b9Inputs(deals ...Deal) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for _, d := range deals {
			if !yield(Input{Deal: d, Partner: gold(d.PartnerID)}, nil) {
				return
			}
		}
	}
}

// b9Runs runs the deals serially, paired (two workers) and sharded (three),
// with and without the trace, and returns each run's results.
func b9Runs(t *testing.T, p *Program, deals ...Deal) map[string][]*Result {
	t.Helper()
	out := map[string][]*Result{}
	for _, workers := range []int{1, 2, 3} {
		for _, noTrace := range []bool{false, true} {
			var rs []*Result
			for r, err := range Run(t.Context(), p, b9Inputs(deals...), RunOptions{Workers: workers, NoTrace: noTrace}) {
				require.NoError(t, err)
				rs = append(rs, r)
			}
			name := map[int]string{1: "serial", 2: "paired", 3: "sharded"}[workers]
			if noTrace {
				name += ", no trace"
			}
			out[name] = rs
		}
	}
	return out
}

// Lines and Lost share one allocation, each capped at its length: a
// caller appending to a result's Lines gets a copy and leaves Lost as it
// was.
func TestReviewBatch9LinesAndLostKeepApart(t *testing.T) {
	fixed := func(id, group, amount string) Earning {
		return Earning{ID: id, Type: Spiff, Group: group, Amount: Const(dec(amount))}
	}
	// c and d are in group g, which picks the first that holds: c pays,
	// d is lost.
	p := simple(fixed("a", "", "100"), fixed("b", "", "200"), fixed("c", "g", "300"), fixed("d", "g", "400"))
	p.Groups = []Group{{ID: "g", Pick: PickFirst}}
	check := func(name string, r *Result) {
		require.Len(t, r.Lines, 3, name)
		require.Len(t, r.Lost, 1, name)
		assert.Equal(t, 3, cap(r.Lines), name)
		assert.Equal(t, 1, cap(r.Lost), name)
		// 100 + 200 + 300 = 600; d's 400 is not paid.
		assert.Equal(t, "600.00", r.Total.amount.StringFixed(2), name)
		lines := append(r.Lines, Line{Earning: "extra", Amount: usd("1")})
		require.Len(t, lines, 4, name)
		assert.Equal(t, "d", r.Lost[0].Earning, name)
		assert.Equal(t, "400.00", r.Lost[0].Amount.amount.StringFixed(2), name)
		for k, id := range []string{"a", "b", "c"} {
			assert.Equal(t, id, r.Lines[k].Earning, name)
		}
	}
	check("Evaluate", mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1000", "2026-11-01"), Partner: gold("P-1")}))
	for name, rs := range b9Runs(t, p, deal("D-1", "P-1", "1000", "2026-11-01"), deal("D-2", "P-1", "1000", "2026-11-02")) {
		require.Len(t, rs, 2, name)
		for _, r := range rs {
			check(name+" "+r.DealID, r)
		}
	}
}

// A deal that passes the clauses ownTerms tests, and so gets room for its
// lines, but fails a clause of the ordered phase (one that reads the
// partner's running totals) has no lines: nil, "lines": null in JSON, as
// every ineligible result (the room must not show as "lines": []).
func TestReviewBatch9IneligibleInOrderHasNoLines(t *testing.T) {
	p := simple(withRate("base", "0.02", nil))
	// The partner's second deal of the period and later: period.deals
	// counts the eligible deals before this one, so no deal is ever
	// eligible, and every one is failed in the ordered phase.
	p.Eligibility = []Clause{{Name: "second deal", When: AtLeast(PathPeriodDeals, dec("1"))}}
	for name, rs := range b9Runs(t, p, deal("D-1", "P-1", "1000", "2026-11-01"), deal("D-2", "P-1", "2000", "2026-11-02")) {
		require.Len(t, rs, 2, name)
		for _, r := range rs {
			assert.False(t, r.Eligible, name)
			assert.Equal(t, "second deal", r.Failed, name)
			assert.Nil(t, r.Lines, name)
			b, err := json.Marshal(r)
			require.NoError(t, err)
			assert.Contains(t, string(b), `"lines":null`, name)
		}
	}
}

// b9Rates is a RateSource that the fill below can tell apart by k.
type b9Rates struct{ k int }

func (b9Rates) Rate(from, to Currency, on Date) (Rate, error) { return Rate{}, nil }

// b9Fill sets every field under v, exported or not, to a value that is not
// zero and differs with k (a new pointer, map and slice each time).
func b9Fill(t *testing.T, v reflect.Value, k int, path string) {
	t.Helper()
	if !v.CanSet() {
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(k))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(k))
	case reflect.String:
		v.SetString("x" + strconv.Itoa(k))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), k, k))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Interface:
		require.Equal(t, reflect.TypeFor[RateSource](), v.Type(), "%s: no value to fill it with", path)
		v.Set(reflect.ValueOf(b9Rates{k}))
	case reflect.Struct:
		for i := range v.NumField() {
			b9Fill(t, v.Field(i), k, path+"."+v.Type().Field(i).Name)
		}
	case reflect.Array:
		for i := range v.Len() {
			b9Fill(t, v.Index(i), k, path)
		}
	default:
		t.Fatalf("%s: cannot fill a %s", path, v.Kind())
	}
}

// b9Same reports the first field under want and got that differs: for
// pointers, maps and slices their identity (the same memory), not only
// equal contents.
func b9Same(want, got reflect.Value, path string) string {
	switch want.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if want.Pointer() != got.Pointer() || want.Kind() == reflect.Slice && (want.Len() != got.Len() || want.Cap() != got.Cap()) {
			return path
		}
	case reflect.String:
		if want.String() != got.String() {
			return path
		}
	case reflect.Bool:
		if want.Bool() != got.Bool() {
			return path
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if want.Int() != got.Int() {
			return path
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if want.Uint() != got.Uint() {
			return path
		}
	case reflect.Interface:
		if want.IsNil() != got.IsNil() {
			return path
		}
		if !want.IsNil() {
			return b9Same(want.Elem(), got.Elem(), path+".(elem)")
		}
	case reflect.Struct:
		for i := range want.NumField() {
			if d := b9Same(want.Field(i), got.Field(i), path+"."+want.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Array:
		for i := range want.Len() {
			if d := b9Same(want.Index(i), got.Index(i), path); d != "" {
				return d
			}
		}
	default:
		return path + " (kind " + want.Kind().String() + " not compared)"
	}
	return ""
}

// setInput copies every field of an input, the same memory behind its
// pointers, maps and slices: into a zero input, over another input, and a
// zero input over a filled one. A field added to Input (or to Deal,
// partner.Partner or Prior) that setInput does not copy fails here.
func TestReviewBatch9SetInputCopiesEveryField(t *testing.T) {
	filled := func(k int) *Input {
		in := new(Input)
		b9Fill(t, reflect.ValueOf(in).Elem(), k, "Input")
		return in
	}
	for _, tc := range []struct {
		name     string
		dst, src *Input
	}{
		{"into a zero input", new(Input), filled(1)},
		{"over another input", filled(1), filled(2)},
		{"a zero input over a filled one", filled(2), new(Input)},
		{"over itself", filled(3), nil},
	} {
		src := tc.src
		if src == nil {
			src = tc.dst
		}
		want := *src // (a copy of src's fields: the same memory behind them)
		setInput(tc.dst, src)
		assert.Empty(t, b9Same(reflect.ValueOf(want), reflect.ValueOf(*tc.dst), "Input"), tc.name)
	}
}
