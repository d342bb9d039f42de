package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

var runCommand = &command{
	name:    "run",
	summary: "compute the earnings statement of a program over a deals file",
	usage:   "run [flags] PROGRAM DEALS",
	about: `
Run compiles PROGRAM, reads the deals of DEALS and runs them in (close time,
deal id) order, so that each partner's period totals, the caps and the
budget accumulate. It prints the earnings statement: per partner, what was
earned, expired, held (not matured under the program's hold), carried in,
withheld (a negative balance brought in), payable and carried out, by payout
bucket, maturity date, earning type and payee, with the check that the rows
add up.

A program's period settlements are settled as of -as-of (else the last
deal's close date) and shown under each partner: advances, entitlement and
true-up. A period's true-up is paid at the period's end, before any later
deal, and the per_partner caps and the budget bind it as they bind a deal:
it pays at most the room they have left then (the part cut is shown as
capped, and is lost, not carried), and what it pays counts in them.

Runs chain through -carried: the previous run's JSON statement brings in
the balances, holds, settlement state and budget_used (what the budget has
paid so far), so the budget binds the chain as one run. The per_partner
caps' counts do not carry: when the previous run's as_of and this run's
first deal fall in the same cap period, run warns on stderr (run the whole
period at once).

DEALS is CSV (a header row; see -columns), JSON Lines, a JSON list, or YAML
for small hand-written files (described under "Deals" in 'go doc
github.com/partnerops/partnerops/rules'); the format comes from the
extension or -format, and "-" reads standard input. CSV, JSON Lines and
JSON stream: a file of any size is read one row at a time. A YAML file is
read whole, at most 16 MiB, and checked before any deal is run.

Deals are sorted by close time, then id, in memory (about 2.5 KB of peak
memory a deal: 100,000 deals peaked at 319 MB RSS, against 74 MB streamed
with -sorted); beyond
-sort-limit deals they are sorted on disk, in a temporary folder, in runs
of that many.
With -sorted, deals already in that order are streamed in memory that does
not grow with their number, and a deal out of order stops the run.

Every deal needs a partner: its record comes from -partners FILE, or from
the deal itself (partner_tier and so on in CSV, "partner" in JSON). A deal
naming a partner the file lacks (as its own partner, or as a split payee
such as deal.referrer), or giving attributes that differ from it, is an
error. A deal id listed twice is run once. A partners file (CSV, JSON
Lines or YAML) may give a partner's payment_method and its dated changes
as tier_history and attribute_history (dates in the program's time zone),
and so may a JSON, JSON Lines or YAML deal's "partner" (a CSV deal cannot:
give them in -partners); see 'go doc github.com/partnerops/partnerops/rules', "Partner attributes
over time".

` + partnersHelp + `

A row that cannot be read, or a deal that cannot be evaluated (say, in a
currency without a rate), is reported on stderr with its file, line and
column or its id; with -on-error continue (the default) the rest still
runs and the statement is printed, with -on-error stop nothing more is. A
summary line on stderr counts the deals read, evaluated and in error. The
exit code is 1 when any deal was in error.

Without -as-of, no claim window is checked: nothing is reported as expired,
and every earning under the program's hold counts as held (pending).`,
	example: "partnerops run -as-of 2027-01-15 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &runOptions{cmd: "run"}
		o.define(fs)
		fs.BoolVar(&o.json, "json", false, "print the statement as JSON (same as -output json)")
		fs.StringVar(&o.output, "output", "text", "print the statement as `FORMAT`: text, csv or json (amounts as strings; it reads back as -carried)")
		fs.StringVar(&o.carried, "carried", "", "read what each partner carries in from `FILE`: the previous run's -output json (balances,\nholds, settlement carries, payment methods and budget_used; a statement of another program id is refused, of another\nversion warned about), or a\nJSON object of partner id to amount, {\"P-1\": \"40.00\"}, or to amounts per payout bucket,\n{\"P-1\": {\"rebates\": \"-30.00\", \"default\": \"5.00\"}} (default: the earning types in no bucket)")
		fs.StringVar(&o.results, "results", "", "also write each deal's result to `FILE` (.csv or .jsonl): deal, partner, and each earning\nline with its type, amount, band, the caps that cut it, rounding and claim deadline;\na program with settlements adds a row per settled period (kind settlement, amount = the\npayable true-up), so the amounts add up to the statement's earned")
		fs.BoolVar(&o.resultsExplain, "results-explain", false, "add each deal's explanation in plain words to the -results file")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

var explainCommand = &command{
	name:    "explain",
	summary: "explain step by step what each deal of a deals file earned",
	usage:   "explain [flags] PROGRAM DEALS",
	about: `
Explain runs the deals as run does (see 'partnerops help run' for DEALS and
the flags they share), then prints, for each deal in run order (or only the
deal named by -deal), how the program treated it: the effective window,
each eligibility clause with the values it read, each earning's formula,
band, group and cap, the rounding and the total. The deals before the one
explained are run too, because they build the partner's totals.

A deal can be given without a deals file: on standard input ("-", with
-format), or on the command line with -input and only PROGRAM:

	partnerops explain -input '{"id": "D-1", "partner": {"id": "P-1", "tier": "gold"}, "amount": "12000.00", "close_date": "2026-11-03", "registered": true, "type": "new_business", "segment": "smb"}' examples/programs/q4-growth.yaml

With -json each explanation is printed as JSON, one per line.

In a chain of runs, give explain the -carried statement the run was given:
the budget it had used and its settlement carries change what a deal earns,
so without it a deal cut by the budget is explained as if the budget were
untouched.`,
	example: "partnerops explain -deal ACME-1011 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &runOptions{cmd: "explain"}
		o.define(fs)
		fs.StringVar(&o.deal, "deal", "", "explain only the deal with this `ID`")
		fs.StringVar(&o.carried, "carried", "", "start from the previous run's statement in `FILE` (its -output json), as run -carried does:\nthe budget_used and settlement carries it records change what deals earn, so a deal is explained as the chained\nrun paid it (the balances it carries change only the statement)")
		fs.BoolVar(&o.json, "json", false, "print each deal's result with its trace as JSON, one per line")
		fs.StringVar(&o.input, "input", "", "explain the deals of `JSON` (one object, or one per line, as in JSON Lines) instead of a DEALS file")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			if o.input != "" {
				if len(args) != 1 {
					return usageError(stderr, o.cmd, "with -input, give only the PROGRAM file, got %s", plural(len(args), "argument"))
				}
				if o.format != "" && o.format != formatJSONL {
					return usageError(stderr, o.cmd, "-input is JSON; -format %s does not apply", o.format)
				}
				o.format, o.stdinName = formatJSONL, "-input"
				old := stdin
				stdin = strings.NewReader(o.input)
				defer func() { stdin = old }()
				args = append(args, "-")
			}
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
	output  string
	carried string
	deal    string
	input   string
	// stdinName names standard input in messages: "stdin", or "-input"
	// when explain reads the deals given with -input.
	stdinName string
	format    string
	// formatFlag is the flag that sets format, for errors; "" means
	// -format.
	formatFlag     string
	columns        string
	columnsFile    string
	columnMap      map[string]string
	extraColumns   string
	onError        string
	sorted         bool
	checkIDs       bool
	rates          string
	sortLimit      int
	partners       string
	results        string
	resultsExplain bool
	// anyPartner lets a deal without a partner record through (diff,
	// sweep and chart, whose programs may not read one).
	anyPartner bool
	// skipDuplicates reports a repeated deal id and goes on even under
	// -on-error stop (diff, sweep and chart).
	skipDuplicates bool
}

// defaultSortLimit is how many deals are sorted in memory before the sort
// moves to disk.
const defaultSortLimit = 200_000

func (o *runOptions) define(fs *flag.FlagSet) {
	fs.StringVar(&o.asOf, "as-of", "", "decide claim-window expiry, and which held earnings have matured, as of `DATE`\n(YYYY-MM-DD, the start of that day in the program's time zone, or an RFC 3339 time);\ndefault: no expiry check, and everything under the program's hold is held")
	fs.StringVar(&o.program, "program", "", "run the program with this `ID` (its highest version) when PROGRAM holds several")
	fs.IntVar(&o.workers, "workers", 0, fmt.Sprintf("evaluate with `N` goroutines, at most %d; 0 means one per CPU (results do not depend on N)", maxWorkers))
	fs.StringVar(&o.format, "format", "", "read DEALS as `FORMAT`: csv, jsonl, json or yaml; default: from the extension")
	fs.StringVar(&o.columns, "columns", "", "map deal keys to CSV headers, as `LIST` key=Header,key=Header (e.g. amount=Amount USD);\nby default a column's header is its key")
	fs.StringVar(&o.columnsFile, "columns-file", "", "read the CSV column mapping from `FILE`, one key=Header a line (# starts a comment)")
	fs.StringVar(&o.extraColumns, "extra-columns", "error", "what to do with CSV columns that are not deal keys: `error` or ignore")
	fs.StringVar(&o.onError, "on-error", "continue", "after a deal in error, `continue` with the others or stop")
	fs.BoolVar(&o.sorted, "sorted", false, "the deals are already in (close time, id) order: stream them without sorting")
	fs.BoolVar(&o.checkIDs, "check-ids", true, "refuse a deal id seen earlier in the input; with -sorted this keeps a 64-bit hash of\neach id, about 7 bytes a deal and no garbage, and false keeps memory flatter (then only\na repeat of the previous deal is refused)")
	fs.IntVar(&o.sortLimit, "sort-limit", defaultSortLimit, "sort at most `N` deals in memory; more are sorted on disk")
	fs.StringVar(&o.rates, "rates", "", "convert deals in other currencies with the rates in `FILE` (YAML, or CSV when it ends in .csv;\nsee the rules reference, Currencies and rates)")
	fs.StringVar(&o.partners, "partners", "", "read partner records from `FILE` (.csv, .jsonl or .yaml): id, name, type, tier,\nregion, country, contacts")
}

// session is a program and its opened deals, ready to run.
type session struct {
	o        *runOptions
	program  *incentive.Program
	asOf     time.Time
	deals    *dealsInput
	partners *partnerBook
	rates    incentive.RateSource // from -rates, nil without
	c        counts
	names    map[string]string // partner names, for the statement
	stderr   io.Writer
	// stopped is set when the run ended early: -on-error stop, or an
	// input that could not be read to its end.
	stopped bool
	// chain links run to the previous run of a chain (-carried); nil
	// for the other commands.
	chain *runChain
}

// loadRates reads the -rates file, if any; it returns a non-negative exit
// code when it failed, having reported why.
func (o *runOptions) loadRates(stderr io.Writer) (incentive.RateSource, int) {
	if o.rates == "" {
		return nil, -1
	}
	src, err := readArg(o.rates, rules.MaxRatesFileSize)
	if err != nil {
		return nil, o.fileError(stderr, err)
	}
	table, _, err := rules.DecodeRates(o.rates, src)
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "partnerops %s: %s has errors (%s)\n", o.cmd, o.rates, plural(countErrors(err), "error"))
		return nil, exitFail
	}
	return table, -1
}

