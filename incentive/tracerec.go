package incentive

import (
	"math"
	"reflect"
	"sync"
	"unsafe"

	"github.com/partnerops/partnerops/internal/deccoef"
	"github.com/shopspring/decimal"
)

// A deal's trace is recorded in compact form (issue #11): the steps are
// small records (Step) naming their part of the program by kind and
// index, with their amount as a scaled int64; everything else a step's
// words or methods read (the values its expression read, the amounts and
// dates of its detail, a group's members, texts) sits in the result's
// traceBlock, in words that hold no pointers (data), which the garbage
// collector never scans. The steps, the block's header and its words are
// one allocation a deal (traceMem). Records are written into the work's
// scratch as the deal is evaluated (stepRec, newDetail, exprStep) and
// copied out at exact size when the deal is finished (resultTrace), so
// the scratch serves deal after deal. What does not fit the compact forms
// (a coefficient beyond 18 digits, a value of another type, a step with a
// words closure) goes to the block's side, which only such deals have.

// Step.det values below 1.
const (
	detExpr int32 = -1 // a clause, condition or formula: Kind and Index name it
	detRule int32 = -2 // the rounding rule (Evaluator.roundingWords)
)

// Step.flags: the amount's kind (amtMask bits: amtNone, the zero Decimal;
// amtFx, amc x 10^ame; amtDec, the block's side decimal amc; amtWide, a
// Step's coefficient beyond 32 bits, the block's word amc x 10^ame) and
// flagExtra (det indexes the step's extra). Records other than a Step
// keep an amtFx coefficient in 64 bits and have no amtWide.
const (
	amtNone uint8 = iota
	amtFx
	amtDec
	amtWide

	amtMask   uint8 = 3
	flagExtra uint8 = 4
)

// traceBlock is a result's trace memory beyond its steps.
type traceBlock struct {
	e    *Evaluator
	side *traceSide
	// The block's words (data) are nw words dataAt bytes from the start
	// of the block, in the same allocation (see traceMem). They hold the
	// detail records (see detailHead), the coefficients of the steps'
	// amounts beyond 32 bits (amtWide), the input records (inputRec),
	// then the texts' bytes, starting at the word offsets 0, (after the
	// details), ins and text.
	nw, dataAt int32
	ins, text  int32
}

// data returns the block's words.
func (b *traceBlock) data() []uint64 {
	if b.nw == 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Add(unsafe.Pointer(b), b.dataAt)), b.nw)
}

// traceSide is what a deal's trace keeps that the compact records cannot
// hold; nil for most deals.
type traceSide struct {
	decs   []decimal.Decimal
	vals   []any
	extras []stepExtra
}

// stepExtra is a rare step's own name, expression, origin, inputs and
// words (a conversion, a credit note, a split, a per-line earning...):
// whatever the step's part and kind cannot give.
type stepExtra struct {
	ref, source string
	origin      *Origin
	inputs      []Observed
	words       func() string
	// det is the step's detail (see Step.det), which renders its words
	// when it has no closure.
	det int32
}

// amt is an amount in a record: k is amtNone, amtFx (c x 10^e) or amtDec
// (c indexes the side's decimals).
type amt struct {
	c int64
	e int32
	k uint8
}

// A stepDetail as a result keeps it (see stepDetail for the fields) is a
// record of two words or more, of which a detail keeps only what it has: no
// pointers, its strings in the block's text. Its head (detailHead, two
// words) says what follows, in this order:
//   - detWord2: a word with on and npicks, then npicks group members
//     (pickRec, two words each);
//   - detTexts: the payee's and payeeName's texts (two textRefs, two
//     words); with detPartner instead, the payee is PayeePartner (most
//     programs' payee) and payeeName empty, and no text is kept;
//   - namt > 0: a word with the exponents of amounts a, b and c (int16
//     each), then the coefficients of the first namt of them, a word
//     each (namt is the last amount that is not the zero Decimal).
//
// A step's det is then its record's word offset plus one. A deal of the
// example program keeps 3 words for its window, claim and total (the
// payee is the partner), 7 for a group of two, 4 to 6 for a band or cap, where every
// detail took 9 words, a member 3 more and the payee 2.
type detailHead struct {
	kind detailKind
	bits uint8 // detStarted, detCredited, detWord2, detTexts, detPartner
	namt uint8
	ak   uint8 // amount i's kind (amtNone, amtFx, amtDec) at bits 2i
	line int32
	ci   int32
	date shortDate
}

// detailHead.bits.
const (
	detStarted uint8 = 1 << iota
	detCredited
	detWord2
	detTexts
	detPartner
)

// detailWord2 is a record's word after its head, with detWord2.
type detailWord2 struct {
	on     shortDate
	npicks int32
}

