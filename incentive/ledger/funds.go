package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// AllocateFundParams allocates an MDF fund to a partner for a period.
type AllocateFundParams struct {
	// ID is the fund's ID, chosen by the caller; allocating the same ID
	// twice fails with ErrConflict.
	ID string
	// Program is a registered program (its policy approves MDF claims and
	// its currency is the fund's).
	Program string
	Partner string
	// Payee defaults to the partner.
	Payee string
	// From and To are the period, both inclusive.
	From, To  incentive.Date
	Amount    incentive.Money
	Share     decimal.Decimal
	ProofDays int
	Actor     string
}

// AllocateFund allocates a fund: its amount moves from the fund's source
// into its available balance.
func (l *Ledger) AllocateFund(ctx context.Context, p AllocateFundParams) (Fund, error) {
	pe, err := l.program(p.Program, 0)
	if err != nil {
		return Fund{}, err
	}
	switch {
	case p.ID == "" || p.Partner == "" || p.Actor == "":
		return Fund{}, fmt.Errorf("%w: a fund needs an ID, a partner and an actor", ErrInvalid)
	case p.From.IsZero() || p.To.IsZero() || p.To.Before(p.From):
		return Fund{}, fmt.Errorf("%w: fund period %s to %s", ErrInvalid, p.From, p.To)
	case checkDay("fund period start", p.From) != nil:
		return Fund{}, checkDay("fund period start", p.From)
	case checkDay("fund period end", p.To) != nil:
		return Fund{}, checkDay("fund period end", p.To)
	case p.Amount.Currency() != pe.currency():
		return Fund{}, fmt.Errorf("%w: fund in %s for a program paying %s", incentive.ErrCurrencyMismatch, p.Amount.Currency(), pe.currency())
	case p.Amount.Sign() <= 0:
		return Fund{}, fmt.Errorf("%w: fund amount %s", ErrInvalid, p.Amount)
	case p.Share.Sign() <= 0 || p.Share.GreaterThan(decimal.NewFromInt(1)):
		return Fund{}, fmt.Errorf("%w: reimbursement share %s is not in (0, 1]", ErrInvalid, p.Share)
	case p.ProofDays < 0:
		return Fund{}, fmt.Errorf("%w: proof deadline of %d days", ErrInvalid, p.ProofDays)
	}
	f := Fund{ID: p.ID, Program: pe.ref, Partner: p.Partner, Payee: cmpOr(p.Payee, incentive.PayeePartner), From: p.From, To: p.To,
		Allocated: p.Amount, Share: p.Share, ProofDays: p.ProofDays, State: FundOpen}
	now := l.now()
	e := Entry{ID: l.cfg.NewID("entry"), Kind: EntryAllocation, Time: now, Effective: p.From, Program: pe.ref, Partner: p.Partner,
		Payee: f.Payee, Fund: f.ID, Actor: p.Actor, Reason: fmt.Sprintf("MDF allocation %s to %s", p.From, p.To),
		Postings: []Posting{{Account: FundAccount(f.ID, FundSource), Amount: p.Amount.Neg()}, {Account: FundAccount(f.ID, FundAvailable), Amount: p.Amount, Type: incentive.MDF}}}
	_, err = l.cfg.Store.Commit(ctx, CommitParams{Entries: []Entry{e}, Funds: []FundWrite{{Fund: f}},
		Events: []Event{{Subject: f.ID, To: string(FundOpen), Actor: p.Actor, Time: now, Reason: "allocated " + p.Amount.String()}}})
	if err != nil {
		return Fund{}, err
	}
	f.Version = 1
	return f, nil
}

// RequestFundsParams asks to pre-approve an MDF activity.
type RequestFundsParams struct {
	// ID is the request's ID, chosen by the caller.
	ID          string
	Fund        string
	Activity    string
	PlannedCost incentive.Money
	ActivityEnd incentive.Date
	Actor       string
}

