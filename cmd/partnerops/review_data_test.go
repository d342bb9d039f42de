package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestReviewDealsFormatFlagNamed: diff, sweep and chart name the deals'
// format with -deals-format (their -format is the output's), so an error
// about the deals' format must send the user to -deals-format; a partners
// file has no format flag at all, so its error must not send the user to
// one. Before the fix all three said "give -format", and `diff -format csv`
// then only changed the output.
func TestReviewDealsFormatFlagNamed(t *testing.T) {
	chdirRoot(t)
	v2 := "examples/workbench/q4-growth-v2.yaml"
	tests := []struct {
		name    string
		args    []string
		want    string
		notWant string
	}{
		{"diff stdin", []string{"diff", example, v2, "-"}, "needs -deals-format (csv", "needs -format"},
		{"sweep stdin", []string{"sweep", "-param", "caps.per_deal", "-from", "1", "-to", "2", "-step", "1", example, "-"}, "needs -deals-format (csv", "needs -format"},
		{"chart stdin", []string{"chart", "cost", example, "-"}, "needs -deals-format (csv", "needs -format"},
		{"diff unknown", []string{"diff", "-deals-format", "xml", example, v2, deals}, `unknown -deals-format "xml"`, `unknown -format`},
		{"diff extension", []string{"diff", example, v2, "README.md"}, "give -deals-format (csv", "give -format"},
		{"run still -format", []string{"run", example, "-"}, "needs -format (csv", "-deals-format"},
		{"partners extension", []string{"run", "-partners", "README.md", example, deals}, "name it .csv, .jsonl or .yaml", "give -format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := stdin
			stdin = strings.NewReader("")
			defer func() { stdin = old }()
			_, stderr, code := invoke(tt.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, tt.notWant)
		})
	}
}
