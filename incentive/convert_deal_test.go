package incentive

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eurDeal is a deal of 1,300.00 EUR closed on 2026-03-10 (EUR -> USD 1.10
// in eurUSD) with two product lines, a money field and a decimal field.
func eurDeal() Deal {
	eur := func(s string) Money { return MustParseMoney(s, "EUR") }
	return Deal{ID: "D-1", PartnerID: "P-1", Amount: eur("1300.00"), CloseDate: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC),
		Fields: map[string]any{"approved": dec("100.00"), "share": dec("0.02")},
		Lines: []DealLine{
			{Product: "SRV-1", Quantity: 2, UnitPrice: eur("500.00"), Amount: eur("1000.00"), Fields: map[string]any{"cost": dec("400.00")}},
			{Product: "SW-1", Quantity: 1, Amount: eur("300.00")},
		}}
}

func moneyProgram() *Program {
	read := func(path string) Formula {
		return FormulaFunc(path, []string{path}, func(s *Scope) (decimal.Decimal, error) { return lookupDecimal(s, path) })
	}
	return &Program{ID: "p", Version: 1, Currency: USD,
		Effective:  Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}},
		Fields:     []FieldDecl{{Name: "approved", Type: FieldMoney}, {Name: "share", Type: FieldDecimal}},
		LineFields: []FieldDecl{{Name: "cost", Type: FieldMoney, Optional: true}},
		Earnings: []Earning{
			{ID: "approved", Type: MDF, Amount: read("deal.approved")},
			{ID: "share", Type: Rebate, Amount: FormulaFunc("deal.share * 1000", []string{"deal.share"}, func(s *Scope) (decimal.Decimal, error) {
				v, err := lookupDecimal(s, "deal.share")
				return v.Mul(dec("1000")), err
			})},
			{ID: "margin", Type: Spiff, PerLine: true, Amount: FormulaFunc("line.amount - line.cost", []string{"line.amount", "line.cost"},
				func(s *Scope) (decimal.Decimal, error) {
					a, _ := s.Lookup("line.amount")
					c, _ := s.Lookup("line.cost")
					return a.(decimal.Decimal).Sub(c.(decimal.Decimal)), nil
				})},
		}}
}

// TestConvertDealMoney: at 1.10, the money field approved 100.00 EUR reads
// 110.00 USD; the decimal field share 0.02 reads as written (x 1000 =
// 20.00); the lines' margins are SRV-1 (1,000.00 - 400.00) x 1.10 =
// 660.00 and SW-1 (300.00 - 0) x 1.10 = 330.00, 990.00 in all. Total
// 110.00 + 20.00 + 990.00 = 1,120.00. The caller's deal is not changed,
// and the explanation says what the rate converted.
func TestConvertDealMoney(t *testing.T) {
	in := Input{Deal: eurDeal(), Partner: gold("P-1"), Rates: eurUSD(t)}
	r, err := Evaluate(context.Background(), moneyProgram(), in, time.Time{})
	require.NoError(t, err)
	require.True(t, r.Eligible, r.Failed)
	got := map[string]string{}
	for _, l := range r.Lines {
		got[l.Earning] = l.Amount.Amount().StringFixed(2)
	}
	assert.Equal(t, map[string]string{"approved": "110.00", "share": "20.00", "margin": "990.00"}, got)
	assert.Equal(t, "1120.00", r.Total.Amount().StringFixed(2))
	assert.Contains(t, r.Explain(), "the same rate converts approved, the product lines' amounts and unit prices and money line fields (cost)")

	d := eurDeal()
	assert.Equal(t, d.Fields, in.Deal.Fields, "the caller's fields are as written")
	assert.Equal(t, d.Lines, in.Deal.Lines, "the caller's lines are as written")
}

// TestConvertDealNothingMore: a deal without lines or money fields gets no
// copy, so it pays for the conversion of its amount only.
func TestConvertDealNothingMore(t *testing.T) {
	d := Deal{ID: "D", Amount: MustParseMoney("10.00", "EUR"), Fields: map[string]any{"share": dec("0.5")}}
	conv := Conversion{Rate: Rate{From: EUR, To: USD, Rate: dec("1.1")}, To: MustParseMoney("11.00", "USD")}
	out, what := convertDeal(&d, conv, moneyFieldsOf(moneyProgram()))
	assert.Nil(t, out)
	assert.Nil(t, what)
}
