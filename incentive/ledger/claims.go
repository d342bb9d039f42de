package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// ErrNothingEarned: the deal is eligible but earns nothing to claim.
var ErrNothingEarned = errors.New("nothing earned")

// RejectedError is a claim the ledger recorded as rejected, with the
// reason. It wraps the condition (ErrNotEligible, ErrClaimWindow,
// ErrDuplicateClaim, ErrBudgetExceeded, ErrNothingEarned).
type RejectedError struct {
	Claim  string
	Reason string
	Err    error
}

// Error implements error.
func (e *RejectedError) Error() string { return "claim " + e.Claim + " rejected: " + e.Reason }

// Unwrap returns the condition.
func (e *RejectedError) Unwrap() error { return e.Err }

var rejectCodes = map[string]error{
	"not_eligible": ErrNotEligible, "claim_window": ErrClaimWindow, "duplicate": ErrDuplicateClaim,
	"budget": ErrBudgetExceeded, "nothing": ErrNothingEarned, "proof_late": ErrProofLate,
	"partner_cap": ErrPartnerCapExceeded,
}

func rejectCode(err error) string {
	for k, v := range rejectCodes {
		if err == v {
			return k
		}
	}
	return ""
}

// outcome is what a submission's idempotency record remembers.
type outcome struct {
	Claim  string `json:"claim"`
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	// First is the claim as the first submission returned it: a retry
	// returns it, whatever happened to the claim since.
	First *Claim `json:"first,omitempty"`
}

// first returns c as Commit stores it (version 1), for outcome.First.
func first(c Claim) *Claim {
	c.Version = 1
	return &c
}

// SubmitParams is one claim of a deal's earnings under a program.
type SubmitParams struct {
	// Key is the caller's idempotency key: a retry with the same key and
	// the same request returns the first outcome (the claim as it was
	// first returned, and the same error); another request under
	// the same key fails with ErrIdempotencyMismatch. Required.
	Key string
	// Program is the program id; Version 0 means the latest registered.
	Program string
	Version int
	// Deal and Partner are evaluated with the program.
	Deal    incentive.Deal
	Partner partner.Partner
	// Rates converts a deal in another currency.
	Rates incentive.RateSource
	// PayCurrency is the payee's payment currency. When set and not the
	// program's currency, the accepted claim's amount is converted with
	// Rates on the day it is accepted, and that rate is recorded on the
	// claim and on every entry of it (Entry.Pay). Without a rate for the
	// pair the submission fails (incentive.ErrNoRate) and stores nothing.
	PayCurrency incentive.Currency
	// Actor is who submits. Required; they can never approve the claim.
	Actor string
	// Exception routes a claim outside the rules (late, not eligible, over
	// the remaining budget: see Exception) to a named approver with a
	// justification, instead of rejecting it. A claim the rules accept
	// ignores it.
	Exception *Exception
}

type submitRequest struct {
	Program   string          `json:"program"`
	Version   int             `json:"version"`
	Input     json.RawMessage `json:"input"`
	Actor     string          `json:"actor"`
	Exception *Exception      `json:"exception"`
	// PayCurrency is left out when empty, so that the keys of claims
	// submitted before it existed still match their retries.
	PayCurrency incentive.Currency `json:"pay_currency,omitempty"`
}

// Submit checks a claim with the engine and records it. The deal is
// evaluated under the program as of the clock's time; the claim is
//   - rejected (a *RejectedError, and the claim is stored as rejected)
//     when the deal is not eligible, earns nothing, is already claimed
//     under the program, would exceed the remaining budget, or comes after
//     the claim window without an Exception (the reason gives the dates);
//   - otherwise accepted: its amount is committed from the budget and it
//     waits for the approvals its policy requires, or is approved at once
//     when none are required.
//
// The returned claim is the stored one. Bad input (a missing key or actor,
// an unknown program, a deal the engine cannot evaluate) is an error and
// stores nothing. So is (ErrInvalid): an eligible deal whose payout the
// program splits with another partner (Program.Split: a referrer named on
// the deal), since a claim pays one partner and, recorded whole, would pay
// the other payees' shares to the deal's; a deal that closes after the
// claim's day (ErrNotClosed: submit it again once it has closed); a claim
// finer than the currency's minor unit (a program that rounds only at the
// statement stage, or to more places), since a claim is paid as it is
// recorded; and a credit note (Deal.Credits), whose error names the
// credited deal's claim to claw back from.
func (l *Ledger) Submit(ctx context.Context, p SubmitParams) (Claim, error) {
	switch {
	case p.Key == "":
		return Claim{}, fmt.Errorf("%w: a claim needs an idempotency key", ErrInvalid)
	case p.Actor == "":
		return Claim{}, fmt.Errorf("%w: a claim needs the submitting actor", ErrInvalid)
	case p.Deal.ID == "" || p.Deal.PartnerID == "":
		return Claim{}, fmt.Errorf("%w: a claim needs the deal's ID and partner", ErrInvalid)
	case p.Exception != nil && (p.Exception.Approver == "" || p.Exception.Justification == ""):
		return Claim{}, fmt.Errorf("%w: an exception request needs a named approver and a justification", ErrInvalid)
	case p.Exception != nil && p.Exception.Approver == p.Actor:
		return Claim{}, fmt.Errorf("%w: the exception approver is the submitter", ErrSelfApproval)
	case p.Exception != nil && len(p.Exception.Overrides) > 0:
		return Claim{}, fmt.Errorf("%w: an exception's overrides are recorded by the ledger, not given", ErrInvalid)
	case p.Exception != nil && p.Exception.Amount != nil && p.Exception.Amount.Sign() <= 0:
		return Claim{}, fmt.Errorf("%w: an exception asks for a positive amount, not %s", ErrInvalid, p.Exception.Amount)
	case p.Exception != nil && p.Exception.Amount != nil &&
		!p.Exception.Amount.RoundToMinor(incentive.HalfUp).Amount().Equal(p.Exception.Amount.Amount()):
		return Claim{}, fmt.Errorf("%w: an exception's amount %s is finer than the minor unit of %s", ErrInvalid, p.Exception.Amount, p.Exception.Amount.Currency())
	case p.Exception != nil && p.Exception.Type != "" && !slices.Contains(incentive.EarningTypes(), p.Exception.Type):
		return Claim{}, fmt.Errorf("%w: an exception's earning type %q is not one of %v", ErrInvalid, p.Exception.Type, incentive.EarningTypes())
	}
	pe, err := l.program(p.Program, p.Version)
	if err != nil {
		return Claim{}, err
	}
	if p.Deal.Credits != "" {
		// The engine takes a credit note back from the deal it credits
		// within one run; the ledger evaluates each deal alone.
		held, err := l.cfg.Store.Claims(ctx, ClaimsParams{Program: pe.ref.ID, Deal: p.Deal.Credits})
		if err != nil {
			return Claim{}, err
		}
		which := "not claimed under program " + pe.ref.ID
		if i := slices.IndexFunc(held, func(h Claim) bool { return h.State != Rejected }); i >= 0 {
			which = "claim " + held[i].ID
		}
		return Claim{}, fmt.Errorf("%w: deal %s is a credit note of deal %s (%s): the ledger takes no credit notes; take back what it credits from that claim (ClawBack with an Amount)",
			ErrInvalid, p.Deal.ID, p.Deal.Credits, which)
	}
	if p.Exception != nil && !pe.policy.mayApprove(RoleException, p.Exception.Approver) {
		return Claim{}, fmt.Errorf("%w: %s is not a listed %s approver of program %s", ErrNotApprover, p.Exception.Approver, RoleException, pe.ref.ID)
	}
	plain, err := encodeInput(&incentive.Input{Deal: p.Deal, Partner: p.Partner}, nil, time.Time{})
	if err != nil {
		return Claim{}, err
	}
	hash, err := requestHash(submitRequest{Program: p.Program, Version: p.Version, Input: plain, Actor: p.Actor, Exception: p.Exception, PayCurrency: p.PayCurrency})
	if err != nil {
		return Claim{}, err
	}
	if rec, err := l.cfg.Store.Idempotency(ctx, IdempotencyParams{Key: claimKey(p.Key)}); err == nil {
		return l.replaySubmit(ctx, rec, hash)
	} else if !errors.Is(err, ErrNotFound) {
		return Claim{}, err
	}
	if closes, today := incentive.DateOf(p.Deal.CloseDate.In(pe.loc())), incentive.DateOf(l.now().In(pe.loc())); today.Before(closes) {
		// A claim on a sale that has not closed could be approved and
		// paid before it closes (or never does). Checked after the key:
		// a retry of a submission already decided returns its first
		// outcome, whatever the clock reads now.
		return Claim{}, fmt.Errorf("%w (%w): deal %s closes on %s, after the claim's day %s: submit it once it has closed",
			ErrNotClosed, ErrInvalid, p.Deal.ID, closes, today)
	}
	id := l.cfg.NewID("claim")
	var out Claim
	var outErr error
	err = l.retry(ctx, func() error {
		c, cp, rej, err := l.decide(ctx, pe, &p, id)
		if err != nil {
			return err
		}
		o := outcome{Claim: id, First: first(cp.Claims[0].Claim)}
		if rej != nil {
			o.Code, o.Reason = rejectCode(rej.Err), rej.Reason
		}
		ob, _ := json.Marshal(o)
		cp.Idempotency = &IdempotencyRecord{Key: claimKey(p.Key), RequestHash: hash, Outcome: ob, Time: c.SubmittedAt}
		_, err = l.cfg.Store.Commit(ctx, cp)
		var dup *DuplicateClaimError
		switch {
		case errors.As(err, &dup):
			// Another claim holds the deal: record this one as rejected.
			reason := fmt.Sprintf("deal %s"+reasonClaimed+"%s by claim %s", c.Deal, pe.ref.ID, dup.Existing)
			cp2 := rejectedCommit(c, pe, reason)
			o := outcome{Claim: id, Code: "duplicate", Reason: reason, First: first(cp2.Claims[0].Claim)}
			ob, _ := json.Marshal(o)
			cp2.Idempotency = &IdempotencyRecord{Key: claimKey(p.Key), RequestHash: hash, Outcome: ob, Time: c.SubmittedAt}
			if _, err := l.cfg.Store.Commit(ctx, cp2); err != nil {
				return err
			}
			out, outErr = cp2.Claims[0].Claim, &RejectedError{Claim: id, Reason: reason, Err: ErrDuplicateClaim}
			out.Version = 1
			return nil
		case errors.Is(err, ErrBudgetExceeded), errors.Is(err, ErrPartnerCapExceeded):
			// The budget or the partner's cap room moved since it was
			// read: decide again.
			return errRetry
		case err != nil:
			return err
		}
		out = cp.Claims[0].Claim
		out.Version = 1
		if rej != nil {
			outErr = rej
		}
		return nil
	})
	if errors.Is(err, ErrKeyExists) {
		// A concurrent retry of the same submission won.
		var ke *KeyExistsError
		errors.As(err, &ke)
		return l.replaySubmit(ctx, ke.Record, hash)
	}
	if err != nil {
		return Claim{}, err
	}
	return out, outErr
}

