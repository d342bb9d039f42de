package incentive

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valueReader reads values.<name> as a decimal.
func valueReader(name string) Formula {
	return FormulaFunc("values."+name, []string{ValuesPrefix + name}, func(s *Scope) (decimal.Decimal, error) {
		v, ok := s.Lookup(ValuesPrefix + name)
		if !ok {
			i := s.Program.valueIndex(name)
			x, err := s.NamedValue(i)
			if err != nil {
				return decimal.Decimal{}, err
			}
			v = x
		}
		return v.(decimal.Decimal), nil
	})
}

func TestNamedValuesAreLazyAndOnce(t *testing.T) {
	calls := 0
	p := spiffProgram()
	p.Caps = nil
	p.Values = []Value{
		{Name: "half", Formula: FormulaFunc("deal.amount / 2", []string{PathDealAmount}, func(s *Scope) (decimal.Decimal, error) {
			calls++
			return s.Amount.Div(dec("2")), nil
		})},
		{Name: "broken", Formula: FormulaFunc("1 / 0", nil, func(*Scope) (decimal.Decimal, error) {
			return decimal.Decimal{}, ErrDivisionByZero
		})},
	}
	// two earnings read "half": it is computed once; nothing reads "broken",
	// so it neither runs nor fails the deal
	p.Earnings = []Earning{
		{ID: "a", Type: Spiff, Amount: valueReader("half")},
		{ID: "b", Type: Spiff, Amount: valueReader("half")},
	}
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1000.00", "2026-11-03"), Partner: gold("P-1")})
	assert.Equal(t, 1, calls)
	// 1000.00 / 2 = 500.00 per line, two lines: 1000.00
	assert.Equal(t, "1000.00", r.Total.Amount().StringFixed(2))
	assert.Equal(t, []ValueResult{{Name: "half", Value: "500"}}, r.Values)
	assert.Contains(t, r.Explain(), `value "half" = 500: deal.amount / 2`)

	// a value that fails fails the deal that reads it, naming the value
	p.Earnings[1].Amount = valueReader("broken")
	_, err := Evaluate(t.Context(), p, Input{Deal: deal("D-2", "P-1", "1000.00", "2026-11-03"), Partner: gold("P-1")}, day("2026-12-31"))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrDivisionByZero)
	assert.Contains(t, err.Error(), `value "broken"`)
}

func TestValidateValues(t *testing.T) {
	p := spiffProgram()
	p.Values = []Value{
		{Name: "a", Formula: valueReader("b")},
		{Name: "b", Formula: valueReader("a")},
		{Name: "Bad"},
		{Name: "a", Formula: Const(dec("1"))},
	}
	err := p.Validate()
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		"values form a cycle: a -> b -> a",
		`value name "Bad" must be lower-case`,
		`value "Bad" needs exactly one of a formula and a condition`,
		`value "a" is declared twice`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.True(t, errors.Is(err, ErrInvalidProgram))
}

func TestPickTop(t *testing.T) {
	flat := func(v string) Formula { return Const(dec(v)) }
	base := func(by PickBy) *Program {
		p := spiffProgram()
		p.Caps = nil
		p.Groups = []Group{{ID: "g", Pick: PickTop, Max: 2, By: by}}
		p.Earnings = []Earning{
			{ID: "x", Type: Spiff, Amount: flat("300"), Group: "g", Priority: 2},
			{ID: "y", Type: Spiff, Amount: flat("100"), Group: "g"},
			{ID: "z", Type: Spiff, Amount: flat("200"), Group: "g", Priority: 1},
			{ID: "zero", Type: Spiff, Amount: flat("0"), Group: "g", Priority: 1},
			{ID: "free", Type: Bonus, Amount: flat("5")},
		}
		return p
	}
	in := Input{Deal: deal("D-1", "P-1", "1000.00", "2026-11-03"), Partner: gold("P-1")}
	for _, tc := range []struct {
		by    PickBy
		paid  []string
		total string
		words string
	}{
		// priority: z (1), x (2) pay; zero (1) pays nothing and takes no
		// place; y (none) ranks last and is dropped. 200 + 300 + free 5 = 505
		{ByPriority, []string{"x", "z", "free"}, "505.00", `dropped "y" 100.00 (no priority) ranked 4: the group pays at most 2`},
		// amount: x 300, z 200 pay; y 100 is dropped. 300 + 200 + 5 = 505
		{ByAmount, []string{"x", "z", "free"}, "505.00", `dropped "y" 100.00 ranked 3`},
	} {
		t.Run(string(tc.by), func(t *testing.T) {
			r := mustEval(t, base(tc.by), in)
			var paid []string
			for _, l := range r.Lines {
				if !l.Amount.IsZero() {
					paid = append(paid, l.Earning)
				}
			}
			assert.Equal(t, tc.paid, paid)
			assert.Equal(t, tc.total, r.Total.Amount().StringFixed(2))
			assert.Contains(t, r.Explain(), tc.words)
		})
	}
	p := base(ByAmount)
	p.Groups[0].Max = 0
	p.Groups = append(p.Groups, Group{ID: "h", Pick: PickTop, Max: 1, By: "size"})
	p.Earnings[4].Group = "h"
	err := p.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `group "g" pays at most 0 lines`)
	assert.Contains(t, err.Error(), `group "h": unknown ranking "size"`)
}

func TestComputedDealCap(t *testing.T) {
	p := spiffProgram()
	p.Eligibility = nil
	p.Caps = []Cap{{Scope: CapDeal, LimitFormula: FormulaFunc("deal.amount * 0.015", []string{PathDealAmount}, func(s *Scope) (decimal.Decimal, error) {
		return s.Amount.Mul(dec("0.015")), nil
	})}}
	in := Input{Deal: deal("D-1", "P-1", "12345.67", "2026-11-03"), Partner: gold("P-1")}
	r := mustEval(t, p, in)
	// base 12345.67 x 0.02 = 246.9134 -> 246.91; the cap: 12345.67 x 0.015 =
	// 185.18505, toward zero 185.18; cut 246.91 - 185.18 = 61.73
	assert.Equal(t, "185.18", r.Total.Amount().StringFixed(2))
	require.Len(t, r.Lines[0].Cuts, 1)
	assert.Equal(t, "61.73", r.Lines[0].Cuts[0].Cut.StringFixed(2))
	assert.Equal(t, "185.18", r.Lines[0].Cuts[0].Limit.StringFixed(2))
	ex := r.Explain()
	assert.Contains(t, ex, "deal cap: deal.amount * 0.015 = 185.18505")
	assert.Contains(t, ex, "limit 185.18 (rounded toward zero")
	assert.True(t, strings.Contains(ex, "deal cap 185.18 (deal.amount * 0.015) cut 61.73 (246.91 -> 185.18)"), ex)

	p.Caps = append(p.Caps, Cap{Scope: CapPartner, LimitFormula: p.Caps[0].LimitFormula}, Cap{Scope: CapDeal, Limit: dec("5"), LimitFormula: p.Caps[0].LimitFormula})
	err := p.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "only a line cap (`cap:` on an earning) or per_deal may be an expression")
	assert.Contains(t, err.Error(), "a deal cap sets both a limit (5) and a computed limit")

	// a computed limit below zero is an error of the deal
	p.Caps = []Cap{{Scope: CapDeal, LimitFormula: FormulaFunc("-1", nil, func(*Scope) (decimal.Decimal, error) { return dec("-1"), nil })}}
	_, err = Evaluate(t.Context(), p, in, day("2026-12-31"))
	assert.ErrorIs(t, err, ErrInvalidAmount)
}
