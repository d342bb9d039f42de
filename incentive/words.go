package incentive

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
)

// exprStep starts a trace step for a condition or formula, recording the
// values it read into the deal's scratch (input records, formatted only
// when words are asked for).
func (e *Evaluator) exprStep(w *work, kind StepKind, ref string, idx int, x any, o *Origin) stepRec {
	if w.noTrace {
		return stepRec{}
	}
	st := stepRec{Kind: kind, ref: ref, Index: idx, origin: o, detail: &e.exprDetail}
	w.scratch()
	if d, ok := x.(Describer); ok {
		st.source = d.Source()
		reads := d.Reads()
		if len(reads) > math.MaxUint8 {
			// (more than a step's records count: kept as they are)
			for _, path := range reads {
				if v, ok := w.scope.Lookup(path); ok {
					on, _ := w.scope.datedOn(path)
					st.inputs = append(st.inputs, Observed{Path: path, Value: v, On: on})
				}
			}
			return st
		}
		st.reads, st.in = reads, int32(len(w.ins))
		n0 := w.nins
		w.recordReads(reads)
		st.nin = w.nins - n0
	}
	return st
}

// recordReads records the value read at each of reads that has one into
// the deal's scratch, its day with it when the partner has a history.
func (w *work) recordReads(reads []string) {
	for k, path := range reads {
		if path == PathDealAmount {
			// (the most read path first: it is no dated partner path,
			// so it has no day, and no text)
			r := inputRec{k: uint8(k)}
			w.recordDec(&r, w.scope.Amount)
			w.putIn(r)
			continue
		}
		on, _ := w.scope.datedOn(path)
		if text, isText := w.scope.lookupText(path); isText {
			w.recordText(k, text, on)
			continue
		}
		if v, ok := w.scope.Lookup(path); ok {
			w.record(k, v, on)
		}
	}
}

// stepDetail is what the words of a step the engine records on most deals
// need beyond the step's own fields: a line's rounding, a band table, a
// group's pick, the total. A deal's details share one arena
// (work.details), so such a step costs no allocation of its own, where a
// words closure would; Words renders them only when asked.
type stepDetail struct {
	kind detailKind
	// idx is the detail's position in the deal's scratch (newDetail).
	idx int32
	// started: a band table's basis had started (see bandInput); a claim
	// step's deal has the date its window counts from. credited: a claim
	// step's credit note counts as expired with the deal it credits.
	started, credited bool
	// line is the earning (rounding, band, line cap; for a group, the
	// member that pays, or -1); ci the cap (line, partner and budget
	// caps) or the group.
	line, ci int32
	// date: a window step's close date, a claim step's anchor date; on:
	// a claim step's as-of date.
	date, on shortDate
	// pick and npicks are a group's members whose condition held, with
	// their amounts at the pick (see picks): a pointer to the first
	// and their number, 12 bytes where a slice takes 24.
	npicks int32
	e      *Evaluator
	// a, b and c are the amounts the words show: rounding: a the amount
	// before it; band: the table's input (see bandInput); line cap: a
	// the line before it, b the limit; partner or budget cap: a what the cap had paid
	// before, b the deal total before the cut, c after it; deal cap: a the
	// deal total before it, b the limit. A detail in the deal's scratch
	// keeps them in am instead (work.setAmounts), in the compact form its
	// record takes (putDetail), so that recording and resetting it write
	// no pointer; a detail read back from a result's block (its words')
	// has them in a, b and c.
	a, b, c decimal.Decimal
	am      [3]amt
	// payee and payeeName: the total's; payee is also what a claim
	// window counts from (ClaimAnchorDate's description).
	payee, payeeName string
	pick             *groupMember
	// payeeText and nameText: where resultTrace put payee and payeeName
	// in the block's texts.
	payeeText, nameText textRef
}

// picks returns a group detail's members (setPicks).
func (d *stepDetail) picks() []groupMember { return unsafe.Slice(d.pick, d.npicks) }

// setPicks makes picks the detail's group members.
func (d *stepDetail) setPicks(picks []groupMember) {
	d.pick, d.npicks = unsafe.SliceData(picks), int32(len(picks))
}

