package incentive

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// inOrder finishes a deal in run order: clauses and formulas that read
// running totals, partner-period and cumulative bands, what depends on
// them, the deal cap and deal-stage rounding (which make the deal's terms
// amount), then the partner and budget caps, which pay what the caps have
// room for; then it adds the deal to the running totals.
//
// With w.snap set it only computes the deal's terms amount from the
// snapshot (st may be nil): a credit note re-evaluating its deal.
func (e *Evaluator) inOrder(w *work, st *runState, asOf time.Time) {
	if w.credits != "" && !w.closed {
		e.credit(w, st, asOf)
		return
	}
	ps, rec, total, pay := e.orderedTerms(w, st, asOf)
	switch {
	case pay:
		e.orderedPay(w, st, ps, rec, total, asOf, true)
	case w.snap == nil:
		e.finish(w, asOf)
	}
}

// orderedTerms is the part of inOrder that reads and adds to only the
// deal's own partner's running totals: it computes the deal's terms
// amount (returned as total, with pay true), and adds the deal to the
// partner's band bases. It reports pay false for a deal that pays nothing
// further (ineligible or failed: it only needs finish; or, with w.snap
// set, a credit note's re-evaluation, which is done).
//
// A program without running-total expressions (readsAcc) or credit notes
// (AllowNegative) reads nothing else in it, so a batch run can do it for
// different partners at once (see runSharded); what follows
// (orderedPay) reads the budget and the partner caps' counts, which
// depend on every earlier deal's payout.
func (e *Evaluator) orderedTerms(w *work, st *runState, asOf time.Time) (ps *partnerState, rec *dealSnap, total decimal.Decimal, pay bool) {
	if w.closed {
		if w.snap == nil && w.err == nil && st.deals != nil && w.credits == "" {
			st.deals[w.in.Deal.ID] = &dealRecord{partner: w.partner}
		}
		return nil, nil, total, false
	}
	p := e.p
	cur := p.Currency
	snap := w.snap
	if snap == nil {
		ps = st.partner(w.partner)
	}
	date := w.date
	if e.readsAcc {
		if snap != nil {
			w.scope.Acc = snap.acc
		} else {
			pt := st.period(ps, 0, date)
			w.scope.Acc = Accumulators{PeriodAmount: pt.amount, PeriodDeals: pt.deals, PeriodEarned: pt.earned, Cumulative: ps.cumulative}
		}
	}
	if !e.clauses(w, len(p.Eligibility)) {
		if snap == nil && st.deals != nil && w.err == nil {
			st.deals[w.in.Deal.ID] = &dealRecord{partner: w.partner}
		}
		return nil, nil, total, false
	}
	if w.payeeErr != nil {
		// Fail before anything is added to the running totals.
		e.fail(w, "payee", Origin{}, w.payeeErr)
		return nil, nil, total, false
	}
	// A deal a credit note may name keeps what its terms read.
	if snap == nil && st.deals != nil {
		rec = &dealSnap{acc: w.scope.Acc}
		if e.stateful {
			n := len(e.earn)
			rec.before, rec.started, rec.measure = make([]decimal.Decimal, n), make([]bool, n), make([]decimal.Decimal, n)
		}
	}
	for i := range e.earn {
		ep, ln := &e.earn[i], &w.lines[i]
		e.line(w, i, true)
		if w.closed {
			return nil, nil, total, false
		}
		if ln.holds && !ln.grossDone {
			in := bandInput{amount: ln.amount}
			var basis *runTotal // the running basis, without a snapshot
			switch {
			case snap != nil:
				in.before, in.started = snap.before[i], snap.started[i]
			case ep.e.Bands.Basis == BasisCumulative:
				basis, in.started = &ps.cumBasis[i], ps.cumStarted[i]
			default:
				tp := st.period(ps, ep.periodIdx, date)
				basis, in.started = &tp.basis[i], tp.started[i]
			}
			if basis != nil && w.noTrace && rec == nil {
				// Nothing reads the totals as decimals (no band step, no
				// record for credit notes): the table in fixed point.
				if b, ok := basis.fx(); ok {
					if v, hit, ok := ep.table.applyRun(b, in.started, ln.measure, w.da); ok {
						e.bandDone(w, i, in, v, hit)
						e.settleLine(w, i)
						continue
					}
				}
			}
			if basis != nil {
				in.before = basis.dec(w.da)
			}
			if rec != nil {
				rec.before[i], rec.started[i], rec.measure[i] = in.before, in.started, ln.measure
			}
			in.after = w.da.add(in.before, ln.measure)
			v, hit := ep.table.apply(in, w.da)
			e.bandDone(w, i, in, v, hit)
		}
		e.settleLine(w, i)
	}
	e.pickGroups(w)

	if snap == nil && p.Hold.Set() {
		e.holdVoid(w)
	}
	total = e.paying(w)
	// The deal's terms: its deal caps, then deal-stage rounding. Limits are
	// on the payout grid (Validate), so rounding a capped total cannot
	// take it back over a deal cap.
	var limits []decimal.Decimal // computed deal cap limits, by dealCaps index
	if e.dealFormulas {
		limits = make([]decimal.Decimal, len(e.dealCaps))
		for k, ci := range e.dealCaps {
			if limits[k] = e.capLimit[ci]; p.Caps[ci].LimitFormula != nil {
				lim, ok := e.dealCapLimit(w, ci)
				if !ok {
					return nil, nil, total, false
				}
				limits[k] = lim
			}
		}
	}
	for k, ci := range e.dealCaps {
		c := &p.Caps[ci]
		limit := e.capLimit[ci]
		if limits != nil {
			limit = limits[k]
		}
		if decCmp(total, limit) <= 0 {
			continue
		}
		cut := w.da.sub(total, limit)
		if !w.noTrace {
			d := e.newDetail(w, detailDealCap)
			d.ci = int32(ci)
			w.setAmounts(d, total, limit, decimal.Decimal{})
			e.addDetail(w, secTail, StepCap, capRef(ci), ci, &c.Origin, false, cut, d)
		}
		e.takeCutAt(w, ci, c, limit, cut)
		total = limit
	}
	if w.scope.Amount.Sign() < 0 {
		// A credit note takes back at most what a deal of its size could
		// have been paid: the deal caps bound it from below too.
		for k, ci := range e.dealCaps {
			c := &p.Caps[ci]
			floor := e.capLimit[ci].Neg()
			if limits != nil {
				floor = limits[k].Neg()
			}
			if total.Cmp(floor) >= 0 {
				continue
			}
			cut := total.Sub(floor) // negative
			if !w.noTrace {
				from := total
				w.add(secTail, stepRec{Kind: StepCap, ref: capRef(ci), Index: ci, amount: cut, origin: &c.Origin,
					words: func() string {
						return e.dealCapName(c, floor.Neg()) + " bounds the credit note's takeback (" + fmtAmount(from, cur) + " -> " + fmtAmount(floor, cur) + ")"
					}})
			}
			e.takeCutAt(w, ci, c, floor.Neg(), cut)
			total = floor
		}
	}
	if e.stage == StageDeal {
		// The lines are always spread, even when the total needs no
		// rounding (0.335 + 0.335 = 0.67), so they add up to it.
		r := w.da.onGrid(total, e.places, e.mode)
		if e.spreadRounding(w, r) || decCmp(r, total) != 0 {
			exact := total
			if !w.noTrace {
				w.add(secTail, stepRec{Kind: StepRounding, OK: true, amount: r, words: func() string {
					return "deal total " + fmtNumber(exact) + " rounded " + string(e.mode) + " to " + fmtAmount(r, cur) + ", shared over the lines by largest remainder"
				}})
			}
		}
		total = r
	}
	if snap != nil {
		return nil, nil, total, false
	}
	if p.Claims.Set() {
		// Whether the deal is expired bounds what a credit note takes back
		// and whether it uses up the caps.
		e.claim(w, asOf)
	}
	if st.solo && rec == nil {
		// A single Evaluate: no later deal reads the running totals.
		return ps, rec, total, true
	}
	// The band bases grow by the deal's measure, whatever it is paid.
	for i, ep := range e.earn {
		ln := &w.lines[i]
		if !ep.stateful || !ln.holds {
			continue
		}
		// (Held as an fx, the basis grows without making a decimal.)
		if ep.e.Bands.Basis == BasisCumulative {
			ps.cumBasis[i] = ps.cumBasis[i].plus(ln.measure)
			ps.cumStarted[i] = true
		} else {
			tp := st.period(ps, ep.periodIdx, date)
			tp.basis[i] = tp.basis[i].plus(ln.measure)
			tp.started[i] = true
		}
	}
	return ps, rec, total, true
}

