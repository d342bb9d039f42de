package workbench

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestSweepNumber(t *testing.T) {
	src := []byte(groupOld)
	p := compile(t, groupOld)
	deals := decode(t, p, `
- {id: D1, partner_id: P, amount: "40000", close_date: 2026-02-01}
- {id: D2, partner_id: Q, amount: "10000", close_date: 2026-02-02}
`)
	opts := SweepOptions{Name: "kick.yaml", Source: src, Path: "earnings[flat].amount", From: dec("300"), To: dec("500"), Step: dec("100")}
	s, err := SweepNumber(context.Background(), deals, opts)
	require.NoError(t, err)
	// As written (flat 500): D1 max(500, 400) = 500, D2 max(500, 100) = 500: 1,000.
	assert.Equal(t, "1000", s.Earned.String())
	// Line 10 (the source starts with a blank line), after "  - {id: flat, type: bonus, group: kick, amount: ".
	assert.Equal(t, "kick.yaml:10:50", s.At)
	require.Len(t, s.Points, 3)
	// 300: D1 max(300, 400) = 400, D2 300: 700, both partners earn less.
	assert.Equal(t, "700", s.Points[0].Earned.String())
	assert.Equal(t, "-300", s.Points[0].Delta.String())
	assert.Equal(t, 2, s.Points[0].Losers)
	// 400: D1 400, D2 400: 800.
	assert.Equal(t, "800", s.Points[1].Earned.String())
	assert.Equal(t, "0", s.Points[2].Delta.String())
	assert.Equal(t, 0, s.Points[2].Affected)

	bad := opts
	bad.Step = dec("0")
	_, err = SweepNumber(context.Background(), deals, bad)
	assert.ErrorIs(t, err, ErrBadRange)
	bad = opts
	bad.From, bad.To, bad.Step = dec("0"), dec("100000"), dec("1")
	_, err = SweepNumber(context.Background(), deals, bad)
	assert.ErrorIs(t, err, ErrBadRange)
	bad = opts
	bad.Path = "earnings[flat].amout"
	_, err = SweepNumber(context.Background(), deals, bad)
	assert.ErrorContains(t, err, `did you mean "amount"?`)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = SweepNumber(ctx, deals, opts)
	assert.ErrorIs(t, err, context.Canceled)
}
