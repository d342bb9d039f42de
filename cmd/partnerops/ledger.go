package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/pgstore"
	"github.com/partnerops/partnerops/incentive/ledger/sqlitestore"
	"github.com/partnerops/partnerops/internal/sqlledger"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

// defaultDB is the ledger database of the ledger subcommands.
const defaultDB = "sqlite:partnerops.db"

var ledgerCommand = &command{
	name:    "ledger",
	summary: "record accruals, approve, pay and audit claims in a ledger database",
	usage:   "ledger [-db URL] init|register|accrue|claims|approve|reject|withdraw|clawback|pay|statement|verify|checkpoint|export|mdf VERB [flags] [arguments]",
	about: `
The ledger subcommands keep claims, approvals and payments in a database:
-db sqlite:FILE (the default, sqlite:partnerops.db in the working directory,
created when absent: nothing to install) or postgres://USER@HOST/DB (for
several service instances on one database). Every operation is one
transaction: an error leaves nothing half-written.

  init                       create the database (or bring its schema up to date)
  register PROGRAM           store and register a program (-program ID in a file of
                             several) without accruing deals, e.g. for its MDF funds
  accrue PROGRAM DEALS       evaluate every deal and record its claim; run again, it
                             records nothing twice (one claim per deal and program: a new
                             version rejects the deals an earlier one claimed); a deal
                             not yet closed on -as-of is not claimed until it has closed;
                             -partners FILE and -rates FILE as for run; a period settlement's true-up is
                             not a claim (run's statement settles it; accrue warns), and a
                             deal split with another partner is refused (one payee a claim)
  claims                     list claims (-state, -partner, -program; -json)
  approve CLAIM... | -all    approve the current step of pending claims as -actor (-role)
  reject CLAIM...            reject pending claims as -actor with a -reason
  withdraw CLAIM...          withdraw pending claims as -actor with a -reason
  clawback CLAIM             take back a claim (a cancelled deal, a refund) with a -reason:
                             unpaid, it is voided; paid, -amount (default: all of what was
                             paid) is withheld from the bucket's later payouts;
                             with -key KEY a rerun takes nothing back twice
  pay -batch ID              gather what is payable as of -as-of into a batch and mark it
                             paid (-open leaves it open); the same -batch never pays twice
                             (run again, it shows the batch and says nothing was recorded);
                             -partners FILE pays each partner by the method its record
                             names (the program's minimum and fee for that method);
                             -records FILE pays only partners whose full record lets
                             them be paid on the day (state, payment details, a valid
                             tax form), and says why each other one is not paid
  statement                  each partner's position from the entries (-partner, -through)
  verify                     replay the hash chain, rebuild the balances, re-evaluate accruals;
                             -anchor SEQ:HASH (repeatable) also checks the chain still passes
                             through a checkpoint, so entries cut from its end are detected
  checkpoint                 print the chain's anchor (SEQ:HASH) to keep outside the database
  export                     the audit trail as -format csv or json (-o FILE)

MDF funds (amounts in the program's currency):
  mdf allocate               allocate -fund ID of -program to -partner for -from..-to:
                             -amount, reimbursing -share of actual cost, proof due
                             -proof-days after an activity ends
  mdf request                request -request ID from -fund for -activity ending
                             -activity-end with a planned -cost
  mdf approve REQUEST...     approve fund requests (reserving -amount, default the planned
                             cost times the share)
  mdf claim                  claim -request with the actual -cost and -proof NAME=REF,...
                             (without proof the claim is refused)
  mdf expire                 expire lapsed requests and unspent funds as of -as-of
  mdf funds                  each fund's position on -as-of (-partner, -program)

` + recordsHelp + `

Programs are stored in the database by content hash when accrued, so later
commands know the exact terms every claim was evaluated under. Without an
-as-of date, the current time is used; a date is that day in the stored
programs' time zones.`,
	example: "partnerops ledger accrue -as-of 2026-12-15 examples/programs/q4-growth.yaml examples/data/deals.yaml",
	setup: func(fs *flag.FlagSet) action {
		o := &ledgerOptions{}
		fs.StringVar(&o.db, "db", defaultDB, "the ledger database: sqlite:`FILE` or postgres://...")
		fs.StringVar(&o.asOf, "as-of", "", "the `DATE` (YYYY-MM-DD) or RFC 3339 time the operation happens at; default now")
		fs.StringVar(&o.actor, "actor", "", "who acts (recorded with every entry); default $USER")
		fs.StringVar(&o.program, "program", "", "accrue: the program `ID` in a file of several; claims: only this program")
		fs.StringVar(&o.partner, "partner", "", "claims, statement, export: only this partner `ID`")
		fs.StringVar(&o.partners, "partners", "", "accrue: read partner records from `FILE` (.csv, .jsonl or .yaml), as run does; pay: the partners' payment methods")
		fs.StringVar(&o.rates, "rates", "", "accrue: convert deals in other currencies with the rates in `FILE`, as run does (the rate used is recorded on the claim)")
		fs.StringVar(&o.state, "state", "", "claims: only these `STATES`, comma-separated (pending_approval, payable, paid, ...)")
		fs.StringVar(&o.role, "role", ledger.RoleManager, "approve: the `ROLE` approved as (manager, finance)")
		fs.StringVar(&o.reason, "reason", "", "approve, reject, withdraw, clawback, mdf approve: the `TEXT` recorded with the decision (required to reject, withdraw and claw back)")
		fs.BoolVar(&o.all, "all", false, "approve: every claim pending approval")
		fs.StringVar(&o.records, "records", "", "pay: the partners' full records (JSON Lines or a JSON array of partner.Partner) from `FILE`: pay only partners who can be paid on the day")
		fs.StringVar(&o.batch, "batch", "", "pay: the batch `ID` (running it again pays nothing twice)")
		fs.BoolVar(&o.open, "open", false, "pay: leave the batch open (not marked paid)")
		fs.StringVar(&o.through, "through", "", "statement: count entries effective on or before `DATE`")
		fs.StringVar(&o.format, "format", "csv", "export: `csv` or json")
		fs.StringVar(&o.out, "o", "", "export: write to `FILE` instead of standard output")
		fs.BoolVar(&o.json, "json", false, "claims, statement, pay, verify, withdraw, clawback, mdf: print JSON")
		fs.StringVar(&o.fund, "fund", "", "mdf allocate, request: the fund `ID`")
		fs.StringVar(&o.request, "request", "", "mdf request, claim: the fund request `ID`")
		fs.StringVar(&o.key, "key", "", "clawback: an idempotency `KEY` (e.g. the credit note's number): run again with it, the clawback takes nothing back twice")
		fs.StringVar(&o.amount, "amount", "", "clawback, mdf allocate, mdf approve: the `AMOUNT` (decimal text, program currency)")
		fs.StringVar(&o.share, "share", "1", "mdf allocate: the `SHARE` of actual cost reimbursed (0.5 pays half)")
		fs.StringVar(&o.from, "from", "", "mdf allocate: the first `DATE` of the fund's period")
		fs.StringVar(&o.to, "to", "", "mdf allocate: the last `DATE` of the fund's period")
		fs.IntVar(&o.proofDays, "proof-days", 30, "mdf allocate: `DAYS` after an activity ends its proof is due")
		fs.StringVar(&o.activity, "activity", "", "mdf request: the activity (`TEXT`)")
		fs.StringVar(&o.activityEnd, "activity-end", "", "mdf request: the `DATE` the activity ends")
		fs.StringVar(&o.cost, "cost", "", "mdf request: the planned, mdf claim: the actual `COST`")
		fs.StringVar(&o.proof, "proof", "", "mdf claim: proof of performance, `NAME=REF,...`")
		fs.Var(&o.anchors, "anchor", "verify: a checkpoint `SEQ:HASH` the chain must pass through (repeatable)")
		return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
			o.set = map[string]bool{}
			fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
			return o.run(ctx, args, stdout, stderr)
		}
	},
}

