package incentive

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// SettlementCarry is one partner's state of one settlement at the end of a
// run (SettlementBuilder.Carries), which the next run continues from
// (SettlementBuilder.CarryIn): the negative true-up carried, the year to
// date, and the periods not yet settled. A quarter chains into the next
// from it alone, without the earlier quarter's deals.
type SettlementCarry struct {
	Settlement string `json:"settlement"`
	PartnerID  string `json:"partner"`
	// Through is the last day of the last period settled; the zero Date
	// when none was. A later run refuses a deal in a period ending on or
	// before it: that period was settled already.
	Through Date `json:"through"`
	// Carried is the negative true-up carried into the next period
	// (CreditPeriod): zero or below.
	Carried Money `json:"carried"`
	// Basis and Credited are the year-to-date total and what the year
	// credited (advances and settlements) through Through
	// (CreditYearToDate); zero otherwise.
	Basis    Money `json:"basis"`
	Credited Money `json:"credited"`
	// Open are the periods after Through that had deals but had not ended
	// as of the settlement date, earliest first: the next run settles them
	// with its own deals added.
	Open []SettlementOpen `json:"open,omitempty"`
}

// SettlementOpen is a period not yet settled: the basis and the advances
// (by sub-period) of the deals seen so far.
type SettlementOpen struct {
	// From is the first day of the period.
	From     Date                `json:"from"`
	Basis    Money               `json:"basis"`
	Advances []SettlementAdvance `json:"advances,omitempty"`
}

// SettlementAdvance is what was advanced in one sub-period.
type SettlementAdvance struct {
	// From is the first day of the sub-period.
	From   Date  `json:"from"`
	Amount Money `json:"amount"`
}

// open describes the accumulator of the unsettled period starting at k.
func (a *settleAcc) open(k Date, cur Currency) SettlementOpen {
	o := SettlementOpen{From: k, Basis: Money{a.basis, cur}}
	for sk, v := range a.advances {
		o.Advances = append(o.Advances, SettlementAdvance{From: sk, Amount: Money{v, cur}})
	}
	sort.Slice(o.Advances, func(x, y int) bool { return o.Advances[x].From.Before(o.Advances[y].From) })
	return o
}

// Carries returns each partner's state of each settlement after
// Settle(asOf), sorted as Settle's lines, for the next run's CarryIn: the
// partners seen in this run and those carried in, so nothing carried is
// dropped by a run in which a partner had no deals. A zero-value
// SettlementBuilder carries nothing.
func (b *SettlementBuilder) Carries(asOf Date) []SettlementCarry {
	_, c, _ := b.settle(asOf, false)
	return c
}

// carried returns what CarryIn brought in for settlement i and a partner.
func (b *SettlementBuilder) carried(i int, partnerID string) *SettlementCarry {
	if b.carry == nil {
		return nil
	}
	return b.carry[i][partnerID]
}

