package incentive

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Hold keeps a deal's earnings from being paid until they mature: Span
// after the hold's start (the deal's close date, or a custom date field
// such as a payment date), in the program's time zone. An earning matures
// on its maturity date: a run as of that date or later may pay it. A date
// field named in VoidOn that falls inside the hold (on or after its start
// and before the maturity date, and on or before the run's as-of date when
// the run has one) voids the deal's earnings: they pay nothing and use up
// no cap or budget. A void date on or after the maturity date voids
// nothing (what matured was payable; take it back with a credit note).
//
// A run without an as-of date cannot tell that anything has matured, so
// every earning under a hold counts as held (pending) on its statement;
// voids need no as-of date. A deal that lacks its start date (a payment
// not made yet) has not started its hold: it is held with no maturity
// date. Credit notes are never held: what they take back counts at once.
// Expiry wins over a hold: an expired earning counts as expired, not held.
type Hold struct {
	// Span is the length of the hold; the zero Span means no hold.
	Span Span
	// From is the hold's start: FromCloseDate (also the empty value) or
	// the name of a custom deal field of type date.
	From ClaimAnchor
	// VoidOn names custom deal fields of type date (e.g. refund_date).
	VoidOn []string
}

// Set reports whether the program holds earnings.
func (h Hold) Set() bool { return !h.Span.IsZero() }

// HoldStatus is what a hold did to one result.
type HoldStatus struct {
	// Start is the hold's start date; zero when the deal lacks it.
	Start Date `json:"start"`
	// MaturesOn is the first day the earnings may be paid: Start plus the
	// hold's span. Zero when the hold has not started.
	MaturesOn Date `json:"matures_on"`
	// Held is true when the earnings had not matured as of the run (or the
	// run has no as-of date); a voided or expired result is not held.
	Held bool `json:"held"`
	// Void is true when VoidField's date VoidDate fell inside the hold: the
	// result pays nothing.
	Void      bool   `json:"void,omitempty"`
	VoidField string `json:"void_field,omitempty"`
	VoidDate  Date   `json:"void_date,omitzero"`
}

// holdStart returns the hold's start date for the work's deal and its
// description; ok is false when the deal lacks the date field.
func (e *Evaluator) holdStart(w *work) (at Date, what string, ok bool) {
	switch f := e.p.Hold.From; f {
	case "", FromCloseDate:
		return w.date, "close date", true
	default:
		v, _ := w.in.Deal.Fields[string(f)].(Date)
		return v, string(f), !v.IsZero()
	}
}

// holdVoid decides the hold of an eligible deal (not a credit note) before
// its caps: it records the status on the result and, when a void date falls
// inside the hold, zeroes the paying lines. It reports whether the deal
// was voided.
func (e *Evaluator) holdVoid(w *work) bool {
	h := e.p.Hold
	st := w.newHold()
	w.res.Hold = st
	start, _, ok := e.holdStart(w)
	if !ok {
		return false
	}
	st.Start, st.MaturesOn = start, h.Span.After(start)
	for _, name := range h.VoidOn {
		d, _ := w.in.Deal.Fields[name].(Date)
		if d.IsZero() || d.Before(start) || !d.Before(st.MaturesOn) {
			continue
		}
		if !w.scope.asOf.IsZero() && d.After(DateOf(w.scope.asOf.In(e.p.Effective.Loc()))) {
			continue // not yet happened as of the run
		}
		st.Void, st.VoidField, st.VoidDate = true, name, d
		break
	}
	if !st.Void {
		return false
	}
	from := e.paying(w)
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			ln.final = decimal.New(0, -e.places)
		}
	}
	if !w.noTrace {
		// (The words read a copy: st is room the next deal written into a
		// reused result overwrites, EvaluateInto's or ReuseResults', and a
		// Step copied out of the result must keep its words.)
		cur, st := e.p.Currency, *st
		w.add(secTail-1, stepRec{Kind: StepHold, ref: st.VoidField, Index: -1, amount: from.Neg(), words: func() string {
			return fmt.Sprintf("void: %s %s falls inside the hold (%s from %s %s, maturing %s), so the deal's %s pays nothing",
				st.VoidField, st.VoidDate, h.Span, e.holdFromWords(), st.Start, st.MaturesOn, fmtAmount(from, cur))
		}})
	}
	return true
}

