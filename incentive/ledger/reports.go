package ledger

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// pageSize is how many entries reports read per store call.
const pageSize = 10_000

// eachEntry calls fn for every entry matching p, in sequence order, reading
// the store page by page.
func (l *Ledger) eachEntry(ctx context.Context, p EntriesParams, fn func(*Entry) error) error {
	p.Limit = pageSize
	for {
		es, err := l.cfg.Store.Entries(ctx, p)
		if err != nil {
			return err
		}
		for i := range es {
			if err := fn(&es[i]); err != nil {
				return err
			}
		}
		if len(es) < pageSize {
			return nil
		}
		p.AfterSeq = es[len(es)-1].Seq
	}
}

// accountCache parses each distinct account once.
type accountCache map[Account]AccountInfo

func (c accountCache) parse(a Account) (AccountInfo, error) {
	if info, ok := c[a]; ok {
		return info, nil
	}
	info, err := a.Parse()
	if err != nil {
		return info, err
	}
	c[a] = info
	return info, nil
}

// TypeLine is a bucket's earnings of one type. Payments and the recovery
// of withheld balances move a bucket's money as a whole, so paid, batched
// and withheld amounts are given per bucket (StatementLine), not per type.
type TypeLine struct {
	Type incentive.EarningType `json:"type"`
	// Accrued is submitted and not yet approved.
	Accrued incentive.Money `json:"accrued"`
	// Approved is everything approved (cumulative).
	Approved incentive.Money `json:"approved"`
	// Held and Payable are balances on the statement date.
	Held    incentive.Money `json:"held"`
	Payable incentive.Money `json:"payable"`
	// ClawedBack is everything clawed back after payment (cumulative).
	ClawedBack incentive.Money `json:"clawed_back"`
	// Voided is everything approved and then voided before payment (a
	// clawback of an unpaid claim, out of held or payable; cumulative).
	Voided incentive.Money `json:"voided"`
}

// StatementLine is one bucket (partner, payee, program) of a statement.
// Amounts are balances on the statement date, except Approved, Paid and
// ClawedBack, which are cumulative.
type StatementLine struct {
	Bucket   Bucket          `json:"bucket"`
	Accrued  incentive.Money `json:"accrued"`
	Approved incentive.Money `json:"approved"`
	Held     incentive.Money `json:"held"`
	Payable  incentive.Money `json:"payable"`
	// Withheld is what the partner owes back (negative), recovered from
	// later payouts.
	Withheld   incentive.Money `json:"withheld"`
	Batched    incentive.Money `json:"batched"`
	Paid       incentive.Money `json:"paid"`
	ClawedBack incentive.Money `json:"clawed_back"`
	// Voided is what was approved and then voided before payment (a
	// clawback of an unpaid claim, out of held or payable): Approved =
	// Balance + Paid + ClawedBack + Voided.
	Voided incentive.Money `json:"voided"`
	// Balance is held + payable + withheld + batched: what is still owed to
	// the payee (negative: owed by the payee).
	Balance incentive.Money `json:"balance"`
	// Types break accrued, approved and clawed back down by earning type.
	Types []TypeLine `json:"types"`
}

// Statement is every bucket's position on a date, derived from entries.
type Statement struct {
	Through incentive.Date  `json:"through,omitzero"`
	Lines   []StatementLine `json:"lines"`
}

// StatementParams selects a statement.
type StatementParams struct {
	// Partner limits the statement to one partner; empty: all partners.
	Partner string
	// Through counts entries effective on or before it; zero: all.
	Through incentive.Date
}

type stmtAcc struct {
	kinds  map[BucketKind]*acc
	cur    incentive.Currency
	types  map[incentive.EarningType]*[6]acc // accrued, approved, clawed back, held, payable, voided
	voided acc
}

func (s *stmtAcc) kind(k BucketKind) decimal.Decimal {
	if a := s.kinds[k]; a != nil {
		return a.value()
	}
	return decimal.Zero
}