// RequestFunds records a fund request; ApproveFundRequest reserves funds.
func (l *Ledger) RequestFunds(ctx context.Context, p RequestFundsParams) (FundRequest, error) {
	f, err := l.cfg.Store.Fund(ctx, FundParams{ID: p.Fund})
	if err != nil {
		return FundRequest{}, err
	}
	switch {
	case p.ID == "" || p.Actor == "" || p.Activity == "" || p.ActivityEnd.IsZero():
		return FundRequest{}, fmt.Errorf("%w: a fund request needs an ID, an activity, its end date and an actor", ErrInvalid)
	case checkDay("activity end", p.ActivityEnd) != nil:
		return FundRequest{}, checkDay("activity end", p.ActivityEnd)
	case p.PlannedCost.Currency() != f.Allocated.Currency() || p.PlannedCost.Sign() <= 0:
		return FundRequest{}, fmt.Errorf("%w: planned cost %s for a fund in %s", ErrInvalid, p.PlannedCost, f.Allocated.Currency())
	case f.State != FundOpen || p.ActivityEnd.Before(f.From) || p.ActivityEnd.After(f.To):
		return FundRequest{}, fmt.Errorf("%w: the activity ends %s, outside fund %s's period %s to %s (or the fund is closed)", ErrInvalid, p.ActivityEnd, f.ID, f.From, f.To)
	}
	r := FundRequest{ID: p.ID, Fund: f.ID, Partner: f.Partner, Activity: p.Activity, PlannedCost: p.PlannedCost,
		Approved: incentive.Zero(f.Allocated.Currency()), ActivityEnd: p.ActivityEnd, ProofDue: p.ActivityEnd.AddDays(f.ProofDays),
		State: RequestSubmitted, SubmittedBy: p.Actor}
	now := l.now()
	_, err = l.cfg.Store.Commit(ctx, CommitParams{FundRequests: []FundRequestWrite{{Request: r}},
		Events: []Event{{Subject: r.ID, To: string(RequestSubmitted), Actor: p.Actor, Time: now, Reason: fmt.Sprintf("%s, planned cost %s", p.Activity, p.PlannedCost)}}})
	if err != nil {
		return FundRequest{}, err
	}
	r.Version = 1
	return r, nil
}

// DecideFundRequestParams approves or rejects a fund request.
type DecideFundRequestParams struct {
	Request string
	// Amount is the amount approved (the most the activity is reimbursed),
	// positive and on the currency's minor unit; nil: the planned cost
	// times the fund's share, rounded half up to the currency's minor unit.
	Amount *incentive.Money
	Actor  string
	Reason string
}

func (l *Ledger) updateRequest(ctx context.Context, id string, fn func(r *FundRequest, f *Fund, now time.Time, cp *CommitParams) error) (FundRequest, error) {
	var out FundRequest
	err := l.retry(ctx, func() error {
		r, err := l.cfg.Store.FundRequest(ctx, FundRequestParams{ID: id})
		if err != nil {
			return err
		}
		f, err := l.cfg.Store.Fund(ctx, FundParams{ID: r.Fund})
		if err != nil {
			return err
		}
		v := r.Version
		var cp CommitParams
		if err := fn(&r, &f, l.now(), &cp); err != nil {
			return err
		}
		cp.FundRequests = append(cp.FundRequests, FundRequestWrite{Request: r, ExpectVersion: v})
		if _, err := l.cfg.Store.Commit(ctx, cp); err != nil {
			return err
		}
		r.Version = v + 1
		out = r
		return nil
	})
	return out, err
}

