package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

var checkCommand = &command{
	name:    "check",
	summary: "compile program files and report every error and warning",
	usage:   "check [-strict] FILE|DIR...",
	about: `
Check compiles each program file named, with the *_test.yaml files beside
it, and every partnerops file in each directory named and its
subdirectories (hidden ones left out): a *.yaml or *.yml file whose
apiVersion is partnerops/v1. Other YAML files in those folders (CI
workflows, deals files) are listed as skipped, not reported as errors. It
prints every error and warning as file:line:col: message, with the source
line and a caret under the column, then a summary line. Files are named
by their path from the working directory; a file outside it by its path
from its own directory. The files of each directory are compiled as one
set: a Tests document finds its program only in its own directory, even
when the program's file is named on the same command line.

It exits 1 when a file has errors (or, with -strict, warnings), else 0.`,
	example: "partnerops check examples/programs/q4-growth.yaml",
	setup: func(fs *flag.FlagSet) action {
		strict := fs.Bool("strict", false, "treat warnings as errors: exit 1 when there are any")
		return func(_ context.Context, args []string, stdout, stderr io.Writer) int {
			return check(args, *strict, stdout, stderr)
		}
	},
}

func check(args []string, strict bool, stdout, stderr io.Writer) int {
	groups, skipped, err := collectGroups(args)
	if err != nil {
		return usageError(stderr, "check", "%v", err)
	}
	var b strings.Builder
	for _, s := range skipped {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	sets, errs := loadAll(groups)
	nerr := 0
	for _, err := range errs {
		b.WriteString(err.Error())
		b.WriteByte('\n')
		nerr += countErrors(err)
	}
	files, programs, tiers, tests, warnings := 0, 0, 0, 0, 0
	templates, plans := 0, 0
	for _, s := range sets {
		// Plan documents name templates that may be in other files: build
		// them to report what only the whole set shows.
		if ps, err := s.Plans(); err != nil {
			b.WriteString(err.Error())
			b.WriteByte('\n')
			nerr += countErrors(err)
		} else {
			plans += len(ps)
		}
		templates += len(s.PlanTemplates())
		tests += len(s.PlanTests())
		for _, w := range s.Warnings() {
			b.WriteString(w.Error())
			b.WriteByte('\n')
			warnings++
		}
		files += len(s.Files)
		programs += len(s.Programs())
		tests += len(s.Tests()) + len(s.TierTests())
		tiers += len(s.TierPolicies())
	}
	code := exitOK
	switch {
	case nerr > 0:
		fmt.Fprintf(&b, "FAIL: %s", plural(nerr, "error"))
		if warnings > 0 {
			fmt.Fprintf(&b, ", %s", plural(warnings, "warning"))
		}
		b.WriteByte('\n')
		code = exitFail
	case strict && warnings > 0:
		fmt.Fprintf(&b, "FAIL: %s (-strict)\n", plural(warnings, "warning"))
		code = exitFail
	default:
		fmt.Fprintf(&b, "ok: %s, %s", plural(files, "file"), plural(programs, "program"))
		if tiers > 0 {
			fmt.Fprintf(&b, ", %d tier %s", tiers, map[bool]string{true: "policy", false: "policies"}[tiers == 1])
		}
		if templates+plans > 0 {
			fmt.Fprintf(&b, ", %s, %s", plural(templates, "plan template"), plural(plans, "plan"))
		}
		fmt.Fprintf(&b, ", %s", plural(tests, "test"))
		if len(skipped) > 0 {
			fmt.Fprintf(&b, ", %s skipped", plural(len(skipped), "file"))
		}
		if warnings > 0 {
			fmt.Fprintf(&b, ", %s", plural(warnings, "warning"))
		}
		b.WriteByte('\n')
	}
	io.WriteString(stdout, b.String())
	return code
}
