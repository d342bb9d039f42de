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

// An expression with several numbers needs #N after the path to say which.
func ExampleFindNumber_error() {
	src := `apiVersion: partnerops/v1
kind: Program
id: spiff
name: SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02 + 100}
`
	_, err := rules.FindNumber("spiff.yaml", []byte(src), "", "earnings[base].amount")
	fmt.Println(err)
	ref, err := rules.FindNumber("spiff.yaml", []byte(src), "", "earnings[base].amount#1")
	fmt.Println(ref.Value, ref.Col, err)
	// Output:
	// spiff.yaml:9:37: earnings[base].amount: "deal.amount * 0.02 + 100" holds 2 numbers (0.02, 100); add #1 to #2 to the path to choose one
	//       - {id: base, type: spiff, amount: deal.amount * 0.02 + 100}
	//                                         ^
	// 0.02 51 <nil>
}
