package incentive

import (
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
	budgetPaid []runTotal
	// deals, when the program allows negative amounts, remembers every
	// deal of the run by id (the latest one with that id), so a credit
	// note can take back from the deal it names. Nil otherwise.
	deals map[string]*dealRecord
	// solo: the state of a single Evaluate, reused deal after deal (see
	// reset); prior is then soloPrior, and soloPS the one partner.
	// soloPrior points at the deal's own Prior (in the evaluation's copy
	// of the Input, which outlives the deal), not a copy of it: a Prior
	// is 88 bytes of pointers and decimals, copied once more into the
	// partner's state (newPartner).
	solo      bool
	soloPrior *Prior
	soloPS    *partnerState
	// sparePeriods, per period kind, are totals of an earlier solo deal
	// that period may reuse.
	sparePeriods []*periodTotals
	sparePS      *partnerState
}

type partnerState struct {
	prior      Prior
	periods    []*periodTotals // parallel to Evaluator.periods
	cumulative decimal.Decimal
	cumBasis   []runTotal // per earning
	cumStarted []bool
}

// runTotal is a running total that outlives deals, a band table's basis:
// an fx while it fits and is not zero, so that growing deal after deal it
// makes no decimal (a deal reads it as a decimal from its own arena:
// dec), else a decimal, which never comes from an arena (see decArena).
// Its value, coefficient and exponent alike, is the decimal that adding up
// the same amounts with decAdd gives (shopspring's Add).
type runTotal struct {
	d    decimal.Decimal // the total when !fast
	f    fx              // the total when fast (never zero: see fx.dec)
	fast bool
}

// totalOf is the running total d (a Prior's).
func totalOf(d decimal.Decimal) runTotal {
	if f, ok := toFx(d); ok && f.c != 0 {
		return runTotal{f: f, fast: true}
	}
	return runTotal{d: d}
}

// dec returns the total as a decimal, made from ar when it is held as an
// fx (a nil ar: decimal.New). A deal's arena serves the deal's reads (its
// band input and trace); a value kept beyond the deal takes nil.
func (t runTotal) dec(ar *decArena) decimal.Decimal {
	if t.fast {
		d, _ := t.f.decIn(ar) // nonzero
		return d
	}
	return t.d
}

// fx returns the total as an fx, and false when it does not fit one.
func (t *runTotal) fx() (fx, bool) {
	if t.fast {
		return t.f, true
	}
	return toFx(t.d)
}

// atLeast reports whether the total is at least limit (a spent cap),
// comparing in fx where both fit.
func (t *runTotal) atLeast(limit decimal.Decimal) bool {
	if t.fast {
		if l, ok := toFx(limit); ok {
			if c, ok := t.f.cmp(l); ok {
				return c >= 0
			}
		}
	}
	return decCmp(t.dec(nil), limit) >= 0
}

// minus returns the total after taking d off: decSub(t.dec(nil), d), as
// plus.
func (t runTotal) minus(d decimal.Decimal) runTotal { return t.step(d, true) }

// plus returns the total after adding d: decAdd(t.dec(nil), d), held as
// an fx where the sum fits one and is not zero. (decAdd's own cases agree
// with fx's sum: a zero operand that does not rescale the other gives the
// other's coefficient and exponent.)
func (t runTotal) plus(d decimal.Decimal) runTotal { return t.step(d, false) }

