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

// TestCreditReevaluatesConvertedLines: a credit note re-evaluates the deal
// it credits at its net amount with the deal's lines converted as they
// were when it closed. Rate 1.10. Earning: min(deal.amount, sum of line
// amounts) x 0.10. D-1: 1,000.00 EUR = 1,100.00 USD, one line 400.00 EUR
// = 440.00 USD: min(1,100.00, 440.00) x 0.10 = 44.00. C-1: -100.00 EUR =
// -110.00 USD; D-1's net 1,100.00 - 110.00 = 990.00 earns min(990.00,
// 440.00) x 0.10 = 44.00, as paid: nothing back. (Lines read in euros,
// 400.00, would earn 40.00 and take 4.00 back.)
func TestCreditReevaluatesConvertedLines(t *testing.T) {
	p := &Program{ID: "p", Version: 1, Currency: USD, AllowNegative: true,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}},
		Earnings: []Earning{{ID: "lines", Type: Spiff, Amount: FormulaFunc("min(deal.amount, sum(line.amount)) * 0.10",
			[]string{"deal.amount"}, func(s *Scope) (decimal.Decimal, error) {
				var sum decimal.Decimal
				for _, l := range s.Deal.Lines {
					sum = sum.Add(l.Amount.Amount())
				}
				return decimal.Min(s.Amount, sum).Mul(dec("0.10")), nil
			})}}}
	eur := func(s string) Money { return MustParseMoney(s, "EUR") }
	sale := Input{Partner: gold("P-1"), Deal: Deal{ID: "D-1", PartnerID: "P-1", Amount: eur("1000.00"),
		CloseDate: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), Lines: []DealLine{{Product: "SRV", Amount: eur("400.00")}}}}
	credit := Input{Partner: gold("P-1"), Deal: Deal{ID: "C-1", PartnerID: "P-1", Amount: eur("-100.00"), Credits: "D-1",
		CloseDate: time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC)}}
	deals := func(yield func(Input, error) bool) {
		_ = yield(sale, nil) && yield(credit, nil)
	}
	got := map[string]string{}
	for r, err := range Run(context.Background(), p, deals, RunOptions{Rates: eurUSD(t)}) {
		require.NoError(t, err)
		got[r.DealID] = r.Total.Amount().StringFixed(2)
	}
	assert.Equal(t, map[string]string{"D-1": "44.00", "C-1": "0.00"}, got)
}
