package incentive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// creditCase is one generated run: a program that allows credit notes and
// a sequence of sales and linked and unlinked credit notes.
type creditCase struct {
	p       *Program
	deals   []Deal
	workers int
	used    decimal.Decimal // RunOptions.BudgetUsed
	// stateful: the program has a partner-period band table, whose
	// earnings depend on the deals before (no alone-check of deals then).
	stateful bool
}

func (c creditCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stage %s, mode %s, workers %d, budget used %s, caps:", c.p.Rounding.Stage, c.p.Rounding.Mode, c.workers, c.used)
	for _, cp := range c.p.Caps {
		fmt.Fprintf(&b, " %s %s %s;", cp.Scope, cp.Limit, cp.Period)
	}
	for _, d := range c.deals {
		fmt.Fprintf(&b, "\n  %s %s %s %s", d.ID, d.PartnerID, d.Amount.Amount(), d.CloseDate.Format(time.DateTime))
		if d.Credits != "" {
			fmt.Fprintf(&b, " credits %s", d.Credits)
		}
	}
	return b.String()
}

// checkT is what the checks need of a *testing.T or a *rapid.T.
type checkT interface {
	Fatalf(format string, args ...any)
	Fatal(args ...any)
	Context() context.Context
}

// genCreditCase draws a program and a deal sequence.
func genCreditCase(t *rapid.T) creditCase {
	p := simple(withRate("base", decimal.New(rapid.Int64Range(0, 500).Draw(t, "bp"), -4).String(), nil))
	c := creditCase{p: p}
	if rapid.Bool().Draw(t, "kicker") {
		// A flat line above a threshold, so a credit can drop a line.
		p.Earnings = append(p.Earnings, Earning{ID: "kicker", Type: Bonus,
			When: AtLeast(PathDealAmount, genCents(t, 0, 5_000_000, "kickerFrom")), Amount: Const(genCents(t, 1, 5_000, "kicker"))})
	}
	if rapid.Bool().Draw(t, "bands") {
		c.stateful = true
		p.Earnings = append(p.Earnings, Earning{ID: "tier", Type: Rebate, Bands: &BandTable{
			Method: rapid.SampledFrom([]BandMethod{Retroactive, Marginal}).Draw(t, "method"),
			Pays:   PaysRate, Basis: BasisPeriod, Period: PeriodQuarter,
			Bands: []Band{{From: dec("0"), To: decp("20000"), Value: dec("0.01")}, {From: dec("20000"), Value: dec("0.03")}}}})
	}
	// Now and then sales only, without AllowNegative: such a program runs
	// sharded by partner on several workers (Evaluator.shardable), so the
	// invariants below and the comparison of worker counts cover that path
	// too, with every cap scope, stage and mode.
	salesOnly := rapid.IntRange(0, 3).Draw(t, "salesOnly") == 0
	p.AllowNegative = !salesOnly
	p.Rounding = Rounding{Stage: rapid.SampledFrom([]RoundingStage{StageLine, StageDeal, StageStatement}).Draw(t, "stage"),
		Mode: rapid.SampledFrom(RoundingModes()).Draw(t, "mode")}
	if rapid.Bool().Draw(t, "lineCap") {
		p.Caps = append(p.Caps, Cap{Scope: CapLine, Limit: genCents(t, 1, 100_000, "lineCap")})
	}
	if rapid.Bool().Draw(t, "dealCap") {
		p.Caps = append(p.Caps, Cap{Scope: CapDeal, Limit: genCents(t, 1, 150_000, "dealCap")})
	}
	for range rapid.IntRange(0, 2).Draw(t, "partnerCaps") {
		p.Caps = append(p.Caps, Cap{Scope: CapPartner, Limit: genCents(t, 1, 300_000, "partnerCap"),
			Period: rapid.SampledFrom([]Period{PeriodProgram, PeriodMonth, PeriodQuarter}).Draw(t, "capPeriod")})
	}
	if rapid.Bool().Draw(t, "budget") {
		p.Caps = append(p.Caps, Cap{Scope: CapBudget, Limit: genCents(t, 1, 600_000, "budget")})
		c.used = genCents(t, 0, 100_000, "used")
	}
	c.workers = rapid.SampledFrom([]int{1, 2, 4}).Draw(t, "workers")

	// Deals one to twenty days apart from mid-December 2025, so some fall
	// outside the 2026 window and periods change along the way.
	at := time.Date(2025, 12, 20, 9, 0, 0, 0, nyc)
	type sale struct {
		id, partner string
		net         int64 // cents left, as the generator sees it
	}
	var sales []sale
	n := rapid.IntRange(1, 40).Draw(t, "n")
	for i := range n {
		at = at.Add(time.Duration(rapid.IntRange(1, 20*24*60).Draw(t, "minutes")) * time.Minute)
		partnerID := fmt.Sprintf("P-%d", rapid.IntRange(1, 3).Draw(t, "partner"))
		id := fmt.Sprintf("D-%03d", i)
		var d Deal
		switch kind := rapid.IntRange(0, 9).Draw(t, "kind"); {
		case kind <= 4 || len(sales) == 0 || salesOnly: // a sale
			cents := rapid.Int64Range(0, 2_000_000_00).Draw(t, "cents") / int64(rapid.SampledFrom([]int{1, 100, 10_000}).Draw(t, "scale"))
			d = deal(id, partnerID, decimal.New(cents, -2).String(), "2026-01-01")
			sales = append(sales, sale{id, partnerID, cents})
		case kind <= 6: // an unlinked credit note
			cents := rapid.Int64Range(1, 1_000_000_00).Draw(t, "cents") / int64(rapid.SampledFrom([]int{1, 100, 10_000}).Draw(t, "scale"))
			d = deal(id, partnerID, decimal.New(-cents-1, -2).String(), "2026-01-01")
		default: // a credit note naming an earlier sale (now and then more than is left)
			s := &sales[rapid.IntRange(0, len(sales)-1).Draw(t, "credited")]
			cents := rapid.Int64Range(1, s.net+s.net/10+1).Draw(t, "cents")
			if rapid.IntRange(0, 3).Draw(t, "half") == 0 {
				cents = 1 // half-cent and cent takebacks
			}
			d = deal(id, s.partner, decimal.New(-cents, -2).String(), "2026-01-01")
			d.Credits = s.id
			if cents <= s.net {
				s.net -= cents
			}
		}
		d.CloseDate = at
		c.deals = append(c.deals, d)
	}
	return c
}

