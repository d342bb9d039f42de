package incentive

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// runState is the running state of an evaluation: per-partner totals, what
// each partner and budget cap has paid, and (for programs that allow credit
// notes) a record of every deal a later credit note may name. It is touched
// only by the ordered phase.
type runState struct {
	e        *Evaluator
	prior    func(string) Prior
	partners map[string]*partnerState
	// budgetPaid, per cap index, is what the program has paid under each
	// budget cap: BudgetUsed plus the payouts of the run, net of takebacks.
	budgetPaid []decimal.Decimal
	// deals, when the program allows negative amounts, remembers every
	// deal of the run by id (the latest one with that id), so a credit
	// note can take back from the deal it names. Nil otherwise.
	deals map[string]*dealRecord
}

type partnerState struct {
	prior      Prior
	periods    []*periodTotals // parallel to Evaluator.periods
	cumulative decimal.Decimal
	cumBasis   []decimal.Decimal // per earning
	cumStarted []bool
}

type periodTotals struct {
	key    Date
	amount decimal.Decimal
	deals  int64
	// earned is what the partner was paid in the period, net of
	// takebacks (the period.earned accumulator).
	earned decimal.Decimal
	// expired is the part of earned paid by results whose claim window had
	// closed as of the run: never payable, so no credit note that is not
	// itself expired takes it back.
	expired decimal.Decimal
	// capPaid, per cap index, is what the partner caps of this period kind
	// have paid: Prior.PeriodEarned plus the period's payouts, net of
	// takebacks. It never exceeds the cap's limit by the run's doing.
	capPaid []decimal.Decimal
	// capOver, per cap index, is how much the partner's entitlement under
	// a partner cap (the terms amounts of the period's deals before the
	// partner and budget caps cut them, from Prior.PeriodEarned) exceeds
	// what the cap has paid; it changes only when something is cut, and
	// bounds what an unlinked credit note takes back.
	capOver []decimal.Decimal
	basis   []decimal.Decimal // per earning
	started []bool
}

// dealRecord is what a run remembers of a deal for the credit notes that
// may name it later: about 1 KB (the record with a copy of the deal's
// Input, which shares the caller's slices and maps, its map entry, and 16
// bytes per earning and 8 per period kind), plus 40 bytes per earning when
// a band table reads running totals. An ineligible deal keeps only its
// partner id.
type dealRecord struct {
	in       Input
	partner  string
	eligible bool
	// net is the deal's amount in the program currency after the credit
	// notes linked to it so far; paid what it has paid after them, and
	// lines the same per earning.
	net, paid decimal.Decimal
	// terms is what the deal earns alone at its net amount (its terms
	// amount, before partner and budget caps).
	terms decimal.Decimal
	lines []decimal.Decimal
	// expired: the deal's claim window had closed as of the run, so what
	// it paid was never payable, and a credit note naming it counts with
	// it as expired.
	expired bool
	ps      *partnerState
	// periods are the partner's totals of the periods the deal closed in,
	// per period kind: its partner caps' counts and band bases live there.
	periods []*periodTotals
	snap    *dealSnap
}

// dealSnap is what a deal's terms read from the running totals when it
// closed, so that a credit note can re-evaluate the deal under the same
// terms.
type dealSnap struct {
	acc Accumulators
	// before and started are the band bases the deal's stateful tables
	// started from; measure what the deal added to them (per earning).
	before  []decimal.Decimal
	started []bool
	measure []decimal.Decimal
}

func newRunState(e *Evaluator, prior func(string) Prior, budgetUsed decimal.Decimal) *runState {
	if prior == nil {
		prior = func(string) Prior { return Prior{} }
	}
	st := &runState{e: e, prior: prior, partners: map[string]*partnerState{},
		budgetPaid: make([]decimal.Decimal, len(e.p.Caps))}
	for i := range st.budgetPaid {
		st.budgetPaid[i] = budgetUsed
	}
	if e.p.AllowNegative {
		st.deals = map[string]*dealRecord{}
	}
	return st
}

