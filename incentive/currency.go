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
// supported currency: the "minor unit" column of ISO 4217 List One (the
// currencies of countries, maintained by SIX for ISO). The table follows
// the standard even where everyday practice, and CLDR's display data
// (golang.org/x/text/currency), differ: HUF, IDR, TWD, IQD (3), RSD and
// others keep their ISO minor units although prices are often quoted
// without them. currency_test.go checks the table against x/text's list
// of currencies in use, and every difference in minor units against a
// stated list. Fund codes and units of account (BOV, CHE, CHW, CLF, COU,
// MXV, USN, UYI, UYW, XDR, XSU, XUA), precious metals and test codes are
// not included. BGN stays for amounts dated before Bulgaria's move to the
// euro; withdrawn codes (HRK, MRO, VEF, CUC, SLL, ANG) are not accepted.
var minorUnits = map[Currency]int32{
	// Zero minor units.
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0,
	"XOF": 0, "XPF": 0,
	// Three minor units.
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// Two minor units.
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "AOA": 2, "ARS": 2, "AUD": 2,
	"AWG": 2, "AZN": 2, "BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BMD": 2,
	"BND": 2, "BOB": 2, "BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2,
	"BZD": 2, "CAD": 2, "CDF": 2, "CHF": 2, "CNY": 2, "COP": 2, "CRC": 2,
	"CUP": 2, "CVE": 2, "CZK": 2, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2,
	"ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2,
	"GHS": 2, "GIP": 2, "GMD": 2, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2,
	"HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IRR": 2,
	"JMD": 2, "KES": 2, "KGS": 2, "KHR": 2, "KPW": 2, "KYD": 2, "KZT": 2,
	"LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2, "MAD": 2, "MDL": 2,
	"MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2,
	"MVR": 2, "MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2,
	"NIO": 2, "NOK": 2, "NPR": 2, "NZD": 2, "PAB": 2, "PEN": 2, "PGK": 2,
	"PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2,
	"SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2,
	"SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2,
	"SZL": 2, "THB": 2, "TJS": 2, "TMT": 2, "TOP": 2, "TRY": 2, "TTD": 2,
	"TWD": 2, "TZS": 2, "UAH": 2, "USD": 2, "UYU": 2, "UZS": 2, "VED": 2,
	"VES": 2, "WST": 2, "XCD": 2, "XCG": 2, "YER": 2, "ZAR": 2, "ZMW": 2,
	"ZWG": 2,
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
