package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/rules"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUsageErrors: every command-line mistake is one line on stderr,
// nothing on stdout, and exit code 2.
func TestUsageErrors(t *testing.T) {
	chdirRoot(t)
	cases := []struct {
		name string
		args []string
		msg  string // part of the one line
	}{
		{"no arguments", nil, ""},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"help of unknown command", []string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"run", "-verbose", example, deals}, "flag provided but not defined: -verbose"},
		{"flag value", []string{"run", "-workers", "many", example, deals}, `invalid value "many" for flag -workers`},
		{"negative workers", []string{"run", "-workers", "-1", example, deals}, "-workers must be 0 or more"},
		{"bad date", []string{"run", "-as-of", "2027-02-30", example, deals}, `bad -as-of "2027-02-30"`},
		{"bad date format", []string{"explain", "-as-of", "15/01/2027", example, deals}, `bad -as-of "15/01/2027"`},
		{"missing program", []string{"run", "examples/programs/nope.yaml", deals}, "cannot read examples/programs/nope.yaml: no such file or directory"},
		{"missing deals", []string{"run", example, "nope.yaml"}, "cannot read nope.yaml: no such file or directory"},
		{"deals is a directory", []string{"run", example, "examples/data"}, "examples/data is a directory"},
		{"one argument", []string{"run", example}, "want a PROGRAM file and a DEALS file, got 1 argument"},
		{"three arguments", []string{"explain", example, deals, deals}, "got 3 arguments"},
		{"unknown deal", []string{"explain", "-deal", "NOPE-1", example, deals}, `no deal "NOPE-1" in examples/data/deals.yaml`},
		{"unknown program", []string{"run", "-program", "nope", example, deals}, `no program "nope"; the file defines q4-2026-partner-growth v1`},
		{"missing carried file", []string{"run", "-carried", "nope.json", example, deals}, "cannot read nope.json"},
		{"check without files", []string{"check"}, "name at least one program file or directory"},
		{"check missing file", []string{"check", "examples/programs/nope.yaml"}, "cannot read examples/programs/nope.yaml"},
		{"check dir without programs", []string{"check", "examples/embed"}, "no program files"},
		{"test missing dir", []string{"test", "nope/"}, "cannot read nope/"},
		{"coverage out of range", []string{"test", "-min-coverage", "101", example}, "-min-coverage must be between 0 and 100"},
		{"bad regexp", []string{"test", "-run", "(", example}, "bad -run expression"},
		{"version with arguments", []string{"version", "now"}, "takes no arguments"},
		{"unknown format", []string{"run", "-format", "xlsx", example, deals}, `unknown -format "xlsx"; want one of yaml, csv, jsonl, json`},
		{"stdin without format", []string{"run", example, "-"}, "reading deals from standard input needs -format"},
		{"unknown extension", []string{"run", example, "README.md"}, "cannot tell the format of README.md from its extension"},
		{"on-error value", []string{"run", "-on-error", "skip", example, deals}, `-on-error must be continue or stop, got "skip"`},
		{"extra-columns value", []string{"run", "-extra-columns", "drop", example, deals}, `-extra-columns must be error or ignore`},
		{"output value", []string{"run", "-output", "xml", example, deals}, `-output must be text, csv or json, got "xml"`},
		{"sort limit", []string{"run", "-sort-limit", "0", example, deals}, "-sort-limit must be 1 or more"},
		{"columns syntax", []string{"run", "-columns", "amount", example, deals}, `-columns: want key=Header, got "amount"`},
		{"missing partners file", []string{"run", "-partners", "nope.csv", example, deals}, "cannot read nope.csv"},
		{"partners file format", []string{"run", "-partners", "nope.json", example, deals}, "a partners file is CSV, JSON Lines (.jsonl) or YAML"},
		{"results extension", []string{"run", "-results", "out.txt", example, deals}, "-results out.txt: want a .csv or .jsonl file"},
		{"help of help", []string{"help", "help", "run"}, "want at most one command name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := invoke(c.args...)
			assert.Equal(t, exitUsage, code)
			if c.args == nil {
				// The overview goes to stderr when no command is given.
				assert.Empty(t, stdout)
				assert.Contains(t, stderr, "Usage:")
				return
			}
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Contains(t, stderr, c.msg)
			assert.True(t, strings.HasPrefix(stderr, "partnerops"), stderr)
		})
	}
}

