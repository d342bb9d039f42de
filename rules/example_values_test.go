package rules_test

import (
	"context"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
)

const valuesSrc = `apiVersion: partnerops/v1
kind: Program
id: storage-units
name: Storage units SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
values:
  units: sum(filter(deal.lines, line.family == "storage" && !(line.product startsWith "DEMO-")), line.quantity)
earnings:
  - id: per-unit
    type: spiff
    amount: values.units * 50
`

// A named value sums the units of one product family over the deal's
// product lines, leaving out demo SKUs; the earning reads it.
func ExampleCompile_values() {
	f, err := rules.Compile("units.yaml", []byte(valuesSrc))
	if err != nil {
		fmt.Println(err)
		return
	}
	usd := func(s string) incentive.Money { return incentive.MustParseMoney(s, "USD") }
	in := incentive.Input{
		Deal: incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("9000.00"),
			CloseDate: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC),
			Lines: []incentive.DealLine{
				{Product: "SRV-1", Family: "storage", Quantity: 3, Amount: usd("6000.00")},
				{Product: "DEMO-SRV", Family: "storage", Quantity: 2},
				{Product: "NET-1", Family: "network", Quantity: 5, Amount: usd("3000.00")},
			}},
		Partner: partner.Partner{ID: "P-1"},
	}
	res, err := incentive.Evaluate(context.Background(), f.Programs[0], in, time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Values[0].Name, "=", res.Values[0].Value)
	fmt.Println("total", res.Total)
	// Output:
	// units = 3
	// total 150.00 USD
}

// Named values that read each other in a circle are a compile error at
// the reference that closes the circle.
func ExampleCompile_valueCycle() {
	src := `apiVersion: partnerops/v1
kind: Program
id: cycle
name: Cycle
version: 1
currency: USD
effective: {from: 2026-01-01}
values:
  net: values.gross - 100
  gross: values.net * 2
earnings:
  - {id: base, type: spiff, amount: 10}
`
	_, err := rules.Compile("cycle.yaml", []byte(src))
	fmt.Println(err)
	// Output:
	// cycle.yaml:10:10: values.gross: values form a cycle: net -> gross -> net; a value cannot read itself, directly or through others
	//       gross: values.net * 2
	//              ^
}