// orderedPay is the rest of inOrder after orderedTerms: the partner and
// budget caps pay what they have room for out of the deal's terms amount
// total, and the deal's payout is added to the running totals (ps is the
// deal's partner's state in st). With finish false the result is left for
// the caller to finish.
func (e *Evaluator) orderedPay(w *work, st *runState, ps *partnerState, rec *dealSnap, total decimal.Decimal, asOf time.Time, finish bool) {
	p := e.p
	date := w.date
	terms := total
	total = e.runningCaps(w, st, ps, total)
	if st.solo && rec == nil {
		// A single Evaluate: no later deal reads the running totals.
		if finish {
			e.finish(w, asOf)
		}
		return
	}

	// Add the deal to the running totals. The program period's earned
	// total is kept when credit notes (which read it) are allowed or
	// period.earned is read; its amount, deal count and the cumulative
	// amount only for period.* and cumulative.* expressions; band tables
	// keep their own basis and partner caps their own count.
	if e.readsAcc || p.AllowNegative {
		tp := st.period(ps, 0, date)
		tp.earned = decAdd(tp.earned, total)
		if w.res.Expired {
			tp.expired = tp.expired.Add(total)
		}
	}
	if e.readsAcc {
		tp := st.period(ps, 0, date)
		tp.amount = decAdd(tp.amount, w.scope.Amount)
		tp.deals++
		ps.cumulative = decAdd(ps.cumulative, w.scope.Amount)
	}
	if finish {
		e.finish(w, asOf)
	}
	if rec != nil {
		e.remember(w, st, ps, rec, terms, total)
	}
}