// prepare checks the arguments and flags, loads the program and the
// partners and opens the deals. It returns a non-negative exit code when
// it failed, having reported why.
func (o *runOptions) prepare(args []string, stderr io.Writer) (*session, int) {
	if len(args) != 2 {
		return nil, usageError(stderr, o.cmd, "want a PROGRAM file and a DEALS file, got %s", plural(len(args), "argument"))
	}
	if err := o.checkFlags(); err != nil {
		return nil, usageError(stderr, o.cmd, "%v", err)
	}
	asOf, err := parseAsOf(o.asOf)
	if err != nil {
		return nil, usageError(stderr, o.cmd, "%v", err)
	}
	progArg, dealsArg := args[0], args[1]
	if dealsArg != "-" {
		if _, err := os.Stat(dealsArg); err != nil {
			return nil, usageError(stderr, o.cmd, "cannot read %s: %v", dealsArg, pathErr(err))
		}
	}
	progSrc, err := readArg(progArg, rules.MaxFileSize)
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
	s := &session{o: o, program: p, stderr: stderr}
	if !asOf.IsZero() {
		s.asOf = asOf.at(p.Effective.Loc())
	}
	rates, code := o.loadRates(stderr)
	if code >= 0 {
		return nil, code
	}
	s.rates = rates
	if o.partners != "" {
		s.partners, err = loadPartners(o.partners, p)
		if err != nil {
			return nil, o.inputError(stderr, err)
		}
	}
	s.deals, err = o.openDeals(dealsArg, p)
	if err != nil {
		return nil, o.inputError(stderr, err)
	}
	return s, exitOK
}

