package incentive

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review of the trace in one allocation, round 7 (issue #11): a deal's
// steps, its block's header and its words are one reflect.StructOf
// allocation (traceMem), the header is 32 bytes, and a value read is one
// word when it fits (putInput, getInput). These tests answer the review's
// questions: every bound of the one-word record, end to end through
// Evaluate; every size the allocation can take; and the collector and
// concurrency around it.

// An input record reads back as it was written, at each bound of the
// one-word form (a of 40 bits, e of 8 bits, a text's offset of 23 bits
// and length of 16, no day read on) and one past it (two words), for
// every kind, with k at 0 and 255; records laid end to end read back in
// order (each getInput returns the word after its record).
func TestReviewRtrace7InputWordBounds(t *testing.T) {
	const a40 = 1<<39 - 1 // the largest a of one word: 2^39 - 1
	type rc struct {
		r     inputRec
		words int
	}
	var cases []rc
	add := func(words int, r inputRec) {
		for _, k := range []uint8{0, 1, 254, 255} {
			r.k = k
			cases = append(cases, rc{r, words})
		}
	}
	for _, c := range []struct {
		a     int64
		words int
	}{
		{0, 1}, {1, 1}, {-1, 1}, {a40, 1}, {-a40 - 1, 1}, {a40 + 1, 2}, {-a40 - 2, 2},
		{math.MaxInt64, 2}, {math.MinInt64, 2}, {1 << 40, 2}, {-1 << 40, 2},
	} {
		add(c.words, inputRec{kind: valInt, a: c.a})
		add(c.words, inputRec{kind: valAny, a: c.a})
		add(c.words, inputRec{kind: valDec, a: c.a})
		add(c.words, inputRec{kind: valObserved, a: c.a})
		add(c.words, inputRec{kind: valDate, a: c.a})
		for _, e := range []int16{0, 1, -1, 127, -128} {
			add(c.words, inputRec{kind: valFx, a: c.a, e: e})
		}
		// an exponent past 8 bits: two words whatever a is
		for _, e := range []int16{128, -129, math.MaxInt16, math.MinInt16} {
			add(2, inputRec{kind: valFx, a: c.a, e: e})
		}
		// a day read on: two words, and on reads back, at its bounds
		for _, on := range []shortDate{1, -1, math.MaxInt32, math.MinInt32} {
			add(2, inputRec{kind: valInt | valOn, a: c.a, on: on})
			add(2, inputRec{kind: valFx | valOn, a: c.a, e: -2, on: on})
		}
	}
	add(1, inputRec{kind: valBool, a: 0})
	add(1, inputRec{kind: valBool, a: 1})
	for _, c := range []struct {
		off, n int32
		words  int
	}{
		{0, 0, 1}, {0, 1, 1}, {1<<23 - 1, 1<<16 - 1, 1}, {1 << 23, 1, 2}, {0, 1 << 16, 2},
		{1<<23 - 1, 1 << 16, 2}, {math.MaxInt32, math.MaxInt32, 2},
	} {
		add(c.words, inputRec{kind: valText, a: textIn(c.off, c.n)})
		add(2, inputRec{kind: valText | valOn, a: textIn(c.off, c.n), on: 5})
	}
	var all []uint64
	for _, c := range cases {
		words := putInput(nil, c.r)
		require.Len(t, words, c.words, "%+v", c.r)
		got, next := getInput(words, 0)
		require.Equal(t, c.words, next, "%+v", c.r)
		want := c.r
		if want.kind&valOn == 0 {
			want.on = 0 // (a record without valOn keeps no day)
		}
		if c.words == 1 {
			want.e = int16(int8(want.e))
		}
		require.Equal(t, want, got, "%+v in %d words", c.r, c.words)
		all = putInput(all, c.r)
	}
	i := 0
	for _, c := range cases {
		var got inputRec
		got, i = getInput(all, i)
		assert.Equal(t, c.r.a, got.a, "%+v end to end", c.r)
		assert.Equal(t, c.r.kind, got.kind, "%+v end to end", c.r)
	}
	assert.Equal(t, len(all), i, "every word read")
}

// rt7Reads is a program whose one earning's condition reads paths (and
// pays 1) and whose formula reads them too, on the given fields.
func rt7Reads(fields []FieldDecl, paths []string) *Program {
	p := spiffProgram()
	p.Caps, p.Eligibility = nil, nil
	p.Fields = fields
	p.Earnings = []Earning{{ID: "x", Type: Spiff,
		When:   ConditionFunc("c", paths, func(*Scope) (bool, error) { return true, nil }),
		Amount: FormulaFunc("f", paths, func(*Scope) (decimal.Decimal, error) { return decimal.New(1, 0), nil })}}
	return p
}

// rt7SameValue asserts that got is want exactly: a decimal with its
// coefficient and exponent.
func rt7SameValue(t *testing.T, want, got any, msg string) {
	t.Helper()
	if dw, ok := want.(decimal.Decimal); ok {
		dg, ok := got.(decimal.Decimal)
		require.True(t, ok, "%s: a %T", msg, got)
		assert.Equal(t, dw.Exponent(), dg.Exponent(), "%s: exponent", msg)
		assert.Zero(t, dw.Coefficient().Cmp(dg.Coefficient()), "%s: coefficient %s, got %s", msg, dw.Coefficient(), dg.Coefficient())
		return
	}
	assert.Equal(t, want, got, msg)
}

// Every value a read can hold, at the bounds of its one-word record and
// one past them, through Evaluate: ints of 40 bits and past them,
// negative, decimals whose coefficient fits 40 bits or not (up to past
// 64 bits, negative) at exponents of 8 bits and past them (positive
// exponents from Go), bools, dates at the shortDate bounds, a missing
// optional field and a path without a value (left out). Each reads back
// exactly from Inputs, in the step's words, and from its JSON read back.
func TestReviewRtrace7ValuesAtWordBounds(t *testing.T) {
	type val struct {
		typ  FieldType
		v    any
		text string // as the words show it
	}
	vals := []val{
		{FieldInt, int64(1<<39 - 1), "549755813887"},
		{FieldInt, int64(1 << 39), "549755813888"},
		{FieldInt, int64(-1 << 39), "-549755813888"},
		{FieldInt, int64(-1<<39 - 1), "-549755813889"},
		{FieldInt, int64(math.MaxInt64), "9223372036854775807"},
		{FieldInt, int64(math.MinInt64), "-9223372036854775808"},
		{FieldInt, int64(0), "0"},
		// 2^39 - 1 at 10^-128 and 10^127: one word
		{FieldDecimal, decimal.New(1<<39-1, -128), ""},
		{FieldDecimal, decimal.New(-1<<39, 127), ""},
		// past 8 bits of exponent or 40 of coefficient: two words
		{FieldDecimal, decimal.New(1<<39-1, -129), ""},
		{FieldDecimal, decimal.New(7, 128), ""},
		{FieldDecimal, decimal.New(1<<39, -2), "5,497,558,138.88"},
		{FieldDecimal, decimal.New(-1<<39-1, -2), "-5,497,558,138.89"},
		// 18 digits (the most a record's int64 keeps) and 19, 2^64 and
		// past: a side decimal
		{FieldDecimal, decimal.New(-999999999999999999, -3), "-999,999,999,999,999.999"},
		{FieldDecimal, decimal.RequireFromString("184467440737095516.16"), "184,467,440,737,095,516.16"},
		{FieldDecimal, decimal.RequireFromString("-0.123456789012345678901234567890"), ""},
		{FieldDecimal, decimal.New(0, -2), "0.00"},
		{FieldDecimal, decimal.New(0, 0), "0.00"},
		{FieldMoney, decimal.New(-125, -2), "-1.25"},
		{FieldBool, true, "true"},
		{FieldBool, false, "false"},
		{FieldDate, Date{2028, time.February, 29}, "2028-02-29"},
		{FieldDate, Date{1<<22 - 1, 12, 31}, ""},
		{FieldDate, Date{-1 << 22, 1, 1}, ""},
		{FieldDate, Date{1 << 22, 1, 1}, ""},
		{FieldDate, Date{}, ""},
	}
	var fields []FieldDecl
	var paths []string
	values := map[string]any{}
	for i, v := range vals {
		name := fmt.Sprintf("v%02d", i)
		fields = append(fields, FieldDecl{Name: name, Type: v.typ})
		paths = append(paths, "deal."+name)
		values[name] = v.v
	}
	fields = append(fields, FieldDecl{Name: "opt", Type: FieldInt, Optional: true})
	paths = append(paths, "deal.opt", "deal.absent")
	p := rt7Reads(fields, paths)
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	d.Fields = values
	res := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	for _, kind := range []StepKind{StepCondition, StepFormula} {
		s := stepOf(t, res.Trace, kind)
		in := s.Inputs()
		require.Len(t, in, len(vals)+1, "%v: every path but deal.absent", kind)
		for i, v := range vals {
			assert.Equal(t, paths[i], in[i].Path)
			rt7SameValue(t, v.v, in[i].Value, fmt.Sprintf("%v input %d (%v)", kind, i, v.v))
			if v.text != "" {
				assert.Contains(t, s.Words(), paths[i]+" = "+v.text+",", "%v input %d", kind, i)
			}
		}
		assert.Equal(t, Observed{Path: "deal.opt", Value: int64(0)}, in[len(vals)])
		// the JSON of the step reads back: its words, and each value's
		// text (what the JSON keeps of it)
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back Step
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, s.Words(), back.Words())
		bin := back.Inputs()
		require.Len(t, bin, len(in))
		for i := range in {
			// (a value read back is its text, which its JSON writes as
			// it is: Observed.text)
			assert.Equal(t, Observed{Path: in[i].Path, Value: fmtValue(in[i].Value), text: true}, bin[i], "%v input %d read back", kind, i)
		}
		again, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(again), "%v step's JSON read back and written again", kind)
	}
}