func (l *Ledger) replaySubmit(ctx context.Context, rec IdempotencyRecord, hash string) (Claim, error) {
	if rec.RequestHash != hash {
		return Claim{}, fmt.Errorf("%w: key %q", ErrIdempotencyMismatch, rec.Key)
	}
	var o outcome
	if err := json.Unmarshal(rec.Outcome, &o); err != nil {
		return Claim{}, fmt.Errorf("%w: stored outcome of %q: %v", ErrInvalid, rec.Key, err)
	}
	var c Claim
	if o.First != nil {
		c = *o.First
	} else {
		var err error
		if c, err = l.cfg.Store.Claim(ctx, ClaimParams{ID: o.Claim}); err != nil {
			return Claim{}, err
		}
	}
	if o.Code != "" {
		return c, &RejectedError{Claim: o.Claim, Reason: o.Reason, Err: rejectCodes[o.Code]}
	}
	return c, nil
}

// decide evaluates a submission and builds its commit.
func (l *Ledger) decide(ctx context.Context, pe *programEntry, p *SubmitParams, id string) (Claim, CommitParams, *RejectedError, error) {
	now := l.now()
	cur := pe.currency()
	today := incentive.DateOf(now.In(pe.loc()))
	var used, remaining decimal.Decimal
	if pe.budget != nil {
		var err error
		remaining, err = l.balance(ctx, ProgramBudget(pe.ref.ID), cur)
		if err != nil {
			return Claim{}, CommitParams{}, nil, err
		}
		used = pe.budget.Amount().Sub(remaining)
	}
	var prior incentive.Prior
	if pe.needsPrior {
		var err error
		if prior, err = l.partnerPrior(ctx, pe, &p.Deal); err != nil {
			return Claim{}, CommitParams{}, nil, err
		}
	}
	// The partner caps' used accounts are what the store guards: the
	// engine starts each cap from at least its used balance in the deal's
	// period of that cap, so what it grants fits the room the guard
	// leaves, and a guard failure means another claim took room since it
	// was read (decide again). A cap whose period is not the program's
	// starts from its own balance alone: the program-period earnings and
	// the other caps' balances are of other periods.
	caps := pe.partnerCaps(p.Deal.PartnerID, incentive.DateOf(p.Deal.CloseDate.In(pe.loc())))
	expired, err := l.expiredUse(ctx, pe, p.Deal.PartnerID, len(caps) > 0)
	if err != nil {
		return Claim{}, CommitParams{}, nil, err
	}
	if pe.budget != nil {
		// The late claims use up the budget too (none unless the program
		// says so), though nothing was drawn from its account.
		for _, x := range expired {
			used, remaining = used.Add(x.Amount.Amount()), remaining.Sub(x.Amount.Amount())
		}
	}
	for _, ch := range caps {
		u, err := l.balance(ctx, ch.used, cur)
		if err != nil {
			return Claim{}, CommitParams{}, nil, err
		}
		if !ch.programPeriod {
			// partnerPrior counts the partner's late claims in the
			// program's period (PeriodEarned); a cap of another period
			// counts those of its own.
			for _, x := range expired {
				if x.Partner == p.Deal.PartnerID && periodStart(ch.period, x.CloseDate, pe.ev.Program().Effective.From) == ch.start {
					u = u.Add(x.Amount.Amount())
				}
			}
		}
		if prior.CapUsed == nil {
			prior.CapUsed = make(map[int]decimal.Decimal, len(caps))
		}
		prior.CapUsed[ch.index] = u
		if ch.programPeriod {
			prior.PeriodEarned = decimal.Max(prior.PeriodEarned, u)
		}
	}
	for _, ch := range caps {
		if ch.programPeriod {
			prior.CapUsed[ch.index] = decimal.Max(prior.CapUsed[ch.index], prior.PeriodEarned)
		}
	}
	prior.BudgetUsed = used
	in := incentive.Input{Deal: p.Deal, Partner: p.Partner, Prior: prior, Rates: p.Rates}
	res, err := pe.ev.Evaluate(ctx, in, now)
	if err != nil {
		return Claim{}, CommitParams{}, nil, err
	}
	if p.Exception != nil && budgetCut(res) {
		// An exception asks to go beyond the remaining budget: the terms'
		// budget cap must not cut the claim to what is left (or reject it
		// once the budget is spent). Evaluate it as if nothing had been
		// spent; the ledger's budget check below draws what exceeds the
		// remaining budget from the overrun account. The stored input says
		// so (BudgetUsed 0), so a replay finds the same amount.
		in.Prior.BudgetUsed = decimal.Zero
		if res, err = pe.ev.Evaluate(ctx, in, now); err != nil {
			return Claim{}, CommitParams{}, nil, err
		}
	}
	var rate *incentive.Rate
	if res.Conversion != nil {
		r := res.Conversion.Rate
		rate = &r
	}
	input, err := encodeInput(&in, rate, now)
	if err != nil {
		return Claim{}, CommitParams{}, nil, err
	}
	c := Claim{
		ID: id, Kind: EarningClaim, Program: pe.ref, Partner: p.Deal.PartnerID, Payee: res.Payee, Deal: p.Deal.ID,
		State: Submitted, Amount: res.Total, SubmittedBy: p.Actor, SubmittedAt: now,
		CloseDate: incentive.DateOf(p.Deal.CloseDate.In(pe.loc())), ClaimBy: res.ClaimBy,
		Paid: incentive.Zero(cur), ClawedBack: incentive.Zero(cur), Input: input,
	}
	if c.Payee == "" {
		c.Payee = incentive.PayeePartner
	}
	var types []incentive.EarningType
	for _, ln := range res.Lines {
		if ln.Amount.IsZero() {
			continue
		}
		c.Lines = append(c.Lines, ClaimLine{Earning: ln.Earning, Type: ln.Type, Amount: ln.Amount})
		if !slices.Contains(types, ln.Type) {
			types = append(types, ln.Type)
		}
	}
	if len(types) > 0 {
		c.Type = types[0]
	}
	reject := func(e error, reason string) (Claim, CommitParams, *RejectedError, error) {
		return c, rejectedCommit(c, pe, reason), &RejectedError{Claim: id, Reason: reason, Err: e}, nil
	}
	late := res.Expired
	// A deal already claimed is a duplicate whatever else is wrong with the
	// claim (the store's dedupe key settles races).
	held, err := l.cfg.Store.Claims(ctx, ClaimsParams{Program: pe.ref.ID, Deal: p.Deal.ID})
	if err != nil {
		return Claim{}, CommitParams{}, nil, err
	}
	if i := slices.IndexFunc(held, func(h Claim) bool { return h.DedupeKey != "" }); i >= 0 {
		return reject(ErrDuplicateClaim, fmt.Sprintf("deal %s"+reasonClaimed+"%s by claim %s", p.Deal.ID, pe.ref.ID, held[i].ID))
	}
	exc := p.Exception
	var overrides []string
	if !res.Eligible {
		if exc == nil || exc.Amount == nil {
			return reject(ErrNotEligible, reasonNotEligible+res.Failed)
		}
		if exc.Amount.Currency() != cur {
			return Claim{}, CommitParams{}, nil, fmt.Errorf("%w: exception amount %s for a program paying %s", incentive.ErrCurrencyMismatch, exc.Amount, cur)
		}
		t := exc.Type
		if t == "" && len(pe.ev.Program().Earnings) > 0 {
			t = pe.ev.Program().Earnings[0].Type
		}
		c.Lines, c.Amount, c.Type, types = []ClaimLine{{Earning: "exception", Type: t, Amount: *exc.Amount}}, *exc.Amount, t, []incentive.EarningType{t}
		overrides = append(overrides, reasonNotEligible+res.Failed)
	}
	if late {
		window := fmt.Sprintf(reasonLate+"the deal closed on %s, claims were due by %s, and this claim came on %s", c.CloseDate, res.ClaimBy, today)
		if exc == nil {
			return reject(ErrClaimWindow, window)
		}
		overrides = append(overrides, window)
	}
	var overrun decimal.Decimal
	switch {
	case !res.Eligible:
	case res.Total.Sign() <= 0 && budgetCut(res):
		return reject(ErrBudgetExceeded, fmt.Sprintf("program budget exhausted: %s of %s remaining", incentive.NewMoney(remaining, cur), pe.budget))
	case res.Total.Sign() <= 0 && cutBy(res, incentive.CapPartner):
		return reject(ErrPartnerCapExceeded, capReason(res, caps, prior, c.Partner, pe.ref.ID, cur))
	case res.Total.Sign() <= 0:
		return reject(ErrNothingEarned, "the deal earns nothing under program "+pe.ref.ID)
	}
	if pe.budget != nil && c.Amount.Amount().GreaterThan(remaining) {
		over := fmt.Sprintf("claim of %s exceeds the remaining budget of %s", c.Amount, incentive.NewMoney(remaining, cur))
		if exc == nil {
			return reject(ErrBudgetExceeded, over)
		}
		overrides = append(overrides, over)
		overrun = c.Amount.Amount().Sub(decimal.Max(remaining, decimal.Zero))
	}
	if len(overrides) == 0 {
		exc = nil // the rules accept the claim: no exception needed
	}
	finer := ""
	if r := c.Amount.RoundToMinor(incentive.HalfUp); !r.Amount().Equal(c.Amount.Amount()) {
		finer = c.Amount.String()
	} else {
		// Each line is posted to the bucket by its earning type: half
		// cents there would be recorded, clawed back and reported.
		for _, ln := range c.Lines {
			if !ln.Amount.RoundToMinor(incentive.HalfUp).Amount().Equal(ln.Amount.Amount()) {
				finer = fmt.Sprintf("%s, line %s %s", c.Amount, ln.Earning, ln.Amount)
				break
			}
		}
	}
	if finer != "" {
		// A claim is paid as it is recorded: a fraction of a cent would
		// be a payment no bank can make (as a clawback's or an
		// exception's amount finer than the minor unit).
		how := fmt.Sprintf("rounds to %d places", pe.ev.Program().Rounding.Places(cur))
		if pe.ev.Program().Rounding.Stage == incentive.StageStatement {
			how = "rounds only at the statement stage"
		}
		return Claim{}, CommitParams{}, nil, fmt.Errorf("%w: deal %s earns %s, finer than the minor unit of %s: program %s %s, and the ledger pays claim by claim (round per line or per deal)",
			ErrInvalid, p.Deal.ID, finer, cur, pe.ref.ID, how)
	}
	// On the minor unit, recorded at it: a program rounding to more
	// places wrote 200.0000 USD into the claim, its postings, the batch
	// and every reason (as a clawback amount's zeros did).
	c.Amount = c.Amount.RoundToMinor(incentive.HalfUp)
	for i := range c.Lines {
		c.Lines[i].Amount = c.Lines[i].Amount.RoundToMinor(incentive.HalfUp)
	}
	overrun = incentive.NewMoney(overrun, cur).RoundToMinor(incentive.HalfUp).Amount()
	if res.Eligible {
		if away := sharesAway(res); away != "" {
			// A claim has one payee: recorded whole, the other payees'
			// shares would be paid to the deal's partner.
			return Claim{}, CommitParams{}, nil, fmt.Errorf("%w: deal %s splits its payout: %s; a claim pays one partner, so the ledger cannot record it (run's statement pays each payee its share)",
				ErrInvalid, p.Deal.ID, away)
		}
	}
	var pay *incentive.Conversion
	if p.PayCurrency != "" && p.PayCurrency != cur {
		conv, err := incentive.Convert(c.Amount, p.PayCurrency, p.Rates, today)
		if err != nil {
			return Claim{}, CommitParams{}, nil, fmt.Errorf("claim in payment currency %s: %w", p.PayCurrency, err)
		}
		pay = &conv
		c.PayCurrency, c.PayRate = p.PayCurrency, &conv.Rate
	}
	c.Payout = pe.payout(c.Type)
	c.DedupeKey = pe.ref.ID + "|" + p.Deal.ID
	c.State = PendingApproval
	c.Reason = "submitted"
	if exc != nil {
		x := *exc
		x.Overrides = overrides
		if res.Eligible {
			x.Amount, x.Type = nil, ""
		}
		c.Exception = &x
		c.Steps = []ApprovalStep{{Role: RoleException, Approver: x.Approver}}
		c.Reason = fmt.Sprintf("exception requested from %s: %s; %s", x.Approver, strings.Join(overrides, "; "), x.Justification)
	} else {
		c.Steps = pe.policy.stepsFor(types, c.Amount.Amount())
	}
	c.HoldUntil = c.CloseDate.AddDays(pe.policy.hold(types))
	accrual := Entry{
		ID: l.cfg.NewID("entry"), Kind: EntryAccrual, Time: now, Effective: today, Program: pe.ref,
		Partner: c.Partner, Payee: c.Payee, Claim: id, Actor: p.Actor, Reason: "claim submitted for deal " + c.Deal,
		Pay: pay,
	}
	if overrun.Sign() > 0 {
		c.Overrun = incentive.NewMoney(overrun, cur)
		accrual.Reason += ", beyond the budget by exception"
		if rest := c.Amount.Amount().Sub(overrun); rest.Sign() > 0 {
			accrual.Postings = append(accrual.Postings, Posting{Account: ProgramBudget(pe.ref.ID), Amount: incentive.NewMoney(rest.Neg(), cur)})
		}
		accrual.Postings = append(accrual.Postings, Posting{Account: ProgramOverrun(pe.ref.ID), Amount: c.Overrun.Neg()})
	} else {
		accrual.Postings = append(accrual.Postings, Posting{Account: ProgramBudget(pe.ref.ID), Amount: c.Amount.Neg()})
	}
	acc := c.bucket().Account(Accrued)
	for _, ln := range c.Lines {
		accrual.Postings = append(accrual.Postings, Posting{Account: acc, Amount: ln.Amount, Type: ln.Type})
	}
	cp := CommitParams{
		Entries: []Entry{accrual},
		Events: []Event{
			{Subject: id, From: "", To: string(Submitted), Actor: p.Actor, Time: now, Reason: "claim for deal " + c.Deal},
			{Subject: id, From: string(Submitted), To: string(PendingApproval), Actor: p.Actor, Time: now, Reason: c.Reason},
		},
	}
	if pe.budget != nil {
		cp.Guards = []Guard{{Account: ProgramBudget(pe.ref.ID), Min: incentive.Zero(cur)}}
	}
	if !res.Eligible {
		// An exception's amount is outside the terms, partner caps
		// included: it takes no cap room (and partnerPrior skips it).
		caps = nil
	}
	for _, ch := range caps {
		cp.Entries[0].Postings = append(cp.Entries[0].Postings,
			Posting{Account: ch.source, Amount: c.Amount.Neg()}, Posting{Account: ch.used, Amount: c.Amount})
		cp.Guards = append(cp.Guards, Guard{Account: ch.source, Min: incentive.NewMoney(ch.limit.Neg(), cur)})
		c.Caps = append(c.Caps, ch.source)
	}
	if len(c.Steps) == 0 {
		c.Reason = "auto-approved below the approval threshold"
		l.approveInto(&c, &cp, pe, now, "system", c.Reason)
	}
	cp.Claims = []ClaimWrite{{Claim: c}}
	return c, cp, nil, nil
}

