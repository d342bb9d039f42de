package rules

// Independent review of computed caps and partner history (issue #7): each
// test failed before its fix. Expected amounts are computed by hand.

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A line cap that cut a line which then lost its group's pick was shown by
// explain ("line cap deal.approved = 10.00 cut 990.00") but `capped:` said
// [] and coverage said the cap was never bound: the same gap as the band of
// a losing line (Result.Lost), for its cap cuts.
func TestLostGroupLineCapInTestsAndCoverage(t *testing.T) {
	rep := runYAML(t, `apiVersion: partnerops/v1
kind: Program
id: lost-cap
name: Lost cap
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
fields:
  approved: {type: decimal, optional: true}
earnings:
  - id: share
    type: bonus
    amount: deal.amount * 0.02
    cap: deal.approved
    group: g
  - id: fixed
    type: bonus
    amount: 500
    group: g
groups:
  - {id: g, pick: highest}
tests:
  - name: the cap decides the pick
    deal: {id: D-1, amount: "50000.00", close_date: 2026-02-01, approved: "10.00"}
    # share: 50000.00 x 0.02 = 1000.00, cut by the line cap to 10.00 (cut 990.00);
    # fixed 500.00 > 10.00 wins the pick, so the total is 500.00
    expect: {total: "500.00", lines: {fixed: "500.00"}, capped: [line:share]}
`)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Passed(), "diffs %q err %v", rep.Results[0].Diffs, rep.Results[0].Err)
	var capItem *CoverageItem
	for i, it := range rep.Coverage.Items {
		if it.Name == `cap "line:share"` {
			capItem = &rep.Coverage.Items[i]
		}
	}
	require.NotNil(t, capItem)
	assert.True(t, capItem.Covered, "the line cap cut the losing line by 990.00")
}

// findProp returns the first schema object found under a "properties" key
// named name, searching depth first.
func findProp(v any, name string) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if props, ok := x["properties"].(map[string]any); ok {
			if p, ok := props[name].(map[string]any); ok {
				return p
			}
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if p := findProp(x[k], name); p != nil {
				return p
			}
		}
	case []any:
		for _, e := range x {
			if p := findProp(e, name); p != nil {
				return p
			}
		}
	}
	return nil
}

// The JSON Schema offered `pick: top` (every value of incentive.Picks()) as
// a scalar, which the decoder rejects: a top-N pick is spelled {max, by}.
// Every scalar pick the schema offers must compile.
func TestSchemaScalarPicksCompile(t *testing.T) {
	var schema any
	require.NoError(t, json.Unmarshal(Schema(), &schema))
	pick := findProp(schema, "pick")
	require.NotNil(t, pick, "no pick in the schema")
	anyOf, ok := pick["anyOf"].([]any)
	require.True(t, ok)
	var scalars []string
	for _, alt := range anyOf {
		if m, ok := alt.(map[string]any); ok {
			if vals, ok := m["enum"].([]any); ok {
				for _, v := range vals {
					scalars = append(scalars, v.(string))
				}
			}
		}
	}
	assert.ElementsMatch(t, []string{"highest", "first"}, scalars)
	for _, v := range scalars {
		src := `apiVersion: partnerops/v1
kind: Program
id: picks
name: Picks
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - {id: a, type: bonus, amount: 5, group: g}
  - {id: b, type: bonus, amount: 6, group: g}
groups:
  - {id: g, pick: ` + v + `}
`
		_, err := Compile("p.yaml", []byte(src))
		assert.NoError(t, err, "pick: %s is offered by the schema", v)
	}
}
