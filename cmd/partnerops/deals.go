package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
)

// stdin is what "-" reads; tests replace it.
var stdin io.Reader = os.Stdin

// Deals file formats.
const (
	formatYAML  = "yaml"
	formatCSV   = "csv"
	formatJSONL = "jsonl"
	formatJSON  = "json"
)

var dealFormats = []string{formatYAML, formatCSV, formatJSONL, formatJSON}

// dealFormat picks the format of a deals file: the -format flag, else the
// file's extension. flagName is the flag that names the format in errors
// ("-format" for run, "-deals-format" for diff, sweep and chart, whose
// -format names the output), or "" for a file no flag can describe (a
// partners file), which must say its format by its extension.
func dealFormat(name, flagValue, flagName string) (string, error) {
	if flagValue != "" {
		if !slices.Contains(dealFormats, flagValue) {
			return "", fmt.Errorf("unknown %s %q; want one of %s", flagName, flagValue, strings.Join(dealFormats, ", "))
		}
		return flagValue, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return formatYAML, nil
	case ".csv":
		return formatCSV, nil
	case ".jsonl", ".ndjson":
		return formatJSONL, nil
	case ".json":
		return formatJSON, nil
	}
	if flagName == "" {
		return "", fmt.Errorf("cannot tell the format of %s from its extension; name it .csv, .jsonl or .yaml", name)
	}
	if name == "-" {
		return "", fmt.Errorf("reading deals from standard input needs %s (csv, jsonl, json or yaml)", flagName)
	}
	return "", fmt.Errorf("cannot tell the format of %s from its extension; give %s (csv, jsonl, json or yaml)", name, flagName)
}

// dealsInput is an opened deals file.
type dealsInput struct {
	name   string // as named on the command line; "stdin" for "-"
	format string
	r      io.Reader
	size   int64 // bytes, when known (a regular file); 0 otherwise
	close  func() error
	// yaml holds the decoded deals of a YAML file, read whole.
	yaml []incentive.Input
	// counter counts the bytes read, for the progress line.
	counter *countingReader
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// bytesRead is how far the deals were read, or 0.
func (in *dealsInput) bytesRead() int64 {
	if in.counter == nil {
		return 0
	}
	return in.counter.n.Load()
}

// openDeals opens the deals argument. A YAML file is read whole (it is
// for small hand-written sets and keeps its size limit); the other formats
// stream, so any size is fine and a pipe or FIFO is too.
func (o *runOptions) openDeals(arg string, p *incentive.Program) (*dealsInput, error) {
	in := &dealsInput{name: arg, close: func() error { return nil }}
	var st os.FileInfo
	if arg == "-" {
		in.name = cmp.Or(o.stdinName, "stdin")
	} else {
		var err error
		st, err = os.Stat(arg)
		if err != nil {
			return nil, &usageErr{fmt.Errorf("cannot read %s: %w", arg, pathErr(err))}
		}
		if st.IsDir() {
			return nil, &usageErr{fmt.Errorf("%s is a directory; name a file", arg)}
		}
		if st.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeSocket) != 0 {
			return nil, &usageErr{fmt.Errorf("cannot read %s: %w (%s)", arg, errNotRegular, fileKind(st.Mode()))}
		}
	}
	format, err := dealFormat(arg, o.format, o.formatFlagName())
	if err != nil {
		return nil, &usageErr{err}
	}
	in.format = format
	var r io.Reader = stdin
	if st != nil {
		if format == formatYAML && st.Mode().IsRegular() && st.Size() > rules.MaxDealsFileSize {
			return nil, &tooLargeError{arg, st.Size(), rules.MaxDealsFileSize}
		}
		f, err := os.Open(arg)
		if err != nil {
			return nil, &usageErr{fmt.Errorf("cannot read %s: %w", arg, pathErr(err))}
		}
		if st.Mode().IsRegular() {
			in.size = st.Size()
		}
		in.close = f.Close
		r = f
	}
	if format == formatYAML {
		defer in.close()
		src, err := readLimited(in.name, r, rules.MaxDealsFileSize)
		if err != nil {
			return nil, err
		}
		in.yaml, err = rules.DecodeDeals(in.name, src, p)
		if err != nil {
			return nil, &dealsFileErr{in.name, err}
		}
		return in, nil
	}
	in.counter = &countingReader{r: r}
	in.r = bufio.NewReaderSize(in.counter, 256<<10)
	return in, nil
}

// formatFlagName is the flag that names the deals' format: -format for
// run, -deals-format for the commands whose -format is the output's.
func (o *runOptions) formatFlagName() string {
	if o.formatFlag != "" {
		return o.formatFlag
	}
	return "-format"
}

// usageErr marks an error as a command-line mistake (exit 2).
type usageErr struct{ err error }