// settleLine applies line caps and line rounding to line i once its gross
// amount is known. It needs no running totals, so it usually happens in
// phase 1.
func (e *Evaluator) settleLine(w *work, i int) {
	ln := &w.lines[i]
	if !ln.holds || !ln.grossDone || ln.settled {
		return
	}
	ln.settled = true
	cur := e.p.Currency
	ln.final = ln.gross
	var computed []decimal.Decimal // computed line cap limits, by lineCaps index
	for k, ci := range e.earn[i].lineCaps {
		c := &e.p.Caps[ci]
		limit := e.capLimit[ci]
		if c.LimitFormula != nil {
			v, ok := e.computedLimit(w, i, ci)
			if !ok {
				return
			}
			if computed == nil {
				computed = make([]decimal.Decimal, len(e.earn[i].lineCaps))
			}
			limit, computed[k] = v, v
		}
		if decCmp(ln.final, limit) <= 0 {
			continue
		}
		cut := w.da.sub(ln.final, limit)
		w.addCut(ln, CapCut{Cap: ci, Scope: CapLine, Limit: e.lineCapLimit(c, limit), Cut: cut})
		if !w.noTrace {
			d := e.newDetail(w, detailLineCap)
			d.line, d.ci = int32(i), int32(ci)
			w.setAmounts(d, ln.final, limit, decimal.Decimal{})
			if c.LimitFormula == nil {
				e.addDetail(w, secLines+int32(i), StepCap, capRef(ci), ci, &c.Origin, false, cut, d)
			} else {
				// what the computed limit read, as a computed deal cap shows it
				st := stepRec{Kind: StepCap, ref: capRef(ci), Index: ci, amount: cut, origin: &c.Origin, detail: d}
				x := e.exprStep(w, StepCap, capRef(ci), ci, c.LimitFormula, &c.Origin)
				st.in, st.nin, st.reads, st.inputs = x.in, x.nin, x.reads, x.inputs
				w.add(secLines+int32(i), st)
			}
		}
		ln.final = limit
	}
	if w.scope.Amount.Sign() < 0 {
		// A credit note's line takes back at most what the line could have
		// paid a deal of its size: the line caps bound it from below too.
		for k, ci := range e.earn[i].lineCaps {
			c := &e.p.Caps[ci]
			limit := e.capLimit[ci]
			if c.LimitFormula != nil {
				limit = computed[k]
			}
			floor := limit.Neg()
			if ln.final.Cmp(floor) >= 0 {
				continue
			}
			cut := ln.final.Sub(floor) // negative
			w.addCut(ln, CapCut{Cap: ci, Scope: CapLine, Limit: e.lineCapLimit(c, limit), Cut: cut})
			id, before := e.earn[i].e.ID, ln.final
			if !w.noTrace {
				w.add(secLines+int32(i), stepRec{Kind: StepCap, ref: capRef(ci), Index: ci, amount: cut, origin: &c.Origin,
					words: func() string {
						return "earning " + quote(id) + ": line cap " + lineCapWords(c, limit, cur) + " bounds the credit note's takeback (" +
							fmtAmount(before, cur) + " -> " + fmtAmount(floor, cur) + ")"
					}})
			}
			ln.final = floor
		}
	}
	if e.stage == StageLine {
		r := w.da.onGrid(ln.final, e.places, e.mode)
		if !w.noTrace && decCmp(r, ln.final) != 0 {
			d := e.newDetail(w, detailLineRounding)
			d.line = int32(i)
			w.setAmounts(d, ln.final, decimal.Decimal{}, decimal.Decimal{})
			e.addDetail(w, secLines+int32(i), StepRounding, e.earn[i].e.ID, i, nil, true, r, d)
		}
		ln.final = r
	}
}