// expiredUse returns, when the program says expired earnings use up the
// partner caps and the budget as if paid (claims: {expired_uses_caps:
// true}), the claims Submit rejected as late, each with what the caps let
// it pay, of deals without a live claim (a live claim takes its own cap
// and budget room): of every partner when the program has a budget, else
// of the partner when withCaps (nil otherwise).
func (l *Ledger) expiredUse(ctx context.Context, pe *programEntry, partner string, withCaps bool) ([]Claim, error) {
	if !pe.ev.Program().Claims.ExpiredUsesCaps || (pe.budget == nil && !withCaps) {
		return nil, nil
	}
	q := ClaimsParams{Program: pe.ref.ID, Partner: partner,
		States: []State{PendingApproval, Approved, HeldState, PayableState, PaidState, ClawedBackState, Rejected}}
	if pe.budget != nil {
		q.Partner = ""
	}
	cs, err := l.cfg.Store.Claims(ctx, q)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, c := range cs {
		if c.State != Rejected {
			live[c.Deal] = true
		}
	}
	var out []Claim
	seen := map[string]bool{}
	for _, c := range cs {
		if c.State != Rejected || c.Kind != EarningClaim || live[c.Deal] || seen[c.Deal] || !eligibleRejection(&c) ||
			!lateRejection(&c) || c.Amount.Sign() <= 0 {
			continue
		}
		seen[c.Deal] = true
		out = append(out, c)
	}
	return out, nil
}

