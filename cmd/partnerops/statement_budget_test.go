package main

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// TestBudgetText: the text statement's budget line, from the budget's use
// and the program's budget caps.
func TestBudgetText(t *testing.T) {
	usd := func(s string) incentive.Money { return incentive.NewMoney(decimal.RequireFromString(s), "USD") }
	used := func(s string) *incentive.Money { m := usd(s); return &m }
	tests := []struct {
		name    string
		used    *incentive.Money
		budgets []incentive.Money
		want    string
	}{
		{"no budget cap", used("10.00"), nil, ""},
		{"no budget_used", nil, []incentive.Money{usd("1000")}, ""},
		// 250,000.00 - 38,937.01 = 211,062.99.
		{"left", used("38937.01"), []incentive.Money{usd("250000")}, "Budget used 38,937.01 of 250,000.00, 211,062.99 left"},
		// 1,000.00 - 1,000.00 = 0.00: spent to the cent.
		{"spent", used("1000.00"), []incentive.Money{usd("1000")}, "Budget used 1,000.00 of 1,000.00, 0.00 left"},
		// A figure carried in past the limit: 1,200.00 - 1,000.00 = 200.00 over.
		{"over", used("1200.00"), []incentive.Money{usd("1000")}, "Budget used 1,200.00 of 1,000.00, over by 200.00"},
		// Two budget caps count the same payouts: 5,000 - 700 = 4,300;
		// 500 - 700 = -200.
		{"two budgets", used("700.00"), []incentive.Money{usd("5000"), usd("500")},
			"Budget used 700.00 of 5,000.00, 4,300.00 left; of 500.00, over by 200.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &statementDoc{Currency: "USD", BudgetUsed: tt.used, budgets: tt.budgets}
			assert.Equal(t, tt.want, d.budgetText())
		})
	}
}
