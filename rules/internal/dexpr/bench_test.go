package dexpr

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// The terms measured: one eligibility condition and one formula, the shape
// of the DSL's example program.
const (
	benchCond    = `deal.registered && deal.type == "new_business" && deal.amount >= 1000`
	benchFormula = `round(deal.amount * 0.02, 2)`
)

func BenchmarkEval(b *testing.B) {
	env := mustEnv(b, nil)
	cond := mustCompile(b, env, benchCond, Bool)
	formula := mustCompile(b, env, benchFormula, Number)
	s := newScope(b, "12000.00", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.SetCache(nil) // a new deal
		ok, err := cond.Holds(s)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		v, err := formula.Value(s)
		if err != nil || v.IsZero() {
			b.Fatal(v, err)
		}
	}
}

// BenchmarkEvalHandwritten is BenchmarkEval's terms written in Go with
// shopspring/decimal, the yardstick for the expression engine's overhead.
func BenchmarkEvalHandwritten(b *testing.B) {
	thousand := decimal.NewFromInt(1000)
	rate := decimal.RequireFromString("0.02")
	cond := incentive.Condition(condFunc(func(s *incentive.Scope) (bool, error) {
		return s.Deal.Registered() && s.Deal.Type == "new_business" && s.Amount.Cmp(thousand) >= 0, nil
	}))
	formula := incentive.Formula(formulaFunc(func(s *incentive.Scope) (decimal.Decimal, error) {
		return s.Amount.Mul(rate).Round(2), nil
	}))
	s := newScope(b, "12000.00", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.SetCache(nil)
		ok, err := cond.Holds(s)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		v, err := formula.Value(s)
		if err != nil || v.IsZero() {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	env := mustEnv(b, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := env.Compile(benchCond, Bool); errs != nil {
			b.Fatal(errs)
		}
		if _, errs := env.Compile(benchFormula, Number); errs != nil {
			b.Fatal(errs)
		}
	}
}

type condFunc func(s *incentive.Scope) (bool, error)

func (f condFunc) Holds(s *incentive.Scope) (bool, error) { return f(s) }

type formulaFunc func(s *incentive.Scope) (decimal.Decimal, error)

func (f formulaFunc) Value(s *incentive.Scope) (decimal.Decimal, error) { return f(s) }
