// Package pgtest gives each test its own PostgreSQL schema on the server
// named by PARTNEROPS_TEST_DATABASE_URL (.ci/postgres.sh starts one). Without
// the variable the test is skipped with one line, except under CI=true,
// where a missing server is a failure: CI never skips the PostgreSQL tests.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable with the test server's URL.
const EnvURL = "PARTNEROPS_TEST_DATABASE_URL"

// Main runs a test binary's tests when a server is configured. Without
// one it prints one line saying the PostgreSQL tests were skipped and how to
// run them, and runs nothing; under CI=true it fails instead. Use it in
// TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	if os.Getenv(EnvURL) == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "FAIL: %s is not set: CI must run the PostgreSQL tests (.ci/run starts a server with .ci/postgres.sh)\n", EnvURL)
			return 1
		}
		fmt.Printf("PostgreSQL tests skipped: set %s (source .ci/postgres.sh && pg_start)\n", EnvURL)
		return 0
	}
	return m.Run()
}

// BaseURL returns the test server's URL, skipping (or, under CI=true,
// failing) t when it is not set.
func BaseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests (.ci/run starts a server with .ci/postgres.sh)", EnvURL)
		}
		t.Skipf("PostgreSQL tests skipped: set %s (source .ci/postgres.sh && pg_start)", EnvURL)
	}
	return u
}

// Schema creates a fresh schema, dropped (with everything in it) when the
// test ends, and returns its name and a URL whose connections use it as
// their search_path.
func Schema(t testing.TB) (name, schemaURL string) {
	t.Helper()
	base := BaseURL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name = "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvURL, err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: %s is not a URL: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return name, u.String()
}
