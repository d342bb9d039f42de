package incentive

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Rate is one currency conversion rate supplied by the caller: one unit of
// From buys Rate units of To, as published by Source for the date AsOf.
type Rate struct {
	From, To Currency
	Rate     decimal.Decimal
	AsOf     Date
	Source   string
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
// program's rounding where the terms say. Converting into the same currency
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
