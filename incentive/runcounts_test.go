package incentive_test

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// budgetProgram pays 10% of each deal under a program budget of limit
// ("" for no budget).
func budgetProgram(limit string) *incentive.Program {
	p := &incentive.Program{
		ID: "fee", Name: "Fee", Version: 1, Currency: incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 1, Day: 1}},
		Earnings: []incentive.Earning{{ID: "fee", Type: incentive.Rebate,
			Amount: incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.10"))}},
	}
	if limit != "" {
		p.Caps = []incentive.Cap{{Scope: incentive.CapBudget, Limit: decimal.RequireFromString(limit)}}
	}
	return p
}

// budgetDeals are deals of P-1 and P-2 in turn, one a day from 2026-01-10.
func budgetDeals(amounts ...string) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		for i, amount := range amounts {
			in := incentive.Input{Deal: incentive.Deal{ID: fmt.Sprint("D-", i), PartnerID: fmt.Sprint("P-", 1+i%2),
				Amount:    incentive.MustParseMoney(amount, "USD"),
				CloseDate: time.Date(2026, 1, 10+i, 12, 0, 0, 0, time.UTC)}}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// runBudget runs deals and returns what they paid and the counts.
func runBudget(t *testing.T, p *incentive.Program, opts incentive.RunOptions, amounts ...string) (decimal.Decimal, *incentive.RunCounts) {
	t.Helper()
	counts := &incentive.RunCounts{}
	opts.Counts = counts
	paid := decimal.Zero
	for r, err := range incentive.Run(context.Background(), p, budgetDeals(amounts...), opts) {
		require.NoError(t, err)
		paid = paid.Add(r.Total.Amount())
	}
	return paid, counts
}

// TestRunCountsBudgetUsed checks the budget count a run reports, on every
// way a run goes (one worker; several, sharded by partner or not), from
// a carried BudgetUsed or zero.
func TestRunCountsBudgetUsed(t *testing.T) {
	tests := []struct {
		name, limit, start string
		// paid is what the run pays; used its budget count.
		paid, used string
	}{
		// 3,000, 4,000 and 5,000 at 10%: 300 + 400 + 500 = 1,200.00.
		{name: "room to spare", limit: "2000", start: "0", paid: "1200", used: "1200"},
		// 250.00 carried in: 250 + 1,200 = 1,450.00.
		{name: "carried in", limit: "2000", start: "250", paid: "1200", used: "1450"},
		// 250 + 300 + 400 = 950.00; the third deal's 500.00 is cut to the
		// 50.00 left: 1,000.00, and the run pays 750.00.
		{name: "the budget binds", limit: "1000", start: "250", paid: "750", used: "1000"},
		// Spent before the run: nothing paid, the count stays.
		{name: "spent before", limit: "1000", start: "1000", paid: "0", used: "1000"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				p := budgetProgram(tt.limit)
				paid, counts := runBudget(t, p, incentive.RunOptions{Workers: workers, BudgetUsed: decimal.RequireFromString(tt.start)},
					"3000", "4000", "5000")
				assert.Equal(t, tt.paid, paid.String())
				used, ok := counts.BudgetUsed()
				require.True(t, ok)
				assert.Equal(t, tt.used, used.String())
			})
		}
	}
}

// TestRunCountsNothingToReport checks that counts without a budget cap,
// or not filled by a run, report nothing.
func TestRunCountsNothingToReport(t *testing.T) {
	_, counts := runBudget(t, budgetProgram(""), incentive.RunOptions{}, "3000")
	_, ok := counts.BudgetUsed()
	assert.False(t, ok, "no budget cap")
	var zero incentive.RunCounts
	_, ok = zero.BudgetUsed()
	assert.False(t, ok, "zero value")
	var nilCounts *incentive.RunCounts
	_, ok = nilCounts.BudgetUsed()
	assert.False(t, ok, "nil")
	var b *incentive.SettlementBuilder
	_, ok = b.BudgetUsed(incentive.Date{Year: 2026, Month: 3, Day: 31})
	assert.False(t, ok, "nil builder")
}

// Two runs of a chain: the second starts its budget where the first
// left it, so the chain pays what one run over all the deals would.
// 3,000 and 4,000 at 10% use 700.00 of the 1,000.00 budget; the next run's
// 5,000 (500.00) finds 300.00 left.
func ExampleRunCounts() {
	p := budgetProgram("1000")
	var first incentive.RunCounts
	for _, err := range incentive.Run(context.Background(), p, budgetDeals("3000", "4000"), incentive.RunOptions{Counts: &first}) {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	used, _ := first.BudgetUsed()
	fmt.Println("first run used", used)
	for r, err := range incentive.Run(context.Background(), p, budgetDeals("5000"), incentive.RunOptions{BudgetUsed: used}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.DealID, "pays", r.Total)
	}
	// Output:
	// first run used 700
	// D-0 pays 300.00 USD
}

// A program without a budget cap has no budget count to carry.
func ExampleRunCounts_noBudget() {
	var counts incentive.RunCounts
	for _, err := range incentive.Run(context.Background(), budgetProgram(""), budgetDeals("3000"), incentive.RunOptions{Counts: &counts}) {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	_, ok := counts.BudgetUsed()
	fmt.Println(ok)
	// Output: false
}

// A quarter's true-up settled after the run (its quarter ends after the
// last deal) is in the budget the next run starts from, though the run's
// own count has not seen it: advances of 2% on 20,000 and 25,000 are
// 900.00; the quarter's 3% on 45,000 is 1,350.00, a true-up of 450.00:
// 1,350.00 of the 2,000.00 budget.
func ExampleSettlementBuilder_BudgetUsed() {
	d := decimal.RequireFromString
	e, err := incentive.NewEvaluator(&incentive.Program{
		ID: "rebate", Name: "Rebate", Version: 1, Currency: incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 1, Day: 1}},
		Earnings: []incentive.Earning{{ID: "advance", Type: incentive.Rebate,
			Amount: incentive.RateOf(incentive.PathDealAmount, d("0.02"))}},
		Caps: []incentive.Cap{{Scope: incentive.CapBudget, Limit: d("2000")}},
		Settlements: []incentive.Settlement{{ID: "quarterly", Type: incentive.Rebate, Period: incentive.PeriodQuarter,
			Advances: []string{"advance"},
			Bands: &incentive.BandTable{Method: incentive.Retroactive, Pays: incentive.PaysRate, Bands: []incentive.Band{
				{From: d("0"), Value: d("0.03")}}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	b := e.NewSettlements()
	var counts incentive.RunCounts
	for _, err := range e.Run(context.Background(), budgetDeals("20000", "25000"), incentive.RunOptions{Settlements: b, Counts: &counts}) {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	end := incentive.Date{Year: 2026, Month: 3, Day: 31}
	run, _ := counts.BudgetUsed()
	withTrueUps, _ := b.BudgetUsed(end)
	fmt.Println("the run's deals:", run)
	fmt.Println("with the true-ups Settle pays:", withTrueUps)
	// Output:
	// the run's deals: 900
	// with the true-ups Settle pays: 1350
}
