package incentive

import (
	"fmt"
	"slices"
	"sort"

	"github.com/shopspring/decimal"
)

// CreditMode says how a Settlement credits what a partner is entitled to.
type CreditMode string

const (
	// CreditPeriod settles each period on its own: the period's entitlement
	// less the advances paid in it, less any negative true-up carried from
	// earlier periods. A negative true-up is carried to the next
	// settlement, never invoiced. The zero value means this.
	CreditPeriod CreditMode = "period"
	// CreditYearToDate credits, at the end of each period, the year-to-date
	// entitlement less everything credited in the year so far (advances and
	// earlier settlements), never below zero: a high-water mark. Nothing
	// is carried; an entitlement that falls back pays nothing until it
	// climbs above what was credited. A true-up credits all of itself,
	// the part a cap cut (SettlementLine.Capped) too: that part is lost,
	// as a deal's cut is, and no later period pays it again.
	CreditYearToDate CreditMode = "year_to_date"
)

// CreditModes lists the credit modes.
func CreditModes() []CreditMode { return []CreditMode{CreditPeriod, CreditYearToDate} }

// Settlement is an earning settled per period from a partner's period
// totals rather than per deal: a quarterly rebate whose rate depends on the
// quarter's attainment, say. The basis is the total of the partner's
// eligible deal amounts (in the program currency; credit notes reduce it)
// in the period (CreditPeriod) or in the year to the period's end
// (CreditYearToDate); Bands turn it into the entitlement. The lines of the
// Advances earnings, paid deal by deal as usual, are advances against it
// and are deducted at the settlement (the true-up). See SettlementBuilder.
type Settlement struct {
	ID   string
	Type EarningType
	// Period is the settlement period: month, quarter, half or year.
	Period Period
	// Advances are the ids of the earnings whose lines are advances against
	// this settlement; may be empty (nothing is paid before the settlement).
	Advances []string
	// AdvancePeriod is the sub-period advances are reported by (month by
	// default); it must not be longer than Period.
	AdvancePeriod Period
	// Credit defaults to CreditPeriod.
	Credit CreditMode
	// Bands pay a rate or a flat amount by the basis (deal basis, no
	// measure: the basis is the period or year-to-date total).
	Bands  *BandTable
	Origin Origin
}

// SettlementLine is one partner's settlement of one period.
type SettlementLine struct {
	Settlement string      `json:"settlement"`
	Type       EarningType `json:"type"`
	PartnerID  string      `json:"partner"`
	// From and To are the first and last day of the period.
	From Date `json:"from"`
	To   Date `json:"to"`
	// Settled is false for a period that had not ended as of the
	// settlement date: it shows the advances so far and settles nothing.
	Settled bool `json:"settled"`
	// Basis is the period's total (year to date under CreditYearToDate).
	Basis Money `json:"basis"`
	// Band is the band the basis reached.
	Band *BandHit `json:"band,omitempty"`
	// Entitlement is what the basis earns under the bands, rounded.
	Entitlement Money `json:"entitlement"`
	// Advances were paid in the period (the lines of the advance
	// earnings); AdvancesBy breaks them down by sub-period ("2026-01").
	Advances   Money      `json:"advances"`
	AdvancesBy []Subtotal `json:"advances_by"`
	// CarriedIn is the negative true-up carried from the previous period
	// (CreditPeriod); Credited what the year credited before this
	// settlement, this period's advances included (CreditYearToDate; an
	// earlier true-up counts whole, its capped part too).
	CarriedIn Money `json:"carried_in"`
	Credited  Money `json:"credited"`
	// TrueUp is Entitlement - Advances + CarriedIn (CreditPeriod), or
	// Entitlement - Credited (CreditYearToDate).
	TrueUp Money `json:"true_up"`
	// Payable is what the settlement pays: a TrueUp above zero, less
	// what the program's per_partner caps and budget cut from it (Capped).
	// CarriedOut is a negative TrueUp under CreditPeriod (carried, never
	// invoiced). They add up: a positive TrueUp = Payable + Capped, and
	// a negative one is CarriedOut under CreditPeriod (under
	// CreditYearToDate it pays and carries nothing: the high-water mark);
	// Payable and Capped are never below zero.
	Payable    Money `json:"payable"`
	CarriedOut Money `json:"carried_out"`
	// Capped is the part of a positive true-up that the partner's caps
	// (for the cap period containing To) or the budget had no room for
	// when the period settled (see SettlementBuilder): lost, like a deal
	// line's cut, not carried. Cuts names the caps that cut it, in the
	// order they applied (Program.Caps index, scope, limit and cut).
	Capped Money    `json:"capped"`
	Cuts   []CapCut `json:"cuts,omitempty"`
}

