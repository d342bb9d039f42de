package rules_test

import (
	"fmt"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
)

// DecodeRates reads a rates file; a rate with a validity period applies
// to every date in it.
func ExampleDecodeRates() {
	src := []byte("from,to,rate,as_of,valid_from,valid_to,source\n" +
		"EUR,USD,1.0832,2026-03-31,2026-03-01,2026-03-31,ECB month end\n")
	table, _, err := rules.DecodeRates("rates.csv", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := table.Rate(incentive.EUR, incentive.USD, incentive.Date{Year: 2026, Month: 3, Day: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Rate, "-", r.Describe())
	// Output:
	// 1.0832 - ECB month end, as of 2026-03-31, valid 2026-03-01 to 2026-03-31
}

// A bad rates file is a positioned error.
func ExampleDecodeRates_error() {
	src := []byte("rates:\n  - {from: EUR, to: USD, rate: 1.1}\n")
	_, _, err := rules.DecodeRates("rates.yaml", src)
	fmt.Println(err)
	// Output:
	// rates.yaml:2:5: rates[0]: missing required key "as_of"
	//       - {from: EUR, to: USD, rate: 1.1}
	//         ^
}
