package incentive

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// runningCaps applies the partner and budget caps to a deal whose terms
// amount is total, and counts what it pays under every one of them. It
// returns what the deal pays.
//
//   - A positive amount pays at most the room every cap has left (its limit
//     minus what it has paid, rounded toward zero to the payout grid except
//     at the statement stage), so no cap's paid total can pass its limit.
//   - A credit note (a negative deal amount) that names no deal and whose
//     terms come to a positive amount pays nothing.
//   - In a program that does not allow negative amounts, a deal whose
//     terms come to less than zero pays nothing.
//   - Otherwise a negative amount takes back at most what the partner has been paid,
//     net, in the program period, and what every partner cap of the
//     deal's periods and every budget cap has paid, so no paid total falls
//     below zero.
func (e *Evaluator) runningCaps(w *work, st *runState, ps *partnerState, total decimal.Decimal) decimal.Decimal {
	p := e.p
	cur := p.Currency
	terms := total
	// counts keeps the first caps' counts found for a positive amount, for
	// adding the deal to them below (the same periods: nothing in between
	// starts a new one).
	var counts [4]*runTotal
	switch total.Sign() {
	case 0:
	case 1:
		if w.scope.Amount.Sign() < 0 {
			from := total
			for i := range w.lines {
				if ln := &w.lines[i]; ln.holds && !ln.dropped {
					ln.final = decimal.Zero
				}
			}
			if !w.noTrace {
				w.add(secTail, stepRec{Kind: StepCap, Index: -1, amount: from, words: func() string {
					return "a credit note that names no deal pays nothing: its terms come to " + fmtAmount(from, cur) + " (" + fmtAmount(from, cur) + " -> 0.00)"
				}})
			}
			total, terms = decimal.Zero, decimal.Zero
			break
		}
		for k, ci := range e.runCaps {
			c := &p.Caps[ci]
			count := e.capCount(st, ps, ci, w.date)
			if k < len(counts) {
				counts[k] = count
			}
			if u, ok := count.fx(); ok {
				if covers, known := e.roomCoversFx(e.capLimit[ci], u, total); known && covers {
					continue // the cap does not bind (no room decimal needed)
				}
			}
			room := e.zeroRoom // a spent cap (most deals once a budget runs out)
			if !count.atLeast(e.capLimit[ci]) {
				room = e.roomLeft(ci, count.dec(nil))
			}
			if decCmp(total, room) <= 0 {
				continue
			}
			cut := runSub(w.da, total, room) // the deal's: its cuts and trace keep it
			if !w.noTrace {
				d := e.newDetail(w, detailRunningCap)
				d.ci = int32(ci)
				w.setAmounts(d, count.dec(w.da), total, room)
				e.addDetail(w, secTail, StepCap, capRef(ci), ci, &c.Origin, false, cut, d)
			}
			e.takeCut(w, ci, c, cut)
			total = room
		}
	default:
		if !p.AllowNegative {
			// Without credit notes a deal never pays less than zero.
			from := total
			for i := range w.lines {
				if ln := &w.lines[i]; ln.holds && !ln.dropped {
					ln.final = decimal.Zero
				}
			}
			if !w.noTrace {
				w.add(secTail, stepRec{Kind: StepCap, Index: -1, amount: from, words: func() string {
					return "a deal pays nothing below zero in a program without credit notes: its terms come to " + fmtAmount(from, cur) + " (" + fmtAmount(from, cur) + " -> 0.00)"
				}})
			}
			total, terms = decimal.Zero, decimal.Zero
			break
		}
		// What the partner has been paid net in the program period, what
		// each cap has paid, and what a partner cap's entitlement gives
		// back bound the takeback.
		// A credit note whose claim window is open takes nothing back of
		// what expired deals paid: that was never payable.
		pt0 := st.period(ps, 0, w.date)
		avail := e.room(pt0.earned)
		what := "what partner " + quote(w.partner) + " has been paid net in the period"
		if !w.res.Expired && pt0.expired.Sign() > 0 {
			// (An expired credit note may have taken the expired total
			// below zero, from a Prior total; that never adds room.)
			avail = e.room(pt0.earned.Sub(pt0.expired))
			what += " and can still claim"
		}
		for _, ci := range e.runCaps {
			if a := e.room(e.capCount(st, ps, ci, w.date).dec(nil)); a.Cmp(avail) < 0 {
				avail, what = a, "what the "+e.capName(ci)+" has paid net"
			}
			if p.Caps[ci].Scope != CapPartner {
				continue
			}
			pt := st.period(ps, e.capPeriod[ci], w.date)
			ent := pt.capPaid[ci].dec(nil).Add(pt.capOver[ci])
			limit := e.capLimit[ci]
			back := decimal.Min(limit, ent).Sub(decimal.Min(limit, ent.Add(total)))
			if a := e.room(back); a.Cmp(avail) < 0 {
				avail = a
				what = "what the " + e.capName(ci) + " gives back: the partner's entitlement under it falls from " + fmtAmount(ent, cur) + " to " + fmtAmount(ent.Add(total), cur)
			}
		}
		if total.Neg().Cmp(avail) > 0 {
			limited := avail.Neg()
			cut := total.Sub(limited) // negative
			if !w.noTrace {
				from := total
				w.add(secTail, stepRec{Kind: StepCap, Index: -1, amount: cut, words: func() string {
					return "a credit note that names no deal takes back at most " + fmtAmount(avail, cur) + " (" + fmtAmount(from, cur) + " -> " + fmtAmount(limited, cur) + "), " + what
				}})
			}
			e.takeCut(w, -1, nil, cut)
			total = limited
		}
	}
	if st.solo && st.deals == nil {
		// A single Evaluate: no later deal reads the counts.
		return total
	}
	if w.res.Expired && !p.Claims.ExpiredUsesCaps {
		// An expired earning is never payable, so it uses up no partner
		// cap and no budget: a late claim cannot reduce what timely
		// claims are paid (unless the program says otherwise). It still
		// shows what the caps would have let it pay.
		return total
	}
	// capOver bounds only the takebacks of credit notes, which need
	// negative amounts: a program without them never reads it.
	over := p.AllowNegative && !terms.Equal(total)
	for k, ci := range e.runCaps {
		var c *runTotal
		if k < len(counts) {
			c = counts[k]
		}
		if c == nil {
			c = e.capCount(st, ps, ci, w.date)
		}
		*c = c.plus(total)
		if over && p.Caps[ci].Scope == CapPartner {
			o := &st.period(ps, e.capPeriod[ci], w.date).capOver[ci]
			*o = runAdd(*o, runSub(nil, terms, total)) // (runAdd may keep it: no arena)
		}
	}
	return total
}