// SettlementBuilder collects the results of a run and settles the
// program's settlements per partner and period. Its memory grows with the
// number of partners and periods, not deals.
//
// Attach it to the run (RunOptions.Settlements) so that the program's
// per_partner caps and budget bind the true-ups as they bind the deals:
// the run adds each result itself, and a period's true-up is paid at the
// period's end, after every deal of the period and before every deal
// after it. It pays at most the room each partner cap (for the cap period
// containing the period's last day) and every budget cap has left at that
// moment, rounded toward zero to the payout grid as a deal's payout is;
// what it pays counts in those caps, so later deals see less room, and
// what they cut is lost (SettlementLine.Capped), not carried. True-ups
// due at the same moment are paid in order of period end, settlement (in
// program order), then partner id. Periods that end after the run's last
// deal are settled by Settle(asOf) against the counts the run left.
//
// A builder fed by hand (Add after the run) knows no cap counts: its
// true-ups are unbounded and count in no cap, which is right only for a
// program without per_partner or budget caps.
type SettlementBuilder struct {
	e *Evaluator
	// last is the latest close date added.
	last Date
	// acc[settlement][partner][period start]
	acc   []map[string]map[Date]*settleAcc
	prior func(settlementID, partnerID string) SettlementPrior
	// carry[settlement][partner] is the state CarryIn brought in.
	carry []map[string]*SettlementCarry
	// live is the run the builder is attached to (RunOptions.Settlements);
	// nil for a builder fed by hand. See settle_run.go.
	live *settleLive
}

// SettlementPrior is a partner's settlement state from before the results
// a SettlementBuilder is given (an earlier run's Settle), so that carries
// and year-to-date credits continue across runs.
type SettlementPrior struct {
	// Carried is the negative true-up carried into the partner's first
	// period (CreditPeriod): an earlier line's CarriedOut. Zero or below;
	// a positive value counts as zero (nothing is owed in advance).
	Carried decimal.Decimal
	// Basis and Credited are the year-to-date total and what the year
	// credited (advances and settlements) before the partner's first
	// period (CreditYearToDate), when that period is in the same year.
	Basis, Credited decimal.Decimal
}

// SetPrior sets the source of each partner's state from before the
// results; nil (the default) starts everyone from zero. On a builder
// attached to a run (RunOptions.Settlements) set it before the run: the
// run pays the true-ups inside the caps with the state it started from,
// so SetPrior once the run has started changes nothing (a new state
// would change true-ups whose caps' cuts are already counted).
func (b *SettlementBuilder) SetPrior(f func(settlementID, partnerID string) SettlementPrior) {
	if b == nil || b.live != nil {
		return
	}
	b.prior = f
}

type settleAcc struct {
	basis    decimal.Decimal
	started  bool
	advances map[Date]decimal.Decimal
	// sealed: the run settled the period against its live cap counts
	// (settle_run.go), and cuts are what the caps cut from its true-up.
	sealed bool
	cuts   []CapCut
}

// NewSettlements starts settling results of the evaluator's program. On a
// zero-value Evaluator it returns a builder whose Add returns an error
// wrapping ErrNoEvaluator (and whose Settle settles nothing).
func (e *Evaluator) NewSettlements() *SettlementBuilder {
	if e.ready() != nil {
		return &SettlementBuilder{e: e}
	}
	b := &SettlementBuilder{e: e, acc: make([]map[string]map[Date]*settleAcc, len(e.p.Settlements))}
	for i := range b.acc {
		b.acc[i] = map[string]map[Date]*settleAcc{}
	}
	return b
}