// shortDate is a Date in 4 bytes, for step details (a Date takes 24):
// year<<9 | month<<5 | day. It holds every Date whose year is within
// +-4,194,304 (2^22), whose month is 0 to 15 and whose day 0 to 31
// (shortDateOf says whether d is one), which a time.Time's date always
// is in practice; a step with another date keeps a closure instead.
type shortDate int32

const shortYear = 1 << 22 // the years a shortDate holds: [-shortYear, shortYear)

func shortDateOf(d Date) (shortDate, bool) {
	if d.Year < -shortYear || d.Year >= shortYear || d.Month < 0 || d.Month > 15 || d.Day < 0 || d.Day > 31 {
		return 0, false
	}
	return shortDate(int32(d.Year)<<9 | int32(d.Month)<<5 | int32(d.Day)), true
}

func (s shortDate) date() Date { return Date{int(s >> 9), time.Month(s >> 5 & 15), int(s & 31)} }

// groupMember is a group member and its amount, as a group step's words
// show it.
type groupMember struct {
	line   int
	amount decimal.Decimal
}

type detailKind uint8

const (
	// detailExpr: a clause, condition or formula step, rendered from the
	// step's own fields (Step.Words); one detail per evaluator serves
	// them all.
	detailExpr detailKind = iota + 1
	// detailRule: the rounding rule's step, rendered from the
	// evaluator's words (one detail per evaluator).
	detailRule
	detailLineRounding
	detailBand
	detailGroup
	detailTotal
	detailLineCap
	detailRunningCap
	detailWindow
	detailClaim
	detailDealCap
	// detailDeal: what the window, claim and total steps of an eligible
	// deal show, in one detail the three share (see dealDetail): the
	// close date (date), the claim window's start and as-of date (started,
	// credited, on; the window counts from the close date), the payee.
	detailDeal
)

// dealDetail is the deal's detailDeal, made on first use, with the close
// date set (the caller checked that it fits a shortDate). Three steps
// share it where each had a detail of its own (window, claim and total:
// 432 bytes a deal, now 144).
func (e *Evaluator) dealDetail(w *work, closeDate shortDate) *stepDetail {
	if w.dealDet == nil {
		w.dealDet = e.newDetail(w, detailDeal)
		w.dealDet.date = closeDate
	}
	return w.dealDet
}

// newDetail returns a zeroed detail from the deal's scratch, which keeps
// its details in chunks of detailChunk, so a detail never moves while the
// deal is evaluated (callers fill it in after the step is recorded).
func (e *Evaluator) newDetail(w *work, kind detailKind) *stepDetail {
	w.scratch()
	n := int(w.ndet)
	if n/detailChunk == len(w.detChunks) {
		w.detChunks = append(w.detChunks, new([detailChunk]stepDetail))
	}
	d := &w.detChunks[n/detailChunk][n%detailChunk]
	d.reset(kind, int32(n), e)
	w.ndet++
	return d
}

// reset makes d a new detail, as stepDetail{kind: kind, idx: idx, e: e}
// would, writing only the pointers that are set (the previous deal's):
// the whole struct assigned at once is cleared under the collector's
// write barrier over every pointer slot (runtime.wbZero), which it turns
// on for most of a batch.
func (d *stepDetail) reset(kind detailKind, idx int32, e *Evaluator) {
	d.am = [3]amt{}
	// (a scratch detail's amounts are in am: a, b and c are zero, and
	// these only read them)
	zeroSet(&d.a)
	zeroSet(&d.b)
	zeroSet(&d.c)
	zeroSet(&d.payee)
	zeroSet(&d.payeeName)
	zeroSet(&d.pick)
	if d.e != e {
		d.e = e
	}
	d.kind, d.idx, d.started, d.credited, d.line, d.ci, d.date, d.on, d.npicks = kind, idx, false, false, 0, 0, 0, 0, 0
	d.payeeText, d.nameText = textRef{}, textRef{}
}

// detailChunk is how many details a chunk of the scratch holds.
const detailChunk = 8