type ledgerOptions struct {
	db, asOf, actor, program, partner, partners, records, rates, state, role, reason, batch, through, format, out string
	fund, request, amount, share, from, to, activity, activityEnd, cost, proof, key                               string
	proofDays                                                                                                     int
	anchors                                                                                                       anchorList
	all, open, json                                                                                               bool
	set                                                                                                           map[string]bool
}

// ledgerFlags are the flags each subcommand accepts besides -db, -as-of
// and -actor.
var ledgerFlags = map[string][]string{
	"init":       {},
	"accrue":     {"program", "partners", "rates"},
	"claims":     {"program", "partner", "state", "json"},
	"approve":    {"role", "reason", "all", "json"},
	"reject":     {"reason", "json"},
	"pay":        {"partners", "records", "batch", "open", "json"},
	"statement":  {"partner", "through", "json"},
	"verify":     {"json", "anchor"},
	"checkpoint": {"json"},
	"export":     {"partner", "program", "format", "o"},
	"register":   {"program"},
	"withdraw":   {"reason", "json"},
	"clawback":   {"reason", "amount", "key", "json"},
	// MDF funds.
	"mdf allocate": {"fund", "program", "partner", "from", "to", "amount", "share", "proof-days", "json"},
	"mdf request":  {"fund", "request", "activity", "activity-end", "cost", "json"},
	"mdf approve":  {"amount", "reason", "json"},
	"mdf claim":    {"request", "cost", "proof", "json"},
	"mdf expire":   {"json"},
	"mdf funds":    {"partner", "program", "json"},
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
	// programs are the stored programs registerStored registered.
	programs []*incentive.Program
	// records are the partners' records of -records (nil without it).
	records *recordBook
}