// Texts at the bounds of a one-word record: a text of 65,535 bytes (the
// longest a word's 16 bits hold) and 65,536; a text at byte offset
// 2^23 - 1 of the deal's texts (the last a word's 23 bits hold) and one at
// 2^23; each reads back whole, in Inputs and in the words.
func TestReviewRtrace7TextsAtWordBounds(t *testing.T) {
	cases := []struct {
		name string
		// texts are read in this order: the last one's offset is the sum
		// of the lengths before it (the texts differ: none is kept once)
		texts []string
	}{
		{"length 2^16-1", []string{strings.Repeat("a", 1<<16-1), "b"}},
		{"length 2^16", []string{strings.Repeat("a", 1<<16), "b"}},
		// offset 0 + (2^23 - 1) = 2^23 - 1: one word
		{"offset 2^23-1", []string{strings.Repeat("a", 1<<23-1), "bc"}},
		// offset 2^23: two words
		{"offset 2^23", []string{strings.Repeat("a", 1<<23), "bc"}},
		// offset 2^23 - 1 with length 2^16 - 1 in one word
		{"offset 2^23-1 length 2^16-1", []string{strings.Repeat("a", 1<<23-1), strings.Repeat("é", 1<<15) + "z"}},
	}
	for _, c := range cases {
		if raceDetector && len(c.texts[0]) > 1<<16 {
			continue // (8 MB a deal, slow under the race detector; no goroutines here)
		}
		t.Run(c.name, func(t *testing.T) {
			var fields []FieldDecl
			var paths []string
			values := map[string]any{}
			for i, s := range c.texts {
				name := fmt.Sprintf("s%d", i)
				fields = append(fields, FieldDecl{Name: name, Type: FieldString})
				paths = append(paths, "deal."+name)
				values[name] = s
			}
			p := rt7Reads(fields, paths)
			d := deal("D-1", "P-1", "100.00", "2026-11-03")
			d.Fields = values
			res := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
			s := stepOf(t, res.Trace, StepCondition)
			in := s.Inputs()
			require.Len(t, in, len(c.texts))
			for i, want := range c.texts {
				got, _ := in[i].Value.(string)
				assert.Equal(t, len(want), len(got), "text %d's length", i)
				assert.True(t, want == got, "text %d reads back", i)
			}
			last := c.texts[len(c.texts)-1]
			assert.True(t, strings.HasSuffix(s.Words(), fmt.Sprintf("deal.s%d = %q)", len(c.texts)-1, last)), "the words end with the last text")
		})
	}
}

