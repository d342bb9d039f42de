package incentive

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Rate is one currency conversion rate supplied by the caller: one unit of
// From buys Rate units of To, as published by Source for the date AsOf.
//
// A rate may carry a validity period, ValidFrom through ValidTo (both
// included, both set): it then applies to exactly the dates in it, before
// or after AsOf, as a month-end rate applies to every deal of its month.
// Without a period a rate applies from AsOf until a later rate of the pair
// (see RateTable).
type Rate struct {
	From, To Currency
	Rate     decimal.Decimal
	AsOf     Date
	Source   string
	// ValidFrom and ValidTo bound the dates the rate applies to; zero when
	// the rate has no validity period.
	ValidFrom, ValidTo Date
}

// badDay says which of the rate's dates is not a day of the calendar
// (2026-11-31, built in Go); empty when each is a day or zero. Such a rate
// compares field by field as a day between two, and a ledger that records
// it (a claim's PayRate) could not read it back from text.
func (r Rate) badDay() string {
	for _, d := range [...]struct {
		what string
		d    Date
	}{{"as-of day", r.AsOf}, {"validity's first day", r.ValidFrom}, {"validity's last day", r.ValidTo}} {
		if !d.d.Valid() {
			return fmt.Sprintf("its %s %s is not a day of the calendar", d.what, d.d)
		}
	}
	return ""
}

// HasPeriod reports whether the rate carries a validity period.
func (r Rate) HasPeriod() bool { return !r.ValidFrom.IsZero() || !r.ValidTo.IsZero() }

// Describe renders where the rate comes from, as explanations show it:
// "ECB, as of 2026-03-31, valid 2026-03-01 to 2026-03-31".
func (r Rate) Describe() string {
	src := r.Source
	if src == "" {
		src = "caller"
	}
	s := src + ", as of " + r.AsOf.String()
	if r.HasPeriod() {
		s += ", valid " + r.ValidFrom.String() + " to " + r.ValidTo.String()
	}
	return s
}

// RateSource supplies conversion rates. Implementations never reach the
// network on their own; RateTable is the in-memory one.
type RateSource interface {
	// Rate returns the rate to convert from -> to on the given date. It
	// returns an error wrapping ErrNoRate when it has none.
	Rate(from, to Currency, on Date) (Rate, error)
}

// Conversion records one conversion: the amounts on both sides and the
// exact rate used.
type Conversion struct {
	From Money
	To   Money
	Rate Rate
}

// Convert converts m into currency to with a rate from src for the given
// date. The result is exact (amount x rate, not rounded); round it with the
// program's rounding where the terms say. The engine does exactly that: a
// deal's converted amount stays exact through the formulas, and the only
// rounding is the program's own (its mode, scale and stage), so a
// conversion never rounds twice. Converting into the same currency
// returns m unchanged with a rate of 1.
func Convert(m Money, to Currency, src RateSource, on Date) (Conversion, error) {
	if !to.Valid() {
		return Conversion{}, fmt.Errorf("%w: %q", ErrUnknownCurrency, string(to))
	}
	if m.currency == to {
		return Conversion{From: m, To: m, Rate: Rate{From: to, To: to, Rate: decimal.NewFromInt(1), AsOf: on}}, nil
	}
	if src == nil {
		return Conversion{}, fmt.Errorf("%w: %s -> %s on %s (no rates supplied)", ErrNoRate, m.currency, to, on)
	}
	r, err := src.Rate(m.currency, to, on)
	if err != nil {
		return Conversion{}, err
	}
	if r.From != m.currency || r.To != to {
		return Conversion{}, fmt.Errorf("%w: asked for %s -> %s, rate source answered %s -> %s", ErrNoRate, m.currency, to, r.From, r.To)
	}
	if r.Rate.Sign() <= 0 {
		return Conversion{}, fmt.Errorf("%w: rate %s -> %s is %s, want > 0", ErrInvalidAmount, r.From, r.To, r.Rate)
	}
	if why := r.badDay(); why != "" {
		return Conversion{}, fmt.Errorf("%w: rate %s -> %s from the rate source: %s", ErrInvalidRate, r.From, r.To, why)
	}
	return Conversion{From: m, To: Money{amount: m.amount.Mul(r.Rate), currency: to}, Rate: r}, nil
}

