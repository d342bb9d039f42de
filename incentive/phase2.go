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
	e          *Evaluator
	prior      func(string) Prior
	partners   map[string]*partnerState
	budgetUsed decimal.Decimal
}

type partnerState struct {
	prior      Prior
	periods    []*periodTotals // parallel to Evaluator.periods
	cumulative decimal.Decimal
	cumBasis   []decimal.Decimal // per earning
	cumStarted []bool
}

type periodTotals struct {
	key     Date
	amount  decimal.Decimal
	deals   int64
	earned  decimal.Decimal
	basis   []decimal.Decimal // per earning
	started []bool
}

func newRunState(e *Evaluator, prior func(string) Prior, budgetUsed decimal.Decimal) *runState {
	if prior == nil {
		prior = func(string) Prior { return Prior{} }
	}
	return &runState{e: e, prior: prior, partners: map[string]*partnerState{}, budgetUsed: budgetUsed}
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
	fresh := &periodTotals{key: key, basis: make([]decimal.Decimal, n), started: make([]bool, n)}
	if pt == nil {
		pr := ps.prior
		fresh.amount, fresh.deals, fresh.earned = pr.PeriodAmount, pr.PeriodDeals, pr.PeriodEarned
		for i, ep := range s.e.earn {
			if t := ep.e.Bands; t != nil && t.Basis == BasisPeriod && s.e.periods[k] == ep.period {
				fresh.basis[i] = priorBasis(pr, ep.e, pr.PeriodAmount)
				fresh.started[i] = !fresh.basis[i].IsZero() || pr.PeriodDeals > 0
			}
		}
	}
	ps.periods[k] = fresh
	return fresh
}

