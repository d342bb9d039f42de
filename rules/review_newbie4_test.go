package rules_test

// Tests from reviewer newbie4 (a Go developer embedding the library from its
// documentation): each failed before the fix committed with it.

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/rules"
)

// Load over os.DirFS of a folder that does not exist (a wrong -dir, a
// service started from another working directory) said only `no files
// match "q4-growth.yaml"`, which sends the user looking for a typo in the
// pattern. The error now says the folder cannot be read and wraps
// fs.ErrNotExist; a folder that exists but has no match keeps the old
// message.
func TestReviewNewbie4LoadFromMissingFolderSaysSo(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-folder")
	_, err := rules.Load(os.DirFS(missing), "q4-growth.yaml")
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), `cannot read folder "." of the file system`)

	_, err = rules.Load(fstest.MapFS{"programs/other.yaml": {Data: []byte("x: 1\n")}}, "programs/q4-growth.yaml")
	require.Error(t, err)
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, `rules: no files match "programs/q4-growth.yaml"`, err.Error())

	_, err = rules.Load(fstest.MapFS{"programs/other.yaml": {Data: []byte("x: 1\n")}}, "missing/q4-growth.yaml")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
