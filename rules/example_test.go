package rules_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing/fstest"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
)

const exampleSrc = `apiVersion: partnerops/v1
kind: Program
id: example-spiff
name: Example SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: base
    type: spiff
    amount: deal.amount * 0.02
tests:
  - name: two percent
    deal: {id: D-1, amount: "12000.00", close_date: 2026-03-01}
    expect: {total: "240.00"}
`

func ExampleCompile() {
	f, err := rules.Compile("example.yaml", []byte(exampleSrc))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := f.Programs[0]
	fmt.Println(p.ID, p.Version, p.Currency, len(p.Earnings), "earning,", len(f.Tests), "test")
	fmt.Println("base written at", p.Earnings[0].Origin)
	// Output:
	// example-spiff 1 USD 1 earning, 1 test
	// base written at example.yaml:9:5
}

// Compile reports every error of the file, positioned, with the source line
// and a caret under the offending token.
func ExampleCompile_error() {
	src := []byte(`apiVersion: partnerops/v1
kind: Program
id: example-spiff
name: Example SPIFF
version: 1
currency: USD
effective: {from: 2026-01-01}
earnings:
  - id: base
    type: spiff
    amount: "deal.amout * 0.02"
    cap: 0
`)
	_, err := rules.Compile("example.yaml", src)
	var list rules.ErrorList
	if errors.As(err, &list) {
		fmt.Println(len(list), "errors")
	}
	fmt.Println(err)
	// Output:
	// 2 errors
	// example.yaml:11:19: earnings[0].amount: unknown field deal.amout (did you mean deal.amount?)
	//         amount: "deal.amout * 0.02"
	//                       ^
	// example.yaml:12:10: earnings[0].cap: a cap must be above zero, got 0
	//         cap: 0
	//              ^
}

func ExampleLoad() {
	fsys := fstest.MapFS{
		"programs/example.yaml": {Data: []byte(exampleSrc)},
		"programs/example_test.yaml": {Data: []byte(`apiVersion: partnerops/v1
kind: Tests
program: example-spiff
tests:
  - name: a small deal
    deal: {id: D-2, amount: "100.00", close_date: 2026-03-01}
    expect: {total: "2.00"}
`)},
	}
	set, err := rules.Load(fsys, "programs/*.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range set.Tests() {
		fmt.Println(t.Program.ID, "/", t.Name, "at", t.Origin)
	}
	// Output:
	// example-spiff / two percent at programs/example.yaml:13:5
	// example-spiff / a small deal at programs/example_test.yaml:5:5
}

func ExampleSet_RunTests() {
	set, err := rules.Load(os.DirFS("testdata/reference"), "minimal*.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	report := set.RunTests(context.Background(), rules.TestOptions{MinCoverage: 100})
	fmt.Print(report)
	fmt.Println("ok:", report.OK())
	// Output:
	// PASS minimal-spiff/any deal earns the flat SPIFF (minimal.yaml:14:5)
	// PASS minimal-spiff/a deal closed before the program starts is not eligible (minimal_test.yaml:6:5)
	// coverage: 1 of 1 clauses, earnings, bands and caps exercised (100%)
	// ok: 2 tests passed
	// ok: true
}

func ExampleDecodeDeals() {
	f, err := rules.Compile("example.yaml", []byte(exampleSrc))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := f.Programs[0]
	deals := []byte(`
- {id: D-1, partner_id: P-1, amount: "12000.00", close_date: 2026-03-01}
- {id: D-2, partner_id: P-1, amount: "500.00", close_date: 2026-03-02}
`)
	inputs, err := rules.DecodeDeals("deals.yaml", deals, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range inputs {
		res, err := incentive.Evaluate(context.Background(), p, in, in.Deal.CloseDate)
		if err != nil {
			fmt.Println(err)
			return
		}
		// 12000.00 x 0.02 = 240.00; 500.00 x 0.02 = 10.00
		fmt.Println(res.DealID, res.Total)
	}
	// Output:
	// D-1 240.00 USD
	// D-2 10.00 USD
}
