package rules_test

import (
	"fmt"
	"strings"

	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

const editSrc = `apiVersion: partnerops/v1
kind: Program
id: rebate
name: Volume rebate
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: rebate
    type: rebate
    bands:
      method: marginal
      pays: rate
      table:
        - {from: 0, to: 100000, rate: 0.01}
        - {from: 100000, rate: 0.02}   # the silver band
`

// Find a band bound and move it: the next band's start moves with it, and
// everything else in the file, comments included, stays as written.
func ExampleFindNumber() {
	ref, err := rules.FindNumber("rebate.yaml", []byte(editSrc), "", "earnings[rebate].bands.table[0].to")
	if err != nil {
		panic(err)
	}
	fmt.Println(ref.Value, ref.Line, ref.Col, ref.Linked)
	out := ref.Set([]byte(editSrc), decimal.NewFromInt(80000))
	f, err := rules.Compile("rebate.yaml", out)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Programs[0].Earnings[0].Bands.Bands[1].From)
	lines := strings.Split(string(out), "\n")
	fmt.Println(strings.Join(lines[14:16], "\n"))
	// Output:
	// 100000 15 25 [earnings[rebate].bands.table[1].from]
	// 80000
	//         - {from: 0, to: 80000, rate: 0.01}
	//         - {from: 80000, rate: 0.02}   # the silver band
}

// A path to an expression is not a number to vary.
func ExampleFindNumber_error() {
	src := `apiVersion: partnerops/v1
kind: Program
id: spiff
name: SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02}
`
	_, err := rules.FindNumber("spiff.yaml", []byte(src), "", "earnings[base].amount")
	fmt.Println(err)
	// Output:
	// spiff.yaml:9:37: earnings[base].amount: earnings[base].amount is text ("deal.amount * 0.02"), not a number; sweep a plain number (a rate, a bound, a cap)
	//       - {id: base, type: spiff, amount: deal.amount * 0.02}
	//                                         ^
}
