package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun runs the example (go test runs in this folder, so -dir points at
// ../programs) and checks the figures worked out by hand from the terms of
// examples/programs/q4-growth.yaml.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-dir", "../programs"}, &out))
	got := out.String()

	// OPP-1042, gold, new business, 12,000.00:
	// spiff 12,000.00 x 2% = 240.00; rebate 12,000.00 x 1% = 120.00; 360.00
	assert.Contains(t, got, `earning "new-logo-spiff": deal.amount * 0.02 = 240.00`)
	assert.Contains(t, got, "12,000.00 x 1% = 120.00")
	assert.Contains(t, got, "total 360.00 USD to partner")

	// The batch:
	// OPP-1042 P-100 360.00 as above.
	// OPP-1043 P-100 upsell 95,000.00, quarter total 12,000 -> 107,000:
	//   88,000.00 x 1% + 7,000.00 x 2% = 880.00 + 140.00 = 1,020.00.
	// OPP-1050 P-200 platinum, new business, enterprise, 60,000.00:
	//   spiff 1,200.00; kicker max(500.00, 600.00) = 600.00; rebate 600.00;
	//   2,400.00, under the 2,500.00 deal cap.
	// P-100: 360.00 + 1,020.00 = 1,380.00; total 1,380.00 + 2,400.00 = 3,780.00.
	lines := strings.Split(got, "\n")
	assert.Contains(t, lines, "P-100                 2        2       1,380.00           0.00           0.00           0.00           0.00       1,380.00           0.00")
	assert.Contains(t, lines, "P-200                 1        1       2,400.00           0.00           0.00           0.00           0.00       2,400.00           0.00")
	assert.Contains(t, lines, "total                 3        3       3,780.00           0.00           0.00           0.00           0.00       3,780.00           0.00")
}

func TestRunReportsAMissingFolder(t *testing.T) {
	err := run(t.Context(), []string{"-dir", "no-such-folder"}, &bytes.Buffer{})
	require.Error(t, err)
}

// TestREADMESnippetsAreThisProgram keeps the embedding samples of the
// repository README in sync: each block between <!-- embed:start --> and
// <!-- embed:end --> must be a verbatim excerpt of main.go (one tab less
// indented), which this package compiles and TestRun runs.
func TestREADMESnippetsAreThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	const start, end = "<!-- embed:start -->\n```go\n", "```\n<!-- embed:end -->"
	text := string(readme)
	n := 0
	for {
		i := strings.Index(text, start)
		if i < 0 {
			break
		}
		j := strings.Index(text[i:], end)
		require.GreaterOrEqual(t, j, 0, "README.md: %q without %q", start, end)
		snippet := text[i+len(start) : i+j]
		text = text[i+j:]
		require.NotEmpty(t, strings.TrimSpace(snippet))
		var want strings.Builder
		for line := range strings.Lines(snippet) {
			if strings.TrimSpace(line) == "" {
				want.WriteString("\n")
				continue
			}
			want.WriteString("\t" + line)
		}
		assert.Contains(t, string(src), want.String(), "README.md sample %d is not an excerpt of examples/embed/main.go", n+1)
		n++
	}
	assert.Positive(t, n, "README.md has no embedding sample")
}