// roomLeft is what partner or budget cap ci lets a payment add to what it
// has paid (count): its limit less count, rounded toward zero to the
// payout grid (see room), and zero once the cap is spent. A deal's payout
// (runningCaps) and a settlement's true-up (capTrueUp) are bounded by it.
func (e *Evaluator) roomLeft(ci int, count decimal.Decimal) decimal.Decimal {
	if decCmp(count, e.capLimit[ci]) >= 0 {
		// (A spent cap, the common case once a budget runs out, has
		// no room: no need to compute how far below zero.)
		return e.zeroRoom
	}
	return e.room(decSub(e.capLimit[ci], count))
}

// runAdd is a.Add(b), with the same coefficient and exponent, without
// allocating when b is a zero that does not rescale a (a deal that a spent
// cap pays nothing adds nothing to the counts).
func runAdd(a, b decimal.Decimal) decimal.Decimal {
	if b.IsZero() && b.Exponent() >= a.Exponent() {
		return a
	}
	return decAdd(a, b)
}

// runSub is a.Sub(b), as runAdd, making a new result from ar (nil:
// decimal.New). Only a deal's own values (a cap's cut) come from the
// deal's arena; a value that may become a running total must not (see
// decArena).
func runSub(ar *decArena, a, b decimal.Decimal) decimal.Decimal {
	if b.IsZero() && b.Exponent() >= a.Exponent() {
		return a
	}
	return ar.sub(a, b)
}

