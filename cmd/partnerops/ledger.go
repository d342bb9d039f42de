package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/pgstore"
	"github.com/partnerops/partnerops/incentive/ledger/sqlitestore"
	"github.com/partnerops/partnerops/internal/sqlledger"
	"github.com/partnerops/partnerops/rules"
)

// defaultDB is the ledger database of the ledger subcommands.
const defaultDB = "sqlite:partnerops.db"

var ledgerCommand = &command{
	name:    "ledger",
	summary: "record accruals, approve, pay and audit claims in a ledger database",
	usage:   "ledger [-db URL] init|accrue|claims|approve|reject|pay|statement|verify|export [flags] [arguments]",
	about: `
The ledger subcommands keep claims, approvals and payments in a database:
-db sqlite:FILE (the default, sqlite:partnerops.db in the working directory,
created when absent: nothing to install) or postgres://USER@HOST/DB (for
several service instances on one database). Every operation is one
transaction: an error leaves nothing half-written.

  init                       create the database (or bring its schema up to date)
  accrue PROGRAM DEALS       evaluate every deal and record its claim; run again, it
                             records nothing twice (one claim per deal and program version)
  claims                     list claims (-state, -partner, -program; -json)
  approve CLAIM... | -all    approve the current step of pending claims as -actor (-role)
  reject CLAIM...            reject pending claims as -actor with a -reason
  pay -batch ID              gather what is payable as of -as-of into a batch and mark it
                             paid (-open leaves it open); the same -batch never pays twice
  statement                  each partner's position from the entries (-partner, -through)
  verify                     replay the hash chain, rebuild the balances, re-evaluate accruals
  export                     the audit trail as -format csv or json (-o FILE)

Programs are stored in the database by content hash when accrued, so later
commands know the exact terms every claim was evaluated under. Without an
-as-of date, the current time is used.`,
	example: "partnerops ledger accrue -as-of 2026-12-15 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &ledgerOptions{}
		fs.StringVar(&o.db, "db", defaultDB, "the ledger database: sqlite:`FILE` or postgres://...")
		fs.StringVar(&o.asOf, "as-of", "", "the `DATE` (YYYY-MM-DD) or RFC 3339 time the operation happens at; default now")
		fs.StringVar(&o.actor, "actor", "", "who acts (recorded with every entry); default $USER")
		fs.StringVar(&o.program, "program", "", "accrue: the program `ID` in a file of several; claims: only this program")
		fs.StringVar(&o.partner, "partner", "", "claims, statement, export: only this partner `ID`")
		fs.StringVar(&o.state, "state", "", "claims: only these `STATES`, comma-separated (pending_approval, payable, paid, ...)")
		fs.StringVar(&o.role, "role", ledger.RoleManager, "approve: the `ROLE` approved as (manager, finance)")
		fs.StringVar(&o.reason, "reason", "", "approve, reject: the `TEXT` recorded with the decision (required to reject)")
		fs.BoolVar(&o.all, "all", false, "approve: every claim pending approval")
		fs.StringVar(&o.batch, "batch", "", "pay: the batch `ID` (running it again pays nothing twice)")
		fs.BoolVar(&o.open, "open", false, "pay: leave the batch open (not marked paid)")
		fs.StringVar(&o.through, "through", "", "statement: count entries effective on or before `DATE`")
		fs.StringVar(&o.format, "format", "csv", "export: `csv` or json")
		fs.StringVar(&o.out, "o", "", "export: write to `FILE` instead of standard output")
		fs.BoolVar(&o.json, "json", false, "claims, statement, pay, verify: print JSON")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			o.set = map[string]bool{}
			fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

type ledgerOptions struct {
	db, asOf, actor, program, partner, state, role, reason, batch, through, format, out string
	all, open, json                                                                     bool
	set                                                                                 map[string]bool
}

// ledgerFlags are the flags each subcommand accepts besides -db, -as-of
// and -actor.
var ledgerFlags = map[string][]string{
	"init":      {},
	"accrue":    {"program"},
	"claims":    {"program", "partner", "state", "json"},
	"approve":   {"role", "reason", "all", "json"},
	"reject":    {"reason", "json"},
	"pay":       {"batch", "open", "json"},
	"statement": {"partner", "through", "json"},
	"verify":    {"json"},
	"export":    {"partner", "program", "format", "o"},
}

// archive is what the SQL stores add to ledger.Store: the program sources.
type archive interface {
	ledger.Store
	SaveProgram(ctx context.Context, p sqlledger.ProgramSource) error
	Programs(ctx context.Context) ([]sqlledger.ProgramSource, error)
}

// openLedgerDB opens the database named by -db.
func openLedgerDB(ctx context.Context, db string) (archive, func(), error) {
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		s, err := sqlitestore.Open(ctx, strings.TrimPrefix(db, "sqlite:"), sqlitestore.Options{})
		if err != nil {
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		s, err := pgstore.Open(ctx, db)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
	return nil, nil, fmt.Errorf("%w: -db %q: want sqlite:FILE or postgres://...", ledger.ErrInvalid, db)
}

// ledgerSession is an open ledger with every stored program registered.
type ledgerSession struct {
	o     *ledgerOptions
	store archive
	l     *ledger.Ledger
	now   time.Time
	actor string
}

func (o *ledgerOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "ledger", "want a subcommand: init, accrue, claims, approve, reject, pay, statement, verify or export")
	}
	sub, args := args[0], args[1:]
	allowed, ok := ledgerFlags[sub]
	if !ok {
		return usageError(stderr, "ledger", "unknown subcommand %q", sub)
	}
	for name := range o.set {
		if name != "db" && name != "as-of" && name != "actor" && !slices.Contains(allowed, name) {
			return usageError(stderr, "ledger", "-%s does not apply to %s", name, sub)
		}
	}
	cmd := "ledger " + sub
	now := time.Now()
	var asOf asOfValue
	if o.asOf != "" {
		var err error
		if asOf, err = parseAsOf(o.asOf); err != nil {
			return usageError(stderr, "ledger", "%v", err)
		}
		now = asOf.at(time.UTC).Add(12 * time.Hour)
		if !asOf.instant.IsZero() {
			now = asOf.instant
		}
	}
	actor := o.actor
	if actor == "" {
		actor = os.Getenv("USER")
	}
	if actor == "" {
		actor = "partnerops"
	}
	// Arguments are checked before the database is opened.
	switch sub {
	case "init", "claims", "pay", "statement", "verify", "export":
		if len(args) > 0 {
			return usageError(stderr, "ledger", "%s takes no arguments, got %q", sub, args[0])
		}
	case "accrue":
		if len(args) != 2 {
			return usageError(stderr, "ledger", "accrue wants a PROGRAM file and a DEALS file, got %s", plural(len(args), "argument"))
		}
	case "approve":
		if len(args) == 0 && !o.all || len(args) > 0 && o.all {
			return usageError(stderr, "ledger", "approve wants claim IDs or -all")
		}
	case "reject":
		if len(args) == 0 || o.reason == "" {
			return usageError(stderr, "ledger", "reject wants claim IDs and a -reason")
		}
	}
	if sub == "pay" && o.batch == "" {
		return usageError(stderr, "ledger", "pay wants a -batch ID")
	}
	if sub == "export" && o.format != "csv" && o.format != "json" {
		return usageError(stderr, "ledger", "-format must be csv or json, got %q", o.format)
	}
	var through incentive.Date
	if o.through != "" {
		d, err := incentive.ParseDate(o.through)
		if err != nil {
			return usageError(stderr, "ledger", "bad -through %q: want YYYY-MM-DD", o.through)
		}
		through = d
	}
	var states []ledger.State
	if o.state != "" {
		for _, s := range strings.Split(o.state, ",") {
			st := ledger.State(strings.TrimSpace(s))
			if !slices.Contains(ledger.States(), st) {
				return usageError(stderr, "ledger", "unknown state %q (states: %s)", s, joinStates(ledger.States()))
			}
			states = append(states, st)
		}
	}
	fail := func(what string, err error) int {
		fmt.Fprintf(stderr, "partnerops %s: %s: %s\n", cmd, what, oneLine(err.Error()))
		return exitFail
	}
	store, closeFn, err := openLedgerDB(ctx, o.db)
	if errors.Is(err, ledger.ErrInvalid) {
		return usageError(stderr, "ledger", "%v", err)
	}
	if err != nil {
		return fail("open the ledger "+o.db, err)
	}
	defer closeFn()
	if sub == "init" {
		h, err := store.Head(ctx, ledger.HeadParams{})
		if err != nil {
			return fail("read the ledger", err)
		}
		fmt.Fprintf(stdout, "ledger ready: %s (%s)\n", o.db, entries(h.Seq))
		return exitOK
	}
	s := &ledgerSession{o: o, store: store, now: now, actor: actor}
	s.l, err = ledger.New(ledger.Config{Store: store, Clock: func() time.Time { return s.now }, NewID: randomID})
	if err != nil {
		return fail("start the ledger", err)
	}
	if sub == "accrue" {
		return s.accrue(ctx, args, asOf, stdout, stderr)
	}
	if err := s.registerStored(ctx); err != nil {
		return fail("register the stored programs", err)
	}
	switch sub {
	case "claims":
		cs, err := store.Claims(ctx, ledger.ClaimsParams{Program: o.program, Partner: o.partner, States: states})
		if err != nil {
			return fail("list claims", err)
		}
		return printClaims(stdout, stderr, cmd, cs, o.json)
	case "approve", "reject":
		return s.decide(ctx, sub, args, stdout, stderr)
	case "pay":
		return s.pay(ctx, stdout, stderr)
	case "statement":
		st, err := s.l.Statement(ctx, ledger.StatementParams{Partner: o.partner, Through: through})
		if err != nil {
			return fail("build the statement", err)
		}
		if o.json {
			return writeJSON(stdout, stderr, cmd, st)
		}
		return writeLedgerStatement(stdout, st)
	case "verify":
		rep, err := s.l.Replay(ctx, ledger.ReplayParams{})
		if o.json {
			writeJSON(stdout, stderr, cmd, rep)
		} else {
			fmt.Fprintf(stdout, "%s replayed, head %d %s\n", entries(int64(rep.Entries)), rep.Head.Seq, short(rep.Head.Hash))
			fmt.Fprintf(stdout, "%s rebuilt from the entries, %s re-evaluated\n", plural(len(rep.Balances), "balance"), plural(rep.Accruals, "accrual"))
			for _, m := range rep.Mismatches {
				fmt.Fprintf(stdout, "mismatch: %s\n", m)
			}
		}
		if err != nil {
			return fail("verify", err)
		}
		if !o.json {
			fmt.Fprintln(stdout, "ok: the chain verifies and the replay agrees to the cent")
		}
		return exitOK
	case "export":
		var buf bytes.Buffer
		p := ledger.ExportParams{Partner: o.partner, Program: o.program}
		if o.format == "json" {
			err = s.l.ExportJSON(ctx, &buf, p)
		} else {
			err = s.l.ExportCSV(ctx, &buf, p)
		}
		if err != nil {
			return fail("export", err)
		}
		if o.out == "" {
			_, err = stdout.Write(buf.Bytes())
		} else {
			err = os.WriteFile(o.out, buf.Bytes(), 0o644)
		}
		if err != nil {
			return fail("write the export", err)
		}
		return exitOK
	}
	return exitOK
}

