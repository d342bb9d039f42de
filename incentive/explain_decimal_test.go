package incentive

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExplainGroupsDecimalFields: a decimal custom field reads in the
// explanation like an amount, grouped and at least at the currency's minor
// places, next to the amounts it is shown with.
func TestExplainGroupsDecimalFields(t *testing.T) {
	p := spiffProgram()
	p.Eligibility = nil
	p.Fields = []FieldDecl{{Name: "margin", Type: FieldDecimal}, {Name: "rate", Type: FieldDecimal}}
	p.Earnings = []Earning{{ID: "margin-share", Type: "spiff",
		Amount: FormulaFunc("deal.margin * deal.rate", []string{"deal.margin", "deal.rate"}, func(s *Scope) (decimal.Decimal, error) {
			m, _ := s.Lookup("deal.margin")
			r, _ := s.Lookup("deal.rate")
			return m.(decimal.Decimal).Mul(r.(decimal.Decimal)), nil
		})}}
	p.Caps = nil
	in := Input{Deal: deal("D-1", "P-1", "61667.50", "2026-11-03"), Partner: gold("P-1")}
	in.Deal.Fields = map[string]any{"margin": dec("36667.5"), "rate": dec("0.125")}
	r, err := Evaluate(context.Background(), p, in, time.Time{})
	require.NoError(t, err)
	// 36667.5 x 0.125 = 4583.4375, rounded half_up per line = 4583.44
	assert.Equal(t, "4583.44", r.Total.Amount().StringFixed(2))
	words := r.Explain()
	assert.Contains(t, words, "deal.margin = 36,667.50")
	// More places than the currency's are kept, never dropped.
	assert.Contains(t, words, "deal.rate = 0.125")
	assert.NotContains(t, words, "36667.5")
}
