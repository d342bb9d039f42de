package incentive

import (
	"errors"
	"reflect"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// work.empty zeroes the work field by field (see empty): it must leave
// no field set but the trace scratch, exactly as the assignment
// *w = work{traceScratch: w.traceScratch} does, including fields added to
// work after it was written. Every field, down to the scope's, is set to
// something other than its zero value first.
func TestWorkEmpty(t *testing.T) {
	var w work
	fillNonZero(t, reflect.ValueOf(&w).Elem(), "work")
	require.NotNil(t, w.scope.cache, "filled")
	require.NotEqual(t, Date{}, w.asOf, "filled")
	ts := w.traceScratch
	w.empty()
	want := work{traceScratch: ts}
	assert.True(t, reflect.DeepEqual(want, w), "a field is left set: %s", firstDiff(reflect.ValueOf(want), reflect.ValueOf(w), "work"))
}

// Result.empty zeroes every field of a result but its room.
func TestResultEmpty(t *testing.T) {
	var r Result
	fillNonZero(t, reflect.ValueOf(&r).Elem(), "Result")
	require.NotNil(t, r.room, "filled")
	require.True(t, r.Expired, "filled")
	room := r.room
	r.empty()
	want := Result{room: room}
	assert.True(t, reflect.DeepEqual(want, r), "a field is left set: %s", firstDiff(reflect.ValueOf(want), reflect.ValueOf(r), "Result"))
}

// lineWork.empty zeroes every field of a line's work, as clear would.
func TestLineWorkEmpty(t *testing.T) {
	var ln lineWork
	fillNonZero(t, reflect.ValueOf(&ln).Elem(), "lineWork")
	require.NotNil(t, ln.cuts, "filled")
	require.True(t, ln.dropped, "filled")
	ln.empty()
	assert.True(t, reflect.DeepEqual(lineWork{}, ln), "a field is left set: %s", firstDiff(reflect.ValueOf(lineWork{}), reflect.ValueOf(ln), "lineWork"))
}

// reuse keeps the lines', groups' and trace's buffers, emptied, and the
// trace scratch; everything else is zero.
func TestWorkReuseKeepsBuffers(t *testing.T) {
	var w work
	fillNonZero(t, reflect.ValueOf(&w).Elem(), "work")
	w.lines = make([]lineWork, 3, 4)
	w.lines[1].holds, w.lines[1].band = true, 2
	w.groupDone = []bool{true, true}
	w.trace = make([]rawStep, 2, 5)
	ts := w.traceScratch
	w.reuse()
	assert.Len(t, w.linesBuf, 0)
	assert.Equal(t, 4, cap(w.linesBuf), "the deal's lines are kept")
	assert.Equal(t, lineWork{}, w.linesBuf[:2][1], "emptied")
	assert.Equal(t, []bool{false, false}, w.groupBuf[:2], "emptied")
	assert.Equal(t, 5, cap(w.traceBuf))
	w.linesBuf, w.groupBuf, w.traceBuf = nil, nil, nil
	assert.True(t, reflect.DeepEqual(work{traceScratch: ts}, w), "a field is left set: %s", firstDiff(reflect.ValueOf(work{traceScratch: ts}), reflect.ValueOf(w), "work"))
}

// fillNonZero sets v (addressable) and everything in it to values other
// than their zero values, unexported fields included.
func fillNonZero(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if !v.CanSet() {
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(1)
	case reflect.String:
		v.SetString("x")
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Interface:
		switch {
		case v.Type() == reflect.TypeFor[error]():
			v.Set(reflect.ValueOf(errors.New("x")))
		case v.NumMethod() == 0:
			v.Set(reflect.ValueOf(1))
		default:
			t.Fatalf("%s: no value to fill interface %s with", path, v.Type())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fillNonZero(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Array:
		for i := range v.Len() {
			fillNonZero(t, v.Index(i), path)
		}
	case reflect.Func:
		v.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value { panic("not called") }))
	default:
		t.Fatalf("%s: cannot fill a %s", path, v.Kind())
	}
	if v.IsZero() {
		t.Fatalf("%s: still zero after filling", path)
	}
}

// firstDiff names the first field where a and b differ ("" when none).
func firstDiff(a, b reflect.Value, path string) string {
	if a.Kind() == reflect.Struct {
		for i := range a.NumField() {
			if d := firstDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
		return ""
	}
	if !a.IsZero() || !b.IsZero() {
		if a.Kind() == reflect.Pointer && a.Pointer() == b.Pointer() {
			return ""
		}
		if a.IsZero() != b.IsZero() {
			return path
		}
	}
	return ""
}

// runState.period clears a spare periodTotals field by field (the
// decimals and counts; the slices it clears in place and keeps): a field
// added to periodTotals must be cleared there too, so this list names
// them all.
func TestPeriodTotalsFields(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[periodTotals]().Fields() {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"key", "amount", "deals", "earned", "expired", "capPaid", "capOver", "basis", "started"}, names)
}

// clearSet leaves every element zero, as clear does.
func TestClearSet(t *testing.T) {
	one := totalOf(decimal.RequireFromString("1.5"))
	for _, tc := range []struct {
		name string
		s    []runTotal
	}{
		{"empty", nil},
		{"all zero", make([]runTotal, 3)},
		{"some set", []runTotal{{}, one, {}, one}},
		{"all set", []runTotal{one, one}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearSet(tc.s)
			assert.Equal(t, make([]runTotal, len(tc.s)), append([]runTotal{}, tc.s...))
		})
	}
}
