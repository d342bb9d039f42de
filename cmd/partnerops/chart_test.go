package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChartCommand(t *testing.T) {
	chdirRoot(t)
	cases := []struct {
		args   []string
		code   int
		stdout string // prefix
		stderr string // substring
	}{
		{[]string{"chart", "curve", example}, 0, "<svg ", ""},
		{[]string{"chart", "curve", "-earning", "volume-rebate", "-max", "400000", "-deal", "ACME-1001", example, deals}, 0, "<svg ", ""},
		{[]string{"chart", "cost", example, deals}, 0, "<svg ", ""},
		{[]string{"chart", "payouts", example, deals}, 0, "<svg ", ""},
		{[]string{"chart", "pie", example, deals}, 2, "", `unknown chart "pie"`},
		{[]string{"chart", "cost", example}, 2, "", "cost wants a PROGRAM file and a DEALS file"},
		{[]string{"chart", "curve", "-deal", "NOPE", example, deals}, 1, "", `no deal "NOPE"`},
		{[]string{"chart", "curve", diffData + "/old.yaml"}, 1, "", "has no test with an eligible deal"},
	}
	for _, c := range cases {
		stdout, stderr, code := invoke(c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		assert.True(t, strings.HasPrefix(stdout, c.stdout), "%v", c.args)
		assert.Contains(t, stderr, c.stderr, "%v", c.args)
	}
	// -o writes the file; diff -svg and sweep -svg draw too.
	dir := t.TempDir()
	_, stderr, code := invoke("chart", "-o", filepath.Join(dir, "c.svg"), "curve", example)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = invoke("diff", "-svg", filepath.Join(dir, "w.svg"), example, "examples/workbench/q4-growth-v2.yaml", deals)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = invoke("sweep", "-svg", filepath.Join(dir, "s.svg"), "-param", "caps.per_deal", "-from", "2000", "-to", "3000", "-step", "500", example, deals)
	require.Equal(t, 0, code, stderr)
	for _, f := range []string{"c.svg", "w.svg", "s.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(b), "<svg "), f)
		assert.True(t, strings.HasSuffix(string(b), "</svg>\n"), f)
	}
}