// randomID returns a new ID for a record of the given kind: unique across
// processes sharing a database (the default counters are not).
func randomID(kind string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	p := map[string]string{"claim": "C", "entry": "E", "fund": "F", "request": "R"}[kind]
	if p == "" {
		p = kind
	}
	return p + "-" + hex.EncodeToString(b[:])
}

func entries(n int64) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func joinStates(ss []ledger.State) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// registerStored registers every program version kept in the database.
func (s *ledgerSession) registerStored(ctx context.Context) error {
	srcs, err := s.store.Programs(ctx)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		f, err := rules.Compile(src.Name, src.Source)
		if err != nil {
			return fmt.Errorf("stored program %s v%d no longer compiles: %w", src.ID, src.Version, err)
		}
		var p *incentive.Program
		for _, c := range f.Programs {
			if c.Hash == src.Hash {
				p = c
			}
		}
		if p == nil {
			return fmt.Errorf("stored program %s v%d compiles to another content hash than %s (the compiler changed)", src.ID, src.Version, short(src.Hash))
		}
		if err := s.l.Register(ctx, ledger.RegisterParams{Program: p, Policy: policyFor(f, p.ID), Actor: s.actor}); err != nil {
			return fmt.Errorf("register %s v%d: %w", p.ID, p.Version, err)
		}
	}
	return nil
}

