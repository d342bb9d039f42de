package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

var runCommand = &command{
	name:    "run",
	summary: "compute the earnings statement of a program over a deals file",
	usage:   "run [-as-of DATE] [-json] [-workers N] [-carried FILE] [-program ID] PROGRAM DEALS",
	about: `
Run compiles PROGRAM, reads the deals of DEALS (a YAML or JSON list, as
described under "Deals" in 'go doc github.com/partnerops/partnerops/rules'),
sorts them by close time, then deal id, and runs them in that order, so that
each partner's period totals, the caps and the budget accumulate. It prints
the earnings statement: per partner, what was earned, expired, carried in,
payable and carried out, by earning type and payee.

Without -as-of, no claim window is checked: nothing is reported as expired.
A deal that cannot be evaluated (say, in a currency without a rate) is
reported on stderr with its id and left out; the statement of the other
deals is still printed and the exit code is 1.`,
	example: "partnerops run -as-of 2027-01-15 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &runOptions{cmd: "run"}
		o.define(fs)
		fs.BoolVar(&o.json, "json", false, "print the statement as JSON (amounts as strings) instead of text")
		fs.StringVar(&o.carried, "carried", "", "read what each partner carries in from the previous statement from `FILE`,\na JSON object of partner id to amount: {\"P-1\": \"40.00\"}")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

var explainCommand = &command{
	name:    "explain",
	summary: "explain step by step what each deal of a deals file earned",
	usage:   "explain [-deal ID] [-as-of DATE] [-program ID] PROGRAM DEALS",
	about: `
Explain runs the deals as run does, then prints, for each deal in run order
(or only the deal named by -deal), how the program treated it: the effective
window, each eligibility clause with the values it read, each earning's
formula, band, group and cap, the rounding and the total. The deals before
the one explained are run too, because they build the partner's totals.`,
	example: "partnerops explain -deal ACME-1011 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &runOptions{cmd: "explain"}
		o.define(fs)
		fs.StringVar(&o.deal, "deal", "", "explain only the deal with this `ID`")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.explain(ctx, args, stdout, stderr)
		}
	},
}

// runOptions are the flags of run and explain.
type runOptions struct {
	cmd     string
	asOf    string
	program string
	workers int
	json    bool
	carried string
	deal    string
}

func (o *runOptions) define(fs *flag.FlagSet) {
	fs.StringVar(&o.asOf, "as-of", "", "decide claim-window expiry as of `DATE` (YYYY-MM-DD, the start of that day in the\nprogram's time zone, or an RFC 3339 time); default: no expiry check")
	fs.StringVar(&o.program, "program", "", "run the program with this `ID` (its highest version) when PROGRAM holds several")
	fs.IntVar(&o.workers, "workers", 0, fmt.Sprintf("evaluate with `N` goroutines, at most %d; 0 means one per CPU (results do not depend on N)", maxWorkers))
}

// batch is a program and its deals, ready to run.
type batch struct {
	program  *incentive.Program
	inputs   []incentive.Input
	asOf     time.Time
	dealsArg string
}