func (s *runState) partner(id string) *partnerState {
	ps := s.partners[id]
	if ps != nil {
		return ps
	}
	pr := s.prior(id)
	n := len(s.e.earn)
	ps = &partnerState{prior: pr, periods: make([]*periodTotals, len(s.e.periods)),
		cumulative: pr.Cumulative, cumBasis: make([]decimal.Decimal, n), cumStarted: make([]bool, n)}
	for i, ep := range s.e.earn {
		if t := ep.e.Bands; t != nil && t.Basis == BasisCumulative {
			ps.cumBasis[i] = priorBasis(pr, ep.e, pr.Cumulative)
			ps.cumStarted[i] = !ps.cumBasis[i].IsZero()
		}
	}
	s.partners[id] = ps
	return ps
}

func priorBasis(pr Prior, e *Earning, def decimal.Decimal) decimal.Decimal {
	if e.Bands.Measure == nil {
		return def
	}
	return pr.Basis[e.ID]
}

// period returns the partner's totals for period kind number k at date d,
// starting a new period (from zero) when d has moved past the current one.
// The first period a partner is seen in starts from the caller's Prior.
func (s *runState) period(ps *partnerState, k int, d Date) *periodTotals {
	key := periodStart(s.e.periods[k], d, s.e.p.Effective.From)
	pt := ps.periods[k]
	if pt != nil && pt.key == key {
		return pt
	}
	// Only the period kinds that band tables or partner caps use get their
	// slices, and those share one allocation.
	fresh := &periodTotals{key: key}
	n, nc := 0, 0
	if s.e.periodBasis[k] {
		n = len(s.e.earn)
		fresh.started = make([]bool, n)
	}
	if s.e.periodCaps[k] {
		nc = len(s.e.p.Caps)
	}
	if n+nc > 0 {
		all := make([]decimal.Decimal, n+2*nc)
		fresh.basis, fresh.capPaid, fresh.capOver = all[:n:n], all[n:n+nc:n+nc], all[n+nc:]
	}
	if pt == nil {
		pr := ps.prior
		fresh.amount, fresh.deals, fresh.earned = pr.PeriodAmount, pr.PeriodDeals, pr.PeriodEarned
		for i := range fresh.capPaid {
			fresh.capPaid[i] = pr.PeriodEarned
		}
		for i, ep := range s.e.earn {
			if t := ep.e.Bands; t != nil && t.Basis == BasisPeriod && ep.periodIdx == k {
				fresh.basis[i] = priorBasis(pr, ep.e, pr.PeriodAmount)
				fresh.started[i] = !fresh.basis[i].IsZero() || pr.PeriodDeals > 0
			}
		}
	}
	ps.periods[k] = fresh
	return fresh
}

// periodStart returns the first day of the period containing d.
func periodStart(per Period, d Date, programStart Date) Date {
	switch per {
	case PeriodMonth:
		return Date{d.Year, d.Month, 1}
	case PeriodQuarter:
		return Date{d.Year, time.Month((int(d.Month)-1)/3*3 + 1), 1}
	case PeriodYear:
		return Date{d.Year, time.January, 1}
	}
	return programStart
}