func (e *Evaluator) periodIndex(per Period) int {
	for i, q := range e.periods {
		if q == per {
			return i
		}
	}
	return 0
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
// running totals, partner-period and cumulative bands, groups, caps and
// rounding; then it adds the deal to the running totals.
func (e *Evaluator) phase2(w *work, st *runState, asOf time.Time) {
	if w.closed {
		e.finish(w, asOf, nil)
		return
	}
	p := e.p
	cur := p.Currency
	ps := st.partner(w.partner)
	date := DateOf(w.in.Deal.CloseDate.In(p.Effective.Loc()))
	pt := st.period(ps, 0, date)
	w.scope.Acc = Accumulators{PeriodAmount: pt.amount, PeriodDeals: pt.deals, PeriodEarned: pt.earned, Cumulative: ps.cumulative}
	if !e.clauses(w, len(p.Eligibility)) {
		e.finish(w, asOf, nil)
		return
	}
	var tail []Step
	for i := range e.earn {
		ep, ln := &e.earn[i], &w.lines[i]
		e.line(w, i, true)
		if w.closed {
			e.finish(w, asOf, nil)
			return
		}
		if !ln.holds || ln.grossDone {
			continue
		}
		in := bandInput{amount: ln.amount}
		if ep.e.Bands.Basis == BasisCumulative {
			in.before, in.started = ps.cumBasis[i], ps.cumStarted[i]
		} else {
			tp := st.period(ps, e.periodIndex(ep.period), date)
			in.before, in.started = tp.basis[i], tp.started[i]
		}
		in.after = in.before.Add(ln.measure)
		v, hit, words := ep.e.Bands.apply(in, cur)
		e.bandDone(ln, ep.e, i, v, hit, words)
	}

	// Line caps, then line rounding.
	for i := range e.earn {
		ln := &w.lines[i]
		if !ln.holds {
			continue
		}
		ln.final = ln.gross
		for _, ci := range e.capOrder {
			c := &p.Caps[ci]
			if c.Scope != CapLine || (c.Earning != "" && c.Earning != e.earn[i].e.ID) {
				continue
			}
			if ln.final.Cmp(c.Limit) > 0 {
				cut := ln.final.Sub(c.Limit)
				ln.cuts = append(ln.cuts, CapCut{Cap: ci, Scope: CapLine, Limit: c.Limit, Cut: cut})
				ln.steps = append(ln.steps, Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Value: FormatAmount(cut, cur), Origin: c.Origin,
					Words: "earning " + quote(e.earn[i].e.ID) + ": line cap " + fmtAmount(c.Limit, cur) + " cut " + fmtAmount(cut, cur) +
						" (" + fmtAmount(ln.final, cur) + " -> " + fmtAmount(c.Limit, cur) + ")"})
				ln.final = c.Limit
			}
		}
		if e.stage == StageLine {
			r := e.mode.Round(ln.final, e.places)
			if !r.Equal(ln.final) {
				ln.steps = append(ln.steps, Step{Kind: StepRounding, Ref: e.earn[i].e.ID, OK: true, Value: FormatAmount(r, cur),
					Words: "earning " + quote(e.earn[i].e.ID) + ": " + ln.final.String() + " rounded " + string(e.mode) + " to " + fmtAmount(r, cur)})
			}
			ln.final = r
		}
	}

	// Groups.
	for gi := range p.Groups {
		g := &p.Groups[gi]
		win := -1
		var members []string
		for i := range e.earn {
			ln := &w.lines[i]
			if e.earn[i].group != g || !ln.holds {
				continue
			}
			members = append(members, quote(e.earn[i].e.ID)+" "+fmtAmount(ln.final, cur))
			switch {
			case win < 0 && (g.Pick == PickHighest || !ln.final.IsZero()):
				win = i
			case g.Pick == PickHighest && ln.final.Cmp(w.lines[win].final) > 0:
				win = i
			}
		}
		if len(members) == 0 {
			continue
		}
		for i := range e.earn {
			if e.earn[i].group == g && w.lines[i].holds && i != win {
				w.lines[i].dropped = true
			}
		}
		words := "group " + quote(g.ID) + " (pick " + string(g.Pick) + ") among " + strings.Join(members, ", ") + ": "
		if win < 0 {
			words += "no line pays"
		} else {
			words += "pays " + quote(e.earn[win].e.ID)
		}
		tail = append(tail, Step{Kind: StepGroup, Ref: g.ID, Index: gi, OK: win >= 0, Origin: g.Origin, Words: words})
	}

	total := decimal.Zero
	for i := range w.lines {
		if ln := &w.lines[i]; ln.holds && !ln.dropped {
			total = total.Add(ln.final)
		}
	}
	// Deal, partner and budget caps, in that order.
	for _, ci := range e.capOrder {
		c := &p.Caps[ci]
		var room decimal.Decimal
		var what string
		switch c.Scope {
		case CapLine:
			continue
		case CapDeal:
			room, what = c.Limit, "deal cap "+fmtAmount(c.Limit, cur)
		case CapPartner:
			per := c.Period
			if per == "" {
				per = p.periodOrDefault()
			}
			earned := st.period(ps, e.periodIndex(per), date).earned
			room = c.Limit.Sub(earned)
			what = "partner cap " + fmtAmount(c.Limit, cur) + " per " + string(per) + " (" + fmtAmount(earned, cur) + " earned before)"
		case CapBudget:
			room = c.Limit.Sub(st.budgetUsed)
			what = "program budget " + fmtAmount(c.Limit, cur) + " (" + fmtAmount(st.budgetUsed, cur) + " used before)"
		}
		if room.Sign() < 0 {
			room = decimal.Zero
		}
		if total.Cmp(room) <= 0 {
			continue
		}
		cut := total.Sub(room)
		tail = append(tail, Step{Kind: StepCap, Ref: capRef(ci), Index: ci, Value: FormatAmount(cut, cur), Origin: c.Origin,
			Words: what + " cut " + fmtAmount(cut, cur) + " (" + fmtAmount(total, cur) + " -> " + fmtAmount(room, cur) + ")"})
		e.takeCut(w, ci, c, cut)
		total = room
	}
	if e.stage == StageDeal {
		// The lines are always spread, even when the total needs no
		// rounding (0.335 + 0.335 = 0.67), so they add up to it.
		r := e.mode.Round(total, e.places)
		if e.spreadRounding(w, r) || !r.Equal(total) {
			tail = append(tail, Step{Kind: StepRounding, OK: true, Value: FormatAmount(r, cur),
				Words: "deal total " + total.String() + " rounded " + string(e.mode) + " to " + fmtAmount(r, cur) + ", shared over the lines by largest remainder"})
		}
		total = r
	}

	// Add the deal to the running totals.
	for k := range e.periods {
		tp := st.period(ps, k, date)
		tp.amount = tp.amount.Add(w.scope.Amount)
		tp.deals++
		tp.earned = tp.earned.Add(total)
	}
	ps.cumulative = ps.cumulative.Add(w.scope.Amount)
	for i, ep := range e.earn {
		ln := &w.lines[i]
		if !ep.stateful || !ln.holds {
			continue
		}
		if ep.e.Bands.Basis == BasisCumulative {
			ps.cumBasis[i] = ps.cumBasis[i].Add(ln.measure)
			ps.cumStarted[i] = true
		} else {
			tp := st.period(ps, e.periodIndex(ep.period), date)
			tp.basis[i] = tp.basis[i].Add(ln.measure)
			tp.started[i] = true
		}
	}
	st.budgetUsed = st.budgetUsed.Add(total)
	e.finish(w, asOf, tail)
}

