package incentive

import (
	"fmt"
	"sort"
	"strings"
)

// Currency is an ISO 4217 alphabetic currency code such as "USD".
//
// The zero value is not a valid currency; build one with ParseCurrency or use
// one of the constants. Only codes in the built-in table are accepted, so a
// typo such as "USDD" is an error rather than a new currency.
type Currency string

// Frequently used currencies.
const (
	USD Currency = "USD"
	EUR Currency = "EUR"
	GBP Currency = "GBP"
	JPY Currency = "JPY"
	CHF Currency = "CHF"
	CAD Currency = "CAD"
	AUD Currency = "AUD"
	KWD Currency = "KWD"
	BHD Currency = "BHD"
)

// minorUnits holds the number of digits after the decimal point of each
// supported ISO 4217 currency (the "minor unit" column of the standard).
var minorUnits = map[Currency]int32{
	"AED": 2, "ARS": 2, "AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2,
	"CLP": 0, "CNY": 2, "COP": 2, "CZK": 2, "DKK": 2, "EGP": 2, "EUR": 2,
	"GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0,
	"JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "MYR": 2, "NGN": 2,
	"NOK": 2, "NZD": 2, "OMR": 3, "PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2,
	"RON": 2, "RUB": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3,
	"TRY": 2, "TWD": 2, "UAH": 2, "USD": 2, "VND": 0, "ZAR": 2,
}

// ParseCurrency returns the currency for an ISO 4217 code. The code is
// case-insensitive; an unknown code is an error wrapping ErrUnknownCurrency.
func ParseCurrency(code string) (Currency, error) {
	c := Currency(strings.ToUpper(strings.TrimSpace(code)))
	if _, ok := minorUnits[c]; !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownCurrency, code)
	}
	return c, nil
}

// Valid reports whether c is a supported ISO 4217 code.
func (c Currency) Valid() bool {
	_, ok := minorUnits[c]
	return ok
}

// MinorUnits returns the number of decimal places of the currency's minor
// unit: 2 for USD (cents), 0 for JPY, 3 for KWD. It returns 2 for an unknown
// currency; check Valid first when that matters.
func (c Currency) MinorUnits() int32 {
	if n, ok := minorUnits[c]; ok {
		return n
	}
	return 2
}

// String returns the ISO code.
func (c Currency) String() string { return string(c) }

// Currencies lists the supported currency codes in alphabetical order.
func Currencies() []Currency {
	out := make([]Currency, 0, len(minorUnits))
	for c := range minorUnits {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
