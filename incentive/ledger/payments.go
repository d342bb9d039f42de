package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// RunPaymentsParams is one payment run.
type RunPaymentsParams struct {
	// Batch is the batch ID chosen by the caller; running the same batch ID
	// again returns the first run's batch and pays nothing twice. Required.
	Batch string
	// AsOf is the payment date: holds ended before it (and before today)
	// are released first. The batch's entries count on AsOf, or on today
	// when AsOf is earlier: a run dated in the past pays what is payable
	// now, counted on the day it moves.
	AsOf  incentive.Date
	Actor string
	// Method, when set, names each partner's payment method (say from
	// partner.Partner.Payment). Where the program lists terms for it
	// (incentive.Program.PaymentMethods), the method's minimum replaces the
	// program's (and raises a lower payout bucket minimum), and its fee is
	// deducted from each batch line: BatchLine.Fee and Sent. Nil: every
	// partner is paid under the program's terms.
	Method func(partnerID string) partner.PaymentMethod
}

// RunPayments gathers what is payable as of p.AsOf into a batch. Per
// bucket (partner, payee, program and payout bucket):
//   - a payee gate error (Config.PayeeGate) blocks the bucket, reported with
//     the gate's reason;
//   - a withheld (negative) balance is recovered first from what is payable;
//   - what remains is paid when it reaches the payout bucket's minimum
//     (the program's MinPayout for the default bucket), otherwise it is
//     carried over (reported as blocked, with the minimum).
//
// Payable amounts move into the batch (account batched) until MarkPaid.
// Blocked buckets move nothing.
func (l *Ledger) RunPayments(ctx context.Context, p RunPaymentsParams) (Batch, error) {
	if p.Batch == "" || p.AsOf.IsZero() || p.Actor == "" {
		return Batch{}, fmt.Errorf("%w: a payment run needs a batch ID, a date and an actor", ErrInvalid)
	}
	if err := checkDay("payment run date", p.AsOf); err != nil {
		return Batch{}, err
	}
	key := "batch:" + p.Batch
	hash := p.AsOf.String()
	replay := func(rec IdempotencyRecord) (Batch, error) {
		if rec.RequestHash != hash {
			return Batch{}, fmt.Errorf("%w: batch %s was run as of %s", ErrIdempotencyMismatch, p.Batch, rec.RequestHash)
		}
		return l.cfg.Store.Batch(ctx, BatchParams{ID: p.Batch})
	}
	if rec, err := l.cfg.Store.Idempotency(ctx, IdempotencyParams{Key: key}); err == nil {
		return replay(rec)
	}
	if _, err := l.ReleaseHolds(ctx, ReleaseHoldsParams{AsOf: p.AsOf, Actor: p.Actor}); err != nil {
		return Batch{}, err
	}
	var out Batch
	err := l.retry(ctx, func() error {
		b, cp, err := l.buildBatch(ctx, p)
		if err != nil {
			return err
		}
		cp.Idempotency = &IdempotencyRecord{Key: key, RequestHash: hash, Time: b.CreatedAt}
		if _, err := l.cfg.Store.Commit(ctx, cp); err != nil {
			return err
		}
		b.Version = 1
		out = b
		return nil
	})
	var ke *KeyExistsError
	if errors.As(err, &ke) {
		return replay(ke.Record)
	}
	return out, err
}

type bucketState struct {
	payable, withheld decimal.Decimal
	cur               incentive.Currency
	claims            []Claim
}