// step is plus, or minus when sub.
func (t runTotal) step(d decimal.Decimal, sub bool) runTotal {
	x, ok := t.f, t.fast
	if !ok {
		x, ok = toFx(t.d)
	}
	if ok {
		if y, ok := toFx(d); ok {
			var s fx
			if sub {
				s, ok = x.sub(y)
			} else {
				s, ok = x.add(y)
			}
			if ok && s.c != 0 {
				return runTotal{f: s, fast: true}
			}
		}
	}
	// Zero (shopspring's zeros differ by how they came about) or too large
	// for an fx: decAdd or decSub, which never hand back an operand from an
	// arena.
	if sub {
		return runTotal{d: decSub(t.dec(nil), d)}
	}
	return runTotal{d: decAdd(t.dec(nil), d)}
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
	// have paid: Prior.CapUsed[i] (Prior.PeriodEarned without it) plus the
	// period's payouts, net of takebacks. It never exceeds the cap's limit by the run's doing.
	capPaid []runTotal
	// capOver, per cap index, is how much the partner's entitlement under
	// a partner cap (the terms amounts of the period's deals before the
	// partner and budget caps cut them, from Prior.PeriodEarned) exceeds
	// what the cap has paid; it changes only when something is cut, and
	// bounds what an unlinked credit note takes back. It is kept only when
	// the program allows negative amounts (credit notes).
	capOver []decimal.Decimal
	basis   []runTotal // per earning
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
	// conv is the deal's conversion when it converted product lines or
	// money fields (convertDeal), so that a credit note re-evaluates the
	// deal reading them as it did; nil otherwise.
	conv *Conversion
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
	// (A solo state reads soloPrior instead; see reset.)
	st := &runState{e: e, prior: prior, partners: map[string]*partnerState{},
		budgetPaid: make([]runTotal, len(e.p.Caps))}
	for i := range st.budgetPaid {
		st.budgetPaid[i] = totalOf(budgetUsed)
	}
	if e.p.AllowNegative {
		st.deals = map[string]*dealRecord{}
	}
	return st
}

// reset readies a solo state for the next deal, whose partner's totals
// before it are pr. Nothing of the previous deal's state is read again:
// its partner's period totals become spares that period clears.
func (s *runState) reset(pr *Prior) {
	s.soloPrior = pr
	if len(s.budgetPaid) > 0 {
		used := totalOf(pr.BudgetUsed) // once: every cap starts from it
		for i := range s.budgetPaid {
			if s.budgetPaid[i] != used { // (see clearSet: a solo deal leaves them as they were)
				s.budgetPaid[i] = used
			}
		}
	}
	if s.deals != nil {
		clear(s.deals)
	}
	if ps := s.soloPS; ps != nil {
		if s.sparePeriods == nil {
			s.sparePeriods = make([]*periodTotals, len(ps.periods))
		}
		for k, pt := range ps.periods {
			if pt != nil {
				s.sparePeriods[k] = pt
			}
		}
		s.soloPS = nil
		s.sparePS = ps
	}
}

func (s *runState) partner(id string) *partnerState {
	if s.solo {
		if s.soloPS == nil {
			s.soloPS = s.newPartner(*s.soloPrior)
		}
		return s.soloPS
	}
	ps := s.partners[id]
	if ps != nil {
		return ps
	}
	ps = s.newPartner(s.prior(id))
	s.partners[id] = ps
	return ps
}

