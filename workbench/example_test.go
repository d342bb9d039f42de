package workbench_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/partnerops/partnerops/workbench"
)

const v1 = `
apiVersion: partnerops/v1
kind: Program
id: spiff
name: New logo SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02}
caps:
  per_deal: 500
`

func program(src string) *incentive.Program {
	f, err := rules.Compile("spiff.yaml", []byte(src))
	if err != nil {
		panic(err)
	}
	return f.Programs[0]
}

// Compare two versions of a program over the same deals: version 2 pays
// 3% instead of 2%.
func ExampleCompare() {
	oldP := program(v1)
	newP := program(`
apiVersion: partnerops/v1
kind: Program
id: spiff
name: New logo SPIFF
version: 2
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.03}
caps:
  per_deal: 500
`)
	deals, err := rules.DecodeDeals("deals.yaml", []byte(`
- {id: D-1, partner_id: P-1, amount: "10000", close_date: 2026-03-01}
- {id: D-2, partner_id: P-2, amount: "20000", close_date: 2026-03-02}
`), newP)
	if err != nil {
		panic(err)
	}
	seq := func(yield func(incentive.Input, error) bool) {
		for _, in := range deals {
			if !yield(in, nil) {
				return
			}
		}
	}
	d, err := workbench.Compare(context.Background(), oldP, newP, seq, workbench.DiffOptions{})
	if err != nil {
		panic(err)
	}
	// D-1: 200.00 -> 300.00. D-2: 400.00 -> 600.00, cut to 500.00 by the cap.
	if err := d.WriteText(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// Diff: spiff v1 -> spiff v2 over 2 deals (USD)
	//                    old     new    delta
	// earned          600.00  800.00  +200.00
	// eligible deals       2       2        0
	// 2 of 2 deals changed; 2 partners earn more, 0 earn less
	//
	// Why deals changed (a deal may have several reasons):
	//   amount  2
	//   cap     1
	//
	// By earning type:
	//   type      old     new    delta
	//   spiff  600.00  800.00  +200.00
	//
	// By earning (line totals):
	//   earning     old     new    delta
	//   base     600.00  800.00  +200.00
	//
	// By partner (largest change first):
	//   partner     old     new    delta  deals  why
	//   P-1      200.00  300.00  +100.00      1  amount 1
	//   P-2      400.00  500.00  +100.00      1  amount 1, cap 1
	//
	// Deals (largest change first):
	//   deal  partner     old     new    delta
	//   D-1   P-1      200.00  300.00  +100.00
	//       amount base: before caps 200.00 -> 300.00
	//   D-2   P-2      400.00  500.00  +100.00
	//       amount base: before caps 400.00 -> 600.00
	//       cap base: the per-deal cap now binds, cuts 100.00
}

// Two versions paying in different currencies cannot be compared.
func ExampleCompare_error() {
	oldP := program(v1)
	eur := program(`
apiVersion: partnerops/v1
kind: Program
id: spiff
name: New logo SPIFF
version: 2
currency: EUR
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02}
`)
	_, err := workbench.Compare(context.Background(), oldP, eur, nil, workbench.DiffOptions{})
	fmt.Println(err)
	fmt.Println(errors.Is(err, incentive.ErrCurrencyMismatch))
	// Output:
	// currency mismatch: the old version pays in USD, the new one in EUR
	// true
}