func (e *usageErr) Error() string { return e.err.Error() }
func (e *usageErr) Unwrap() error { return e.err }

// dealsFileErr is a YAML deals file with errors: nothing is run.
type dealsFileErr struct {
	name string
	err  error
}

func (e *dealsFileErr) Error() string { return e.err.Error() }
func (e *dealsFileErr) Unwrap() error { return e.err }

// decode returns the deals of the input as a stream.
func (in *dealsInput) decode(p *incentive.Program, o *runOptions) iter.Seq2[incentive.Input, error] {
	opts := incentive.DecodeOptions{Name: in.name, Columns: o.columnMap, IgnoreUnknown: o.extraColumns == "ignore"}
	switch in.format {
	case formatCSV:
		return incentive.DecodeCSV(in.r, p, opts)
	case formatJSONL:
		return incentive.DecodeJSONLines(in.r, p, opts)
	case formatJSON:
		return incentive.DecodeJSON(in.r, p, opts)
	}
	return func(yield func(incentive.Input, error) bool) {
		for _, d := range in.yaml {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// counts are the figures of the summary line.
type counts struct {
	// read and bad are counted on the goroutine that reads the deals,
	// which incentive.Run may run beside the caller's.
	read      atomic.Int64 // rows read, good or bad
	bad       atomic.Int64 // rows that could not be decoded or were refused
	evaluated int          // deals evaluated
	failed    int          // deals whose evaluation failed
	sortNote  string
	// noRecord counts the deals let through without a partner record
	// (anyPartner), noRecordFirst names the first as "D-1 (partner P-1)".
	noRecord      atomic.Int64
	noRecordFirst atomic.Pointer[string]
	// open counts the deals that close after the run's as-of day (a
	// forecast, not yet a sale), openFirst names the first read as "D-1
	// on 2026-12-17".
	open      atomic.Int64
	openFirst atomic.Pointer[string]
}

// dealCheck is what the command adds to the decoded stream: every deal
// needs a known partner, and a deal id is run once.
type dealCheck struct {
	partners *partnerBook
	seen     idSet
	c        *counts
	// names are the partners' names, for the statement: memory grows
	// with the partners, not the deals. Nil with a partners file, which
	// has every name (run looks them up for the statement).
	names map[string]string
	// noIDs skips the set of ids seen (-check-ids=false with -sorted).
	noIDs bool
	// anyPartner accepts a deal whose partner has no record.
	anyPartner bool
	// payees are the custom fields naming split payees (deal.referrer):
	// with a partners file, the partner each names must be in it.
	payees []string
	// asOf is the run's as-of day in the program's time zone loc (zero
	// without -as-of): a deal closing after it is counted (counts.open).
	asOf incentive.Date
	loc  *time.Location
}

// splitPayeeFields lists the custom fields the program's splits pay
// through, each once.
func splitPayeeFields(p *incentive.Program) []string {
	var out []string
	add := func(s *incentive.Split) {
		if s == nil {
			return
		}
		for _, py := range s.Payees {
			if py.Field != "" && !slices.Contains(out, py.Field) {
				out = append(out, py.Field)
			}
		}
	}
	add(p.Split)
	for i := range p.Earnings {
		add(p.Earnings[i].Split)
	}
	return out
}

// wrap checks each decoded deal; a refused deal becomes an error in its
// place, so that it is reported in order and counted.
func (dc *dealCheck) wrap(seq iter.Seq2[incentive.Input, error]) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		for in, err := range seq {
			dc.c.read.Add(1)
			if err == nil {
				err = dc.check(&in)
			}
			if err == nil && !dc.asOf.IsZero() {
				if day := incentive.DateOf(in.Deal.CloseDate.In(dc.loc)); day.After(dc.asOf) && dc.c.open.Add(1) == 1 {
					first := in.Deal.ID + " on " + day.String()
					dc.c.openFirst.Store(&first)
				}
			}
			if err == nil && dc.names != nil && in.Partner.Name != "" && dc.names[in.Partner.ID] == "" {
				dc.names[in.Partner.ID] = in.Partner.Name
			}
			if err != nil {
				dc.c.bad.Add(1)
				if !yield(incentive.Input{}, err) {
					return
				}
				continue
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// errDuplicateDeal: a deal id appears a second time.
var errDuplicateDeal = errors.New("listed more than once")

// check resolves the deal's partner and refuses a repeated deal id.
func (dc *dealCheck) check(in *incentive.Input) error {
	if !dc.noIDs && !dc.seen.add(in.Deal.ID) {
		return fmt.Errorf("deal %s is %w; only its first entry is run", in.Deal.ID, errDuplicateDeal)
	}
	if dc.partners != nil {
		if err := dc.partners.resolve(in); err != nil {
			return err
		}
		// A split pays the partner a deal field names: it must be one
		// the partners file knows, as the deal's own partner must.
		for _, f := range dc.payees {
			id, _ := in.Deal.Fields[f].(string)
			if id == "" {
				continue
			}
			p, ok := dc.partners.byID[id]
			if !ok {
				return fmt.Errorf("deal %s: split payee deal.%s: %w %s: not in %s%s", in.Deal.ID, f, errUnknownPartner, id, dc.partners.name, suggestWord(id, dc.partners.ids))
			}
			if p.Name != "" && dc.names != nil && dc.names[id] == "" {
				dc.names[id] = p.Name
			}
		}
		return nil
	}
	pt := in.Partner
	if pt.Name == "" && pt.Tier == "" && pt.Type == "" && pt.Region == "" && pt.Country == "" && len(pt.Contacts) == 0 {
		if !dc.anyPartner {
			return fmt.Errorf("deal %s: partner %s has no record (tier, type, region...): give -partners FILE, or the partner's attributes with the deal", in.Deal.ID, in.Deal.PartnerID)
		}
		if dc.c.noRecord.Add(1) == 1 {
			first := in.Deal.ID + " (partner " + in.Deal.PartnerID + ")"
			dc.c.noRecordFirst.Store(&first)
		}
	}
	return nil
}

// compareDeals is the order incentive.Run requires: close time, then id.
func compareDeals(a, b *incentive.Input) int {
	return incentive.CompareDeals(&a.Deal, &b.Deal)
}

// inOrder passes a stream that must be sorted, ending it with an error at
// the first deal out of order.
func inOrder(seq iter.Seq2[incentive.Input, error]) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		// Only the previous deal's key is kept: a copy of the whole input
		// a deal was a memmove of several hundred bytes for two fields.
		var prev incentive.Deal
		have := false
		for in, err := range seq {
			if err == nil {
				if have && incentive.CompareDeals(&prev, &in.Deal) > 0 {
					yield(incentive.Input{}, fmt.Errorf("%w: deal %s (closed %s) comes after deal %s (closed %s); -sorted needs the deals in (close time, id) order: drop -sorted to have them sorted",
						incentive.ErrOutOfOrder, in.Deal.ID, in.Deal.CloseDate.Format("2006-01-02T15:04:05Z07:00"), prev.ID, prev.CloseDate.Format("2006-01-02T15:04:05Z07:00")))
					return
				}
				prev.ID, prev.CloseDate, have = in.Deal.ID, in.Deal.CloseDate, true
			}
			if !yield(in, err) {
				return
			}
		}
	}
}

// defineDealsFlags defines how diff, sweep and chart read DEALS: the
// flags run has for it, with -deals-format for run's -format (their
// -format names the output).
func (o *runOptions) defineDealsFlags(fs *flag.FlagSet) {
	o.onError = "stop"
	o.anyPartner = true
	o.skipDuplicates = true
	o.formatFlag = "-deals-format"
	fs.StringVar(&o.format, "deals-format", "", "read DEALS as `FORMAT`: csv, jsonl, json or yaml; default: from the extension")
	fs.StringVar(&o.columns, "columns", "", "map deal keys to CSV headers, as `LIST` key=Header,key=Header, as run does")
	fs.StringVar(&o.columnsFile, "columns-file", "", "read the CSV column mapping from `FILE`, one key=Header a line")
	fs.StringVar(&o.extraColumns, "extra-columns", "error", "what to do with CSV columns that are not deal keys: `error` or ignore")
	fs.BoolVar(&o.sorted, "sorted", false, "the deals are already in (close time, id) order: stream them without sorting")
	fs.IntVar(&o.sortLimit, "sort-limit", defaultSortLimit, "sort at most `N` deals in memory; more are sorted on disk")
	fs.StringVar(&o.partners, "partners", "", "read partner records from `FILE` (.csv, .jsonl or .yaml), as run does")
	fs.StringVar(&o.rates, "rates", "", "convert deals in other currencies with the rates in `FILE` (YAML, or CSV when it ends in .csv), as run does")
	o.checkIDs = true
}

// openDealsFor opens the deals argument of diff, sweep or chart through
// the reader run uses: the format from the extension or -deals-format,
// CSV, JSON Lines and JSON streamed, YAML checked whole; partner records
// from -partners; a deal id run once; deals sorted, in memory or on disk,
// or streamed with -sorted. p is the program the deals are decoded for
// (its custom fields). It returns a non-negative exit code when it failed,
// having reported why. A row in error stops the command (as a YAML file
// with errors does); a repeated deal id is reported and left out.
func (o *runOptions) openDealsFor(cmd string, p *incentive.Program, dealsArg string, stderr io.Writer) (*session, int) {
	o.cmd = cmd
	if err := o.checkFlags(); err != nil {
		return nil, usageError(stderr, cmd, "%v", err)
	}
	s := &session{o: o, program: p, stderr: stderr}
	rates, code := o.loadRates(stderr)
	if code >= 0 {
		return nil, code
	}
	s.rates = rates
	if o.partners != "" {
		book, err := loadPartners(o.partners, p)
		if err != nil {
			return nil, o.inputError(stderr, err)
		}
		s.partners = book
	}
	in, err := o.openDeals(dealsArg, p)
	if err != nil {
		return nil, o.inputError(stderr, err)
	}
	s.deals = in
	return s, exitOK
}

// goodDeals is the stream of good deals in run order; the errors met on the
// way are reported and counted, and stop the stream unless they are
// repeated ids. It closes the input when the stream ends; s.stopped and
// s.code() tell how it went once it has ended.
func (s *session) goodDeals() iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		defer s.deals.close()
		seq, ok := s.stream()
		if !ok {
			return
		}
		for in, err := range seq {
			if err != nil {
				if !s.report(err) {
					return
				}
				continue
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// collect reads every good deal into memory, in run order (sweep and
// chart run them more than once). ok is false when reading stopped.
func (s *session) collect() (inputs []incentive.Input, ok bool) {
	for in := range s.goodDeals() {
		inputs = append(inputs, in)
	}
	return inputs, !s.stopped
}

// readsPartner reports whether a program's terms read the partner's
// record: an expression reading partner.* (directly or through a named
// value), or a payee that is one of the partner's contacts. A condition or
// formula that does not say what it reads may read it.
func readsPartner(p *incentive.Program) bool {
	if p.Payee != "" && p.Payee != incentive.PayeePartner {
		return true
	}
	reads := func(x any) bool {
		if x == nil {
			return false
		}
		d, ok := x.(incentive.Describer)
		if !ok {
			return true
		}
		for _, r := range d.Reads() {
			if strings.HasPrefix(r, "partner.") {
				return true
			}
		}
		return false
	}
	for _, c := range p.Eligibility {
		if c.When != nil && reads(c.When) {
			return true
		}
	}
	for _, e := range p.Earnings {
		if (e.When != nil && reads(e.When)) || (e.Amount != nil && reads(e.Amount)) ||
			(e.Bands != nil && e.Bands.Measure != nil && reads(e.Bands.Measure)) {
			return true
		}
	}
	for _, c := range p.Caps {
		if c.LimitFormula != nil && reads(c.LimitFormula) {
			return true
		}
	}
	return false
}

// warnNoRecord says, once the deals have been read, how many were let
// through without a partner record when a program's terms read one
// (readsPartner): diff, sweep and chart accept such deals (their programs
// may not read a record), but terms that read partner.tier or the like
// then see none, and nothing else would say so.
func (s *session) warnNoRecord(cmd string, stderr io.Writer, ps ...*incentive.Program) {
	n := s.c.noRecord.Load()
	if n == 0 || !slices.ContainsFunc(ps, readsPartner) {
		return
	}
	first := ""
	if f := s.c.noRecordFirst.Load(); f != nil {
		first = *f
	}
	verb := "name"
	if n == 1 {
		verb = "names"
	}
	fmt.Fprintf(stderr, "partnerops %s: warning: %s %s a partner without a record (tier, type, region...), the first %s: they are evaluated with none; give -partners FILE, or the partners' attributes with the deals\n",
		cmd, plural(int(n), "deal"), verb, first)
}

// warnOpen says, once the deals have been read, how many close after the
// run's as-of day: they are evaluated as if closed (a statement over a
// forecast), where the ledger claims a deal only once it has closed
// (ledger.ErrNotClosed), so the two disagree until then.
func (s *session) warnOpen(cmd string, stderr io.Writer) {
	n := s.c.open.Load()
	if n == 0 {
		return
	}
	first := ""
	if f := s.c.openFirst.Load(); f != nil {
		first = *f
	}
	verb, which := "close", first+" among them"
	if n == 1 {
		verb, which = "closes", first
	}
	fmt.Fprintf(stderr, "partnerops %s: warning: %s %s after the as-of day %s (%s): counted as if closed; the ledger claims a deal only once it has closed\n",
		cmd, plural(int(n), "deal"), verb, incentive.DateOf(s.asOf.In(s.program.Effective.Loc())), which)
}

// code is the exit code of reading the deals: exitFail after any deal in
// error, else exitOK.
func (s *session) code() int {
	if s.stopped || s.c.bad.Load() > 0 || s.c.failed > 0 {
		return exitFail
	}
	return exitOK
}