// phase2 finishes a deal in run order: clauses and formulas that read
// running totals, partner-period and cumulative bands, what depends on
// them, the deal cap and deal-stage rounding (which make the deal's terms
// amount), then the partner and budget caps, which pay what the caps have
// room for; then it adds the deal to the running totals.
//
// With w.snap set it only computes the deal's terms amount from the
// snapshot (st may be nil): a credit note re-evaluating its deal.
func (e *Evaluator) phase2(w *work, st *runState, asOf time.Time) {
	if w.closed {
		if w.snap == nil {
			if w.err == nil && st.deals != nil && w.credits == "" {
				st.deals[w.in.Deal.ID] = &dealRecord{partner: w.partner}
			}
			e.finish(w, asOf)
		}
		return
	}
	if w.credits != "" {
		e.credit(w, st, asOf)
		return
	}
	p := e.p
	cur := p.Currency
	snap := w.snap
	var ps *partnerState
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
		if snap == nil {
			if st.deals != nil && w.err == nil {
				st.deals[w.in.Deal.ID] = &dealRecord{partner: w.partner}
			}
			e.finish(w, asOf)
		}
		return
	}
	if w.payeeErr != nil {
		// Fail before anything is added to the running totals.
		e.fail(w, "payee", Origin{}, w.payeeErr)
		return
	}
	// A deal a credit note may name keeps what its terms read.
	var rec *dealSnap
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
			if snap == nil {
				e.finish(w, asOf)
			}
			return
		}
		if ln.holds && !ln.grossDone {
			in := bandInput{amount: ln.amount}
			switch {
			case snap != nil:
				in.before, in.started = snap.before[i], snap.started[i]
			case ep.e.Bands.Basis == BasisCumulative:
				in.before, in.started = ps.cumBasis[i], ps.cumStarted[i]
			default:
				tp := st.period(ps, ep.periodIdx, date)
				in.before, in.started = tp.basis[i], tp.started[i]
			}
			if rec != nil {
				rec.before[i], rec.started[i], rec.measure[i] = in.before, in.started, ln.measure
			}
			in.after = in.before.Add(ln.measure)
			v, hit := ep.table.apply(in)
			e.bandDone(w, i, in, v, hit)
		}
		e.settleLine(w, i)
	}
	e.pickGroups(w)

	total := e.paying(w)
	// The deal's terms: its deal caps, then deal-stage rounding. Limits are
	// on the payout grid (Validate), so rounding a capped total cannot
	// take it back over a deal cap.
	for _, ci := range e.dealCaps {
		c := &p.Caps[ci]
		limit := e.capLimit[ci]
		if total.Cmp(limit) <= 0 {
			continue
		}
		cut := total.Sub(limit)
		if !w.noTrace {
			from := total
			w.add(secTail, Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Amount: cut, Origin: &c.Origin,
				words: func() string {
					return "deal cap " + fmtAmount(c.Limit, cur) + " cut " + fmtAmount(cut, cur) + " (" + fmtAmount(from, cur) + " -> " + fmtAmount(limit, cur) + ")"
				}})
		}
		e.takeCut(w, ci, c, cut)
		total = limit
	}
	if w.scope.Amount.Sign() < 0 {
		// A credit note takes back at most what a deal of its size could
		// have been paid: the deal caps bound it from below too.
		for _, ci := range e.dealCaps {
			c := &p.Caps[ci]
			floor := e.capLimit[ci].Neg()
			if total.Cmp(floor) >= 0 {
				continue
			}
			cut := total.Sub(floor) // negative
			if !w.noTrace {
				from := total
				w.add(secTail, Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Amount: cut, Origin: &c.Origin,
					words: func() string {
						return "deal cap " + fmtAmount(c.Limit, cur) + " bounds the credit note's takeback (" + fmtAmount(from, cur) + " -> " + fmtAmount(floor, cur) + ")"
					}})
			}
			e.takeCut(w, ci, c, cut)
			total = floor
		}
	}
	if e.stage == StageDeal {
		// The lines are always spread, even when the total needs no
		// rounding (0.335 + 0.335 = 0.67), so they add up to it.
		r := onGrid(total, e.places, e.mode)
		if e.spreadRounding(w, r) || !r.Equal(total) {
			exact := total
			if !w.noTrace {
				w.add(secTail, Step{Kind: StepRounding, OK: true, Amount: r, words: func() string {
					return "deal total " + fmtNumber(exact) + " rounded " + string(e.mode) + " to " + fmtAmount(r, cur) + ", shared over the lines by largest remainder"
				}})
			}
		}
		total = r
	}
	if snap != nil {
		return
	}
	terms := total
	if p.Claims.Set() {
		// Whether the deal is expired bounds what a credit note takes back.
		e.claim(w, asOf)
	}
	total = e.runningCaps(w, st, ps, total)

	// Add the deal to the running totals. The program period's earned
	// total is kept when credit notes (which read it) are allowed or
	// period.earned is read; its amount, deal count and the cumulative
	// amount only for period.* and cumulative.* expressions; band tables
	// keep their own basis and partner caps their own count.
	if e.readsAcc || p.AllowNegative {
		tp := st.period(ps, 0, date)
		tp.earned = tp.earned.Add(total)
		if w.res.Expired {
			tp.expired = tp.expired.Add(total)
		}
	}
	if e.readsAcc {
		tp := st.period(ps, 0, date)
		tp.amount = tp.amount.Add(w.scope.Amount)
		tp.deals++
		ps.cumulative = ps.cumulative.Add(w.scope.Amount)
	}
	for i, ep := range e.earn {
		ln := &w.lines[i]
		if !ep.stateful || !ln.holds {
			continue
		}
		if ep.e.Bands.Basis == BasisCumulative {
			ps.cumBasis[i] = ps.cumBasis[i].Add(ln.measure)
			ps.cumStarted[i] = true
		} else {
			tp := st.period(ps, ep.periodIdx, date)
			tp.basis[i] = tp.basis[i].Add(ln.measure)
			tp.started[i] = true
		}
	}
	e.finish(w, asOf)
	if rec != nil {
		e.remember(w, st, ps, rec, terms, total)
	}
}

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
				w.add(secTail, Step{Kind: StepCap, Index: -1, Amount: from, words: func() string {
					return "a credit note that names no deal pays nothing: its terms come to " + fmtAmount(from, cur) + " (" + fmtAmount(from, cur) + " -> 0.00)"
				}})
			}
			total, terms = decimal.Zero, decimal.Zero
			break
		}
		for _, ci := range e.runCaps {
			c := &p.Caps[ci]
			count := e.capCount(st, ps, ci, w.date)
			room := e.room(e.capLimit[ci].Sub(*count))
			if total.Cmp(room) <= 0 {
				continue
			}
			cut := total.Sub(room)
			if !w.noTrace {
				from, before, to := total, *count, room
				w.add(secTail, Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Amount: cut, Origin: &c.Origin,
					words: func() string {
						return e.capWords(ci, before) + " cut " + fmtAmount(cut, cur) + " (" + fmtAmount(from, cur) + " -> " + fmtAmount(to, cur) + ")"
					}})
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
				w.add(secTail, Step{Kind: StepCap, Index: -1, Amount: from, words: func() string {
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
			if a := e.room(*e.capCount(st, ps, ci, w.date)); a.Cmp(avail) < 0 {
				avail, what = a, "what the "+e.capName(ci)+" has paid net"
			}
			if p.Caps[ci].Scope != CapPartner {
				continue
			}
			pt := st.period(ps, e.capPeriod[ci], w.date)
			ent := pt.capPaid[ci].Add(pt.capOver[ci])
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
				w.add(secTail, Step{Kind: StepCap, Index: -1, Amount: cut, words: func() string {
					return "a credit note that names no deal takes back at most " + fmtAmount(avail, cur) + " (" + fmtAmount(from, cur) + " -> " + fmtAmount(limited, cur) + "), " + what
				}})
			}
			e.takeCut(w, -1, nil, cut)
			total = limited
		}
	}
	over := !terms.Equal(total)
	for _, ci := range e.runCaps {
		c := e.capCount(st, ps, ci, w.date)
		*c = c.Add(total)
		if over && p.Caps[ci].Scope == CapPartner {
			o := &st.period(ps, e.capPeriod[ci], w.date).capOver[ci]
			*o = o.Add(terms.Sub(total))
		}
	}
	return total
}