// room is what a cap with amount left may still pay: never below zero,
// and rounded toward zero to the payout grid except at the statement stage
// (so a count or prior total finer than the grid cannot make a payout
// finer than it).
func (e *Evaluator) room(left decimal.Decimal) decimal.Decimal {
	if left.Sign() <= 0 {
		return e.zeroRoom
	}
	if e.stage != StageStatement {
		return onGrid(left, e.places, Down)
	}
	return left
}

// capCount returns what partner or budget cap ci has paid, for a deal of
// partner ps on date d.
func (e *Evaluator) capCount(st *runState, ps *partnerState, ci int, d Date) *runTotal {
	if e.p.Caps[ci].Scope == CapBudget {
		return &st.budgetPaid[ci]
	}
	return &st.period(ps, e.capPeriod[ci], d).capPaid[ci]
}

// capName names a partner or budget cap: "partner cap 100.00 per
// quarter", "program budget 150.00".
func (e *Evaluator) capName(ci int) string {
	c, cur := &e.p.Caps[ci], e.p.Currency
	if c.Scope == CapPartner {
		return "partner cap " + fmtAmount(c.Limit, cur) + " per " + string(e.periods[e.capPeriod[ci]])
	}
	return "program budget " + fmtAmount(c.Limit, cur)
}

// capWords names a partner or budget cap with what it had paid before.
func (e *Evaluator) capWords(ci int, before decimal.Decimal) string {
	word := " earned before)"
	if e.p.Caps[ci].Scope == CapBudget {
		word = " used before)"
	}
	return e.capName(ci) + " (" + fmtAmount(before, e.p.Currency) + word
}

func capRef(i int) string {
	if i >= 0 && i < len(capRefs) {
		return capRefs[i]
	}
	return "caps[" + itoa(i) + "]"
}

// capRefs are the first caps' refs, made once: a binding cap is recorded
// on many deals of a run.
var capRefs = func() (r [16]string) {
	for i := range r {
		r[i] = "caps[" + itoa(i) + "]"
	}
	return r
}()

// takeCut removes cut from the deal's lines, last line first. A negative
// cut (a limited takeback) raises negative lines toward zero, last line
// first. A nil c records no CapCut (the limit is not a cap).
func (e *Evaluator) takeCut(w *work, ci int, c *Cap, cut decimal.Decimal) {
	limit := decimal.Zero
	if c != nil {
		limit = c.Limit
	}
	e.takeCutAt(w, ci, c, limit, cut)
}