func (o *ledgerOptions) run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return usageError(stderr, "ledger", "want a subcommand: init, register, accrue, claims, approve, reject, withdraw, clawback, pay, statement, verify, checkpoint, export or mdf")
	}
	sub, args := args[0], args[1:]
	if sub == "mdf" {
		if len(args) == 0 {
			return usageError(stderr, "ledger", "mdf wants a verb: allocate, request, approve, claim, expire or funds")
		}
		sub, args = "mdf "+args[0], args[1:]
	}
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
	case "init", "claims", "pay", "statement", "verify", "checkpoint", "export", "mdf allocate", "mdf request", "mdf claim", "mdf expire", "mdf funds":
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
	case "reject", "withdraw":
		if len(args) == 0 || o.reason == "" {
			return usageError(stderr, "ledger", "%s wants claim IDs and a -reason", sub)
		}
	case "clawback":
		if len(args) != 1 || o.reason == "" {
			return usageError(stderr, "ledger", "clawback wants one claim ID and a -reason")
		}
	case "register":
		if len(args) != 1 {
			return usageError(stderr, "ledger", "register wants a PROGRAM file, got %s", plural(len(args), "argument"))
		}
	case "mdf approve":
		if len(args) == 0 {
			return usageError(stderr, "ledger", "mdf approve wants fund request IDs")
		}
	}
	if msg := o.mdfUsage(sub); msg != "" {
		return usageError(stderr, "ledger", "%s", msg)
	}
	if sub == "pay" && o.batch == "" {
		return usageError(stderr, "ledger", "pay wants a -batch ID")
	}
	if o.partners != "" && o.records != "" {
		return usageError(stderr, "ledger", "give -partners or -records, not both: a record's payment method is the method it is paid by")
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
	cfg := ledger.Config{Store: store, Clock: func() time.Time { return s.now }, NewID: randomID}
	if o.records != "" {
		if s.records, err = loadRecords(o.records); err != nil {
			return (&runOptions{cmd: cmd}).inputError(stderr, err)
		}
		cfg.PayeeGate = s.records.gate
	}
	s.l, err = ledger.New(cfg)
	if err != nil {
		return fail("start the ledger", err)
	}
	if sub == "accrue" || sub == "register" {
		return s.accrue(ctx, args, asOf, stdout, stderr)
	}
	if err := s.registerStored(ctx); err != nil {
		return fail("register the stored programs", err)
	}
	if !asOf.IsZero() && asOf.instant.IsZero() {
		// A date is that day in the programs' zones, where the ledger
		// dates its steps: noon UTC is the next day east of UTC+12.
		locs := make([]*time.Location, len(s.programs))
		for i, p := range s.programs {
			locs[i] = p.Effective.Loc()
		}
		s.now = dayInstant(asOf.date, locs)
	}
	switch sub {
	case "claims":
		cs, err := store.Claims(ctx, ledger.ClaimsParams{Program: o.program, Partner: o.partner, States: states})
		if err != nil {
			return fail("list claims", err)
		}
		return printClaims(stdout, stderr, cmd, cs, o.json)
	case "approve", "reject", "withdraw":
		return s.decide(ctx, sub, args, stdout, stderr)
	case "clawback":
		return s.clawback(ctx, args[0], stdout, stderr)
	case "mdf allocate", "mdf request", "mdf approve", "mdf claim", "mdf expire", "mdf funds":
		return s.mdf(ctx, sub, args, stdout, stderr)
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
	case "checkpoint":
		a, err := s.l.Checkpoint(ctx, ledger.CheckpointParams{})
		if err != nil {
			return fail("checkpoint", err)
		}
		if o.json {
			return writeJSON(stdout, stderr, cmd, a)
		}
		fmt.Fprintf(stdout, "%d:%s\n", a.Seq, a.Hash)
		return exitOK
	case "verify":
		if len(o.anchors) > 0 {
			if _, err := s.l.Verify(ctx, ledger.VerifyParams{Anchors: o.anchors}); err != nil {
				return fail("verify", err)
			}
		}
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
			if len(o.anchors) > 0 {
				fmt.Fprintf(stdout, "the chain passes through %s\n", plural(len(o.anchors), "anchor"))
			}
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
		s.programs = append(s.programs, p)
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
	if len(args) == 1 {
		return s.register(ctx, args[0], stdout, stderr)
	}
	cmd := "ledger accrue"
	ro := &runOptions{cmd: cmd, program: s.o.program, partners: s.o.partners, rates: s.o.rates, onError: "continue", checkIDs: true, extraColumns: "error", sortLimit: defaultSortLimit}
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
	if len(p.Settlements) > 0 {
		// The ledger's claims are deals'; a period's true-up depends on all
		// of the period's deals and is not a claim it records. Say so
		// rather than let a statement from the ledger read as complete.
		ids := make([]string, len(p.Settlements))
		for i, st := range p.Settlements {
			ids[i] = st.ID + " (" + string(st.Period) + ")"
		}
		fmt.Fprintf(stderr, "partnerops %s: warning: %s has period settlements, %s: the ledger records each deal's claim (advances included), not a period's true-up; run's statement settles the true-ups\n",
			cmd, p.ID, strings.Join(ids, ", "))
	}
	var recorded, again, failed int
	var mixed []string // deals whose claim earns from several payout buckets
	var early []string // deals that close after the accrual date: not claimed yet
	today := incentive.DateOf(s.now.In(p.Effective.Loc()))
	var mixedBuckets []string
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
		c, err := s.l.Submit(ctx, ledger.SubmitParams{Key: key, Program: p.ID, Version: p.Version, Deal: in.Deal, Partner: in.Partner, Rates: b.rates, Actor: s.actor})
		var rej *ledger.RejectedError
		switch {
		case errors.As(err, &rej):
			if existed {
				again++
				continue
			}
			rejected[rejectLabel(rej)]++
			continue
		case errors.Is(err, ledger.ErrNotClosed):
			// Claimed once it has closed: the next accrue records it.
			early = append(early, in.Deal.ID)
			continue
		case errors.Is(err, ledger.ErrIdempotencyMismatch) && s.accruedBy(ctx, key, p, in, b.rates):
			// The same deal, accrued before by another actor (the
			// key's request names the actor): nothing to record.
			again++
			continue
		case errors.Is(err, ledger.ErrIdempotencyMismatch):
			// The deal's key was used by a different deal: the export
			// changed the deal since it was accrued. Say that, not the
			// key's mechanics.
			fmt.Fprintf(stderr, "partnerops %s: deal %s: differs from the deal accrued before under %s v%d (the deal or its partner's record changed since): nothing recorded; the ledger keeps the claim as first accrued (ledger claims -partner %s)\n",
				cmd, in.Deal.ID, p.ID, p.Version, in.Deal.PartnerID)
			code = exitFail
			failed++
			continue
		case err != nil && in.Deal.Credits != "" && errors.Is(err, ledger.ErrInvalid):
			// The ledger takes no credit notes (SubmitParams): say how
			// to take the amount back from the command line.
			fmt.Fprintf(stderr, "partnerops %s: deal %s is a credit note of deal %s: the ledger takes no credit notes; %s\n",
				cmd, in.Deal.ID, in.Deal.Credits, s.clawbackHint(ctx, p.ID, in.Deal.Credits))
			code = exitFail
			failed++
			continue
		case err != nil:
			fmt.Fprintf(stderr, "partnerops %s: deal %s: %s\n", cmd, in.Deal.ID, oneLine(err.Error()))
			code = exitFail
			failed++
			continue
		case existed:
			again++
			continue
		}
		recorded++
		if bs := claimPayouts(p, c); len(bs) > 1 {
			mixed = append(mixed, in.Deal.ID)
			mixedBuckets = bs
		}
		byState[c.State]++
		if t, err := total.Add(c.Amount); err == nil {
			total = t
		}
	}
	if len(mixed) > 0 {
		// A claim is paid whole from its first paying line's payout bucket
		// (Claim.Payout): its other lines do not reach their own
		// bucket's minimum as run's statement has them do.
		who := "deal " + mixed[0] + " earns from the payout buckets " + andList(mixedBuckets)
		if len(mixed) > 1 {
			who = plural(len(mixed), "deal") + " (" + strings.Join(mixed[:min(len(mixed), 5)], ", ")
			if len(mixed) > 5 {
				who += ", ..."
			}
			who += ") earn from several payout buckets"
		}
		fmt.Fprintf(stderr, "partnerops %s: warning: %s: a ledger claim is paid whole from the bucket of its first paying line, under that bucket's minimum, so the ledger's payments can differ from run's statement\n", cmd, who)
	}
	nrej := 0
	for _, n := range rejected {
		nrej += n
	}
	fmt.Fprintf(stdout, "%s v%d: %s accrued into %s\n", p.ID, p.Version, plural(len(inputs), "deal"), s.o.db)
	fmt.Fprintf(stdout, "  %s recorded, %s accrued", plural(recorded, "claim"), money(total)+" "+string(total.Currency()))
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
	if len(early) > 0 {
		// A claim on a sale not yet closed could be approved and paid
		// before it closes (ledger.ErrNotClosed).
		list := strings.Join(early[:min(len(early), 5)], ", ")
		if len(early) > 5 {
			list += ", ..."
		}
		fmt.Fprintf(stdout, "  %s not yet closed on %s (%s): not claimed; accrue again once %s closed\n",
			plural(len(early), "deal"), today, list, map[bool]string{true: "it has", false: "they have"}[len(early) == 1])
	}
	if failed > 0 {
		them := "them"
		if failed == 1 {
			them = "it"
		}
		fmt.Fprintf(stdout, "  %s in error, nothing recorded for %s (the errors are on stderr)\n", plural(failed, "deal"), them)
	}
	return code
}