// Add adds one result of Evaluate or Run under the evaluator's program.
// An ineligible result, or one voided under the program's hold, adds
// nothing; an expired result (its claim window passed) counts towards the
// period total but advances nothing, as it was not paid; a result of
// another program is an
// error wrapping ErrInvalidProgram; so is Add on a zero-value
// SettlementBuilder or one from a zero-value Evaluator (ErrNoEvaluator).
//
// A builder attached to a run (RunOptions.Settlements) refuses Add
// (ErrInvalidOptions): the run adds its results itself.
func (b *SettlementBuilder) Add(r *Result) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (Add on a zero-value SettlementBuilder)", ErrNoEvaluator)
	}
	if b.live != nil {
		return fmt.Errorf("%w: Add on a SettlementBuilder attached to a run (RunOptions.Settlements); the run adds its results itself", ErrInvalidOptions)
	}
	return b.add(r)
}

// add is Add without the attached check.
func (b *SettlementBuilder) add(r *Result) error {
	if r == nil {
		return fmt.Errorf("%w: nil result added to a settlement", ErrInvalidDeal)
	}
	if r.Program != b.e.ref {
		return fmt.Errorf("%w: result of %s v%d added to a settlement of %s v%d", ErrInvalidProgram, r.Program.ID, r.Program.Version, b.e.p.ID, b.e.p.Version)
	}
	date := r.dateKey().day()
	if !r.Eligible || date.IsZero() || r.Hold != nil && r.Hold.Void {
		// A deal voided under the program's hold (a refund, say) counts
		// towards no period total.
		return nil
	}
	for i := range b.e.p.Settlements {
		if err := b.settledThrough(i, r); err != nil {
			return err
		}
	}
	if date.After(b.last) {
		b.last = date
	}
	for i := range b.e.p.Settlements {
		s := &b.e.p.Settlements[i]
		parts := b.acc[i][r.PartnerID]
		if parts == nil {
			parts = map[Date]*settleAcc{}
			b.acc[i][r.PartnerID] = parts
		}
		key := periodStart(s.Period, date, b.e.p.Effective.From)
		a := parts[key]
		if a == nil {
			a = &settleAcc{advances: map[Date]decimal.Decimal{}}
			parts[key] = a
			b.pending(i, key)
		}
		a.basis, a.started = a.basis.Add(r.basis), true
		if r.Expired {
			// Its claim window passed: its lines were never paid, so
			// they advance nothing (its amount still counts above).
			continue
		}
		sub := periodStart(s.advancePeriod(), date, b.e.p.Effective.From)
		if b.e.splits != nil {
			// A split deal advanced the partner only its own part: the
			// rest went to the other payees and is theirs to keep.
			for _, l := range ownShare(r) {
				if slices.Contains(s.Advances, l.Earning) {
					a.advances[sub] = a.advances[sub].Add(l.Amount.amount)
				}
			}
			continue
		}
		for _, l := range r.Lines {
			for _, id := range s.Advances {
				if l.Earning == id {
					a.advances[sub] = a.advances[sub].Add(l.Amount.amount)
				}
			}
		}
	}
	return nil
}

// ownShare returns the lines of a split result paid to the deal's own
// partner (none when every line went to other payees).
func ownShare(r *Result) []ShareLine {
	for i := range r.Shares {
		if r.Shares[i].PartnerID == r.PartnerID {
			return r.Shares[i].Lines
		}
	}
	return nil
}

// Last returns the latest close date (in the program's time zone) of the
// eligible results added; the zero Date when none was. On a builder
// attached to a run (RunOptions.Settlements) it is that of every deal the
// run met, eligible or not: a deal after a period's end settles the period
// in the run, so Settle(Last()) shows it settled.
func (b *SettlementBuilder) Last() Date { return b.last }

func (s *Settlement) advancePeriod() Period {
	if s.AdvancePeriod == "" {
		return PeriodMonth
	}
	return s.AdvancePeriod
}

