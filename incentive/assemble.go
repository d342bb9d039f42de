package incentive

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// finish turns the work into the result: the paying lines, the total and
// the trace, sorted into explanation order.
func (e *Evaluator) finish(w *work, asOf time.Time) {
	res := w.res
	if w.err != nil {
		return
	}
	res.Eligible = res.Failed == ""
	if w.scope.vals != nil {
		e.valueSteps(w)
	}
	// room is what ownTerms made for the lines (lineRoom), if anything.
	room := res.Lines
	if !res.Eligible {
		if room != nil {
			// (Ineligible in the ordered phase: no lines, "lines": null.)
			res.Lines = nil
		}
		// An ineligible deal is explained by its window and clauses only.
		sortSteps(w.trace)
		n := 0
		for n < len(w.trace) && w.trace[n].section == secHead {
			n++
		}
		if !w.noTrace {
			e.windowStep(w, w.trace[:n], false)
			res.Trace = w.resultTrace(e, w.trace[:n:n])
		}
		return
	}
	cur := e.p.Currency
	paying, lost := 0, 0
	for i := range w.lines {
		if w.lines[i].holds {
			if w.lines[i].dropped {
				lost++
			} else {
				paying++
			}
		}
	}
	// (A result's buffers that never held lines are nil: a deal that pays
	// no line must still get empty Lines, not nil, or its JSON reads
	// "lines": null where a run without ReuseResults writes [].)
	b := w.bufs
	switch {
	case b != nil && b.lines != nil && cap(b.lines) >= paying:
		res.Lines = b.lines[:0]
	case room != nil && cap(room) >= paying+lost:
		// Lines, then Lost, in ownTerms's room, each capped at its
		// length, so that appending to one copies.
		res.Lines = room[:0:paying]
		if lost > 0 {
			res.Lost = room[paying : paying : paying+lost]
		}
	default:
		res.Lines = make([]Line, 0, paying)
	}
	if lost > 0 && res.Lost == nil {
		if b != nil && cap(b.lost) >= lost {
			res.Lost = b.lost[:0]
		} else {
			res.Lost = make([]Line, 0, lost)
		}
	}
	for i := range w.lines {
		ln := &w.lines[i]
		if !ln.holds {
			continue
		}
		en := e.earn[i].e
		// Built in place at the end of Lines or Lost (their room was
		// counted above), not as a Line value appended: a copy of 168
		// bytes, pointers and all, a line.
		var l *Line
		if ln.dropped {
			res.Lost = res.Lost[:len(res.Lost)+1]
			l = &res.Lost[len(res.Lost)-1]
		} else {
			res.Lines = res.Lines[:len(res.Lines)+1]
			l = &res.Lines[len(res.Lines)-1]
		}
		// (Field by field: a Line literal is built aside and copied in
		// whole, 168 bytes through the write barrier while the collector
		// marks. Band and Items are nil in a new Lines; a reused one is
		// overwritten.)
		l.Earning, l.Type, l.Group = en.ID, en.Type, en.Group
		l.Gross, l.Amount, l.Cuts = Money{ln.gross, cur}, Money{ln.final, cur}, ln.cuts
		if b != nil && b.own {
			// EvaluateInto: the cuts are in the work's scratch.
			l.Cuts = b.ownCuts(ln.cuts)
		}
		var band *BandHit
		if ln.band > 0 {
			// The evaluator's BandHit of that band, shared by every
			// line that reaches it: no memory of the result's.
			band = &e.earn[i].hits[ln.band-1]
		}
		if l.Band != band {
			l.Band = band
		}
		if l.Items != nil {
			l.Items = nil
		}
		if w.items != nil {
			l.Items = w.items[i]
		}
	}
	total := e.paying(w)
	res.Total = Money{total, cur}
	res.basis = w.scope.Amount
	res.setDate(w.date)
	if e.p.Claims.Set() && !w.claimed {
		// (orderedTerms sets it for an eligible deal of a run: what the
		// claim reads, the deal's dates and the as-of instant, is the
		// same here, so it is not computed twice.)
		e.claim(w, asOf)
	}
	if res.Hold != nil {
		e.holdMature(w)
	}
	if e.splits != nil {
		e.splitResult(w)
		if w.err != nil {
			return
		}
	}
	if w.noTrace {
		return
	}
	if len(e.p.Settlements) > 0 {
		e.advanceSteps(w)
	}
	e.addDetail(w, secFinal, StepRounding, "", 0, nil, true, decimal.Decimal{}, &e.ruleDetail)
	if e.p.Claims.Set() {
		e.claimStep(w)
	}
	if res.Hold != nil && !res.Hold.Void {
		w.add(secFinal, e.holdStep(w))
	}
	if shares := res.Shares; len(shares) > 1 || len(shares) == 1 && shares[0].PartnerID != res.PartnerID {
		// A split deal's total names the payees' shares (a closure: only
		// programs with splits pay for it). A deal paid whole to its own
		// partner (no other payee on the deal, or one merged into the
		// partner) was not split: its total reads as an unsplit deal's.
		// (The payee is named once here: the closure runs at every
		// rendering and must not change what it captured.)
		payee := res.Payee
		if res.PayeeName != "" {
			payee += " (" + res.PayeeName + ")"
		}
		if w.bufs != nil {
			// A reused result's Shares are room the next deal overwrites
			// (EvaluateInto, ReuseResults): the words read a copy, so
			// that a Step copied out of the result keeps them.
			shares = slices.Clone(shares)
		}
		w.add(secFinal, stepRec{Kind: StepTotal, OK: true, amount: total, words: func() string {
			return "total " + fmtAmount(total, cur) + " " + string(cur) + " to " + payee + ", split: " + sharesWords(shares, cur)
		}})
	} else {
		var d *stepDetail
		if sd, fits := shortDateOf(w.date); fits {
			d = e.dealDetail(w, sd) // shared with the window and claim steps
		} else {
			d = e.newDetail(w, detailTotal)
		}
		d.payee, d.payeeName = res.Payee, res.PayeeName
		e.addDetail(w, secFinal, StepTotal, "", 0, nil, true, total, d)
	}
	sortSteps(w.trace)
	e.windowStep(w, w.trace, true)
	res.Trace = w.resultTrace(e, w.trace)
}

