//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// (Unix only: a FIFO is made with mkfifo, and /dev/zero is a Unix device.)

// TestNotRegularFiles is issue 6's reproduction: /dev/zero, a FIFO and a
// symlink to either were read without bound (or hung) where a program
// file is required. Each is refused, before it is opened.
func TestNotRegularFiles(t *testing.T) {
	root := chdirRoot(t)
	root = filepath.Join(root, "..", "..")
	dir := t.TempDir()
	prog, err := os.ReadFile(filepath.Join(root, example))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "good.yaml"), prog, 0o644))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "hang_test.yaml"), 0o644))
	fifo := filepath.Join(dir, "hang_test.yaml")

	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"run /dev/zero", []string{"run", "/dev/zero", deals}, exitUsage, "cannot read /dev/zero: not a regular file (a character device)"},
		{"run symlink to /dev/zero", []string{"run", filepath.Join(dir, "zero.yaml"), deals}, exitUsage, "zero.yaml: not a regular file (a character device)"},
		{"run FIFO", []string{"run", fifo, deals}, exitUsage, "not a regular file (a FIFO)"},
		{"carried FIFO", []string{"run", "-carried", fifo, example, deals}, exitUsage, "not a regular file (a FIFO)"},
		{"check a folder with both", []string{"check", dir}, exitFail, "hang_test.yaml: not a regular file (a FIFO)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan struct{})
			var stdout, stderr string
			var code int
			go func() {
				defer close(done)
				stdout, stderr, code = invoke(c.args...)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the command hangs")
			}
			assert.Equal(t, c.code, code, stderr)
			assert.Contains(t, stdout+stderr, c.msg)
			if c.args[0] == "check" {
				assert.Contains(t, stdout, "zero.yaml: not a regular file (a character device)")
			}
		})
	}
}