// TestFailures: input that is wrong (not the command line) exits 1.
func TestFailures(t *testing.T) {
	chdirRoot(t)
	for _, args := range [][]string{
		{"check", testdata + "/bad"},
		{"check", "-strict", testdata + "/warn"},
		{"test", testdata + "/failing"},
		{"test", "-run", "no such test", example},
		{"test", "-min-coverage", "100", testdata + "/gaps"},
		{"run", example, testdata + "/deals-with-errors.yaml"},
		{"run", example, testdata + "/bad-deals.yaml"},
		{"explain", example, testdata + "/deals-with-errors.yaml"},
		{"run", "-carried", testdata + "/two-programs-deals.json", example, deals}, // a list, not an object
	} {
		_, stderr, code := invoke(args...)
		assert.Equal(t, exitFail, code, "%v: %s", args, stderr)
	}
}

// TestSuccess: the commands of the README exit 0.
func TestSuccess(t *testing.T) {
	chdirRoot(t)
	for _, args := range [][]string{
		{"check", "examples/programs"},
		{"check", "-strict", example},
		{"test", "examples/programs"},
		{"test", "-min-coverage", "60", "examples/programs"},
		{"run", example, deals},
		{"run", example, deals, "-json"}, // flags after the arguments
		{"run", "--", example, deals},
		{"explain", "-deal", "BRI-2005", example, deals},
		{"version"},
		{"--version"},
	} {
		stdout, stderr, code := invoke(args...)
		assert.Equal(t, exitOK, code, "%v: %s", args, stderr)
		assert.NotEmpty(t, stdout, "%v", args)
	}
}

// TestHelp: help for every command, by `help CMD` and `CMD -h`, on stdout,
// with a one-line description and an example.
func TestHelp(t *testing.T) {
	top, _, code := invoke("help")
	require.Equal(t, exitOK, code)
	for _, args := range [][]string{{"-h"}, {"--help"}} {
		again, _, code := invoke(args...)
		assert.Equal(t, exitOK, code)
		assert.Equal(t, top, again)
	}
	for _, c := range commands {
		assert.Contains(t, top, c.name+" ")
		assert.Contains(t, top, c.summary)
		help, stderr, code := invoke("help", c.name)
		require.Equal(t, exitOK, code, stderr)
		assert.True(t, strings.HasPrefix(help, "partnerops "+c.name+": "+c.summary+"\n"), help)
		assert.Contains(t, help, "Example:\n\n\tpartnerops "+c.name)
		assert.NotContains(t, c.summary, "\n")
		flagHelp, _, code := invoke(c.name, "-h")
		assert.Equal(t, exitOK, code)
		assert.Equal(t, help, flagHelp)
	}
	runHelp, _, _ := invoke("help", "run")
	assert.Contains(t, runHelp, "default: no expiry check")
}

// TestExamplesInHelpWork runs the example line of every command's help.
func TestExamplesInHelpWork(t *testing.T) {
	chdirRoot(t)
	for _, c := range commands {
		args := strings.Fields(c.example)
		require.Equal(t, "partnerops", args[0])
		// An example that writes a file (chart -o curve.svg) writes it
		// into a temporary folder, not into the source tree.
		for i := 1; i+1 < len(args); i++ {
			if args[i] == "-o" {
				args[i+1] = filepath.Join(t.TempDir(), filepath.Base(args[i+1]))
			}
		}
		_, stderr, code := invoke(args[1:]...)
		assert.Equal(t, exitOK, code, "%s: %s", c.example, stderr)
	}
}

func TestParseInterspersed(t *testing.T) {
	o := &runOptions{}
	for _, c := range []struct {
		args []string
		pos  []string
		json bool
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, false},
		{[]string{"-json", "a", "b"}, []string{"a", "b"}, true},
		{[]string{"a", "-json", "b"}, []string{"a", "b"}, true},
		{[]string{"a", "b", "-json"}, []string{"a", "b"}, true},
		{[]string{"a", "--", "-json"}, []string{"a", "-json"}, false},
	} {
		o.json = false
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.BoolVar(&o.json, "json", false, "")
		pos, err := parseInterspersed(fs, c.args)
		require.NoError(t, err)
		assert.Equal(t, c.pos, pos, "%v", c.args)
		assert.Equal(t, c.json, o.json, "%v", c.args)
	}
}

// TestTooLarge: a deals file over rules.MaxDealsFileSize is refused before
// it is read, with exit code 1.
func TestTooLarge(t *testing.T) {
	chdirRoot(t)
	big := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(rules.MaxDealsFileSize+1)) // sparse: no disk used
	require.NoError(t, f.Close())
	stdout, stderr, code := invoke("run", example, big)
	assert.Equal(t, exitFail, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "at most 16777216 are accepted")
}