// prepare checks the arguments and flags, loads the program and the deals
// and sorts the deals. It returns a non-negative exit code when it failed,
// having reported why.
func (o *runOptions) prepare(args []string, stderr io.Writer) (*batch, int) {
	if len(args) != 2 {
		return nil, usageError(stderr, o.cmd, "want a PROGRAM file and a DEALS file, got %s", plural(len(args), "argument"))
	}
	if err := checkWorkers(o.workers); err != nil {
		return nil, usageError(stderr, o.cmd, "%v", err)
	}
	asOf, err := parseAsOf(o.asOf)
	if err != nil {
		return nil, usageError(stderr, o.cmd, "%v", err)
	}
	progArg, dealsArg := args[0], args[1]
	progSrc, err := readArg(progArg, rules.MaxFileSize)
	if err != nil {
		return nil, o.fileError(stderr, err)
	}
	dealsSrc, err := readArg(dealsArg, rules.MaxDealsFileSize)
	if err != nil {
		return nil, o.fileError(stderr, err)
	}
	f, err := rules.Compile(progArg, progSrc)
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "partnerops %s: %s does not compile (%s)\n", o.cmd, progArg, plural(countErrors(err), "error"))
		return nil, exitFail
	}
	p, err := pickProgram(f, o.program)
	if err != nil {
		return nil, usageError(stderr, o.cmd, "%s: %v", progArg, err)
	}
	inputs, err := rules.DecodeDeals(dealsArg, dealsSrc, p)
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "partnerops %s: %s has errors (%s)\n", o.cmd, dealsArg, plural(countErrors(err), "error"))
		return nil, exitFail
	}
	b := &batch{program: p, dealsArg: dealsArg}
	if !asOf.IsZero() {
		b.asOf = asOf.at(p.Effective.Loc())
	}
	var code int
	b.inputs, code = dedupe(inputs, o.cmd, stderr)
	sortDeals(b.inputs)
	return b, code
}

// fileError reports an error of readArg: a file that is too large is bad
// input (exit 1), any other problem a usage error (exit 2).
func (o *runOptions) fileError(stderr io.Writer, err error) int {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	return usageError(stderr, o.cmd, "%v", err)
}

// pickProgram chooses the program to run from a compiled file: the only
// one, or the highest version of the id asked for.
func pickProgram(f *rules.File, id string) (*incentive.Program, error) {
	var names []string
	var best *incentive.Program
	for _, p := range f.Programs {
		names = append(names, fmt.Sprintf("%s v%d", p.ID, p.Version))
		if p.ID == id && (best == nil || p.Version > best.Version) {
			best = p
		}
	}
	switch {
	case len(f.Programs) == 0:
		return nil, errors.New("the file defines no program (kind: Program)")
	case id != "" && best == nil:
		return nil, fmt.Errorf("no program %q; the file defines %s", id, strings.Join(names, ", "))
	case id != "":
		return best, nil
	case len(f.Programs) > 1:
		return nil, fmt.Errorf("the file defines %d programs (%s); choose one with -program ID", len(f.Programs), strings.Join(names, ", "))
	}
	return f.Programs[0], nil
}

// asOfValue is a parsed -as-of: a calendar date (read in the program's
// time zone once the program is known) or an instant.
type asOfValue struct {
	date    incentive.Date
	instant time.Time
}

func (a asOfValue) IsZero() bool { return a.date.IsZero() && a.instant.IsZero() }

// at returns the instant: a date is the start of that day in loc.
func (a asOfValue) at(loc *time.Location) time.Time {
	if !a.instant.IsZero() {
		return a.instant
	}
	return a.date.In(loc)
}

func parseAsOf(s string) (asOfValue, error) {
	if s == "" {
		return asOfValue{}, nil
	}
	if d, err := incentive.ParseDate(s); err == nil {
		return asOfValue{date: d}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return asOfValue{instant: t}, nil
	}
	return asOfValue{}, fmt.Errorf("bad -as-of %q: want a date YYYY-MM-DD or an RFC 3339 time", s)
}

// dedupe drops the second and later deals with an id already seen,
// reporting each; a deal is paid once.
func dedupe(inputs []incentive.Input, cmd string, stderr io.Writer) ([]incentive.Input, int) {
	seen := make(map[string]bool, len(inputs))
	code := exitOK
	out := inputs[:0]
	for _, in := range inputs {
		if seen[in.Deal.ID] {
			fmt.Fprintf(stderr, "partnerops %s: deal %s is listed more than once; only its first entry is run\n", cmd, in.Deal.ID)
			code = exitFail
			continue
		}
		seen[in.Deal.ID] = true
		out = append(out, in)
	}
	return out, code
}

// sortDeals puts deals in the order incentive.Run requires: by close time,
// then by deal id.
func sortDeals(inputs []incentive.Input) {
	slices.SortStableFunc(inputs, func(a, b incentive.Input) int {
		if c := a.Deal.CloseDate.Compare(b.Deal.CloseDate); c != 0 {
			return c
		}
		return strings.Compare(a.Deal.ID, b.Deal.ID)
	})
}