// sharesAway names the shares of r paid to a partner other than the
// deal's ("R-9 40.00 USD (deal.referrer)"), "" when the deal's partner is
// paid the whole.
func sharesAway(r *incentive.Result) string {
	var away []string
	for _, sh := range r.Shares {
		if sh.PartnerID != r.PartnerID && !sh.Amount.IsZero() {
			away = append(away, fmt.Sprintf("%s %s (%s)", sh.PartnerID, sh.Amount, sh.Via))
		}
	}
	return strings.Join(away, ", ")
}

func budgetCut(r *incentive.Result) bool { return cutBy(r, incentive.CapBudget) }

// cutBy reports whether a cap of the given scope cut a line of r.
func cutBy(r *incentive.Result, scope incentive.CapScope) bool {
	for _, ln := range r.Lines {
		for _, cut := range ln.Cuts {
			if cut.Scope == scope {
				return true
			}
		}
	}
	return false
}

// capReason says why a claim the partner caps cut to nothing is rejected:
// what the partner had earned under the first partner cap that cut it, in
// that cap's period.
func capReason(res *incentive.Result, caps []capHold, prior incentive.Prior, partnerID, program string, cur incentive.Currency) string {
	for _, ln := range res.Lines {
		for _, cut := range ln.Cuts {
			if cut.Scope != incentive.CapPartner {
				continue
			}
			for _, ch := range caps {
				if ch.index == cut.Cap {
					return fmt.Sprintf("partner cap reached: partner %s has earned %s of the %s cap caps[%d] in the %s from %s under program %s",
						partnerID, incentive.NewMoney(prior.CapUsed[ch.index], cur), incentive.NewMoney(ch.limit, cur), ch.index, ch.period, ch.start, program)
				}
			}
		}
	}
	return fmt.Sprintf("partner cap reached: partner %s has earned %s in the period under program %s",
		partnerID, incentive.NewMoney(prior.PeriodEarned, cur), program)
}

// capHold is one partner cap of a program for one partner and period.
type capHold struct {
	source, used Account
	limit        decimal.Decimal
	// index is the cap's index in the program's Caps; period its period
	// (the program's when it names none) and start the first day of the
	// deal's period of it; programPeriod whether period is the program's.
	index         int
	period        incentive.Period
	start         incentive.Date
	programPeriod bool
}

// partnerCaps returns the partner caps of the program for a deal of the
// partner closing on the given date, in the order of the program's Caps.
func (pe *programEntry) partnerCaps(partnerID string, closed incentive.Date) []capHold {
	prog := pe.ev.Program()
	progPer := prog.Period
	if progPer == "" {
		progPer = incentive.PeriodProgram // as the engine defaults it
	}
	var out []capHold
	for i, c := range prog.Caps {
		if c.Scope != incentive.CapPartner {
			continue
		}
		per := c.Period
		if per == "" {
			per = progPer
		}
		start := periodStart(per, closed, prog.Effective.From)
		out = append(out, capHold{
			source: CapAccount(prog.ID, partnerID, i, start, CapSource),
			used:   CapAccount(prog.ID, partnerID, i, start, CapUsed),
			limit:  c.Limit,
			index:  i, period: per, start: start, programPeriod: per == progPer,
		})
	}
	return out
}

// capReturn appends to e the postings that give amt of a claim's partner
// cap room back (the reverse of its accrual's cap postings: the whole
// amount when the claim is released, what a clawback takes back after
// payment).
func capReturn(c *Claim, e *Entry, amt incentive.Money) {
	for _, src := range c.Caps {
		used := Account(strings.TrimSuffix(string(src), string(CapSource)) + string(CapUsed))
		e.Postings = append(e.Postings, Posting{Account: src, Amount: amt}, Posting{Account: used, Amount: amt.Neg()})
	}
}

func rejectedCommit(c Claim, pe *programEntry, reason string) CommitParams {
	c.State, c.Reason, c.DedupeKey, c.Steps, c.HoldUntil = Rejected, reason, "", nil, incentive.Date{}
	return CommitParams{
		Claims: []ClaimWrite{{Claim: c}},
		Events: []Event{
			{Subject: c.ID, From: "", To: string(Submitted), Actor: c.SubmittedBy, Time: c.SubmittedAt, Reason: "claim for deal " + c.Deal},
			{Subject: c.ID, From: string(Submitted), To: string(Rejected), Actor: "system", Time: c.SubmittedAt, Reason: reason},
		},
	}
}

