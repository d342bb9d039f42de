package rules_test

import (
	"fmt"

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
