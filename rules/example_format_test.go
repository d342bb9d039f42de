package rules_test

import (
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
)

// Format puts the keys in the reference's order and keeps the comments.
func ExampleFormat() {
	src := `kind: Program
earnings:
  - amount: 500 # flat bonus
    type: bonus
    id: kicker
apiVersion: partnerops/v1
id: demo
`
	out, err := rules.Format("demo.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// apiVersion: partnerops/v1
	// kind: Program
	// id: demo
	//
	// earnings:
	//   - id: kicker
	//     type: bonus
	//     amount: 500 # flat bonus
}

// A partners file in YAML: each record once, with an id.
func ExampleDecodePartners() {
	src := "- {id: P-1, name: Acme, tier: gold}\n- {id: P-1, tier: silver}\n"
	_, err := rules.DecodePartners("partners.yaml", []byte(src))
	fmt.Println(err)
	// Output:
	// partners.yaml:2:3: [1]: partner "P-1" is listed twice (first at line 1)
	//     - {id: P-1, tier: silver}
	//       ^
}

// A partners file with a tier history, read in a program's time zone: the
// partner was silver until it became gold on 2026-04-01.
func ExampleDecodePartnersFor() {
	ny, _ := time.LoadLocation("America/New_York")
	p := &incentive.Program{Effective: incentive.Window{Location: ny}}
	src := "- id: P-1\n  tier_history:\n    - {from: 2026-01-01, tier: silver}\n    - {from: 2026-04-01, tier: gold}\n"
	list, err := rules.DecodePartnersFor("partners.yaml", []byte(src), p)
	if err != nil {
		fmt.Println(err)
		return
	}
	pt := list[0]
	fmt.Println(pt.Tier, pt.TierAt(time.Date(2026, 3, 31, 23, 0, 0, 0, ny)), pt.TierAt(time.Date(2026, 4, 1, 0, 0, 0, 0, ny)))
	_, err = rules.DecodePartnersFor("partners.yaml", []byte("- {id: P-2, tier: gold, tier_history: [{from: 2026-01-01, tier: silver}]}\n"), p)
	fmt.Println(err)
	// Output:
	// gold silver gold
	// partners.yaml:1:19: [0].tier: tier "gold" differs from the last tier_history entry "silver" (line 1); the tier is the one in force now, so leave `tier:` out or make them agree
	//     - {id: P-2, tier: gold, tier_history: [{from: 2026-01-01, tier: silver}]}
	//                       ^
}