// room is what a cap with amount left may still pay: never below zero,
// and rounded toward zero to the payout grid except at the statement stage
// (so a count or prior total finer than the grid cannot make a payout
// finer than it).
func (e *Evaluator) room(left decimal.Decimal) decimal.Decimal {
	if left.Sign() <= 0 {
		return decimal.New(0, -e.places)
	}
	if e.stage != StageStatement {
		return onGrid(left, e.places, Down)
	}
	return left
}

// capCount returns what partner or budget cap ci has paid, for a deal of
// partner ps on date d.
func (e *Evaluator) capCount(st *runState, ps *partnerState, ci int, d Date) *decimal.Decimal {
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

// remember records a deal that paid total, for the credit notes that may
// name it.
func (e *Evaluator) remember(w *work, st *runState, ps *partnerState, snap *dealSnap, terms, total decimal.Decimal) {
	rec := &dealRecord{in: *w.in, partner: w.partner, eligible: true, net: w.scope.Amount, paid: total, terms: terms, ps: ps, snap: snap, expired: w.res.Expired,
		lines: make([]decimal.Decimal, len(e.earn)), periods: make([]*periodTotals, len(e.periods))}
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			rec.lines[i] = ln.final
		}
	}
	for k := range e.periods {
		rec.periods[k] = st.period(ps, k, w.date)
	}
	st.deals[w.in.Deal.ID] = rec
}