// checkCreditCase runs a case and checks every invariant of issue #6 at
// every prefix of the run.
func checkCreditCase(t checkT, c creditCase) {
	p := c.p
	e, err := NewEvaluator(p)
	if err != nil {
		t.Fatalf("program: %v\n%s", err, c)
	}
	loc := p.Effective.Loc()
	unit := decimal.New(1, -e.places)
	// Per-deal state the checks keep: what a sale has paid net, its net
	// amount, and where it counts.
	type sold struct {
		deal     Deal
		eligible bool
		paid     decimal.Decimal
		net      decimal.Decimal
	}
	sales := map[string]*sold{}
	// Caps' counts as the checks see them: partner cap ci, partner, period
	// start -> paid; and the budget.
	capPaid := map[string]decimal.Decimal{}
	budget := c.used
	partnerNet := map[string]decimal.Decimal{}
	// unlinked, per partner, is what credit notes that named no deal took
	// back and no linked credit has yet found missing.
	unlinked := map[string]decimal.Decimal{}
	key := func(ci int, partnerID string, at time.Time) string {
		per := p.Caps[ci].Period
		return fmt.Sprintf("%d/%s/%s", ci, partnerID, periodStart(per, DateOf(at.In(loc)), p.Effective.From))
	}
	var results []*Result
	var errs []string
	i := 0
	for r, err := range e.Run(t.Context(), inputs(c.deals...), RunOptions{Workers: c.workers, BudgetUsed: c.used}) {
		d := c.deals[i]
		i++
		results = append(results, r)
		if err != nil {
			errs = append(errs, err.Error())
			// The only errors are credits of more than a deal's net amount.
			s := sales[d.Credits]
			if d.Credits == "" || s == nil || !errors.Is(err, ErrInvalidDeal) || d.Amount.Amount().Neg().Cmp(s.net) <= 0 {
				t.Fatalf("deal %s: unexpected error %v\n%s", d.ID, err, c)
			}
			continue
		}
		errs = append(errs, "")
		tot := r.Total.Amount()
		sum := decimal.Zero
		for _, l := range r.Lines {
			sum = sum.Add(l.Amount.Amount())
		}
		if !sum.Equal(tot) {
			t.Fatalf("deal %s: lines add up to %s, total is %s\n%s", d.ID, sum, tot, c)
		}
		if p.Rounding.Stage != StageStatement && !tot.Equal(tot.Truncate(e.places)) {
			t.Fatalf("deal %s: total %s is finer than the payout grid\n%s", d.ID, tot, c)
		}
		// Attribute the payout to the sale it belongs to.
		countAt := d
		switch {
		case d.Credits != "":
			s := sales[d.Credits]
			if s == nil {
				t.Fatalf("deal %s credits unknown %s\n%s", d.ID, d.Credits, c)
			}
			if s.eligible && d.Amount.Amount().Neg().Cmp(s.net) > 0 {
				t.Fatalf("deal %s credits %s more than its net %s and was not refused\n%s", d.ID, d.Credits, s.net, c)
			}
			if tot.Sign() > 0 {
				t.Fatalf("linked credit %s pays %s\n%s", d.ID, tot, c)
			}
			s.net = s.net.Add(d.Amount.Amount())
			countAt = s.deal
			if c.stateful || !s.eligible {
				s.paid = s.paid.Add(tot)
			} else {
				// The rule, computed here on its own: the deal keeps what its
				// net amount earns alone, at most what it was paid; the rest
				// is taken back, except what an earlier credit note that named
				// no deal already took from the partner.
				alone := decimal.Zero
				if s.net.Sign() > 0 {
					alone = earnsAlone(t, p, s.deal, s.net)
				}
				keep := decimal.Min(s.paid, decimal.Max(alone, decimal.Zero))
				want := s.paid.Sub(keep)
				got := tot.Neg()
				if got.Cmp(want) > 0 {
					t.Fatalf("credit %s takes back %s from %s, more than the %s it was paid above the %s its net %s earns\n%s", d.ID, got, s.deal.ID, s.paid, alone, s.net, c)
				}
				if short := want.Sub(got); short.Sign() > 0 {
					if short.Cmp(unlinked[d.PartnerID]) > 0 {
						t.Fatalf("credit %s takes back %s from %s, %s short of the rule, more than the %s unlinked credits took from %s\n%s", d.ID, got, s.deal.ID, short, unlinked[d.PartnerID], d.PartnerID, c)
					}
					unlinked[d.PartnerID] = unlinked[d.PartnerID].Sub(short)
				}
				s.paid = keep
			}
			if s.paid.Sign() < 0 {
				t.Fatalf("deal %s's net payout %s is below zero after credit %s\n%s", s.deal.ID, s.paid, d.ID, c)
			}
		case d.Amount.IsNegative():
			if tot.Sign() > 0 {
				t.Fatalf("unlinked credit %s pays %s\n%s", d.ID, tot, c)
			}
			unlinked[d.PartnerID] = unlinked[d.PartnerID].Sub(tot)
		default:
			if tot.Sign() < 0 {
				t.Fatalf("sale %s pays %s\n%s", d.ID, tot, c)
			}
			sales[d.ID] = &sold{deal: d, eligible: r.Eligible, paid: tot, net: d.Amount.Amount()}
			if r.Eligible && !c.stateful {
				if alone := earnsAlone(t, p, d, d.Amount.Amount()); tot.Cmp(alone) > 0 {
					t.Fatalf("sale %s pays %s, above the %s it earns alone\n%s", d.ID, tot, alone, c)
				}
			}
		}
		// Line and deal caps: a sale's lines and total never exceed them
		// (credits only lower a sale's payout).
		for ci, cp := range p.Caps {
			switch {
			case cp.Scope == CapDeal && d.Credits == "" && tot.Cmp(cp.Limit) > 0:
				t.Fatalf("deal %s pays %s over the deal cap %s\n%s", d.ID, tot, cp.Limit, c)
			case cp.Scope == CapLine && d.Credits == "":
				for _, l := range r.Lines {
					if l.Amount.Amount().Cmp(cp.Limit) > 0 {
						t.Fatalf("deal %s line %s pays %s over the line cap %s\n%s", d.ID, l.Earning, l.Amount, cp.Limit, c)
					}
				}
			case cp.Scope == CapPartner:
				k := key(ci, d.PartnerID, countAt.CloseDate)
				capPaid[k] = capPaid[k].Add(tot)
				if capPaid[k].Cmp(cp.Limit) > 0 {
					t.Fatalf("after %s the partner cap %s (%s) has paid %s\n%s", d.ID, cp.Limit, k, capPaid[k], c)
				}
				if capPaid[k].Sign() < 0 {
					t.Fatalf("after %s the partner cap %s (%s) has paid %s, below zero\n%s", d.ID, cp.Limit, k, capPaid[k], c)
				}
			}
		}
		budget = budget.Add(tot)
		for _, cp := range p.Caps {
			if cp.Scope == CapBudget && budget.Cmp(decimal.Max(cp.Limit, c.used)) > 0 {
				t.Fatalf("after %s the program has paid %s over the budget %s\n%s", d.ID, budget, cp.Limit, c)
			}
		}
		partnerNet[d.PartnerID] = partnerNet[d.PartnerID].Add(tot)
		if partnerNet[d.PartnerID].Sign() < 0 {
			t.Fatalf("after %s partner %s has been paid %s net, below zero\n%s", d.ID, d.PartnerID, partnerNet[d.PartnerID], c)
		}
	}
	if i != len(c.deals) {
		t.Fatalf("%d results for %d deals\n%s", i, len(c.deals), c)
	}

	// The statement equals the sum of its lines.
	sb := e.NewStatement(nil)
	exact := map[string]decimal.Decimal{}
	all := decimal.Zero
	for _, r := range results {
		if r == nil {
			continue
		}
		if err := sb.Add(r); err != nil {
			t.Fatal(err)
		}
		exact[r.PartnerID] = exact[r.PartnerID].Add(r.Total.Amount())
		all = all.Add(r.Total.Amount())
	}
	s := sb.Statement()
	sum := decimal.Zero
	for _, ps := range s.Partners {
		earned := ps.Earned.Amount()
		sum = sum.Add(earned)
		diff := earned.Sub(exact[ps.PartnerID]).Abs()
		if p.Rounding.Stage != StageStatement && !diff.IsZero() || diff.Cmp(unit) >= 0 {
			t.Fatalf("statement: partner %s earned %s, its results add up to %s\n%s", ps.PartnerID, earned, exact[ps.PartnerID], c)
		}
		by := decimal.Zero
		for _, st := range ps.ByType {
			by = by.Add(st.Amount.Amount())
		}
		if !by.Equal(earned) {
			t.Fatalf("statement: partner %s by type adds up to %s, earned %s\n%s", ps.PartnerID, by, earned, c)
		}
		for ci, cp := range p.Caps {
			if cp.Scope == CapPartner && cp.Period == PeriodProgram && earned.Cmp(cp.Limit) > 0 {
				t.Fatalf("statement: partner %s earned %s over the partner cap %d of %s\n%s", ps.PartnerID, earned, ci, cp.Limit, c)
			}
		}
	}
	if !sum.Equal(s.Earned.Amount()) {
		t.Fatalf("statement: partners add up to %s, total %s\n%s", sum, s.Earned.Amount(), c)
	}
	for _, cp := range p.Caps {
		if cp.Scope == CapBudget && c.used.Add(s.Earned.Amount()).Cmp(decimal.Max(cp.Limit, c.used)) > 0 {
			t.Fatalf("statement: %s paid on top of %s used, over the budget %s\n%s", s.Earned.Amount(), c.used, cp.Limit, c)
		}
	}

	// The same results for any number of workers.
	other := 1
	if c.workers == 1 {
		other = 3
	}
	j := 0
	for r, err := range e.Run(t.Context(), inputs(c.deals...), RunOptions{Workers: other, BudgetUsed: c.used}) {
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != errs[j] || (r == nil) != (results[j] == nil) || r != nil && (!r.Total.Equal(results[j].Total) || r.Explain() != results[j].Explain()) {
			t.Fatalf("deal %s: %d workers and %d workers differ\n%s", c.deals[j].ID, c.workers, other, c)
		}
		j++
	}
}

