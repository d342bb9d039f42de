// Command embed-check is a small service written the way a Go developer
// new to partnerops would write it, from the README and the package
// documentation alone. It loads and compiles a program, reports a bad
// program file by file:line:col, evaluates deals inline, runs a batch in two
// chained parts, builds a statement, explains a deal, records claims on the
// embedded SQLite ledger (approve, pay, claw back, verify) with payments
// gated on the partner's lifecycle and documents, and tracks an onboarding
// plan.
//
// Run it from the repository root:
//
//	go run ./examples/embed-check
//
// The figures it prints are checked by hand in main_test.go.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/shopspring/decimal"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/sqlitestore"
	"github.com/partnerops/partnerops/milestone"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed-check:", err)
		os.Exit(1)
	}
}

// programID is examples/programs/q4-growth.yaml.
const programID = "q4-2026-partner-growth"

// badProgram has a misspelt key on line 13, column 5.
const badProgram = `apiVersion: partnerops/v1
kind: Program
id: broken
name: Broken
version: 1
currency: USD
effective: {from: 2026-10-01, to: 2026-12-31}
eligibility:
  - name: registered
    when: deal.registered
earnings:
  - id: base
    ammount: deal.amount * 0.02
`

// service holds what a partnerops-backed service keeps for its lifetime.
type service struct {
	program *incentive.Program
	ev      *incentive.Evaluator
	asOf    time.Time
}

func run(ctx context.Context, args []string, w io.Writer) error {
	flags := flag.NewFlagSet("embed-check", flag.ContinueOnError)
	dir := flags.String("dir", "examples/programs", "folder of program files")
	db := flags.String("db", "", "SQLite ledger file (default: a temporary folder)")
	if err := flags.Parse(args); err != nil {
		return err
	}

	// 1. Load and compile.
	set, err := rules.Load(os.DirFS(*dir), "q4-growth.yaml")
	if err != nil {
		return fmt.Errorf("programs in %s: %w", *dir, err)
	}
	program := set.Program(programID)
	if program == nil {
		return fmt.Errorf("no program %q in %s", programID, *dir)
	}
	ev, err := incentive.NewEvaluator(program)
	if err != nil {
		return err
	}
	s := &service{program: program, ev: ev, asOf: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}

	// A bad file: every error as file:line:col.
	if _, err := rules.Compile("broken.yaml", []byte(badProgram)); err != nil {
		var list rules.ErrorList
		if !errors.As(err, &list) {
			return fmt.Errorf("compile error is not a rules.ErrorList: %w", err)
		}
		for _, e := range list {
			fmt.Fprintf(w, "bad program: %s:%d:%d: %s\n", e.File, e.Line, e.Col, e.Msg)
		}
	} else {
		return errors.New("the bad program compiled")
	}

	if err := s.inline(ctx, w); err != nil {
		return err
	}
	if err := s.batch(ctx, w); err != nil {
		return err
	}
	path := *db
	if path == "" {
		tmp, err := os.MkdirTemp("", "embed-check")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "partnerops.db")
	}
	if err := s.ledger(ctx, w, path); err != nil {
		return err
	}
	return onboarding(w)
}

// Partners of the example.
var (
	northwind = partner.Partner{ID: "P-100", Name: "Northwind Resellers", Tier: "gold", Type: partner.Reseller}
	contoso   = partner.Partner{ID: "P-200", Name: "Contoso Cloud", Tier: "platinum", Type: partner.MSP}
	fabrikam  = partner.Partner{ID: "P-300", Name: "Fabrikam", Tier: "bronze", Type: partner.Reseller}
)

// deal builds a registered deal of the example program.
func deal(id string, pt partner.Partner, typ incentive.DealType, amount, segment string, closed time.Time) (incentive.Input, error) {
	m, err := incentive.ParseMoney(amount, "USD")
	if err != nil {
		return incentive.Input{}, err
	}
	return incentive.Input{
		Deal: incentive.Deal{
			ID: id, PartnerID: pt.ID, CloseDate: closed, Amount: m, Type: typ,
			Registration: &incentive.Registration{ID: "REG-" + id, Approved: incentive.Date{Year: 2026, Month: time.September, Day: 20}},
			Fields:       map[string]any{"segment": segment},
		},
		Partner: pt,
	}, nil
}

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 15, 0, 0, 0, time.UTC) }

