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

// `in` over a constant list of strings, compared one by one up to 8
// elements and hashed beyond: duplicates, an empty list, exactly 8 and 9
// elements (the match last), case and spaces. The scope's deal has segment
// "enterprise" (or the fields given), partner tier "gold".
func TestReviewRnotrace5InStrings(t *testing.T) {
	env := mustEnv(t, testFields)
	eight := `"a", "b", "c", "d", "e", "f", "g"` // 7, the 8th is the one tested
	tests := []struct {
		src    string
		fields map[string]any
		want   bool
		err    string
	}{
		{src: `deal.segment in ["enterprise", "enterprise"]`, want: true},
		{src: `deal.segment in ["smb", "smb", "x"]`, want: false},
		{src: `deal.segment in []`, want: false},
		{src: `!(deal.segment in [])`, want: true},
		{src: `deal.segment in [` + eight + `, "enterprise"]`, want: true},      // 8 elements
		{src: `deal.segment in [` + eight + `, "h", "enterprise"]`, want: true}, // 9
		{src: `deal.segment in [` + eight + `, "Enterprise"]`, want: false},
		{src: `deal.segment in [` + eight + `, "h", "ENTERPRISE"]`, want: false},
		{src: `deal.segment in ["enterprise "]`, want: false},
		{src: `deal.segment in [""]`, fields: map[string]any{"segment": ""}, want: true},
		{src: `partner.tier in ["gold"] && deal.segment in ["x"]`, want: false},
		// A missing required field fails at the read (column 1, columns
		// count from 1), even when "" is in the list.
		{src: `deal.segment in ["", "x"]`, fields: map[string]any{},
			err: `1:1: invalid deal: deal "D-1" has no value for the required field deal.segment`},
		// x in [] is false whatever x is, and reads nothing (as at 65d4de7).
		{src: `deal.segment in []`, fields: map[string]any{}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x := mustCompile(t, env, tt.src, Bool)
			viaVM := *x
			viaVM.fastBool = nil
			for _, x := range []*Expr{x, &viaVM} {
				got, err := x.Holds(newScope(t, "12000.00", tt.fields))
				if tt.err != "" {
					require.Error(t, err)
					assert.Equal(t, tt.err, err.Error())
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

// Short-circuits of the fused && and || (and their errors) on the edges:
// a false left side never runs a right side that would fail (a division
// by zero, a missing required field, a bool field holding a string), a
// true one does, and the error keeps its place. The deal is registered,
// amount 12000.00, term_months missing (0).
func TestReviewRnotrace5ShortCircuit(t *testing.T) {
	env := mustEnv(t, testFields)
	noSeg := map[string]any{"strategic": "yes"} // segment missing, strategic a string
	tests := []struct {
		src    string
		fields map[string]any
		want   bool
		err    string
	}{
		{src: `!deal.registered && deal.segment == "x"`, fields: noSeg, want: false},
		{src: `deal.registered || deal.strategic`, fields: noSeg, want: true},
		{src: `not deal.registered and deal.amount / deal.term_months > 1`, want: false},
		{src: `(deal.registered || deal.strategic) && !deal.registered`, fields: noSeg, want: false},
		// registered is true: the right side runs and fails where it reads
		// (columns count from 1: deal.strategic starts at 20, after the
		// 15 characters of deal.registered and " && ").
		{src: `deal.registered && deal.strategic`, fields: noSeg,
			err: `1:20: invalid deal: deal "D-1": field deal.strategic is declared bool but holds a string`},
		{src: `!deal.registered || deal.segment == "x"`, fields: noSeg,
			err: `1:21: invalid deal: deal "D-1" has no value for the required field deal.segment`},
		// "deal.registered and not (" is 25 characters, deal.amount 11 and
		// a space: the / is column 38.
		{src: `deal.registered and not (deal.amount / deal.term_months > 1)`,
			err: `1:38: division by zero`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x := mustCompile(t, env, tt.src, Bool)
			require.NotNil(t, x.fastBool, "not fused")
			got, err := x.Holds(newScope(t, "12000.00", tt.fields))
			if tt.err != "" {
				require.Error(t, err)
				assert.Equal(t, tt.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