// windowStep gives the deal's window step, recorded without words by
// ownTerms, its words: the deal's detail (shared with its claim and total)
// for an eligible deal, a window detail for an ineligible one, a closure
// for a close date that does not fit a shortDate.
func (e *Evaluator) windowStep(w *work, steps []rawStep, eligible bool) {
	for i := range steps {
		st := &steps[i]
		if st.section != secHead {
			return
		}
		if st.Kind != StepWindow || st.det != 0 {
			continue
		}
		if sd, fits := shortDateOf(w.date); fits {
			if eligible {
				st.det = e.dealDetail(w, sd).idx + 1
			} else {
				d := e.newDetail(w, detailWindow)
				d.date = sd
				st.det = d.idx + 1
			}
		} else {
			w.extras = append(w.extras, stepExtra{words: e.windowWords(w.date, st.OK)})
			st.flags |= flagExtra
			st.det = int32(len(w.extras))
		}
		return
	}
}

// windowWords renders a window step: the close date is inside the
// effective window (ok) or outside it.
func (e *Evaluator) windowWords(closeDate Date, ok bool) func() string {
	return func() string { return windowWords(e.p, closeDate, ok) }
}

func windowWords(p *Program, closeDate Date, ok bool) string {
	if ok {
		return "close date " + closeDate.String() + " is inside the effective window " + p.Effective.String()
	}
	return "not eligible: close date " + closeDate.String() + " is outside the effective window " + p.Effective.String()
}

// sortSteps puts a deal's steps in explanation order, keeping the order in
// which steps of one section were recorded. The steps arrive nearly sorted,
// so an insertion sort is both stable and cheap.
func sortSteps(steps []rawStep) {
	for i := 1; i < len(steps); i++ {
		for j := i; j > 0 && steps[j].section < steps[j-1].section; j-- {
			steps[j], steps[j-1] = steps[j-1], steps[j]
		}
	}
}