// rt7Wide is a program of n earnings: earning i applies when deal.k >= i
// (its condition reads deal.k and deal.s) and pays deal.amount x 0.001,
// rounded per line; so a deal with k = j records about three steps for
// each of its j earnings and one for each other, and words for its text
// s: deals of different k and s make traces of every size, up to past
// maxMemSteps steps and memExactWords words.
func rt7Wide(n int) *Program {
	p := spiffProgram()
	p.Caps, p.Eligibility = nil, nil
	p.Fields = []FieldDecl{{Name: "k", Type: FieldInt}, {Name: "s", Type: FieldString}}
	for i := range n {
		p.Earnings = append(p.Earnings, Earning{ID: fmt.Sprintf("e%d", i), Type: Bonus,
			When: ConditionFunc(fmt.Sprintf("deal.k >= %d", i), []string{"deal.k", "deal.s"}, func(s *Scope) (bool, error) {
				v, _ := s.Lookup("deal.k")
				return v.(int64) >= int64(i), nil
			}),
			Amount: RateOf(PathDealAmount, dec("0.001"))})
	}
	return p
}

// rt7Deals are deals of every k from 0 to n in steps, with texts of
// lengths 0 to a few thousand bytes.
func rt7Deals(n, count int) []Input {
	ins := make([]Input, count)
	for i := range ins {
		d := deal(fmt.Sprintf("D-%03d", i), fmt.Sprintf("P-%d", i%3), fmt.Sprintf("%d.%02d", 1000+i*37, i%100), "2026-11-03")
		d.Fields = map[string]any{"k": int64(i * n / (count - 1)), "s": strings.Repeat(string(rune('a'+i%26)), (i*i*53)%4000)}
		ins[i] = Input{Deal: d, Partner: gold(d.PartnerID)}
	}
	return ins
}

