package rules

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunAsOfReachesExpressions: run.as_of reads RunOptions.AsOf in a
// batch run, serial and parallel, and is absent (ErrNoAsOf) without it.
func TestRunAsOfReachesExpressions(t *testing.T) {
	f, err := Compile("p.yaml", []byte(`apiVersion: partnerops/v1
kind: Program
id: p
name: p
version: 1
currency: USD
effective: {from: 2026-01-01, timezone: America/New_York}
earnings:
  - id: days
    type: spiff
    amount: days_between(deal.close_date, run.as_of)
`))
	require.NoError(t, err)
	p := f.Programs[0]
	ny, _ := time.LoadLocation("America/New_York")
	var inputs []incentive.Input
	for i, day := range []int{1, 8, 9} { // March 2026; the clocks spring forward on the 8th
		inputs = append(inputs, incentive.Input{
			Deal:    incentive.Deal{ID: string(rune('A' + i)), PartnerID: "P", Amount: incentive.MustParseMoney("1", "USD"), CloseDate: time.Date(2026, 3, day, 23, 30, 0, 0, ny)},
			Partner: partner.Partner{ID: "P"},
		})
	}
	seq := func(yield func(incentive.Input, error) bool) {
		for _, in := range inputs {
			if !yield(in, nil) {
				return
			}
		}
	}
	// as of 00:30 on March 10 in New York: 9, 2 and 1 calendar days later
	asOf := time.Date(2026, 3, 10, 0, 30, 0, 0, ny)
	for _, workers := range []int{1, 2} {
		var got []string
		for res, err := range incentive.Run(context.Background(), p, seq, incentive.RunOptions{AsOf: asOf, Workers: workers}) {
			require.NoError(t, err)
			got = append(got, res.Total.Amount().StringFixed(0))
		}
		assert.Equal(t, []string{"9", "2", "1"}, got, "workers %d", workers)
	}
	for _, err := range incentive.Run(context.Background(), p, seq, incentive.RunOptions{}) {
		assert.True(t, errors.Is(err, incentive.ErrNoAsOf), "%v", err)
		break
	}
}