// inline evaluates one deal the way a request handler would.
func (s *service) inline(ctx context.Context, w io.Writer) error {
	in, err := deal("OPP-1", northwind, incentive.NewBusiness, "12000.00", "smb", day(time.November, 3))
	if err != nil {
		return err
	}
	full, err := s.ev.Evaluate(ctx, in, s.asOf)
	if err != nil {
		return err
	}
	fast, err := s.ev.EvaluateNoTrace(ctx, in, s.asOf)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "inline: %s %s (no trace: %s, %d steps)\n", full.DealID, full.Total, fast.Total, len(fast.Trace))

	// A deal in another currency without rates is a clear error.
	eur := in
	eur.Deal.Amount = incentive.MustParseMoney("1000.00", "EUR")
	if _, err := s.ev.Evaluate(ctx, eur, s.asOf); err != nil {
		var ee *incentive.EvalError
		fmt.Fprintf(w, "inline EUR: EvalError %v, no rate %v\n", errors.As(err, &ee), errors.Is(err, incentive.ErrNoRate))
	}
	return nil
}

// partA and partB are one quarter's deals split into two runs.
func partA() ([]incentive.Input, error) {
	return inputs(
		func() (incentive.Input, error) {
			return deal("A-1", northwind, incentive.NewBusiness, "12000.00", "smb", day(time.October, 5))
		},
		func() (incentive.Input, error) {
			return deal("A-2", contoso, incentive.NewBusiness, "60000.00", "enterprise", day(time.October, 6))
		},
	)
}

func partB() ([]incentive.Input, error) {
	return inputs(
		func() (incentive.Input, error) {
			return deal("B-1", northwind, incentive.Upsell, "95000.00", "smb", day(time.November, 10))
		},
		func() (incentive.Input, error) {
			return deal("B-2", fabrikam, incentive.NewBusiness, "5000.00", "smb", day(time.November, 11))
		},
	)
}

func inputs(fs ...func() (incentive.Input, error)) ([]incentive.Input, error) {
	var out []incentive.Input
	for _, f := range fs {
		in, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	incentive.SortInputs(out)
	return out, nil
}

func seq(ins []incentive.Input) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// batch runs part A, then part B chained from A's counts, into one statement.
func (s *service) batch(ctx context.Context, w io.Writer) error {
	a, err := partA()
	if err != nil {
		return err
	}
	b, err := partB()
	if err != nil {
		return err
	}
	statement := s.ev.NewStatement(nil)
	var counts incentive.RunCounts
	// Period totals the next run starts from, per partner.
	type totals struct{ amount, earned decimal.Decimal }
	seen := map[string]totals{}
	for r, err := range s.ev.Run(ctx, seq(a), incentive.RunOptions{AsOf: s.asOf, Workers: 2, NoTrace: true, ReuseResults: true, Counts: &counts}) {
		if err != nil {
			return err
		}
		if err := statement.Add(r); err != nil {
			return err
		}
		if r.Eligible {
			t := seen[r.PartnerID]
			for _, in := range a {
				if in.Deal.ID == r.DealID {
					t.amount = t.amount.Add(in.Deal.Amount.Amount())
				}
			}
			t.earned = t.earned.Add(r.Total.Amount())
			seen[r.PartnerID] = t
		}
	}
	used, ok := counts.BudgetUsed()
	if !ok {
		return errors.New("run A reported no budget use")
	}
	fmt.Fprintf(w, "run A: budget used %s\n", used.StringFixed(2))

	var countsB incentive.RunCounts
	prior := func(partnerID string) incentive.Prior {
		t := seen[partnerID]
		return incentive.Prior{PeriodAmount: t.amount, PeriodEarned: t.earned}
	}
	for r, err := range s.ev.Run(ctx, seq(b), incentive.RunOptions{AsOf: s.asOf, Workers: 2, Prior: prior, BudgetUsed: used, Counts: &countsB}) {
		if err != nil {
			return err
		}
		if err := statement.Add(r); err != nil {
			return err
		}
	}
	usedB, ok := countsB.BudgetUsed()
	if !ok {
		return errors.New("run B reported no budget use")
	}
	fmt.Fprintf(w, "run B: budget used %s\n", usedB.StringFixed(2))
	st := statement.Statement()
	m := incentive.NewMoney(usedB, s.program.Currency)
	st.BudgetUsed = &m
	if err := st.WriteText(w); err != nil {
		return err
	}

	// Explain one deal of the batch: evaluate it alone with the partner's
	// totals before it as Prior.
	in := b[0]
	in.Prior = prior(in.Deal.PartnerID)
	r, err := s.ev.Evaluate(ctx, in, s.asOf)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, r.Explain())
	return nil
}

