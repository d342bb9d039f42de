// Command partnerops checks, tests and runs partner incentive programs
// written in the partnerops YAML language (see package rules).
//
//	partnerops check examples/programs            compile, report errors and warnings
//	partnerops test -v examples/programs          run the tests in the files, with coverage
//	partnerops run PROGRAM.yaml DEALS.yaml        print the earnings statement
//	partnerops explain -deal ID PROGRAM DEALS     say step by step what a deal earned
//	partnerops fmt -l DIR                         list program files not in canonical form
//	partnerops schema                             print the JSON Schema of program files
//
// DEALS may be CSV, JSON Lines, JSON or YAML ("-" for standard input); see
// 'partnerops help run'.
//
// Exit codes: 0 success; 1 when the input is wrong (compile errors, failed
// tests, coverage below the threshold, deals that could not be evaluated);
// 2 when the command line is (unknown flag, missing file, bad date).
// Output is deterministic: the same input gives the same bytes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/rules"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the input failed: errors, failed tests, deals in error
	exitUsage = 2 // the command line is wrong
)

// action runs a command with its positional arguments, after its flags
// were parsed.
type action func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// command is one subcommand: its help text and a setup function that
// defines its flags on a flag set and returns the action that reads them.
type command struct {
	name    string
	summary string // one line
	usage   string // the synopsis, after "partnerops "
	about   string // more words, may be empty
	example string
	setup   func(fs *flag.FlagSet) action
}

// commands lists the subcommands in the order help shows them.
var commands = []*command{checkCommand, testCommand, runCommand, explainCommand, diffCommand, sweepCommand, chartCommand, serveCommand, plansCommand, ledgerCommand, fmtCommand, schemaCommand, versionCommand}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// commandNames lists the command names, for suggestions.
func commandNames() []string {
	out := []string{"help"}
	for _, c := range commands {
		out = append(out, c.name)
	}
	return out
}

// run is the whole program: it parses args (without the program name),
// writes to stdout and stderr and returns the exit code. It never panics
// on user input and never calls os.Exit.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeTopHelp(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 2 {
			return usageError(stderr, "help", "want at most one command name, got %d arguments", len(args)-1)
		}
		if len(args) == 2 {
			if args[1] == "help" {
				writeTopHelp(stdout)
				return exitOK
			}
			c := lookup(args[1])
			if c == nil {
				return usageError(stderr, "help", "unknown command %q%s", args[1], suggestWord(args[1], commandNames()))
			}
			writeHelp(stdout, c)
			return exitOK
		}
		writeTopHelp(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "partnerops: unknown command %q%s (run 'partnerops help' for the list)\n", name, suggestWord(name, commandNames()))
		return exitUsage
	}
	fs := flag.NewFlagSet("partnerops "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line below
	act := c.setup(fs)
	pos, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(stdout, c)
		return exitOK
	}
	if err != nil {
		return usageError(stderr, c.name, "%v", err)
	}
	return act(context.Background(), pos, stdout, stderr)
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (`run prog.yaml deals.yaml -json`), as long as
// they come before a "--". It returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError reports a command-line mistake in one line and returns
// exitUsage.
func usageError(w io.Writer, cmd, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	// The help topic of "ledger accrue" is "ledger": help takes one name.
	topic, _, _ := strings.Cut(cmd, " ")
	fmt.Fprintf(w, "partnerops %s: %s (see 'partnerops help %s')\n", cmd, oneLine(msg), topic)
	return exitUsage
}

// oneLine joins the lines of a message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func writeTopHelp(w io.Writer) {
	var b strings.Builder
	b.WriteString("partnerops checks, tests and runs partner incentive programs written in YAML.\n\n")
	b.WriteString("Usage:\n\n\tpartnerops <command> [flags] [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\thelp     show the flags and an example of a command\n")
	b.WriteString("\nFlags may come before or after the arguments. Exit codes: 0 success; 1 errors,\n")
	b.WriteString("failed tests or deals that could not be evaluated; 2 a mistake on the command line.\n")
	b.WriteString("\nRun 'partnerops help <command>' (or 'partnerops <command> -h') for its flags and an example.\n")
	b.WriteString("The program language is documented by 'go doc github.com/partnerops/partnerops/rules'.\n")
	io.WriteString(w, b.String())
}

func writeHelp(w io.Writer, c *command) {
	var b strings.Builder
	fmt.Fprintf(&b, "partnerops %s: %s\n\nUsage:\n\n\tpartnerops %s\n", c.name, c.summary, c.usage)
	if c.about != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimSpace(c.about))
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		b.WriteString("\nFlags:\n\n")
		fs.SetOutput(&b)
		fs.PrintDefaults()
	}
	fmt.Fprintf(&b, "\nExample:\n\n\t%s\n", c.example)
	io.WriteString(w, b.String())
}

var versionCommand = &command{
	name:    "version",
	summary: "print the version of partnerops and of its program language",
	usage:   "version",
	example: "partnerops version",
	setup: func(fs *flag.FlagSet) action {
		return func(_ context.Context, args []string, stdout, stderr io.Writer) int {
			if len(args) > 0 {
				return usageError(stderr, "version", "takes no arguments, got %q", args[0])
			}
			fmt.Fprintf(stdout, "partnerops %s (language %s, %s)\n", version(), rules.APIVersion, runtime.Version())
			return exitOK
		}
	},
}

// version is the module version the binary was built from, with the VCS
// revision when the build recorded one.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && v == "(devel)" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if modified == "true" {
			v += "+dirty"
		}
	}
	return v
}

// plural renders "1 program", "2 programs".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