func (c *Claim) bucket() Bucket {
	return Bucket{Partner: c.Partner, Payee: c.Payee, Program: c.Program.ID, Payout: c.Payout}
}

// Bucket returns the partner bucket the claim pays into.
func (c *Claim) Bucket() Bucket { return c.bucket() }

// approveInto appends the approval of c (all steps done) to cp: the claim
// goes approved, then held (inside its hold) or payable.
func (l *Ledger) approveInto(c *Claim, cp *CommitParams, pe *programEntry, now time.Time, actor, reason string) {
	today := incentive.DateOf(now.In(pe.loc()))
	to, kind := PayableState, Payable
	if c.HoldUntil.After(c.CloseDate) && !today.After(c.HoldUntil) {
		to, kind = HeldState, Held
	}
	e := Entry{
		ID: l.cfg.NewID("entry"), Kind: EntryApproval, Time: now, Effective: today, Program: c.Program,
		Partner: c.Partner, Payee: c.Payee, Claim: c.ID, Request: c.Request, Actor: actor, Reason: reason, Pay: c.payOf(c.Amount),
	}
	b := c.bucket()
	for _, ln := range c.Lines {
		e.Postings = append(e.Postings,
			Posting{Account: b.Account(Accrued), Amount: ln.Amount.Neg(), Type: ln.Type},
			Posting{Account: b.Account(kind), Amount: ln.Amount, Type: ln.Type})
	}
	c.ApprovalEntry = e.ID
	cp.Entries = append(cp.Entries, e)
	cp.Events = append(cp.Events,
		Event{Subject: c.ID, From: string(c.State), To: string(Approved), Actor: actor, Time: now, Reason: reason})
	holdReason := "payable"
	if to == HeldState {
		holdReason = fmt.Sprintf("held through %s (refund window)", c.HoldUntil)
	}
	cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(Approved), To: string(to), Actor: actor, Time: now, Reason: holdReason})
	c.State = to
}

// transitions lists the legal claim state changes.
var transitions = map[State][]State{
	Submitted:       {PendingApproval, Rejected},
	PendingApproval: {Approved, Rejected, Withdrawn, Expired, ClawedBackState},
	Approved:        {HeldState, PayableState},
	HeldState:       {PayableState, ClawedBackState},
	PayableState:    {PaidState, ClawedBackState},
	PaidState:       {ClawedBackState},
	ClawedBackState: {ClawedBackState},
}

// CanTransition reports whether a claim may go from one state to another.
func CanTransition(from, to State) bool { return slices.Contains(transitions[from], to) }

func illegal(c *Claim, to State) error {
	return &TransitionError{Subject: "claim " + c.ID, From: string(c.State), To: string(to)}
}

// updateClaim loads a claim, lets fn change it and build the commit, and
// commits with the claim's version, retrying on concurrent updates.
func (l *Ledger) updateClaim(ctx context.Context, id string, fn func(c *Claim, pe *programEntry, now time.Time, cp *CommitParams) error) (Claim, error) {
	var out Claim
	err := l.retry(ctx, func() error {
		c, err := l.cfg.Store.Claim(ctx, ClaimParams{ID: id})
		if err != nil {
			return err
		}
		pe, err := l.programByRef(c.Program)
		if err != nil {
			return err
		}
		v := c.Version
		now := l.now()
		// A claim's operations follow its submission: one dated before it
		// (a command's -as-of, or none, earlier than the accrual's) would
		// put the claim's money in a bucket before it was accrued, and a
		// statement through a day between the two read a negative accrued.
		// Days in the program's zone, so that the same day is always late
		// enough.
		if day, sub := incentive.DateOf(now.In(pe.loc())), incentive.DateOf(c.SubmittedAt.In(pe.loc())); day.Before(sub) {
			return fmt.Errorf("%w: claim %s was submitted on %s: an operation dated %s would come before it (date it on or after %s)", ErrInvalid, c.ID, sub, day, sub)
		}
		var cp CommitParams
		if err := fn(&c, pe, now, &cp); err != nil {
			return err
		}
		cp.Claims = append([]ClaimWrite{{Claim: c, ExpectVersion: v}}, cp.Claims...)
		if _, err := l.cfg.Store.Commit(ctx, cp); err != nil {
			return err
		}
		c.Version = v + 1
		out = c
		return nil
	})
	return out, err
}

// ApproveParams approves the current step of a claim.
type ApproveParams struct {
	Claim string
	// Actor approves; never the submitter.
	Actor string
	// Role is the role the actor approves as; it must be the current
	// step's role (ignored for an exception step, which names its
	// approver).
	Role   string
	Reason string
}

// Approve approves a pending claim's current approval step. When it was
// the last step the claim is approved: it moves to held (inside its hold)
// or payable, with an approval entry.
func (l *Ledger) Approve(ctx context.Context, p ApproveParams) (Claim, error) {
	if p.Actor == "" {
		return Claim{}, fmt.Errorf("%w: an approval needs the approving actor", ErrInvalid)
	}
	return l.updateClaim(ctx, p.Claim, func(c *Claim, pe *programEntry, now time.Time, cp *CommitParams) error {
		if c.State != PendingApproval {
			return illegal(c, Approved)
		}
		if p.Actor == c.SubmittedBy {
			return fmt.Errorf("%w: %s submitted claim %s", ErrSelfApproval, p.Actor, c.ID)
		}
		i := slices.IndexFunc(c.Steps, func(s ApprovalStep) bool { return s.By == "" })
		if i < 0 {
			return illegal(c, Approved)
		}
		st := &c.Steps[i]
		switch {
		case st.Approver != "" && st.Approver != p.Actor:
			return fmt.Errorf("%w: step %d (%s) of claim %s is for %s, not %s", ErrNotApprover, i+1, st.Role, c.ID, st.Approver, p.Actor)
		case st.Approver != "" && !pe.policy.mayApprove(st.Role, p.Actor):
			// A named approver (an exception's) must still be listed for
			// the role when the policy lists who may approve it.
			return fmt.Errorf("%w: %s is not a listed %s approver", ErrNotApprover, p.Actor, st.Role)
		case st.Approver == "" && p.Role != st.Role:
			return fmt.Errorf("%w: step %d of claim %s needs role %s, not %q", ErrNotApprover, i+1, c.ID, st.Role, p.Role)
		case st.Approver == "" && !pe.policy.mayApprove(st.Role, p.Actor):
			return fmt.Errorf("%w: %s is not a listed %s approver", ErrNotApprover, p.Actor, st.Role)
		case slices.ContainsFunc(c.Steps[:i], func(s ApprovalStep) bool { return s.By == p.Actor }):
			return fmt.Errorf("%w: %s already approved an earlier step of claim %s", ErrNotApprover, p.Actor, c.ID)
		}
		st.By, st.At = p.Actor, now
		reason := cmpOr(p.Reason, "approved as "+st.Role)
		if i < len(c.Steps)-1 {
			cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(c.State), To: string(c.State), Actor: p.Actor, Time: now,
				Reason: fmt.Sprintf("step %d of %d (%s) approved: %s", i+1, len(c.Steps), st.Role, reason)})
			return nil
		}
		c.Reason = reason
		l.approveInto(c, cp, pe, now, p.Actor, reason)
		return nil
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DecideParams rejects, withdraws or expires a pending claim.
type DecideParams struct {
	Claim  string
	Actor  string
	Reason string
}

// Reject rejects a pending claim; its committed amount returns to the
// budget and the deal may be claimed again. A reason is required.
func (l *Ledger) Reject(ctx context.Context, p DecideParams) (Claim, error) {
	return l.release(ctx, p, Rejected)
}

// Withdraw withdraws a pending claim (by its submitter or anyone acting
// for the partner); its committed amount returns to the budget.
func (l *Ledger) Withdraw(ctx context.Context, p DecideParams) (Claim, error) {
	return l.release(ctx, p, Withdrawn)
}

// Expire expires a pending claim nobody decided in time; its committed
// amount returns to the budget.
func (l *Ledger) Expire(ctx context.Context, p DecideParams) (Claim, error) {
	return l.release(ctx, p, Expired)
}

func (l *Ledger) release(ctx context.Context, p DecideParams, to State) (Claim, error) {
	if p.Actor == "" || p.Reason == "" {
		return Claim{}, fmt.Errorf("%w: %s needs an actor and a reason", ErrInvalid, to)
	}
	return l.updateClaim(ctx, p.Claim, func(c *Claim, pe *programEntry, now time.Time, cp *CommitParams) error {
		if c.State != PendingApproval {
			return illegal(c, to)
		}
		cp.Entries = append(cp.Entries, l.releaseEntry(c, pe, now, Accrued, p.Actor, string(to)+": "+p.Reason))
		cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(c.State), To: string(to), Actor: p.Actor, Time: now, Reason: p.Reason})
		c.State, c.Reason, c.DedupeKey = to, p.Reason, ""
		return nil
	})
}

