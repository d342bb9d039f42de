package incentive

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValidateIsTheHomeOfSemanticRules: the rules that package rules used
// to check on its own while decoding YAML (and that a program built in Go
// therefore skipped, or met with other words) are Validate's, with a path
// rules positions in the file.
func TestValidateIsTheHomeOfSemanticRules(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *Program)
		path string
		msg  string
	}{
		{"empty half-open window", func(p *Program) {
			p.Effective.To, p.Effective.Ends = p.Effective.From, HalfOpen
		}, "effective.to", "is empty"},
		{"window ends before it starts", func(p *Program) {
			p.Effective.To = Date{2025, 12, 31}
		}, "effective.to", "ends (2025-12-31) before it starts (2026-01-01)"},
		{"period without partner_period", func(p *Program) {
			p.Earnings[0].Bands.Period = PeriodQuarter
		}, "earnings[0].bands.period", "`period:` only applies to `basis: partner_period`"},
		{"marginal multiplier", func(p *Program) {
			p.Earnings[0].Bands.Method, p.Earnings[0].Bands.Pays = Marginal, PaysMultiplier
			p.Earnings[0].Amount = Const(dec("10"))
		}, "earnings[0].bands.method", "a marginal table cannot pay a multiplier"},
		{"amount beside a rate table", func(p *Program) {
			p.Earnings[0].Amount = Const(dec("10"))
		}, "earnings[0].amount", "`amount:` is only used with `pays: multiplier`"},
		{"cap below zero", func(p *Program) {
			p.Caps = []Cap{{Scope: CapBudget, Limit: dec("-1")}}
		}, "caps.budget", "a cap must be above zero, got -1"},
		{"cap finer than a cent", func(p *Program) {
			p.Caps = []Cap{{Scope: CapDeal, Limit: dec("10.005")}}
		}, "caps.per_deal", "more decimal places than amounts are rounded to (2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := bandProgram(Retroactive, PaysRate, threeBands()...)
			require.NoError(t, p.Validate())
			tt.edit(p)
			err := p.Validate()
			require.Error(t, err)
			var pe *ProgramError
			require.True(t, errors.As(err, &pe), "%v", err)
			assert.Equal(t, tt.path, pe.Path)
			assert.Contains(t, pe.Msg, tt.msg)
		})
	}
}
