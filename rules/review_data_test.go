package rules

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewLoadManyBrokenDocuments: a file of 1 MiB of broken documents
// ("---\na: [\n", 9 bytes each: 116,508 of them) is over MaxDocuments (100)
// and must be refused as such: errors.Is(err, ErrLimit), with the "too
// many documents" error in the list. Before the fix only the documents
// that compiled counted towards the limit, so every broken one was parsed
// (seconds of CPU) and the error did not wrap ErrLimit; and an ErrLimit
// error placed after the first MaxErrorsPerFile (100) errors of a file was
// cut by the list's truncation, losing errors.Is(err, ErrLimit) too.
func TestReviewLoadManyBrokenDocuments(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts LoadOptions
		// want: errors counted by ErrorList.Count, by hand.
		want int
	}{
		// 100 broken documents (one syntax error each) + 1 limit error.
		{"default limit", strings.Repeat("---\na: [\n", (1<<20)/9), LoadOptions{}, 101},
		// MaxDocuments 150: 150 syntax errors + 1 limit error = 151; the
		// list shows 100 of the syntax errors, the limit error and a note
		// for the 50 others.
		{"limit after the cut", strings.Repeat("---\na: [\n", 200), LoadOptions{MaxDocuments: 150}, 151},
		// Within the limit: 5 syntax errors, no limit error.
		{"within", strings.Repeat("---\na: [\n", 5), LoadOptions{MaxDocuments: 5}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"p/a.yaml": {Data: []byte(tt.src)}}
			_, err := LoadWith(fsys, "p/*.yaml", tt.opts)
			require.Error(t, err)
			var el ErrorList
			require.True(t, errors.As(err, &el))
			assert.Equal(t, tt.want, el.Count())
			over := tt.want > 5
			assert.Equal(t, over, errors.Is(err, ErrLimit))
			assert.Equal(t, over, strings.Contains(err.Error(), "too many documents"))
		})
	}
}