// Settle returns the settlement lines of every partner and period seen,
// sorted by settlement (in program order), partner id and period. A period
// whose last day is after asOf is not settled (Settled false); a zero asOf
// settles nothing. Settle does not change the builder: calling it again
// with a later date settles more. A zero-value SettlementBuilder settles
// nothing.
//
// On a builder attached to a run, the periods the run settled keep the
// cuts their caps made then, and a period settled here (it ended after the
// run's last deal) is bounded by the cap counts the run left, each true-up
// counting for the next in the order stated on SettlementBuilder; the
// counts themselves do not change. A run with RunOptions.AsOf settles
// nothing after AsOf's day: a later asOf settles as of that day (as do
// Carries).
func (b *SettlementBuilder) Settle(asOf Date) []SettlementLine {
	lines, _, refs := b.settle(asOf, false)
	b.bound(lines, refs, false)
	return lines
}

// settle returns Settle's lines before the caps bound them, each partner's
// state after them, and each line's accumulator (parallel to the lines).
// With due (a run settling the periods just ended, settleLive) it returns
// only the lines of periods settled as of asOf and not sealed yet, and no
// carries: the sealed periods before them are worked through without
// building their lines, so a run's settlements cost little more than one
// Settle.
func (b *SettlementBuilder) settle(asOf Date, onlyDue bool) ([]SettlementLine, []SettlementCarry, []*settleAcc) {
	if b == nil || b.e.ready() != nil {
		return nil, nil, nil
	}
	if lv := b.live; lv != nil && !lv.limit.IsZero() && asOf.After(lv.limit) {
		// Attached to a run as of an earlier day: nothing ended after it.
		asOf = lv.limit
	}
	e := b.e
	cur := e.p.Currency
	m := func(d decimal.Decimal) Money { return Money{d, cur} }
	var out []SettlementLine
	var carries []SettlementCarry
	var refs []*settleAcc
	for i := range e.p.Settlements {
		s := &e.p.Settlements[i]
		partners := make([]string, 0, len(b.acc[i]))
		for id := range b.acc[i] {
			partners = append(partners, id)
		}
		if b.carry != nil {
			for id := range b.carry[i] {
				if b.acc[i][id] == nil {
					partners = append(partners, id)
				}
			}
		}
		sort.Strings(partners)
		for _, id := range partners {
			parts := b.acc[i][id]
			if onlyDue && !hasDue(parts, s.Period, asOf) {
				continue
			}
			// With due, a partner the run settled before resumes from
			// the state after its last sealed period (mark).
			var mark *settleMark
			if onlyDue {
				mark = b.live.mark(i, id)
			}
			keys := make([]Date, 0, len(parts))
			for k := range parts {
				if mark == nil || !mark.set || k.After(mark.last) {
					keys = append(keys, k)
				}
			}
			sort.Slice(keys, func(x, y int) bool { return keys[x].Before(keys[y]) })
			carry := decimal.Zero
			year, ytd, credited := 0, decimal.Zero, decimal.Zero
			var through Date
			if mark != nil && mark.set {
				carry, year, ytd, credited = mark.carry, mark.year, mark.ytd, mark.credited
			} else if c := b.carried(i, id); c != nil {
				carry = decimal.Min(c.Carried.amount, decimal.Zero)
				year, ytd, credited, through = c.Through.Year, c.Basis.amount, c.Credited.amount, c.Through
				if through.IsZero() && len(keys) > 0 {
					// Nothing settled yet (a year to date from SetPrior
					// carried on): the year is the first period's, as
					// for SetPrior.
					year = keys[0].Year
				}
			} else if b.prior != nil && len(keys) > 0 {
				pr := b.prior(s.ID, id)
				carry = decimal.Min(pr.Carried, decimal.Zero)
				year, ytd, credited = keys[0].Year, pr.Basis, pr.Credited
			}
			// The state after the last settled period, for Carries.
			endCarry, endYear, endYTD, endCredited := carry, year, ytd, credited
			var open []SettlementOpen
			for _, k := range keys {
				a := parts[k]
				end := periodEnd(s.Period, k)
				ln := SettlementLine{Settlement: s.ID, Type: s.Type, PartnerID: id, From: k, To: end,
					Settled: !asOf.IsZero() && !asOf.Before(end), Advances: Zero(cur)}
				// A sealed period's line is not wanted with due: only its
				// figures, for the carry and the year to date.
				quick := onlyDue && a.sealed
				adv := decimal.Zero
				if quick {
					for _, v := range a.advances {
						adv = adv.Add(v) // (exact: the order does not matter)
					}
				} else {
					subs := make([]Date, 0, len(a.advances))
					for sk := range a.advances {
						subs = append(subs, sk)
					}
					sort.Slice(subs, func(x, y int) bool { return subs[x].Before(subs[y]) })
					for _, sk := range subs {
						adv = adv.Add(a.advances[sk])
						ln.AdvancesBy = append(ln.AdvancesBy, Subtotal{Key: subKey(s.advancePeriod(), sk), Amount: m(a.advances[sk])})
					}
				}
				ln.Advances = m(adv)
				basis := a.basis
				if s.Credit == CreditYearToDate {
					if k.Year != year {
						year, ytd, credited = k.Year, decimal.Zero, decimal.Zero
					}
					ytd = ytd.Add(a.basis)
					credited = credited.Add(adv)
					basis = ytd
				}
				ln.Basis = m(basis)
				if idx := bandIndex(s.Bands.Bands, basis); idx >= 0 && !quick {
					ln.Band = &BandHit{Index: idx, Of: len(s.Bands.Bands), Label: s.Bands.Bands[idx].Label}
				}
				ent := e.mode.Round(s.Bands.owed(basis, a.started), e.places)
				ln.Entitlement = m(ent)
				ln.CarriedIn, ln.Credited, ln.TrueUp, ln.Payable, ln.CarriedOut, ln.Capped = Zero(cur), Zero(cur), Zero(cur), Zero(cur), Zero(cur), Zero(cur)
				if s.Credit == CreditYearToDate {
					ln.Credited = m(credited)
					if ln.Settled {
						up := ent.Sub(credited)
						ln.TrueUp = m(up)
						if up.Sign() > 0 {
							ln.Payable = m(up)
							credited = credited.Add(up)
						}
					}
				} else {
					ln.CarriedIn = m(carry)
					if ln.Settled {
						up := ent.Sub(adv).Add(carry)
						ln.TrueUp = m(up)
						if up.Sign() > 0 {
							ln.Payable, carry = m(up), decimal.Zero
						} else {
							ln.CarriedOut, carry = m(up), up
						}
					}
				}
				if !ln.Settled {
					if onlyDue {
						break // later periods have not ended either
					}
					// Later periods settle after this one; their basis
					// and advances so far are carried, not lost.
					if open == nil {
						out, refs = append(out, ln), append(refs, a)
					}
					open = append(open, a.open(k, cur))
					continue
				}
				if !quick {
					out, refs = append(out, ln), append(refs, a)
				}
				if mark != nil {
					// settleLive seals every line it is given.
					*mark = settleMark{set: true, last: k, carry: carry, year: year, ytd: ytd, credited: credited}
				}
				through, endCarry, endYear, endYTD, endCredited = end, carry, year, ytd, credited
			}
			if onlyDue {
				continue
			}
			c := SettlementCarry{Settlement: s.ID, PartnerID: id, Through: through, Carried: m(endCarry), Basis: Zero(cur), Credited: Zero(cur), Open: open}
			if s.Credit == CreditYearToDate {
				c.Carried = Zero(cur)
				if endYear == through.Year || through.IsZero() {
					c.Basis, c.Credited = m(endYTD), m(endCredited)
				}
			}
			carries = append(carries, c)
		}
	}
	return out, carries, refs
}