// ApproveFundRequest approves a submitted request and reserves the
// approved amount from the fund's available balance; a fund that cannot
// cover it fails with ErrFundExceeded (guarded in the store).
func (l *Ledger) ApproveFundRequest(ctx context.Context, p DecideFundRequestParams) (FundRequest, error) {
	if p.Actor == "" {
		return FundRequest{}, fmt.Errorf("%w: an approval needs an actor", ErrInvalid)
	}
	return l.updateRequest(ctx, p.Request, func(r *FundRequest, f *Fund, now time.Time, cp *CommitParams) error {
		if r.State != RequestSubmitted {
			return &TransitionError{Subject: "fund request " + r.ID, From: string(r.State), To: string(RequestApproved)}
		}
		if p.Actor == r.SubmittedBy {
			return fmt.Errorf("%w: %s submitted fund request %s", ErrSelfApproval, p.Actor, r.ID)
		}
		amt := r.PlannedCost.Mul(f.Share).RoundToMinor(incentive.HalfUp)
		if p.Amount != nil {
			if p.Amount.Currency() != amt.Currency() || p.Amount.Sign() <= 0 {
				return fmt.Errorf("%w: approved amount %s", ErrInvalid, p.Amount)
			}
			if !p.Amount.RoundToMinor(incentive.HalfUp).Amount().Equal(p.Amount.Amount()) {
				// It caps the reimbursement paid: a fraction of a cent
				// would be paid as it is.
				return fmt.Errorf("%w: approved amount %s is finer than the minor unit of %s", ErrInvalid, p.Amount, p.Amount.Currency())
			}
			amt = *p.Amount
		}
		pe, err := l.programByRef(f.Program)
		if err != nil {
			return err
		}
		r.Approved, r.State = amt, RequestApproved
		cp.Entries = append(cp.Entries, Entry{ID: l.cfg.NewID("entry"), Kind: EntryReservation, Time: now, Effective: incentive.DateOf(now.In(pe.loc())),
			Program: f.Program, Partner: f.Partner, Payee: f.Payee, Fund: f.ID, Request: r.ID, Actor: p.Actor,
			Reason: "reserved for " + r.Activity,
			Postings: []Posting{{Account: FundAccount(f.ID, FundAvailable), Amount: amt.Neg(), Type: incentive.MDF},
				{Account: FundAccount(f.ID, FundReserved), Amount: amt, Type: incentive.MDF}}})
		cp.Guards = append(cp.Guards, Guard{Account: FundAccount(f.ID, FundAvailable), Min: incentive.Zero(amt.Currency())})
		cp.Events = append(cp.Events, Event{Subject: r.ID, From: string(RequestSubmitted), To: string(RequestApproved), Actor: p.Actor, Time: now,
			Reason: cmpOr(p.Reason, "approved "+amt.String())})
		return nil
	})
}

// RejectFundRequest rejects a submitted request.
func (l *Ledger) RejectFundRequest(ctx context.Context, p DecideFundRequestParams) (FundRequest, error) {
	if p.Actor == "" || p.Reason == "" {
		return FundRequest{}, fmt.Errorf("%w: a rejection needs an actor and a reason", ErrInvalid)
	}
	return l.updateRequest(ctx, p.Request, func(r *FundRequest, f *Fund, now time.Time, cp *CommitParams) error {
		if r.State != RequestSubmitted {
			return &TransitionError{Subject: "fund request " + r.ID, From: string(r.State), To: string(RequestRejected)}
		}
		r.State = RequestRejected
		cp.Events = append(cp.Events, Event{Subject: r.ID, From: string(RequestSubmitted), To: string(RequestRejected), Actor: p.Actor, Time: now, Reason: p.Reason})
		return nil
	})
}

// ClaimFundsParams claims reimbursement of an approved fund request.
type ClaimFundsParams struct {
	// Key is the idempotency key. Required.
	Key        string
	Request    string
	ActualCost incentive.Money
	// Proof is the proof of performance. Without it the claim is refused
	// (ErrNoProof) unless Exception names an approver and a justification;
	// such a claim, once paid, is listed by UnprovenMDF until proof is
	// attached.
	Proof     []Document
	Exception *Exception
	Actor     string
}

