package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	// A serve command line run by a test (TestExamplesInHelpWork) starts
	// the server and stops it at once, instead of waiting for Ctrl-C.
	serveContext = func(ctx context.Context) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		return ctx, cancel
	}
}

func TestServeRefusesPublicAddress(t *testing.T) {
	chdirRoot(t)
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"serve", "-addr", "0.0.0.0:0", "examples/programs"}, 2, `refusing to listen on "0.0.0.0:0", which is not a loopback address`},
		{[]string{"serve", "-addr", ":0", "examples/programs"}, 2, "not a loopback address"},
		{[]string{"serve", "-addr", "192.0.2.1:0", "examples/programs"}, 2, "add -public if that is meant"},
		{[]string{"serve", "-hosts", "a:1", "examples/programs"}, 2, "-hosts needs -public"},
		{[]string{"serve", "no/such/dir"}, 2, "no/such/dir is not a directory"},
		{[]string{"serve", "-addr", "127.0.0.1", "examples/programs"}, 2, "bad -addr"},
		{[]string{"serve", "-addr", "127.0.0.1:0", "examples/programs"}, 0, ""},
		{[]string{"serve", "-addr", "[::1]:0", "examples/programs"}, 0, ""},
		{[]string{"serve", "-public", "-addr", "0.0.0.0:0", "examples/programs"}, 0, ""},
	}
	for _, c := range cases {
		stdout, stderr, code := invoke(c.args...)
		if c.code == 0 && strings.Contains(stderr, "cannot assign requested address") {
			continue // no IPv6 loopback on this machine
		}
		assert.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		assert.Contains(t, stderr, c.stderr, "%v", c.args)
		if c.code == 0 {
			assert.Contains(t, stdout, "partnerops workbench for examples/programs on http://")
		}
	}
}

// The command serves the page and its API on the address it prints, and
// refuses another Host.
func TestServeServes(t *testing.T) {
	chdirRoot(t)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	o := &serveOptions{addr: "127.0.0.1:0", ready: func(a string) { addr <- a }}
	var wg sync.WaitGroup
	wg.Add(1)
	var code int
	go func() {
		defer wg.Done()
		code = o.run(ctx, []string{"examples/programs"}, io.Discard, io.Discard)
	}()
	a := <-addr
	get := func(host string) (int, string) {
		req, err := http.NewRequest("GET", "http://"+a+"/api/files", nil)
		require.NoError(t, err)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(a)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, `"q4-growth.yaml"`)
	status, _ = get("attacker.example:80")
	assert.Equal(t, 403, status)
	cancel()
	wg.Wait()
	assert.Equal(t, exitOK, code)
}