// policyFor returns the file's approval policy of a program; nil (one
// manager approval per claim) when the file has none.
func policyFor(f *rules.File, program string) *ledger.ApprovalPolicy {
	for _, ap := range f.ApprovalPolicies {
		if ap.Program == program {
			return ap
		}
	}
	return nil
}

// accrue compiles the program, stores its source, registers it and submits
// a claim per deal under the key accrue:<program hash>:<deal>.
func (s *ledgerSession) accrue(ctx context.Context, args []string, asOf asOfValue, stdout, stderr io.Writer) int {
	cmd := "ledger accrue"
	ro := &runOptions{cmd: cmd, program: s.o.program, onError: "continue", checkIDs: true, extraColumns: "error", sortLimit: defaultSortLimit}
	b, code := ro.prepare(args, stderr)
	if b == nil {
		return code
	}
	p := b.program
	// Read the deals whole (any format run reads), each bad row reported
	// and counted, then put them in run order: accrual submits them one
	// by one, in (close time, id) order, as a run would.
	var inputs []incentive.Input
	dc := &dealCheck{partners: b.partners, c: &b.c, names: map[string]string{}}
	for in, err := range dc.wrap(b.deals.decode(p, ro)) {
		if err != nil {
			fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
			code = exitFail
			continue
		}
		inputs = append(inputs, in)
	}
	b.deals.close()
	sortDeals(inputs)
	if !asOf.IsZero() {
		s.now = asOf.at(p.Effective.Loc())
	}
	src, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	if err := s.registerStored(ctx); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: register the stored programs: %s\n", cmd, oneLine(err.Error()))
		return exitFail
	}
	if err := s.store.SaveProgram(ctx, sqlledger.ProgramSource{ID: p.ID, Version: p.Version, Hash: p.Hash, Name: args[0], Source: src}); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %s\n", cmd, oneLine(err.Error()))
		return exitFail
	}
	var policy *ledger.ApprovalPolicy
	if f, err := rules.Compile(args[0], src); err == nil {
		policy = policyFor(f, p.ID)
	}
	if err := s.l.Register(ctx, ledger.RegisterParams{Program: p, Policy: policy, Actor: s.actor}); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: register %s v%d: %s\n", cmd, p.ID, p.Version, oneLine(err.Error()))
		return exitFail
	}
	var recorded, again int
	byState := map[ledger.State]int{}
	rejected := map[string]int{}
	total := incentive.Zero(p.Currency)
	for _, in := range inputs {
		key := "accrue:" + p.Hash + ":" + in.Deal.ID
		// The ledger stores a submission's key as "claim:"+key (it does not
		// export that; see the stores' report): either form means the deal
		// was accrued before.
		_, ierr := s.store.Idempotency(ctx, ledger.IdempotencyParams{Key: "claim:" + key})
		if ierr != nil {
			_, ierr = s.store.Idempotency(ctx, ledger.IdempotencyParams{Key: key})
		}
		existed := ierr == nil
		c, err := s.l.Submit(ctx, ledger.SubmitParams{Key: key, Program: p.ID, Version: p.Version, Deal: in.Deal, Partner: in.Partner, Actor: s.actor})
		var rej *ledger.RejectedError
		switch {
		case errors.As(err, &rej):
			if existed {
				again++
				continue
			}
			rejected[rejectLabel(rej)]++
			continue
		case err != nil:
			fmt.Fprintf(stderr, "partnerops %s: deal %s: %s\n", cmd, in.Deal.ID, oneLine(err.Error()))
			code = exitFail
			continue
		case existed:
			again++
			continue
		}
		recorded++
		byState[c.State]++
		if t, err := total.Add(c.Amount); err == nil {
			total = t
		}
	}
	nrej := 0
	for _, n := range rejected {
		nrej += n
	}
	fmt.Fprintf(stdout, "%s v%d: %s accrued into %s\n", p.ID, p.Version, plural(len(inputs), "deal"), s.o.db)
	fmt.Fprintf(stdout, "  %s recorded, %s accrued", plural(recorded, "claim"), incentive.FormatAmount(total.Amount(), total.Currency())+" "+string(total.Currency()))
	for _, st := range ledger.States() {
		if n := byState[st]; n > 0 {
			fmt.Fprintf(stdout, "; %d %s", n, strings.ReplaceAll(string(st), "_", " "))
		}
	}
	fmt.Fprintln(stdout)
	if nrej > 0 {
		fmt.Fprintf(stdout, "  %d rejected:", nrej)
		for i, k := range sortedKeys(rejected) {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(stdout, "%s %s %d", sep, k, rejected[k])
		}
		fmt.Fprintln(stdout)
	}
	if again > 0 {
		fmt.Fprintf(stdout, "  %d already recorded by an earlier accrue (nothing recorded twice)\n", again)
	}
	return code
}

