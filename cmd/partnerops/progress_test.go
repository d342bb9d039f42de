package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgressOnlyOnTerminals: no progress line unless stderr is a
// terminal (a buffer or a regular file is not), so redirected output stays
// byte for byte deterministic; on a terminal the line shows the count, the
// rate and, when the size is known, the time left.
func TestProgressOnlyOnTerminals(t *testing.T) {
	assert.Nil(t, newProgress(&bytes.Buffer{}, 100))
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.Nil(t, newProgress(f, 100))
	var nilP *progress
	nilP.tick(1, 1) // a nil progress is a no-op
	nilP.done()

	var b bytes.Buffer
	// The clock is the test's: 10 s after the start whatever the machine's
	// load. On time.Now, 167 ms between the start and the tick (a loaded
	// machine under -race) rounds the 30 s left to 31 s.
	start := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	p := &progress{w: &b, size: 4000, start: start, last: start,
		now: func() time.Time { return start.Add(10 * time.Second) }}
	for i := 1; i <= 1024; i++ {
		p.tick(i, 1000) // a quarter read in 10 s: 3 x 10 s = 30 s left
	}
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "\r1024 deals read, "), out)
	assert.Contains(t, out, " a second, about 30s left")
	p.done()
	assert.True(t, strings.HasSuffix(b.String(), "\r\033[K"))
}
