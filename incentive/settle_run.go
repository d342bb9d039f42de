package incentive

import (
	"fmt"
	"sort"
	"sync"

	"github.com/shopspring/decimal"
)

// settleLive is what a SettlementBuilder attached to a run
// (RunOptions.Settlements) keeps of it: the run's state, whose partner cap
// and budget counts bound the true-ups and count them, and the earliest
// end of a period not settled yet.
type settleLive struct {
	// mu serialises bound: reading the run's counts for a partner the run
	// never met (one carried in) adds its state, from its Prior, to the
	// run's, so two Settle calls at once after the run would race.
	mu sync.Mutex
	// e is the run's evaluator: the cap indices and periods of st are
	// its own.
	e  *Evaluator
	st *runState
	// prior and budgetUsed start a state for a run that met no deal.
	prior      func(string) Prior
	budgetUsed decimal.Decimal
	// marks[settlement][partner] is where settle resumes a partner the
	// run settled before.
	marks []map[string]*settleMark
	// next is the earliest last day of a period with deals that the run
	// has not settled; zero when there is none. A period ending after
	// limit (RunOptions.AsOf's day; zero: none) is not settled in the run.
	next, limit Date
}

// settleMark is a partner's settlement state after the last period the
// run settled (starting at last): the carry and the year to date.
type settleMark struct {
	set                  bool
	last                 Date
	year                 int
	carry, ytd, credited decimal.Decimal
}

// mark returns the mark of settlement i and a partner.
func (lv *settleLive) mark(i int, partnerID string) *settleMark {
	m := lv.marks[i][partnerID]
	if m == nil {
		m = &settleMark{}
		lv.marks[i][partnerID] = m
	}
	return m
}

// attach attaches the builder to a run of evaluator e. A builder of
// another program, a zero-value one, or one attached to a run before is
// refused (ErrInvalidOptions, ErrNoEvaluator).
func (b *SettlementBuilder) attach(e *Evaluator, opts *RunOptions) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (RunOptions.Settlements is a zero-value SettlementBuilder)", ErrNoEvaluator)
	}
	if b.e.ref != e.ref {
		return fmt.Errorf("%w: RunOptions.Settlements settles %s v%d, the run evaluates %s v%d", ErrInvalidOptions, b.e.p.ID, b.e.p.Version, e.p.ID, e.p.Version)
	}
	if b.live != nil {
		return fmt.Errorf("%w: RunOptions.Settlements is attached to a run already; start a new SettlementBuilder (CarryIn its Carries) for another run", ErrInvalidOptions)
	}
	if b.last != (Date{}) {
		return fmt.Errorf("%w: RunOptions.Settlements was given results by hand (Add) already; attach a new SettlementBuilder, the run adds its results itself", ErrInvalidOptions)
	}
	b.live = &settleLive{e: e, prior: opts.Prior, budgetUsed: opts.BudgetUsed}
	b.live.marks = make([]map[string]*settleMark, len(b.e.p.Settlements))
	for i := range b.live.marks {
		b.live.marks[i] = map[string]*settleMark{}
	}
	if !opts.AsOf.IsZero() {
		b.live.limit = DateOf(opts.AsOf.In(e.p.Effective.Loc()))
	}
	for i := range b.acc {
		for _, parts := range b.acc[i] {
			for k := range parts {
				b.pending(i, k)
			}
		}
	}
	return nil
}

// pending notes that settlement i has a period starting at k to settle.
func (b *SettlementBuilder) pending(i int, k Date) {
	if b.live == nil {
		return
	}
	end := periodEnd(b.e.p.Settlements[i].Period, k)
	if lv := b.live; !lv.limit.IsZero() && end.After(lv.limit) {
		// Not ended as of the run's date: settled by Settle, if ever.
		return
	}
	if b.live.next.IsZero() || end.Before(b.live.next) {
		b.live.next = end
	}
}

// inOrderSettling is inOrder for a run with RunOptions.Settlements: it
// first settles every period that ended before the deal's day against
// the run's cap counts (so the deal sees what the true-ups paid), refuses
// a deal in a period a carried settlement settled, and then adds the
// deal's result to the builder.
func (e *Evaluator) inOrderSettling(w *work, st *runState, opts *RunOptions) {
	b := opts.Settlements
	if b == nil || len(e.p.Settlements) == 0 {
		e.inOrder(w, st, opts.AsOf)
		return
	}
	lv := b.live
	lv.st = st
	if !w.date.IsZero() && !lv.next.IsZero() && w.date.After(lv.next) {
		at := w.date.AddDays(-1)
		if !lv.limit.IsZero() && lv.limit.Before(at) {
			at = lv.limit
		}
		b.settleLive(at)
	}
	if !w.closed && !w.date.IsZero() && b.carry != nil {
		for i := range e.p.Settlements {
			if err := b.settledBy(i, w.partner, w.in.Deal.ID, w.date); err != nil {
				e.fail(w, "settlement", e.p.Settlements[i].Origin, err)
				break
			}
		}
	}
	e.inOrder(w, st, opts.AsOf)
	if w.date.After(b.last) {
		// Last covers every deal the run met: an ineligible one after a
		// period's end has settled that period above.
		b.last = w.date
	}
	if w.err == nil && w.res != nil {
		if err := b.add(w.res); err != nil {
			w.err, w.res = err, nil
		}
	}
}

// settleLive settles, against the run's live counts, every period that
// ended on or before at and was not settled yet, and counts what they pay.
func (b *SettlementBuilder) settleLive(at Date) {
	lines, _, refs := b.settle(at, true)
	b.bound(lines, refs, true)
	b.live.next = Date{}
	for i := range b.acc {
		for _, parts := range b.acc[i] {
			for k, a := range parts {
				if !a.sealed {
					b.pending(i, k)
				}
			}
		}
	}
}