// rt7StepsText is everything a trace's steps give, and their JSON.
func rt7StepsText(t *testing.T, steps []Step) string {
	var b strings.Builder
	for i := range steps {
		s := &steps[i]
		fmt.Fprintf(&b, "%v|%v|%d|%q|%q|%s|%v|%v|%q\n", s.Kind, s.OK, s.Index, s.Ref(), s.Source(), s.Amount(), s.Inputs(), s.Origin(), s.Words())
	}
	j, err := json.Marshal(steps)
	require.NoError(t, err)
	b.Write(j)
	return b.String()
}

// Traces of every size, made at once by several goroutines on one shared
// Evaluator, on an Evaluator each, into a reused Result (EvaluateInto,
// keeping a copy of its steps) and in runs reusing results or not, with
// collections between making and reading them: every kept trace reads
// as the same deal's trace made alone on a fresh Evaluator. (Run it with
// GODEBUG=gccheckmark=1,invalidptr=1 too: the collector checks that it
// marked everything the steps point into and that no word it scanned is
// a bad pointer.)
func TestReviewRtrace7ConcurrentSizesAndCollections(t *testing.T) {
	// (under the race detector, traces of up to ~130 steps: the sizes
	// past maxMemSteps are TestReviewRtrace7LargestMemKeepsPointers')
	n, count, goroutines := 360, 6, 3
	if raceDetector || testing.Short() {
		n, count, goroutines = 40, 4, 2
	}
	p := rt7Wide(n)
	ins := rt7Deals(n, count)
	want := make([]string, len(ins))
	sizes := map[[2]int]bool{}
	for i, in := range ins {
		e, err := NewEvaluator(p) // (fresh: no cached type, nothing reused)
		require.NoError(t, err)
		r, err := e.Evaluate(t.Context(), in, time.Time{})
		require.NoError(t, err)
		want[i] = rt7StepsText(t, r.Trace)
		blk := r.Trace[0].blk
		sizes[[2]int{len(r.Trace), int(blk.nw)}] = true
	}
	// the deals make traces past maxMemSteps steps and past memExactWords words
	var big, wide bool
	for s := range sizes {
		big = big || s[0] > maxMemSteps
		wide = wide || s[1] > memExactWords
	}
	require.True(t, (big || n < maxMemSteps/3) && wide, "sizes %v", sizes)
	shared, err := NewEvaluator(p)
	require.NoError(t, err)
	type kept struct {
		i     int
		steps []Step
		how   string
	}
	results := make(chan kept, 64)
	done := make(chan error, goroutines)
	for g := range goroutines {
		go func() {
			done <- func() error {
				own, err := NewEvaluator(p)
				if err != nil {
					return err
				}
				var into Result
				for k := range ins {
					i := (k*7 + g*5) % len(ins) // (each goroutine in its own order)
					r, err := shared.Evaluate(t.Context(), ins[i], time.Time{})
					if err != nil {
						return err
					}
					results <- kept{i, r.Trace, "shared"}
					if r, err = own.Evaluate(t.Context(), ins[i], time.Time{}); err != nil {
						return err
					}
					results <- kept{i, r.Trace, "own"}
					if err := own.EvaluateInto(t.Context(), &into, &ins[i], time.Time{}); err != nil {
						return err
					}
					results <- kept{i, append([]Step(nil), into.Trace...), "into"}
					if k%5 == g%5 {
						runtime.GC()
					}
				}
				for _, reuse := range []bool{false, true} {
					i := 0
					for r, err := range own.Run(t.Context(), rt6Inputs(ins), RunOptions{Workers: 1 + g%3, ReuseResults: reuse}) {
						if err != nil {
							return err
						}
						results <- kept{i, append([]Step(nil), r.Trace...), fmt.Sprintf("run reuse %v", reuse)}
						i++
					}
				}
				return nil
			}()
		}()
	}
	var all []kept
	for finished := 0; finished < goroutines; {
		select {
		case k := <-results:
			all = append(all, k)
		case err := <-done:
			require.NoError(t, err)
			finished++
		}
	}
	for len(results) > 0 {
		all = append(all, <-results)
	}
	require.Len(t, all, goroutines*len(ins)*5)
	runtime.GC()
	runtime.GC()
	for _, k := range all {
		require.Equal(t, want[k.i], rt7StepsText(t, k.steps), "deal %d (%s)", k.i, k.how)
	}
}