// words renders step s from its detail.
func (d *stepDetail) words(s *Step) string {
	e := d.e
	cur := e.p.Currency
	switch d.kind {
	case detailLineRounding:
		return "earning " + quote(e.earn[d.line].e.ID) + ": " + fmtNumber(d.a) + " rounded " + string(e.mode) + " to " + fmtAmount(s.Amount(), cur)
	case detailBand:
		en := e.earn[d.line].e
		return "earning " + quote(en.ID) + ": " + en.Bands.words(bandInput{before: d.a, after: d.b, amount: d.c, started: d.started}, s.Amount(), cur)
	case detailGroup:
		return e.groupWords(&e.p.Groups[d.ci], d.picks(), int(d.line))
	case detailLineCap:
		c := &e.p.Caps[d.ci]
		read := ""
		if inputs := s.Inputs(); len(inputs) > 1 || len(inputs) == 1 && inputs[0].Path != formulaSource(c.LimitFormula) {
			read = describeInputs(inputs, cur) // a lone path read is its own value
		}
		return "earning " + quote(e.earn[d.line].e.ID) + ": line cap " + lineCapWords(c, d.b, cur) + read + " cut " + fmtAmount(s.Amount(), cur) +
			" (" + fmtAmount(d.a, cur) + " -> " + fmtAmount(e.lineCapLimit(c, d.b), cur) + ")"
	case detailRunningCap:
		return e.capWords(int(d.ci), d.a) + " cut " + fmtAmount(s.Amount(), cur) + " (" + fmtAmount(d.b, cur) + " -> " + fmtAmount(d.c, cur) + ")"
	case detailDealCap:
		return e.dealCapName(&e.p.Caps[d.ci], d.b) + " cut " + fmtAmount(s.Amount(), cur) + " (" + fmtAmount(d.a, cur) + " -> " + fmtAmount(d.b, cur) + ")"
	case detailWindow:
		return windowWords(e.p, d.date.date(), s.OK)
	case detailClaim:
		return e.claimWords(d.payee, d.started, d.credited, !s.OK, d.date.date(), d.on.date())
	case detailDeal:
		switch s.Kind {
		case StepWindow:
			return windowWords(e.p, d.date.date(), s.OK)
		case StepClaim:
			return e.claimWords(closeDateAnchor, d.started, d.credited, !s.OK, d.date.date(), d.on.date())
		}
		fallthrough // the total's
	case detailTotal:
		payee := d.payee
		if d.payeeName != "" {
			payee += " (" + d.payeeName + ")"
		}
		return "total " + fmtAmount(s.Amount(), cur) + " " + string(cur) + " to " + payee
	}
	return ""
}

func describeExpr(src string, inputs []Observed, cur Currency) string {
	if src == "" {
		return ""
	}
	return ": " + src + describeInputs(inputs, cur)
}

// describeInputs renders " (deal.amount = 12,000.00, partner.tier = "gold")".
func describeInputs(inputs []Observed, cur Currency) string {
	if len(inputs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" (")
	for i, in := range inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		val := fmtValue(in.Value)
		if d, isDec := in.Value.(decimal.Decimal); isDec {
			// Amounts and decimal custom fields alike: grouped, at least
			// the currency's minor places (36,667.50, not 36667.5).
			val = fmtAmount(d, cur)
		}
		b.WriteString(inputName(in.Path))
		if !in.On.IsZero() {
			b.WriteString(" on " + in.On.String())
		}
		b.WriteString(" = " + val)
	}
	b.WriteString(")")
	return b.String()
}

// groupWords describes a group's pick.
func (e *Evaluator) groupWords(g *Group, picks []groupMember, win int) string {
	parts := make([]string, len(picks))
	for k, m := range picks {
		parts[k] = quote(e.earn[m.line].e.ID) + " " + fmtAmount(m.amount, e.p.Currency)
	}
	s := "group " + quote(g.ID) + " (pick " + string(g.Pick) + ") among " + strings.Join(parts, ", ") + ": "
	if win < 0 {
		return s + "no line pays"
	}
	return s + "pays " + quote(e.earn[win].e.ID)
}

// fmtValue renders a looked-up value for a trace.
func fmtValue(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case decimal.Decimal:
		return x.String()
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
