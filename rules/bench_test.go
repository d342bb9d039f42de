package rules

import (
	"fmt"
	"strings"
	"testing"
)

// program50 generates a program with 50 earnings: conditions, formulas,
// band tables, groups and line caps, the size of a large real program.
func program50() []byte {
	var b strings.Builder
	b.WriteString(`apiVersion: partnerops/v1
kind: Program
id: bench-50
name: Fifty earnings
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: America/New_York}
fields:
  segment: string
  term_months: {type: int, optional: true}
eligibility:
  - name: registered new business
    when: deal.registered && deal.type == "new_business"
  - name: gold or platinum partner
    when: partner.tier in ["gold", "platinum"]
earnings:
`)
	for i := range 50 {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "  - id: e%d\n    type: spiff\n    when: deal.amount >= %d && deal.segment == \"enterprise\"\n    amount: deal.amount * 0.0%d\n    cap: %d\n", i, 1000*i, i%9+1, 1000+i)
		case 1:
			fmt.Fprintf(&b, "  - id: e%d\n    type: bonus\n    when: deal.term_months >= %d\n    amount: %d\n    group: g\n", i, i, 100+i)
		case 2:
			fmt.Fprintf(&b, "  - id: e%d\n    type: rebate\n    bands:\n      method: marginal\n      pays: rate\n      table:\n"+
				"        - {from: 0, to: 10000, rate: 0.01}\n        - {from: 10000, to: 50000, rate: 0.02}\n        - {from: 50000, rate: 0.03}\n", i)
		case 3:
			fmt.Fprintf(&b, "  - id: e%d\n    type: spiff\n    when: |\n      deal.customer.country in [\"DE\", \"FR\"] &&\n        round(deal.amount / 3, 2) > %d\n    amount: min(deal.amount * 0.01, 500)\n    group: g\n", i, i)
		default:
			fmt.Fprintf(&b, "  - id: e%d\n    type: mdf\n    amount: deal.amount * 0.002\n    bands:\n      method: retroactive\n      pays: multiplier\n      table:\n"+
				"        - {from: 0, to: 25000, multiplier: 1}\n        - {from: 25000, multiplier: 1.5}\n", i)
		}
	}
	b.WriteString("groups:\n  - {id: g, pick: highest}\ncaps:\n  per_deal: 25000\n  per_partner: {limit: 100000, period: quarter}\n  budget: 5000000\n")
	return []byte(b.String())
}

func TestProgram50Compiles(t *testing.T) {
	f := mustCompile(t, "bench.yaml", program50())
	if n := len(f.Programs[0].Earnings); n != 50 {
		t.Fatalf("%d earnings", n)
	}
}

// BenchmarkCompile50 compiles a program with 50 earnings (YAML parsing,
// decoding, 82 expressions, band checks and the engine's Validate).
func BenchmarkCompile50(b *testing.B) {
	src := program50()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("bench.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}