// CarryIn continues settlements from an earlier run's Carries: each
// partner's carried true-up and year to date, and its open periods, whose
// basis and advances the deals added next join. For the settlements and
// partners it names it replaces SetPrior. Call it once, before Add.
// Errors (and nothing is carried in): a second call, or a call on a
// builder attached to a run (RunOptions.Settlements) once the run has
// started (ErrInvalidOptions),
// an unknown settlement (ErrInvalidProgram), an amount in another currency
// (ErrCurrencyMismatch), a positive carry, a carry under year_to_date or
// a year to date under period credit (which would be dropped), a
// settlement and partner given twice, or open periods or their advances
// out of date order, repeated, or not periods of the settlement after
// Through (ErrInvalidAmount); CarryIn on a zero-value SettlementBuilder
// (ErrNoEvaluator).
func (b *SettlementBuilder) CarryIn(carries []SettlementCarry) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (CarryIn on a zero-value SettlementBuilder)", ErrNoEvaluator)
	}
	if b.carry != nil {
		return fmt.Errorf("%w: CarryIn called twice on one SettlementBuilder; carry everything in at once", ErrInvalidOptions)
	}
	if b.live != nil {
		// The run paid its true-ups inside the caps from the state it
		// started with; carrying in now would change them.
		return fmt.Errorf("%w: CarryIn on a SettlementBuilder attached to a run (RunOptions.Settlements); carry in before the run", ErrInvalidOptions)
	}
	p := b.e.p
	in := make([]map[string]*SettlementCarry, len(p.Settlements))
	for i := range in {
		in[i] = map[string]*SettlementCarry{}
	}
	for n := range carries {
		c := &carries[n]
		i := -1
		for k := range p.Settlements {
			if p.Settlements[k].ID == c.Settlement {
				i = k
			}
		}
		what := "settlement " + quote(c.Settlement) + " of partner " + quote(c.PartnerID)
		if i < 0 {
			return fmt.Errorf("%w: carried %s: program %s v%d has no such settlement", ErrInvalidProgram, what, p.ID, p.Version)
		}
		s := &p.Settlements[i]
		if c.PartnerID == "" {
			return fmt.Errorf("%w: carried settlement %q has no partner", ErrInvalidAmount, c.Settlement)
		}
		if in[i][c.PartnerID] != nil {
			return fmt.Errorf("%w: carried %s is given twice", ErrInvalidAmount, what)
		}
		for _, m := range []Money{c.Carried, c.Basis, c.Credited} {
			if m.currency != "" && m.currency != p.Currency {
				return fmt.Errorf("%w: carried %s is in %s, the program pays in %s", ErrCurrencyMismatch, what, m.currency, p.Currency)
			}
		}
		if c.Carried.amount.Sign() > 0 {
			return fmt.Errorf("%w: carried %s carries %s; only a negative true-up is carried", ErrInvalidAmount, what, fmtAmount(c.Carried.amount, p.Currency))
		}
		// What the settlement's credit mode does not use would be
		// dropped: refuse it instead.
		if s.Credit == CreditYearToDate && !c.Carried.amount.IsZero() {
			return fmt.Errorf("%w: carried %s carries a true-up of %s, but the settlement credits year to date and carries nothing", ErrInvalidAmount, what, fmtAmount(c.Carried.amount, p.Currency))
		}
		if s.Credit != CreditYearToDate && (!c.Basis.amount.IsZero() || !c.Credited.amount.IsZero()) {
			return fmt.Errorf("%w: carried %s has a year to date (basis %s, credited %s), but the settlement credits each period on its own", ErrInvalidAmount, what,
				fmtAmount(c.Basis.amount, p.Currency), fmtAmount(c.Credited.amount, p.Currency))
		}
		for n, o := range c.Open {
			if periodStart(s.Period, o.From, p.Effective.From) != o.From || !c.Through.IsZero() && !c.Through.Before(o.From) {
				return fmt.Errorf("%w: carried %s: open period %s is not a %s of the settlement after %s", ErrInvalidAmount, what, o.From, s.Period, c.Through)
			}
			if n > 0 && !c.Open[n-1].From.Before(o.From) {
				return fmt.Errorf("%w: carried %s: open periods must be in date order, each once (%s after %s)", ErrInvalidAmount, what, o.From, c.Open[n-1].From)
			}
			for k := 1; k < len(o.Advances); k++ {
				if !o.Advances[k-1].From.Before(o.Advances[k].From) {
					return fmt.Errorf("%w: carried %s: the advances of open period %s must be in date order, each once (%s after %s)", ErrInvalidAmount, what, o.From, o.Advances[k].From, o.Advances[k-1].From)
				}
			}
			if cur := o.Basis.currency; cur != "" && cur != p.Currency {
				return fmt.Errorf("%w: carried %s is in %s, the program pays in %s", ErrCurrencyMismatch, what, cur, p.Currency)
			}
			for _, a := range o.Advances {
				if cur := a.Amount.currency; cur != "" && cur != p.Currency {
					return fmt.Errorf("%w: carried %s is in %s, the program pays in %s", ErrCurrencyMismatch, what, cur, p.Currency)
				}
				if periodStart(s.advancePeriod(), a.From, p.Effective.From) != a.From || periodStart(s.Period, a.From, p.Effective.From) != o.From {
					return fmt.Errorf("%w: carried %s: advances of %s are not a %s of period %s", ErrInvalidAmount, what, a.From, s.advancePeriod(), o.From)
				}
			}
		}
		in[i][c.PartnerID] = c
	}
	// Checked: now carry in.
	b.carry = in
	for i := range in {
		for id, c := range in[i] {
			for _, o := range c.Open {
				parts := b.acc[i][id]
				if parts == nil {
					parts = map[Date]*settleAcc{}
					b.acc[i][id] = parts
				}
				a := parts[o.From]
				if a == nil {
					a = &settleAcc{advances: map[Date]decimal.Decimal{}}
					parts[o.From] = a
					b.pending(i, o.From)
				}
				a.basis, a.started = a.basis.Add(o.Basis.amount), true
				for _, adv := range o.Advances {
					a.advances[adv.From] = a.advances[adv.From].Add(adv.Amount.amount)
				}
			}
		}
	}
	return nil
}

// settledThrough reports an error when a result closes in a period that a
// carried settlement already settled.
func (b *SettlementBuilder) settledThrough(i int, r *Result) error {
	return b.settledBy(i, r.PartnerID, r.DealID, r.dateKey().day())
}

// settledBy is settledThrough for deal dealID of a partner closing on d.
func (b *SettlementBuilder) settledBy(i int, partnerID, dealID string, d Date) error {
	c := b.carried(i, partnerID)
	if c == nil || c.Through.IsZero() || d.After(c.Through) {
		return nil
	}
	return fmt.Errorf("%w: deal %q closes on %s, in a period of settlement %q that partner %q's carried settlement already settled (through %s); a late deal cannot reopen a settled period",
		ErrInvalidDeal, dealID, d, c.Settlement, partnerID, c.Through)
}