// amountsOf returns the number of amounts of scratch detail d a record
// keeps: up to the last that is not the zero Decimal.
func amountsOf(d *stepDetail) int {
	switch {
	case d.am[2].k != amtNone:
		return 3
	case d.am[1].k != amtNone:
		return 2
	case d.am[0].k != amtNone:
		return 1
	}
	return 0
}

// setAmounts sets the amounts a scratch detail's words show (see
// stepDetail.am): a, b and c in compact form, as its record keeps them.
func (w *work) setAmounts(d *stepDetail, a, b, c decimal.Decimal) {
	d.am = [3]amt{w.amt(a), w.amt(b), w.amt(c)}
}

// detailWords returns the size of d's record in words.
func detailWords(d *stepDetail) int {
	n := 2
	if d.on != 0 || d.npicks > 0 {
		n += 1 + int(d.npicks)*wordsOf[pickRec]()
	}
	if d.payeeText.n > 0 || d.nameText.n > 0 {
		n += wordsOf[[2]textRef]()
	}
	if na := amountsOf(d); na > 0 {
		n += 1 + na
	}
	return n
}

// putDetail writes d's record at word offset off of words (detailWords
// of them).
func (w *work) putDetail(words []uint64, off int, d *stepDetail) {
	h := at[detailHead](words, off)
	*h = detailHead{kind: d.kind, line: d.line, ci: d.ci, date: d.date}
	if d.started {
		h.bits |= detStarted
	}
	if d.credited {
		h.bits |= detCredited
	}
	off += 2
	if d.on != 0 || d.npicks > 0 {
		h.bits |= detWord2
		*at[detailWord2](words, off) = detailWord2{on: d.on, npicks: d.npicks}
		off++
		for _, m := range d.picks() {
			a := w.amt(m.amount)
			*at[pickRec](words, off) = pickRec{line: int32(m.line), e: int16(a.e), k: a.k, c: a.c}
			off += wordsOf[pickRec]()
		}
	}
	if d.payee == PayeePartner && d.payeeName == "" {
		h.bits |= detPartner // (no texts: see resultTrace)
	}
	if d.payeeText.n > 0 || d.nameText.n > 0 {
		h.bits |= detTexts
		*at[[2]textRef](words, off) = [2]textRef{d.payeeText, d.nameText}
		off += wordsOf[[2]textRef]()
	}
	na := amountsOf(d)
	if na == 0 {
		return
	}
	h.namt = uint8(na)
	exps := at[[4]int16](words, off)
	for i, a := range d.am[:na] {
		h.ak |= a.k << (2 * i)
		exps[i] = int16(a.e) // (w.amt's exponents fit 16 bits)
		words[off+1+i] = uint64(a.c)
	}
}

// at returns the T at word offset off of words.
func at[T any](words []uint64, off int) *T { return (*T)(unsafe.Pointer(&words[off])) }

// textRef is a text in the block's bytes.
type textRef struct{ off, n int32 }

// pickRec is a group member as a result keeps it: its amount is c x 10^e
// with k amtFx, the side decimal c with amtDec.
type pickRec struct {
	line int32
	e    int16
	k    uint8
	c    int64
}

// inputRec is a value an expression read (Observed): k is its path's
// position in the expression's Reads (an expression with more than 255
// reads keeps its values as they are: see exprStep), on the day it was
// read on when kind has valOn. The value is by kind: a text in the
// block's bytes (a holds its offset and length: see textIn), an int64 or
// bool (a), a decimal (a x 10^e; a decimal whose coefficient has more
// than 18 digits or whose exponent does not fit 16 bits is the side
// decimal a), a Date (the shortDate a; another Date is a side value), any
// other value the side value a (as is a whole Observed whose On does not
// fit a shortDate). The scratch and the block keep it in one word when it
// can (see putInput), else in two.
type inputRec struct {
	kind uint8
	k    uint8
	e    int16
	on   shortDate
	a    int64
}

// An input record in the block's words (putInput) is one word when it
// has no day it was read on, its a fits inWordBits bits (a text's offset
// and length fit 24 and 16 bits) and its exponent 8 bits: the kind, k, e
// and a in bits 0-7, 8-15, 16-23 and 24-63. Else it is two words: the
// kind with valWide, k, e (16 bits) and on (32) in the first, a in the
// second. The example program's deals read amounts, texts and dates that
// fit one word: 8 records an eligible deal, 8 words instead of 16.
const (
	valWide    uint8 = 0x40 // (in the first word's kind) a two-word record
	inWordBits       = 40
)

// putIn appends r's record to the scratch's input records.
func (w *work) putIn(r inputRec) {
	appendInput(&w.ins, r)
	w.nins++
}

