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
// supported ISO 4217 currency (the "minor unit" column of the standard, as
// maintained by SIX for ISO). The table follows the standard even where
// everyday practice differs: HUF, IDR and TWD have 2 minor units in ISO 4217
// although prices are usually quoted without them. Fund codes and units of
// account (CLF, UYW, XDR, ...) and precious metals are not included.
//
// It covers the most traded currencies of the BIS Triennial Survey (2022)
// and further common settlement currencies. BGN stays for amounts dated
// before Bulgaria's move to the euro.
var minorUnits = map[Currency]int32{
	// Zero minor units.
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0,
	"XOF": 0, "XPF": 0,
	// Three minor units.
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// Two minor units.
	"AED": 2, "ARS": 2, "AUD": 2, "BDT": 2, "BGN": 2, "BOB": 2, "BRL": 2,
	"CAD": 2, "CHF": 2, "CNY": 2, "COP": 2, "CRC": 2, "CZK": 2, "DKK": 2,
	"DOP": 2, "EGP": 2, "EUR": 2, "GBP": 2, "GEL": 2, "GHS": 2, "HKD": 2,
	"HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "JMD": 2, "KES": 2, "KZT": 2,
	"LKR": 2, "MAD": 2, "MUR": 2, "MXN": 2, "MYR": 2, "NGN": 2, "NOK": 2,
	"NPR": 2, "NZD": 2, "PEN": 2, "PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2,
	"RON": 2, "RSD": 2, "RUB": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2,
	"TRY": 2, "TTD": 2, "TWD": 2, "UAH": 2, "USD": 2, "UYU": 2, "ZAR": 2,
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