// bound applies the per_partner and budget caps to the settled lines of
// an attached builder: a line the run settled keeps its recorded cuts;
// the others are bounded by the run's counts, in order of period end,
// then the order of the lines (settlement, partner). With commit the
// counts are the run's live ones and take what the lines pay, and the
// lines are sealed; otherwise they are read as the run left them, and
// what each line pays is counted only for the lines after it, in the
// counts it returns (what those lines paid under each cap, beyond the
// run's counts; nil when no line was bounded).
func (b *SettlementBuilder) bound(lines []SettlementLine, refs []*settleAcc, commit bool) map[overKey]decimal.Decimal {
	if b == nil || b.live == nil {
		return nil
	}
	var todo []int
	for k := range lines {
		ln, a := &lines[k], refs[k]
		switch {
		case !ln.Settled:
			// (Settle as of a day before the period's end, which the run
			// settled: it shows the period open, as it was that day.)
		case a.sealed:
			b.applyCuts(ln, a.cuts)
		default:
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sort.SliceStable(todo, func(x, y int) bool { return lines[todo[x]].To.Before(lines[todo[y]].To) })
	lv := b.live
	lv.mu.Lock()
	defer lv.mu.Unlock()
	st := lv.st
	if st == nil {
		// The run met no deal: its counts are where it started.
		st = newRunState(lv.e, lv.prior, lv.budgetUsed)
		if commit {
			lv.st = st
		}
	}
	ov := map[overKey]decimal.Decimal{}
	for _, k := range todo {
		ln := &lines[k]
		var cuts []CapCut
		if ln.Payable.amount.Sign() > 0 {
			cuts = b.capTrueUp(st, ln, ov, commit)
		}
		b.applyCuts(ln, cuts)
		if commit {
			refs[k].sealed, refs[k].cuts = true, cuts
		}
	}
	return ov
}

// applyCuts takes the caps' cuts from a line's payable true-up.
func (b *SettlementBuilder) applyCuts(ln *SettlementLine, cuts []CapCut) {
	if len(cuts) == 0 {
		return
	}
	capped := decimal.Zero
	for _, c := range cuts {
		capped = capped.Add(c.Cut)
	}
	ln.Cuts = cuts
	ln.Capped = Money{capped, ln.Payable.currency}
	ln.Payable = Money{ln.Payable.amount.Sub(capped), ln.Payable.currency}
}

// overKey names a cap count that an earlier true-up of the same Settle
// call paid into (partner "" for a budget).
type overKey struct {
	ci      int
	partner string
	from    Date
}

// capTrueUp bounds a positive true-up by the room every partner and budget
// cap has left, as runningCaps does for a deal's positive payout, and
// counts what it pays: in the run's state with commit, else in ov. It
// returns the cuts.
func (b *SettlementBuilder) capTrueUp(st *runState, ln *SettlementLine, ov map[overKey]decimal.Decimal, commit bool) []CapCut {
	e := b.live.e
	terms := ln.Payable.amount
	pay := terms
	var cuts []CapCut
	keys := make([]overKey, len(e.runCaps))
	counts := make([]decimal.Decimal, len(e.runCaps))
	for n, ci := range e.runCaps {
		c := &e.p.Caps[ci]
		if c.Scope == CapBudget {
			keys[n] = overKey{ci: ci}
			counts[n] = st.budgetPaid[ci].dec(nil)
		} else {
			keys[n] = overKey{ci: ci, partner: ln.PartnerID, from: periodStart(e.periods[e.capPeriod[ci]], ln.To, e.p.Effective.From)}
			counts[n] = b.peekCap(st, ci, ln.PartnerID, ln.To)
		}
		counts[n] = counts[n].Add(ov[keys[n]])
		room := e.roomLeft(ci, counts[n])
		if pay.Cmp(room) <= 0 {
			continue
		}
		cuts = append(cuts, CapCut{Cap: ci, Scope: c.Scope, Limit: c.Limit, Cut: pay.Sub(room)})
		pay = room
	}
	for n, ci := range e.runCaps {
		if !commit {
			ov[keys[n]] = ov[keys[n]].Add(pay)
			continue
		}
		if e.p.Caps[ci].Scope == CapBudget {
			st.budgetPaid[ci] = st.budgetPaid[ci].plus(pay)
			continue
		}
		pt := st.period(st.partner(ln.PartnerID), e.capPeriod[ci], ln.To)
		pt.capPaid[ci] = pt.capPaid[ci].plus(pay)
		if !pay.Equal(terms) {
			pt.capOver[ci] = pt.capOver[ci].Add(terms.Sub(pay))
		}
	}
	return cuts
}

// peekCap returns what partner cap ci of a partner has paid in the cap
// period containing d, as runState.period would count it, without
// changing any count. (A partner the run never met gets its state from
// its Prior, once, as in the run.)
func (b *SettlementBuilder) peekCap(st *runState, ci int, partnerID string, d Date) decimal.Decimal {
	e := b.live.e
	k := e.capPeriod[ci]
	ps := st.partner(partnerID)
	if pt := ps.periods[k]; pt != nil {
		if pt.key == periodStart(e.periods[k], d, e.p.Effective.From) {
			return pt.capPaid[ci].dec(nil)
		}
		// A later period starts from zero. (A period the partner's
		// deals have moved past is never settled here: only a period
		// ending after the run's last deal, or ended as of
		// RunOptions.AsOf and so settled in the run, is.)
		return decimal.Zero
	}
	if u, ok := ps.prior.CapUsed[ci]; ok {
		return u
	}
	return ps.prior.PeriodEarned
}
