package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/partnerops/partnerops/rules"
)

var fmtCommand = &command{
	name:    "fmt",
	summary: "rewrite program files in canonical key order and layout",
	usage:   "fmt [-l] FILE|DIR...",
	about: `
Fmt rewrites each program or tests file named, and every partnerops file
under each directory named, in canonical form: the keys in the order of the
language reference, two-space indentation, a blank line before each
section and between earnings and between tests. Comments stay with the keys
they were written next to. Formatting is idempotent.

With -l it writes nothing and lists the files whose formatting differs,
exiting 1 when there are any (for CI). A file that is not valid YAML is
reported and left alone (exit 1).`,
	example: "partnerops fmt -l cmd/partnerops/testdata/fmt",
	setup: func(fs *flag.FlagSet) action {
		list := fs.Bool("l", false, "list the files whose formatting differs instead of rewriting them; exit 1 if any")
		return func(_ context.Context, args []string, stdout, stderr io.Writer) int {
			return formatFiles(args, *list, stdout, stderr)
		}
	},
}

func formatFiles(args []string, list bool, stdout, stderr io.Writer) int {
	groups, _, err := collectGroups(args)
	if err != nil {
		return usageError(stderr, "fmt", "%v", err)
	}
	code := exitOK
	for _, g := range groups {
		for _, name := range sortedKeys(g.files) {
			path := filepath.Join(g.dir, name)
			src, err := readArg(path, rules.MaxFileSize)
			if err != nil {
				fmt.Fprintf(stderr, "partnerops fmt: %v\n", err)
				code = exitFail
				continue
			}
			out, err := rules.Format(path, src)
			if err != nil {
				fmt.Fprintln(stderr, err)
				code = exitFail
				continue
			}
			if bytes.Equal(out, src) {
				continue
			}
			if list {
				fmt.Fprintln(stdout, path)
				code = exitFail
				continue
			}
			st, err := os.Stat(path)
			if err == nil {
				err = os.WriteFile(path, out, st.Mode().Perm())
			}
			if err != nil {
				fmt.Fprintf(stderr, "partnerops fmt: %v\n", err)
				code = exitFail
			}
		}
	}
	return code
}
