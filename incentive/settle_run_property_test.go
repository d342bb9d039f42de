package incentive

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Settled in the run, true-ups stay inside the caps: for every partner cap
// period, the deals paid in it plus the true-ups of the periods ending in
// it never pass the cap, the budget's total never passes the budget, every
// line adds up, and one worker, two or four give the same figures; over
// sales mixed with credit notes (linked or not) and every rounding stage.
func TestPropertySettlementsInsideCaps(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		credit := rapid.SampledFrom(CreditModes()).Draw(t, "credit")
		p := rebateProgram(credit, decimal.New(rapid.Int64Range(1, 100).Draw(t, "bandFrom"), 3).String())
		p.Settlements[0].Period = rapid.SampledFrom([]Period{PeriodMonth, PeriodQuarter, PeriodYear}).Draw(t, "settlePeriod")
		p.Rounding = Rounding{Mode: rapid.SampledFrom(RoundingModes()).Draw(t, "mode"),
			Stage: rapid.SampledFrom(RoundingStages()).Draw(t, "stage")}
		// Sales mixed with credit notes, linked to an earlier deal of the
		// same partner or not, in one case in two.
		p.AllowNegative = rapid.Bool().Draw(t, "credits")
		if rapid.Bool().Draw(t, "partnerCap") {
			p.Caps = append(p.Caps, Cap{Scope: CapPartner, Limit: genCents(t, 1, 400_000, "partnerLimit"),
				Period: rapid.SampledFrom([]Period{PeriodMonth, PeriodQuarter, PeriodYear}).Draw(t, "capPeriod")})
		}
		if rapid.Bool().Draw(t, "budget") {
			p.Caps = append(p.Caps, Cap{Scope: CapBudget, Limit: genCents(t, 1, 1_000_000, "budgetLimit")})
		}
		n := rapid.IntRange(1, 25).Draw(t, "deals")
		var deals []Deal
		net := map[string]decimal.Decimal{} // a sale's amount net of its credit notes
		at := time.Date(2026, 1, 1, 12, 0, 0, 0, nyc)
		for i := range n {
			at = at.Add(time.Duration(rapid.IntRange(0, 40).Draw(t, "gapDays")) * 24 * time.Hour)
			if at.Year() > 2026 {
				break
			}
			d := deal(fmt.Sprintf("D-%02d", i), rapid.SampledFrom([]string{"P-1", "P-2", "P-3"}).Draw(t, "partner"), "0", "2026-01-01")
			d.Amount, d.CloseDate = Money{genCents(t, 0, 5_000_000, "amount"), "USD"}, at
			if p.AllowNegative && rapid.IntRange(0, 2).Draw(t, "credit") == 0 {
				d.Amount = Money{genCents(t, -2_000_000, -1, "creditAmount"), "USD"}
				// Link it to an earlier sale of the partner whose net
				// stays at zero or more, if one is drawn.
				if j := rapid.IntRange(-1, len(deals)-1).Draw(t, "credits"); j >= 0 && deals[j].PartnerID == d.PartnerID &&
					net[deals[j].ID].Add(d.Amount.amount).Sign() >= 0 {
					d.Credits = deals[j].ID
					net[deals[j].ID] = net[deals[j].ID].Add(d.Amount.amount)
				}
			} else {
				net[d.ID] = d.Amount.amount
			}
			deals = append(deals, d)
		}
		var figures []string
		for _, workers := range []int{1, 2, 4} {
			e, err := NewEvaluator(p)
			if err != nil {
				t.Fatal(err)
			}
			b := e.NewSettlements()
			ins := make([]Input, len(deals))
			for i, d := range deals {
				ins[i] = Input{Deal: d, Partner: gold(d.PartnerID)}
			}
			type key struct {
				partner string
				from    Date
			}
			capPaid := map[key]decimal.Decimal{}
			budget := decimal.Zero
			var got []string
			for r, err := range e.Run(t.Context(), inputsOf(ins...), RunOptions{Settlements: b, Workers: workers}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, r.DealID+" "+r.Total.Amount().String())
				budget = budget.Add(r.Total.Amount())
				for _, c := range p.Caps {
					if c.Scope == CapPartner {
						k := key{r.PartnerID, periodStart(c.Period, r.dateKey().day(), p.Effective.From)}
						capPaid[k] = capPaid[k].Add(r.Total.Amount())
					}
				}
			}
			for _, l := range b.Settle(Date{2026, 12, 31}) {
				got = append(got, fmt.Sprintf("%s %s %s %s %s", l.PartnerID, l.From, l.TrueUp.Amount(), l.Payable.Amount(), l.Capped.Amount()))
				if l.Payable.Amount().Sign() < 0 || l.Capped.Amount().Sign() < 0 {
					t.Fatalf("line %+v: payable or capped below zero", l)
				}
				if up := l.TrueUp.Amount(); up.Sign() > 0 && !up.Equal(l.Payable.Amount().Add(l.Capped.Amount())) {
					t.Fatalf("line %+v: true-up != payable + capped", l)
				}
				budget = budget.Add(l.Payable.Amount())
				for _, c := range p.Caps {
					if c.Scope == CapPartner {
						k := key{l.PartnerID, periodStart(c.Period, l.To, p.Effective.From)}
						capPaid[k] = capPaid[k].Add(l.Payable.Amount())
					}
				}
			}
			for _, c := range p.Caps {
				switch c.Scope {
				case CapBudget:
					if budget.GreaterThan(c.Limit) {
						t.Fatalf("budget %s paid %s", c.Limit, budget)
					}
				case CapPartner:
					for k, v := range capPaid {
						if v.GreaterThan(c.Limit) {
							t.Fatalf("partner %s, %s from %s: paid %s over the cap %s", k.partner, c.Period, k.from, v, c.Limit)
						}
					}
				}
			}
			figures = append(figures, fmt.Sprint(got))
		}
		if len(p.Caps) == 0 {
			// Without caps, settling in the run changes nothing: the
			// lines are those of the results added by hand.
			e, err := NewEvaluator(p)
			if err != nil {
				t.Fatal(err)
			}
			b := e.NewSettlements()
			var want []string
			ins := make([]Input, len(deals))
			for i, d := range deals {
				ins[i] = Input{Deal: d, Partner: gold(d.PartnerID)}
			}
			for r, err := range e.Run(t.Context(), inputsOf(ins...), RunOptions{Workers: 1}) {
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, r.DealID+" "+r.Total.Amount().String())
				if err := b.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			for _, l := range b.Settle(Date{2026, 12, 31}) {
				want = append(want, fmt.Sprintf("%s %s %s %s %s", l.PartnerID, l.From, l.TrueUp.Amount(), l.Payable.Amount(), l.Capped.Amount()))
			}
			if fmt.Sprint(want) != figures[0] {
				t.Fatalf("by hand and in the run differ:\n%s\n%s", fmt.Sprint(want), figures[0])
			}
		}
		if slices.ContainsFunc(figures, func(f string) bool { return f != figures[0] }) {
			t.Fatalf("one worker and more differ:\n%s\n%v", figures[0], figures[1:])
		}
	})
}
