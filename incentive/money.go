package incentive

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an exact decimal amount in one currency.
//
// Money is a value type; its methods never modify the receiver. It has no
// floating-point constructor: build it from a string (ParseMoney), an integer
// (MoneyFromInt), a count of minor units (MoneyFromMinor) or a decimal
// (NewMoney). Arithmetic that combines two amounts of different currencies
// returns an error wrapping ErrCurrencyMismatch; there is no silent
// conversion.
//
// The zero Money has no currency. Adding a zero-currency zero to any amount
// is allowed and yields that amount, so a zero Money works as the start of a
// sum.
type Money struct {
	amount   decimal.Decimal
	currency Currency
}

// NewMoney returns an amount of the given decimal value and currency.
func NewMoney(amount decimal.Decimal, c Currency) Money {
	return Money{amount: amount, currency: c}
}

// ParseMoney parses an exact decimal string such as "1234.50" or "-0.005" in
// the given currency code (case-insensitive, see ParseCurrency). The amount
// is read from its text, never through a float: an optional sign ("+", "-"
// or U+2212), digits with at most one decimal point (".5" and "5." are
// accepted) and an optional exponent ("1e3", "125E-3"). The scale is
// limited to +-10000: at most 10000 decimal places, and an exponent may imply
// at most 10000 trailing zeros. Surrounding blanks are trimmed. Underscores,
// thousands separators ("1,000"), currency symbols, "NaN" and "Inf" are not
// accepted. It fails with ErrUnknownCurrency or ErrInvalidAmount.
func ParseMoney(amount, currency string) (Money, error) {
	c, err := ParseCurrency(currency)
	if err != nil {
		return Money{}, err
	}
	d, err := ParseDecimal(amount)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: d, currency: c}, nil
}

// MustParseMoney is like ParseMoney but panics on error. It is meant for
// constants in tests and examples, like regexp.MustCompile; never call it on
// user input.
func MustParseMoney(amount, currency string) Money {
	m, err := ParseMoney(amount, currency)
	if err != nil {
		panic(err)
	}
	return m
}

// ParseDecimal parses an exact decimal number from its text, with the syntax
// described at ParseMoney. It wraps ErrInvalidAmount on failure. Surrounding
// blanks are trimmed.
func ParseDecimal(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Decimal{}, fmt.Errorf("%w: empty amount", ErrInvalidAmount)
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q is not a decimal number", ErrInvalidAmount, s)
	}
	return d, nil
}

// MoneyFromInt returns a whole amount, e.g. MoneyFromInt(500, USD) is 500.00 USD.
func MoneyFromInt(n int64, c Currency) Money {
	return Money{amount: decimal.NewFromInt(n), currency: c}
}

// MoneyFromMinor returns an amount given in the currency's minor units:
// MoneyFromMinor(1999, USD) is 19.99 USD, MoneyFromMinor(1999, JPY) is 1999 JPY.
func MoneyFromMinor(units int64, c Currency) Money {
	return Money{amount: decimal.New(units, -c.MinorUnits()), currency: c}
}

// Zero returns a zero amount in currency c.
func Zero(c Currency) Money { return Money{currency: c} }

// Amount returns the decimal amount.
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency.
func (m Money) Currency() Currency { return m.currency }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.amount.IsZero() }

// Sign returns -1, 0 or 1.
func (m Money) Sign() int { return m.amount.Sign() }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.amount.Sign() < 0 }

// Neg returns the amount with its sign flipped.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), currency: m.currency} }

// Abs returns the absolute amount.
func (m Money) Abs() Money { return Money{amount: m.amount.Abs(), currency: m.currency} }

// same returns the common currency of m and o, allowing a zero amount
// without currency (the zero Money) on either side.
func (m Money) same(o Money, op string) (Currency, error) {
	switch {
	case m.currency == o.currency:
		return m.currency, nil
	case m.currency == "" && m.amount.IsZero():
		return o.currency, nil
	case o.currency == "" && o.amount.IsZero():
		return m.currency, nil
	}
	return "", fmt.Errorf("%w: cannot %s %s and %s", ErrCurrencyMismatch, op, m.currency, o.currency)
}

// Add returns m + o. Different currencies are an error.
func (m Money) Add(o Money) (Money, error) {
	c, err := m.same(o, "add")
	if err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Add(o.amount), currency: c}, nil
}

// Sub returns m - o. Different currencies are an error.
func (m Money) Sub(o Money) (Money, error) {
	c, err := m.same(o, "subtract")
	if err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Sub(o.amount), currency: c}, nil
}

// Cmp compares m and o: -1 if m < o, 0 if equal, 1 if m > o. Different
// currencies are an error.
func (m Money) Cmp(o Money) (int, error) {
	if _, err := m.same(o, "compare"); err != nil {
		return 0, err
	}
	return m.amount.Cmp(o.amount), nil
}

// Equal reports whether m and o have the same currency and amount (2.5 USD
// equals 2.50 USD).
func (m Money) Equal(o Money) bool {
	return m.currency == o.currency && m.amount.Equal(o.amount)
}

// Mul multiplies the amount by a factor. The result is exact (no rounding).
func (m Money) Mul(f decimal.Decimal) Money {
	return Money{amount: m.amount.Mul(f), currency: m.currency}
}

// Div divides the amount by d, keeping the given number of decimal places
// (rounded half away from zero at that place). A zero divisor is an error
// wrapping ErrDivisionByZero. Division never relies on a package-level
// precision setting.
func (m Money) Div(d decimal.Decimal, places int32) (Money, error) {
	if d.IsZero() {
		return Money{}, fmt.Errorf("%w: %s / 0", ErrDivisionByZero, m)
	}
	return Money{amount: m.amount.DivRound(d, places), currency: m.currency}, nil
}

// Round rounds the amount to places decimal places with the given mode.
func (m Money) Round(places int32, mode RoundingMode) Money {
	return Money{amount: mode.Round(m.amount, places), currency: m.currency}
}

// RoundToMinor rounds to the currency's minor unit (cents for USD, whole yen
// for JPY) with the given mode.
func (m Money) RoundToMinor(mode RoundingMode) Money {
	return m.Round(m.currency.MinorUnits(), mode)
}

// MinorUnits returns the amount as an integer count of minor units, and false
// if the amount has more decimal places than the currency allows or does not
// fit in an int64.
func (m Money) MinorUnits() (int64, bool) {
	s := m.amount.Shift(m.currency.MinorUnits())
	if !s.IsInteger() || !s.BigInt().IsInt64() {
		return 0, false
	}
	return s.IntPart(), true
}

// String formats the amount with at least the currency's minor-unit places
// and the code: "1234.50 USD", "-0.005 USD", "1200 JPY". It never loses
// digits. The zero Money, which has no currency, is "0.00".
func (m Money) String() string {
	if m.currency == "" {
		return FormatAmount(m.amount, m.currency)
	}
	return FormatAmount(m.amount, m.currency) + " " + string(m.currency)
}

// FormatAmount renders d with at least the currency's number of decimal
// places and never fewer digits than d has: FormatAmount(12.5, USD) is
// "12.50", FormatAmount(0.125, USD) is "0.125".
func FormatAmount(d decimal.Decimal, c Currency) string {
	places := c.MinorUnits()
	if e := -d.Exponent(); e > places {
		places = e
	}
	return d.StringFixed(places)
}