// hasDue reports whether a partner's periods of a settlement include one
// settled as of asOf and not sealed by the run yet.
func hasDue(parts map[Date]*settleAcc, per Period, asOf Date) bool {
	for k, a := range parts {
		if !a.sealed && !asOf.Before(periodEnd(per, k)) {
			return true
		}
	}
	return false
}

// advanceSteps explains the lines that are advances against a settlement.
// An expired result's lines were not paid, so they advance nothing.
func (e *Evaluator) advanceSteps(w *work) {
	if w.res.Expired {
		return
	}
	for _, l := range w.res.Lines {
		for i := range e.p.Settlements {
			s := &e.p.Settlements[i]
			for _, id := range s.Advances {
				if id != l.Earning {
					continue
				}
				earning, amount, cur := l.Earning, l.Amount.amount, e.p.Currency
				from := periodStart(s.Period, w.date, e.p.Effective.From)
				to := periodEnd(s.Period, from)
				split, own, partner := e.splits != nil, decimal.Zero, w.res.PartnerID
				if split {
					for _, sl := range ownShare(w.res) {
						if sl.Earning == earning {
							own = own.Add(sl.Amount.amount)
						}
					}
					split = !own.Equal(amount)
				}
				w.add(secFinal, stepRec{Kind: StepSettlement, OK: true, ref: s.ID, Index: i, amount: amount, origin: &s.Origin,
					words: func() string {
						head := "earning " + quote(earning) + ": " + fmtAmount(amount, cur) + " is an advance against settlement " + quote(s.ID)
						if split {
							return head + "; " + partner + "'s part, " + fmtAmount(own, cur) + ", is deducted at its true-up for " + from.String() + ".." + to.String() +
								" (the other payees' parts are theirs)"
						}
						return head + ", deducted at its true-up for " + from.String() + ".." + to.String()
					}})
			}
		}
	}
}

