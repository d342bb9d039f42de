package incentive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A name with a quote in it is escaped in the explanation, as the values
// read are (reported by reviewer rtracebatch8): a clause named
// `a "quoted" clause` read `eligible: "a "quoted" clause" holds`, which
// says something else. A plain or non-ASCII name is only put in quotes.
func TestExplainEscapesQuotedNames(t *testing.T) {
	p := spiffProgram()
	p.Eligibility[0].Name = `a "quoted" clause`
	p.Eligibility[1].Name = "partenaire or ou platine"
	p.Earnings[0].ID = `base\spiff`
	require.NoError(t, p.Validate())
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "1000.00", "2026-10-05"), Partner: gold("P-1")})
	words := r.Explain()
	assert.Contains(t, words, `eligible: "a \"quoted\" clause" holds`)
	assert.NotContains(t, words, `"a "quoted" clause"`)
	assert.Contains(t, words, `eligible: "partenaire or ou platine" holds`)
	assert.Contains(t, words, `earning "base\\spiff"`)
	assert.Equal(t, `"plain"`, quote("plain"))
	assert.Equal(t, `"platiné"`, quote("platiné"))
	assert.Equal(t, `"a\nb"`, quote("a\nb"))
	assert.Equal(t, `"\xff"`, quote("\xff"))
}
