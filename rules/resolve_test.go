package rules

import (
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const resolveDoc = `id: p
fields:
  segment: string
  signed: {type: date}
claims: {window: 60d, from: signed}
earnings:
  - id: base
    cap: 500
    bands:
      method: retroactive
      table:
        - {from: 0, to: 100, rate: 0.01}
        - {from: 100, rate: 0.02}
caps:
  per_partner: {limit: 1000, period: month}
  budget: 5000
`

func TestResolvePath(t *testing.T) {
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(resolveDoc), &root))
	cases := []struct {
		path      string
		line, col int
		whole     bool
	}{
		{"id", 1, 5, true},
		{"fields.segment", 3, 12, true},
		{"fields.signed", 4, 3, true}, // a mapping value: the key
		{"claims.from", 5, 29, true},
		{"earnings[0].cap", 8, 10, true},
		{"earnings[0].bands.method", 10, 15, true},
		{"earnings[0].bands.table[1].from", 13, 18, true},
		{"earnings[0].bands.table[1].to", 13, 11, false}, // not written: the row
		{"earnings[0].bands.table[1]", 13, 11, true},
		{"earnings[3].id", 6, 1, false},   // beyond the list: the list's key
		{"caps.per_partner", 15, 3, true}, // a mapping value: the key
		{"caps.per_partner.limit", 15, 24, true},
		{"caps.budget", 16, 11, true},
		{"caps.per_deal", 14, 1, false}, // not written: the caps key
		{"", 1, 1, true},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			n, whole := resolvePath(&root, c.path)
			require.NotNil(t, n)
			assert.Equal(t, c.whole, whole)
			assert.Equal(t, [2]int{c.line, c.col}, [2]int{n.Line, n.Column})
		})
	}
}

// TestValidatePaths: incentive.Validate names each problem by its DSL
// path, and Compile reports it at that place in the file.
func TestValidatePaths(t *testing.T) {
	ten := dec("10")
	p := &incentive.Program{ID: "p", Version: 1, Currency: incentive.USD,
		Earnings: []incentive.Earning{{ID: "e", Type: incentive.Rebate, Bands: &incentive.BandTable{
			Method: incentive.Retroactive, Pays: incentive.PaysRate,
			Bands: []incentive.Band{{From: dec("0"), To: &ten}, {From: dec("12")}},
		}}},
		Caps: []incentive.Cap{{Scope: incentive.CapBudget, Limit: dec("-1")}},
	}
	err := p.Validate()
	require.Error(t, err)
	var paths []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var pe *incentive.ProgramError
		require.True(t, errors.As(e, &pe))
		assert.True(t, errors.Is(e, incentive.ErrInvalidProgram))
		paths = append(paths, pe.Path)
	}
	assert.Equal(t, []string{"earnings[0].bands.table[1].from", "caps.budget"}, paths)
	assert.Contains(t, err.Error(), "invalid program: earnings[0].bands.table[1].from: gap: the previous band ends at 10 but this band starts at 12")
}
