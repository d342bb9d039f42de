package rules

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLongLineErrorsAreBounded is issue 6's reproduction: a one-line
// `earnings: [{}, {}, ...]` of 32 KB gave 24,000 errors, each echoing the
// whole line (1.15 GB of output). Each error now echoes at most
// MaxEchoWidth characters (plus the "..." marks) and the list stops at
// MaxErrorsPerFile with a note that counts the rest.
func TestLongLineErrorsAreBounded(t *testing.T) {
	const n = 8000
	src := "apiVersion: partnerops/v1\nkind: Program\nid: x\nname: x\nversion: 1\ncurrency: USD\n" +
		"effective: {from: 2026-10-01, to: 2026-12-31, timezone: UTC}\n" +
		"earnings: [" + strings.Repeat("{}, ", n-1) + "{}]\n"
	_, err := Compile("big.yaml", []byte(src))
	var l ErrorList
	require.True(t, errors.As(err, &l), "want an ErrorList, got %v", err)
	// Each empty earning lacks id, type and amount-or-bands: 3 errors.
	assert.Equal(t, 3*n, l.Count())
	require.Len(t, l, MaxErrorsPerFile+1)
	last := l[len(l)-1]
	assert.Equal(t, 3*n-MaxErrorsPerFile, last.Omitted)
	assert.Contains(t, last.Error(), fmt.Sprintf("big.yaml: %d more errors not shown", 3*n-MaxErrorsPerFile))
	out := err.Error()
	// 100 errors of at most 3 lines of about MaxEchoWidth characters.
	assert.Less(t, len(out), MaxErrorsPerFile*3*(MaxEchoWidth+80))
	for line := range strings.SplitSeq(out, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), MaxEchoWidth+4+6, "line too long: %.80s", line)
	}
}

// TestEchoWindow checks that the window keeps the caret under the same
// character of the source.
func TestEchoWindow(t *testing.T) {
	long := strings.Repeat("a", 100) + "X" + strings.Repeat("b", 300)
	tests := []struct {
		name    string
		line    string
		col     int
		want    string // the character under the caret
		prefix  bool   // "..." before
		suffix  bool   // "..." after
		wantLen int    // characters shown, marks included
	}{
		{"short line unchanged", "amount: 5", 9, "5", false, false, 9},
		{"long line, caret in the middle", long, 101, "X", true, true, MaxEchoWidth + 6},
		{"long line, caret near the start", long, 2, "a", false, true, MaxEchoWidth + 3},
		{"long line, caret at the end", long, 401, "b", true, false, MaxEchoWidth + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, col := echoWindow(tt.line, tt.col)
			r := []rune(got)
			assert.Len(t, r, tt.wantLen)
			require.GreaterOrEqual(t, col, 1)
			require.LessOrEqual(t, col, len(r))
			assert.Equal(t, tt.want, string(r[col-1]))
			assert.Equal(t, tt.prefix, strings.HasPrefix(got, "..."))
			assert.Equal(t, tt.suffix, strings.HasSuffix(got, "..."))
		})
	}
}

// TestErrCountsAcrossCalls checks that Err is idempotent: calling it on a
// list that already holds an Omitted note keeps the total.
func TestErrCountsAcrossCalls(t *testing.T) {
	var l ErrorList
	for i := range MaxErrorsPerFile + 7 {
		l = append(l, &Error{File: "a.yaml", Line: i + 1, Col: 1, Msg: "bad"})
	}
	l = append(l, &Error{File: "b.yaml", Line: 1, Col: 1, Msg: "bad"})
	var once ErrorList
	require.True(t, errors.As(l.Err(), &once))
	// a.yaml: 100 listed + 1 note (7 omitted); b.yaml: 1.
	assert.Len(t, once, MaxErrorsPerFile+2)
	assert.Equal(t, MaxErrorsPerFile+8, once.Count())
	var twice ErrorList
	require.True(t, errors.As(once.Err(), &twice))
	assert.Equal(t, MaxErrorsPerFile+8, twice.Count())
	assert.Equal(t, "b.yaml", twice[len(twice)-1].File)
	assert.Equal(t, 7, twice[len(twice)-2].Omitted)
}

// TestInvalidUTF8AtItsLine: invalid UTF-8 was reported at line 1 (yaml.v3
// gives no line for it); it is reported at its line and column.
func TestInvalidUTF8AtItsLine(t *testing.T) {
	src := "apiVersion: partnerops/v1\nkind: Program\nid: x\nname: \"ab\xffc\"\n"
	_, err := Compile("utf.yaml", []byte(src))
	var e *Error
	require.True(t, errors.As(err, &e), "got %v", err)
	assert.Equal(t, 4, e.Line)
	// name: "ab  -> the bad byte is the 10th character.
	assert.Equal(t, 10, e.Col)
	assert.Contains(t, e.Msg, "not valid UTF-8")
	assert.NotContains(t, err.Error(), "\xff", "the echo must not copy the invalid byte")
}
