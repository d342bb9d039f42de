package workbench_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/partnerops/partnerops/workbench"
	"github.com/shopspring/decimal"
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

// Vary the per-deal cap from 400 to 600 and see what the two deals cost.
func ExampleSweepNumber() {
	deals, err := rules.DecodeDeals("deals.yaml", []byte(`
- {id: D-1, partner_id: P-1, amount: "10000", close_date: 2026-03-01}
- {id: D-2, partner_id: P-2, amount: "30000", close_date: 2026-03-02}
`), program(v1))
	if err != nil {
		panic(err)
	}
	s, err := workbench.SweepNumber(context.Background(), deals, workbench.SweepOptions{
		Name: "spiff.yaml", Source: []byte(v1), Path: "caps.per_deal",
		From: decimal.NewFromInt(400), To: decimal.NewFromInt(600), Step: decimal.NewFromInt(100),
	})
	if err != nil {
		panic(err)
	}
	// D-1 earns 200.00 under every cap; D-2's 600.00 is cut to the cap.
	for _, p := range s.Points {
		fmt.Println(p.Value, p.Earned, p.Delta, p.Affected)
	}
	// Output:
	// 400 600 -100 1
	// 500 700 0 0
	// 600 800 100 1
}

// A range that goes backwards is refused.
func ExampleSweepNumber_error() {
	_, err := workbench.SweepNumber(context.Background(), nil, workbench.SweepOptions{
		Name: "spiff.yaml", Source: []byte(v1), Path: "caps.per_deal",
		From: decimal.NewFromInt(600), To: decimal.NewFromInt(400), Step: decimal.NewFromInt(100),
	})
	fmt.Println(errors.Is(err, workbench.ErrBadRange))
	// Output:
	// true
}

// The payout of a deal at amounts from 0 to 40,000: 2% of the amount,
// capped at 500 from 25,000 on.
func ExamplePayoutCurve() {
	p := program(v1)
	deals, err := rules.DecodeDeals("deal.yaml", []byte(`[{id: D-1, partner_id: P-1, amount: "1", close_date: 2026-03-01}]`), p)
	if err != nil {
		panic(err)
	}
	c, err := workbench.PayoutCurve(context.Background(), p, deals[0], workbench.CurveOptions{Max: decimal.NewFromInt(40000), Samples: 4})
	if err != nil {
		panic(err)
	}
	for _, pt := range c.Points {
		fmt.Println(pt.Basis, pt.Total)
	}
	// Output:
	// 0 0
	// 10000 200
	// 20000 400
	// 30000 500
	// 40000 500
}

// Serve the example programs on a loopback port and list them, as the page
// does.
func ExampleNewServer() {
	hs := httptest.NewUnstartedServer(nil)
	srv, err := workbench.NewServer(workbench.ServerConfig{Dir: "../examples/programs", Hosts: []string{hs.Listener.Addr().String()}})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	hs.Config.Handler = srv
	hs.Start()
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/api/files")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var files []workbench.FileInfo
	if err := json.NewDecoder(resp.Body).Decode(&files); err != nil {
		panic(err)
	}
	for _, f := range files {
		fmt.Println(f.Name, f.Kind)
	}
	// Output:
	// distributor-growth.yaml program
	// distributor-growth_test.yaml program
	// msp-advantage.yaml program
	// msp-cosell-2027h1.yaml program
	// msp-cosell-2027h1_test.yaml program
	// q4-growth.yaml program
	// q4-growth_test.yaml program
	// var-rebate-2027.yaml program
	// var-rebate-2027_test.yaml program
}

// A folder that does not exist cannot be served.
func ExampleNewServer_error() {
	_, err := workbench.NewServer(workbench.ServerConfig{Dir: "no-such-folder"})
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// true
}

// RunStatement builds the statement 'partnerops run' prints, period
// settlements included: advances of 2% a deal, trued up to 3% of the
// quarter once it has ended.
func ExampleRunStatement() {
	p := program(`
apiVersion: partnerops/v1
kind: Program
id: rebate
name: Rebate with a quarterly true-up
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
earnings:
  - {id: advance, type: rebate, amount: deal.amount * 0.02}
settlements:
  - id: q
    type: rebate
    period: quarter
    advances: {earnings: [advance]}
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, rate: 0.03}
`)
	deals, err := rules.DecodeDeals("deals.yaml", []byte(`
- {id: D-1, partner_id: P-1, amount: "10000", close_date: 2026-01-10}
- {id: D-2, partner_id: P-1, amount: "20000", close_date: 2026-02-10}
`), p)
	if err != nil {
		panic(err)
	}
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	st, err := workbench.RunStatement(context.Background(), p, deals, incentive.RunOptions{AsOf: asOf})
	if err != nil {
		panic(err)
	}
	ps := st.Partners[0]
	// 200 + 400 of advances; 30,000 x 3% = 900 - 600 = 300 trued up.
	fmt.Println(ps.PartnerID, "earned", ps.Earned.Amount().StringFixed(2), "of which true-up", ps.Settlements[0].Payable.Amount().StringFixed(2))
	// Output:
	// P-1 earned 900.00 of which true-up 300.00
}