// releaseEntry returns an unpaid claim's amount from the given bucket
// account to where it came from (the budget, or the MDF fund's reserve).
func (l *Ledger) releaseEntry(c *Claim, pe *programEntry, now time.Time, from BucketKind, actor, reason string) Entry {
	e := Entry{
		ID: l.cfg.NewID("entry"), Kind: EntryRelease, Time: now, Effective: incentive.DateOf(now.In(pe.loc())), Program: c.Program,
		Partner: c.Partner, Payee: c.Payee, Claim: c.ID, Request: c.Request, Reverses: c.ApprovalEntry, Actor: actor, Reason: reason,
		Pay: c.payOf(c.Amount),
	}
	b := c.bucket()
	for _, ln := range c.Lines {
		e.Postings = append(e.Postings, Posting{Account: b.Account(from), Amount: ln.Amount.Neg(), Type: ln.Type})
	}
	back, amt := ProgramBudget(c.Program.ID), c.Amount
	if c.Kind == MDFClaim {
		back = FundAccount(c.fund(), FundAvailable)
		e.Fund = c.fund()
	}
	if c.Overrun.Sign() > 0 {
		amt, _ = amt.Sub(c.Overrun)
		e.Postings = append(e.Postings, Posting{Account: ProgramOverrun(c.Program.ID), Amount: c.Overrun})
	}
	if !amt.IsZero() {
		e.Postings = append(e.Postings, Posting{Account: back, Amount: amt})
	}
	capReturn(c, &e, c.Amount)
	return e
}

// ReleaseHoldsParams moves held earnings whose hold has ended to payable.
type ReleaseHoldsParams struct {
	// AsOf: claims held through a day before AsOf become payable. A hold
	// also needs the clock's date (in the program's time zone) to be past
	// it: a date in the future does not end a refund window early. The
	// release counts on AsOf, or on the clock's date when AsOf is later.
	AsOf  incentive.Date
	Actor string
}

// ReleaseHolds makes payable every held claim whose hold ended before
// p.AsOf and before today, one transaction per claim, and returns them.
func (l *Ledger) ReleaseHolds(ctx context.Context, p ReleaseHoldsParams) ([]Claim, error) {
	if err := checkDay("release date", p.AsOf); err != nil {
		return nil, err
	}
	held, err := l.cfg.Store.Claims(ctx, ClaimsParams{States: []State{HeldState}})
	if err != nil {
		return nil, err
	}
	out := []Claim{}
	for _, h := range held {
		if !p.AsOf.After(h.HoldUntil) {
			continue
		}
		c, err := l.updateClaim(ctx, h.ID, func(c *Claim, pe *programEntry, now time.Time, cp *CommitParams) error {
			today := incentive.DateOf(now.In(pe.loc()))
			if c.State != HeldState || !today.After(c.HoldUntil) {
				// Released already, or the hold has not ended yet in real
				// time (a run dated in the future must not end it).
				return errSkip
			}
			// The release counts on AsOf, or on today when AsOf is
			// later: the money is payable from today, and a release
			// dated in the future let a payment run dated before it
			// take the claim out of payable before it got there.
			on := p.AsOf
			if on.After(today) {
				on = today
			}
			e := Entry{
				ID: l.cfg.NewID("entry"), Kind: EntryHoldEnd, Time: now, Effective: on, Program: c.Program,
				Partner: c.Partner, Payee: c.Payee, Claim: c.ID, Actor: cmpOr(p.Actor, "system"),
				Reason: fmt.Sprintf("hold ended %s", c.HoldUntil), Pay: c.payOf(c.Amount),
			}
			b := c.bucket()
			for _, ln := range c.Lines {
				e.Postings = append(e.Postings,
					Posting{Account: b.Account(Held), Amount: ln.Amount.Neg(), Type: ln.Type},
					Posting{Account: b.Account(Payable), Amount: ln.Amount, Type: ln.Type})
			}
			cp.Entries = append(cp.Entries, e)
			cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(HeldState), To: string(PayableState), Actor: e.Actor, Time: now, Reason: e.Reason})
			c.State = PayableState
			return nil
		})
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			return out, err
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

var errSkip = errors.New("skip")

// ClawBackParams takes back a claim after a cancelled deal, a refund or a
// credit note.
type ClawBackParams struct {
	// Key, when set, is an idempotency key: a retry with the same key and
	// the same request returns the claim as the first call returned it and
	// takes nothing back again; another request under the same key fails
	// with ErrIdempotencyMismatch. Without it every call is a clawback of
	// its own (a partial clawback retried takes back twice).
	Key   string
	Claim string
	// Amount to take back; nil: all of it. Never more than was paid is
	// taken back. It must be positive, in the claim's currency and on the
	// currency's minor unit (0.005 USD is ErrInvalid).
	Amount *incentive.Money
	Actor  string
	Reason string
}