// subKey names a sub-period as PeriodLabel does: "2026-01" for a month,
// "2026-Q1" for a quarter, "2026-H1" for a half year, "2026" for a year.
func subKey(per Period, d Date) string {
	if per.months() == 0 {
		return fmt.Sprintf("%04d", d.Year)
	}
	return PeriodLabel(per, d)
}

// periodRank orders periods by length, for the sub-period check: 0 for a
// kind that is not a calendar period.
func periodRank(p Period) int { return p.months() }

// validateSettlements checks the program's settlements.
func (p *Program) validateSettlements(at func(path, format string, args ...any)) {
	ids := map[string]bool{}
	for i := range p.Earnings {
		ids[p.Earnings[i].ID] = true
	}
	for i := range p.Settlements {
		s := &p.Settlements[i]
		sp := index("settlements", i)
		switch {
		case s.ID == "":
			at(sp+".id", "settlement has no id")
		case ids[s.ID]:
			at(sp+".id", "settlement id %q is already the id of an earning or settlement", s.ID)
		}
		ids[s.ID] = true
		validType := false
		for _, t := range EarningTypes() {
			validType = validType || t == s.Type
		}
		if !validType {
			at(sp+".type", "unknown earning type %q", string(s.Type))
		}
		if periodRank(s.Period) == 0 {
			at(sp+".period", "a settlement period is month, quarter, half or year, got %q", string(s.Period))
		}
		if s.AdvancePeriod != "" {
			switch r := periodRank(s.AdvancePeriod); {
			case r == 0:
				at(sp+".advances.period", "advances are reported by month, quarter, half or year, got %q", string(s.AdvancePeriod))
			case periodRank(s.Period) != 0 && r > periodRank(s.Period):
				at(sp+".advances.period", "advances by %s do not fit in a %s settlement period; use a shorter advance period", s.AdvancePeriod, s.Period)
			}
		}
		switch s.Credit {
		case "", CreditPeriod, CreditYearToDate:
		default:
			at(sp+".credit", "unknown credit mode %q (want period or year_to_date)", string(s.Credit))
		}
		for j, a := range s.Advances {
			if earningByIDIn(p, a) == nil {
				at(index(sp+".advances.earnings", j), "advances name unknown earning %q", a)
			}
		}
		t := s.Bands
		if t == nil {
			at(sp+".bands", "a settlement needs a band table of rates or flat amounts by the period total")
			continue
		}
		switch {
		case t.Pays != PaysRate && t.Pays != PaysFlat:
			at(sp+".bands.pays", "a settlement's bands pay a rate or a flat amount, not %q", string(t.Pays))
		case t.Basis != "" && t.Basis != BasisDeal:
			at(sp+".bands.basis", "a settlement's basis is its period's total; leave out `basis:`")
		case t.Measure != nil:
			at(sp+".bands.measure", "a settlement's basis is the total of the period's deal amounts; leave out `measure:`")
		}
		for _, bp := range checkBands(t.Bands) {
			at(sp+".bands.table"+bp.path, "%s", bp.msg)
		}
	}
}

func earningByIDIn(p *Program, id string) *Earning {
	for i := range p.Earnings {
		if p.Earnings[i].ID == id {
			return &p.Earnings[i]
		}
	}
	return nil
}
