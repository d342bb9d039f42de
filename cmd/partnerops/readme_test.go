package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeBlocks returns the code blocks of README.md that follow a
// `<!-- name... -->` marker, keyed by the rest of the marker.
func readmeBlocks(t *testing.T, name string) map[string]string {
	t.Helper()
	src, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	out := map[string]string{}
	text := string(src)
	marker := "<!-- " + name
	for {
		i := strings.Index(text, marker)
		if i < 0 {
			return out
		}
		text = text[i+len(marker):]
		key, rest, ok := strings.Cut(text, " -->")
		require.True(t, ok, "README.md: unterminated marker %s", marker)
		text = rest
		if !strings.HasPrefix(rest, "\n```") {
			continue // an end marker
		}
		_, body, _ := strings.Cut(rest[1:], "\n") // drop the ``` line
		body, _, ok = strings.Cut(body, "```\n")
		require.True(t, ok, "README.md: unterminated block after %s%s", marker, key)
		out[key] = body
	}
}

// TestREADMEOutputs: every output shown in README.md is a run of lines of
// the golden output of that command, so the README cannot drift from what
// the command prints.
func TestREADMEOutputs(t *testing.T) {
	blocks := readmeBlocks(t, "output:")
	require.Len(t, blocks, 2)
	for name, body := range blocks {
		golden, err := os.ReadFile(filepath.Join("testdata", "golden", name+".golden"))
		require.NoError(t, err, "README.md shows output:%s", name)
		assert.Contains(t, string(golden), body, "README.md output:%s", name)
	}
}

// TestREADMEProgram: the program header shown in README.md is an excerpt of
// the example program.
func TestREADMEProgram(t *testing.T) {
	blocks := readmeBlocks(t, "program:")
	require.Contains(t, blocks, "start")
	src, err := os.ReadFile("../../examples/programs/q4-growth.yaml")
	require.NoError(t, err)
	assert.Contains(t, string(src), blocks["start"])
}

// TestREADMEQuickStart: the quick start is exactly the two commands that
// .ci/run checks.
func TestREADMEQuickStart(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(src), "## Quick start\n")
	require.True(t, ok)
	_, after, ok = strings.Cut(after, "```sh\n")
	require.True(t, ok)
	block, _, ok := strings.Cut(after, "```\n")
	require.True(t, ok)
	cmds := strings.Split(strings.TrimSpace(block), "\n")
	assert.Equal(t, []string{
		"go run ./cmd/partnerops run examples/programs/q4-growth.yaml examples/data/deals.yaml",
		"go test -race ./...",
	}, cmds)
	ci, err := os.ReadFile("../../.ci/run")
	require.NoError(t, err)
	for _, c := range cmds {
		assert.Contains(t, string(ci), c, ".ci/run must run the README's command")
	}
}