// putInput appends r's record to words.
func putInput(words []uint64, r inputRec) []uint64 {
	appendInput(&words, r)
	return words
}

// appendInput appends r's record to *words, in place: the slice's
// pointer is written only when it grows. (putIn's w.ins =
// putInput(w.ins, r) wrote the scratch's slice back whole for every value
// read, a pointer store that goes through the collector's write barrier
// while it marks.)
func appendInput(words *[]uint64, r inputRec) {
	a := r.a
	if r.kind&^valOn == valText {
		// (one word: offset and length in 24 and 16 bits)
		if off, n := textOf(r.a); r.kind&valOn == 0 && off < 1<<23 && n < 1<<16 {
			a = int64(off)<<16 | int64(n)
		} else {
			a = 1 << 62 // (two words)
		}
	}
	if r.kind&valOn == 0 && a<<(64-inWordBits)>>(64-inWordBits) == a && r.e == int16(int8(r.e)) {
		*words = append(*words, uint64(r.kind)|uint64(r.k)<<8|uint64(uint8(int8(r.e)))<<16|uint64(a)<<24)
		return
	}
	*words = append(*words, uint64(r.kind|valWide)|uint64(r.k)<<8|uint64(uint16(r.e))<<16|uint64(uint32(r.on))<<32, uint64(r.a))
}

// getInput reads the record at word i of words, and returns it and the
// word after it.
func getInput(words []uint64, i int) (inputRec, int) {
	w := words[i]
	r := inputRec{kind: uint8(w), k: uint8(w >> 8)}
	if r.kind&valWide != 0 {
		r.kind &^= valWide
		r.e, r.on, r.a = int16(w>>16), shortDate(w>>32), int64(words[i+1])
		return r, i + 2
	}
	r.e, r.a = int16(int8(w>>16)), int64(w)>>24
	if r.kind == valText {
		r.a = textIn(int32(r.a>>16), int32(r.a&0xffff))
	}
	return r, i + 1
}

// valOn is the bit of inputRec.kind that says its on is set.
const valOn uint8 = 0x80

// textIn packs a text's offset and length for an inputRec's a.
func textIn(off, n int32) int64 { return int64(off)<<32 | int64(uint32(n)) }

// textOf unpacks textIn.
func textOf(a int64) (off, n int32) { return int32(a >> 32), int32(uint32(a)) }

const (
	valText uint8 = iota + 1
	valInt
	valBool
	valFx
	valDec
	valDate
	valAny      // the side value a
	valObserved // the side value a is the whole Observed
)

// words is the number of 8-byte words a record type takes.
func wordsOf[T any]() int { var v T; return int(unsafe.Sizeof(v)+7) / 8 }

// traceScratch is where a work records its deal's trace (see work), kept
// from deal to deal: the details (in chunks that never move: callers fill
// a detail in after its step is recorded; ndet in use), the input records
// and their texts, and what the compact records cannot hold (decimals
// beyond 18 digits, values of other types, rare steps' extras). It is a
// pointer of the work's, so that a work that records no trace (NoTrace)
// carries none of it, and emptying a work for its next deal copies one
// word for all of it.
type traceScratch struct {
	detChunks []*[detailChunk]stepDetail
	ndet      int32
	// pickChunks hold the group details' members (groupPicks), npicks
	// of their places in use, so that a deal's pick allocates nothing.
	pickChunks []*[pickChunk]groupMember
	npicks     int32
	ins        []uint64 // input records (putInput), nins of them
	nins       int32
	bytes      []byte
	// texts are the last few texts put in bytes (see text), so that a
	// text several expressions read (the deal's type, the partner's
	// tier) is kept once; ntexts of them are set.
	texts  [4]textRef
	ntexts uint8
	// detOffs are the word offsets of the details' records in the
	// result's block (resultTrace).
	detOffs []int32
	decs    []decimal.Decimal
	vals    []any
	extras  []stepExtra
	// memTypes are the types of the results' trace memory made so far,
	// by steps and words (see traceMem).
	memTypes map[uint64]reflect.Type
}

// scratch makes the work's trace scratch, on its first step.
func (w *work) scratch() {
	if w.traceScratch == nil {
		w.traceScratch = new(traceScratch)
	}
}

// groupPicks returns room for n group members (length 0, capacity n) in
// the scratch, where it never moves while the deal is evaluated (a group
// detail points at its members until resultTrace copies them into the
// result's block); more than a chunk's members are made apart.
func (w *work) groupPicks(n int) []groupMember {
	w.scratch()
	if n > pickChunk {
		return make([]groupMember, 0, n)
	}
	c, off := int(w.npicks)/pickChunk, int(w.npicks)%pickChunk
	if off+n > pickChunk {
		c, off = c+1, 0
	}
	for c >= len(w.pickChunks) {
		w.pickChunks = append(w.pickChunks, new([pickChunk]groupMember))
	}
	w.npicks = int32(c*pickChunk + off + n)
	return w.pickChunks[c][off : off : off+n]
}

