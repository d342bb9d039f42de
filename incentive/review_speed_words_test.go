package incentive

import (
	"strings"
	"testing"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A step's words are rendered each time they are read (Explain, JSON,
// Words) and must read the same every time. The total step of a split deal
// paid to a named payee appended the name to its captured payee on every
// rendering: "total ... to incentive_payee (Ben) (Ben), split: ...".
func TestReviewSpeedSplitTotalWordsStable(t *testing.T) {
	p := splitProgram(RemainderLargestShare, false)
	p.Payee = string(partner.RolePayee)
	pa := gold("P-1")
	pa.Contacts = []partner.Contact{{Role: partner.RolePayee, Name: "Ben", Email: "ben@acme.example"}}
	// 12,345.67 x 0.02 = 246.9134 -> 246.91, split 197.53 / 49.38 (see
	// TestSplitPayout).
	r := mustEval(t, p, Input{Deal: referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), Partner: pa})
	require.NotEmpty(t, r.Trace)
	last := &r.Trace[len(r.Trace)-1]
	require.Equal(t, StepTotal, last.Kind)
	first := last.Words()
	assert.True(t, strings.HasPrefix(first, "total 246.91 USD to "+string(partner.RolePayee)+" (Ben), split: "), first)
	assert.Equal(t, first, last.Words(), "rendered twice")
	assert.Equal(t, 1, strings.Count(r.Explain(), "(Ben)"), "explained after two renderings")
}