func (l *Ledger) buildBatch(ctx context.Context, p RunPaymentsParams) (Batch, CommitParams, error) {
	now := l.now()
	bals, err := l.cfg.Store.Balances(ctx, BalancesParams{Prefix: "partner/"})
	if err != nil {
		return Batch{}, CommitParams{}, err
	}
	buckets := map[Bucket]*bucketState{}
	get := func(b Bucket, c incentive.Currency) *bucketState {
		s := buckets[b]
		if s == nil {
			s = &bucketState{cur: c}
			buckets[b] = s
		}
		return s
	}
	for _, bal := range bals {
		info, err := bal.Account.Parse()
		if err != nil {
			return Batch{}, CommitParams{}, err
		}
		switch BucketKind(info.Kind) {
		case Payable:
			get(info.Bucket, bal.Amount.Currency()).payable = bal.Amount.Amount()
		case Withheld:
			get(info.Bucket, bal.Amount.Currency()).withheld = bal.Amount.Amount()
		}
	}
	claims, err := l.cfg.Store.Claims(ctx, ClaimsParams{States: []State{PayableState}})
	if err != nil {
		return Batch{}, CommitParams{}, err
	}
	for _, c := range claims {
		if c.Batch == "" {
			s := get(c.bucket(), c.Amount.Currency())
			s.claims = append(s.claims, c)
		}
	}
	b := Batch{ID: p.Batch, AsOf: p.AsOf, State: BatchOpen, CreatedBy: p.Actor, CreatedAt: now, Lines: []BatchLine{}}
	var cp CommitParams
	keys := make([]Bucket, 0, len(buckets))
	for k, s := range buckets {
		if s.payable.Sign() > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b Bucket) int {
		return cmp.Or(cmp.Compare(a.Partner, b.Partner), cmp.Compare(a.Payee, b.Payee), cmp.Compare(a.Program, b.Program), cmp.Compare(a.Payout, b.Payout))
	})
	for _, k := range keys {
		s := buckets[k]
		money := func(d decimal.Decimal) incentive.Money { return incentive.NewMoney(d, s.cur) }
		sum := decimal.Zero
		for _, c := range s.claims {
			sum = sum.Add(c.Amount.Amount())
		}
		if !sum.Equal(s.payable) {
			// A claim changed between the two reads: read again.
			return Batch{}, CommitParams{}, fmt.Errorf("%w: bucket %s has %s payable but its payable claims sum to %s", errRetry, k, s.payable, sum)
		}
		if l.cfg.PayeeGate != nil {
			if err := l.cfg.PayeeGate(k.Partner, p.AsOf); err != nil {
				b.Blocked = append(b.Blocked, BlockedLine{Bucket: k, Amount: money(s.payable), Reason: err.Error()})
				continue
			}
		}
		recovered := decimal.Min(s.payable, s.withheld.Neg())
		if recovered.Sign() < 0 {
			recovered = decimal.Zero
		}
		net := s.payable.Sub(recovered)
		pe, err := l.program(k.Program, 0)
		if err != nil {
			return Batch{}, CommitParams{}, err
		}
		if net.Sign() > 0 {
			if min := p.minimum(pe.ev.Program(), k, pe.minPayout(k.Payout)); net.LessThan(min) {
				reason := fmt.Sprintf("below the minimum payout of %s; carried over", money(min))
				if recovered.Sign() > 0 {
					reason = fmt.Sprintf("%s after recovering %s withheld, below the minimum payout of %s; carried over", money(net), money(recovered), money(min))
				}
				b.Blocked = append(b.Blocked, BlockedLine{Bucket: k, Amount: money(s.payable), Reason: reason})
				continue
			}
		}
		line := BatchLine{Bucket: k, Payable: money(s.payable), Recovered: money(recovered), Net: money(net)}
		p.fee(pe.ev.Program(), &line)
		// The batch counts on its date, but never before today: money is
		// not moved out of payable on a day before it was payable.
		e := Entry{
			ID: l.cfg.NewID("entry"), Kind: EntryBatch, Time: now, Effective: laterOf(p.AsOf, incentive.DateOf(now.In(pe.loc()))), Program: s.claims[0].Program,
			Partner: k.Partner, Payee: k.Payee, Batch: b.ID, Actor: p.Actor, Reason: "payment run " + b.ID,
		}
		for _, c := range s.claims {
			// As an operation on one claim (updateClaim), a run dated
			// before a claim became payable (its approval dated later
			// than the clock now reads) would move it out of payable
			// before it was there.
			if on := payableOn(&c, pe.loc()); e.Effective.Before(on) {
				return Batch{}, CommitParams{}, fmt.Errorf("%w: claim %s became payable on %s: a payment run dated %s would pay it before (date it on or after %s)",
					ErrInvalid, c.ID, on, e.Effective, on)
			}
			line.Claims = append(line.Claims, c.ID)
			for _, ln := range c.Lines {
				e.Postings = append(e.Postings, Posting{Account: k.Account(Payable), Amount: ln.Amount.Neg(), Type: ln.Type})
			}
			v := c.Version
			c.Batch = b.ID
			cp.Claims = append(cp.Claims, ClaimWrite{Claim: c, ExpectVersion: v})
		}
		if recovered.Sign() > 0 {
			e.Postings = append(e.Postings, Posting{Account: k.Account(Withheld), Amount: money(recovered)})
			e.Reason += fmt.Sprintf("; %s recovered of %s withheld", money(recovered), money(s.withheld.Neg()))
		}
		if net.Sign() > 0 {
			e.Postings = append(e.Postings, Posting{Account: k.Account(Batched), Amount: money(net)})
		}
		if rest := s.withheld.Add(recovered); rest.Sign() < 0 {
			b.Blocked = append(b.Blocked, BlockedLine{Bucket: k, Amount: money(rest),
				Reason: fmt.Sprintf("negative balance of %s still withheld after recovering %s", money(rest), money(recovered))})
		}
		cp.Entries = append(cp.Entries, e)
		b.Lines = append(b.Lines, line)
	}
	cp.Batches = []BatchWrite{{Batch: b}}
	cp.Events = []Event{{Subject: b.ID, From: "", To: string(BatchOpen), Actor: p.Actor, Time: now,
		Reason: fmt.Sprintf("payment run as of %s: %d lines, %d blocked", p.AsOf, len(b.Lines), len(b.Blocked))}}
	return b, cp, nil
}