// newPartner starts a partner's state from its prior totals.
func (s *runState) newPartner(pr Prior) *partnerState {
	n := len(s.e.earn)
	ps := s.sparePS
	if ps != nil {
		s.sparePS = nil
		clearSet(ps.periods)
		clearSet(ps.cumBasis)
		clear(ps.cumStarted)
		ps.prior, ps.cumulative = pr, pr.Cumulative
	} else {
		ps = &partnerState{prior: pr, periods: make([]*periodTotals, len(s.e.periods)),
			cumulative: pr.Cumulative, cumBasis: make([]runTotal, n), cumStarted: make([]bool, n)}
	}
	for i, ep := range s.e.earn {
		if t := ep.e.Bands; t != nil && t.Basis == BasisCumulative {
			b := priorBasis(pr, ep.e, pr.Cumulative)
			ps.cumBasis[i], ps.cumStarted[i] = totalOf(b), !b.IsZero()
		}
	}
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
	var fresh *periodTotals
	if s.solo && s.sparePeriods != nil && s.sparePeriods[k] != nil {
		// The same shape as before: clear it in place.
		fresh = s.sparePeriods[k]
		s.sparePeriods[k] = nil
		clear(fresh.started)
		clearSet(fresh.basis)
		clearSet(fresh.capPaid)
		clearSet(fresh.capOver)
		// (Field by field, keeping the slices, rather than a literal
		// copied in whole through the write barrier: see work.empty.
		// TestPeriodTotalsFields lists the fields.)
		fresh.key, fresh.deals = key, 0
		for _, d := range []*decimal.Decimal{&fresh.amount, &fresh.earned, &fresh.expired} {
			if *d != (decimal.Decimal{}) {
				*d = decimal.Decimal{}
			}
		}
	} else {
		fresh = &periodTotals{key: key}
		n, nc := 0, 0
		if s.e.periodBasis[k] {
			n = len(s.e.earn)
			fresh.started = make([]bool, n)
		}
		if s.e.periodCaps[k] {
			nc = len(s.e.p.Caps)
		}
		if n > 0 {
			fresh.basis = make([]runTotal, n)
		}
		if nc > 0 {
			fresh.capPaid, fresh.capOver = make([]runTotal, nc), make([]decimal.Decimal, nc)
		}
	}
	if pt == nil {
		pr := ps.prior
		fresh.amount, fresh.deals, fresh.earned = pr.PeriodAmount, pr.PeriodDeals, pr.PeriodEarned
		if len(fresh.capPaid) > 0 {
			earned := totalOf(pr.PeriodEarned) // once: the caps' default
			for i := range fresh.capPaid {
				// Each partner cap starts from its own prior total when the
				// caller gives one (its period may differ from the program's).
				u := earned
				if pu, ok := pr.CapUsed[i]; ok {
					u = totalOf(pu)
				}
				if fresh.capPaid[i] != u { // (see clearSet)
					fresh.capPaid[i] = u
				}
			}
		}
		for i, ep := range s.e.earn {
			if t := ep.e.Bands; t != nil && t.Basis == BasisPeriod && ep.periodIdx == k {
				b := priorBasis(pr, ep.e, pr.PeriodAmount)
				fresh.basis[i], fresh.started[i] = totalOf(b), !b.IsZero() || pr.PeriodDeals > 0
			}
		}
	}
	ps.periods[k] = fresh
	return fresh
}

// remember records a deal that paid total, for the credit notes that may
// name it.
func (e *Evaluator) remember(w *work, st *runState, ps *partnerState, snap *dealSnap, terms, total decimal.Decimal) {
	rec := &dealRecord{in: *w.in, partner: w.partner, eligible: true, net: w.scope.Amount, paid: total, terms: terms, ps: ps, snap: snap, expired: w.res.Expired,
		lines: make([]decimal.Decimal, len(e.earn)), periods: make([]*periodTotals, len(e.periods))}
	if w.scope.Deal != &w.in.Deal {
		rec.conv = w.res.Conversion
		if w.bufs != nil && rec.conv != nil {
			// The result's Conversion is room the next deal's result
			// reuses (resultBufs): the record keeps its own copy.
			c := *rec.conv
			rec.conv = &c
		}
	}
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

// clearSet zeroes the elements of s that are not zero, as clear(s) does.
// clear writes every element, and while the collector marks, every
// pointer word it writes goes through the write barrier, nil or not; a
// solo deal's state (runState.reset, period, newPartner) is mostly zero
// already, or as the previous deal left it.
func clearSet[T comparable](s []T) {
	for i := range s {
		zeroSet(&s[i])
	}
}

// zeroSet zeroes *p if it is not zero, writing nothing otherwise: see
// clearSet. The engine empties a reused work, scope and trace detail
// field by field with it (work.empty, stepDetail.reset) rather than
// assigning whole structs.
func zeroSet[T comparable](p *T) {
	var zero T
	if *p != zero {
		*p = zero
	}
}

// nilSet is zeroSet for a slice.
func nilSet[S ~[]E, E any](p *S) {
	if *p != nil {
		*p = nil
	}
}