func capRef(i int) string { return "caps[" + itoa(i) + "]" }

// takeCut removes cut from the deal's lines, last line first.
func (e *Evaluator) takeCut(w *work, ci int, c *Cap, cut decimal.Decimal) {
	for i := len(w.lines) - 1; i >= 0 && cut.Sign() > 0; i-- {
		ln := &w.lines[i]
		if !ln.holds || ln.dropped || ln.final.Sign() <= 0 {
			continue
		}
		take := decimal.Min(ln.final, cut)
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

// finish turns the work into the result: lines, total, payee, claim
// window and the trace.
func (e *Evaluator) finish(w *work, asOf time.Time, tail []Step) {
	res := w.res
	if w.err != nil {
		res.Trace = w.head
		return
	}
	p := e.p
	cur := p.Currency
	trace := w.head
	res.Eligible = res.Failed == ""
	if !res.Eligible {
		res.Trace = trace
		return
	}
	total := decimal.Zero
	for i := range w.lines {
		ln := &w.lines[i]
		trace = append(trace, ln.steps...)
		if !ln.holds || ln.dropped {
			continue
		}
		en := e.earn[i].e
		res.Lines = append(res.Lines, Line{Earning: en.ID, Type: en.Type, Group: en.Group,
			Gross: Money{ln.gross, cur}, Amount: Money{ln.final, cur}, Band: ln.band, Cuts: ln.cuts})
		total = total.Add(ln.final)
	}
	trace = append(trace, tail...)
	trace = append(trace, Step{Kind: StepRounding, OK: true, Words: e.roundWords})
	res.Total = Money{total, cur}
	res.Payee = PayeePartner
	if p.Payee != "" && p.Payee != PayeePartner {
		c, ok := w.in.Partner.Contact(p.Payee)
		if !ok {
			e.fail(w, "payee", Origin{}, fmt.Errorf("%w: partner %q has no contact with role %q, the program's payee", ErrInvalidDeal, w.partner, p.Payee))
			return
		}
		res.Payee, res.PayeeName = p.Payee, c.Name
	}
	if p.Claims.Days > 0 {
		loc := p.Effective.Loc()
		anchor := DateOf(w.in.Deal.CloseDate.In(loc))
		from := "close date"
		if p.Claims.From == FromProgramEnd {
			anchor, from = p.Effective.To, "program end"
		}
		res.ClaimBy = anchor.AddDays(p.Claims.Days)
		words := "claim by " + res.ClaimBy.String() + " (" + itoa(p.Claims.Days) + " days after " + from + " " + anchor.String() + ")"
		ok := true
		if !asOf.IsZero() {
			if on := DateOf(asOf.In(loc)); on.After(res.ClaimBy) {
				res.Expired, ok = true, false
				words += "; as of " + on.String() + " the claim window has closed"
			}
		}
		trace = append(trace, Step{Kind: StepClaim, OK: ok, Value: res.ClaimBy.String(), Words: words})
	}
	payee := res.Payee
	if res.PayeeName != "" {
		payee += " (" + res.PayeeName + ")"
	}
	trace = append(trace, Step{Kind: StepTotal, OK: true, Value: FormatAmount(total, cur),
		Words: "total " + fmtAmount(total, cur) + " " + string(cur) + " to " + payee})
	res.Trace = trace
}

// exprStep starts a trace step for a condition or formula, recording its
// source and the values it read.
func (e *Evaluator) exprStep(w *work, kind StepKind, ref string, idx int, x any, o Origin) Step {
	st := Step{Kind: kind, Ref: ref, Index: idx, Origin: o}
	if d, ok := x.(Describer); ok {
		st.Source = d.Source()
		reads := d.Reads()
		if len(reads) > 0 {
			st.Inputs = make([]Observed, 0, len(reads))
		}
		for _, path := range reads {
			if v, ok := w.scope.Lookup(path); ok {
				val := fmtValue(v)
				if d, isDec := v.(decimal.Decimal); isDec && moneyPath(path) {
					val = fmtAmount(d, e.p.Currency)
				}
				st.Inputs = append(st.Inputs, Observed{Path: path, Value: val})
			}
		}
	}
	return st
}

func describeExpr(st Step) string {
	if st.Source == "" {
		return ""
	}
	return ": " + st.Source + describeInputs(st)
}

func describeInputs(st Step) string {
	if len(st.Inputs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" (")
	for i, in := range st.Inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(in.Path + " = " + in.Value)
	}
	b.WriteString(")")
	return b.String()
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