// MarkPaidParams records that a batch was paid.
type MarkPaidParams struct {
	Batch string
	// References are payment references per bucket (Bucket.String()).
	References map[string]string
	// On is the payment date; zero: the batch's as-of date. Either is
	// moved to the day the batch was run when it is before it.
	On    incentive.Date
	Actor string
	// PayCurrency and Rates, when set, record each line's amount in the
	// payment currency with the rate used (on the payment date).
	PayCurrency incentive.Currency
	Rates       incentive.RateSource
}

// MarkPaid marks an open batch paid: each line's net amount moves from
// batched to paid and its claims become paid. Marking a paid batch again
// returns it unchanged and records nothing.
func (l *Ledger) MarkPaid(ctx context.Context, p MarkPaidParams) (Batch, error) {
	if p.Actor == "" {
		return Batch{}, fmt.Errorf("%w: marking a batch paid needs an actor", ErrInvalid)
	}
	if err := checkDay("payment date", p.On); err != nil {
		return Batch{}, err
	}
	var out Batch
	err := l.retry(ctx, func() error {
		b, err := l.cfg.Store.Batch(ctx, BatchParams{ID: p.Batch})
		if err != nil {
			return err
		}
		if b.State == BatchPaid {
			out = b
			return nil
		}
		now := l.now()
		on := p.On
		if on.IsZero() {
			on = b.AsOf
		}
		var cp CommitParams
		for i := range b.Lines {
			ln := &b.Lines[i]
			ln.Reference = p.References[ln.Bucket.String()]
			var ref incentive.ProgramRef
			for _, id := range ln.Claims {
				c, err := l.cfg.Store.Claim(ctx, ClaimParams{ID: id})
				if err != nil {
					return err
				}
				if ref.ID == "" {
					ref = c.Program
				}
				v := c.Version
				cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(c.State), To: string(PaidState), Actor: p.Actor, Time: now,
					Reason: "paid in batch " + b.ID})
				c.State, c.Paid, c.Reason = PaidState, c.Amount, "paid in batch "+b.ID
				cp.Claims = append(cp.Claims, ClaimWrite{Claim: c, ExpectVersion: v})
			}
			if ln.Net.Sign() > 0 {
				lineOn := on
				if pe, err := l.programByRef(ref); err == nil {
					// Not before the day the batch took the money.
					lineOn = laterOf(on, incentive.DateOf(b.CreatedAt.In(pe.loc())))
				}
				e := Entry{
					ID: l.cfg.NewID("entry"), Kind: EntryPayment, Time: now, Effective: lineOn, Program: ref,
					Partner: ln.Bucket.Partner, Payee: ln.Bucket.Payee, Batch: b.ID, Actor: p.Actor,
					Reason: "paid, reference " + cmpOr(ln.Reference, "(none)"),
					Postings: []Posting{
						{Account: ln.Bucket.Account(Batched), Amount: ln.Net.Neg()},
						{Account: ln.Bucket.Account(Paid), Amount: ln.Net},
					},
				}
				if p.PayCurrency != "" && p.Rates != nil {
					conv, err := incentive.Convert(ln.Net, p.PayCurrency, p.Rates, lineOn)
					if err != nil {
						return err
					}
					e.Pay = &conv
				}
				cp.Entries = append(cp.Entries, e)
			}
		}
		v := b.Version
		b.State, b.PaidBy, b.PaidAt = BatchPaid, p.Actor, now
		cp.Batches = []BatchWrite{{Batch: b, ExpectVersion: v}}
		cp.Events = append(cp.Events, Event{Subject: b.ID, From: string(BatchOpen), To: string(BatchPaid), Actor: p.Actor, Time: now, Reason: "marked paid"})
		if _, err := l.cfg.Store.Commit(ctx, cp); err != nil {
			return err
		}
		b.Version = v + 1
		out = b
		return nil
	})
	return out, err
}