// ClaimFunds claims an approved fund request. The reimbursement is the
// actual cost times the fund's share, rounded half up to the minor unit and
// capped at the approved amount; the rest of the reservation returns to the
// fund. A claim after the request's proof deadline is rejected (recorded,
// ErrProofLate). The claim then follows the program's approval policy for
// earning type mdf.
func (l *Ledger) ClaimFunds(ctx context.Context, p ClaimFundsParams) (Claim, error) {
	switch {
	case p.Key == "" || p.Actor == "":
		return Claim{}, fmt.Errorf("%w: an MDF claim needs an idempotency key and an actor", ErrInvalid)
	case len(p.Proof) == 0 && p.Exception == nil:
		return Claim{}, fmt.Errorf("%w: fund request %s", ErrNoProof, p.Request)
	case p.Exception != nil && (p.Exception.Approver == "" || p.Exception.Justification == "" || p.Exception.Approver == p.Actor):
		return Claim{}, fmt.Errorf("%w: an exception needs a named approver other than the submitter and a justification", ErrInvalid)
	}
	hash, err := requestHash(p)
	if err != nil {
		return Claim{}, err
	}
	if rec, err := l.cfg.Store.Idempotency(ctx, IdempotencyParams{Key: claimKey(p.Key)}); err == nil {
		return l.replaySubmit(ctx, rec, hash)
	}
	id := l.cfg.NewID("claim")
	var out Claim
	var outErr error
	err = l.retry(ctx, func() error {
		r, err := l.cfg.Store.FundRequest(ctx, FundRequestParams{ID: p.Request})
		if err != nil {
			return err
		}
		f, err := l.cfg.Store.Fund(ctx, FundParams{ID: r.Fund})
		if err != nil {
			return err
		}
		pe, err := l.programByRef(f.Program)
		if err != nil {
			return err
		}
		if p.Exception != nil && !pe.policy.mayApprove(RoleException, p.Exception.Approver) {
			return fmt.Errorf("%w: %s is not a listed %s approver of program %s", ErrNotApprover, p.Exception.Approver, RoleException, pe.ref.ID)
		}
		if p.ActualCost.Currency() != f.Allocated.Currency() || p.ActualCost.Sign() <= 0 {
			return fmt.Errorf("%w: actual cost %s for a fund in %s", ErrInvalid, p.ActualCost, f.Allocated.Currency())
		}
		now := l.now()
		today := incentive.DateOf(now.In(pe.loc()))
		cur := f.Allocated.Currency()
		c := Claim{ID: id, Kind: MDFClaim, Program: f.Program, Partner: f.Partner, Payee: f.Payee, Type: incentive.MDF,
			State: Submitted, SubmittedBy: p.Actor, SubmittedAt: now, CloseDate: r.ActivityEnd, ClaimBy: r.ProofDue,
			Paid: incentive.Zero(cur), ClawedBack: incentive.Zero(cur), Fund: f.ID, Request: r.ID, ActualCost: p.ActualCost,
			Proof: p.Proof, Exception: p.Exception, Amount: incentive.Zero(cur)}
		c.Payout = pe.payout(incentive.MDF)
		var cp CommitParams
		var rej *RejectedError
		switch {
		case r.State == RequestApproved && today.After(r.ProofDue) && p.Exception == nil, r.State == RequestExpired:
			reason := fmt.Sprintf("proof of performance was due by %s (activity ended %s); this claim came on %s", r.ProofDue, r.ActivityEnd, today)
			rej = &RejectedError{Claim: id, Reason: reason, Err: ErrProofLate}
		case r.State != RequestApproved:
			return &TransitionError{Subject: "fund request " + r.ID, From: string(r.State), To: string(RequestClaimed)}
		}
		if rej != nil {
			cp = rejectedCommit(c, pe, rej.Reason)
		} else {
			reimb := p.ActualCost.Mul(f.Share).RoundToMinor(incentive.HalfUp)
			capped := false
			if reimb.Amount().GreaterThan(r.Approved.Amount()) {
				reimb, capped = r.Approved, true
			}
			rest, _ := r.Approved.Sub(reimb)
			c.Amount = reimb
			c.Lines = []ClaimLine{{Earning: r.ID, Type: incentive.MDF, Amount: reimb}}
			c.State = PendingApproval
			c.Reason = fmt.Sprintf("reimbursement %s x %s = %s", p.ActualCost, f.Share, p.ActualCost.Mul(f.Share).RoundToMinor(incentive.HalfUp))
			if capped {
				c.Reason += ", capped at the approved " + r.Approved.String()
			}
			var overrides []string
			if len(p.Proof) == 0 {
				overrides = append(overrides, "no proof of performance")
			}
			if today.After(r.ProofDue) {
				overrides = append(overrides, fmt.Sprintf("proof of performance was due by %s (activity ended %s); this claim came on %s", r.ProofDue, r.ActivityEnd, today))
			}
			if p.Exception != nil && len(overrides) > 0 {
				x := *p.Exception
				x.Overrides, x.Amount, x.Type = overrides, nil, ""
				c.Exception = &x
				c.Steps = []ApprovalStep{{Role: RoleException, Approver: x.Approver}}
				c.Reason += "; exception requested from " + x.Approver + ": " + strings.Join(overrides, "; ") + "; " + x.Justification
			} else {
				c.Exception = nil
				c.Steps = pe.policy.Steps(incentive.MDF, reimb.Amount())
			}
			e := Entry{ID: l.cfg.NewID("entry"), Kind: EntryReimbursement, Time: now, Effective: today, Program: f.Program,
				Partner: f.Partner, Payee: f.Payee, Claim: id, Fund: f.ID, Request: r.ID, Actor: p.Actor, Reason: c.Reason,
				Postings: []Posting{{Account: FundAccount(f.ID, FundReserved), Amount: r.Approved.Neg(), Type: incentive.MDF},
					{Account: c.bucket().Account(Accrued), Amount: reimb, Type: incentive.MDF}}}
			if !rest.IsZero() {
				e.Postings = append(e.Postings, Posting{Account: FundAccount(f.ID, FundAvailable), Amount: rest, Type: incentive.MDF})
			}
			cp.Entries = []Entry{e}
			cp.Events = []Event{
				{Subject: id, To: string(Submitted), Actor: p.Actor, Time: now, Reason: "MDF claim for " + r.Activity},
				{Subject: id, From: string(Submitted), To: string(PendingApproval), Actor: p.Actor, Time: now, Reason: c.Reason},
				{Subject: r.ID, From: string(r.State), To: string(RequestClaimed), Actor: p.Actor, Time: now, Reason: "claimed by " + id},
			}
			if len(c.Steps) == 0 {
				l.approveInto(&c, &cp, pe, now, "system", "auto-approved below the approval threshold")
			}
			v := r.Version
			r.State, r.Claim = RequestClaimed, id
			cp.FundRequests = []FundRequestWrite{{Request: r, ExpectVersion: v}}
			cp.Claims = []ClaimWrite{{Claim: c}}
		}
		o := outcome{Claim: id, First: first(cp.Claims[0].Claim)}
		if rej != nil {
			o.Code, o.Reason = "proof_late", rej.Reason
		}
		ob, _ := json.Marshal(o)
		cp.Idempotency = &IdempotencyRecord{Key: claimKey(p.Key), RequestHash: hash, Outcome: ob, Time: now}
		if _, err := l.cfg.Store.Commit(ctx, cp); err != nil {
			return err
		}
		out = cp.Claims[0].Claim
		out.Version = 1
		if rej != nil {
			outErr = rej
		}
		return nil
	})
	var ke *KeyExistsError
	if errors.As(err, &ke) {
		return l.replaySubmit(ctx, ke.Record, hash)
	}
	if err != nil {
		return Claim{}, err
	}
	return out, outErr
}

