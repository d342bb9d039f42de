package workbench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewCostChartDST: the cost chart counts days by the calendar of
// the program's time zone. Across the spring-forward night (Chicago,
// 2027-03-14) a day has 23 hours: March 1 to March 31 is 30 days but 719
// hours, so a day index of hours / 24 put a deal of March 31, and Q1's
// true-up on its last day, on day 29, labelled 03-30.
func TestReviewCostChartDST(t *testing.T) {
	src := strings.Replace(settleOld, "timezone: UTC", "timezone: America/Chicago", 1)
	p := compile(t, src)
	deals := decode(t, p, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-03-01}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-03-31}
`)
	s, start, err := costSeries(context.Background(), p, deals, incentive.RunOptions{})
	require.NoError(t, err)
	var got []string
	for _, pt := range s.Points {
		got = append(got, pt.X.String()+":"+pt.Y.String())
	}
	// D1 on day 0 earns 10,000 x 2% = 200; D2 on 2027-03-31, day 30
	// (March has 31 days: 31 - 1), earns 20,000 x 2% = 400 (600 in all);
	// as of the last deal (2027-03-31) Q1 has ended: its true-up,
	// 30,000 x 3% = 900 - 600 = 300, is a step on day 30 too: 900.
	assert.Equal(t, []string{"0:0", "0:0", "0:200", "30:200", "30:600", "30:600", "30:900"}, got)
	assert.Equal(t, "2027-03-01", incentive.DateOf(start).String())
	svg := string(mustCost(t, p, deals))
	assert.Contains(t, svg, ">03-31<", "the last step is labelled with its day")
}

func mustCost(t *testing.T, p *incentive.Program, deals []incentive.Input) []byte {
	t.Helper()
	b, err := CostChart(context.Background(), p, deals, incentive.RunOptions{})
	require.NoError(t, err)
	return b
}

// TestReviewRunStatementChain: RunStatement says it returns the statement
// 'partnerops run' builds, which a Go user writes out as the next run's
// -carried: run's statement carries each partner's settlement state
// (SettlementCarry: a negative true-up carried on) and the budget's use
// (BudgetUsed). RunStatement left both out, so a chain built from it
// lost the negative true-up and restarted the budget from zero.
func TestReviewRunStatementChain(t *testing.T) {
	src := strings.NewReplacer("deal.amount * 0.02", "deal.amount * 0.04",
		"settlements:", "caps:\n  budget: 100000\nsettlements:").Replace(settleOld)
	p := compile(t, src)
	deals := decode(t, p, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-01-10}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-02-10}
`)
	tests := []struct {
		name    string
		p       *incentive.Program
		carried string // P-1's SettlementCarry[0].Carried; "" for none
		used    string // BudgetUsed; "" for nil
	}{
		// Advances 10,000 x 4% = 400 + 20,000 x 4% = 800 = 1,200; Q1's
		// entitlement 30,000 x 3% = 900: true-up 900 - 1,200 = -300,
		// carried on (credit: period), never taken back, so the budget
		// has paid the 1,200 of advances.
		{"settlements and a budget", p, "-300", "1200"},
		// Without settlements: advances only, 1,200 of the budget; no
		// carry.
		{"budget only", compile(t, src[:strings.Index(src, "settlements:")]), "", "1200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := RunStatement(context.Background(), tt.p, deals, incentive.RunOptions{AsOf: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)})
			require.NoError(t, err)
			require.Len(t, st.Partners, 1)
			assert.Equal(t, "1200", st.Earned.Amount().String())
			if tt.carried == "" {
				assert.Empty(t, st.Partners[0].SettlementCarry)
			} else {
				require.Len(t, st.Partners[0].SettlementCarry, 1)
				assert.Equal(t, tt.carried, st.Partners[0].SettlementCarry[0].Carried.Amount().String())
			}
			require.NotNil(t, st.BudgetUsed)
			assert.Equal(t, tt.used, st.BudgetUsed.Amount().String())
		})
	}
}

// TestReviewDiffEarningsExpired: a diff's Earned counts the results whose
// claim window is open (the statement's earned), and so do its Types;
// its Earnings (the line totals by earning) counted the lines of expired
// results too, so with an as-of date they did not add up to Earned: a
// user saw an earning total with no type total behind it.
func TestReviewDiffEarningsExpired(t *testing.T) {
	src := strings.Replace(settleOld, "earnings:", "claims: {window: 30d, from: close_date}\nearnings:", 1)
	src = src[:strings.Index(src, "settlements:")]
	oldP := compile(t, src)
	newP := compile(t, bytesReplace(src, "version: 1", "version: 2", "deal.amount * 0.02", "deal.amount * 0.03"))
	deals := decode(t, oldP, `
- {id: D1, partner_id: P-1, amount: "10000", close_date: 2027-01-10}
- {id: D2, partner_id: P-1, amount: "20000", close_date: 2027-03-20}
`)
	// As of 2027-04-01, D1's 30-day window (to 2027-02-09) has closed:
	// it expired. Earned is D2's alone: old 20,000 x 2% = 400, new
	// 20,000 x 3% = 600. The earning "advance" is those same lines:
	// 400 -> 600 (not 200 + 400 = 600 -> 300 + 600 = 900).
	d, err := Compare(context.Background(), oldP, newP, seqOf(deals), DiffOptions{AsOf: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, "400 -> 600", d.Earned.Old.String()+" -> "+d.Earned.New.String())
	require.Len(t, d.Types, 1)
	assert.Equal(t, "400 -> 600", d.Types[0].Amounts.Old.String()+" -> "+d.Types[0].Amounts.New.String())
	require.Len(t, d.Earnings, 1)
	assert.Equal(t, "400 -> 600", d.Earnings[0].Amounts.Old.String()+" -> "+d.Earnings[0].Amounts.New.String())
}