// payableOn is the day (in loc) of a payable claim's last move before
// payment: its submission or its last approval step.
func payableOn(c *Claim, loc *time.Location) incentive.Date {
	on := incentive.DateOf(c.SubmittedAt.In(loc))
	for _, st := range c.Steps {
		if !st.At.IsZero() {
			on = laterOf(on, incentive.DateOf(st.At.In(loc)))
		}
	}
	return on
}

// laterOf returns the later of two dates.
func laterOf(a, b incentive.Date) incentive.Date {
	if b.After(a) {
		return b
	}
	return a
}

// terms returns the program's payment terms for the bucket's partner.
func (p RunPaymentsParams) terms(prog *incentive.Program, k Bucket) (incentive.PaymentTerms, bool) {
	if p.Method == nil {
		return incentive.PaymentTerms{}, false
	}
	return prog.PaymentTermsFor(p.Method(k.Partner))
}

// minimum is the bucket's minimum payout min under the partner's payment
// method: the method's minimum replaces the program's (the default payout
// bucket) and raises a named bucket's lower one.
func (p RunPaymentsParams) minimum(prog *incentive.Program, k Bucket, min decimal.Decimal) decimal.Decimal {
	if t, ok := p.terms(prog, k); ok {
		return t.Minimum(min, k.Payout == "")
	}
	return min
}

// fee records the payment method and its fee on a batch line that pays
// something. The line reached the method's minimum, which the program's
// validation keeps above the fee, so Sent is positive.
func (p RunPaymentsParams) fee(prog *incentive.Program, line *BatchLine) {
	t, ok := p.terms(prog, line.Bucket)
	if !ok {
		return
	}
	line.Method = t.Method
	if t.Fee.Sign() > 0 && line.Net.Sign() > 0 {
		line.Fee = incentive.NewMoney(t.Fee, line.Net.Currency())
		line.Sent = incentive.NewMoney(line.Net.Amount().Sub(t.Fee), line.Net.Currency())
	}
}