// credit finishes a credit note that names the deal it credits: the deal
// is evaluated again, under the terms it closed under, at its net amount
// after the credit; what it was paid above what that earns is taken back,
// never more than it was paid.
func (e *Evaluator) credit(w *work, st *runState, asOf time.Time) {
	cur := e.p.Currency
	id := w.credits
	rec := st.deals[id]
	switch {
	case rec == nil:
		e.fail(w, "credit", Origin{}, fmt.Errorf("%w: the credit note credits deal %q, which this run has not seen; a credit note must follow the deal it credits in the same run", ErrUnknownDeal, id))
		return
	case rec.partner != w.partner:
		e.fail(w, "credit", Origin{}, fmt.Errorf("%w: the credit note is for partner %q but deal %q is partner %q's", ErrInvalidDeal, w.partner, id, rec.partner))
		return
	}
	w.res.Credits = id
	w.creditsExpired = rec.expired
	if !rec.eligible {
		w.res.Failed = "credited deal " + quote(id) + " not eligible"
		e.finish(w, asOf)
		return
	}
	net := rec.net.Add(w.scope.Amount)
	if net.Sign() < 0 {
		e.fail(w, "credit", Origin{}, fmt.Errorf("%w: the credit note of %s takes deal %q below zero: %s is left of its amount", ErrInvalidDeal, fmtAmount(w.scope.Amount, cur), id, fmtAmount(rec.net, cur)))
		return
	}
	// What the deal earns alone at its net amount. A deal credited in
	// full earns nothing.
	earns := decimal.Zero
	var alone *work
	if net.Sign() > 0 {
		alone = &work{noTrace: true, snap: rec.snap, override: true, netAmount: net}
		e.phase1(alone, &rec.in, nil)
		e.phase2(alone, nil, time.Time{})
		if alone.err != nil {
			e.fail(w, "credit", Origin{}, fmt.Errorf("evaluating deal %q at its net amount %s: %w", id, fmtAmount(net, cur), alone.err))
			return
		}
		if !alone.closed {
			earns = e.paying(alone)
		}
	}
	back := rec.paid.Sub(decimal.Max(earns, decimal.Zero))
	if back.Sign() < 0 {
		back = decimal.Zero
	}
	// An unlinked credit note may already have taken part of it back from
	// the partner: never take the partner's net payout in the deal's
	// period, or any of the deal's caps' counts, below zero.
	limit := rec.periods[0].earned
	if !rec.expired && rec.periods[0].expired.Sign() > 0 {
		limit = limit.Sub(rec.periods[0].expired)
	}
	for _, ci := range e.runCaps {
		if e.p.Caps[ci].Scope == CapBudget {
			limit = decimal.Min(limit, st.budgetPaid[ci])
		} else {
			limit = decimal.Min(limit, rec.periods[e.capPeriod[ci]].capPaid[ci])
		}
	}
	// The deal gives up back in full (what an unlinked credit note took
	// counts as taken from it); the credit note takes what is left.
	full := back
	limited := back.Cmp(limit) > 0
	if limited {
		back = decimal.Max(limit, decimal.Zero)
	}
	// Take back from the deal's lines, last paying line first.
	w.lines = make([]lineWork, len(e.earn))
	left, show := full, back
	for i := len(rec.lines) - 1; i >= 0 && left.Sign() > 0; i-- {
		if rec.lines[i].Sign() <= 0 {
			continue
		}
		take := decimal.Min(rec.lines[i], left)
		left = left.Sub(take)
		rec.lines[i] = rec.lines[i].Sub(take)
		if shown := decimal.Min(take, show); shown.Sign() > 0 {
			show = show.Sub(shown)
			ln := &w.lines[i]
			ln.whenDone, ln.holds, ln.grossDone, ln.settled = true, true, true, true
			ln.gross, ln.final = shown.Neg(), shown.Neg()
		}
	}
	if !w.noTrace {
		amount, before, paid := w.scope.Amount, rec.net, rec.paid
		w.add(secHead, Step{Kind: StepCredit, Ref: id, OK: true, Amount: back.Neg(), words: func() string {
			s := "credit note of " + fmtAmount(amount, cur) + " credits deal " + quote(id) + ": its net amount " +
				fmtAmount(before, cur) + " -> " + fmtAmount(net, cur) + " earns " + fmtAmount(earns, cur) +
				" under the deal's terms; the deal was paid " + fmtAmount(paid, cur) + ", so "
			if limited {
				return s + fmtAmount(full, cur) + " is due back: " + fmtAmount(back, cur) + " is taken back now, and " +
					fmtAmount(full.Sub(back), cur) + " was taken back from the partner earlier by a credit note that named no deal"
			}
			return s + fmtAmount(back, cur) + " is taken back"
		}})
	}
	// The deal's caps and periods give back what is taken back, and its
	// band bases and period amount lose the credited amount.
	unearned := rec.terms.Sub(earns)
	rec.paid, rec.net, rec.terms = rec.paid.Sub(full), net, earns
	for _, ci := range e.runCaps {
		if e.p.Caps[ci].Scope == CapBudget {
			st.budgetPaid[ci] = st.budgetPaid[ci].Sub(back)
			continue
		}
		pt := rec.periods[e.capPeriod[ci]]
		pt.capPaid[ci] = pt.capPaid[ci].Sub(back)
		pt.capOver[ci] = pt.capOver[ci].Add(back).Sub(unearned)
	}
	tp := rec.periods[0]
	tp.earned = tp.earned.Sub(back)
	if rec.expired {
		tp.expired = tp.expired.Sub(back)
	}
	if e.readsAcc {
		tp.amount = tp.amount.Add(w.scope.Amount)
		rec.ps.cumulative = rec.ps.cumulative.Add(w.scope.Amount)
	}
	if snap := rec.snap; snap.measure != nil {
		for i, ep := range e.earn {
			if !ep.stateful {
				continue
			}
			m := decimal.Zero
			if alone != nil && !alone.closed && alone.lines[i].holds {
				m = alone.lines[i].measure
			}
			delta := m.Sub(snap.measure[i])
			snap.measure[i] = m
			if ep.e.Bands.Basis == BasisCumulative {
				rec.ps.cumBasis[i] = rec.ps.cumBasis[i].Add(delta)
			} else {
				pt := rec.periods[ep.periodIdx]
				pt.basis[i] = pt.basis[i].Add(delta)
			}
		}
	}
	e.finish(w, asOf)
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
	for _, ci := range e.earn[i].lineCaps {
		c := &e.p.Caps[ci]
		limit := e.capLimit[ci]
		if ln.final.Cmp(limit) <= 0 {
			continue
		}
		cut := ln.final.Sub(limit)
		ln.cuts = append(ln.cuts, CapCut{Cap: ci, Scope: CapLine, Limit: c.Limit, Cut: cut})
		id, before := e.earn[i].e.ID, ln.final
		if !w.noTrace {
			w.add(secLines+int32(i), Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Amount: cut, Origin: &c.Origin,
				words: func() string {
					return "earning " + quote(id) + ": line cap " + fmtAmount(c.Limit, cur) + " cut " + fmtAmount(cut, cur) +
						" (" + fmtAmount(before, cur) + " -> " + fmtAmount(c.Limit, cur) + ")"
				}})
		}
		ln.final = limit
	}
	if w.scope.Amount.Sign() < 0 {
		// A credit note's line takes back at most what the line could have
		// paid a deal of its size: the line caps bound it from below too.
		for _, ci := range e.earn[i].lineCaps {
			c := &e.p.Caps[ci]
			floor := e.capLimit[ci].Neg()
			if ln.final.Cmp(floor) >= 0 {
				continue
			}
			cut := ln.final.Sub(floor) // negative
			ln.cuts = append(ln.cuts, CapCut{Cap: ci, Scope: CapLine, Limit: c.Limit, Cut: cut})
			id, before := e.earn[i].e.ID, ln.final
			if !w.noTrace {
				w.add(secLines+int32(i), Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Amount: cut, Origin: &c.Origin,
					words: func() string {
						return "earning " + quote(id) + ": line cap " + fmtAmount(c.Limit, cur) + " bounds the credit note's takeback (" +
							fmtAmount(before, cur) + " -> " + fmtAmount(floor, cur) + ")"
					}})
			}
			ln.final = floor
		}
	}
	if e.stage == StageLine {
		r := onGrid(ln.final, e.places, e.mode)
		if !r.Equal(ln.final) {
			id, exact, mode := e.earn[i].e.ID, ln.final, e.mode
			if !w.noTrace {
				w.add(secLines+int32(i), Step{Kind: StepRounding, Ref: id, Index: i, OK: true, Amount: r,
					words: func() string {
						return "earning " + quote(id) + ": " + fmtNumber(exact) + " rounded " + string(mode) + " to " + fmtAmount(r, cur)
					}})
			}
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
		win := -1
		var members []int
		for _, i := range e.groupMembers[gi] {
			ln := &w.lines[i]
			if !ln.holds {
				continue
			}
			members = append(members, i)
			switch {
			case win < 0 && (g.Pick == PickHighest || !ln.final.IsZero()):
				win = i
			case g.Pick == PickHighest && ln.final.Abs().Cmp(w.lines[win].final.Abs()) > 0:
				win = i
			}
		}
		if len(members) == 0 {
			continue
		}
		amounts := make([]decimal.Decimal, len(members))
		for k, i := range members {
			amounts[k] = w.lines[i].final
			if i != win {
				w.lines[i].dropped = true
			}
		}
		if !w.noTrace {
			w.add(e.groupSection(gi), Step{Kind: StepGroup, Ref: g.ID, Index: gi, OK: win >= 0, Origin: &g.Origin,
				words: func() string { return e.groupWords(g, members, amounts, win) }})
		}
	}
}

