package incentive

import "github.com/shopspring/decimal"

// RunCounts reports the counts a run ends with, so that the next run of a
// chain can start from them (RunOptions.BudgetUsed). Give a run a pointer
// to one in RunOptions.Counts; the run fills it as it starts, and its
// methods read the counts as they stand when called: after the run has
// ended, they are its final counts. The zero value reports nothing (ok
// false) until a run has filled it. It must not be read while the run is
// going on. It refers to the run's state (every partner's running totals),
// which stays in memory as long as the RunCounts is reachable: read what
// the next run needs and drop it.
type RunCounts struct {
	st *runState
}

// set records the state of the run the counts report.
func (c *RunCounts) set(st *runState) {
	if c != nil {
		c.st = st
	}
}

// BudgetUsed returns what the program's budget has paid through the run:
// RunOptions.BudgetUsed plus what the run's deals paid, net of takebacks,
// and the payable true-ups of the period settlements the run settled with
// RunOptions.Settlements, as the budget cap counted them (an expired
// result counts only when the program's claims say expired earnings use
// the caps). It is the figure the budget cap bound the run's last payout
// with, not one re-derived from the results; a run stopped early (the
// loop body breaks, ctx is cancelled) reports it through the last deal it
// yielded, for any number of workers. The true-ups that
// SettlementBuilder.Settle pays after the run are not in it: see
// SettlementBuilder.BudgetUsed. ok is false when the program has no budget
// cap, or no run has filled c.
func (c *RunCounts) BudgetUsed() (used decimal.Decimal, ok bool) {
	if c == nil || c.st == nil {
		return decimal.Decimal{}, false
	}
	return c.st.budgetUsed()
}

// budgetUsed is what the state's budget caps have paid (every budget cap
// counts the same payouts: the first one's count), and false when the
// program has none.
func (s *runState) budgetUsed() (decimal.Decimal, bool) {
	for ci := range s.e.p.Caps {
		if s.e.p.Caps[ci].Scope == CapBudget {
			return s.budgetPaid[ci].dec(nil), true
		}
	}
	return decimal.Decimal{}, false
}

// runState starts the state of a run with these options, and reports it
// to o.Counts and o.Settlements.
func (o *RunOptions) runState(e *Evaluator) *runState {
	st := newRunState(e, o.Prior, o.BudgetUsed)
	o.Counts.set(st)
	o.Settlements.track(st)
	return st
}

// track gives the builder attached to a run (RunOptions.Settlements) the
// run's state as it starts, so that BudgetUsed counts the run's payouts
// even when the program has no period settlements and no deal goes
// through inOrderSettling (nor, in a sharded run, through inOrder at all).
func (b *SettlementBuilder) track(st *runState) {
	if b != nil && b.live != nil {
		b.live.st = st
	}
}

// BudgetUsed returns what the program's budget has paid through the run
// the builder is attached to (RunOptions.Settlements) and the true-ups
// that Settle(asOf) pays after it: RunOptions.BudgetUsed, the run's deal
// payouts and the true-ups the run settled (RunCounts.BudgetUsed), plus
// what the budget lets the lines that Settle(asOf) bounds by the run's
// counts pay. It is the figure a next run of the chain starts its budget
// from (RunOptions.BudgetUsed) when this run's statement includes
// Settle(asOf)'s lines and its Carries(asOf). ok is false when the
// program has no budget cap, or the builder was never attached to a run.
func (b *SettlementBuilder) BudgetUsed(asOf Date) (used decimal.Decimal, ok bool) {
	if b == nil || b.live == nil {
		return decimal.Decimal{}, false
	}
	lv := b.live
	lines, _, refs := b.settle(asOf, false)
	ov := b.bound(lines, refs, false)
	if lv.st != nil {
		used, ok = lv.st.budgetUsed()
	} else {
		// The run met no deal: its budget count is where it started.
		used, ok = newRunState(lv.e, nil, lv.budgetUsed).budgetUsed()
	}
	if !ok {
		return decimal.Decimal{}, false
	}
	for ci := range lv.e.p.Caps {
		if lv.e.p.Caps[ci].Scope == CapBudget {
			return used.Add(ov[overKey{ci: ci}]), true
		}
	}
	return used, true
}