// earnsAlone is what deal d earns at amount net under p's terms without
// the partner and budget caps (the "alone" of the invariants): evaluated
// on its own, from zero running totals.
func earnsAlone(t checkT, p *Program, d Deal, net decimal.Decimal) decimal.Decimal {
	q := *p
	q.Caps = nil
	for _, c := range p.Caps {
		if c.Scope == CapLine || c.Scope == CapDeal {
			q.Caps = append(q.Caps, c)
		}
	}
	d.Amount = NewMoney(net, d.Amount.Currency())
	r, err := Evaluate(t.Context(), &q, Input{Deal: d, Partner: gold(d.PartnerID)}, time.Time{})
	if err != nil {
		t.Fatalf("alone: %v", err)
	}
	return r.Total.Amount()
}

// The invariants of issue #6 over random interleavings of sales and linked
// and unlinked credit notes, across partners, periods, caps, rounding
// stages and modes, and worker counts. Run longer with -rapid.checks=N.
func TestPropertyCreditInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkCreditCase(t, genCreditCase(t))
	})
}

// Shrunk failures of TestPropertyCreditInvariants, kept as regression
// cases.
func TestPropertyCreditInvariantsRegressions(t *testing.T) {
	at := func(d Deal, minute int) Deal {
		d.CloseDate = time.Date(2026, 1, 1, 0, minute, 0, 0, nyc)
		return d
	}
	onePoint := func(stage RoundingStage, mode RoundingMode, caps ...Cap) *Program {
		p := simple(withRate("base", "0.0001", nil))
		p.AllowNegative = true
		p.Rounding = Rounding{Stage: stage, Mode: mode}
		p.Caps = caps
		return p
	}
	tests := []struct {
		name string
		c    creditCase
	}{{
		// An unlinked credit took D-3's cent back from the partner; the
		// linked credit then took it back again, leaving the partner cap's
		// count at -0.01.
		name: "a linked credit after an unlinked one",
		c: creditCase{workers: 1, p: onePoint(StageLine, Up, Cap{Scope: CapPartner, Limit: dec("0.01"), Period: PeriodProgram}),
			deals: []Deal{
				at(deal("D-3", "P-3", "0.01", "2026-01-01"), 0),
				at(deal("D-4", "P-3", "-0.02", "2026-01-01"), 1),
				at(credit("D-6", "P-3", "-0.01", "2026-01-01", "D-3"), 3),
			}},
	}, {
		// The second linked credit took back what the unlinked credit had
		// already taken from the deal, because the deal's record kept it.
		name: "two linked credits around an unlinked one",
		c: creditCase{workers: 2, p: onePoint(StageStatement, HalfUp),
			deals: []Deal{
				at(deal("D-17", "P-1", "0.02", "2026-01-01"), 17),
				at(deal("D-18", "P-1", "-0.02", "2026-01-01"), 18),
				at(credit("D-20", "P-1", "-0.01", "2026-01-01", "D-17"), 20),
				at(deal("D-23", "P-1", "0.02", "2026-01-01"), 23),
				at(credit("D-32", "P-1", "-0.01", "2026-01-01", "D-17"), 32),
			}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCreditCase(t, tt.c) })
	}
}
