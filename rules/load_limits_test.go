package rules

import (
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lyingFS reports every file as 10 bytes but serves endless bytes: a file
// that grows while it is read, or an fs.FS whose sizes are wrong.
type lyingFS struct{ fstest.MapFS }

func (l lyingFS) Open(name string) (fs.File, error) {
	f, err := l.MapFS.Open(name)
	if err != nil || name == "." {
		return f, err
	}
	return &endless{f}, nil
}

type endless struct{ fs.File }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	return len(p), nil
}

// TestLoadWithLimits: each limit of LoadOptions refuses an input over it
// with a clear message and an error wrapping ErrLimit, and the defaults
// are those of the command.
func TestLoadWithLimits(t *testing.T) {
	prog := progVersion("a", "1", "100")
	deep := prog + "fields: " + strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5) + "\n"
	tests := []struct {
		name    string
		fsys    fs.FS
		opts    LoadOptions
		wantMsg string
	}{
		{"a 2 MiB file, default limit", fstest.MapFS{"huge.yaml": {Data: make([]byte, 2<<20)}}, LoadOptions{},
			"huge.yaml: file is 2097152 bytes; a program file may be at most 1048576 bytes"},
		{"a file over a lower limit", fstest.MapFS{"a.yaml": {Data: []byte(prog)}}, LoadOptions{MaxFileSize: 100},
			fmt.Sprintf("a.yaml: file is %d bytes; a program file may be at most 100 bytes", len(prog))},
		{"a file growing while read", lyingFS{fstest.MapFS{"a.yaml": {Data: make([]byte, 10)}}}, LoadOptions{MaxFileSize: 1000},
			"a.yaml: file is larger than 1000 bytes, the most a program file may be"},
		{"too many files", fstest.MapFS{"a.yaml": {Data: []byte(prog)}, "b.yaml": {Data: []byte(prog)}, "c.yaml": {Data: []byte(prog)}}, LoadOptions{MaxFiles: 2},
			`rules: 3 files to load for "*.yaml"; at most 2 are read (LoadOptions.MaxFiles)`},
		{"too many documents", fstest.MapFS{"a.yaml": {Data: []byte(prog + "---\n" + progVersion("a", "2", "100"))}}, LoadOptions{MaxDocuments: 1},
			// progVersion is 9 lines; the second document starts at its "---", line 10.
			"a.yaml:10:1: too many documents: this file may hold at most 1"},
		{"too many nodes", fstest.MapFS{"a.yaml": {Data: []byte(prog)}}, LoadOptions{MaxNodes: 5},
			"file too complex: more than 5 YAML nodes"},
		{"nested too deep, default limit", fstest.MapFS{"a.yaml": {Data: []byte(deep)}}, LoadOptions{},
			// the document's mapping is level 1, so the 64th "[" of line 10 is
			// level 65; "fields: " is 8 characters: column 8 + 64 = 72.
			"a.yaml:10:72: nested too deep: more than 64 levels of mappings and lists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var err error
			go func() {
				defer close(done)
				_, err = LoadWith(tt.fsys, "*.yaml", tt.opts)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("LoadWith did not return: the input was read without a bound")
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrLimit)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

// TestLoadRefusesNonRegular: a FIFO among the files is refused before it
// is opened (opening it would block), not read.
func TestLoadRefusesNonRegular(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml":    {Data: []byte(progVersion("a", "1", "100"))},
		"pipe.yaml": {Mode: fs.ModeNamedPipe},
	}
	_, err := Load(fsys, "*.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pipe.yaml: not a regular file (a FIFO)")
	assert.NotErrorIs(t, err, ErrLimit)
}

// TestLoadWithinLimits: files within the limits load as before, and a
// limit raised above the default lets a larger input through.
func TestLoadWithinLimits(t *testing.T) {
	deep := progVersion("a", "1", "100") + "fields: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n"
	_, err := LoadWith(fstest.MapFS{"a.yaml": {Data: []byte(deep)}}, "*.yaml", LoadOptions{MaxDepth: 100})
	// Past the depth limit, the nested lists are still not valid fields:
	// the error is the decoder's, not a limit.
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrLimit)
	assert.NotContains(t, err.Error(), "nested too deep")

	s, err := LoadWith(fstest.MapFS{"a.yaml": {Data: []byte(progVersion("a", "1", "100"))}}, "*.yaml", LoadOptions{MaxFiles: 1, MaxDocuments: 1})
	require.NoError(t, err)
	require.Len(t, s.Programs(), 1)
}

var _ io.Reader = (*endless)(nil)
