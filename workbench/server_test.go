package workbench

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// workFolder copies the example program, its tests and its deals into a
// fresh folder.
func workFolder(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for src, dst := range map[string]string{
		"../examples/programs/q4-growth.yaml":      "q4-growth.yaml",
		"../examples/programs/q4-growth_test.yaml": "q4-growth_test.yaml",
		"../examples/workbench/q4-growth-v2.yaml":  "q4-growth-v2.yaml",
		"../examples/data/deals.yaml":              "deals.yaml",
	} {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, dst), b, 0o644))
	}
	return dir
}

// startServer serves dir on a loopback port and returns its base URL.
func startServer(t testing.TB, dir string) string {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	srv, err := NewServer(ServerConfig{Dir: dir, Hosts: []string{hs.Listener.Addr().String()}})
	require.NoError(t, err)
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return hs.URL
}

type call struct {
	method, path string
	body         any
	header       map[string]string
}

func do(t testing.TB, base string, c call) (int, map[string]any, string) {
	t.Helper()
	var rd io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		require.NoError(t, err)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(c.method, base+c.path, rd)
	require.NoError(t, err)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func TestServerAPI(t *testing.T) {
	dir := workFolder(t)
	base := startServer(t, dir)
	src, err := os.ReadFile(filepath.Join(dir, "q4-growth.yaml"))
	require.NoError(t, err)

	code, _, raw := do(t, base, call{method: "GET", path: "/"})
	assert.Equal(t, 200, code)
	assert.Contains(t, raw, "<title>partnerops workbench</title>")
	code, _, raw = do(t, base, call{method: "GET", path: "/api/files"})
	assert.Equal(t, 200, code)
	assert.JSONEq(t, `[{"name":"deals.yaml","kind":"deals"},{"name":"q4-growth-v2.yaml","kind":"program"},
		{"name":"q4-growth.yaml","kind":"program"},{"name":"q4-growth_test.yaml","kind":"program"}]`, raw)

	// A typo is reported at its line and column.
	typo := strings.Replace(string(src), "    amount: deal.amount * 0.02", "    ammount: deal.amount * 0.02", 1)
	code, m, _ := do(t, base, call{method: "POST", path: "/api/check", body: buffer{"q4-growth.yaml", typo}})
	require.Equal(t, 200, code)
	errs := m["errors"].([]any)
	require.NotEmpty(t, errs)
	first := errs[0].(map[string]any)
	line := 1 + strings.Count(typo[:strings.Index(typo, "ammount")], "\n")
	assert.Equal(t, float64(line), first["line"])
	assert.Equal(t, float64(5), first["col"]) // after four spaces
	assert.Contains(t, first["msg"], `unknown key "ammount"; did you mean "amount"?`)
	code, m, _ = do(t, base, call{method: "POST", path: "/api/check", body: buffer{"q4-growth.yaml", string(src)}})
	require.Equal(t, 200, code)
	assert.Empty(t, m["errors"])

	// Tests run over the buffer and the *_test.yaml beside it.
	code, m, _ = do(t, base, call{method: "POST", path: "/api/test", body: buffer{"q4-growth.yaml", string(src)}})
	require.Equal(t, 200, code)
	assert.Equal(t, true, m["ok"])
	assert.Equal(t, float64(0), m["failed"])
	assert.NotEmpty(t, m["tests"])
	// A changed rate fails the test that expects 2%.
	changed := strings.Replace(string(src), "amount: deal.amount * 0.02", "amount: deal.amount * 0.03", 1)
	code, m, _ = do(t, base, call{method: "POST", path: "/api/test", body: buffer{"q4-growth.yaml", changed}})
	require.Equal(t, 200, code)
	assert.Equal(t, false, m["ok"])
	assert.Contains(t, m["report"], "FAIL q4-2026-partner-growth/gold partner, new logo below the kicker")

	// A pasted deal is explained: 12,000 x 2% = 240.00 spiff, 120.00 rebate.
	deal := `{id: D-9, partner: {id: P-9, tier: gold}, amount: "12000", type: new_business, registered: true, close_date: 2026-11-03, segment: smb}`
	code, m, raw = do(t, base, call{method: "POST", path: "/api/explain", body: explainRequest{buffer: buffer{"q4-growth.yaml", string(src)}, Deal: deal}})
	require.Equal(t, 200, code, raw)
	assert.Contains(t, m["text"], "total 360.00 USD")
	// A deal of the deals file, after the deals before it.
	code, m, raw = do(t, base, call{method: "POST", path: "/api/explain", body: explainRequest{buffer: buffer{"q4-growth.yaml", string(src)}, DealsFile: "deals.yaml", DealID: "ACME-1011"}})
	require.Equal(t, 200, code, raw)
	assert.Contains(t, m["text"], "ACME-1011")

	// The deal picker lists the deals file in run order.
	code, _, raw = do(t, base, call{method: "POST", path: "/api/deals", body: explainRequest{buffer: buffer{"q4-growth.yaml", string(src)}, DealsFile: "deals.yaml"}})
	require.Equal(t, 200, code, raw)
	var picked []struct{ ID, Partner, Amount string }
	require.NoError(t, json.Unmarshal([]byte(raw), &picked))
	assert.Len(t, picked, 32)
	// The first to close: GLX-7001 on 2026-09-28, before the program.
	assert.Equal(t, "GLX-7001", picked[0].ID)
	assert.Equal(t, "P-GLOBE", picked[0].Partner)
	assert.Equal(t, "70000.00 USD", picked[0].Amount)

	code, m, raw = do(t, base, call{method: "POST", path: "/api/curve", body: curveRequest{buffer: buffer{"q4-growth.yaml", string(src)}}})
	require.Equal(t, 200, code, raw)
	assert.True(t, strings.HasPrefix(m["svg"].(string), "<svg "))

	code, m, raw = do(t, base, call{method: "POST", path: "/api/diff", body: diffRequest{buffer: buffer{"q4-growth.yaml", string(src)}, Old: "q4-growth.yaml", New: "q4-growth-v2.yaml", Deals: "deals.yaml"}})
	require.Equal(t, 200, code, raw)
	assert.Contains(t, m["text"], "earned          38,937.01  44,847.01  +5,910.00")

	// The open file against itself: the saved terms against the edits.
	// The SPIFF at 3% instead of 2% changes the deals that earn it.
	code, m, raw = do(t, base, call{method: "POST", path: "/api/diff", body: diffRequest{buffer: buffer{"q4-growth.yaml", changed}, Old: "q4-growth.yaml", New: "q4-growth.yaml", Deals: "deals.yaml"}})
	require.Equal(t, 200, code, raw)
	assert.Contains(t, m["text"], "q4-2026-partner-growth v1 -> q4-2026-partner-growth v1")
	assert.Contains(t, m["text"], "amount new-logo-spiff: before caps")
	// FJD-6001 (45,000.00): 2% = 900.00, 3% = 1,350.00, under the 1,500 line cap.
	assert.Contains(t, m["text"], "FJD-6001   P-FJORD   1,350.00  1,800.00  +450.00\n      amount new-logo-spiff: before caps 900.00 -> 1,350.00")

	// Save writes the file in the folder.
	code, _, raw = do(t, base, call{method: "PUT", path: "/api/file", body: buffer{"q4-growth.yaml", changed}})
	require.Equal(t, 200, code, raw)
	b, err := os.ReadFile(filepath.Join(dir, "q4-growth.yaml"))
	require.NoError(t, err)
	assert.Equal(t, changed, string(b))
}

// Nothing is read or written outside the folder.
func TestServerPathTraversal(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "work")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret.yaml"), []byte("secret"), 0o644))
	// A symbolic link in the folder that points out of it.
	require.NoError(t, os.Symlink(filepath.Join(parent, "secret.yaml"), filepath.Join(dir, "link.yaml")))
	base := startServer(t, dir)

	for _, name := range []string{"../secret.yaml", "..%2Fsecret.yaml", "/etc/passwd", "sub/x.yaml", ".hidden.yaml", "x.txt", "..yaml", ""} {
		code, _, raw := do(t, base, call{method: "GET", path: "/api/file?name=" + name})
		assert.Equal(t, 400, code, "read %q: %s", name, raw)
		code, _, raw = do(t, base, call{method: "PUT", path: "/api/file", body: buffer{name, "x"}})
		assert.Equal(t, 400, code, "write %q: %s", name, raw)
	}
	code, _, raw := do(t, base, call{method: "GET", path: "/api/file?name=link.yaml"})
	assert.Equal(t, 400, code, "a link out of the folder is not followed: %s", raw)
	assert.NotContains(t, raw, "secret\"")
	code, _, raw = do(t, base, call{method: "PUT", path: "/api/file", body: buffer{"link.yaml", "overwritten"}})
	assert.Equal(t, 400, code, raw)
	b, err := os.ReadFile(filepath.Join(parent, "secret.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "secret", string(b), "the file outside the folder is untouched")
	// Other endpoints take names too.
	code, _, _ = do(t, base, call{method: "POST", path: "/api/diff", body: diffRequest{Old: "../secret.yaml", New: "../secret.yaml", Deals: "../secret.yaml"}})
	assert.Equal(t, 400, code)
	code, _, _ = do(t, base, call{method: "POST", path: "/api/explain", body: explainRequest{buffer: buffer{"../secret.yaml", "x"}}})
	assert.Equal(t, 400, code)
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "nothing new was written beside the folder")
}

// Requests naming another host, from another origin or site, or posting
// something other than JSON are refused.
func TestServerRefusesOtherOrigins(t *testing.T) {
	base := startServer(t, workFolder(t))
	host := strings.TrimPrefix(base, "http://")
	check := call{method: "POST", path: "/api/check", body: buffer{"q4-growth.yaml", "x"}}
	cases := []struct {
		name   string
		header map[string]string
		code   int
	}{
		{"same origin", map[string]string{"Origin": base}, 200},
		{"no origin (a command-line client)", nil, 200},
		{"localhost alias", map[string]string{"Host": strings.Replace(host, "127.0.0.1", "localhost", 1)}, 200},
		{"other origin", map[string]string{"Origin": "http://evil.example"}, 403},
		{"other port", map[string]string{"Origin": "http://127.0.0.1:1"}, 403},
		{"rebound DNS name", map[string]string{"Host": "evil.example:" + strings.Split(host, ":")[1]}, 403},
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site fetch", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"same-origin fetch", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
	}
	for _, c := range cases {
		cc := check
		cc.header = c.header
		code, _, raw := do(t, base, cc)
		assert.Equal(t, c.code, code, "%s: %s", c.name, raw)
	}
	// A form post (no JSON) is refused before it is read.
	req, err := http.NewRequest("POST", base+"/api/file", strings.NewReader("name=x.yaml"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	// The page itself is refused to another host too, and says it may not
	// be framed.
	code, _, _ := do(t, base, call{method: "GET", path: "/", header: map[string]string{"Host": "evil.example"}})
	assert.Equal(t, 403, code)
	resp, err = http.Get(base + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'")
}

// A tier policy file opens, checks and runs its tests on the page too.
func TestServerTierPolicy(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../rules/testdata/tierpolicy/reseller-tiers.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tiers.yaml"), src, 0o644))
	base := startServer(t, dir)
	code, _, raw := do(t, base, call{method: "GET", path: "/api/files"})
	require.Equal(t, 200, code)
	assert.JSONEq(t, `[{"name":"tiers.yaml","kind":"program"}]`, raw)
	code, m, raw := do(t, base, call{method: "POST", path: "/api/check", body: buffer{"tiers.yaml", string(src)}})
	require.Equal(t, 200, code, raw)
	assert.Empty(t, m["errors"])
	code, m, raw = do(t, base, call{method: "POST", path: "/api/test", body: buffer{"tiers.yaml", string(src)}})
	require.Equal(t, 200, code, raw)
	assert.Equal(t, true, m["ok"], raw)
	tests := m["tests"].([]any)
	require.NotEmpty(t, tests)
	for _, x := range tests {
		assert.Contains(t, x.(map[string]any)["program"], "tier policy ")
	}
}
