package ledger_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/memstore"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// spiff pays 2% of the deal amount on deals closing in Q4 2026, claimable
// for 60 days after the close.
func spiff() *incentive.Program {
	return &incentive.Program{
		ID: "q4-spiff", Version: 1, Hash: "sha256:example", Currency: "USD",
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 10, Day: 1}, To: incentive.Date{Year: 2026, Month: 12, Day: 31}},
		Claims:    incentive.ClaimWindow{Days: 60},
		Earnings: []incentive.Earning{{ID: "base", Type: incentive.Spiff,
			Amount: incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.02"))}},
	}
}

// fixedClock returns a clock the example moves by hand.
func fixedClock(t *time.Time) func() time.Time { return func() time.Time { return *t } }

func deal(id, amount string, closed time.Time) incentive.Deal {
	return incentive.Deal{ID: id, PartnerID: "acme", CloseDate: closed, Amount: incentive.MustParseMoney(amount, "USD")}
}

// A claim from submission to payment, then clawed back when the deal is
// cancelled; the next payout recovers it.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	l, _ := ledger.New(ledger.Config{Store: memstore.New(), Clock: fixedClock(&now)})
	budget := incentive.MustParseMoney("10000.00", "USD")
	policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{
		{From: decimal.Zero}, // auto-approve
		{From: decimal.RequireFromString("1000"), Roles: []string{ledger.RoleManager}}, // a manager from 1,000
	}}
	_ = l.Register(ctx, ledger.RegisterParams{Program: spiff(), Policy: policy, Budget: &budget, Actor: "ops"})

	acme := partner.Partner{ID: "acme", Tier: "gold"}
	c, _ := l.Submit(ctx, ledger.SubmitParams{Key: "crm:D-1", Program: "q4-spiff", Deal: deal("D-1", "60000.00", now), Partner: acme, Actor: "rep@acme"})
	fmt.Println(c.ID, c.State, c.Amount)
	c, _ = l.Approve(ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager})
	fmt.Println(c.ID, c.State)

	b, _ := l.RunPayments(ctx, ledger.RunPaymentsParams{Batch: "2026-11", AsOf: incentive.DateOf(now), Actor: "finance"})
	b, _ = l.MarkPaid(ctx, ledger.MarkPaidParams{Batch: b.ID, Actor: "finance"})
	fmt.Println("batch", b.ID, b.State, b.Lines[0].Net)

	now = now.AddDate(0, 0, 10)
	c, _ = l.ClawBack(ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "ops", Reason: "deal cancelled"})
	fmt.Println(c.ID, c.State, "clawed back", c.ClawedBack)

	c2, _ := l.Submit(ctx, ledger.SubmitParams{Key: "crm:D-2", Program: "q4-spiff", Deal: deal("D-2", "40000.00", now), Partner: acme, Actor: "rep@acme"})
	fmt.Println(c2.ID, c2.State, c2.Amount)
	b, _ = l.RunPayments(ctx, ledger.RunPaymentsParams{Batch: "2026-12", AsOf: incentive.DateOf(now), Actor: "finance"})
	fmt.Println("batch", b.ID, "recovered", b.Lines[0].Recovered, "net", b.Lines[0].Net)

	st, _ := l.Statement(ctx, ledger.StatementParams{Partner: "acme"})
	ln := st.Lines[0]
	fmt.Println("paid", ln.Paid, "clawed back", ln.ClawedBack, "withheld", ln.Withheld, "balance", ln.Balance)
	// Output:
	// claim-000001 pending_approval 1200.00 USD
	// claim-000001 payable
	// batch 2026-11 paid 1200.00 USD
	// claim-000001 clawed_back clawed back 1200.00 USD
	// claim-000002 payable 800.00 USD
	// batch 2026-12 recovered 800.00 USD net 0.00 USD
	// paid 1200.00 USD clawed back 1200.00 USD withheld -400.00 USD balance -400.00 USD
}

// A claim after its window is rejected with the dates; the same claim can
// be routed to a named approver as an exception.
func ExampleLedger_Submit_late() {
	ctx := context.Background()
	now := time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)
	l, _ := ledger.New(ledger.Config{Store: memstore.New(), Clock: fixedClock(&now)})
	_ = l.Register(ctx, ledger.RegisterParams{Program: spiff()})
	closed := time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC) // claims due by 2026-11-02 + 60 days = 2027-01-01
	d := deal("D-7", "12000.00", closed)
	acme := partner.Partner{ID: "acme", Tier: "gold"}

	_, err := l.Submit(ctx, ledger.SubmitParams{Key: "crm:D-7", Program: "q4-spiff", Deal: d, Partner: acme, Actor: "rep@acme"})
	fmt.Println(errors.Is(err, ledger.ErrClaimWindow))
	fmt.Println(err)

	c, err := l.Submit(ctx, ledger.SubmitParams{Key: "crm:D-7:exception", Program: "q4-spiff", Deal: d, Partner: acme, Actor: "rep@acme",
		Exception: &ledger.Exception{Approver: "vp-sales", Justification: "CRM outage held the close in draft"}})
	fmt.Println(c.State, c.Steps[0].Approver, err)
	// Output:
	// true
	// claim claim-000001 rejected: claim window closed: the deal closed on 2026-11-02, claims were due by 2027-01-01, and this claim came on 2027-01-15
	// pending_approval vp-sales <nil>
}

