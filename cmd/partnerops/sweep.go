package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/partnerops/partnerops/workbench"
	"github.com/shopspring/decimal"
)

var sweepCommand = &command{
	name:    "sweep",
	summary: "vary one number of a program and show the total cost at each value",
	usage:   "sweep -param PATH -from A -to B -step S [-format text|csv|json] [-svg FILE] [-as-of DATE] [-program ID] [-partners FILE] [-rates FILE] [-deals-format FORMAT] PROGRAM DEALS",
	about: `
Sweep varies one number of PROGRAM (a rate, a band bound, a cap) from A to
B by S, and runs the deals of DEALS at each value, as run does. It prints,
per value, the earned total (run's earned less what expired as of
-as-of) and its change from the program as written,
the eligible deals, the partners paid and the partners whose total differs
from the program as written.

PATH names the number by keys as in error messages, a list item by its
index (from 0) or its id: caps.per_deal, caps.per_partner.limit,
earnings[new-logo-spiff].cap, earnings[volume-rebate].bands.table[1].rate,
earnings[volume-rebate].bands.table[0].to. A path to an expression varies
the number written in it: earnings[new-logo-spiff].amount is the 0.02 of
"deal.amount * 0.02"; add #2 for an expression's second number. Moving a
band's bound moves the neighbouring band's bound with it. Each value is written into the file and
the file compiled again, so a value the language refuses (a bound past the
next one) is reported on its row, positioned in the file; the exit code is
then 1.

DEALS is read as run reads it (see 'partnerops help run'): CSV, JSON
Lines, JSON or YAML by extension or -deals-format, with -columns and
-partners. The deals are held in memory, since each value runs them all.
A deal that cannot be read stops the sweep; a deal id listed twice is run
once.`,
	example: "partnerops sweep -param earnings[volume-rebate].bands.table[1].rate -from 0.01 -to 0.03 -step 0.005 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &sweepOptions{}
		fs.StringVar(&o.param, "param", "", "the `PATH` of the number to vary, e.g. caps.per_deal")
		fs.StringVar(&o.from, "from", "", "the first `VALUE`")
		fs.StringVar(&o.to, "to", "", "the last `VALUE` (included when a step lands on it)")
		fs.StringVar(&o.step, "step", "", "the `STEP` between values (positive)")
		fs.StringVar(&o.svg, "svg", "", "also draw the earned total against the value into the SVG `FILE`")
		fs.StringVar(&o.format, "format", "text", "output `FORMAT`: text, csv or json")
		fs.StringVar(&o.asOf, "as-of", "", "decide claim-window expiry as of `DATE` (YYYY-MM-DD or RFC 3339); default: no expiry check")
		fs.StringVar(&o.program, "program", "", "sweep the program with this `ID` when PROGRAM holds several")
		fs.IntVar(&o.workers, "workers", 0, "evaluate with `N` goroutines; 0 means one per CPU")
		o.deals.defineDealsFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

type sweepOptions struct {
	param, from, to, step string
	format, asOf, program string
	svg                   string
	workers               int
	// deals says how to read DEALS, as run does.
	deals runOptions
}

func (o *sweepOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "sweep"
	if len(args) != 2 {
		return usageError(stderr, cmd, "want a PROGRAM file and a DEALS file, got %s", plural(len(args), "argument"))
	}
	if o.param == "" {
		return usageError(stderr, cmd, "name the number to vary with -param PATH")
	}
	switch o.format {
	case "text", "csv", "json":
	default:
		return usageError(stderr, cmd, "-format must be text, csv or json, got %q", o.format)
	}
	opts := workbench.SweepOptions{Name: args[0], Program: o.program, Path: o.param, Workers: o.workers}
	for _, f := range []struct {
		name, text string
		dst        *decimal.Decimal
	}{{"-from", o.from, &opts.From}, {"-to", o.to, &opts.To}, {"-step", o.step, &opts.Step}} {
		if f.text == "" {
			return usageError(stderr, cmd, "give -from, -to and -step")
		}
		v, err := incentive.ParseDecimal(f.text)
		if err != nil {
			return usageError(stderr, cmd, "%s %q is not a number", f.name, f.text)
		}
		*f.dst = v
	}
	asOf, err := parseAsOf(o.asOf)
	if err != nil {
		return usageError(stderr, cmd, "%v", err)
	}
	p, code := loadProgram(cmd, args[0], o.program, stderr)
	if p == nil {
		return code
	}
	if opts.Source, err = readArg(args[0], rules.MaxFileSize); err != nil {
		return (&runOptions{cmd: cmd}).fileError(stderr, err)
	}
	if opts.Program == "" {
		opts.Program = p.ID
	}
	if !asOf.IsZero() {
		opts.AsOf = asOf.at(p.Effective.Loc())
	}
	ds, code := o.deals.openDealsFor(cmd, p, args[1], stderr)
	if ds == nil {
		return code
	}
	inputs, ok := ds.collect()
	if !ok {
		return exitFail
	}
	code = ds.code()
	ds.warnNoRecord(cmd, stderr, p)
	opts.Rates = ds.rates
	s, err := workbench.SweepNumber(ctx, inputs, opts)
	var el rules.ErrorList
	switch {
	case errors.Is(err, workbench.ErrBadRange):
		return usageError(stderr, cmd, "%v", err)
	case errors.As(err, &el):
		fmt.Fprintln(stderr, err)
		return usageError(stderr, cmd, "-param %s does not name a number of %s", o.param, args[0])
	case err != nil:
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	for _, pt := range s.Points {
		if pt.Err != "" {
			code = exitFail
		}
	}
	return writeReport(cmd, o.svg, s.SVG, o.format, s, code, stdout, stderr)
}