// pickChunk is how many group members a chunk of the scratch holds.
const pickChunk = 8

// reuse empties the scratch for the next deal. The result has its own
// copies (resultTrace): the deal's rare pointers are dropped. (The
// details' decimals and texts, and the group members', are left until
// the next deals overwrite them: at most a chunk's few decimals stay
// pinned, where clearing them cost a write barrier for each pointer on
// every deal.)
func (ts *traceScratch) reuse() {
	clear(ts.decs)
	clear(ts.vals)
	clear(ts.extras)
	ts.ndet, ts.ntexts, ts.nins, ts.npicks = 0, 0, 0, 0
	// (one slice a statement: x = x[:0] writes x's length alone, where
	// an assignment of several wrote every slice back whole, five pointer
	// stores through the collector's write barrier every deal)
	ts.ins = ts.ins[:0]
	ts.bytes = ts.bytes[:0]
	ts.decs = ts.decs[:0]
	ts.vals = ts.vals[:0]
	ts.extras = ts.extras[:0]
}

// stepRec is a step as the engine records it: the step's own fields, plus
// what the compact Step derives from the program (ref, source, origin:
// stored only when they differ from the derived ones) or keeps elsewhere
// (a detail in the scratch, inputs recorded by exprStep, a words
// closure).
type stepRec struct {
	Kind   StepKind
	OK     bool
	Index  int
	ref    string
	source string
	amount decimal.Decimal
	// inputs are a rare step's values read, owned (see work.ownInputs);
	// in and nin are the input records exprStep wrote, reads the paths
	// they index.
	inputs  []Observed
	in, nin int32
	reads   []string
	origin  *Origin
	words   func() string
	detail  *stepDetail
}

// rawStep is a Step as the deal's scratch keeps it until finish copies
// it into the result (resultTrace): the same fields without the block,
// so that it holds no pointer. Appending, sorting and copying the
// scratch's steps then move plain bytes, where a Step's pointer made
// every one of those moves call the collector's write barrier over the
// whole record while it marks (runtime.wbMove), which is most of the
// time at a batch's rate of allocation.
type rawStep struct {
	Kind    StepKind
	OK      bool
	flags   uint8
	nin     uint8
	section int32
	Index   int
	amc     int64
	ame     int16
	in      uint16
	det     int32
}

// step turns r into a compact step for the deal's scratch.
func (w *work) step(section int32, r *stepRec) rawStep {
	w.scratch()
	st := rawStep{Kind: r.Kind, OK: r.OK, Index: r.Index, section: section}
	var amk uint8
	var ame int32
	amk, st.amc, ame = w.amount(r.amount)
	st.flags, st.ame = amk, int16(ame)
	var det int32
	if r.words == nil && r.detail != nil {
		switch r.detail.kind {
		case detailExpr:
			det = detExpr
		case detailRule:
			det = detRule
		default:
			det = r.detail.idx + 1
		}
		st.det = det
		if r.inputs == nil && r.in <= math.MaxUint16 && r.nin <= math.MaxUint8 {
			st.in, st.nin = uint16(r.in), uint8(r.nin)
			if st.derives(r) {
				return st
			}
			st.in, st.nin = 0, 0 // (the extra has them)
		}
	}
	// A step whose part does not say it all keeps its own: its words
	// come from its detail, when it has one, else from its closure.
	inputs := r.inputs
	if inputs == nil && r.nin > 0 {
		inputs = w.observedOf(r)
	}
	if r.words != nil || r.ref != "" || r.source != "" || r.origin != nil || len(inputs) > 0 {
		w.extras = append(w.extras, stepExtra{ref: r.ref, source: r.source, origin: r.origin, inputs: inputs, words: r.words, det: det})
		st.flags |= flagExtra
		st.det = int32(len(w.extras))
	}
	return st
}

// derives reports whether st (with its detail and inputs) gives r's ref,
// source, origin and inputs' paths from the program.
func (st *rawStep) derives(r *stepRec) bool {
	e := r.detail.e
	switch {
	case e == nil:
		return false
	case st.det == detRule:
		return r.ref == "" && r.source == "" && r.origin == nil && r.nin == 0
	case st.det == detExpr:
		pt := e.exprPart(st.Kind, st.Index)
		return pt != nil && pt.ref == r.ref && pt.origin == r.origin && pt.source == r.source && sameReads(pt.reads, r)
	}
	ref, o := detailPart(e.p, st.Index, r.detail)
	if ref != r.ref || o != r.origin || r.source != "" {
		return false
	}
	if r.nin == 0 {
		return true
	}
	pt := e.exprPart(st.Kind, st.Index)
	return pt != nil && sameReads(pt.reads, r)
}