func capRef(i int) string { return "caps[" + itoa(i) + "]" }

// takeCut removes cut from the deal's lines, last line first. A negative
// cut (a limited takeback) raises negative lines toward zero, last line
// first. A nil c records no CapCut (the limit is not a cap).
func (e *Evaluator) takeCut(w *work, ci int, c *Cap, cut decimal.Decimal) {
	sign := cut.Sign()
	for i := len(w.lines) - 1; i >= 0 && !cut.IsZero(); i-- {
		ln := &w.lines[i]
		if !ln.holds || ln.dropped || ln.final.Sign() != sign {
			continue
		}
		var take decimal.Decimal
		if sign > 0 {
			take = decimal.Min(ln.final, cut)
		} else {
			take = decimal.Max(ln.final, cut)
		}
		ln.final = ln.final.Sub(take)
		cut = cut.Sub(take)
		if c != nil {
			ln.cuts = append(ln.cuts, CapCut{Cap: ci, Scope: c.Scope, Limit: c.Limit, Cut: take})
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

// finish turns the work into the result: the paying lines, the total and
// the trace, sorted into explanation order.
func (e *Evaluator) finish(w *work, asOf time.Time) {
	res := w.res
	if w.err != nil {
		return
	}
	res.Eligible = res.Failed == ""
	if !res.Eligible {
		// An ineligible deal is explained by its window and clauses only.
		sortSteps(w.trace)
		n := 0
		for n < len(w.trace) && w.trace[n].section == secHead {
			n++
		}
		res.Trace = w.trace[:n:n]
		return
	}
	cur := e.p.Currency
	paying := 0
	for i := range w.lines {
		if w.lines[i].holds && !w.lines[i].dropped {
			paying++
		}
	}
	res.Lines = make([]Line, 0, paying)
	for i := range w.lines {
		ln := &w.lines[i]
		if !ln.holds || ln.dropped {
			continue
		}
		en := e.earn[i].e
		res.Lines = append(res.Lines, Line{Earning: en.ID, Type: en.Type, Group: en.Group,
			Gross: Money{ln.gross, cur}, Amount: Money{ln.final, cur}, Band: ln.band, Cuts: ln.cuts})
	}
	total := e.paying(w)
	res.Total = Money{total, cur}
	if e.p.Claims.Set() {
		e.claim(w, asOf)
	}
	if w.noTrace {
		return
	}
	w.add(secFinal, Step{Kind: StepRounding, OK: true, words: e.roundingWords})
	if e.p.Claims.Set() {
		w.add(secFinal, e.claimStep(w))
	}
	payee, name := res.Payee, res.PayeeName
	w.add(secFinal, Step{Kind: StepTotal, OK: true, Amount: total, words: func() string {
		if name != "" {
			payee += " (" + name + ")"
		}
		return "total " + fmtAmount(total, cur) + " " + string(cur) + " to " + payee
	}})
	sortSteps(w.trace)
	res.Trace = w.trace
}

// sortSteps puts a deal's steps in explanation order, keeping the order in
// which steps of one section were recorded. The steps arrive nearly sorted,
// so an insertion sort is both stable and cheap.
func sortSteps(steps []Step) {
	for i := 1; i < len(steps); i++ {
		for j := i; j > 0 && steps[j].section < steps[j-1].section; j-- {
			steps[j], steps[j-1] = steps[j-1], steps[j]
		}
	}
}

// exprStep starts a trace step for a condition or formula, recording its
// source and the values it read (formatted only when words are asked for).
func (e *Evaluator) exprStep(w *work, kind StepKind, ref string, idx int, x any, o *Origin) Step {
	if w.noTrace {
		return Step{}
	}
	st := Step{Kind: kind, Ref: ref, Index: idx, Origin: o, prog: e.p}
	if d, ok := x.(Describer); ok {
		st.Source = d.Source()
		reads := d.Reads()
		if len(reads) > 0 {
			st.Inputs = make([]Observed, 0, len(reads))
		}
		for _, path := range reads {
			if v, ok := w.scope.Lookup(path); ok {
				st.Inputs = append(st.Inputs, Observed{Path: path, Value: v})
			}
		}
	}
	return st
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
		if d, isDec := in.Value.(decimal.Decimal); isDec && moneyPath(in.Path) {
			val = fmtAmount(d, cur)
		}
		b.WriteString(in.Path + " = " + val)
	}
	b.WriteString(")")
	return b.String()
}

// groupWords describes a group's pick.
func (e *Evaluator) groupWords(g *Group, members []int, amounts []decimal.Decimal, win int) string {
	parts := make([]string, len(members))
	for k, i := range members {
		parts[k] = quote(e.earn[i].e.ID) + " " + fmtAmount(amounts[k], e.p.Currency)
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

// paying adds up the lines that pay. The sum starts from the first line
// rather than from zero, which saves a rescaling allocation per deal.
func (e *Evaluator) paying(w *work) decimal.Decimal {
	var total decimal.Decimal
	first := true
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			if first {
				total, first = ln.final, false
			} else {
				total = total.Add(ln.final)
			}
		}
	}
	return total
}

// onGrid rounds d to places with mode, returning d itself when it already
// has exactly that many places (shopspring's rounding allocates a copy even
// then). Results keep the same representation either way.
func onGrid(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	if d.Exponent() == -places {
		return d
	}
	return mode.Round(d, places)
}
