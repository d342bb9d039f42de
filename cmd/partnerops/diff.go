package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/partnerops/partnerops/workbench"
)

var diffCommand = &command{
	name:    "diff",
	summary: "show what a new version of a program changes over the same deals",
	usage:   "diff [-format text|csv|json] [-svg FILE] [-top N] [-as-of DATE] [-workers N] [-program ID] [-partners FILE] [-rates FILE] [-deals-format FORMAT] [-sorted] OLD NEW DEALS",
	about: `
Diff compiles the OLD and NEW program files, reads the deals of DEALS once
and runs them under both versions in one pass, in close order as run does.
It reports the earned total under each version, then by earning type, by
earning, by partner and by deal, largest change first, and why each deal
changed: eligibility, an earning that pays under one version only, a group
that picks another earning, a band reached, an amount before caps, a cap
that binds or cuts differently, rounding.

Each version's totals are those 'partnerops run' prints for it, the period
settlements' payable true-ups included (settled as of -as-of, else as of
the last deal; listed by earning as "true-up of" the settlement), less
what expired: with -as-of, an earning whose claim window has closed is
in run's earned and expired columns, and in none of diff's totals. The deals
are read as the NEW version declares its custom fields, plus any field only
OLD declares; each version sees only the fields it declares. A deal that
fails under a version is listed and left out of that version's totals, and
the exit code is 1. With -partners, each deal's partner record comes from
the partners file, as for run: an unknown partner, or an attribute of a
deal that differs from the file, is an error. Without it, unlike run, a
deal whose partner has no record (no tier, type, region...) is evaluated
with none; when the terms read the partner's record, diff warns of it.

DEALS is read as run reads it (see 'partnerops help run'): CSV, JSON
Lines, JSON or YAML by extension or -deals-format, "-" for standard input,
-columns for CSV headers, sorted in memory or on disk unless -sorted says
the deals are in (close time, id) order already, when they stream. The
same deals give the same diff in any format. A deal that cannot be read
stops the diff; a deal id listed twice is run once.`,
	example: "partnerops diff -top 10 examples/programs/q4-growth.yaml examples/workbench/q4-growth-v2.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &diffOptions{}
		fs.StringVar(&o.format, "format", "text", "output `FORMAT`: text, csv or json")
		fs.StringVar(&o.svg, "svg", "", "also draw the change by partner as a waterfall into the SVG `FILE`")
		fs.IntVar(&o.top, "top", 0, "list only the `N` deals with the largest change; 0 lists every changed deal")
		fs.StringVar(&o.asOf, "as-of", "", "decide claim-window expiry as of `DATE` (YYYY-MM-DD or RFC 3339); default: no expiry check")
		fs.StringVar(&o.program, "program", "", "compare the program with this `ID` (its highest version in each file) when a file holds several")
		fs.IntVar(&o.workers, "workers", 0, "evaluate with `N` goroutines per version; 0 means one per CPU")
		o.deals.defineDealsFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

type diffOptions struct {
	svg     string
	format  string
	top     int
	asOf    string
	program string
	workers int
	// deals says how to read DEALS, as run does.
	deals runOptions
}

// loadProgram reads and compiles a program file and picks the program to
// use, reporting failures as run does.
func loadProgram(cmd, name, id string, stderr io.Writer) (*incentive.Program, int) {
	o := &runOptions{cmd: cmd}
	src, err := readArg(name, rules.MaxFileSize)
	if err != nil {
		return nil, o.fileError(stderr, err)
	}
	f, err := rules.Compile(name, src)
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "partnerops %s: %s does not compile (%s)\n", cmd, name, plural(countErrors(err), "error"))
		return nil, exitFail
	}
	p, err := pickProgram(f, id)
	if err != nil {
		return nil, usageError(stderr, cmd, "%s: %v", name, err)
	}
	return p, exitOK
}

func (o *diffOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "diff"
	if len(args) != 3 {
		return usageError(stderr, cmd, "want an OLD program file, a NEW program file and a DEALS file, got %s", plural(len(args), "argument"))
	}
	switch o.format {
	case "text", "csv", "json":
	default:
		return usageError(stderr, cmd, "-format must be text, csv or json, got %q", o.format)
	}
	if o.top < 0 || o.workers < 0 {
		return usageError(stderr, cmd, "-top and -workers must be 0 or more")
	}
	asOf, err := parseAsOf(o.asOf)
	if err != nil {
		return usageError(stderr, cmd, "%v", err)
	}
	oldP, code := loadProgram(cmd, args[0], o.program, stderr)
	if oldP == nil {
		return code
	}
	newP, code := loadProgram(cmd, args[1], o.program, stderr)
	if newP == nil {
		return code
	}
	if oldP.Currency != newP.Currency {
		fmt.Fprintf(stderr, "partnerops %s: the old version pays in %s and the new one in %s; a diff needs one currency\n", cmd, oldP.Currency, newP.Currency)
		return exitFail
	}
	reader, err := workbench.DealsProgram(oldP, newP)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	ds, code := o.deals.openDealsFor(cmd, reader, args[2], stderr)
	if ds == nil {
		return code
	}
	opts := workbench.DiffOptions{Workers: o.workers, Deals: o.top, Rates: ds.rates}
	if !asOf.IsZero() {
		opts.AsOf = asOf.at(newP.Effective.Loc())
	}
	seq := ds.goodDeals()
	d, err := workbench.Compare(ctx, oldP, newP, seq, opts)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	if ds.stopped {
		return exitFail // reported; a diff of part of the deals is not printed
	}
	ds.warnNoRecord(cmd, stderr, oldP, newP)
	code = ds.code()
	for _, e := range d.Errors {
		if e.Old != "" {
			fmt.Fprintf(stderr, "partnerops %s: old version: %s\n", cmd, e.Old)
		}
		if e.New != "" {
			fmt.Fprintf(stderr, "partnerops %s: new version: %s\n", cmd, e.New)
		}
		code = exitFail
	}
	return writeReport(cmd, o.svg, d.WaterfallSVG, o.format, d, code, stdout, stderr)
}

// report is what diff and sweep print: text, CSV, or the value as JSON.
type report interface {
	WriteText(io.Writer) error
	WriteCSV(io.Writer) error
}

// writeReport writes the SVG file when svgPath is set, then the report in
// format (text, csv or json) to stdout, whole or not at all. It returns
// code, or exitFail when writing failed.
func writeReport(cmd, svgPath string, svg func() []byte, format string, r report, code int, stdout, stderr io.Writer) int {
	if svgPath != "" {
		if err := os.WriteFile(svgPath, svg(), 0o644); err != nil {
			fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
			return exitFail
		}
	}
	var out bytes.Buffer
	var err error
	switch format {
	case "json":
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case "csv":
		err = r.WriteCSV(&out)
	default:
		err = r.WriteText(&out)
	}
	if err == nil {
		_, err = stdout.Write(out.Bytes())
	}
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	return code
}
