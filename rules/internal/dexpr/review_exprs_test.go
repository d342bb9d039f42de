package dexpr

// Defects of issue #15 found in review: each test failed before its fix.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Misspelling a named value, or reading `values`/`line` whole, ended the
// message in nothing: "unknown field values.nope; values has " and "use a
// field such as ". Each now names what can be written.
func TestGroupMessagesNameSomething(t *testing.T) {
	bare := mustEnv(t, testFields) // a program without values:
	named := mustEnv(t, testFields)
	big := mustCompile(t, named, `deal.amount >= 1000`, Bool)
	require.NoError(t, named.AddValue("big", 0, big))
	tests := []struct {
		name string
		env  *Env
		src  string
		kind Kind
		want string
	}{
		{"no values, unknown one", bare, `values.nope > 1`, Bool, "unknown field values.nope; the program names no values (declare them under `values:`)"},
		{"no values, the group", bare, `values > 1`, Bool, "values is a group of fields, not a value; the program names no values (declare them under `values:`)"},
		{"values, the group", named, `values`, Bool, "values is a group of fields, not a value; use a field such as values.big"},
		{"line, the group", bare, `count(deal.lines, line)`, Number, "line is a group of fields, not a value; use a field such as line.amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, errs := tt.env.Compile(tt.src, tt.kind)
			require.Nil(t, x)
			require.NotEmpty(t, errs)
			assert.Equal(t, tt.want, errs[0].Msg)
		})
	}
}