// Statement derives balances per partner, payee and program, with earnings
// by type, from the entries alone.
func (l *Ledger) Statement(ctx context.Context, p StatementParams) (Statement, error) {
	accs := map[Bucket]*stmtAcc{}
	cache := accountCache{}
	err := l.eachEntry(ctx, EntriesParams{Partner: p.Partner}, func(e *Entry) error {
		if !p.Through.IsZero() && e.Effective.After(p.Through) {
			return nil
		}
		for _, ps := range e.Postings {
			info, err := cache.parse(ps.Account)
			if err != nil {
				return err
			}
			if info.Scope != "partner" || (p.Partner != "" && info.Bucket.Partner != p.Partner) {
				continue
			}
			a := accs[info.Bucket]
			if a == nil {
				a = &stmtAcc{kinds: map[BucketKind]*acc{}, cur: ps.Amount.Currency(), types: map[incentive.EarningType]*[6]acc{}}
				accs[info.Bucket] = a
			}
			k, amt := BucketKind(info.Kind), ps.Amount.Amount()
			ka := a.kinds[k]
			if ka == nil {
				ka = &acc{}
				a.kinds[k] = ka
			}
			ka.add(amt)
			// A void (a release out of held or payable) takes back
			// what was approved and not paid.
			void := e.Kind == EntryRelease && (k == Held || k == Payable)
			if void {
				a.voided.add(amt.Neg())
			}
			if ps.Type == "" {
				continue
			}
			t := a.types[ps.Type]
			if t == nil {
				t = &[6]acc{}
				a.types[ps.Type] = t
			}
			if void {
				t[5].add(amt.Neg())
			}
			switch k {
			case Accrued:
				t[0].add(amt)
			case ClawedBack:
				t[2].add(amt)
			case Held:
				t[3].add(amt)
			case Payable:
				t[4].add(amt)
			}
			if e.Kind == EntryApproval && k != Accrued && amt.Sign() > 0 {
				t[1].add(amt)
			}
		}
		return nil
	})
	if err != nil {
		return Statement{}, err
	}
	st := Statement{Through: p.Through, Lines: make([]StatementLine, 0, len(accs))}
	for b, a := range accs {
		m := func(d decimal.Decimal) incentive.Money { return incentive.NewMoney(d, a.cur) }
		approved := decimal.Zero
		ln := StatementLine{Bucket: b, Accrued: m(a.kind(Accrued)), Held: m(a.kind(Held)), Payable: m(a.kind(Payable)),
			Withheld: m(a.kind(Withheld)), Batched: m(a.kind(Batched)), Paid: m(a.kind(Paid)), ClawedBack: m(a.kind(ClawedBack)), Voided: m(a.voided.value()),
			Balance: m(a.kind(Held).Add(a.kind(Payable)).Add(a.kind(Withheld)).Add(a.kind(Batched))), Types: []TypeLine{}}
		for _, t := range slices.Sorted(mapKeys(a.types)) {
			v := a.types[t]
			approved = approved.Add(v[1].value())
			ln.Types = append(ln.Types, TypeLine{Type: t, Accrued: m(v[0].value()), Approved: m(v[1].value()), ClawedBack: m(v[2].value()),
				Held: m(v[3].value()), Payable: m(v[4].value()), Voided: m(v[5].value())})
		}
		ln.Approved = m(approved)
		st.Lines = append(st.Lines, ln)
	}
	slices.SortFunc(st.Lines, func(a, b StatementLine) int { return compareBuckets(a.Bucket, b.Bucket) })
	return st, nil
}