// takeCutAt is takeCut recording the cap's limit as given (a computed
// deal cap's).
func (e *Evaluator) takeCutAt(w *work, ci int, c *Cap, limit, cut decimal.Decimal) {
	sign := cut.Sign()
	// The lines' cuts share one allocation (a spent budget cuts every
	// paying line of most deals of a long run), or none when the run gave
	// room for them (w.cutSpare, see cutRoom). A line's cuts are a slice
	// of it capped at their length, so that appending to them copies.
	spare := w.cutSpare
	// The cut left is kept as an fx while it and the lines fit one (fast),
	// and made a decimal only when a line takes all that is left: a spent
	// budget's cut, which takes every paying line whole, then makes no
	// decimal for what is left after each line. cut is the cut left as a
	// decimal when current.
	left, fast := toFx(cut)
	current := true
	for i := len(w.lines) - 1; i >= 0; i-- {
		if fast && left.c == 0 || !fast && cut.IsZero() {
			break
		}
		ln := &w.lines[i]
		if !ln.holds || ln.dropped || ln.final.Sign() != sign {
			continue
		}
		var take decimal.Decimal
		whole, wholeE := false, int32(0) // the line is taken whole, at exponent wholeE
		if fast {
			// take is the smaller of the line and the cut left in size;
			// on a tie the line, as decimal.Min and Max give it.
			f, ok := toFx(ln.final)
			var order int
			if ok {
				order, ok = f.cmp(left)
			}
			var next fx
			if ok {
				if order*sign > 0 {
					f = left
				}
				next, ok = left.sub(f)
			}
			if !ok || order*sign > 0 {
				if !current {
					cut, _ = left.decIn(w.da) // left is nonzero
					current = true
				}
			}
			switch {
			case !ok:
				fast = false // on in shopspring from here
			case order*sign > 0:
				take = cut
				left, current = next, false
			default:
				take = ln.final
				left, current = next, false
				whole, wholeE = true, f.e
			}
		}
		if !fast {
			if sign > 0 {
				take = decimal.Min(ln.final, cut)
			} else {
				take = decimal.Max(ln.final, cut)
			}
			cut = w.da.sub(cut, take)
		}
		// (decSub gives shopspring's Sub exactly; a line or cut taken to
		// zero shares a zero instead of allocating one.)
		if whole && wholeE >= sumZeroMin && wholeE <= sumZeroMax {
			// The line less itself (a spent budget's cut, most of the
			// cuts of a long run): the zero decSub gives, without reading
			// the line again.
			ln.final = sumZeros[wholeE-sumZeroMin]
		} else {
			ln.final = w.da.sub(ln.final, take)
		}
		if c == nil {
			continue
		}
		cc := CapCut{Cap: ci, Scope: c.Scope, Limit: limit, Cut: take}
		n := len(ln.cuts) + 1
		// need is the room the line's cuts take: n, the line's earlier
		// cuts copied and the new one, or one when the earlier cuts lie
		// just above the room (this deal took them last from the same
		// room: a deal cap's cut, then the budget's on the same line),
		// which then grow down over it by one cut. Copied, the earlier
		// cuts were left in the room unused: 0.33 of the 2.28 cuts a deal
		// of the example took in a 100k batch without the trace.
		need := n
		if n > 1 && cutsAbove(spare, ln.cuts) {
			need = 1
		}
		if len(spare) < need {
			switch {
			case w.cutSlab != nil:
				// A run's slab (cutSlab.lend): a new one, the room left in
				// the old one (less than need) given up.
				spare, need = w.cutSlab.fresh(n), n
			case ln.cuts != nil:
				ln.cuts = append(ln.cuts, cc)
				continue
			case fast && left.c == 0 || !fast && cut.IsZero():
				// Room for this line and each line before it, unless
				// this line takes what is left of the cut: then for this
				// line alone. (A deal cap mostly cuts the last line only:
				// room for every line made the example's capped deals
				// room for four cuts, 224 bytes, of which they used one.)
				spare = make([]CapCut, 1)
			default:
				spare = make([]CapCut, i+1)
			}
		}
		k := len(spare) - need
		spare = spare[:k+n] // (over the line's earlier cuts when need is 1)
		if n > 1 {
			copy(spare[k:], ln.cuts)
		}
		// (Field by field: a CapCut assigned whole went through
		// runtime.wbMove, every pointer word of it through the write
		// barrier while the collector marked, 1.6% of a paired 1M run's
		// CPU samples without the trace, on the caller's goroutine.)
		to := &spare[k+n-1]
		to.Cap, to.Scope, to.Limit, to.Cut = cc.Cap, cc.Scope, cc.Limit, cc.Cut
		ln.cuts, spare = spare[k:k+n:k+n], spare[:k]
	}
	w.cutSpare = spare
}

// cutsAbove reports whether cuts, not empty, lie in room's memory just
// past its end (within its capacity): the last cuts taken from room.
func cutsAbove(room, cuts []CapCut) bool {
	k := len(room)
	return len(cuts) > 0 && k+len(cuts) <= cap(room) && &room[:k+1][k] == &cuts[0]
}

