package rules_test

import (
	"fmt"

	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

// A tier policy written in YAML, compiled and evaluated for one partner.
func ExampleCompile_tierPolicy() {
	src := `apiVersion: partnerops/v1
kind: TierPolicy
id: reseller-tiers
grace: 90d
tiers:
  - tier: silver
  - tier: gold
    criteria:
      - name: revenue
        when: metrics.revenue_12m >= 250000
      - name: certified people
        when: metrics.certified_people >= 2
`
	f, err := rules.Compile("tiers.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	tp := f.TierPolicies[0].Policy
	p := &partner.Partner{ID: "P-1", Tier: "silver"}
	rec, err := tp.Evaluate(p, partner.TierMetrics{Revenue12M: decimal.RequireFromString("300000"), CertifiedPeople: 1}, partner.MustDate("2026-06-01"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Action, rec.To)
	for _, c := range rec.Levels[1].Criteria {
		fmt.Println(c.Name, c.Met, c.Values)
	}
	// Output:
	// keep silver
	// revenue true [{metrics.revenue_12m 300000}]
	// certified people false [{metrics.certified_people 1}]
}

// A criterion that reads a metric the policy does not have is an error at
// the name.
func ExampleCompile_tierPolicyError() {
	src := `apiVersion: partnerops/v1
kind: TierPolicy
id: reseller-tiers
tiers:
  - tier: silver
  - tier: gold
    criteria:
      - name: revenue
        when: metrics.revenue >= 250000
`
	_, err := rules.Compile("tiers.yaml", []byte(src))
	fmt.Println(err)
	// Output:
	// tiers.yaml:9:23: tiers[1].criteria[0].when: unknown metric metrics.revenue (did you mean metrics.revenue_12m?)
	//             when: metrics.revenue >= 250000
	//                           ^
}