func rejectLabel(r *ledger.RejectedError) string {
	for _, c := range []struct {
		err   error
		label string
	}{{ledger.ErrNotEligible, "not eligible"}, {ledger.ErrClaimWindow, "claim window closed"}, {ledger.ErrDuplicateClaim, "already claimed"},
		{ledger.ErrBudgetExceeded, "budget exhausted"}, {ledger.ErrNothingEarned, "nothing earned"}} {
		if errors.Is(r, c.err) {
			return c.label
		}
	}
	return "other"
}

// decide approves or rejects claims.
func (s *ledgerSession) decide(ctx context.Context, sub string, ids []string, stdout, stderr io.Writer) int {
	cmd := "ledger " + sub
	if s.o.all {
		cs, err := s.store.Claims(ctx, ledger.ClaimsParams{States: []ledger.State{ledger.PendingApproval}})
		if err != nil {
			fmt.Fprintf(stderr, "partnerops %s: list pending claims: %s\n", cmd, oneLine(err.Error()))
			return exitFail
		}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
	}
	code := exitOK
	var done []ledger.Claim
	for _, id := range ids {
		var c ledger.Claim
		var err error
		if sub == "approve" {
			c, err = s.l.Approve(ctx, ledger.ApproveParams{Claim: id, Actor: s.actor, Role: s.o.role, Reason: s.o.reason})
		} else {
			c, err = s.l.Reject(ctx, ledger.DecideParams{Claim: id, Actor: s.actor, Reason: s.o.reason})
		}
		if err != nil {
			fmt.Fprintf(stderr, "partnerops %s: claim %s: %s\n", cmd, id, oneLine(err.Error()))
			code = exitFail
			continue
		}
		done = append(done, c)
	}
	if s.o.json {
		if c := writeJSON(stdout, stderr, cmd, done); c != exitOK {
			return c
		}
		return code
	}
	for _, c := range done {
		fmt.Fprintf(stdout, "%s %s %s\n", c.ID, c.State, incentive.FormatAmount(c.Amount.Amount(), c.Amount.Currency()))
	}
	verb := map[string]string{"approve": "approved", "reject": "rejected"}[sub]
	fmt.Fprintf(stdout, "%s %s\n", plural(len(done), "claim"), verb)
	return code
}