// ClawBack takes back a claim. Before payment (pending, held, payable and
// not in a batch) the claim is voided: its whole amount returns to the
// budget (or MDF fund). After payment, what is taken back is at most what
// was paid and not yet taken back; it becomes a withheld (negative) balance
// of the claim's bucket, recovered from later payouts, in an entry that
// names the approval it offsets.
func (l *Ledger) ClawBack(ctx context.Context, p ClawBackParams) (Claim, error) {
	if p.Actor == "" || p.Reason == "" {
		return Claim{}, fmt.Errorf("%w: a clawback needs an actor and a reason", ErrInvalid)
	}
	var hash string
	replay := func(rec IdempotencyRecord) (Claim, error) {
		if rec.RequestHash != hash {
			return Claim{}, fmt.Errorf("%w: key %q", ErrIdempotencyMismatch, p.Key)
		}
		var c Claim
		if err := json.Unmarshal(rec.Outcome, &c); err != nil {
			return Claim{}, fmt.Errorf("%w: stored outcome of %q: %v", ErrInvalid, rec.Key, err)
		}
		return c, nil
	}
	if p.Key != "" {
		var err error
		if hash, err = requestHash(p); err != nil {
			return Claim{}, err
		}
		if rec, err := l.cfg.Store.Idempotency(ctx, IdempotencyParams{Key: clawbackKey(p.Key)}); err == nil {
			return replay(rec)
		} else if !errors.Is(err, ErrNotFound) {
			return Claim{}, err
		}
	}
	out, err := l.updateClaim(ctx, p.Claim, func(c *Claim, pe *programEntry, now time.Time, cp *CommitParams) error {
		if c.Batch != "" && c.Paid.Sign() > 0 {
			// As a payment run dated before a claim was payable: a
			// clawback dated before the payment it takes back would
			// withhold what was not yet paid.
			b, err := l.cfg.Store.Batch(ctx, BatchParams{ID: c.Batch})
			if err != nil {
				return err
			}
			// The payment counts on its entries' day, which may be
			// later than the batch's AsOf: a run dated in the past
			// moves the money on the day it runs, and MarkPaid's On
			// dates the payment later.
			paid := b.AsOf
			es, err := l.cfg.Store.Entries(ctx, EntriesParams{Batch: b.ID, Partner: c.Partner})
			if err != nil {
				return err
			}
			for _, e := range es {
				if e.Payee == c.Payee && e.Program.ID == c.Program.ID {
					paid = laterOf(paid, e.Effective)
				}
			}
			if day := incentive.DateOf(now.In(pe.loc())); day.Before(paid) {
				counts := ""
				if paid != b.AsOf {
					counts = fmt.Sprintf(" (the payment counts on %s)", paid)
				}
				return fmt.Errorf("%w: claim %s was paid in batch %s as of %s%s: a clawback dated %s would come before the payment (date it on or after %s)",
					ErrInvalid, c.ID, b.ID, b.AsOf, counts, day, paid)
			}
		}
		if c.State == HeldState || c.State == PayableState && c.Batch == "" {
			// A void moves the amount out of held or payable: dated
			// before the approval or the hold's release that put it
			// there, a statement through a day between read a
			// negative held or payable (updateClaim checks only the
			// submission's day).
			es, err := l.cfg.Store.Entries(ctx, EntriesParams{Claim: c.ID})
			if err != nil {
				return err
			}
			var last incentive.Date
			for _, e := range es {
				last = laterOf(last, e.Effective)
			}
			if day := incentive.DateOf(now.In(pe.loc())); day.Before(last) {
				return fmt.Errorf("%w: claim %s became %s on %s: a clawback dated %s would come before it (date it on or after %s)",
					ErrInvalid, c.ID, c.State, last, day, last)
			}
		}
		if err := l.clawBack(c, pe, now, cp, &p); err != nil {
			return err
		}
		if p.Key != "" {
			// The outcome is the claim as updateClaim returns it.
			o := *c
			o.Version++
			ob, err := json.Marshal(o)
			if err != nil {
				return err
			}
			cp.Idempotency = &IdempotencyRecord{Key: clawbackKey(p.Key), RequestHash: hash, Outcome: ob, Time: now}
		}
		return nil
	})
	var ke *KeyExistsError
	if errors.As(err, &ke) {
		// A concurrent retry of the same clawback won.
		return replay(ke.Record)
	}
	return out, err
}

// clawBack builds one clawback of c into cp (see ClawBack).
func (l *Ledger) clawBack(c *Claim, pe *programEntry, now time.Time, cp *CommitParams, p *ClawBackParams) error {
	if p.Amount != nil && p.Amount.Currency() != c.Amount.Currency() {
		return fmt.Errorf("%w: clawback amount %s for a claim in %s", ErrInvalid, p.Amount, c.Amount.Currency())
	}
	if p.Amount != nil && p.Amount.Sign() <= 0 {
		return fmt.Errorf("%w: clawback amount %s is not above zero", ErrInvalid, p.Amount)
	}
	if p.Amount != nil && !p.Amount.RoundToMinor(incentive.HalfUp).Amount().Equal(p.Amount.Amount()) {
		// A withheld fraction of a cent would be netted into a payment
		// no bank can make.
		return fmt.Errorf("%w: clawback amount %s is finer than the minor unit of %s", ErrInvalid, p.Amount, p.Amount.Currency())
	}
	if p.Amount != nil {
		// The same money at the minor unit: 100.000 taken as written
		// carried its zeros into the claim, its reason and postings.
		m := p.Amount.RoundToMinor(incentive.HalfUp)
		p.Amount = &m
	}
	from := c.State
	switch {
	case !CanTransition(c.State, ClawedBackState):
		return illegal(c, ClawedBackState)
	case c.State == PayableState && c.Batch != "":
		e := illegal(c, ClawedBackState).(*TransitionError)
		e.Why = "it is in open payout batch " + c.Batch + " (mark the batch paid, then claw back the paid claim)"
		return e
	case c.State == PendingApproval || c.State == HeldState || c.State == PayableState:
		kind := map[State]BucketKind{PendingApproval: Accrued, HeldState: Held, PayableState: Payable}[c.State]
		cp.Entries = append(cp.Entries, l.releaseEntry(c, pe, now, kind, p.Actor, "voided before payment: "+p.Reason))
		reason := "voided before payment: " + p.Reason
		cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(from), To: string(ClawedBackState), Actor: p.Actor, Time: now, Reason: reason})
		c.State, c.Reason = ClawedBackState, reason
		return nil
	}
	open, _ := c.Paid.Sub(c.ClawedBack)
	if open.Sign() <= 0 {
		e := illegal(c, ClawedBackState).(*TransitionError)
		e.Why = fmt.Sprintf("nothing left to take back (paid %s, clawed back %s)", c.Paid, c.ClawedBack)
		if c.Paid.IsZero() {
			// Only a payment sets Paid: a clawed-back claim paid nothing
			// was voided before payment (its amount went back whole).
			e.Why = "it was voided before payment: nothing was paid"
		}
		return e
	}
	take := open
	if p.Amount != nil && p.Amount.Amount().LessThan(open.Amount()) {
		take = *p.Amount
	}
	// Split the running total taken back over the lines, and post the
	// difference from the split before: split on its own, each partial
	// clawback's rounding would add up to more than a line paid.
	parts, err := clawbackParts(c, take)
	if err != nil {
		return err
	}
	e := Entry{
		ID: l.cfg.NewID("entry"), Kind: EntryClawback, Time: now, Effective: incentive.DateOf(now.In(pe.loc())), Program: c.Program,
		Partner: c.Partner, Payee: c.Payee, Claim: c.ID, Request: c.Request, Reverses: c.ApprovalEntry, Actor: p.Actor, Reason: p.Reason,
		Pay: c.payOf(take),
	}
	b := c.bucket()
	for i, ln := range c.Lines {
		if parts[i].IsZero() {
			continue
		}
		e.Postings = append(e.Postings,
			Posting{Account: b.Account(Withheld), Amount: parts[i].Neg(), Type: ln.Type},
			Posting{Account: b.Account(ClawedBack), Amount: parts[i], Type: ln.Type})
	}
	// What is taken back leaves the partner's period earnings
	// (partnerPrior counts a clawed-back claim's paid amount net of
	// its clawbacks): only that much cap room returns, since the
	// partner keeps the rest.
	capReturn(c, &e, take)
	cp.Entries = append(cp.Entries, e)
	c.ClawedBack, _ = c.ClawedBack.Add(take)
	reason := fmt.Sprintf("clawed back %s of %s paid: %s", take, c.Paid, p.Reason)
	cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(from), To: string(ClawedBackState), Actor: p.Actor, Time: now, Reason: reason})
	c.State, c.Reason = ClawedBackState, reason
	return nil
}

// clawbackParts splits take, the next clawback of c, over c's lines: the
// lines' shares of everything taken back with it, less their shares of what
// was taken back before, so that each line's clawbacks add up to its share
// of the claim's, never more than the line paid.
func clawbackParts(c *Claim, take incentive.Money) ([]incentive.Money, error) {
	ratios := lineRatios(c)
	before := c.ClawedBack
	if before.Currency() != take.Currency() {
		before = incentive.Zero(take.Currency())
	}
	after, err := before.Add(take)
	if err != nil {
		return nil, err
	}
	now, err := after.Allocate(ratios...)
	if err != nil {
		return nil, err
	}
	was, err := before.Allocate(ratios...)
	if err != nil {
		return nil, err
	}
	for i := range now {
		if now[i], err = now[i].Sub(was[i]); err != nil {
			return nil, err
		}
	}
	return now, nil
}

func lineRatios(c *Claim) []decimal.Decimal {
	r := make([]decimal.Decimal, len(c.Lines))
	for i, ln := range c.Lines {
		r[i] = ln.Amount.Amount()
	}
	return r
}

func (c *Claim) fund() string { return c.Fund }

// exceptionAmount reports whether the claim pays an exception's stated
// amount for a deal that is not eligible (outside the terms).
func (c *Claim) exceptionAmount() bool { return c.Exception != nil && c.Exception.Amount != nil }

