package rules

// Independent review of holds, voids and payout buckets of issue #7: each
// test failed before its fix.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allBucketed pays its only earning type from a named bucket, so it has no
// default bucket.
const allBucketed = `apiVersion: partnerops/v1
kind: Program
id: allb
name: All bucketed
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
payouts:
  - bucket: spiffs
    types: [spiff]
    min_payout: 50
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.01
tests:
`

// A test's plain carried amount goes to the default bucket. In a program
// that pays every earning type from a named bucket there is none, and the
// amount was silently dropped (carried_in 0, the test reporting a wrong
// figure as if the engine lost it), where 'partnerops run -carried'
// refuses the same amount. It must be a positioned compile error, and so
// must a `default:` bucket in carried: or in a statement expectation.
func TestReviewHoldsCarriedIntoMissingDefaultBucket(t *testing.T) {
	for _, tc := range []struct {
		name, test, want string
	}{
		{"plain amount", `  - name: t
    carried: {P-1: "30.00"}
    deals:
      - {id: D-1, amount: "1000.00", close_date: 2026-01-20, partner_id: P-1}
    expect: {total: "10.00"}
`, "every earning type"},
		{"default bucket in carried", `  - name: t
    carried: {P-1: {default: "30.00"}}
    deals:
      - {id: D-1, amount: "1000.00", close_date: 2026-01-20, partner_id: P-1}
    expect: {total: "10.00"}
`, "default"},
		{"default bucket in statement", `  - name: t
    deals:
      - {id: D-1, amount: "1000.00", close_date: 2026-01-20, partner_id: P-1}
    expect:
      statement:
        P-1: {buckets: {default: {earned: "0"}}}
`, "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile("p.yaml", []byte(allBucketed+tc.test))
			require.Error(t, err)
			var list ErrorList
			require.ErrorAs(t, err, &list)
			require.NotEmpty(t, list)
			assert.Contains(t, list[0].Error(), tc.want)
			assert.Contains(t, list[0].Error(), "p.yaml:")
		})
	}
	// The same carried amount per bucket compiles: 10.00 + 30.00 = 40.00
	// < 50.00, carried out.
	_, err := Compile("p.yaml", []byte(allBucketed+`  - name: t
    carried: {P-1: {spiffs: "30.00"}}
    deals:
      - {id: D-1, amount: "1000.00", close_date: 2026-01-20, partner_id: P-1}
    expect:
      statement:
        P-1: {carried_in: "30.00", payable: "0", carried_out: "40.00"}
`))
	require.NoError(t, err)
}