// pickGroups decides every group whose lines are all settled (or do not
// apply); the rest wait for phase 2.
func (e *Evaluator) pickGroups(w *work) {
	for gi := range e.p.Groups {
		if w.groupDone[gi] {
			continue
		}
		g := &e.p.Groups[gi]
		ready := true
		for _, i := range e.groupMembers[gi] {
			if ln := &w.lines[i]; !ln.whenDone || (ln.holds && !ln.settled) {
				ready = false
				break
			}
		}
		if !ready {
			continue
		}
		w.groupDone[gi] = true
		win, n := -1, 0 // n: members whose condition held
		for _, i := range e.groupMembers[gi] {
			ln := &w.lines[i]
			if !ln.holds {
				continue
			}
			n++
			switch {
			case win < 0 && (g.Pick == PickHighest || !ln.final.IsZero()):
				win = i
			case g.Pick == PickHighest && ln.final.Abs().Cmp(w.lines[win].final.Abs()) > 0:
				win = i
			}
		}
		if n == 0 {
			continue
		}
		if g.Pick == PickTop {
			members := make([]int, 0, n)
			for _, i := range e.groupMembers[gi] {
				if w.lines[i].holds {
					members = append(members, i)
				}
			}
			ranked, paid := e.pickTop(g, w, members)
			if !w.noTrace {
				amounts, dropped := make([]decimal.Decimal, len(ranked)), make([]bool, len(ranked))
				for k, i := range ranked {
					amounts[k], dropped[k] = w.lines[i].final, w.lines[i].dropped
				}
				w.add(e.groupSection(gi), stepRec{Kind: StepGroup, ref: g.ID, Index: gi, OK: paid > 0, origin: &g.Origin,
					words: func() string { return e.topWords(g, amounts, ranked, dropped) }})
			}
			continue
		}
		// The words show each member's amount as it stood at the pick (a
		// deal cap may cut a line later): one slice of them, only when the
		// deal is explained.
		var picks []groupMember
		if !w.noTrace {
			picks = w.groupPicks(n)
		}
		for _, i := range e.groupMembers[gi] {
			ln := &w.lines[i]
			if !ln.holds {
				continue
			}
			if picks != nil {
				picks = append(picks, groupMember{line: i, amount: ln.final})
			}
			if i != win {
				ln.dropped = true
			}
		}
		if !w.noTrace {
			d := e.newDetail(w, detailGroup)
			d.ci, d.line = int32(gi), int32(win)
			d.setPicks(picks)
			e.addDetail(w, e.groupSection(gi), StepGroup, g.ID, gi, &g.Origin, win >= 0, decimal.Decimal{}, d)
		}
	}
}