// ledger records claims on the embedded SQLite store.
func (s *service) ledger(ctx context.Context, w io.Writer, path string) error {
	store, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()

	// Partner records: Northwind is active with its documents on file;
	// Contoso's tax form has expired by the payment date.
	partners := store.Partners()
	taxUntil := map[string]partner.Date{"P-100": partner.MustDate("2027-12-31"), "P-200": partner.MustDate("2026-11-30")}
	for _, pt := range []partner.Partner{northwind, contoso} {
		rec := pt
		rec.Contacts = []partner.Contact{{Role: partner.RolePayee, Name: "Pat Payee", Email: "pat@example.com"}}
		rec.Payment = &partner.PaymentDetails{Method: partner.BankTransfer, AccountHolder: pt.Name, AccountRef: "****1234", Currency: "USD"}
		rec.Documents = []partner.Document{
			{ID: pt.ID + "-agr", Kind: partner.Agreement, Status: partner.DocApproved, ValidFrom: partner.MustDate("2026-01-01")},
			{ID: pt.ID + "-w9", Kind: partner.TaxForm, Form: "W-9", Status: partner.DocApproved, ValidFrom: partner.MustDate("2026-01-01"), ValidUntil: taxUntil[pt.ID]},
		}
		var lc partner.Lifecycle
		at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
		if _, err := lc.Transition(&rec, partner.TransitionRequest{To: partner.Onboarding, At: at, Actor: "ops"}); err != nil {
			return err
		}
		if _, err := lc.Transition(&rec, partner.TransitionRequest{To: partner.Active, At: at.Add(time.Hour), Actor: "ops"}); err != nil {
			return err
		}
		if _, err := partners.CreatePartner(ctx, partner.CreatePartnerParams{Partner: &rec}); err != nil && !errors.Is(err, partner.ErrConflict) {
			return err // ErrConflict: on file from an earlier run
		}
	}
	gate := func(partnerID string, on incentive.Date) error {
		pt, err := partners.GetPartner(ctx, partner.GetPartnerParams{ID: partnerID})
		if err != nil {
			return err
		}
		return pt.CanBePaidOn(partner.Date(on))
	}

	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	l, err := ledger.New(ledger.Config{
		Store: store,
		Clock: func() time.Time { return now },
		// Random IDs: the default counters start again at 1 in each
		// process and would collide with the records of an earlier run
		// in the same file.
		NewID:     randomID,
		PayeeGate: gate,
	})
	if err != nil {
		return err
	}
	if err := l.Register(ctx, ledger.RegisterParams{Program: s.program, Actor: "ops"}); err != nil {
		return err
	}
	a, err := partA()
	if err != nil {
		return err
	}
	var claims []ledger.Claim
	for _, in := range a {
		c, err := l.Submit(ctx, ledger.SubmitParams{Key: "submit-" + in.Deal.ID, Program: programID, Deal: in.Deal, Partner: in.Partner, Actor: "ops"})
		if err != nil {
			return err
		}
		c, err = l.Approve(ctx, ledger.ApproveParams{Claim: c.ID, Actor: "manager", Role: ledger.RoleManager})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "claim %s %s %s\n", c.Deal, c.Amount, c.State)
		claims = append(claims, c)
	}
	// A duplicate claim is rejected with a typed error.
	if _, err := l.Submit(ctx, ledger.SubmitParams{Key: "submit-again", Program: programID, Deal: a[0].Deal, Partner: a[0].Partner, Actor: "ops"}); err != nil {
		fmt.Fprintf(w, "duplicate: %v\n", errors.Is(err, ledger.ErrDuplicateClaim))
	}
	batch, err := l.RunPayments(ctx, ledger.RunPaymentsParams{Batch: "DEC-2026", AsOf: incentive.Date{Year: 2026, Month: time.December, Day: 1}, Actor: "finance"})
	if err != nil {
		return err
	}
	for _, line := range batch.Lines {
		fmt.Fprintf(w, "pay %s %s\n", line.Bucket.Partner, line.Net)
	}
	for _, b := range batch.Blocked {
		fmt.Fprintf(w, "blocked %s %s: %s\n", b.Bucket.Partner, b.Amount, b.Reason)
	}
	if _, err := l.MarkPaid(ctx, ledger.MarkPaidParams{Batch: batch.ID, Actor: "finance"}); err != nil {
		return err
	}
	part := incentive.MustParseMoney("100.00", "USD")
	c, err := l.ClawBack(ctx, ledger.ClawBackParams{Key: "cb-1", Claim: claims[0].ID, Amount: &part, Actor: "finance", Reason: "partial refund"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "clawed back %s: %s, %s of %s\n", c.Deal, c.State, c.ClawedBack, c.Paid)

	// The blocked payment is also a notice, from the same gate.
	notices, err := l.Notices(ctx, ledger.NoticesParams{AsOf: incentive.Date{Year: 2026, Month: time.December, Day: 1}, Within: 30})
	if err != nil {
		return err
	}
	for _, n := range notices {
		fmt.Fprintf(w, "notice %s %s %s\n", n.Kind, n.Partner, n.Amount)
	}
	st, err := l.Statement(ctx, ledger.StatementParams{})
	if err != nil {
		return err
	}
	for _, ln := range st.Lines {
		fmt.Fprintf(w, "ledger %s paid %s clawed back %s withheld %s payable %s balance %s\n",
			ln.Bucket.Partner, ln.Paid, ln.ClawedBack, ln.Withheld, ln.Payable, ln.Balance)
		for _, ty := range ln.Types {
			fmt.Fprintf(w, "  type %s approved %s clawed back %s\n", ty.Type, ty.Approved, ty.ClawedBack)
		}
	}
	head, err := l.Verify(ctx, ledger.VerifyParams{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "verified %d entries\n", head.Seq)
	return nil
}

// randomID is a ledger record ID that no earlier run has used.
func randomID(kind string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return kind + "-" + hex.EncodeToString(b)
}

// onboarding tracks a partner's onboarding plan.
func onboarding(w io.Writer) error {
	start := milestone.MustDate("2026-11-02")
	plan := &milestone.Plan{
		ID: "onb-P-300", Subject: "P-300", Name: "Fabrikam onboarding", Owner: "pm", Start: start,
		Milestones: []milestone.Milestone{
			{ID: "agreement", Owner: "legal", Due: start.AddDays(7), Duration: 3},
			{ID: "training", Owner: "enablement", Due: start.AddDays(21), Duration: 10, DependsOn: []string{"agreement"}},
		},
	}
	if err := plan.Validate(); err != nil {
		return err
	}
	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := plan.Apply(milestone.Event{Kind: milestone.EventStatus, At: at, Actor: "legal", Milestone: "agreement", To: milestone.InProgress}); err != nil {
		return err
	}
	h, err := milestone.Config{}.Health(plan, time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	for _, m := range h.Milestones {
		fmt.Fprintf(w, "milestone %s %s (%s)\n", m.ID, m.Health, m.Reason)
	}
	fmt.Fprintf(w, "plan %s\n", h.Health)
	return nil
}