// MDF: a fund, a pre-approved activity, a claim reimbursed at the fund's
// share and capped at the approved amount.
func ExampleLedger_ClaimFunds() {
	ctx := context.Background()
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	l, _ := ledger.New(ledger.Config{Store: memstore.New(), Clock: fixedClock(&now)})
	mdf := &incentive.Program{ID: "mdf-2026", Version: 1, Hash: "sha256:mdf", Currency: "USD",
		Earnings: []incentive.Earning{{ID: "none", Type: incentive.MDF, Amount: incentive.Const(decimal.Zero)}}}
	_ = l.Register(ctx, ledger.RegisterParams{Program: mdf, Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}})
	q4 := func(m time.Month, d int) incentive.Date { return incentive.Date{Year: 2026, Month: m, Day: d} }
	usd := func(s string) incentive.Money { return incentive.MustParseMoney(s, "USD") }

	_, _ = l.AllocateFund(ctx, ledger.AllocateFundParams{ID: "acme-q4", Program: "mdf-2026", Partner: "acme", From: q4(10, 1), To: q4(12, 31),
		Amount: usd("10000.00"), Share: decimal.RequireFromString("0.5"), ProofDays: 30, Actor: "ops"})
	_, _ = l.RequestFunds(ctx, ledger.RequestFundsParams{ID: "webinar", Fund: "acme-q4", Activity: "webinar", PlannedCost: usd("4000.00"),
		ActivityEnd: q4(11, 15), Actor: "acme"})
	r, _ := l.ApproveFundRequest(ctx, ledger.DecideFundRequestParams{Request: "webinar", Actor: "mia"})
	fmt.Println("approved", r.Approved, "proof due", r.ProofDue)

	now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	c, _ := l.ClaimFunds(ctx, ledger.ClaimFundsParams{Key: "webinar-claim", Request: "webinar", ActualCost: usd("5000.00"),
		Proof: []ledger.Document{{Name: "invoice.pdf", Ref: "dms://123"}}, Actor: "acme"})
	fmt.Println(c.State, c.Amount, "-", c.Reason)
	fb, _ := l.FundBalance(ctx, ledger.FundBalanceParams{Fund: "acme-q4"})
	fmt.Println("available", fb.Available, "reimbursed", fb.Reimbursed)
	// Output:
	// approved 2000.00 USD proof due 2026-12-15
	// payable 2000.00 USD - reimbursement 5000.00 USD x 0.5 = 2500.00 USD, capped at the approved 2000.00 USD
	// available 8000.00 USD reimbursed 2000.00 USD
}

// The audit export lists every posting with its entry's hash chain and the
// events of what it moved; Replay checks the chain and every figure.
func ExampleLedger_ExportCSV() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	l, _ := ledger.New(ledger.Config{Store: memstore.New(), Clock: fixedClock(&now)})
	_ = l.Register(ctx, ledger.RegisterParams{Program: spiff(), Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}})
	_, _ = l.Submit(ctx, ledger.SubmitParams{Key: "k", Program: "q4-spiff", Deal: deal("D-1", "1000.00", now),
		Partner: partner.Partner{ID: "acme"}, Actor: "rep@acme"})
	var buf bytes.Buffer
	_ = l.ExportCSV(ctx, &buf, ledger.ExportParams{})
	rows, _ := csv.NewReader(&buf).ReadAll()
	for _, r := range rows {
		// seq, kind, account, amount (1,000.00 x 2% = 20.00), actor
		fmt.Println(r[0], r[2], r[17], r[19], r[15])
	}
	fmt.Println(rows[1][27])
	rep, err := l.Replay(ctx, ledger.ReplayParams{})
	fmt.Println("replayed", rep.Entries, "entries,", rep.Accruals, "accrual,", len(rep.Mismatches), "mismatches,", err)
	// Output:
	// seq kind account amount actor
	// 1 accrual program/q4-spiff/budget -20.00 rep@acme
	// 1 accrual partner/acme/partner/q4-spiff/accrued 20.00 rep@acme
	// 2 approval partner/acme/partner/q4-spiff/accrued -20.00 system
	// 2 approval partner/acme/partner/q4-spiff/payable 20.00 system
	// 2026-11-03T09:00:00Z rep@acme ->submitted: claim for deal D-1 | 2026-11-03T09:00:00Z rep@acme submitted->pending_approval: submitted | 2026-11-03T09:00:00Z system pending_approval->approved: auto-approved below the approval threshold | 2026-11-03T09:00:00Z system approved->payable: payable
	// replayed 2 entries, 1 accrual, 0 mismatches, <nil>
}