// pay runs a payment batch and marks it paid.
func (s *ledgerSession) pay(ctx context.Context, stdout, stderr io.Writer) int {
	cmd := "ledger pay"
	day := incentive.DateOf(s.now.UTC())
	b, err := s.l.RunPayments(ctx, ledger.RunPaymentsParams{Batch: s.o.batch, AsOf: day, Actor: s.actor})
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: run batch %s: %s\n", cmd, s.o.batch, oneLine(err.Error()))
		return exitFail
	}
	if !s.o.open && b.State == ledger.BatchOpen {
		if b, err = s.l.MarkPaid(ctx, ledger.MarkPaidParams{Batch: b.ID, Actor: s.actor}); err != nil {
			fmt.Fprintf(stderr, "partnerops %s: mark batch %s paid: %s\n", cmd, s.o.batch, oneLine(err.Error()))
			return exitFail
		}
	}
	if s.o.json {
		return writeJSON(stdout, stderr, cmd, b)
	}
	fmt.Fprintf(stdout, "batch %s as of %s: %s\n", b.ID, b.AsOf, b.State)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "partner\tpayee\tprogram\tclaims\tpayable\trecovered\tnet\t")
	for _, ln := range b.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t\n", ln.Bucket.Partner, ln.Bucket.Payee, ln.Bucket.Program, len(ln.Claims),
			money(ln.Payable), money(ln.Recovered), money(ln.Net))
	}
	tw.Flush()
	for _, bl := range b.Blocked {
		fmt.Fprintf(stdout, "not paid: %s %s: %s\n", bl.Bucket, money(bl.Amount), bl.Reason)
	}
	return exitOK
}

func money(m incentive.Money) string {
	if m.Currency() == "" {
		return "0"
	}
	return incentive.FormatAmount(m.Amount(), m.Currency())
}

func printClaims(stdout, stderr io.Writer, cmd string, cs []ledger.Claim, asJSON bool) int {
	if asJSON {
		return writeJSON(stdout, stderr, cmd, cs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "claim\tstate\tprogram\tpartner\tdeal\tamount\treason")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s v%d\t%s\t%s\t%s %s\t%s\n", c.ID, c.State, c.Program.ID, c.Program.Version, c.Partner, c.Deal,
			money(c.Amount), c.Amount.Currency(), c.Reason)
	}
	tw.Flush()
	fmt.Fprintln(stdout, plural(len(cs), "claim"))
	return exitOK
}

func writeLedgerStatement(w io.Writer, st ledger.Statement) int {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "partner\tpayee\tprogram\taccrued\tapproved\theld\tpayable\twithheld\tbatched\tpaid\tbalance\t")
	for _, ln := range st.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", ln.Bucket.Partner, ln.Bucket.Payee, ln.Bucket.Program,
			money(ln.Accrued), money(ln.Approved), money(ln.Held), money(ln.Payable), money(ln.Withheld), money(ln.Batched),
			money(ln.Paid), money(ln.Balance))
	}
	tw.Flush()
	return exitOK
}

func writeJSON(stdout, stderr io.Writer, cmd string, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	return exitOK
}