// sameReads reports whether r's input records index reads.
func sameReads(reads []string, r *stepRec) bool {
	return r.nin == 0 || len(reads) == len(r.reads) && unsafe.SliceData(reads) == unsafe.SliceData(r.reads)
}

// partInfo is what a clause, condition, formula or computed cap step
// derives from its part of the program (see Evaluator.exprPart).
type partInfo struct {
	ref, source string
	origin      *Origin
	reads       []string
	// viaStep: addExpr records the part's steps through exprStep and
	// step, as it does a part it does not know (tests compare the two).
	viaStep bool
}

// Evaluator.parts indices.
const (
	partClause = iota
	partCondition
	partFormula
	partCap
)

// planParts fills e.parts from the program.
func (e *Evaluator) planParts() {
	p := e.p
	info := func(ref string, o *Origin, x any) partInfo {
		pt := partInfo{ref: ref, origin: o}
		if d, ok := x.(Describer); ok {
			pt.source, pt.reads = d.Source(), d.Reads()
		}
		return pt
	}
	for i := range p.Eligibility {
		c := &p.Eligibility[i]
		e.parts[partClause] = append(e.parts[partClause], info(c.Name, &c.Origin, c.When))
	}
	for i := range p.Earnings {
		en := &p.Earnings[i]
		e.parts[partCondition] = append(e.parts[partCondition], info(en.ID, &en.Origin, en.When))
		e.parts[partFormula] = append(e.parts[partFormula], info(en.ID, &en.Origin, en.Amount))
	}
	for i := range p.Caps {
		c := &p.Caps[i]
		e.parts[partCap] = append(e.parts[partCap], info(capRef(i), &c.Origin, c.LimitFormula))
	}
}

// exprPart returns the part a step of kind names at index i, when it
// names one by them: a clause, an earning's condition or formula, a cap.
func (e *Evaluator) exprPart(kind StepKind, i int) *partInfo {
	k := -1
	switch kind {
	case StepClause:
		k = partClause
	case StepCondition:
		k = partCondition
	case StepFormula:
		k = partFormula
	case StepCap:
		k = partCap
	}
	if k < 0 || i < 0 || i >= len(e.parts[k]) {
		return nil
	}
	return &e.parts[k][i]
}

// detailPart returns the name and origin of the part of a step with
// detail d and index i.
func detailPart(p *Program, i int, d *stepDetail) (string, *Origin) {
	switch d.kind {
	case detailBand:
		en := &p.Earnings[d.line]
		if i >= 0 && en.Bands != nil && i < len(en.Bands.Bands) {
			return en.ID, &en.Bands.Bands[i].Origin
		}
		return en.ID, &en.Bands.Origin
	case detailLineRounding:
		return p.Earnings[d.line].ID, nil
	case detailGroup:
		return p.Groups[d.ci].ID, &p.Groups[d.ci].Origin
	case detailLineCap, detailRunningCap, detailDealCap:
		return capRef(int(d.ci)), &p.Caps[d.ci].Origin
	}
	return "", nil
}

// amount returns d in compact form.
func (w *work) amount(d decimal.Decimal) (uint8, int64, int32) {
	if d == (decimal.Decimal{}) {
		return amtNone, 0, 0
	}
	if c, e, ok := coefficient(d); ok && e == int32(int16(e)) {
		return amtFx, c, e
	}
	w.decs = append(w.decs, d)
	return amtDec, int64(len(w.decs) - 1), 0
}

// coefficient returns d's coefficient and exponent when the coefficient
// has at most 18 digits (deccoef.Small, which reads it in place), and d
// is not the zero Decimal (which the records keep as amtNone).
func coefficient(d decimal.Decimal) (int64, int32, bool) {
	if d == (decimal.Decimal{}) {
		return 0, 0, false
	}
	return deccoef.Small(d)
}

// amt returns d as a record's amount.
func (w *work) amt(d decimal.Decimal) amt {
	k, c, e := w.amount(d)
	return amt{c, e, k}
}

// amount builds a compact amount.
func (b *traceBlock) amount(k uint8, c int64, e int32) decimal.Decimal {
	switch k {
	case amtFx:
		return decimal.New(c, e)
	case amtDec:
		return b.side.decs[c]
	case amtWide:
		return decimal.New(int64(b.data()[c]), e)
	}
	return decimal.Decimal{}
}