// clawbackHint says how to take back from the claim of a credited deal
// what a credit note credits.
func (s *ledgerSession) clawbackHint(ctx context.Context, program, deal string) string {
	cs, err := s.store.Claims(ctx, ledger.ClaimsParams{Program: program, Deal: deal})
	if err == nil {
		for _, c := range cs {
			if c.State != ledger.Rejected {
				return "take back what it credits from that deal's claim: partnerops ledger clawback -amount AMOUNT -reason TEXT " + c.ID
			}
		}
	}
	return "deal " + deal + " has no claim under program " + program + " to take it back from"
}

// claimPayouts lists the payout buckets (the program's payouts:, else the
// default bucket) of the earning types a claim's lines pay, in order.
func claimPayouts(p *incentive.Program, c ledger.Claim) []string {
	if len(p.Buckets) == 0 {
		return nil
	}
	var out []string
	for _, ln := range c.Lines {
		if ln.Amount.IsZero() {
			continue
		}
		b := "default" // incentive.DefaultBucket, named as statements name it
		for _, pb := range p.Buckets {
			if slices.Contains(pb.Types, ln.Type) {
				b = pb.ID
			}
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	slices.Sort(out)
	return out
}

// andList joins words as "a, b and c".
func andList(ws []string) string {
	if len(ws) < 2 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

func rejectLabel(r *ledger.RejectedError) string {
	for _, c := range []struct {
		err   error
		label string
	}{{ledger.ErrNotEligible, "not eligible"}, {ledger.ErrClaimWindow, "claim window closed"}, {ledger.ErrDuplicateClaim, "already claimed"},
		{ledger.ErrBudgetExceeded, "budget exhausted"}, {ledger.ErrPartnerCapExceeded, "partner cap reached"}, {ledger.ErrNothingEarned, "nothing earned"}} {
		if errors.Is(r, c.err) {
			return c.label
		}
	}
	return "other"
}

// accruedBy reports whether the deal's accrue key holds the same
// submission by another actor: the earlier submitters of the deal's
// claims are tried in turn, and a replay (accepted or rejected, nothing
// written) means the deal and its partner record are unchanged.
func (s *ledgerSession) accruedBy(ctx context.Context, key string, p *incentive.Program, in incentive.Input, rates incentive.RateSource) bool {
	cs, err := s.store.Claims(ctx, ledger.ClaimsParams{Program: p.ID, Deal: in.Deal.ID})
	if err != nil {
		return false
	}
	tried := map[string]bool{s.actor: true}
	for _, c := range cs {
		if tried[c.SubmittedBy] {
			continue
		}
		tried[c.SubmittedBy] = true
		_, err := s.l.Submit(ctx, ledger.SubmitParams{Key: key, Program: p.ID, Version: p.Version, Deal: in.Deal, Partner: in.Partner, Rates: rates, Actor: c.SubmittedBy})
		var rej *ledger.RejectedError
		if err == nil || errors.As(err, &rej) {
			return true
		}
	}
	return false
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
		switch sub {
		case "approve":
			c, err = s.l.Approve(ctx, ledger.ApproveParams{Claim: id, Actor: s.actor, Role: s.o.role, Reason: s.o.reason})
		case "withdraw":
			c, err = s.l.Withdraw(ctx, ledger.DecideParams{Claim: id, Actor: s.actor, Reason: s.o.reason})
		default:
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
		fmt.Fprintf(stdout, "%s %s %s %s\n", c.ID, c.State, money(c.Amount), c.Amount.Currency())
	}
	verb := map[string]string{"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}[sub]
	fmt.Fprintf(stdout, "%s %s\n", plural(len(done), "claim"), verb)
	return code
}

// pay runs a payment batch and marks it paid.
func (s *ledgerSession) pay(ctx context.Context, stdout, stderr io.Writer) int {
	cmd := "ledger pay"
	day := s.today()
	rp := ledger.RunPaymentsParams{Batch: s.o.batch, AsOf: day, Actor: s.actor}
	// unpaid are the partners -partners gives no payment method for.
	unpaid := map[string]bool{}
	if s.records != nil {
		rp.Method = s.records.method
	} else if s.o.partners != "" {
		// Each partner is paid by the method its record names: the
		// program's terms for it (minimum, fee) apply.
		book, err := loadPartners(s.o.partners, nil)
		if err != nil {
			return (&runOptions{cmd: cmd}).inputError(stderr, err)
		}
		rp.Method = func(id string) partner.PaymentMethod {
			if p, ok := book.byID[id]; ok && p.Payment != nil && p.Payment.Method != "" {
				return p.Payment.Method
			}
			unpaid[id] = true
			return ""
		}
	} else {
		warned := map[string]bool{}
		for _, p := range s.programs {
			if len(p.PaymentMethods) == 0 || warned[p.ID] {
				continue
			}
			warned[p.ID] = true
			var ms []string
			for _, t := range p.PaymentMethods {
				ms = append(ms, string(t.Method))
			}
			slices.Sort(ms)
			fmt.Fprintf(stderr, "partnerops %s: warning: %s has payment-method terms (%s): without -partners every partner is paid under the program's own terms (no method's minimum, no fee)\n",
				cmd, p.ID, strings.Join(ms, ", "))
		}
	}
	b, err := s.l.RunPayments(ctx, rp)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: run batch %s: %s\n", cmd, s.o.batch, oneLine(err.Error()))
		return exitFail
	}
	if len(unpaid) > 0 && slices.ContainsFunc(s.programs, func(p *incentive.Program) bool { return len(p.PaymentMethods) > 0 }) {
		// A partner missing from the file, or without a method, is
		// paid under the program's own terms: say so rather than let
		// the batch read as paid by method. One the run did not pay
		// (carried over) was held to the program's own minimum.
		var paid, carried []string
		for _, id := range slices.Sorted(maps.Keys(unpaid)) {
			if slices.ContainsFunc(b.Lines, func(ln ledger.BatchLine) bool { return ln.Bucket.Partner == id }) {
				paid = append(paid, id)
			} else {
				carried = append(carried, id)
			}
		}
		if len(paid) > 0 {
			fmt.Fprintf(stderr, "partnerops %s: warning: %s: no payment method in %s, paid under the program's own terms (no method's minimum, no fee)\n",
				cmd, strings.Join(paid, ", "), s.o.partners)
		}
		if len(carried) > 0 {
			fmt.Fprintf(stderr, "partnerops %s: warning: %s: no payment method in %s, not paid: carried over under the program's own minimum\n",
				cmd, strings.Join(carried, ", "), s.o.partners)
		}
	}
	// A batch paid before comes back as it was: say so, or the rerun
	// reads as a second payment.
	before := b.State == ledger.BatchPaid
	if s.records != nil && !s.o.open && b.State == ledger.BatchOpen {
		// An open batch run before (-open) comes back as it was, its
		// lines gated by the records of that run: the records given now
		// must let each of them be paid too, or marking it paid would pay
		// a partner they say cannot be.
		var blocked []string
		for _, ln := range b.Lines {
			if err := s.records.gate(ln.Bucket.Partner, b.AsOf); err != nil {
				blocked = append(blocked, ln.Bucket.String()+": "+oneLine(err.Error()))
			}
		}
		if len(blocked) > 0 {
			fmt.Fprintf(stderr, "partnerops %s: batch %s is open with lines that %s does not let be paid: not marked paid, it stays open (nothing recorded):\n  %s\n",
				cmd, b.ID, s.records.name, strings.Join(blocked, "\n  "))
			return exitFail
		}
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
	fmt.Fprintf(stdout, "batch %s as of %s: %s", b.ID, b.AsOf, b.State)
	if before {
		fmt.Fprintf(stdout, " (marked paid before, by %s on %s: nothing recorded)", b.PaidBy, b.PaidAt.UTC().Format(time.DateOnly))
	}
	fmt.Fprintln(stdout)
	// With payment methods (-partners), what each payment sends: net
	// less the method's fee.
	methods := slices.ContainsFunc(b.Lines, func(ln ledger.BatchLine) bool { return ln.Method != "" })
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	// (a currency column, as the ledger's statement has: a batch pays
	// each bucket in its own currency.)
	head := "partner\tpayee\tprogram\tcurrency\tclaims\tpayable\trecovered\tnet\t"
	if methods {
		head += "method\tfee\tsent\t"
	}
	fmt.Fprintln(tw, head)
	for _, ln := range b.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t", ln.Bucket.Partner, ln.Bucket.Payee, programOf(ln.Bucket), ln.Net.Currency(), len(ln.Claims),
			money(ln.Payable), money(ln.Recovered), money(ln.Net))
		if methods {
			fee, sent := money(ln.Fee), money(ln.Sent)
			if ln.Fee.IsZero() {
				fee, sent = money(incentive.Zero(ln.Net.Currency())), money(ln.Net)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t", cmp.Or(string(ln.Method), "-"), fee, sent)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, bl := range b.Blocked {
		fmt.Fprintf(stdout, "not paid: %s %s: %s\n", bl.Bucket, money(bl.Amount), bl.Reason)
	}
	return exitOK
}

// dayInstant returns an instant on day d in UTC and in each of locs: noon
// UTC when it is d in all of them (every zone from UTC-12 to UTC+11),
// otherwise the middle of the hours d spans in all of them (noon UTC when
// they share none).
func dayInstant(d incentive.Date, locs []*time.Location) time.Time {
	noon := d.In(time.UTC).Add(12 * time.Hour)
	lo, hi := d.In(time.UTC), d.AddDays(1).In(time.UTC)
	all := true
	for _, loc := range locs {
		all = all && incentive.DateOf(noon.In(loc)) == d
		if s := d.In(loc); s.After(lo) {
			lo = s
		}
		if e := d.AddDays(1).In(loc); e.Before(hi) {
			hi = e
		}
	}
	if all || !lo.Before(hi) {
		return noon
	}
	return lo.Add(hi.Sub(lo) / 2)
}

// money renders an amount of the ledger's output at its currency's places,
// grouped by thousands as run's statement writes amounts: 21,010.00.
func money(m incentive.Money) string {
	if m.Currency() == "" {
		return "0"
	}
	return amountText(m, m.Currency())
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

// writeLedgerStatement writes the ledger's statement as finance reads it:
// what it covers, one row per bucket (partner, payee, program) with its
// currency and its earnings by type beneath it, the totals of each
// currency, and what the columns mean. Amounts are grouped by thousands,
// as run's statement writes them.
func writeLedgerStatement(w io.Writer, st ledger.Statement) int {
	if st.Through.IsZero() {
		fmt.Fprintln(w, "Ledger statement: every entry to date")
	} else {
		fmt.Fprintf(w, "Ledger statement: entries effective through %s\n", st.Through)
	}
	if len(st.Lines) == 0 {
		fmt.Fprintln(w, "No partner has an entry.")
		return exitOK
	}
	fmt.Fprintln(w)
	rows := [][]string{{"partner", "payee", "program", "currency", "accrued", "approved", "held", "payable", "withheld", "batched", "paid", "clawed back", "voided", "balance"}}
	const textCols = 4
	amounts := func(ms ...incentive.Money) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = amountText(m, m.Currency())
		}
		return out
	}
	type total struct{ sum [10]incentive.Money }
	totals := map[incentive.Currency]*total{}
	for _, ln := range st.Lines {
		ms := []incentive.Money{ln.Accrued, ln.Approved, ln.Held, ln.Payable, ln.Withheld, ln.Batched, ln.Paid, ln.ClawedBack, ln.Voided, ln.Balance}
		cur := ln.Balance.Currency()
		rows = append(rows, append([]string{ln.Bucket.Partner, ln.Bucket.Payee, programOf(ln.Bucket), string(cur)}, amounts(ms...)...))
		for _, t := range ln.Types {
			// Payments, batches and withheld balances move a bucket's
			// money as a whole: by type there is no paid, batched,
			// withheld or balance.
			rows = append(rows, append(append([]string{"  type " + string(t.Type), "", "", ""}, amounts(t.Accrued, t.Approved, t.Held, t.Payable)...),
				"", "", "", amountText(t.ClawedBack, t.ClawedBack.Currency()), amountText(t.Voided, t.Voided.Currency()), ""))
		}
		tot := totals[cur]
		if tot == nil {
			tot = &total{}
			for i := range tot.sum {
				tot.sum[i] = incentive.Zero(cur)
			}
			totals[cur] = tot
		}
		for i, m := range ms {
			if sum, err := tot.sum[i].Add(m); err == nil {
				tot.sum[i] = sum
			}
		}
	}
	curs := slices.Sorted(maps.Keys(totals))
	rows = append(rows, make([]string, len(rows[0])))
	for _, cur := range curs {
		rows = append(rows, append([]string{"total", "", "", string(cur)}, amounts(totals[cur].sum[:]...)...))
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < textCols {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	b.WriteString("\n" + ledgerStatementKey)
	io.WriteString(w, b.String())
	return exitOK
}

// ledgerStatementKey says what the statement's columns mean.
const ledgerStatementKey = `On the statement date: accrued is claimed and not yet approved; held is approved
and inside its hold; payable waits for a payment run; withheld is what the payee
owes back (negative), recovered from later payments; batched is in a payment
batch not yet marked paid. balance = held + payable + withheld + batched: what is
still owed to the payee (negative: owed by the payee). approved, paid, clawed
back (after payment) and voided (approved, then clawed back before payment) are
totals of everything to that date: approved = balance + paid + clawed back + voided.
`

func writeJSON(stdout, stderr io.Writer, cmd string, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	return exitOK
}

// register compiles a program file, stores the program's source and
// registers it, without accruing deals (a program whose MDF funds are
// allocated before any claim, say).
func (s *ledgerSession) register(ctx context.Context, file string, stdout, stderr io.Writer) int {
	cmd := "ledger register"
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %v\n", cmd, err)
		return exitFail
	}
	f, err := rules.Compile(file, src)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %s\n", cmd, oneLine(err.Error()))
		return exitFail
	}
	var p *incentive.Program
	for _, c := range f.Programs {
		if s.o.program == "" && len(f.Programs) == 1 || c.ID == s.o.program {
			p = c
		}
	}
	if p == nil {
		fmt.Fprintf(stderr, "partnerops %s: %s has %s; name one with -program\n", cmd, file, plural(len(f.Programs), "program"))
		return exitFail
	}
	if err := s.registerStored(ctx); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: register the stored programs: %s\n", cmd, oneLine(err.Error()))
		return exitFail
	}
	if err := s.store.SaveProgram(ctx, sqlledger.ProgramSource{ID: p.ID, Version: p.Version, Hash: p.Hash, Name: file, Source: src}); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: %s\n", cmd, oneLine(err.Error()))
		return exitFail
	}
	if err := s.l.Register(ctx, ledger.RegisterParams{Program: p, Policy: policyFor(f, p.ID), Actor: s.actor}); err != nil {
		fmt.Fprintf(stderr, "partnerops %s: register %s v%d: %s\n", cmd, p.ID, p.Version, oneLine(err.Error()))
		return exitFail
	}
	fmt.Fprintf(stdout, "%s v%d registered in %s (hash %s)\n", p.ID, p.Version, s.o.db, short(p.Hash))
	return exitOK
}

// clawback takes back one claim.
func (s *ledgerSession) clawback(ctx context.Context, id string, stdout, stderr io.Writer) int {
	cmd := "ledger clawback"
	p := ledger.ClawBackParams{Key: s.o.key, Claim: id, Actor: s.actor, Reason: s.o.reason}
	if s.o.amount != "" {
		c, err := s.store.Claim(ctx, ledger.ClaimParams{ID: id})
		if err != nil {
			fmt.Fprintf(stderr, "partnerops %s: claim %s: %s\n", cmd, id, oneLine(err.Error()))
			return exitFail
		}
		m, err := incentive.ParseMoney(s.o.amount, string(c.Amount.Currency()))
		if err != nil {
			return usageError(stderr, "ledger", "bad -amount %q: %v", s.o.amount, err)
		}
		p.Amount = &m
	}
	c, err := s.l.ClawBack(ctx, p)
	if err != nil {
		fmt.Fprintf(stderr, "partnerops %s: claim %s: %s\n", cmd, id, oneLine(err.Error()))
		return exitFail
	}
	if s.o.json {
		return writeJSON(stdout, stderr, cmd, c)
	}
	fmt.Fprintf(stdout, "%s %s: %s\n", c.ID, c.State, c.Reason)
	return exitOK
}

// mdfUsage checks the flags an MDF verb requires before the database is
// opened; "" when they are all there.
func (o *ledgerOptions) mdfUsage(sub string) string {
	need := map[string][]string{
		"mdf allocate": {"fund", "program", "partner", "from", "to", "amount"},
		"mdf request":  {"fund", "request", "activity", "activity-end", "cost"},
		"mdf claim":    {"request", "cost"},
	}[sub]
	var missing []string
	for _, n := range need {
		if !o.set[n] {
			missing = append(missing, "-"+n)
		}
	}
	if len(missing) > 0 {
		return sub + " wants " + strings.Join(missing, ", ")
	}
	for _, d := range []struct{ name, v string }{{"from", o.from}, {"to", o.to}, {"activity-end", o.activityEnd}} {
		if d.v != "" {
			if _, err := incentive.ParseDate(d.v); err != nil {
				return fmt.Sprintf("bad -%s %q: want YYYY-MM-DD", d.name, d.v)
			}
		}
	}
	if o.set["share"] {
		if d, err := decimal.NewFromString(o.share); err != nil || d.Sign() <= 0 || d.GreaterThan(decimal.NewFromInt(1)) {
			return fmt.Sprintf("bad -share %q: want a decimal above 0 and at most 1", o.share)
		}
	}
	if _, err := parseProof(o.proof); err != nil {
		return err.Error()
	}
	return ""
}

// parseProof reads -proof NAME=REF,NAME=REF.
func parseProof(s string) ([]ledger.Document, error) {
	var docs []ledger.Document
	if s == "" {
		return nil, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, ref, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || name == "" || ref == "" {
			return nil, fmt.Errorf("bad -proof %q: want NAME=REF,...", part)
		}
		docs = append(docs, ledger.Document{Name: name, Ref: ref})
	}
	return docs, nil
}

// today is the day of the session's time: the -as-of date, the day an
// -as-of time names at the offset written (23:00-05:00 on December 31st is
// December 31st, not January 1st in UTC), or today in UTC.
func (s *ledgerSession) today() incentive.Date {
	if a, err := parseAsOf(s.o.asOf); err == nil && !a.instant.IsZero() {
		return incentive.DateOf(a.instant)
	}
	return incentive.DateOf(s.now.UTC())
}

// mdf runs one MDF verb.
func (s *ledgerSession) mdf(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) int {
	cmd := "ledger " + sub
	fail := func(what string, err error) int {
		fmt.Fprintf(stderr, "partnerops %s: %s: %s\n", cmd, what, oneLine(err.Error()))
		return exitFail
	}
	day := s.today()
	date := func(v string) incentive.Date { d, _ := incentive.ParseDate(v); return d }
	// amounts are in the currency of the fund's program
	moneyIn := func(flagName, v string, cur incentive.Currency) (incentive.Money, bool) {
		m, err := incentive.ParseMoney(v, string(cur))
		if err != nil {
			usageError(stderr, "ledger", "bad -%s %q: %v", flagName, v, err)
			return m, false
		}
		return m, true
	}
	fundCurrency := func(id string) (incentive.Currency, error) {
		f, err := s.store.Fund(ctx, ledger.FundParams{ID: id})
		return f.Allocated.Currency(), err
	}
	var out any
	switch sub {
	case "mdf allocate":
		cur, err := s.programCurrency(ctx, s.o.program)
		if err != nil {
			return fail("fund "+s.o.fund, err)
		}
		amt, ok := moneyIn("amount", s.o.amount, cur)
		if !ok {
			return exitUsage
		}
		f, err := s.l.AllocateFund(ctx, ledger.AllocateFundParams{ID: s.o.fund, Program: s.o.program, Partner: s.o.partner,
			From: date(s.o.from), To: date(s.o.to), Amount: amt, Share: decimal.RequireFromString(s.o.share), ProofDays: s.o.proofDays, Actor: s.actor})
		if err != nil {
			return fail("allocate fund "+s.o.fund, err)
		}
		out = f
		if !s.o.json {
			fmt.Fprintf(stdout, "fund %s: %s for %s, %s to %s, reimbursing %s of actual cost, proof due %d days after an activity\n",
				f.ID, money(f.Allocated)+" "+string(f.Allocated.Currency()), f.Partner, f.From, f.To, f.Share, f.ProofDays)
		}
	case "mdf request":
		cur, err := fundCurrency(s.o.fund)
		if err != nil {
			return fail("fund "+s.o.fund, err)
		}
		cost, ok := moneyIn("cost", s.o.cost, cur)
		if !ok {
			return exitUsage
		}
		r, err := s.l.RequestFunds(ctx, ledger.RequestFundsParams{ID: s.o.request, Fund: s.o.fund, Activity: s.o.activity, PlannedCost: cost,
			ActivityEnd: date(s.o.activityEnd), Actor: s.actor})
		if err != nil {
			return fail("request "+s.o.request, err)
		}
		out = r
		if !s.o.json {
			fmt.Fprintf(stdout, "request %s %s: %s planned for %s, ending %s\n", r.ID, r.State, money(r.PlannedCost), r.Activity, r.ActivityEnd)
		}
	case "mdf approve":
		var done []ledger.FundRequest
		code := exitOK
		for _, id := range args {
			p := ledger.DecideFundRequestParams{Request: id, Actor: s.actor, Reason: s.o.reason}
			if s.o.amount != "" {
				r, err := s.store.FundRequest(ctx, ledger.FundRequestParams{ID: id})
				if err != nil {
					fmt.Fprintf(stderr, "partnerops %s: request %s: %s\n", cmd, id, oneLine(err.Error()))
					code = exitFail
					continue
				}
				m, ok := moneyIn("amount", s.o.amount, r.PlannedCost.Currency())
				if !ok {
					return exitUsage
				}
				p.Amount = &m
			}
			r, err := s.l.ApproveFundRequest(ctx, p)
			if err != nil {
				fmt.Fprintf(stderr, "partnerops %s: request %s: %s\n", cmd, id, oneLine(err.Error()))
				code = exitFail
				continue
			}
			done = append(done, r)
		}
		if s.o.json {
			if c := writeJSON(stdout, stderr, cmd, done); c != exitOK {
				return c
			}
			return code
		}
		for _, r := range done {
			fmt.Fprintf(stdout, "request %s %s: %s reserved, proof due %s\n", r.ID, r.State, money(r.Approved), r.ProofDue)
		}
		return code
	case "mdf claim":
		r, err := s.store.FundRequest(ctx, ledger.FundRequestParams{ID: s.o.request})
		if err != nil {
			return fail("request "+s.o.request, err)
		}
		cost, ok := moneyIn("cost", s.o.cost, r.PlannedCost.Currency())
		if !ok {
			return exitUsage
		}
		proof, _ := parseProof(s.o.proof)
		c, err := s.l.ClaimFunds(ctx, ledger.ClaimFundsParams{Key: "mdf:" + r.ID, Request: r.ID, ActualCost: cost, Proof: proof, Actor: s.actor})
		if err != nil {
			if c.ID != "" && !s.o.json {
				fmt.Fprintf(stdout, "%s %s: %s\n", c.ID, c.State, c.Reason)
			}
			return fail("claim request "+r.ID, err)
		}
		out = c
		if !s.o.json {
			fmt.Fprintf(stdout, "%s %s %s: %s\n", c.ID, c.State, money(c.Amount), c.Reason)
		}
	case "mdf expire":
		fs, err := s.l.ExpireFunds(ctx, ledger.ExpireFundsParams{AsOf: day, Actor: s.actor})
		if err != nil {
			return fail("expire funds", err)
		}
		out = fs
		if !s.o.json {
			for _, f := range fs {
				fmt.Fprintf(stdout, "fund %s %s\n", f.ID, f.State)
			}
			fmt.Fprintf(stdout, "%s touched as of %s\n", plural(len(fs), "fund"), day)
		}
	case "mdf funds":
		fs, err := s.store.Funds(ctx, ledger.FundsParams{Partner: s.o.partner, Program: s.o.program})
		if err != nil {
			return fail("list funds", err)
		}
		bals := []ledger.FundBalance{}
		for _, f := range fs {
			b, err := s.l.FundBalance(ctx, ledger.FundBalanceParams{Fund: f.ID, On: day})
			if err != nil {
				return fail("fund "+f.ID, err)
			}
			bals = append(bals, b)
		}
		out = bals
		if !s.o.json {
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "fund\tpartner\tallocated\tavailable\treserved\treimbursed\texpired\t")
			for i, b := range bals {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", b.Fund, fs[i].Partner, money(b.Allocated), money(b.Available), money(b.Reserved), money(b.Reimbursed), money(b.Expired))
			}
			tw.Flush()
		}
	}
	if s.o.json {
		return writeJSON(stdout, stderr, cmd, out)
	}
	return exitOK
}