// checkFlags checks the flags that need no file.
func (o *runOptions) checkFlags() error {
	if err := checkWorkers(o.workers); err != nil {
		return err
	}
	if o.onError != "continue" && o.onError != "stop" {
		return fmt.Errorf("-on-error must be continue or stop, got %q", o.onError)
	}
	if o.extraColumns != "error" && o.extraColumns != "ignore" {
		return fmt.Errorf("-extra-columns must be error or ignore, got %q", o.extraColumns)
	}
	if o.sortLimit < 1 {
		return fmt.Errorf("-sort-limit must be 1 or more, got %d", o.sortLimit)
	}
	if o.json {
		o.output = "json"
	}
	if o.cmd == "run" && o.output != "text" && o.output != "csv" && o.output != "json" {
		return fmt.Errorf("-output must be text, csv or json, got %q", o.output)
	}
	m, err := parseColumns(o.columns, o.columnsFile)
	if err != nil {
		return err
	}
	o.columnMap = m
	return nil
}

// inputError reports an error of a file named by an argument or a flag:
// a usage error (exit 2) when it is one, else bad input (exit 1).
func (o *runOptions) inputError(stderr io.Writer, err error) int {
	var ue *usageErr
	if errors.As(err, &ue) {
		return usageError(stderr, o.cmd, "%v", ue.err)
	}
	var tl *tooLargeError
	if errors.As(err, &tl) {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	var df *dealsFileErr
	if errors.As(err, &df) {
		fmt.Fprintln(stderr, df.err)
		fmt.Fprintf(stderr, "partnerops %s: %s has errors (%s)\n", o.cmd, df.name, plural(countErrors(df.err), "error"))
		return exitFail
	}
	var pe *partnersFileErr
	if errors.As(err, &pe) {
		fmt.Fprintln(stderr, pe.err)
		fmt.Fprintf(stderr, "partnerops %s: %s has errors\n", o.cmd, pe.name)
		return exitFail
	}
	fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
	return exitFail
}

// parseColumns reads -columns and -columns-file into a map of deal key to
// CSV header.
func parseColumns(list, file string) (map[string]string, error) {
	m := map[string]string{}
	add := func(where, entry string) error {
		key, header, ok := strings.Cut(entry, "=")
		key, header = strings.TrimSpace(key), strings.TrimSpace(header)
		if !ok || key == "" || header == "" {
			return fmt.Errorf("%s: want key=Header, got %q", where, entry)
		}
		if _, dup := m[key]; dup {
			return fmt.Errorf("%s: %s is mapped twice", where, key)
		}
		m[key] = header
		return nil
	}
	if file != "" {
		src, err := readArg(file, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("-columns-file: %w", err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := add(fmt.Sprintf("%s:%d", file, i+1), line); err != nil {
				return nil, err
			}
		}
	}
	if list != "" {
		for entry := range strings.SplitSeq(list, ",") {
			if err := add("-columns", entry); err != nil {
				return nil, err
			}
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
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

// report writes an error of the deal stream and counts it. It returns
// false when the run must stop.
func (s *session) report(err error) bool {
	var re *incentive.RowError
	var ee *incentive.EvalError
	switch {
	case errors.As(err, &re):
		fmt.Fprintln(s.stderr, err)
		if re.Final {
			s.stopped = true
			return false
		}
	case errors.As(err, &ee):
		s.c.failed++
		fmt.Fprintf(s.stderr, "partnerops %s: %v\n", s.o.cmd, err)
	default:
		fmt.Fprintf(s.stderr, "partnerops %s: %v\n", s.o.cmd, err)
		if errors.Is(err, incentive.ErrOutOfOrder) || errors.Is(err, context.Canceled) {
			s.stopped = true
			return false
		}
		if s.o.skipDuplicates && errors.Is(err, errDuplicateDeal) {
			return true
		}
	}
	if s.o.onError == "stop" {
		s.stopped = true
		return false
	}
	return true
}

// each runs the deals and calls fn with every deal's result; a deal in
// error is reported and skipped. run needs no explanations, so it runs
// without traces unless -results-explain asks; and it only aggregates the
// results (the statement, the settlements and the -results file copy
// what they keep), so each deal's result reuses the memory of an earlier
// one (incentive.RunOptions.ReuseResults): r is valid only until fn
// returns. fn returns false to stop.
func (s *session) each(ctx context.Context, fn func(r *incentive.Result) bool) {
	s.eachSettled(ctx, nil, fn)
}

// settlements returns a builder that the run settles the program's period
// settlements into (attached by eachSettled), or nil when the program has
// none.
func (s *session) settlements() (*incentive.SettlementBuilder, error) {
	if len(s.program.Settlements) == 0 {
		return nil, nil
	}
	ev, err := incentive.NewEvaluator(s.program)
	if err != nil {
		return nil, err
	}
	return ev.NewSettlements(), nil
}

// eachSettled is each with a SettlementBuilder attached to the run (nil:
// none), so that the program's per_partner caps and budget bind the
// true-ups (incentive.RunOptions.Settlements).
func (s *session) eachSettled(ctx context.Context, settle *incentive.SettlementBuilder, fn func(r *incentive.Result) bool) {
	defer s.deals.close()
	seq, ok := s.stream()
	if !ok {
		return
	}
	run := s.o.cmd == "run"
	opts := incentive.RunOptions{AsOf: s.asOf, Workers: s.o.workers, NoTrace: run && !s.o.resultsExplain, ReuseResults: run, Rates: s.rates, Settlements: settle}
	s.chain.options(&opts)
	seq = s.chain.watch(seq)
	p := newProgress(s.stderr, s.deals.size)
	defer p.done()
	for r, err := range incentive.Run(ctx, s.program, seq, opts) {
		if err != nil {
			if !s.report(err) {
				return
			}
			continue
		}
		s.c.evaluated++
		p.tick(int(s.c.read.Load()), s.deals.bytesRead())
		if !fn(r) {
			return
		}
	}
}

// stream is the deals in run order: decoded, checked (known partner, an id
// run once) and sorted, or checked for order with -sorted. Errors of the
// decoder and the checks come in the stream, in place; those met while
// sorting are reported already. ok is false when reading stopped.
func (s *session) stream() (iter.Seq2[incentive.Input, error], bool) {
	s.names = map[string]string{}
	dc := &dealCheck{partners: s.partners, c: &s.c, names: s.names, noIDs: !s.o.checkIDs && s.o.sorted, anyPartner: s.o.anyPartner,
		payees: splitPayeeFields(s.program), loc: s.program.Effective.Loc()}
	if !s.asOf.IsZero() {
		dc.asOf = incentive.DateOf(s.asOf.In(dc.loc))
	}
	if s.partners != nil {
		// Every partner a deal may name is in the file, with its name:
		// the names are looked up once per partner on the statement
		// in run, not recorded deal by deal.
		dc.names = nil
	}
	seq := dc.wrap(s.deals.decode(s.program, s.o))
	if s.o.sorted {
		s.c.sortNote = "streamed in (close time, id) order as given (-sorted)"
		return inOrder(seq), true
	}
	return s.sortDeals(seq)
}

// summary writes the summary line and returns the exit code of the run.
func (s *session) summary() int {
	bad := int(s.c.bad.Load()) + s.c.failed
	fmt.Fprintf(s.stderr, "partnerops %s: %s read, %d evaluated, %d in error", s.o.cmd, plural(int(s.c.read.Load()), "deal"), s.c.evaluated, bad)
	if s.c.sortNote != "" {
		fmt.Fprintf(s.stderr, "; %s", s.c.sortNote)
	}
	if s.stopped {
		fmt.Fprintf(s.stderr, "; stopped early, no statement")
	}
	fmt.Fprintln(s.stderr)
	if bad > 0 || s.stopped {
		return exitFail
	}
	return exitOK
}

func (o *runOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	s, code := o.prepare(args, stderr)
	if s == nil {
		return code
	}
	settle, err := s.settlements()
	if err != nil {
		s.deals.close()
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	cf, c := o.carryIn(s, settle, stderr)
	if cf == nil {
		return c
	}
	carried, held := cf.amounts, cf.held
	sb, err := incentive.NewStatement(s.program, nil)
	if err != nil {
		s.deals.close()
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	sb.CarryIn(func(id, bucket string) decimal.Decimal { return carried[id][bucket] })
	if held != nil {
		var asOf incentive.Date
		if !s.asOf.IsZero() {
			asOf = incentive.DateOf(s.asOf.In(s.program.Effective.Loc()))
		}
		if err := sb.CarryHeld(held, asOf); err != nil {
			s.deals.close()
			fmt.Fprintf(stderr, "partnerops %s: %s: %v\n", o.cmd, o.carried, err)
			return exitFail
		}
	}
	var rw *resultsWriter
	if o.results != "" {
		rw, err = newResultsWriter(o.results, s.program, o.resultsExplain)
		if err != nil {
			s.deals.close()
			return usageError(stderr, o.cmd, "%v", err)
		}
	}
	// A partner who carries an amount in is on the statement even without
	// deals in this run.
	sb.Include(sortedKeys(carried)...)
	// Such a partner is paid by the method its -partners record names (its
	// minimum and fee), else by the one the previous statement names, as
	// with deals; a result of its own names it again.
	for _, id := range append(sortedKeys(carried), sortedKeys(held)...) {
		m := cf.methods[id]
		if s.partners != nil {
			if p, ok := s.partners.byID[id]; ok && p.Payment != nil && p.Payment.Method != "" {
				m = p.Payment.Method
			}
		}
		if m != "" {
			sb.SetPaymentMethod(id, m)
		}
	}
	var addErr error
	s.eachSettled(ctx, settle, func(r *incentive.Result) bool {
		// A split payee other than the deal's partner is paid by the
		// method its own record names (the result names the deal
		// partner's only).
		for _, sh := range r.Shares {
			if s.partners == nil || sh.PartnerID == r.PartnerID {
				continue
			}
			if p, ok := s.partners.byID[sh.PartnerID]; ok && p.Payment != nil && p.Payment.Method != "" {
				sb.SetPaymentMethod(sh.PartnerID, p.Payment.Method)
			}
		}
		if addErr = sb.Add(r); addErr != nil {
			return false
		}
		if rw != nil {
			addErr = rw.write(r)
		}
		return addErr == nil
	})
	// Periods settle as of -as-of, else as of the last deal's close: after
	// the run, for those that end after its last deal (the run settled
	// the others as it went, inside the caps).
	var settled []incentive.SettlementLine
	var settledAt incentive.Date
	if settle != nil && addErr == nil && !s.stopped {
		settledAt = settle.Last()
		if !s.asOf.IsZero() {
			settledAt = incentive.DateOf(s.asOf.In(s.program.Effective.Loc()))
		}
		settled = settle.Settle(settledAt)
		if rw != nil {
			addErr = rw.writeSettlements(settled)
		}
	}
	if rw != nil {
		if err := rw.close(); err != nil && addErr == nil {
			addErr = err
		}
	}
	for _, w := range capPeriodWarnings(o.carried, cf.chain, s.program, s.chain.firstDay(s.program)) {
		fmt.Fprintf(stderr, "partnerops %s: warning: %s\n", o.cmd, w)
	}
	s.warnOpen(o.cmd, stderr)
	if addErr != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, addErr)
		s.summary()
		return exitFail
	}
	code = s.summary()
	if s.stopped {
		return code
	}
	if settle != nil {
		if err := sb.AddSettlements(settled); err != nil {
			fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
			return exitFail
		}
		// What the next run continues from (-carried reads it back).
		if err := sb.AddSettlementCarries(settle.Carries(settledAt)); err != nil {
			fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
			return exitFail
		}
	}
	st := sb.Statement()
	if used, ok := s.chain.budgetUsed(settle, settledAt); ok {
		// What the next run's budget starts from (-carried reads it).
		m := incentive.NewMoney(used, s.program.Currency)
		st.BudgetUsed = &m
	}
	if s.partners != nil {
		// The names of the partners on the statement, from the file:
		// those of its deals (resolved from it), of split payees (which
		// must be in it) and of those who only carry an amount in.
		for _, ps := range st.Partners {
			if name := s.partners.byID[ps.PartnerID].Name; name != "" {
				s.names[ps.PartnerID] = name
			}
		}
	}
	var out bytes.Buffer
	if err := writeStatement(&out, o.output, st, s.program, s.asOf, s.names); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	return code
}

// carryIn reads the -carried file and starts the run from what it
// carries that changes what deals earn: the budget's use (s.chain) and
// the settlement carries (settle, when the program settles). run then
// carries the balances, holds and payment methods onto its statement;
// explain needs only these, so that a deal is explained as the chained
// run paid it. A nil carriedFile means the command is over, with the
// exit code returned (the deals closed, the error written).
func (o *runOptions) carryIn(s *session, settle *incentive.SettlementBuilder, stderr io.Writer) (*carriedFile, int) {
	cf, c, err := o.readCarried(s.program)
	if err != nil {
		s.deals.close()
		if c == exitUsage {
			return nil, usageError(stderr, o.cmd, "%v", err)
		}
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, oneLine(err.Error()))
		return nil, c
	}
	if cf.warn != "" {
		fmt.Fprintf(stderr, "partnerops %s: warning: %s\n", o.cmd, cf.warn)
	}
	s.chain = &runChain{in: cf.chain}
	if w := cf.chain.budgetWarning(o.carried, s.program); w != "" {
		fmt.Fprintf(stderr, "partnerops %s: warning: %s\n", o.cmd, w)
	}
	if settle != nil {
		if err := settle.CarryIn(cf.settlements); err != nil {
			s.deals.close()
			fmt.Fprintf(stderr, "partnerops %s: %s: %v\n", o.cmd, o.carried, err)
			return nil, exitFail
		}
	} else if len(cf.settlements) > 0 {
		s.deals.close()
		fmt.Fprintf(stderr, "partnerops %s: %s carries settlement %q of partner %s, but program %s v%d settles nothing\n",
			o.cmd, o.carried, cf.settlements[0].Settlement, cf.settlements[0].PartnerID, s.program.ID, s.program.Version)
		return nil, exitFail
	}
	return cf, exitOK
}

// carriedFile is what a -carried file brings in.
type carriedFile struct {
	amounts     carriedIn
	held        map[string][]incentive.HeldAmount
	settlements []incentive.SettlementCarry
	// chain is what a statement carries of the running counts.
	chain chainIn
	// methods are the partners' payment methods a previous statement
	// names, for partners with no -partners record.
	methods map[string]partner.PaymentMethod
	// warn is set when the file is a statement of another version of the
	// program.
	warn string
}

// readCarried reads the -carried file. A file that cannot be read is a
// usage error; a malformed one fails. The result is never nil.
func (o *runOptions) readCarried(p *incentive.Program) (*carriedFile, int, error) {
	cf := &carriedFile{}
	if o.carried == "" {
		return cf, exitOK, nil
	}
	src, err := readArg(o.carried, rules.MaxDealsFileSize)
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return cf, exitFail, err
	}
	if err != nil {
		return cf, exitUsage, err
	}
	// A statement of another program carries nothing into this one.
	if cf.settlements, cf.warn, err = settlementFromStatement(o.carried, src, p); err != nil {
		return cf, exitFail, err
	}
	if cf.chain, err = chainFromStatement(o.carried, src, p); err != nil {
		return cf, exitFail, err
	}
	m, err := parseCarried(o.carried, src, p.Currency, p.Rounding.Places(p.Currency))
	if err == nil {
		err = m.check(o.carried, p)
	}
	if err != nil {
		return cf, exitFail, err
	}
	cf.amounts = m
	if cf.held, err = heldFromStatement(o.carried, src, p.Currency, p.Rounding.Places(p.Currency)); err != nil {
		return cf, exitFail, err
	}
	cf.methods, err = methodsFromStatement(o.carried, src)
	return cf, exitFail, err
}

func (o *runOptions) explain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	s, code := o.prepare(args, stderr)
	if s == nil {
		return code
	}
	var out bytes.Buffer
	found := false
	var ids []string // the ids seen, for a suggestion when -deal is not found
	// The program's true-ups are paid in the run as run pays them, so
	// that a deal's explanation counts what they used of the caps.
	settle, err := s.settlements()
	if err != nil {
		s.deals.close()
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	cf, c := o.carryIn(s, settle, stderr)
	if cf == nil {
		return c
	}
	s.eachSettled(ctx, settle, func(r *incentive.Result) bool {
		if o.deal != "" && r.DealID != o.deal {
			if len(ids) < 100_000 {
				ids = append(ids, r.DealID)
			}
			return true
		}
		found = true
		if o.json {
			b, err := json.Marshal(r)
			if err != nil {
				fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
				return false
			}
			out.Write(b)
			out.WriteByte('\n')
			return o.deal == ""
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
	})
	if o.deal != "" && !found && !s.stopped {
		return usageError(stderr, o.cmd, "no deal %q in %s%s", o.deal, s.deals.name, suggestWord(o.deal, ids))
	}
	for _, w := range capPeriodWarnings(o.carried, cf.chain, s.program, s.chain.firstDay(s.program)) {
		fmt.Fprintf(stderr, "partnerops %s: warning: %s\n", o.cmd, w)
	}
	if c := s.summary(); c != exitOK {
		code = c
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", o.cmd, err)
		return exitFail
	}
	return code
}
