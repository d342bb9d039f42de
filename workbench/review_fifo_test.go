//go:build unix

package workbench

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A name of the folder that is not a regular file (here a named pipe,
// whose open blocks until someone writes to it) is refused at once,
// not waited on forever.
func TestReviewReadRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644))
	srv, err := NewServer(ServerConfig{Dir: dir, Hosts: []string{"127.0.0.1:1"}})
	require.NoError(t, err)
	defer srv.Close()
	done := make(chan int, 1)
	go func() {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1/api/file?name=pipe.yaml", nil)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		done <- w.Code
	}()
	select {
	case code := <-done:
		assert.Equal(t, http.StatusBadRequest, code)
	case <-time.After(5 * time.Second):
		t.Fatal("reading a named pipe blocks the request")
	}
}
