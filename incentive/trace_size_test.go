package incentive

import (
	"reflect"
	"runtime"
	"slices"
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
	// (the block's header: two pointers and four int32, its words in the
	// same allocation: see traceMem)
	assert.Equal(t, uintptr(32), unsafe.Sizeof(traceBlock{}))
	assert.Equal(t, []string{"e", "side"}, pointerFields(reflect.TypeFor[traceBlock]()))
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

// traceMem gives n zeroed steps, a header and m zeroed words in one
// allocation (two beyond maxMemSteps steps), laid out as its type says:
// the steps right after the header, the words right after the steps, the
// words not overlapping the steps or the header (written below), and the
// type's pointers ending before the words, so that the collector never
// reads the words as pointers.
func TestTraceMemLayout(t *testing.T) {
	ts := new(traceScratch)
	for _, c := range []struct{ n, m, allocs int }{
		{0, 0, 1}, {0, 5, 1}, {1, 0, 1}, {1, 1, 1}, {3, 7, 1}, {14, 38, 1}, {17, 61, 1}, {62, 200, 1},
		{maxMemSteps, 3, 1}, {2, memExactWords + 1, 1}, {5, 5000, 1},
		{maxMemSteps + 1, 3, 2},
	} {
		steps, blk := ts.traceMem(c.n, c.m)
		require.NotNil(t, blk)
		require.Len(t, steps, c.n)
		data := blk.data()
		require.Len(t, data, c.m)
		assert.Equal(t, c.m, cap(data), "n %d m %d: the words are sliced to their number", c.n, c.m)
		hdr := *blk
		assert.Equal(t, traceBlock{nw: int32(c.m), dataAt: blk.dataAt}, hdr, "n %d m %d: a zero header", c.n, c.m)
		for i := range steps {
			require.Equal(t, Step{}, steps[i], "n %d m %d step %d", c.n, c.m, i)
		}
		for i, x := range data {
			require.Zero(t, x, "n %d m %d word %d", c.n, c.m, i)
		}
		for i := range data {
			data[i] = ^uint64(0)
		}
		for i := range steps {
			require.Equal(t, Step{}, steps[i], "n %d m %d step %d after the words were written", c.n, c.m, i)
		}
		assert.Equal(t, hdr, *blk, "n %d m %d: the header after the words were written", c.n, c.m)
		if c.n <= maxMemSteps {
			r := c.m
			if r > memExactWords {
				r = (r + memExactWords - 1) &^ (memExactWords - 1)
			}
			typ := memType(c.n, r)
			assert.Equal(t, memStepsAt, typ.Field(1).Offset, "the steps follow the header")
			assert.Equal(t, uintptr(blk.dataAt), typ.Field(2).Offset, "the words follow the steps")
			assert.False(t, hasPointers(typ.Field(2).Type), "the words hold no pointers")
		}
		assert.Equal(t, float64(c.allocs), testing.AllocsPerRun(10, func() { ts.traceMem(c.n, c.m) }), "allocations for n %d m %d", c.n, c.m)
	}
}

// A trace block's steps and words stay valid across collections: the
// block is kept alive by its steps alone (their pointer is to the start
// of the one allocation), and its words read back as written.
func TestTraceMemSurvivesCollections(t *testing.T) {
	ts := new(traceScratch)
	var keep [][]Step
	for i := range 200 {
		steps, blk := ts.traceMem(1+i%20, i%50)
		for j, data := 0, blk.data(); j < len(data); j++ {
			data[j] = uint64(i*1000 + j)
		}
		for j := range steps {
			steps[j].blk, steps[j].Index = blk, j
		}
		keep = append(keep, steps)
		if i%50 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	for i, steps := range keep {
		require.Len(t, steps, 1+i%20)
		blk := steps[len(steps)-1].blk
		require.Len(t, blk.data(), i%50)
		for j, x := range blk.data() {
			require.Equal(t, uint64(i*1000+j), x, "deal %d word %d", i, j)
		}
	}
}

// A detail reused from an earlier deal comes back as new: every field
// zero but its kind, index and evaluator (reset writes them one by one,
// so a field added to stepDetail must be added to reset: the count below
// says so).
func TestDetailResetClearsEveryField(t *testing.T) {
	require.Equal(t, 19, reflect.TypeFor[stepDetail]().NumField(), "a new stepDetail field: clear it in reset too")
	e1, e2 := &Evaluator{p: &Program{}}, &Evaluator{p: &Program{}}
	picks := []groupMember{{line: 1, amount: decimal.New(1, 0)}}
	d := stepDetail{kind: detailBand, idx: 9, started: true, credited: true, line: 3, ci: 4, date: 5, on: 6, e: e1,
		a: decimal.New(1, -2), b: decimal.New(2, -2), c: decimal.New(3, -2), payee: "p", payeeName: "n",
		payeeText: textRef{1, 2}, nameText: textRef{3, 4}, am: [3]amt{{c: 1, e: -2, k: amtFx}}}
	d.setPicks(picks)
	// every field is set (a zero one would pass the check below unseen)
	v := reflect.ValueOf(d)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "field %s set before the reset", v.Type().Field(i).Name)
	}
	d.reset(detailGroup, 2, e2)
	assert.Equal(t, stepDetail{kind: detailGroup, idx: 2, e: e2}, d)
}

