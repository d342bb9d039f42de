package rules

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrecisionInExplanations: a step whose expression divides states the
// program's precision; one that does not divide says nothing about it.
func TestPrecisionInExplanations(t *testing.T) {
	src, err := os.ReadFile("testdata/reference/precision.yaml")
	require.NoError(t, err)
	f, err := Compile("precision.yaml", src)
	require.NoError(t, err)
	require.Len(t, f.Programs, 2)
	deal := incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: incentive.MustParseMoney("100.00", "USD"), Quantity: 7,
		CloseDate: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}
	cases := []struct {
		prog  *incentive.Program
		total string
		words string
	}{
		// 100.00 / 7 = 14.2857142857142857; x 7 = 99.9999999999999999
		{f.Programs[0], "100.00", `deal.amount / deal.quantity * deal.quantity = 99.9999999999999999 (deal.amount = 100.00, deal.quantity = 7); each quotient keeps 16 decimal places (rounded half away from zero)`},
		// 100.00 / 7 = 14.29; x 7 = 100.03
		{f.Programs[1], "100.03", `deal.amount / deal.quantity * deal.quantity = 100.03 (deal.amount = 100.00, deal.quantity = 7); each quotient keeps 2 decimal places (rounded half away from zero)`},
	}
	for _, c := range cases {
		res, err := incentive.Evaluate(context.Background(), c.prog, incentive.Input{Deal: deal, Partner: partner.Partner{ID: "P-1"}}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, c.total, res.Total.Amount().StringFixed(2))
		assert.Contains(t, res.Explain(), c.words)
	}
	// no division, no note
	g, err := Compile("p.yaml", []byte("apiVersion: partnerops/v1\nkind: Program\nid: p\nname: p\nversion: 1\ncurrency: USD\neffective: {from: 2026-01-01}\nearnings:\n  - {id: a, type: spiff, amount: deal.amount * 0.5}\n"))
	require.NoError(t, err)
	res, err := incentive.Evaluate(context.Background(), g.Programs[0], incentive.Input{Deal: deal, Partner: partner.Partner{ID: "P-1"}}, time.Time{})
	require.NoError(t, err)
	assert.NotContains(t, res.Explain(), "quotient")
}