// conversionWords explains a deal's conversion: the rate, where it comes
// from, and that the converted amount stays exact until the program's
// rounding, e.g. "converted 1,000.00 EUR at 1.0832 (ECB, as of
// 2026-03-31) = 1,083.20 USD, exact: rounded once, by the program's
// rounding (half_up to 2 places per line)".
//
// also names what else of the deal the same rate converted (convertDeal):
// "; the same rate converts approved_amount and the product lines' amounts
// and unit prices".
func conversionWords(p *Program, from Money, conv Conversion, also []string) string {
	s := "converted " + fmtAmount(from.amount, from.currency) + " " + string(from.currency) +
		" at " + conv.Rate.Rate.String() + " (" + conv.Rate.Describe() + ") = " +
		fmtAmount(conv.To.amount, p.Currency) + " " + string(p.Currency) + ", exact: rounded once, by the program's rounding (" +
		string(p.Rounding.Mode.OrDefault()) + " to " + itoa(int(p.Rounding.Places(p.Currency))) + " places per " + string(p.Rounding.StageOrDefault()) + ")"
	if len(also) > 0 {
		s += "; the same rate converts " + strings.Join(also, ", ")
	}
	return s
}

// moneyFields are the names of a program's custom fields declared
// FieldMoney, deal fields and line fields; empty for most programs.
type moneyFields struct{ deal, line []string }

func moneyFieldsOf(p *Program) moneyFields {
	var m moneyFields
	for _, f := range p.Fields {
		if f.Type == FieldMoney {
			m.deal = append(m.deal, f.Name)
		}
	}
	for _, f := range p.LineFields {
		if f.Type == FieldMoney {
			m.line = append(m.line, f.Name)
		}
	}
	return m
}

// convertDeal returns a copy of deal d with the rest of its money in the
// program currency, converted by conv's rate exactly as the deal amount
// is (amount x rate, unrounded, the rounding the program's own): its
// product lines' amounts and unit prices, and the custom deal and line
// fields declared FieldMoney. The copy keeps d.Amount as written
// (deal.currency reads it; the converted deal amount is Scope.Amount).
// what names what was converted, for the explanation. convertDeal returns
// nil when d has nothing beyond its amount to convert, so a deal without
// lines or money fields costs nothing more.
func convertDeal(d *Deal, conv Conversion, mf moneyFields) (out *Deal, what []string) {
	var fields []string
	for _, name := range mf.deal {
		if _, ok := d.Fields[name]; ok {
			fields = append(fields, name)
		}
	}
	if len(d.Lines) == 0 && len(fields) == 0 {
		return nil, nil
	}
	rate, to := conv.Rate.Rate, conv.To.currency
	money := func(m Money) Money { return Money{amount: m.amount.Mul(rate), currency: to} }
	c := *d
	if len(fields) > 0 {
		c.Fields = make(map[string]any, len(d.Fields))
		for k, v := range d.Fields {
			c.Fields[k] = v
		}
		for _, name := range fields {
			c.Fields[name] = c.Fields[name].(decimal.Decimal).Mul(rate)
		}
		what = append(what, fields...)
	}
	if len(d.Lines) > 0 {
		c.Lines = make([]DealLine, len(d.Lines))
		for i, l := range d.Lines {
			l.Amount, l.UnitPrice = money(l.Amount), money(l.UnitPrice)
			if len(mf.line) > 0 && len(l.Fields) > 0 {
				fs := make(map[string]any, len(l.Fields))
				for k, v := range l.Fields {
					fs[k] = v
				}
				for _, name := range mf.line {
					if v, ok := fs[name]; ok {
						fs[name] = v.(decimal.Decimal).Mul(rate)
					}
				}
				l.Fields = fs
			}
			c.Lines[i] = l
		}
		w := "the product lines' amounts and unit prices"
		if len(mf.line) > 0 {
			w += " and money line fields (" + strings.Join(mf.line, ", ") + ")"
		}
		what = append(what, w)
	}
	return &c, what
}
