package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/workbench"
)

var chartCommand = &command{
	name:    "chart",
	summary: "draw a program as an SVG chart: payout curve, cost over time, payouts per partner",
	usage:   "chart [-o FILE] [-partners FILE] [-rates FILE] [-deals-format FORMAT] curve [-earning ID] [-max AMOUNT] [-deal ID] PROGRAM [DEALS] | cost PROGRAM DEALS | payouts PROGRAM DEALS",
	about: `
Chart writes an SVG image (to stdout, or to -o FILE):

  curve    the payout of one deal against its amount, per earning and in
           total, from 0 to -max (default: one and a half times the highest
           band bound): band steps, cliffs of retroactive tables and caps
           show. The deal varied is -deal ID of DEALS, or else the first
           eligible deal of the program's tests.
  cost     the cumulative earned total by close date, against the budget.
  payouts  the earned total of each partner, largest first.

'partnerops diff -svg FILE' draws a diff as a waterfall and 'partnerops
sweep -svg FILE' the total against the value swept. The images need no
network and no fonts beyond the viewer's sans-serif; the same input gives
the same bytes.

DEALS is read as run reads it (see 'partnerops help run'): CSV, JSON
Lines, JSON or YAML by extension or -deals-format, with -columns and
-partners; the same deals draw the same bytes in any format. A deal that
cannot be read stops the chart; a deal id listed twice is drawn once.`,
	example: "partnerops chart -o curve.svg curve examples/programs/q4-growth.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &chartOptions{}
		fs.StringVar(&o.out, "o", "", "write the SVG to `FILE` instead of stdout")
		fs.StringVar(&o.earning, "earning", "", "curve: draw only the earning with this `ID`")
		fs.StringVar(&o.max, "max", "", "curve: the largest deal `AMOUNT` drawn")
		fs.StringVar(&o.deal, "deal", "", "curve: vary the deal with this `ID` of DEALS")
		fs.StringVar(&o.program, "program", "", "use the program with this `ID` when PROGRAM holds several")
		o.deals.defineDealsFlags(fs)
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

type chartOptions struct {
	out, earning, max, deal, program string
	// deals says how to read DEALS, as run does.
	deals runOptions
}

func (o *chartOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "chart"
	if len(args) == 0 {
		return usageError(stderr, cmd, "name a chart: curve, cost or payouts")
	}
	kind, args := args[0], args[1:]
	switch kind {
	case "curve":
		if len(args) != 1 && len(args) != 2 {
			return usageError(stderr, cmd, "curve wants a PROGRAM file and optionally a DEALS file")
		}
	case "cost", "payouts":
		if len(args) != 2 {
			return usageError(stderr, cmd, "%s wants a PROGRAM file and a DEALS file", kind)
		}
	default:
		return usageError(stderr, cmd, "unknown chart %q; want curve, cost or payouts", kind)
	}
	if o.deal != "" && len(args) != 2 {
		return usageError(stderr, cmd, "-deal needs a DEALS file")
	}
	p, code := loadProgram(cmd, args[0], o.program, stderr)
	if p == nil {
		return code
	}
	var inputs []incentive.Input
	var rates incentive.RateSource
	if len(args) == 2 {
		ds, c := o.deals.openDealsFor(cmd, p, args[1], stderr)
		if ds == nil {
			return c
		}
		rates = ds.rates
		var ok bool
		if inputs, ok = ds.collect(); !ok {
			return exitFail
		}
		code = ds.code()
		ds.warnNoRecord(cmd, stderr, p)
	}
	var svg []byte
	var err error
	switch kind {
	case "curve":
		svg, err = o.curve(ctx, p, args[0], inputs)
	case "cost":
		svg, err = workbench.CostChart(ctx, p, inputs, incentive.RunOptions{Rates: rates})
	case "payouts":
		svg, err = payouts(ctx, p, inputs, rates)
	}
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, oneLine(err.Error()))
		return exitFail
	}
	if o.out != "" {
		err = os.WriteFile(o.out, svg, 0o644)
	} else {
		_, err = stdout.Write(svg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	return code
}

func (o *chartOptions) curve(ctx context.Context, p *incentive.Program, progArg string, inputs []incentive.Input) ([]byte, error) {
	opts := workbench.CurveOptions{Earning: o.earning}
	if o.max != "" {
		m, err := incentive.ParseDecimal(o.max)
		if err != nil {
			return nil, fmt.Errorf("-max %q is not a number", o.max)
		}
		opts.Max = m
	}
	var tmpl incentive.Input
	if o.deal != "" {
		i := slices.IndexFunc(inputs, func(in incentive.Input) bool { return in.Deal.ID == o.deal })
		if i < 0 {
			return nil, fmt.Errorf("no deal %q", o.deal)
		}
		tmpl = inputs[i]
	} else {
		// The program's own tests, and those beside it, give the deal.
		g, _, err := collectGroups([]string{progArg})
		if err != nil {
			return nil, err
		}
		set, err := g[0].load()
		if err != nil {
			return nil, err
		}
		tp := set.ProgramVersion(p.ID, p.Version)
		if tmpl, err = workbench.TemplateDeal(ctx, tp, set.Tests()); err != nil {
			return nil, err
		}
		p = tp
	}
	c, err := workbench.PayoutCurve(ctx, p, tmpl, opts)
	if err != nil {
		return nil, err
	}
	return c.SVG(), nil
}

func payouts(ctx context.Context, p *incentive.Program, inputs []incentive.Input, rates incentive.RateSource) ([]byte, error) {
	// The statement as run builds it, period settlements' true-ups in.
	st, err := workbench.RunStatement(ctx, p, inputs, incentive.RunOptions{Rates: rates})
	if err != nil {
		return nil, err
	}
	return workbench.PayoutsChart(st), nil
}