// spreadRounding rounds the paying lines so they add up to the rounded
// deal total r, by largest remainder (see largestRemainder).
// It reports whether any line changed.
func (e *Evaluator) spreadRounding(w *work, r decimal.Decimal) bool {
	var idx []int
	var parts []decimal.Decimal
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			idx = append(idx, i)
			parts = append(parts, ln.final)
		}
	}
	changed := false
	for k, v := range largestRemainder(parts, r, e.places) {
		changed = changed || !v.Equal(parts[k])
		w.lines[idx[k]].final = v
	}
	return changed
}

// paying adds up the lines that pay. The sum starts from the first line
// rather than from zero, which saves a rescaling allocation per deal.
func (e *Evaluator) paying(w *work) decimal.Decimal {
	var total decimal.Decimal
	first, n := true, 0
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			total, n = ln.final, n+1
		}
	}
	if n <= 1 {
		return total // the one line's amount itself, or zero
	}
	if sum, ok := w.da.sumLines(w.lines); ok {
		return sum // one decimal, not one per partial sum
	}
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			if first {
				total, first = ln.final, false
			} else {
				total = w.da.add(total, ln.final)
			}
		}
	}
	return total
}

// onGrid rounds d to places with mode, returning d itself when it already
// has exactly that many places (shopspring's rounding allocates a copy even
// then). Results keep the same representation either way.
func onGrid(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	return (*decArena)(nil).onGrid(d, places, mode)
}

// onGrid is onGrid making its result from ar (see decArena).
func (ar *decArena) onGrid(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	if d.Exponent() == -places {
		return d
	}
	return ar.round(d, places, mode)
}

// computedLimit evaluates the computed limit of line cap ci for line i:
// the formula's value rounded toward zero to the payout places. A value
// below zero fails the deal.
func (e *Evaluator) computedLimit(w *work, i, ci int) (decimal.Decimal, bool) {
	c := &e.p.Caps[ci]
	part := "earning " + quote(e.earn[i].e.ID) + " cap"
	v, err := value(c.LimitFormula, &w.scope)
	if err != nil {
		e.fail(w, part, c.Origin, err)
		return decimal.Decimal{}, false
	}
	if v.Sign() < 0 {
		e.fail(w, part, c.Origin, fmt.Errorf("%w: the computed line cap %s comes to %s, below zero", ErrInvalidAmount, formulaSource(c.LimitFormula), v))
		return decimal.Decimal{}, false
	}
	return Down.Round(v, e.places), true
}

// lineCapLimit is the limit a line cap's cut records: the cap's own Limit,
// or the computed limit of this deal.
func (e *Evaluator) lineCapLimit(c *Cap, limit decimal.Decimal) decimal.Decimal {
	if c.LimitFormula != nil {
		return limit
	}
	return c.Limit
}

// lineCapWords names a line cap's limit in an explanation: "3,000.00", or
// for a computed cap its formula and value, "deal.approved = 800.00".
func lineCapWords(c *Cap, limit decimal.Decimal, cur Currency) string {
	if c.LimitFormula == nil {
		return fmtAmount(c.Limit, cur)
	}
	return formulaSource(c.LimitFormula) + " = " + fmtAmount(limit, cur)
}

// formulaSource is a formula as written, when it can say.
func formulaSource(f Formula) string {
	if d, ok := f.(Describer); ok {
		return d.Source()
	}
	return "(computed)"
}
