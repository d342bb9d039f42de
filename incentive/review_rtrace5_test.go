package incentive

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyReads is a Go-built formula that reads deal.amount n times and
// returns limit: more paths than a step's input records count (255).
func manyReads(n int, limit decimal.Decimal) Formula {
	reads := make([]string, n)
	for k := range reads {
		reads[k] = PathDealAmount
	}
	return FormulaFunc("many reads", reads, func(*Scope) (decimal.Decimal, error) { return limit, nil })
}

// stepOf returns the first step of kind k in the trace.
func stepOf(t *testing.T, trace []Step, k StepKind) *Step {
	t.Helper()
	for i := range trace {
		if trace[i].Kind == k {
			return &trace[i]
		}
	}
	t.Fatalf("no %v step in the trace", k)
	return nil
}

// A computed line cap whose limit formula reads more than 255 paths shows
// what it read, as 65d4de7 did (and as a computed deal cap still does):
// the compact step kept only its input records, which such a formula
// does not write (exprStep keeps its values as they are instead).
// base pays 100.00 x 0.02 = 2.00; the cap's limit is 1.00: cut 1.00.
func TestReviewRtrace5LineCapManyReadsKeepsInputs(t *testing.T) {
	p := spiffProgram()
	p.Caps = []Cap{{Scope: CapLine, Earning: "base", LimitFormula: manyReads(300, decimal.New(1, 0))}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	res, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "100.00", "2026-11-03"), Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	c := stepOf(t, res.Trace, StepCap)
	in := c.Inputs()
	require.Len(t, in, 300)
	assert.Equal(t, PathDealAmount, in[299].Path)
	assert.Equal(t, "100", in[299].Value.(decimal.Decimal).String())
	w := c.Words()
	assert.True(t, strings.HasPrefix(w, `earning "base": line cap many reads = 1.00 (deal.amount = 100.00, deal.amount = 100.00,`), w)
	assert.True(t, strings.HasSuffix(w, `deal.amount = 100.00) cut 1.00 (2.00 -> 1.00)`), w)
}