// each runs the batch and calls fn with every deal's result; a deal that
// failed is reported on stderr and skipped. run needs no explanations, so
// it runs without traces. fn returns false to stop. each
// returns exitFail when a deal failed.
func (o *runOptions) each(ctx context.Context, b *batch, stderr io.Writer, fn func(in *incentive.Input, r *incentive.Result) bool) int {
	code := exitOK
	i := 0
	seq := func(yield func(incentive.Input, error) bool) {
		for _, in := range b.inputs {
			if !yield(in, nil) {
				return
			}
		}
	}
	for r, err := range incentive.Run(ctx, b.program, seq, incentive.RunOptions{AsOf: b.asOf, Workers: o.workers, NoTrace: o.cmd == "run"}) {
		if i >= len(b.inputs) { // cannot happen: one result per deal
			break
		}
		in := &b.inputs[i]
		i++
		if err != nil {
			var ee *incentive.EvalError
			if errors.As(err, &ee) && ee.Deal == in.Deal.ID {
				fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
			} else {
				fmt.Fprintf(stderr, "partnerops %s: deal %s: %v\n", o.cmd, in.Deal.ID, err)
			}
			code = exitFail
			if errors.Is(err, incentive.ErrOutOfOrder) || errors.Is(err, context.Canceled) {
				break
			}
			continue
		}
		if !fn(in, r) {
			break
		}
	}
	return code
}

func (o *runOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	b, code := o.prepare(args, stderr)
	if b == nil {
		return code
	}
	carried, c, err := o.readCarried(b.program)
	if err != nil {
		if c == exitUsage {
			return usageError(stderr, o.cmd, "%v", err)
		}
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, oneLine(err.Error()))
		return c
	}
	sb, err := incentive.NewStatement(b.program, func(id string) decimal.Decimal { return carried[id] })
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	// A partner who carries an amount in is on the statement even without
	// deals in this run.
	sb.Include(sortedKeys(carried)...)
	var addErr error
	if c := o.each(ctx, b, stderr, func(in *incentive.Input, r *incentive.Result) bool {
		addErr = sb.Add(r)
		return addErr == nil
	}); c != exitOK {
		code = c
	}
	if addErr != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, addErr)
		return exitFail
	}
	st := sb.Statement()
	var out bytes.Buffer
	if o.json {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		err = enc.Encode(st)
	} else {
		err = st.WriteText(&out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	return code
}

// readCarried reads the -carried file: a JSON object of partner id to an
// amount in the program currency, a string or a number read from its text.
// A file that cannot be read is a usage error; a malformed one fails.
func (o *runOptions) readCarried(p *incentive.Program) (map[string]decimal.Decimal, int, error) {
	if o.carried == "" {
		return nil, exitOK, nil
	}
	src, err := readArg(o.carried, rules.MaxDealsFileSize)
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return nil, exitFail, err
	}
	if err != nil {
		return nil, exitUsage, err
	}
	m, err := parseCarried(o.carried, src, p.Currency)
	return m, exitFail, err
}

func (o *runOptions) explain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	b, code := o.prepare(args, stderr)
	if b == nil {
		return code
	}
	if o.deal != "" && !slices.ContainsFunc(b.inputs, func(in incentive.Input) bool { return in.Deal.ID == o.deal }) {
		return usageError(stderr, o.cmd, "no deal %q in %s", o.deal, b.dealsArg)
	}
	var out bytes.Buffer
	if c := o.each(ctx, b, stderr, func(in *incentive.Input, r *incentive.Result) bool {
		if o.deal != "" && in.Deal.ID != o.deal {
			return true
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		text := r.Explain()
		out.WriteString(text)
		if !strings.HasSuffix(text, "\n") {
			out.WriteByte('\n')
		}
		return o.deal == ""
	}); c != exitOK {
		code = c
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	return code
}
