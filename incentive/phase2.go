package incentive

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// runState is the running state of an evaluation: per-partner totals and
// the budget used. It is touched only by the ordered phase.
type runState struct {
	e        *Evaluator
	prior    func(string) Prior
	partners map[string]*partnerState
	// budgetEntitled, per cap index, adds up what reached each budget cap.
	budgetEntitled []decimal.Decimal
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
	earned decimal.Decimal
	// entitled, per cap index, adds up what reached each partner cap of
	// this period kind before the cap cut it.
	entitled []decimal.Decimal
	basis    []decimal.Decimal // per earning
	started  []bool
}

func newRunState(e *Evaluator, prior func(string) Prior, budgetUsed decimal.Decimal) *runState {
	if prior == nil {
		prior = func(string) Prior { return Prior{} }
	}
	st := &runState{e: e, prior: prior, partners: map[string]*partnerState{},
		budgetEntitled: make([]decimal.Decimal, len(e.p.Caps))}
	for i := range st.budgetEntitled {
		st.budgetEntitled[i] = budgetUsed
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
	n := len(s.e.earn)
	fresh := &periodTotals{key: key, basis: make([]decimal.Decimal, n), started: make([]bool, n),
		entitled: make([]decimal.Decimal, len(s.e.p.Caps))}
	if pt == nil {
		pr := ps.prior
		fresh.amount, fresh.deals, fresh.earned = pr.PeriodAmount, pr.PeriodDeals, pr.PeriodEarned
		for i := range fresh.entitled {
			fresh.entitled[i] = pr.PeriodEarned
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
// them, the deal, partner and budget caps; then it adds the deal to the
// running totals.
func (e *Evaluator) phase2(w *work, st *runState, asOf time.Time) {
	if w.closed {
		e.finish(w, asOf)
		return
	}
	p := e.p
	cur := p.Currency
	ps := st.partner(w.partner)
	date := w.date
	if e.readsAcc {
		pt := st.period(ps, 0, date)
		w.scope.Acc = Accumulators{PeriodAmount: pt.amount, PeriodDeals: pt.deals, PeriodEarned: pt.earned, Cumulative: ps.cumulative}
	}
	if !e.clauses(w, len(p.Eligibility)) {
		e.finish(w, asOf)
		return
	}
	if w.payeeErr != nil {
		// Fail before anything is added to the running totals.
		e.fail(w, "payee", Origin{}, w.payeeErr)
		return
	}
	for i := range e.earn {
		ep, ln := &e.earn[i], &w.lines[i]
		e.line(w, i, true)
		if w.closed {
			e.finish(w, asOf)
			return
		}
		if ln.holds && !ln.grossDone {
			in := bandInput{amount: ln.amount}
			if ep.e.Bands.Basis == BasisCumulative {
				in.before, in.started = ps.cumBasis[i], ps.cumStarted[i]
			} else {
				tp := st.period(ps, ep.periodIdx, date)
				in.before, in.started = tp.basis[i], tp.started[i]
			}
			in.after = in.before.Add(ln.measure)
			v, hit := ep.table.apply(in)
			e.bandDone(w, i, in, v, hit)
		}
		e.settleLine(w, i)
	}
	e.pickGroups(w)

	total := e.paying(w)
	// Deal, partner and budget caps, in that order. A partner or budget
	// cap pays min(limit, entitled after) - min(limit, entitled before),
	// where "entitled" adds up what reached the cap uncut: so once a cap has
	// bound, a credit note takes back only what was actually paid.
	for _, ci := range e.capOrder {
		c := &p.Caps[ci]
		limit := e.capLimit[ci]
		var allowed decimal.Decimal
		var entitled *decimal.Decimal
		var what func() string
		switch c.Scope {
		case CapLine:
			continue
		case CapDeal:
			if total.Cmp(limit) <= 0 {
				continue
			}
			allowed = limit
			what = func() string { return "deal cap " + fmtAmount(c.Limit, cur) }
		case CapPartner:
			k := e.capPeriod[ci]
			entitled = &st.period(ps, k, date).entitled[ci]
		case CapBudget:
			entitled = &st.budgetEntitled[ci]
		}
		if entitled != nil {
			before := *entitled
			*entitled = before.Add(total)
			allowed = decimal.Min(limit, *entitled).Sub(decimal.Min(limit, before))
			if e.stage != StageStatement {
				// A prior total finer than the payout scale must not make
				// the payout finer: round the room toward zero.
				allowed = onGrid(allowed, e.places, Down)
			}
			if allowed.Equal(total) {
				continue
			}
			if c.Scope == CapPartner {
				per := e.periods[e.capPeriod[ci]]
				what = func() string {
					return "partner cap " + fmtAmount(c.Limit, cur) + " per " + string(per) + " (" + fmtAmount(decimal.Min(limit, before), cur) + " earned before)"
				}
			} else {
				what = func() string {
					return "program budget " + fmtAmount(c.Limit, cur) + " (" + fmtAmount(decimal.Min(limit, before), cur) + " used before)"
				}
			}
		}
		cut := total.Sub(allowed)
		if !w.noTrace {
			from := total
			w.add(secTail, Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Amount: cut, Origin: &c.Origin,
				words: func() string {
					if cut.Sign() < 0 {
						return what() + " absorbs " + fmtAmount(cut.Neg(), cur) + " of the takeback, which was never paid (" + fmtAmount(from, cur) + " -> " + fmtAmount(allowed, cur) + ")"
					}
					return what() + " cut " + fmtAmount(cut, cur) + " (" + fmtAmount(from, cur) + " -> " + fmtAmount(allowed, cur) + ")"
				}})
		}
		e.takeCut(w, ci, c, cut)
		total = allowed
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

	// Add the deal to the running totals that anything reads.
	// Only the program period's totals and the cumulative amount are read,
	// and only by period.* and cumulative.* expressions; band tables keep
	// their own basis and partner caps their own entitlement.
	if e.readsAcc {
		tp := st.period(ps, 0, date)
		tp.amount = tp.amount.Add(w.scope.Amount)
		tp.deals++
		tp.earned = tp.earned.Add(total)
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
// cut (a cap absorbing a takeback) raises negative lines toward zero, last
// line first.
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
		ln.cuts = append(ln.cuts, CapCut{Cap: ci, Scope: c.Scope, Limit: c.Limit, Cut: take})
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