// An input record takes one word when it has no day it was read on, its
// value fits 40 bits (a text's offset and length 23 and 16) and its
// exponent 8 bits, else two; either way it reads back as it was written,
// and records of both sizes read back in a row.
func TestInputRecordWords(t *testing.T) {
	const max40, min40 = 1<<39 - 1, -1 << 39
	for _, c := range []struct {
		name  string
		r     inputRec
		words int
	}{
		{"decimal", inputRec{kind: valFx, k: 3, e: -2, a: 123456}, 1},
		{"largest coefficient of a word", inputRec{kind: valFx, k: 255, e: -2, a: max40}, 1},
		{"smallest coefficient of a word", inputRec{kind: valFx, e: -2, a: min40}, 1},
		{"coefficient past a word", inputRec{kind: valFx, e: -2, a: max40 + 1}, 2},
		{"negative coefficient past a word", inputRec{kind: valFx, e: -2, a: min40 - 1}, 2},
		{"18-digit coefficient", inputRec{kind: valFx, e: 0, a: 999_999_999_999_999_999}, 2},
		{"exponent 127", inputRec{kind: valFx, e: 127, a: 1}, 1},
		{"exponent -128", inputRec{kind: valFx, e: -128, a: -1}, 1},
		{"exponent 128", inputRec{kind: valFx, e: 128, a: 1}, 2},
		{"exponent -129", inputRec{kind: valFx, e: -129, a: 1}, 2},
		{"int", inputRec{kind: valInt, k: 1, a: -42}, 1},
		{"large int", inputRec{kind: valInt, a: 1 << 62}, 2},
		{"bool", inputRec{kind: valBool, a: 1}, 1},
		{"date", inputRec{kind: valDate, a: int64(shortDate(2026<<9 | 12<<5 | 31))}, 1},
		{"text", inputRec{kind: valText, a: textIn(12, 4)}, 1},
		{"text at the last offset of a word", inputRec{kind: valText, a: textIn(1<<23-1, 1<<16-1)}, 1},
		{"text past the offsets of a word", inputRec{kind: valText, a: textIn(1<<23, 1)}, 2},
		{"text past the lengths of a word", inputRec{kind: valText, a: textIn(0, 1<<16)}, 2},
		{"text read on a day", inputRec{kind: valText | valOn, on: 7, a: textIn(1, 2)}, 2},
		{"decimal read on a day", inputRec{kind: valFx | valOn, e: -2, on: -5, a: 5}, 2},
		{"side decimal", inputRec{kind: valDec, k: 9, a: 3}, 1},
		{"side value", inputRec{kind: valAny, a: 0}, 1},
		{"whole observed", inputRec{kind: valObserved, k: 2, a: 1}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			words := putInput([]uint64{7}, c.r)
			require.Len(t, words, 1+c.words)
			got, next := getInput(words, 1)
			assert.Equal(t, c.r, got)
			assert.Equal(t, 1+c.words, next)
		})
	}
	// in a row: one word, two, one
	rs := []inputRec{{kind: valInt, a: 1}, {kind: valInt, k: 1, a: 1 << 50}, {kind: valBool, k: 2}}
	var words []uint64
	for _, r := range rs {
		words = putInput(words, r)
	}
	require.Len(t, words, 4)
	for i, at := 0, 0; i < len(rs); i++ {
		var r inputRec
		r, at = getInput(words, at)
		assert.Equal(t, rs[i], r, "record %d", i)
	}
}

// The blocks without steps made from the program's types (blockNews:
// EvaluateInto's and ReuseResults' traces, whose steps reuse the
// result's) fill the allocator's size classes from 48 to 512 bytes, one
// type a class, so that a block of m words takes the bytes an exact
// allocation of m words takes; newBlockFor[m] gives the smallest that
// holds m words, and traceMem returns it with m words.
func TestBlockNewsSizeClasses(t *testing.T) {
	// the size classes of Go's allocator from 48 to 512 bytes
	// (runtime/sizeclasses.go)
	classes := []int{48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512}
	require.Len(t, blockNews, len(classes))
	for i, b := range blockNews {
		assert.Equal(t, classes[i], int(memStepsAt)+8*b.words, "blockNews[%d]", i)
	}
	require.Equal(t, blockNews[len(blockNews)-1].words+1, len(newBlockFor))
	ts := new(traceScratch)
	for m := range newBlockFor {
		k := slices.IndexFunc(blockNews[:], func(b blockNew) bool { return b.words >= m })
		require.GreaterOrEqual(t, k, 0)
		if k > 0 {
			require.Less(t, blockNews[k-1].words, m, "m %d", m)
		}
		want := uintptr(unsafe.Pointer(reflect.ValueOf(blockNews[k].new).Pointer()))
		assert.Equal(t, want, uintptr(unsafe.Pointer(reflect.ValueOf(newBlockFor[m]).Pointer())), "m %d", m)
		steps, blk := ts.traceMem(0, m)
		require.Empty(t, steps)
		require.Len(t, blk.data(), m)
		require.Equal(t, uintptr(blk.dataAt), memStepsAt)
	}
}
