package incentive

import (
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
)

// exprStep starts a trace step for a condition or formula, recording its
// source and the values it read (formatted only when words are asked for).
// The values of all the deal's steps share one arena (work.obs).
func (e *Evaluator) exprStep(w *work, kind StepKind, ref string, idx int, x any, o *Origin) Step {
	if w.noTrace {
		return Step{}
	}
	st := Step{Kind: kind, ref: ref, Index: idx, origin: o, detail: &e.exprDetail}
	if d, ok := x.(Describer); ok {
		st.source = d.Source()
		reads := d.Reads()
		if len(reads) > 0 {
			if cap(w.obs)-len(w.obs) < len(reads) {
				// (the full arena stays alive through the steps that
				// point into it; a scratch one doubles, see keepTrace)
				n := max(e.readsPerDeal, len(reads))
				if w.keepTrace {
					n = max(n, 2*cap(w.obs))
				}
				w.obs = make([]Observed, 0, n)
			}
			start := len(w.obs)
			for _, path := range reads {
				if v, ok := w.observe(path); ok {
					on, _ := w.scope.datedOn(path)
					w.obs = append(w.obs, Observed{Path: path, Value: v, On: on})
				}
			}
			st.inputs = w.obs[start:len(w.obs):len(w.obs)]
		}
	}
	return st
}

// observed is a value the trace read, boxed (see work.observe).
type observed struct {
	path string
	v    any
	ok   bool
	// fresh: v was read for this deal (else for an earlier one).
	fresh bool
	// texts are the last texts read at path, boxed, most recent first:
	// a text seen on one of the last few deals (a deal type, a tier, a
	// segment: a handful of values each) reuses its box.
	texts [observedTexts]any
}

// observedTexts is how many boxed texts a path keeps (see observed.texts).
const observedTexts = 4

// observe looks path up for the trace. A deal or partner value is the same
// throughout the deal, so it is boxed once a deal however many steps read
// it (a string or a decimal costs an allocation each time it becomes an
// any), and a text (deal.type, partner.tier) equal to one of the last few
// deals' reuses its box; running totals, earnings, values and product-line
// paths change as the deal is evaluated and are read each time.
func (w *work) observe(path string) (any, bool) {
	if !strings.HasPrefix(path, "deal.") && !strings.HasPrefix(path, "partner.") {
		return w.scope.Lookup(path)
	}
	var b *observed
	for i := range w.boxes {
		if w.boxes[i].path == path {
			b = &w.boxes[i]
			break
		}
	}
	if b == nil {
		w.boxes = append(w.boxes, observed{path: path})
		b = &w.boxes[len(w.boxes)-1]
	}
	if b.fresh {
		return b.v, b.ok
	}
	var v any
	var ok bool
	if text, isText := w.scope.lookupText(path); isText {
		v, ok = b.boxText(text), true
	} else {
		v, ok = w.scope.Lookup(path)
	}
	b.v, b.ok, b.fresh = v, ok, true
	return v, ok
}

// boxText returns text boxed: the box of an earlier deal's equal text when
// b keeps one, else a new box, which b keeps in place of its oldest.
func (b *observed) boxText(text string) any {
	k := 0
	for ; k < len(b.texts); k++ {
		t, isText := b.texts[k].(string)
		if !isText {
			break // the texts in use come first
		}
		if t == text {
			v := b.texts[k]
			copy(b.texts[1:k+1], b.texts[:k]) // most recent first
			b.texts[0] = v
			return v
		}
	}
	v := any(text)
	copy(b.texts[1:], b.texts[:len(b.texts)-1])
	b.texts[0] = v
	return v
}

// stepDetail is what the words of a step the engine records on most deals
// need beyond the step's own fields: a line's rounding, a band table, a
// group's pick, the total. A deal's details share one arena
// (work.details), so such a step costs no allocation of its own, where a
// words closure would; Words renders them only when asked.
type stepDetail struct {
	kind detailKind
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
	// deal total before it, b the limit.
	a, b, c decimal.Decimal
	// payee and payeeName: the total's; payee is also what a claim
	// window counts from (ClaimAnchorDate's description).
	payee, payeeName string
	pick             *groupMember
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

// newDetail returns a zeroed detail from the deal's arena.
func (e *Evaluator) newDetail(w *work, kind detailKind) *stepDetail {
	if len(w.details) == cap(w.details) {
		// A full arena stays alive through the steps that point into it;
		// the next details go to a new one. Room for a band or rounding
		// a line, the groups, a band table, a deal cap, and the window,
		// claim and total (one detailDeal); a binding running cap or line
		// cap, or a claim window counting from another date than the
		// close date, may overflow it (rarely: 15 of 100,000 example
		// deals in a run). A scratch arena (keepTrace) doubles.
		n := len(e.earn) + len(e.p.Groups) + 3
		if w.keepTrace {
			n = max(n, 2*cap(w.details))
		}
		w.details = make([]stepDetail, 0, n)
	}
	w.details = w.details[:len(w.details)+1]
	d := &w.details[len(w.details)-1]
	*d = stepDetail{kind: kind, e: e} // (a reused arena holds old details)
	return d
}

// words renders step s from its detail.
func (d *stepDetail) words(s *Step) string {
	e := d.e
	cur := e.p.Currency
	switch d.kind {
	case detailLineRounding:
		return "earning " + quote(e.earn[d.line].e.ID) + ": " + fmtNumber(d.a) + " rounded " + string(e.mode) + " to " + fmtAmount(s.amount, cur)
	case detailBand:
		en := e.earn[d.line].e
		return "earning " + quote(en.ID) + ": " + en.Bands.words(bandInput{before: d.a, after: d.b, amount: d.c, started: d.started}, s.amount, cur)
	case detailGroup:
		return e.groupWords(&e.p.Groups[d.ci], d.picks(), int(d.line))
	case detailLineCap:
		c := &e.p.Caps[d.ci]
		read := ""
		if len(s.inputs) > 1 || len(s.inputs) == 1 && s.inputs[0].Path != formulaSource(c.LimitFormula) {
			read = describeInputs(s.inputs, cur) // a lone path read is its own value
		}
		return "earning " + quote(e.earn[d.line].e.ID) + ": line cap " + lineCapWords(c, d.b, cur) + read + " cut " + fmtAmount(s.amount, cur) +
			" (" + fmtAmount(d.a, cur) + " -> " + fmtAmount(e.lineCapLimit(c, d.b), cur) + ")"
	case detailRunningCap:
		return e.capWords(int(d.ci), d.a) + " cut " + fmtAmount(s.amount, cur) + " (" + fmtAmount(d.b, cur) + " -> " + fmtAmount(d.c, cur) + ")"
	case detailDealCap:
		return e.dealCapName(&e.p.Caps[d.ci], d.b) + " cut " + fmtAmount(s.amount, cur) + " (" + fmtAmount(d.a, cur) + " -> " + fmtAmount(d.b, cur) + ")"
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
		return "total " + fmtAmount(s.amount, cur) + " " + string(cur) + " to " + payee
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
