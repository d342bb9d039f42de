package incentive

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genCents draws an amount in cents from [lo, hi] as a decimal.
func genCents(t *rapid.T, lo, hi int64, label string) decimal.Decimal {
	return decimal.New(rapid.Int64Range(lo, hi).Draw(t, label), -2)
}

// Caps and the budget are never exceeded, whatever the deals.
func TestPropertyCapsAndBudgetHold(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dealCap := genCents(t, 1, 500_000, "dealCap")
		partnerCap := genCents(t, 1, 2_000_000, "partnerCap")
		budget := genCents(t, 1, 5_000_000, "budget")
		used := genCents(t, 0, 6_000_000, "budgetUsed")
		rate := decimal.New(rapid.Int64Range(0, 2000).Draw(t, "bp"), -4) // 0% .. 20%
		p := simple(withRate("base", rate.String(), nil),
			Earning{ID: "tier", Type: Rebate, Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Basis: BasisPeriod,
				Bands: []Band{{From: dec("0"), To: decp("50000"), Value: dec("0.01")}, {From: dec("50000"), Value: dec("0.03")}}}})
		p.Rounding.Mode = rapid.SampledFrom(RoundingModes()).Draw(t, "mode")
		p.Caps = []Cap{{Scope: CapDeal, Limit: dealCap}, {Scope: CapPartner, Limit: partnerCap}, {Scope: CapBudget, Limit: budget}}
		n := rapid.IntRange(1, 40).Draw(t, "n")
		deals := make([]Deal, n)
		for i := range deals {
			deals[i] = deal(fmt.Sprintf("D-%03d", i), fmt.Sprintf("P-%d", rapid.IntRange(0, 3).Draw(t, "partner")),
				genCents(t, 0, 30_000_000, "amount").String(), "2026-06-01")
			deals[i].CloseDate = deals[i].CloseDate.Add(timeStep * durationOf(i))
		}
		byPartner := map[string]decimal.Decimal{}
		paid := decimal.Zero
		for r, err := range Run(t.Context(), p, inputs(deals...), RunOptions{BudgetUsed: used, Workers: rapid.IntRange(1, 4).Draw(t, "workers")}) {
			if err != nil {
				t.Fatal(err)
			}
			tot := r.Total.Amount()
			if tot.Cmp(dealCap) > 0 {
				t.Fatalf("deal %s pays %s over the deal cap %s", r.DealID, tot, dealCap)
			}
			byPartner[r.PartnerID] = byPartner[r.PartnerID].Add(tot)
			if byPartner[r.PartnerID].Cmp(partnerCap) > 0 {
				t.Fatalf("partner %s earned %s over the partner cap %s", r.PartnerID, byPartner[r.PartnerID], partnerCap)
			}
			paid = paid.Add(tot)
			if used.Add(paid).Cmp(decimal.Max(budget, used)) > 0 {
				t.Fatalf("program paid %s + %s over the budget %s", used, paid, budget)
			}
			sum := decimal.Zero
			for _, l := range r.Lines {
				sum = sum.Add(l.Amount.Amount())
			}
			if !sum.Equal(tot) {
				t.Fatalf("lines add up to %s, total is %s", sum, tot)
			}
		}
	})
}

// Marginal earnings never fall as the basis grows (non-negative rates), and
// the marginal earning never exceeds the retroactive one at the top rate.
func TestPropertyMarginalIsMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nb := rapid.IntRange(1, 6).Draw(t, "bands")
		bands := make([]Band, nb)
		from := decimal.Zero
		for i := range bands {
			bands[i] = Band{From: from, Value: decimal.New(rapid.Int64Range(0, 1000).Draw(t, "rate"), -4)}
			if i < nb-1 {
				to := from.Add(genCents(t, 1, 10_000_000, "width"))
				bands[i].To = &to
				from = to
			}
		}
		tb := &BandTable{Method: Marginal, Pays: PaysRate, Bands: bands}
		a := genCents(t, 0, 100_000_000, "a")
		b := a.Add(genCents(t, 0, 100_000_000, "delta"))
		oa, ob := tb.owed(a, true), tb.owed(b, true)
		if ob.Cmp(oa) < 0 {
			t.Fatalf("owed(%s) = %s > owed(%s) = %s", a, oa, b, ob)
		}
		// Splitting the basis over two deals earns the same as one deal.
		first, _ := planTable(tb, 2).apply(bandInput{after: a}, nil)
		second, _ := planTable(tb, 2).apply(bandInput{before: a, after: b, started: true}, nil)
		if !first.Add(second).Equal(ob) {
			t.Fatalf("%s + %s != owed(%s) = %s", first, second, b, ob)
		}
	})
}

// The prepared (fast) marginal table agrees with the band-by-band sum.
func TestPropertyTablePlanMatchesOwed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		nb := rapid.IntRange(1, 5).Draw(t, "bands")
		bands := make([]Band, nb)
		from := genCents(t, 0, 1_000_000, "start")
		for i := range bands {
			bands[i] = Band{From: from, Value: decimal.New(rapid.Int64Range(0, 1000).Draw(t, "rate"), -4)}
			if i < nb-1 || rapid.Bool().Draw(t, "boundedLast") {
				to := from.Add(genCents(t, 1, 10_000_000, "width"))
				bands[i].To = &to
				from = to
			}
		}
		tb := &BandTable{Method: Marginal, Pays: PaysRate, Bands: bands}
		tp := planTable(tb, 2)
		if !tp.fast {
			t.Fatal("a marginal rate table starting at >= 0 should take the fast path")
		}
		x := genCents(t, -1_000_000, 80_000_000, "x")
		if got, want := tp.owed(x, true), tb.owed(x, true); !got.Equal(want) {
			t.Fatalf("plan owed(%s) = %s, table owed = %s", x, got, want)
		}
	})
}
