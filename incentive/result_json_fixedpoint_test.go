package incentive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A result written as JSON, read back and written again gives the same
// bytes (reported by reviewers rtrace7 and rtrace9): a step's values read
// came back as their texts and were quoted a second time ("value":
// "\"gold\"" became "value": "\"\\\"gold\\\"\""), so a service that
// stores results as JSON and serves them again changed them.
func TestResultJSONReadBackWritesTheSame(t *testing.T) {
	p := spiffProgram()
	for _, d := range []Deal{
		deal("D-1", "P-1", "120000.00", "2026-10-05"),
		deal("D-2", "P-1", "1000.00", "2026-10-06"),
	} {
		r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
		first, err := json.Marshal(r)
		require.NoError(t, err)
		require.Contains(t, string(first), `"path":"partner.tier","value":"\"gold\""`)
		var back Result
		require.NoError(t, json.Unmarshal(first, &back))
		second, err := json.Marshal(&back)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(second))
		// The values read back are the texts the JSON keeps.
		var tier []Observed
		for _, st := range back.Trace {
			for _, o := range st.Inputs() {
				if o.Path == "partner.tier" {
					tier = append(tier, o)
				}
			}
		}
		require.NotEmpty(t, tier)
		assert.Equal(t, `"gold"`, tier[0].Value)
	}
}
