package workbench

import (
	"context"
	"strings"
	"testing"

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