func compareBuckets(a, b Bucket) int {
	return cmp.Or(cmp.Compare(a.Partner, b.Partner), cmp.Compare(a.Payee, b.Payee), cmp.Compare(a.Program, b.Program), cmp.Compare(a.Payout, b.Payout))
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TypeOutcome is a program's spend of one earning type.
type TypeOutcome struct {
	Type incentive.EarningType `json:"type"`
	// Accrued is approved or pending (budget committed); ClawedBack what
	// was taken back after payment.
	Accrued    incentive.Money `json:"accrued"`
	ClawedBack incentive.Money `json:"clawed_back"`
}

// ProgramOutcome is what finance and the program owner read: spend against
// budget, accrued against actual, claims, time to payment and the revenue
// the paid claims touched.
type ProgramOutcome struct {
	Program string `json:"program"`
	// Budget is nil for a program without a budget.
	Budget *incentive.Money `json:"budget,omitempty"`
	// Committed is taken from the budget (pending, held, payable, in a
	// batch or paid); Remaining is the budget left.
	Committed incentive.Money `json:"committed"`
	Remaining incentive.Money `json:"remaining"`
	// Overrun is the part of Committed beyond the budget, committed by
	// approved or pending exceptions (see Exception).
	Overrun incentive.Money `json:"overrun"`
	// Accrued is what claims accrued (pending or approved, not released);
	// Paid is what was paid; ClawedBack what was taken back after payment;
	// Actual is Paid - ClawedBack.
	Accrued    incentive.Money `json:"accrued"`
	Paid       incentive.Money `json:"paid"`
	ClawedBack incentive.Money `json:"clawed_back"`
	Actual     incentive.Money `json:"actual"`
	Types      []TypeOutcome   `json:"types"`
	// Claims counts claims by state.
	Claims map[State]int `json:"claims"`
	// ClaimRate is approved-or-later claims over all submitted claims.
	ClaimRate decimal.Decimal `json:"claim_rate"`
	// AvgDaysToPayment is the mean number of days from a paid claim's close
	// date to the date its batch was paid (2 places, half up).
	AvgDaysToPayment decimal.Decimal `json:"avg_days_to_payment"`
	// Revenue is the deal amount of the paid earning claims, and
	// SpendPerRevenue Actual / Revenue (6 places, half up).
	Revenue         incentive.Money `json:"revenue"`
	SpendPerRevenue decimal.Decimal `json:"spend_per_revenue"`
}

// OutcomeParams names a program.
type OutcomeParams struct{ Program string }

// Outcome reports a registered program's outcome, derived from its entries
// and claims.
func (l *Ledger) Outcome(ctx context.Context, p OutcomeParams) (ProgramOutcome, error) {
	pe, err := l.program(p.Program, 0)
	if err != nil {
		return ProgramOutcome{}, err
	}
	cur := pe.currency()
	m := func(d decimal.Decimal) incentive.Money { return incentive.NewMoney(d, cur) }
	o := ProgramOutcome{Program: p.Program, Budget: pe.budget, Claims: map[State]int{}, Types: []TypeOutcome{}}
	kinds := map[string]decimal.Decimal{}
	types := map[incentive.EarningType]*[2]decimal.Decimal{}
	cache := accountCache{}
	err = l.eachEntry(ctx, EntriesParams{Program: p.Program}, func(e *Entry) error {
		for _, ps := range e.Postings {
			info, err := cache.parse(ps.Account)
			if err != nil {
				return err
			}
			if info.Program != p.Program {
				continue
			}
			kinds[info.Scope+"/"+info.Kind] = kinds[info.Scope+"/"+info.Kind].Add(ps.Amount.Amount())
			if ps.Type == "" || info.Scope != "partner" {
				continue
			}
			t := types[ps.Type]
			if t == nil {
				t = &[2]decimal.Decimal{}
				types[ps.Type] = t
			}
			switch {
			case BucketKind(info.Kind) == Accrued && e.Kind != EntryApproval:
				// accruals in, releases out
				t[0] = t[0].Add(ps.Amount.Amount())
			case e.Kind == EntryRelease:
				t[0] = t[0].Add(ps.Amount.Amount())
			case BucketKind(info.Kind) == ClawedBack:
				t[1] = t[1].Add(ps.Amount.Amount())
			}
		}
		return nil
	})
	if err != nil {
		return ProgramOutcome{}, err
	}
	o.Remaining = m(kinds["program/budget"])
	o.Overrun = m(kinds["program/overrun"].Neg())
	o.Committed = m(kinds["program/funding"].Neg().Sub(kinds["program/budget"]).Add(o.Overrun.Amount()))
	o.Paid = m(kinds["partner/paid"])
	o.ClawedBack = m(kinds["partner/clawed_back"])
	o.Actual = m(o.Paid.Amount().Sub(o.ClawedBack.Amount()))
	acc := decimal.Zero
	for _, t := range slices.Sorted(mapKeys(types)) {
		v := types[t]
		acc = acc.Add(v[0])
		o.Types = append(o.Types, TypeOutcome{Type: t, Accrued: m(v[0]), ClawedBack: m(v[1])})
	}
	o.Accrued = m(acc)
	claims, err := l.cfg.Store.Claims(ctx, ClaimsParams{Program: p.Program})
	if err != nil {
		return ProgramOutcome{}, err
	}
	batches := map[string]Batch{}
	approved, days, paidN := 0, decimal.Zero, 0
	revenue := decimal.Zero
	for _, c := range claims {
		o.Claims[c.State]++
		switch c.State {
		case Approved, HeldState, PayableState, PaidState, ClawedBackState:
			approved++
		}
		if c.State != PaidState || c.Batch == "" {
			continue
		}
		b, ok := batches[c.Batch]
		if !ok {
			if b, err = l.cfg.Store.Batch(ctx, BatchParams{ID: c.Batch}); err != nil {
				return ProgramOutcome{}, err
			}
			batches[c.Batch] = b
		}
		paidOn := incentive.DateOf(b.PaidAt.In(pe.loc()))
		days = days.Add(decimal.NewFromInt(int64(daysBetween(c.CloseDate, paidOn))))
		paidN++
		if c.Kind == EarningClaim && len(c.Input) > 0 {
			in, _, err := decodeInput(c.Input)
			if err != nil {
				return ProgramOutcome{}, err
			}
			amt := in.Deal.Amount
			if in.Deal.Amount.Currency() != cur && in.Rates != nil {
				conv, err := incentive.Convert(in.Deal.Amount, cur, in.Rates, c.CloseDate)
				if err != nil {
					return ProgramOutcome{}, err
				}
				amt = conv.To
			}
			revenue = revenue.Add(amt.Amount())
		}
	}
	if len(claims) > 0 {
		o.ClaimRate = decimal.NewFromInt(int64(approved)).DivRound(decimal.NewFromInt(int64(len(claims))), 4)
	}
	if paidN > 0 {
		o.AvgDaysToPayment = days.DivRound(decimal.NewFromInt(int64(paidN)), 2)
	}
	o.Revenue = m(revenue)
	if revenue.Sign() > 0 {
		o.SpendPerRevenue = o.Actual.Amount().DivRound(revenue, 6)
	}
	return o, nil
}

func daysBetween(a, b incentive.Date) int {
	ta, tb := a.In(utc), b.In(utc)
	return int(tb.Sub(ta).Hours() / 24)
}

// BudgetReport is one program's budget position.
type BudgetReport struct {
	Program   string          `json:"program"`
	Budget    incentive.Money `json:"budget"`
	Committed incentive.Money `json:"committed"`
	Paid      incentive.Money `json:"paid"`
	Remaining incentive.Money `json:"remaining"`
}

// Budget reports a program's budget, what is committed (claims accrued,
// approved, in payment or paid), what was paid, and what remains.
func (l *Ledger) Budget(ctx context.Context, p OutcomeParams) (BudgetReport, error) {
	o, err := l.Outcome(ctx, p)
	if err != nil {
		return BudgetReport{}, err
	}
	if o.Budget == nil {
		return BudgetReport{}, fmt.Errorf("%w: program %s has no budget", ErrInvalid, p.Program)
	}
	return BudgetReport{Program: p.Program, Budget: *o.Budget, Committed: o.Committed, Paid: o.Paid, Remaining: o.Remaining}, nil
}
