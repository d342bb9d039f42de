package dexpr

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// testFields are the custom fields of the test program.
var testFields = []incentive.FieldDecl{
	{Name: "segment", Type: incentive.FieldString},
	{Name: "term_months", Type: incentive.FieldInt, Optional: true},
	{Name: "discount", Type: incentive.FieldDecimal, Optional: true},
	{Name: "strategic", Type: incentive.FieldBool, Optional: true},
	{Name: "signed", Type: incentive.FieldDate, Optional: true},
}

func mustEnv(tb testing.TB, fields []incentive.FieldDecl) *Env {
	tb.Helper()
	env, errs := NewEnv(fields)
	if len(errs) > 0 {
		tb.Fatalf("NewEnv: %v", errs)
	}
	return env
}

func mustCompile(tb testing.TB, env *Env, src string, kind Kind) *Expr {
	tb.Helper()
	x, errs := env.Compile(src, kind)
	if len(errs) > 0 {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		tb.Fatalf("Compile(%q): %s", src, strings.Join(msgs, "; "))
	}
	return x
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// newScope builds the scope of one registered new-business deal of amount
// (USD) closed 2026-11-03 12:00 New York time, made by a gold reseller.
func newScope(tb testing.TB, amount string, fields map[string]any) *incentive.Scope {
	tb.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		tb.Fatal(err)
	}
	if fields == nil {
		fields = map[string]any{"segment": "enterprise"}
	}
	prog := &incentive.Program{
		ID:        "p",
		Currency:  incentive.USD,
		Effective: incentive.Window{Location: ny},
		Fields:    testFields,
	}
	deal := &incentive.Deal{
		ID:           "D-1",
		PartnerID:    "P-1",
		CloseDate:    time.Date(2026, 11, 3, 12, 0, 0, 0, ny),
		Amount:       incentive.MustParseMoney(amount, "USD"),
		Quantity:     3,
		Type:         incentive.NewBusiness,
		Registration: &incentive.Registration{ID: "R-9", Approved: incentive.Date{Year: 2026, Month: 10, Day: 20}},
		Lines: []incentive.DealLine{
			{Product: "widget", Quantity: 2},
			{Product: "gadget", Quantity: 1},
		},
		Customer: incentive.Customer{ID: "C-1", Name: "Acme GmbH", Country: "DE", Region: "emea", Industry: "manufacturing", Segment: "enterprise"},
		Fields:   fields,
	}
	p := &partner.Partner{ID: "P-1", Name: "Resell Co", Type: partner.Reseller, Tier: "gold", Region: "emea", Country: "DE"}
	return &incentive.Scope{
		Program: prog,
		Deal:    deal,
		Amount:  deal.Amount.Amount(),
		Partner: p,
		Acc: incentive.Accumulators{
			PeriodAmount: dec("50000.00"),
			PeriodDeals:  4,
			PeriodEarned: dec("1000.00"),
			Cumulative:   dec("250000.00"),
		},
	}
}