// addCut appends cc to the line's cuts (a line cap's). With EvaluateInto
// (w.bufs.own) the cuts are taken from the work's scratch room
// (w.cutSpare) as takeCutAt takes them, and finish copies them into the
// result's room; otherwise, and when the scratch is spent, appended.
func (w *work) addCut(ln *lineWork, cc CapCut) {
	if b := w.bufs; b != nil && b.own {
		if n := len(ln.cuts) + 1; len(w.cutSpare) >= n {
			spare := w.cutSpare
			k := len(spare) - n
			copy(spare[k:], ln.cuts)
			spare[k+n-1] = cc
			ln.cuts, w.cutSpare = spare[k:k+n:k+n], spare[:k]
			return
		}
	}
	ln.cuts = append(ln.cuts, cc)
}

// dealCapLimit computes deal cap ci's limit from its Formula, rounded
// toward zero to the payout grid and at least zero, and records the
// computation in the trace. A limit below zero fails the deal, except on a
// credit note naming no deal (the limit's size bounds its takeback) and on
// a credited deal re-evaluated at its net amount (the limit is zero). It
// reports false after failing the deal.
func (e *Evaluator) dealCapLimit(w *work, ci int) (decimal.Decimal, bool) {
	c := &e.p.Caps[ci]
	v, err := value(c.LimitFormula, &w.scope)
	if err != nil {
		e.fail(w, "deal cap "+capRef(ci), c.Origin, err)
		return decimal.Decimal{}, false
	}
	// On a credit note a limit below zero is not an error: the note's own
	// values (a margin of returned goods) come out negative as its amount
	// does.
	var why string
	lim := v
	switch {
	case v.Sign() >= 0:
	case w.scope.Amount.Sign() < 0:
		// A credit note that names no deal takes back at most what a deal
		// of its size could be paid: the limit's size, as for a fixed cap.
		lim, why = v.Abs(), "a credit note takes back at most the limit's size"
	case w.override:
		// A credited deal re-evaluated at its net amount: a limit below
		// zero pays it nothing, so what it was paid is taken back.
		lim, why = decimal.Zero, "at the credited deal's net amount a limit below zero pays nothing"
	default:
		e.fail(w, "deal cap "+capRef(ci), c.Origin, fmt.Errorf("%w: the computed deal cap %s comes to %s, below zero", ErrInvalidAmount, formulaSource(c.LimitFormula), v))
		return decimal.Decimal{}, false
	}
	lim = lim.RoundDown(e.places)
	if !w.noTrace {
		st := e.exprStep(w, StepFormula, capRef(ci), -1, c.LimitFormula, &c.Origin)
		st.OK, st.amount = true, lim
		st.inputs = w.ownInputs(st) // the words read them later
		src, inputs, cur := st.source, st.inputs, e.p.Currency
		st.words = func() string {
			s := "deal cap: " + src + " = " + fmtAmount(v, cur) + describeInputs(inputs, cur)
			switch {
			case why != "":
				s += ", limit " + fmtAmount(lim, cur) + " (" + why + ")"
			case !lim.Equal(v):
				s += ", limit " + fmtAmount(lim, cur) + " (rounded toward zero to the payout grid)"
			}
			return s
		}
		w.add(secTail, st)
	}
	return lim, true
}

// dealCapName describes a deal cap with its limit for the trace.
func (e *Evaluator) dealCapName(c *Cap, limit decimal.Decimal) string {
	cur := e.p.Currency
	if c.LimitFormula == nil {
		return "deal cap " + fmtAmount(c.Limit, cur)
	}
	src := ""
	if d, ok := c.LimitFormula.(Describer); ok {
		src = " (" + d.Source() + ")"
	}
	return "deal cap " + fmtAmount(limit, cur) + src
}
