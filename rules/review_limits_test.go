package rules

// Defects of issue #7 part B: each test failed before its fix. Expected
// amounts are computed by hand in the comments.

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runYAML loads one program file from memory and runs its tests.
func runYAML(t *testing.T, src string) *Report {
	t.Helper()
	set, err := Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}}, "*.yaml")
	require.NoError(t, err)
	return set.RunTests(context.Background(), TestOptions{})
}

// In a `pick: first` group a line that reached a band but lost the pick
// reported "no band" to expect.band, and coverage said the band was never
// reached, though explain showed it.
func TestLostGroupLineBandInTestsAndCoverage(t *testing.T) {
	rep := runYAML(t, `apiVersion: partnerops/v1
kind: Program
id: pick-first
name: Pick first
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: flat
    type: bonus
    amount: 5
    group: g
  - id: tiered
    type: bonus
    group: g
    bands:
      method: retroactive
      pays: flat
      table:
        - {from: 0, to: 1000, flat: 10, label: small}
        - {from: 1000, flat: 20, label: big}
groups:
  - {id: g, pick: first}
tests:
  - name: the flat line wins, the tiered line reached big
    deal: {id: D-1, amount: "2000.00", close_date: 2026-02-01}
    # flat 5.00 holds first and is not zero, so it wins; tiered: 2000.00 >= 1000 reaches big
    expect: {total: "5.00", lines: {flat: "5.00"}, band: {tiered: big}}
`)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Passed(), "diffs %q err %v", rep.Results[0].Diffs, rep.Results[0].Err)
	var big, small *CoverageItem
	for i, it := range rep.Coverage.Items {
		switch it.Name {
		case `band 2 ("big") of earning "tiered"`:
			big = &rep.Coverage.Items[i]
		case `band 1 ("small") of earning "tiered"`:
			small = &rep.Coverage.Items[i]
		}
	}
	require.NotNil(t, big)
	require.NotNil(t, small)
	assert.True(t, big.Covered, "band big was reached by the losing line")
	assert.False(t, small.Covered, "no test reached band small")
}
