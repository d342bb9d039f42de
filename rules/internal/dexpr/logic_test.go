package dexpr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Conditions joined by &&, || and ! run as one fused closure (no VM); the
// values, the short-circuits and the errors with their places are those
// the VM gave before the fusion (checked once against the unfused
// lowering, and worked out here by hand). The scope's deal is 12000.00,
// registered, segment "enterprise" unless fields say otherwise.
func TestLogicFused(t *testing.T) {
	env := mustEnv(t, testFields)
	tests := []struct {
		src    string
		fields map[string]any
		want   bool
		err    string // the error's text, when it fails
	}{
		{src: benchCond, want: true}, // registered, new business, 12000.00 >= 1000
		{src: `deal.segment == "smb" || deal.amount >= 12000`, want: true},
		{src: `deal.segment == "enterprise" && deal.amount >= 12000.01`, want: false},
		// false && _ and true || _ never run their right side, which
		// would divide by the missing term_months (0).
		{src: `deal.segment == "smb" && deal.amount / deal.term_months > 1`, want: false},
		{src: `deal.segment == "enterprise" || deal.amount / deal.term_months > 1`, want: true},
		// The right operand runs and divides by zero: `/` is column 45, counted from 1 (offset 44).
		{src: `deal.segment == "enterprise" && deal.amount / deal.term_months > 1`, err: "1:45: division by zero"},
		// A missing optional bool reads false: "x" == "x" is true anyway; "y" != "x" || false.
		{src: `deal.segment == "x" || deal.strategic`, fields: map[string]any{"segment": "x"}, want: true},
		{src: `deal.segment == "y" && !deal.strategic`, fields: map[string]any{"segment": "y"}, want: true},
		{src: `deal.strategic || deal.segment == "x"`, fields: map[string]any{"segment": "y", "strategic": true}, want: true},
		{src: `!(deal.segment == "enterprise") && deal.registered`, want: false},
		{src: `not deal.registered or deal.segment == "enterprise"`, want: true},
		// registered is true, so the right side runs: segment is missing (column 24).
		{src: `not deal.registered or deal.segment == "enterprise"`, fields: map[string]any{},
			err: `1:24: invalid deal: deal "D-1" has no value for the required field deal.segment`},
		// A bool field holding a string fails where it is read (column 26).
		{src: `deal.segment == "smb" || deal.strategic`, fields: map[string]any{"segment": "x", "strategic": "no"},
			err: `1:26: invalid deal: deal "D-1": field deal.strategic is declared bool but holds a string`},
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

// `in` over a list of strings tests a few elements one by one and more
// than smallSet (8) through a map: both give the same answers. The scope's
// partner tier is "gold", the deal's segment "enterprise".
func TestInStringSet(t *testing.T) {
	env := mustEnv(t, testFields)
	nine := `"a", "b", "c", "d", "e", "f", "g", "h"` // 8, plus the one tested
	tests := []struct {
		src  string
		want bool
	}{
		{`partner.tier in ["gold"]`, true},
		{`partner.tier in ["silver", "gold", "platinum"]`, true},
		{`partner.tier in ["silver", "platinum"]`, false},
		{`partner.tier in ["Gold", "gold "]`, false}, // exact, case-sensitive
		{`partner.tier in [` + nine + `, "gold"]`, true},
		{`partner.tier in [` + nine + `, "silver"]`, false},
		{`deal.segment in ["a", "enterprise"]`, true},
		{`!(deal.segment in ["enterprise"])`, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x := mustCompile(t, env, tt.src, Bool)
			require.NotNil(t, x.fastBool, "not fused")
			got, err := x.Holds(newScope(t, "12000.00", nil))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