// The largest one allocation traceMem makes (maxMemSteps steps, and
// words past what a type's pointer mask covers: the collector builds the
// mask of such a type on demand) keeps alive what its steps and header
// point to, and nothing else: the blocks its steps point to, reachable
// only through them, survive collections with their words, and words
// that look like pointers are never followed.
func TestReviewRtrace7LargestMemKeepsPointers(t *testing.T) {
	ts := new(traceScratch)
	for _, c := range []struct{ n, m int }{{maxMemSteps, 20_000}, {maxMemSteps, 17 * memExactWords}, {1, 40_000}, {maxMemSteps + 1, 20_000}} {
		steps, blk := ts.traceMem(c.n, c.m)
		data := blk.data()
		require.Len(t, data, c.m)
		blk.side = &traceSide{extras: []stepExtra{{ref: strings.Repeat("h", 3)}}}
		for i := range steps {
			_, b := ts.traceMem(0, 3)
			w := b.data()
			w[0], w[1], w[2] = uint64(i), uint64(c.n), uint64(c.m)
			b.side = &traceSide{extras: []stepExtra{{ref: fmt.Sprint("step ", i)}}}
			steps[i].blk, steps[i].Index = b, i
		}
		// words that look like pointers into the heap (the steps' blocks)
		for i := range data {
			data[i] = uint64(uintptr(unsafe.Pointer(steps[i%len(steps)].blk)))
		}
		for range 3 {
			runtime.GC()
		}
		for i := range steps {
			b := steps[i].blk
			require.Equal(t, []uint64{uint64(i), uint64(c.n), uint64(c.m)}, b.data(), "n %d m %d step %d", c.n, c.m, i)
			require.Equal(t, fmt.Sprint("step ", i), b.side.extras[0].ref)
		}
		assert.Equal(t, "hhh", blk.side.extras[0].ref)
		runtime.KeepAlive(blk)
	}
}