// AttachProofParams adds proof of performance to an MDF claim.
type AttachProofParams struct {
	Claim string
	Proof []Document
	Actor string
}

// AttachProof adds proof documents to an MDF claim (for one paid on an
// exception without proof, this clears its UnprovenMDF flag).
func (l *Ledger) AttachProof(ctx context.Context, p AttachProofParams) (Claim, error) {
	if len(p.Proof) == 0 || p.Actor == "" {
		return Claim{}, fmt.Errorf("%w: attaching proof needs documents and an actor", ErrInvalid)
	}
	return l.updateClaim(ctx, p.Claim, func(c *Claim, pe *programEntry, now time.Time, cp *CommitParams) error {
		if c.Kind != MDFClaim {
			return fmt.Errorf("%w: claim %s is not an MDF claim", ErrInvalid, c.ID)
		}
		c.Proof = append(c.Proof, p.Proof...)
		cp.Events = append(cp.Events, Event{Subject: c.ID, From: string(c.State), To: string(c.State), Actor: p.Actor, Time: now,
			Reason: fmt.Sprintf("proof attached (%d documents)", len(p.Proof))})
		return nil
	})
}

// UnprovenParams selects MDF claims paid without proof.
type UnprovenParams struct {
	// Partner limits the list to one partner; empty: all.
	Partner string
}