// The ledger never reads the system clock: a Config without one is an
// error.
func ExampleNew() {
	_, err := ledger.New(ledger.Config{Store: memstore.New()})
	fmt.Println(errors.Is(err, ledger.ErrInvalid), err)
	// Output:
	// true invalid request: Config.Clock is nil
}

// VerifyChain finds an entry changed after it was written.
func ExampleVerifyChain() {
	amt := incentive.MustParseMoney("100.00", "USD")
	es := []ledger.Entry{
		{ID: "e1", Kind: ledger.EntryBudget, Postings: []ledger.Posting{{Account: ledger.ProgramFunding("p"), Amount: amt.Neg()}, {Account: ledger.ProgramBudget("p"), Amount: amt}}},
		{ID: "e2", Kind: ledger.EntryBudget, Postings: []ledger.Posting{{Account: ledger.ProgramFunding("p"), Amount: amt.Neg()}, {Account: ledger.ProgramBudget("p"), Amount: amt}}},
	}
	head := ledger.Seal(ledger.Head{}, es)
	fmt.Println("sealed", head.Seq)
	_, err := ledger.VerifyChain(ledger.Head{}, es)
	fmt.Println(err)
	es[0].Actor = "mallory"
	_, err = ledger.VerifyChain(ledger.Head{}, es)
	fmt.Println(err)
	// Output:
	// sealed 2
	// <nil>
	// hash chain broken at entry 1: content does not match its hash (the entry was changed)
}

// A checkpoint kept outside the store detects entries removed from the
// end of the chain, which the chain alone cannot.
func ExampleLedger_Verify() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	store := memstore.New()
	l, _ := ledger.New(ledger.Config{Store: store, Clock: fixedClock(&now)})
	budget := incentive.MustParseMoney("10000.00", "USD")
	_ = l.Register(ctx, ledger.RegisterParams{Program: spiff(), Budget: &budget, Actor: "ops"})
	acme := partner.Partner{ID: "acme", Tier: "gold"}
	_, _ = l.Submit(ctx, ledger.SubmitParams{Key: "crm:D-1", Program: "q4-spiff", Deal: deal("D-1", "1000.00", now), Partner: acme, Actor: "rep@acme"})

	anchor, _ := l.Checkpoint(ctx, ledger.CheckpointParams{}) // keep it elsewhere
	head, err := l.Verify(ctx, ledger.VerifyParams{Anchors: []ledger.Anchor{anchor}})
	fmt.Println(head.Seq, err)

	// The same store read by someone who cut the last entry.
	cut, _ := ledger.New(ledger.Config{Store: cutStore{Store: store, keep: 1}, Clock: fixedClock(&now)})
	_, err = cut.Verify(ctx, ledger.VerifyParams{Anchors: []ledger.Anchor{anchor}})
	fmt.Println(errors.Is(err, ledger.ErrChainTruncated))
	// Output:
	// 2 <nil>
	// true
}

// A partner cap of 300.00 per quarter binds across claims, however many
// arrive at once: the store guards it.
func ExampleLedger_Submit_partnerCap() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	l, _ := ledger.New(ledger.Config{Store: memstore.New(), Clock: fixedClock(&now)})
	p := spiff()
	p.Period = incentive.PeriodQuarter
	p.Caps = []incentive.Cap{{Scope: incentive.CapPartner, Limit: decimal.RequireFromString("300")}}
	_ = l.Register(ctx, ledger.RegisterParams{Program: p})
	acme := partner.Partner{ID: "acme", Tier: "gold"}
	for _, id := range []string{"D-1", "D-2", "D-3"} {
		// each deal earns 10,000.00 x 2% = 200.00
		c, err := l.Submit(ctx, ledger.SubmitParams{Key: "crm:" + id, Program: "q4-spiff", Deal: deal(id, "10000.00", now), Partner: acme, Actor: "rep@acme"})
		fmt.Println(id, c.State, c.Amount, errors.Is(err, ledger.ErrPartnerCapExceeded))
	}
	// Output:
	// D-1 pending_approval 200.00 USD false
	// D-2 pending_approval 100.00 USD false
	// D-3 rejected 0.00 USD true
}