// A work's scratch is new for every item of a run's chunks (and for
// Evaluate's pooled state after a collection): its first trace of a size
// any work made before allocates its memory (with the scratch and its
// map of types), not the type again. Each fresh scratch called
// reflect.StructOf, 7 more allocations and a few microseconds (3.4 us on
// the loaded test machine, BenchmarkStructOf-like loop), so that a paired
// run of three deals (BenchmarkRunSmallBatch) allocated 161 times and
// 30,870 B a run where 140 and 29,670 B do.
func TestReviewRtrace7FreshScratchReusesTypes(t *testing.T) {
	for _, c := range []struct{ n, m int }{{14, 30}, {3, 0}, {40, 200}, {maxMemSteps + 3, 7}} {
		new(traceScratch).traceMem(c.n, c.m) // (any work made the type once)
		allocs := testing.AllocsPerRun(50, func() {
			ts := new(traceScratch)
			ts.traceMem(c.n, c.m)
		})
		// the scratch, its map of types and the trace's memory (and the
		// steps, apart, past maxMemSteps)
		want := 3.0
		if c.n > maxMemSteps {
			want = 4
		}
		assert.LessOrEqual(t, allocs, want, "n %d m %d", c.n, c.m)
	}
}

// The types a scratch makes grow with the sizes its traces take, and no
// faster: words up to memExactWords each their own type, more rounded up
// to a multiple of it; steps past maxMemSteps apart (one type for all of
// their counts). Every type made stays in reflect's cache for the life
// of the process (about 500 bytes each, measured on 12,900 StructOf
// types), so a process keeps at most (maxMemSteps + 1) x (memExactWords + 1)
// types for the common sizes, plus one for each further multiple of
// memExactWords words.
func TestReviewRtrace7TypeCacheGrowth(t *testing.T) {
	ts := new(traceScratch)
	for m := 0; m <= 1000; m++ {
		ts.traceMem(1, m)
	}
	// m 0 to 128: 129 types; 129 to 1000 rounded up to 256, 384, 512,
	// 640, 768, 896 and 1024: 7 more
	assert.Len(t, ts.memTypes, 129+7)
	for n := maxMemSteps + 1; n <= maxMemSteps+80; n++ {
		ts.traceMem(n, 5)
	}
	// the steps apart: the block alone, with 5 words, is one of the
	// program's types (blockNews), no type made (until trace9 it was
	// one more)
	assert.Len(t, ts.memTypes, 129+7)
	ts.traceMem(maxMemSteps+1, len(newBlockFor))
	// with more words than the program's types hold: one more
	assert.Len(t, ts.memTypes, 129+7+1)
}