// UnprovenMDF lists MDF claims that were paid (or clawed back after
// payment) without any proof of performance. The partner package's
// offboarding clearance reads it.
func (l *Ledger) UnprovenMDF(ctx context.Context, p UnprovenParams) ([]Claim, error) {
	cs, err := l.cfg.Store.Claims(ctx, ClaimsParams{Partner: p.Partner, States: []State{PaidState, ClawedBackState}})
	if err != nil {
		return nil, err
	}
	out := []Claim{}
	for _, c := range cs {
		if c.Kind == MDFClaim && len(c.Proof) == 0 && c.Paid.Sign() > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// ExpireFundsParams expires MDF funds as of a date.
type ExpireFundsParams struct {
	AsOf  incentive.Date
	Actor string
}

// ExpireFunds, as of p.AsOf, expires approved fund requests whose proof
// deadline passed unclaimed (their reservation returns to the fund, on the
// day after the deadline) and then, for every fund whose period ended
// before p.AsOf, expires its unspent available balance (what was available
// then on the day after the period, money that came back later on the day
// it expires) and closes it. A deadline or period also has to be over by
// the clock's date (program time zone): a date in the future expires
// nothing early. Running it again expires only what was
// released since. It returns the funds it touched.
func (l *Ledger) ExpireFunds(ctx context.Context, p ExpireFundsParams) ([]Fund, error) {
	if p.AsOf.IsZero() || p.Actor == "" {
		return nil, fmt.Errorf("%w: expiring funds needs a date and an actor", ErrInvalid)
	}
	if err := checkDay("expiry date", p.AsOf); err != nil {
		return nil, err
	}
	reqs, err := l.cfg.Store.FundRequests(ctx, FundRequestsParams{})
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if r.State != RequestApproved || !p.AsOf.After(r.ProofDue) {
			continue
		}
		_, err := l.updateRequest(ctx, r.ID, func(r *FundRequest, f *Fund, now time.Time, cp *CommitParams) error {
			if r.State != RequestApproved {
				return errSkip
			}
			pe, err := l.programByRef(f.Program)
			if err != nil {
				return err
			}
			if !incentive.DateOf(now.In(pe.loc())).After(r.ProofDue) {
				// The deadline has not passed in real time: the partner
				// may still claim (ClaimFunds reads the clock too).
				return errSkip
			}
			r.State = RequestExpired
			reason := fmt.Sprintf("no claim by the proof deadline %s", r.ProofDue)
			cp.Entries = append(cp.Entries, Entry{ID: l.cfg.NewID("entry"), Kind: EntryReservation, Time: now, Effective: r.ProofDue.AddDays(1),
				Program: f.Program, Partner: f.Partner, Payee: f.Payee, Fund: f.ID, Request: r.ID, Actor: p.Actor, Reason: "reservation released: " + reason,
				Postings: []Posting{{Account: FundAccount(f.ID, FundReserved), Amount: r.Approved.Neg(), Type: incentive.MDF},
					{Account: FundAccount(f.ID, FundAvailable), Amount: r.Approved, Type: incentive.MDF}}})
			cp.Events = append(cp.Events, Event{Subject: r.ID, From: string(RequestApproved), To: string(RequestExpired), Actor: p.Actor, Time: now, Reason: reason})
			return nil
		})
		if err != nil && !errors.Is(err, errSkip) {
			return nil, err
		}
	}
	funds, err := l.cfg.Store.Funds(ctx, FundsParams{})
	if err != nil {
		return nil, err
	}
	out := []Fund{}
	for _, f := range funds {
		if !p.AsOf.After(f.To) {
			continue
		}
		var done Fund
		err := l.retry(ctx, func() error {
			f, err := l.cfg.Store.Fund(ctx, FundParams{ID: f.ID})
			if err != nil {
				return err
			}
			avail, err := l.balance(ctx, FundAccount(f.ID, FundAvailable), f.Allocated.Currency())
			if err != nil {
				return err
			}
			if avail.Sign() <= 0 && f.State == FundClosed {
				return errSkip
			}
			now := l.now()
			pe, err := l.programByRef(f.Program)
			if err != nil {
				return err
			}
			if !incentive.DateOf(now.In(pe.loc())).After(f.To) {
				return errSkip // the period still runs in real time
			}
			v := f.Version
			var cp CommitParams
			if avail.Sign() > 0 {
				// What was available on the day after the period expires
				// on that day; money that came back later (a rejected or
				// voided MDF claim) expires today: the fund's balance on
				// a date is never negative.
				cur := f.Allocated.Currency()
				end := f.To.AddDays(1)
				bs, err := l.cfg.Store.Balances(ctx, BalancesParams{Prefix: FundAccount(f.ID, FundAvailable), Through: end})
				if err != nil {
					return err
				}
				atEnd := decimal.Zero
				for _, b := range bs {
					if b.Account == FundAccount(f.ID, FundAvailable) && b.Amount.Currency() == cur {
						atEnd = b.Amount.Amount()
					}
				}
				early := decimal.Max(decimal.Zero, decimal.Min(avail, atEnd))
				parts := []struct {
					amt decimal.Decimal
					on  incentive.Date
				}{{early, end}, {avail.Sub(early), laterOf(end, incentive.DateOf(now.In(pe.loc())))}}
				for _, part := range parts {
					if part.amt.Sign() <= 0 {
						continue
					}
					amt := incentive.NewMoney(part.amt, cur)
					cp.Entries = append(cp.Entries, Entry{ID: l.cfg.NewID("entry"), Kind: EntryFundExpiry, Time: now, Effective: part.on,
						Program: f.Program, Partner: f.Partner, Payee: f.Payee, Fund: f.ID, Actor: p.Actor,
						Reason: fmt.Sprintf("unspent at the end of the period %s to %s", f.From, f.To),
						Postings: []Posting{{Account: FundAccount(f.ID, FundAvailable), Amount: amt.Neg(), Type: incentive.MDF},
							{Account: FundAccount(f.ID, FundExpired), Amount: amt, Type: incentive.MDF}}})
				}
				// A concurrent reservation must not spend what expires.
				cp.Guards = []Guard{{Account: FundAccount(f.ID, FundAvailable), Min: incentive.Zero(f.Allocated.Currency())}}
			}
			if f.State != FundClosed {
				cp.Events = []Event{{Subject: f.ID, From: string(FundOpen), To: string(FundClosed), Actor: p.Actor, Time: now, Reason: "period ended " + f.To.String()}}
			}
			f.State = FundClosed
			cp.Funds = []FundWrite{{Fund: f, ExpectVersion: v}}
			if _, err := l.cfg.Store.Commit(ctx, cp); err != nil {
				if errors.Is(err, ErrFundExceeded) {
					return errRetry
				}
				return err
			}
			f.Version = v + 1
			done = f
			return nil
		})
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			return out, err
		default:
			out = append(out, done)
		}
	}
	return out, nil
}

