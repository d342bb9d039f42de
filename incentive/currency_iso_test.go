package incentive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/currency"
)

// isoNotCLDR are the currencies whose ISO 4217 minor unit (the table's)
// differs from the digits CLDR uses for display, as golang.org/x/text
// reports them. ISO is the standard invoices and payments use, so the
// table keeps ISO's value; each entry says CLDR's.
var isoNotCLDR = map[Currency]int{
	"AFN": 0, "ALL": 0, "AMD": 0, "COP": 0, "GYD": 0, "IDR": 0, "IQD": 0, "IRR": 0,
	"KPW": 0, "LAK": 0, "LBP": 0, "MGA": 0, "MMK": 0, "MNT": 0, "MUR": 0, "PKR": 0,
	"RSD": 0, "SOS": 0, "SYP": 0, "TZS": 0, "UZS": 0, "YER": 0,
}

// replaced are codes x/text's data still lists as in use that ISO 4217
// has withdrawn, with the code that replaced each; the table has the
// successor.
var replaced = map[string]Currency{
	"MRO": "MRU", // Mauritania, 2018
	"VEF": "VES", // Venezuela, 2018
	"CUC": "CUP", // Cuba, 2021
	"SLL": "SLE", // Sierra Leone, redenominated 2022
	"ANG": "XCG", // Curaçao and Sint Maarten, 2025
	"HRK": "EUR", // Croatia, 2023
}

// newerThanXText are ISO 4217 codes introduced after the CLDR data of
// x/text (v0.41.0); x/text does not parse them yet.
var newerThanXText = map[Currency]bool{"MRU": true, "SLE": true, "VED": true, "VES": true, "XCG": true, "ZWG": true}

// TestCurrenciesCoverXText: every currency x/text lists as legal tender
// somewhere is in the table (or was replaced by one that is), with the
// same minor units unless ISO and CLDR differ as isoNotCLDR states.
func TestCurrenciesCoverXText(t *testing.T) {
	it := currency.Query()
	n := 0
	for it.Next() {
		code := it.Unit().String()
		n++
		if succ, ok := replaced[code]; ok {
			assert.True(t, succ.Valid(), "%s was replaced by %s, which the table must have", code, succ)
			continue
		}
		c := Currency(code)
		if !assert.True(t, c.Valid(), "x/text lists %s (region %s); the table lacks it", code, it.Region()) {
			continue
		}
		cldr, _ := currency.Standard.Rounding(it.Unit())
		if want, ok := isoNotCLDR[c]; ok {
			assert.Equal(t, want, cldr, "%s: CLDR's digits changed; review isoNotCLDR", c)
			assert.NotEqual(t, int32(cldr), c.MinorUnits(), "%s: the table now agrees with CLDR; drop it from isoNotCLDR", c)
			continue
		}
		assert.Equal(t, int32(cldr), c.MinorUnits(), "%s: minor units differ from x/text (CLDR)", c)
	}
	assert.Greater(t, n, 150, "x/text lists over 150 currencies in use")
	// Every code of the table parses in x/text, so none is a typo.
	for _, c := range Currencies() {
		if newerThanXText[c] {
			continue
		}
		_, err := currency.ParseISO(string(c))
		assert.NoError(t, err, "%s", c)
	}
}

// TestCurrencyMinorUnitsExamples pins a few hand-checked ISO 4217 values.
func TestCurrencyMinorUnitsExamples(t *testing.T) {
	for c, want := range map[Currency]int32{"BWP": 2, "USD": 2, "JPY": 0, "KWD": 3, "IQD": 3, "CLP": 0, "ISK": 0, "HUF": 2, "XCG": 2, "ZWG": 2, "VES": 2, "MRU": 2} {
		assert.True(t, c.Valid(), "%s", c)
		assert.Equal(t, want, c.MinorUnits(), "%s", c)
	}
	for _, c := range []Currency{"CLF", "XDR", "XAU", "USN", "XXX"} {
		assert.False(t, c.Valid(), "%s is a fund code, unit of account, metal or test code", c)
	}
}