// extra returns the step's own extra, if it has one.
func (s *Step) extra() *stepExtra {
	if s.flags&flagExtra == 0 || s.blk == nil || s.blk.side == nil {
		return nil
	}
	return &s.blk.side.extras[s.det-1]
}

// detail returns the step's detail (see Step.det), its extra's when it
// has one.
func (s *Step) detail() int32 {
	if x := s.extra(); x != nil {
		return x.det
	}
	return s.det
}

// part returns the name and origin of the step's part of the program.
func (s *Step) part() (string, *Origin) {
	switch {
	case s.blk == nil || s.det == 0 || s.det == detRule || s.flags&flagExtra != 0:
		return "", nil
	case s.det > 0:
		d := s.blk.detail(s.det - 1)
		return detailPart(s.blk.e.p, s.Index, &d)
	}
	if pt := s.blk.e.exprPart(s.Kind, s.Index); pt != nil {
		return pt.ref, pt.origin
	}
	return "", nil
}

// exprReads returns the paths the step's expression reads (a clause's,
// an earning's condition or amount, a computed line cap's).
func (s *Step) exprReads() []string {
	if s.blk == nil || s.blk.e == nil {
		return nil
	}
	if pt := s.blk.e.exprPart(s.Kind, s.Index); pt != nil {
		return pt.reads
	}
	return nil
}

// record writes the value v an expression read at its k-th path (with
// the day on it was read on, zero for none) into the deal's scratch.
func (w *work) record(k int, v any, on Date) {
	w.scratch()
	r := inputRec{k: uint8(k)}
	var onBit uint8
	if !on.IsZero() {
		sd, fits := shortDateOf(on)
		if !fits {
			w.vals = append(w.vals, Observed{Value: v, On: on})
			w.putIn(inputRec{kind: valObserved, k: uint8(k), a: int64(len(w.vals) - 1)})
			return
		}
		onBit, r.on = valOn, sd
	}
	switch x := v.(type) {
	case string:
		r.kind = valText
		r.a = textIn(w.text(x))
	case int64:
		r.kind, r.a = valInt, x
	case bool:
		r.kind = valBool
		if x {
			r.a = 1
		}
	case decimal.Decimal:
		w.recordDec(&r, x)
	case Date:
		if sd, fits := shortDateOf(x); fits {
			r.kind, r.a = valDate, int64(sd)
		} else {
			w.vals = append(w.vals, v)
			r.kind, r.a = valAny, int64(len(w.vals)-1)
		}
	default:
		w.vals = append(w.vals, v)
		r.kind, r.a = valAny, int64(len(w.vals)-1)
	}
	r.kind |= onBit
	w.putIn(r)
}

// recordText is record for a text, which needs no boxing.
func (w *work) recordText(k int, s string, on Date) {
	w.scratch()
	if !on.IsZero() {
		w.record(k, s, on)
		return
	}
	w.putIn(inputRec{kind: valText, k: uint8(k), a: textIn(w.text(s))})
}

// recordDec is record for a decimal, which needs no boxing.
func (w *work) recordDec(r *inputRec, d decimal.Decimal) {
	if c, e, ok := coefficient(d); ok && e == int32(int16(e)) {
		r.kind, r.a, r.e = valFx, c, int16(e)
		return
	}
	w.decs = append(w.decs, d)
	r.kind, r.a = valDec, int64(len(w.decs)-1)
}

// text puts s in the scratch's bytes, once when it is one of the last
// few texts put there.
func (w *work) text(s string) (int32, int32) {
	n := int32(len(s))
	if n == 0 {
		return 0, 0
	}
	for _, t := range w.texts[:w.ntexts] {
		if t.n == n && string(w.bytes[t.off:t.off+n]) == s {
			return t.off, n
		}
	}
	off := int32(len(w.bytes))
	w.bytes = append(w.bytes, s...)
	if w.ntexts < uint8(len(w.texts)) {
		w.ntexts++
	}
	copy(w.texts[1:w.ntexts], w.texts[:w.ntexts-1])
	w.texts[0] = textRef{off, n}
	return off, n
}

// observedOf builds r's input records into values the caller owns (for a
// words closure that reads them later).
func (w *work) observedOf(r *stepRec) []Observed {
	if r.nin == 0 {
		return nil
	}
	out := make([]Observed, r.nin)
	i := int(r.in)
	for j := range out {
		var in inputRec
		in, i = getInput(w.ins, i)
		out[j] = decodeInput(&in, r.reads, w.bytes, w.decs, w.vals)
	}
	return out
}

// ownInputs returns the values r's expression read, the caller's own: a
// words closure keeps them, and the scratch is the next deal's.
func (w *work) ownInputs(r stepRec) []Observed {
	if r.inputs != nil {
		return r.inputs
	}
	return w.observedOf(&r)
}

