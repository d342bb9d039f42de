package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/rules"
)

var testCommand = &command{
	name:    "test",
	summary: "run the tests written in program files and report coverage",
	usage:   "test [-v] [-run REGEXP] [-min-coverage N] [-junit FILE] [-json] FILE|DIR...",
	about: `
Test loads the files as check does and runs every test of their programs:
the tests: list of each program and the Tests documents of *_test.yaml files,
and the tests: list of each tier policy (reported after the programs' tests).
A file x_test.yaml named alone is run with its program file x.yaml beside it.
It prints each failed test with one line per difference (want, got), the
parts of the programs no test exercised, and a summary line. With -run, only
the tests whose "<program id>/<test name>" (or "<tier policy id>/<test name>")
matches the regular expression run, and coverage counts only them, over
the programs they test.

With -junit FILE it also writes a JUnit XML report for CI: a suite per
program, a case per test with its file and line, the failure diff as the
message, and coverage as suite properties. With -json it prints the report
as JSON instead of text.

It exits 1 when a file does not compile, a test fails, no test ran, or
coverage is below -min-coverage; else 0.`,
	example: "partnerops test -v -min-coverage 60 examples/programs",
	setup: func(fs *flag.FlagSet) action {
		verbose := fs.Bool("v", false, "list every test, passed or failed")
		runRE := fs.String("run", "", "run only the tests whose `REGEXP` matches \"<program id>/<test name>\"")
		minCov := fs.Int("min-coverage", 0, "fail when fewer than `N` percent of clauses, earnings, bands and caps are exercised (0-100)")
		junit := fs.String("junit", "", "also write a JUnit XML report to `FILE`")
		asJSON := fs.Bool("json", false, "print the report as JSON")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return runTests(ctx, args, testFlags{*verbose, *runRE, *minCov, *junit, *asJSON}, stdout, stderr)
		}
	},
}

// testFlags are the flags of test.
type testFlags struct {
	verbose bool
	runRE   string
	minCov  int
	junit   string
	json    bool
}

func runTests(ctx context.Context, args []string, tf testFlags, stdout, stderr io.Writer) int {
	verbose, runRE, minCov := tf.verbose, tf.runRE, tf.minCov
	if minCov < 0 || minCov > 100 {
		return usageError(stderr, "test", "-min-coverage must be between 0 and 100, got %d", minCov)
	}
	var re *regexp.Regexp
	if runRE != "" {
		var err error
		if re, err = regexp.Compile(runRE); err != nil {
			return usageError(stderr, "test", "bad -run expression: %v", err)
		}
	}
	groups, _, err := collectGroups(withPrograms(args))
	if err != nil {
		return usageError(stderr, "test", "%v", err)
	}
	var b strings.Builder
	defer func() { io.WriteString(stdout, b.String()) }()
	sets, errs := loadAll(groups)
	if len(errs) > 0 {
		n := 0
		for _, err := range errs {
			b.WriteString(err.Error())
			b.WriteByte('\n')
			n += countErrors(err)
		}
		fmt.Fprintf(&b, "FAIL: %s; no tests were run\n", plural(n, "compile error"))
		return exitFail
	}
	total := &rules.Report{Coverage: &rules.Coverage{}, MinCoverage: minCov}
	tiers := &rules.TierReport{}
	for _, s := range sets {
		tiers.Results = append(tiers.Results, s.RunTierTests(func(name string) bool { return re == nil || re.MatchString(name) }).Results...)
		for _, w := range s.Warnings() {
			b.WriteString(w.Error())
			b.WriteByte('\n')
		}
		if re != nil {
			for _, f := range s.Files {
				kept := f.Tests[:0:0]
				for _, t := range f.Tests {
					if re.MatchString(t.Program.ID + "/" + t.Name) {
						kept = append(kept, t)
					}
				}
				f.Tests = kept
			}
		}
		rep := s.RunTests(ctx, rules.TestOptions{MinCoverage: minCov})
		total.Results = append(total.Results, rep.Results...)
		items := rep.Coverage.Items
		if re != nil {
			// Coverage of the programs whose tests ran: no selected test
			// could exercise the others.
			ran := map[string]bool{}
			for _, r := range rep.Results {
				ran[r.Test.Program.ID] = true
			}
			items = slices.DeleteFunc(slices.Clone(items), func(it rules.CoverageItem) bool { return !ran[it.Program] })
		}
		total.Coverage.Items = append(total.Coverage.Items, items...)
	}
	planOut, planRun, planFailed := runPlanTests(sets, re, verbose)
	if len(total.Results) == 0 && (len(tiers.Results) > 0 || planRun > 0) {
		// Only tier policy or plan template tests: there is no program to
		// cover.
		if len(tiers.Results) > 0 {
			b.WriteString(tiers.Text(verbose))
		}
		b.WriteString(planOut)
		if tiers.Failed() > 0 || planFailed > 0 {
			return exitFail
		}
		return exitOK
	}
	if len(total.Results) == 0 {
		if re != nil {
			fmt.Fprintf(&b, "FAIL: no test matches -run %q\n", runRE)
		} else {
			b.WriteString("FAIL: the files hold no tests\n")
		}
		return exitFail
	}
	if tf.junit != "" {
		if err := writeJUnit(tf.junit, total); err != nil {
			return usageError(stderr, "test", "-junit: %v", err)
		}
	}
	if tf.json {
		var jb strings.Builder
		if err := writeJSONReport(&jb, total); err != nil {
			fmt.Fprintf(stderr, "partnerops test: %v\n", err)
			return exitFail
		}
		b.Reset()
		b.WriteString(jb.String())
	} else {
		b.WriteString(reportText(total, verbose))
		if len(tiers.Results) > 0 {
			b.WriteString(tiers.Text(verbose))
		}
	}
	b.WriteString(planOut)
	if !total.OK() || tiers.Failed() > 0 || planFailed > 0 {
		return exitFail
	}
	return exitOK
}

// reportText renders the report as rules does; without verbose, the lines
// of tests that passed are left out.
func reportText(r *rules.Report, verbose bool) string {
	s := r.String()
	if verbose {
		return s
	}
	pass := map[string]bool{}
	for _, t := range r.Results {
		if t.Passed() {
			pass[fmt.Sprintf("PASS %s/%s (%s)", t.Test.Program.ID, t.Test.Name, t.Test.Origin)] = true
		}
	}
	var b strings.Builder
	for line := range strings.Lines(s) {
		if !pass[strings.TrimSuffix(line, "\n")] {
			b.WriteString(line)
		}
	}
	return b.String()
}

// withPrograms adds to the files named the program file x.yaml beside each
// x_test.yaml named alone, so that its tests have their program (as
// loading x.yaml brings in its x_test.yaml).
func withPrograms(args []string) []string {
	out := append([]string(nil), args...)
	for _, arg := range args {
		for _, ext := range []string{".yaml", ".yml"} {
			base, ok := strings.CutSuffix(arg, "_test"+ext)
			if !ok {
				continue
			}
			prog := base + ext
			if st, err := os.Stat(prog); err == nil && st.Mode().IsRegular() && !slices.Contains(out, prog) {
				out = append(out, prog)
			}
		}
	}
	return out
}
