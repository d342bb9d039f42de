package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestFormatExamples: formatting every example and reference file is
// idempotent, keeps every comment line, and gives files that compile to the
// same programs, whose YAML tests still pass.
func TestFormatExamples(t *testing.T) {
	var files []string
	for _, glob := range []string{"../examples/programs/*.yaml", "testdata/reference/*.yaml"} {
		m, err := filepath.Glob(glob)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	formatted := fstest.MapFS{}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			once, err := Format(path, src)
			require.NoError(t, err)
			twice, err := Format(path, once)
			require.NoError(t, err)
			assert.Equal(t, string(once), string(twice), "not idempotent")
			assert.Equal(t, comments(src), comments(once), "comment lines")

			before, err := Compile(path, src)
			require.NoError(t, err)
			after, err := Compile(path, once)
			require.NoError(t, err)
			require.Len(t, after.Programs, len(before.Programs))
			for i, p := range before.Programs {
				q := after.Programs[i]
				assert.Equal(t, p.ID, q.ID)
				assert.Equal(t, len(p.Earnings), len(q.Earnings))
				assert.Equal(t, len(p.Eligibility), len(q.Eligibility))
				assert.Equal(t, len(p.Caps), len(q.Caps))
			}
			assert.Len(t, after.Tests, len(before.Tests))
			if strings.HasPrefix(path, "../examples") {
				formatted[filepath.Base(path)] = &fstest.MapFile{Data: once}
			}
		})
	}
	set, err := Load(formatted, "*.yaml")
	require.NoError(t, err)
	rep := set.RunTests(t.Context(), TestOptions{})
	assert.True(t, rep.OK(), "the example's tests fail after formatting:\n%s", rep)
	assert.NotEmpty(t, rep.Results)
}

// comments returns the comment texts of a file, in order.
func comments(src []byte) []string {
	var out []string
	for line := range bytes.Lines(src) {
		if i := bytes.Index(line, []byte("#")); i >= 0 && (i == 0 || line[i-1] == ' ') {
			out = append(out, strings.TrimSpace(string(line[i:])))
		}
	}
	return out
}

// TestFormatOrder: keys come out in the decoder's order; unknown keys
// after them; comments travel with their key.
func TestFormatOrder(t *testing.T) {
	src := `kind: Program
# the terms
earnings:
  - amount: 5 # flat
    type: spiff
    id: base
id: x
apiVersion: partnerops/v1
zzz: 1
`
	got, err := Format("x.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, `apiVersion: partnerops/v1
kind: Program
id: x

# the terms
earnings:
  - id: base
    type: spiff
    amount: 5 # flat
zzz: 1
`, string(got))
	_, err = Format("bad.yaml", []byte("a: [\n"))
	assert.ErrorContains(t, err, "bad.yaml:")
}

// TestFormatFoldedScalarStable: yaml.v3 writes a folded (>) scalar whose
// text has a more-indented line with an extra blank line, so formatting
// such a file again and again grew it by a line each time and changed the
// scalar's value (a newline more). A multi-line folded scalar is written
// literal (|), which keeps its value exactly, so a second format changes
// nothing.
func TestFormatFoldedScalarStable(t *testing.T) {
	src := []byte(`apiVersion: partnerops/v1
kind: Program
id: x
version: "1"
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - id: a
    type: spiff
    amount: >-
      deal.amount * 0.1
        + 5
`)
	value := func(b []byte) string {
		var doc struct {
			Earnings []struct{ Amount string } `yaml:"earnings"`
		}
		require.NoError(t, yaml.Unmarshal(b, &doc))
		require.Len(t, doc.Earnings, 1)
		return doc.Earnings[0].Amount
	}
	// the folded text keeps the more-indented line's newline:
	// "deal.amount * 0.1" + "\n" + "  + 5"
	want := "deal.amount * 0.1\n  + 5"
	require.Equal(t, want, value(src))
	once, err := Format("p.yaml", src)
	require.NoError(t, err)
	assert.Equal(t, want, value(once), "formatting changed the amount's text:\n%s", once)
	twice, err := Format("p.yaml", once)
	require.NoError(t, err)
	assert.Equal(t, string(once), string(twice), "formatting is not idempotent")
}
