package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiffPartnersFile: diff takes partner records from -partners as run
// does. The sample partners file holds the same records the example deals
// carry inline, so the diff is byte for byte the one without it; a file
// that gives P-ACME another tier than its deals is an error naming the
// first deal and both tiers, and nothing is printed on stdout.
func TestDiffPartnersFile(t *testing.T) {
	chdirRoot(t)
	v2 := "examples/workbench/q4-growth-v2.yaml"
	plain, _, code := invoke("diff", example, v2, deals)
	require.Equal(t, exitOK, code)
	with, stderr, code := invoke("diff", "-partners", samplePartners, example, v2, deals)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, plain, with)

	src, err := os.ReadFile(samplePartners)
	require.NoError(t, err)
	gold := strings.Replace(string(src), "distributor,platinum", "distributor,gold", 1)
	require.NotEqual(t, string(src), gold, "the sample partners file no longer has P-ACME as a platinum distributor")
	conflict := filepath.Join(t.TempDir(), "partners.csv")
	require.NoError(t, os.WriteFile(conflict, []byte(gold), 0o644))
	out, stderr, code := invoke("diff", "-partners", conflict, example, v2, deals)
	assert.Equal(t, exitFail, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, `partnerops diff: deal ACME-1001: partner P-ACME: the deal gives tier "platinum"`)
	assert.Contains(t, stderr, `gives "gold"`)

	_, stderr, code = invoke("diff", "-partners", "nope.csv", example, v2, deals)
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stderr, "nope.csv")
}