// holdMature decides, once the deal's expiry is known, whether an eligible
// result's earnings are still held as of the run.
func (e *Evaluator) holdMature(w *work) {
	st := w.res.Hold
	if st == nil || st.Void || w.res.Expired {
		return
	}
	st.Held = st.MaturesOn.IsZero() || w.scope.asOf.IsZero() || w.asOfDate(e).Before(st.MaturesOn)
}

// asOfDate is the run's as-of date in the program's time zone.
func (w *work) asOfDate(e *Evaluator) Date {
	return DateOf(w.scope.asOf.In(e.p.Effective.Loc()))
}

func (e *Evaluator) holdFromWords() string {
	if f := e.p.Hold.From; f != "" && f != FromCloseDate {
		return string(f)
	}
	return "close date"
}

// holdStep explains a hold that did not void the deal.
func (e *Evaluator) holdStep(w *work) stepRec {
	st, span := *w.res.Hold, e.p.Hold.Span
	from := e.holdFromWords()
	expired := w.res.Expired
	var asOf string
	if !w.scope.asOf.IsZero() {
		asOf = w.asOfDate(e).String()
	}
	return stepRec{Kind: StepHold, OK: !st.Held && !st.Void, Index: -1, words: func() string {
		var b strings.Builder
		switch {
		case st.Void:
			fmt.Fprintf(&b, "void: %s %s fell inside the hold, which started %s (%s) and matures %s", st.VoidField, st.VoidDate, st.Start, from, st.MaturesOn)
			return b.String()
		case st.MaturesOn.IsZero():
			fmt.Fprintf(&b, "held: the hold (%s) starts on the %s, which the deal does not have yet", span, from)
			return b.String()
		}
		fmt.Fprintf(&b, "hold of %s from %s %s: matures %s", span, from, st.Start, st.MaturesOn)
		switch {
		case expired:
			b.WriteString("; the claim window has closed, so it counts as expired, not held")
		case asOf == "":
			b.WriteString("; held: the run has no as-of date, so nothing under a hold counts as matured")
		case st.Held:
			b.WriteString("; held as of " + asOf)
		default:
			b.WriteString("; matured as of " + asOf + ", payable")
		}
		return b.String()
	}}
}

// validateHold checks the hold's span, start and void fields.
func (p *Program) validateHold(at func(path, format string, args ...any)) {
	h := p.Hold
	switch {
	case h.Span.Days < 0 || h.Span.Months < 0:
		at("hold.for", "hold of %d days and %d months is negative", h.Span.Days, h.Span.Months)
	case h.Span.Days > 0 && h.Span.Months > 0:
		at("hold.for", "hold sets both days (%d) and months (%d); give one", h.Span.Days, h.Span.Months)
	}
	if !h.Set() && (h.From != "" || len(h.VoidOn) > 0) {
		at("hold.for", "hold has a start or void fields but no length")
	}
	dateField := func(path, what, name string) {
		var dates []string
		for _, f := range p.Fields {
			if f.Type == FieldDate {
				dates = append(dates, f.Name)
			}
			if f.Name == name {
				if f.Type != FieldDate {
					at(path, "%s field %q is a %s, not a date", what, name, f.Type)
				}
				return
			}
		}
		want := "a custom field of type date (the program declares none)"
		if len(dates) > 0 {
			want = "a custom date field: " + strings.Join(dates, ", ")
		}
		at(path, "unknown %s field %q; want %s", what, name, want)
	}
	if h.From != "" && h.From != FromCloseDate {
		dateField("hold.from", "hold start", string(h.From))
	}
	seen := map[string]bool{}
	for i, v := range h.VoidOn {
		path := index("hold.void_if", i)
		if seen[v] {
			at(path, "void field %q is listed twice", v)
			continue
		}
		seen[v] = true
		if v == string(h.From) {
			at(path, "void field %q is the hold's own start", v)
			continue
		}
		dateField(path, "void", v)
	}
}
