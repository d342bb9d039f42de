package incentive

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

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
		alone = &work{noTrace: true, snap: rec.snap, override: true, netAmount: net, conv: rec.conv}
		alone.scope.asOf = w.scope.asOf // the same run: run.as_of reads the same
		e.ownTerms(alone, &rec.in, nil)
		e.inOrder(alone, nil, time.Time{})
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
		if rec.expired && !e.p.Claims.ExpiredUsesCaps {
			break // an expired deal used up no cap (see runningCaps)
		}
		if e.p.Caps[ci].Scope == CapBudget {
			limit = decimal.Min(limit, st.budgetPaid[ci].dec(nil))
		} else {
			limit = decimal.Min(limit, rec.periods[e.capPeriod[ci]].capPaid[ci].dec(nil))
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
		w.add(secHead, stepRec{Kind: StepCredit, ref: id, OK: true, amount: back.Neg(), words: func() string {
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
		if rec.expired && !e.p.Claims.ExpiredUsesCaps {
			break // nothing to give back: an expired deal used up no cap
		}
		if e.p.Caps[ci].Scope == CapBudget {
			st.budgetPaid[ci] = st.budgetPaid[ci].minus(back)
			continue
		}
		pt := rec.periods[e.capPeriod[ci]]
		pt.capPaid[ci] = pt.capPaid[ci].minus(back)
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
				rec.ps.cumBasis[i] = rec.ps.cumBasis[i].plus(delta)
			} else {
				pt := rec.periods[ep.periodIdx]
				pt.basis[i] = pt.basis[i].plus(delta)
			}
		}
	}
	e.finish(w, asOf)
}
