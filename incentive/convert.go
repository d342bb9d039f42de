package incentive

import (
	"fmt"

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
	return Conversion{From: m, To: Money{amount: m.amount.Mul(r.Rate), currency: to}, Rate: r}, nil
}

// conversionWords explains a deal's conversion: the rate, where it comes
// from, and that the converted amount stays exact until the program's
// rounding, e.g. "converted 1,000.00 EUR at 1.0832 (ECB, as of
// 2026-03-31) = 1,083.20 USD, exact: rounded once, by the program's
// rounding (half_up to 2 places per line)".
func conversionWords(p *Program, from Money, conv Conversion) string {
	return "converted " + fmtAmount(from.amount, from.currency) + " " + string(from.currency) +
		" at " + conv.Rate.Rate.String() + " (" + conv.Rate.Describe() + ") = " +
		fmtAmount(conv.To.amount, p.Currency) + " " + string(p.Currency) + ", exact: rounded once, by the program's rounding (" +
		string(p.Rounding.Mode.OrDefault()) + " to " + itoa(int(p.Rounding.Places(p.Currency))) + " places per " + string(p.Rounding.StageOrDefault()) + ")"
}