// programCurrency is the currency of a registered program.
func (s *ledgerSession) programCurrency(ctx context.Context, id string) (incentive.Currency, error) {
	srcs, err := s.store.Programs(ctx)
	if err != nil {
		return "", err
	}
	for _, src := range srcs {
		if src.ID == id {
			f, err := rules.Compile(src.Name, src.Source)
			if err != nil {
				return "", err
			}
			for _, p := range f.Programs {
				if p.Hash == src.Hash {
					return p.Currency, nil
				}
			}
		}
	}
	return "", fmt.Errorf("%w: %q (register it first: partnerops ledger register FILE)", ledger.ErrUnknownProgram, id)
}

// anchorList is the repeatable -anchor SEQ:HASH flag.
type anchorList []ledger.Anchor

func (a *anchorList) String() string {
	var parts []string
	for _, x := range *a {
		parts = append(parts, fmt.Sprintf("%d:%s", x.Seq, x.Hash))
	}
	return strings.Join(parts, ",")
}

func (a *anchorList) Set(v string) error {
	seq, hash, ok := strings.Cut(v, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	// An empty ledger's checkpoint is "0:" (no entries, no hash).
	if !ok || err != nil || n < 0 || (n > 0) != (hash != "") {
		return fmt.Errorf("want SEQ:HASH as partnerops ledger checkpoint prints it, got %q", v)
	}
	*a = append(*a, ledger.Anchor{Seq: n, Hash: hash})
	return nil
}

// programOf names a bucket's program, with #payout for a named payout
// bucket.
func programOf(b ledger.Bucket) string {
	if b.Payout != "" {
		return b.Program + "#" + b.Payout
	}
	return b.Program
}
