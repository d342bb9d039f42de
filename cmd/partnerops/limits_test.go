package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkersBound is issue 6's reproduction: -workers 4000000000000000000
// panicked in makechan and 10000000 took 2.2 GB on 32 deals. Above
// maxWorkers it is a usage error.
func TestWorkersBound(t *testing.T) {
	chdirRoot(t)
	for _, n := range []string{"4000000000000000000", "10000000", "257"} {
		stdout, stderr, code := invoke("run", "-workers", n, example, deals)
		assert.Equal(t, exitUsage, code, n)
		assert.Empty(t, stdout)
		assert.Contains(t, stderr, "-workers must be 0 or more and at most 256, got "+n)
	}
	_, _, code := invoke("run", "-workers", "256", example, deals)
	assert.Equal(t, exitOK, code)
}

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
	require.NoError(t, mkfifo(filepath.Join(dir, "hang_test.yaml")))
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

// TestCarriedStrict is issue 6's reproduction for carried-in files: "1e3"
// was accepted, a partner listed twice kept its last amount, and "40.001"
// gave a payable of 25,040.001 in a 2-decimal currency. Amounts are read
// as in deals files, with at most the currency's places, and each error
// names the line.
func TestCarriedStrict(t *testing.T) {
	cases := []struct {
		name, src, err string
	}{
		{"exponent", `{"P-1": "1e3"}`, `c.json:1: partner P-1: want a decimal amount such as 40.00 or -12.5 (no exponent, sign "+" or leading "."), got "1e3"`},
		{"exponent as a number", `{"P-1": 1e3}`, `got "1e3"`},
		{"leading dot", `{"P-1": ".5"}`, `got ".5"`},
		{"plus sign", `{"P-1": "+5"}`, `got "+5"`},
		{"duplicate", "{\"P-1\": \"1.00\",\n \"P-1\": \"2.00\"}", "c.json:2: partner P-1 is listed twice"},
		{"too many places", "{\n\"P-1\": \"40.001\"}", "c.json:2: partner P-1: 40.001 has more decimal places than USD has (2)"},
		{"list as an amount", `{"P-1": []}`, "partner P-1: want an amount, got a JSON list"},
		{"bucket object as an amount", `{"P-1": {"rebates": {}}}`, "partner P-1, bucket rebates: want an amount, got a JSON object"},
		{"bucket twice", "{\"P-1\": {\"a\": \"1\",\n \"a\": \"2\"}}", "c.json:2: partner P-1: bucket a is listed twice"},
		{"empty bucket", `{"P-1": {"": "1"}}`, "partner P-1: a bucket name must not be empty"},
		{"list", `[]`, "want a JSON object of partner id to amount"},
		{"two objects", `{} {}`, "want a single JSON object"},
		{"empty id", `{"": "1"}`, "a partner id must not be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseCarried("c.json", []byte(c.src), incentive.USD, 0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
	good := `{"P-1": "40.00", "P-2": -12.5, "P-3": 7, "P-4": {"rebates": "-30.00", "spiffs": 5}}`
	m, err := parseCarried("c.json", []byte(good), incentive.USD, 0)
	require.NoError(t, err)
	require.Len(t, m, 4)
	assert.Equal(t, "40", m["P-1"][""].String())
	assert.Equal(t, "-12.5", m["P-2"][""].String())
	assert.Equal(t, "7", m["P-3"][""].String())
	assert.Equal(t, "-30", m["P-4"]["rebates"].String())
	assert.Equal(t, "5", m["P-4"]["spiffs"].String())
	_, err = parseCarried("c.json", []byte(`{"P-1": "5.5"}`), incentive.JPY, 0)
	assert.ErrorContains(t, err, "5.5 has more decimal places than JPY has (0)")
}

// TestYAMLDealsStreamBounded is issue 6's reproduction: a 300 MB deals
// stream through a pipe was read whole (1.39 GB) before being refused. A
// YAML deals stream is read through a limit and refused as soon as it
// passes rules.MaxDealsFileSize; an endless stream is not read to its end.
func TestYAMLDealsStreamBounded(t *testing.T) {
	chdirRoot(t)
	r := &countingEndless{}
	old := stdin
	stdin = r
	defer func() { stdin = old }()
	_, stderr, code := invoke("run", "-format", "yaml", example, "-")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "stdin is larger than 16777216 bytes, the most accepted")
	assert.LessOrEqual(t, r.n, int64(rules.MaxDealsFileSize+1), "read past the limit")
}

// countingEndless reads "#" forever (a YAML comment), counting.
type countingEndless struct{ n int64 }

func (c *countingEndless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	c.n += int64(len(p))
	return len(p), nil
}
