package incentive

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A deal's trace is its steps (about sixteen a deal of the example
// program) and one block of records: their sizes and their pointers are
// the trace's cost, which the garbage collector pays for (issue #11). A
// step is 4 words on a 64-bit platform with one pointer (to the result's
// trace block; it was 5 with a 64-bit coefficient, and 14 words with
// seven pointer words: two strings, a decimal, a slice, three pointers);
// the records the block holds have no pointer at all, so the block is
// never scanned.
func TestTraceRecordSizes(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the sizes are worked out for 64-bit words")
	}
	assert.Equal(t, uintptr(32), unsafe.Sizeof(Step{}))
	assert.Equal(t, []string{"blk"}, pointerFields(reflect.TypeFor[Step]()), "one pointer a step")
	for _, typ := range []reflect.Type{reflect.TypeFor[detailHead](), reflect.TypeFor[detailWord2](), reflect.TypeFor[pickRec](),
		reflect.TypeFor[inputRec](), reflect.TypeFor[[2]textRef](), reflect.TypeFor[[4]int16]()} {
		assert.False(t, hasPointers(typ), "%s holds no pointer: it lives in a block of uint64", typ)
		assert.Zero(t, typ.Size()%8, "%s fills whole words", typ)
	}
	// (a detail's head: two words; then what the detail has: see
	// detailHead)
	assert.Equal(t, uintptr(16), unsafe.Sizeof(detailHead{}))
	assert.Equal(t, uintptr(8), unsafe.Sizeof(detailWord2{}))
	assert.Equal(t, uintptr(16), unsafe.Sizeof(inputRec{}))
	assert.Equal(t, uintptr(16), unsafe.Sizeof(pickRec{}))
}

// pointerFields names the fields of struct t that hold pointers.
func pointerFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if hasPointers(f.Type) {
			out = append(out, f.Name)
		}
	}
	return out
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// newSteps gives n zeroed steps and a header in one allocation up to 62
// steps (two beyond), whatever n.
func TestNewStepsEveryCount(t *testing.T) {
	for n := 1; n <= 70; n++ {
		steps, h := newSteps(n)
		require.Len(t, steps, n)
		require.NotNil(t, h)
		for i := range steps {
			assert.Equal(t, Step{}, steps[i], "n %d step %d", n, i)
		}
		want := 1.0
		if n > 62 {
			want = 2
		}
		assert.Equal(t, want, testing.AllocsPerRun(10, func() { newSteps(n) }), "allocations for %d steps", n)
	}
}

// A detail reused from an earlier deal comes back as new: every field
// zero but its kind, index and evaluator (reset writes them one by one,
// so a field added to stepDetail must be added to reset: the count below
// says so).
func TestDetailResetClearsEveryField(t *testing.T) {
	require.Equal(t, 18, reflect.TypeFor[stepDetail]().NumField(), "a new stepDetail field: clear it in reset too")
	e1, e2 := &Evaluator{p: &Program{}}, &Evaluator{p: &Program{}}
	picks := []groupMember{{line: 1, amount: decimal.New(1, 0)}}
	d := stepDetail{kind: detailBand, idx: 9, started: true, credited: true, line: 3, ci: 4, date: 5, on: 6, e: e1,
		a: decimal.New(1, -2), b: decimal.New(2, -2), c: decimal.New(3, -2), payee: "p", payeeName: "n",
		payeeText: textRef{1, 2}, nameText: textRef{3, 4}}
	d.setPicks(picks)
	// every field is set (a zero one would pass the check below unseen)
	v := reflect.ValueOf(d)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "field %s set before the reset", v.Type().Field(i).Name)
	}
	d.reset(detailGroup, 2, e2)
	assert.Equal(t, stepDetail{kind: detailGroup, idx: 2, e: e2}, d)
}
