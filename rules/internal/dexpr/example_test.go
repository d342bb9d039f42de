package dexpr_test

import (
	"errors"
	"fmt"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules/internal/dexpr"
)

func exampleScope() *incentive.Scope {
	deal := &incentive.Deal{
		ID:       "D-1",
		Amount:   incentive.MustParseMoney("12000.00", "USD"),
		Type:     incentive.NewBusiness,
		Quantity: 3,
		Fields:   map[string]any{"segment": "enterprise"},
	}
	return &incentive.Scope{
		Program: &incentive.Program{Currency: incentive.USD},
		Deal:    deal,
		Amount:  deal.Amount.Amount(),
		Partner: &partner.Partner{ID: "P-1", Tier: "gold"},
	}
}

func ExampleEnv_Compile() {
	env, _ := dexpr.NewEnv([]incentive.FieldDecl{{Name: "segment", Type: incentive.FieldString}})
	when, errs := env.Compile(`deal.type == "new_business" && partner.tier in ["gold", "platinum"]`, dexpr.Bool)
	if errs != nil {
		panic(errs)
	}
	amount, errs := env.Compile(`round(deal.amount * 0.02, 2)`, dexpr.Number)
	if errs != nil {
		panic(errs)
	}
	s := exampleScope()
	ok, _ := when.Holds(s)
	v, _ := amount.Value(s)
	fmt.Println(ok, v.StringFixed(2), amount.Reads())
	// Output: true 240.00 [deal.amount]
}

func ExampleEnv_Compile_error() {
	env, _ := dexpr.NewEnv(nil)
	_, errs := env.Compile(`deal.amout >= 1000 && partner.tier == 5`, dexpr.Bool)
	for _, e := range errs {
		fmt.Println(e)
	}
	// Output:
	// 1:6: unknown field deal.amout (did you mean deal.amount?)
	// 1:36: cannot compare a string with an int
}

func ExampleExpr_Value_divisionByZero() {
	env, _ := dexpr.NewEnv(nil)
	x, _ := env.Compile(`deal.amount / (deal.quantity - 3)`, dexpr.Number)
	// where the expression sits in the program file
	x.SetOrigin(func(line, col int) incentive.Origin {
		return incentive.Origin{File: "spiff.yaml", Line: 20 + line - 1, Col: 13 + col - 1}
	})
	_, err := x.Value(exampleScope())
	fmt.Println(err, errors.Is(err, incentive.ErrDivisionByZero))
	// Output: spiff.yaml:20:25: division by zero true
}

func ExampleExpr_Value() {
	env, _ := dexpr.NewEnv(nil)
	// ints stay ints under + - *, / is an exact decimal, literals are exact
	for _, src := range []string{"deal.quantity * 2", "deal.quantity / 2", "0.1 + 0.2", "1 / 3"} {
		x, _ := env.Compile(src, dexpr.Number)
		v, _ := x.Value(exampleScope())
		fmt.Println(src, "=", v)
	}
	// Output:
	// deal.quantity * 2 = 6
	// deal.quantity / 2 = 1.5
	// 0.1 + 0.2 = 0.3
	// 1 / 3 = 0.3333333333333333
}

func ExampleNewEnv() {
	_, errs := dexpr.NewEnv([]incentive.FieldDecl{
		{Name: "amount", Type: incentive.FieldDecimal},
		{Name: "term_months", Type: incentive.FieldInt},
	})
	fmt.Println(errs)
	// Output: [custom field "amount": clashes with the built-in deal.amount; choose another name]
}