// decodeInput builds the Observed of input record in.
func decodeInput(in *inputRec, reads []string, text []byte, decs []decimal.Decimal, vals []any) Observed {
	o := Observed{}
	if int(in.k) < len(reads) {
		o.Path = reads[in.k]
	}
	if in.kind&valOn != 0 {
		o.On = in.on.date()
	}
	switch in.kind &^ valOn {
	case valText:
		off, n := textOf(in.a)
		o.Value = string(text[off : off+n])
	case valInt:
		o.Value = in.a
	case valBool:
		o.Value = in.a != 0
	case valFx:
		o.Value = decimal.New(in.a, int32(in.e))
	case valDec:
		o.Value = decs[in.a]
	case valDate:
		o.Value = shortDate(in.a).date()
	case valAny:
		o.Value = vals[in.a]
	case valObserved:
		ob := vals[in.a].(Observed)
		o.Value, o.On = ob.Value, ob.On
	}
	return o
}

// observed builds n input records from word k of the inputs on.
func (b *traceBlock) observed(reads []string, k, n int32) []Observed {
	ins := b.inputs()
	var decs []decimal.Decimal
	var vals []any
	if b.side != nil {
		decs, vals = b.side.decs, b.side.vals
	}
	out := make([]Observed, n)
	i := int(k)
	for j := range out {
		var in inputRec
		in, i = getInput(ins, i)
		out[j] = decodeInput(&in, reads, b.bytes(), decs, vals)
	}
	return out
}

// region returns the records of type T at word offset from in data, n of
// them.
func region[T any](data []uint64, from, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&data[from])), n)
}

func (b *traceBlock) inputs() []uint64 {
	return region[uint64](b.data(), int(b.ins), int(b.text-b.ins))
}

func (b *traceBlock) bytes() []byte {
	data := b.data()
	n := (len(data) - int(b.text)) * 8
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&data[b.text])), n)
}

func (b *traceBlock) str(t textRef) string {
	if t.n == 0 {
		return ""
	}
	return string(b.bytes()[t.off : t.off+t.n])
}

// detail builds the stepDetail of the detail record at word offset off,
// for its words.
func (b *traceBlock) detail(off int32) stepDetail {
	words := b.data()
	h := at[detailHead](words, int(off))
	d := stepDetail{kind: h.kind, started: h.bits&detStarted != 0, credited: h.bits&detCredited != 0,
		line: h.line, ci: h.ci, date: h.date, e: b.e}
	o := int(off) + 2
	if h.bits&detWord2 != 0 {
		w2 := at[detailWord2](words, o)
		d.on = w2.on
		o++
		if w2.npicks > 0 {
			picks := make([]groupMember, w2.npicks)
			for j := range picks {
				pr := at[pickRec](words, o)
				picks[j] = groupMember{line: int(pr.line), amount: b.amount(pr.k, pr.c, int32(pr.e))}
				o += wordsOf[pickRec]()
			}
			d.setPicks(picks)
		}
	}
	if h.bits&detTexts != 0 {
		t := at[[2]textRef](words, o)
		d.payee, d.payeeName = b.str(t[0]), b.str(t[1])
		o += wordsOf[[2]textRef]()
	}
	if h.bits&detPartner != 0 {
		d.payee = PayeePartner
	}
	if h.namt > 0 {
		exps := at[[4]int16](words, o)
		for i, x := range []*decimal.Decimal{&d.a, &d.b, &d.c}[:h.namt] {
			*x = b.amount(h.ak>>(2*i)&amtMask, int64(words[o+1+i]), int32(exps[i]))
		}
	}
	return d
}