// payOf is amt in the claim's payment currency at the rate recorded when
// the claim was accepted; nil when the payee is paid in the program
// currency.
func (c *Claim) payOf(amt incentive.Money) *incentive.Conversion {
	if c.PayRate == nil {
		return nil
	}
	to := incentive.NewMoney(amt.Amount().Mul(c.PayRate.Rate), c.PayRate.To)
	return &incentive.Conversion{From: amt, To: to, Rate: *c.PayRate}
}

// partnerPrior returns the partner's totals in the deal's period from the
// live earning claims (pending, approved, held, payable or paid) of deals
// that close before it (ties by deal ID), in the program's period (see
// incentive.Program.Period): the eligible deal amount, the number of deals
// and what they earned. The engine starts the deal's accumulators, period
// bands and the partner caps of the program's period from them, as a run
// over the deals in close order would (decide gives each partner cap its
// own used balance too, in Prior.CapUsed). A claim for an earlier deal that arrives after a later one does not
// change the later claim, but what the later claim earned counts in the
// earlier one's PeriodEarned, so partner caps bind in any arrival order.
// A claim clawed back after payment counts only in PeriodEarned, with what
// the partner kept of it (paid net of its clawbacks). A rejected claim of
// an eligible deal that Submit rejected (late, over the budget or a cap,
// earning nothing) counts in the deal amount and deals only, as a run
// counts such a deal (a late one's amount counts as earned too when the
// program's expired earnings use up the caps); a claim an approver
// rejected counts nothing; each deal counts once.
func (l *Ledger) partnerPrior(ctx context.Context, pe *programEntry, d *incentive.Deal) (incentive.Prior, error) {
	var pr incentive.Prior
	cs, err := l.cfg.Store.Claims(ctx, ClaimsParams{Program: pe.ref.ID, Partner: d.PartnerID,
		States: []State{PendingApproval, Approved, HeldState, PayableState, PaidState, ClawedBackState, Rejected}})
	if err != nil {
		return pr, err
	}
	prog := pe.ev.Program()
	loc := pe.loc()
	start := periodStart(prog.Period, incentive.DateOf(d.CloseDate.In(loc)), prog.Effective.From)
	// A deal counts once: by its live claim when it has one.
	live := map[string]bool{}
	for _, c := range cs {
		if c.State != Rejected {
			live[c.Deal] = true
		}
	}
	counted := map[string]bool{}
	for _, c := range cs {
		if c.Kind != EarningClaim || c.Deal == d.ID || len(c.Input) == 0 || c.exceptionAmount() {
			continue
		}
		if c.State == Rejected && (live[c.Deal] || counted[c.Deal] || !eligibleRejection(&c)) {
			continue
		}
		in, _, err := decodeInput(c.Input)
		if err != nil {
			return pr, err
		}
		t := in.Deal.CloseDate
		if periodStart(prog.Period, incentive.DateOf(t.In(loc)), prog.Effective.From) != start {
			continue
		}
		if c.State == Rejected {
			// An eligible deal whose claim was refused (late, over the
			// budget or the cap, earning nothing) was still sold: a run
			// counts it in the period's deal amount and deals, and it
			// earned nothing (an expired earning takes no cap room,
			// unless the program says otherwise).
			counted[c.Deal] = true
			if prog.Claims.ExpiredUsesCaps && lateRejection(&c) {
				// The program says an expired earning uses up the
				// partner caps as if it had been paid (claims:
				// {expired_uses_caps: true}): what the caps let it
				// pay counts as earned, in any arrival order, as a
				// live claim's does.
				pr.PeriodEarned = pr.PeriodEarned.Add(c.Amount.Amount())
			}
			if t.After(d.CloseDate) || (t.Equal(d.CloseDate) && in.Deal.ID > d.ID) {
				continue
			}
			amt, err := periodAmount(in, prog, loc)
			if err != nil {
				return pr, err
			}
			pr.PeriodAmount = pr.PeriodAmount.Add(amt)
			pr.PeriodDeals++
			continue
		}
		if c.State == ClawedBackState {
			// A deal clawed back after payment no longer counts as a
			// deal, but what the partner kept of it (paid, net of the
			// clawbacks) still counts as earned, for the partner caps.
			if kept, err := c.Paid.Sub(c.ClawedBack); err == nil && kept.Sign() > 0 {
				pr.PeriodEarned = pr.PeriodEarned.Add(kept.Amount())
			}
			continue
		}
		if t.After(d.CloseDate) || (t.Equal(d.CloseDate) && in.Deal.ID > d.ID) {
			// A later deal claimed first keeps its amount, and its earnings
			// still take cap room: a partner cap binds whatever order the
			// claims arrive in.
			pr.PeriodEarned = pr.PeriodEarned.Add(c.Amount.Amount())
			continue
		}
		amt, err := periodAmount(in, prog, loc)
		if err != nil {
			return pr, err
		}
		pr.PeriodAmount = pr.PeriodAmount.Add(amt)
		pr.PeriodDeals++
		pr.PeriodEarned = pr.PeriodEarned.Add(c.Amount.Amount())
	}
	return pr, nil
}

// periodAmount is a claimed deal's amount in the program currency, as the
// period's deal amount counts it.
func periodAmount(in incentive.Input, prog *incentive.Program, loc *time.Location) (decimal.Decimal, error) {
	amt := in.Deal.Amount
	if amt.Currency() != prog.Currency && in.Rates != nil {
		conv, err := incentive.Convert(amt, prog.Currency, in.Rates, incentive.DateOf(in.Deal.CloseDate.In(loc)))
		if err != nil {
			return decimal.Decimal{}, err
		}
		amt = conv.To
	}
	return amt.Amount(), nil
}

// The words of Submit's rejections that partnerPrior and expiredUse read
// back (a claim stores its reason, not the rejection's error): the reason
// of a deal the program does not make eligible begins with
// reasonNotEligible, a late one's with reasonLate, and a duplicate's holds
// reasonClaimed.
const (
	reasonNotEligible = "not eligible: "
	reasonLate        = "claim window closed: "
	reasonClaimed     = " is already claimed under program "
)

// lateRejection reports whether a rejected claim was refused for coming
// after its claim window closed: by Submit, or as an exception to the
// window its approver refused.
func lateRejection(c *Claim) bool {
	late := func(s string) bool { return strings.HasPrefix(s, reasonLate) }
	return late(c.Reason) || (c.Exception != nil && c.Exception.Amount == nil && slices.ContainsFunc(c.Exception.Overrides, late))
}

// eligibleRejection reports whether a rejected claim is one Submit
// rejected (decide and Submit record it without approval steps or a hold;
// a claim an approver rejected had both) for a reason that leaves the deal
// eligible: not "not eligible" and not a duplicate of a deal claimed
// before; or an eligible deal's exception (a late claim, one beyond the
// budget) its approver refused, which leaves the deal where Submit would
// have. Any other claim an approver rejected counts nothing, as a
// withdrawn or expired one.
func eligibleRejection(c *Claim) bool {
	if c.Exception != nil && c.Exception.Amount == nil {
		return true
	}
	if len(c.Steps) > 0 || !c.HoldUntil.IsZero() {
		return false
	}
	return !strings.HasPrefix(c.Reason, reasonNotEligible) && !strings.Contains(c.Reason, reasonClaimed)
}

// periodStart is the first day of the period containing d (the program's
// start for PeriodProgram), as the engine counts periods.
func periodStart(per incentive.Period, d, programStart incentive.Date) incentive.Date {
	return incentive.PeriodStart(per, d, programStart)
}

// claimKey is the store key of a claim's caller-chosen idempotency key.
// Caller keys live in their own namespace, apart from the keys the ledger
// keeps itself ("budget:<program>@<hash>", "batch:<id>"), so that no claim
// key can stand in for a budget's funding or a payment run.
func claimKey(k string) string { return "claim:" + k }

// clawbackKey is the store key of a clawback's caller-chosen idempotency
// key, in a namespace of its own.
func clawbackKey(k string) string { return "clawback:" + k }
