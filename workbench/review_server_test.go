package workbench

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Saving replaces the file whole: a reader (the page, or a run over the
// folder) never sees it empty or half written, and two saves at once
// leave one of them, not a mix.
func TestReviewSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	long := "# " + strings.Repeat("a", 200_000) + "\n"
	short := "# b\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(long), 0o644))
	srv, err := NewServer(ServerConfig{Dir: dir, Hosts: []string{"127.0.0.1:1"}})
	require.NoError(t, err)
	defer srv.Close()
	save := func(src string) {
		b, _ := json.Marshal(buffer{Name: "p.yaml", Source: src})
		r := httptest.NewRequest(http.MethodPut, "http://127.0.0.1:1/api/file", strings.NewReader(string(b)))
		r.Host = "127.0.0.1:1"
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var seen []string
	for i := range 200 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				save(long)
			} else {
				save(short)
			}
		}()
		go func() {
			defer wg.Done()
			b, err := os.ReadFile(filepath.Join(dir, "p.yaml"))
			if err == nil && string(b) != long && string(b) != short {
				mu.Lock()
				seen = append(seen, string(b[:min(len(b), 20)]))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Empty(t, seen, "a reader saw a file that is neither save")
	b, err := os.ReadFile(filepath.Join(dir, "p.yaml"))
	require.NoError(t, err)
	assert.True(t, string(b) == long || string(b) == short, "file is a mix of two saves: %q...", string(b[:min(len(b), 20)]))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files are left behind")
}