// traceMem returns a result's n steps (none when n is 0: the result
// reuses its steps) and its trace block's header with m words of data
// (traceBlock.data), in one allocation: a struct of the header, the
// steps and the words (memType), whose words hold no pointers, so the
// collector scans the header and the steps only (their pointers end
// before the words). A deal's trace costs one allocation where it cost
// two (the steps with the header, then the words), and its header is 32
// bytes, not 48 (no slice for the words). The types are made once per
// size (the words rounded up beyond memExactWords) for the process
// (memTypeCache) and kept in the scratch, and allocated with reflect.New; a
// trace of more than maxMemSteps steps has its steps apart. A block
// without steps of up to 60 words is one of the program's own types
// (blockNews), which needs neither.
func (ts *traceScratch) traceMem(n, m int) ([]Step, *traceBlock) {
	var steps []Step
	if n > maxMemSteps {
		steps, n = make([]Step, n), 0
	}
	if n == 0 && m < len(newBlockFor) {
		// The block alone (EvaluateInto's, ReuseResults'): a type of the
		// program's, no reflect.New (whose pointer type is looked up in
		// a sync.Map on every call) nor map lookup.
		blk := (*traceBlock)(newBlockFor[m]())
		blk.nw, blk.dataAt = int32(m), int32(memStepsAt)
		return steps, blk
	}
	r := m
	if r > memExactWords {
		r = (m + memExactWords - 1) &^ (memExactWords - 1)
	}
	key := uint64(n)<<32 | uint64(r)
	t, ok := ts.memTypes[key]
	if !ok {
		if c, hit := memTypeCache.Load(key); hit {
			t = c.(reflect.Type)
		} else {
			t = memType(n, r)
			memTypeCache.Store(key, t)
		}
		if ts.memTypes == nil {
			ts.memTypes = make(map[uint64]reflect.Type)
		}
		ts.memTypes[key] = t
	}
	p := reflect.New(t).UnsafePointer()
	blk := (*traceBlock)(p)
	if n > 0 {
		steps = unsafe.Slice((*Step)(unsafe.Add(p, memStepsAt)), n)
	}
	blk.nw, blk.dataAt = int32(m), int32(memStepsAt+uintptr(n)*unsafe.Sizeof(Step{}))
	return steps, blk
}

// maxMemSteps is the most steps traceMem allocates with their block;
// memExactWords the most words it allocates exactly (more are rounded up
// to a multiple of it, so that few types serve the rare large traces).
const (
	maxMemSteps   = 1 << 10
	memExactWords = 1 << 7
)

// memTypeCache holds every memType made, by traceMem's key, for all the
// works: a work's scratch is new with each run's items (and with
// Evaluate's pooled state after a collection), and making the type again
// (reflect.StructOf, which builds its name and looks it up) cost such a
// work's first trace of each size about seven allocations and a few
// microseconds, more than the trace itself.
var memTypeCache sync.Map // uint64 -> reflect.Type

// blockOf is a trace block without steps and with the words of A, an
// array of uint64 (see memType).
type blockOf[A any] struct {
	H traceBlock
	D A
}

// newBlock allocates a blockOf[A].
func newBlock[A any]() unsafe.Pointer { return unsafe.Pointer(new(blockOf[A])) }

// blockNew allocates a block without steps and with words words.
type blockNew struct {
	words int
	new   func() unsafe.Pointer
}

func blockNewOf[A any]() blockNew {
	var a A
	return blockNew{int(unsafe.Sizeof(a) / 8), newBlock[A]}
}

// blockNews are the blocks without steps whose words fill each of the
// allocator's size classes from 48 to 512 bytes (TestBlockNewsSizeClasses).
var blockNews = [...]blockNew{
	blockNewOf[[2]uint64](),
	blockNewOf[[4]uint64](),
	blockNewOf[[6]uint64](),
	blockNewOf[[8]uint64](),
	blockNewOf[[10]uint64](),
	blockNewOf[[12]uint64](),
	blockNewOf[[14]uint64](),
	blockNewOf[[16]uint64](),
	blockNewOf[[18]uint64](),
	blockNewOf[[20]uint64](),
	blockNewOf[[22]uint64](),
	blockNewOf[[24]uint64](),
	blockNewOf[[26]uint64](),
	blockNewOf[[28]uint64](),
	blockNewOf[[32]uint64](),
	blockNewOf[[36]uint64](),
	blockNewOf[[40]uint64](),
	blockNewOf[[44]uint64](),
	blockNewOf[[48]uint64](),
	blockNewOf[[52]uint64](),
	blockNewOf[[56]uint64](),
	blockNewOf[[60]uint64](),
}

// newBlockFor[m] allocates a block without steps and with m words or
// more: the smallest of blockNews that holds them, which is what an
// allocation of exactly m words would be rounded up to anyway (it costs
// no byte more).
var newBlockFor = func() (fs [61]func() unsafe.Pointer) {
	k := 0
	for m := range fs {
		for blockNews[k].words < m {
			k++
		}
		fs[m] = blockNews[k].new
	}
	return fs
}()

// memStepsAt is the offset of the steps in a memType: right after the
// header (the steps' alignment is the header's).
const memStepsAt = unsafe.Sizeof(traceBlock{})

// memType is struct { H traceBlock; S [n]Step; D [m]uint64 }.
func memType(n, m int) reflect.Type {
	return reflect.StructOf([]reflect.StructField{
		{Name: "H", Type: reflect.TypeFor[traceBlock]()},
		{Name: "S", Type: reflect.ArrayOf(n, reflect.TypeFor[Step]())},
		{Name: "D", Type: reflect.ArrayOf(m, reflect.TypeFor[uint64]())},
	})
}