// FundBalance is an MDF fund's position on a date.
type FundBalance struct {
	Fund string `json:"fund"`
	On   incentive.Date
	// Allocated = Available + Reserved + Reimbursed + Expired.
	Allocated  incentive.Money `json:"allocated"`
	Available  incentive.Money `json:"available"`
	Reserved   incentive.Money `json:"reserved"`
	Reimbursed incentive.Money `json:"reimbursed"`
	Expired    incentive.Money `json:"expired"`
}

// FundBalanceParams names a fund and a date.
type FundBalanceParams struct {
	Fund string
	// On: entries effective on or before it count; zero: all.
	On incentive.Date
}

// FundBalance returns a fund's balance on a date, from its entries.
func (l *Ledger) FundBalance(ctx context.Context, p FundBalanceParams) (FundBalance, error) {
	f, err := l.cfg.Store.Fund(ctx, FundParams{ID: p.Fund})
	if err != nil {
		return FundBalance{}, err
	}
	bs, err := l.cfg.Store.Balances(ctx, BalancesParams{Prefix: Account("fund/" + esc(f.ID) + "/"), Through: p.On})
	if err != nil {
		return FundBalance{}, err
	}
	cur := f.Allocated.Currency()
	z := incentive.Zero(cur)
	fb := FundBalance{Fund: f.ID, On: p.On, Allocated: z, Available: z, Reserved: z, Reimbursed: z, Expired: z}
	for _, b := range bs {
		switch b.Account {
		case FundAccount(f.ID, FundSource):
			fb.Allocated = b.Amount.Neg()
		case FundAccount(f.ID, FundAvailable):
			fb.Available = b.Amount
		case FundAccount(f.ID, FundReserved):
			fb.Reserved = b.Amount
		case FundAccount(f.ID, FundExpired):
			fb.Expired = b.Amount
		}
	}
	// Whatever left the fund's accounts went to partners.
	r := fb.Allocated.Amount().Sub(fb.Available.Amount()).Sub(fb.Reserved.Amount()).Sub(fb.Expired.Amount())
	fb.Reimbursed = incentive.NewMoney(r, cur)
	return fb, nil
}
