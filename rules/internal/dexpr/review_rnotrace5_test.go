package dexpr

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review rnotrace5 (issue #11, round 5): the fused logical operators.

// A logical operator that does not fuse (an operand the VM computes, such
// as an aggregate or a comparison of two reads) used to have its operands
// lowered twice: once by logic/not while trying to fuse, then again by
// node. Each level of a chain of && or of ! doubled the work, so the
// lowering of a chain of n operators took 2^n steps: 24 nested ! took 2 s
// to compile, 28 took 22 s, and the 40 below would never finish (a
// program file, or `partnerops check`, hangs). Each operand is now lowered
// once: compiling is linear in the chain, well within the watchdog (which
// only detects the hang; it measures nothing).
func TestReviewRnotrace5LogicChainCompiles(t *testing.T) {
	env := mustEnv(t, testFields)
	// A comparison of two reads does not fuse, so no level of a chain
	// starting with one fuses.
	chains := map[string]string{
		"and chain": "deal.quantity > deal.term_months" + strings.Repeat(" && deal.registered", 40),
		"or chain":  "deal.quantity > deal.term_months" + strings.Repeat(` || deal.segment == "x"`, 40),
		"not chain": strings.Repeat("!", 40) + "(deal.quantity > deal.term_months)",
	}
	for name, src := range chains {
		t.Run(name, func(t *testing.T) {
			done := make(chan *Expr, 1)
			go func() { done <- mustCompile(t, env, src, Bool) }()
			var x *Expr
			select {
			case x = <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("compiling a chain of 40 logical operators did not finish in 60 s (lowering exponential in the depth)")
			}
			// The values are still right: the deal is registered, segment
			// "enterprise", quantity 3 and has no term_months (0).
			//   and: 3 > 0 = true, && registered (true) x 40 = true
			//   or:  3 > 0 = true, || ... = true
			//   not: 40 negations of 3 > 0 (true): an even count, true
			got, err := x.Holds(newScope(t, "12000.00", nil))
			require.NoError(t, err)
			assert.True(t, got)
		})
	}
}
