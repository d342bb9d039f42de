package ledger

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/partnerops/partnerops/incentive"
)

// NoticeKind says what a notice is about.
type NoticeKind string

// Notice kinds.
const (
	// NoticeClaimWindow: an earning not yet claimed whose claim window
	// closes within the horizon.
	NoticeClaimWindow NoticeKind = "claim_window_closing"
	// NoticeUnclaimed: an earning not yet claimed, its window further out.
	NoticeUnclaimed NoticeKind = "unclaimed_earning"
	// NoticeHoldEnding: a held earning becomes payable within the horizon.
	NoticeHoldEnding NoticeKind = "hold_ending"
	// NoticeFundExpiring: an MDF fund with money available ends within
	// the horizon.
	NoticeFundExpiring NoticeKind = "fund_expiring"
	// NoticeProofDue: an approved fund request's proof is due within the
	// horizon.
	NoticeProofDue NoticeKind = "proof_due"
	// NoticePaymentBlocked: a payable amount the payee gate blocks.
	NoticePaymentBlocked NoticeKind = "payment_blocked"
)

// NoticeKinds lists the notice kinds.
func NoticeKinds() []NoticeKind {
	return []NoticeKind{NoticeClaimWindow, NoticeUnclaimed, NoticeHoldEnding, NoticeFundExpiring, NoticeProofDue, NoticePaymentBlocked}
}

// Notice is one thing someone should hear about. The ledger sends nothing;
// callers deliver notices however they like.
type Notice struct {
	Kind    NoticeKind `json:"kind"`
	Partner string     `json:"partner"`
	// Subject is the deal, claim, fund or fund request, or the bucket.
	Subject string `json:"subject"`
	// Due is the date the notice is about (the last day to claim, the end
	// of the hold, the fund's last day, the proof deadline, the run date).
	Due    incentive.Date  `json:"due"`
	Amount incentive.Money `json:"amount"`
	Reason string          `json:"reason"`
}

// NoticesParams selects notices.
type NoticesParams struct {
	// AsOf is today; Within the horizon in days.
	AsOf   incentive.Date
	Within int
	// Earnings are evaluated deals the caller knows of (e.g. from a run of
	// the program over the CRM's deals); those eligible, earning something
	// and not claimed become claim-window or unclaimed notices.
	Earnings []*incentive.Result
}

// Notices lists what is due within p.Within days of p.AsOf, sorted by due
// date, kind and subject.
func (l *Ledger) Notices(ctx context.Context, p NoticesParams) ([]Notice, error) {
	horizon := p.AsOf.AddDays(p.Within)
	within := func(d incentive.Date) bool { return !d.Before(p.AsOf) && !d.After(horizon) }
	out := []Notice{}
	for _, r := range p.Earnings {
		if r == nil || !r.Eligible || r.Total.Sign() <= 0 || r.Expired || (!r.ClaimBy.IsZero() && r.ClaimBy.Before(p.AsOf)) {
			continue
		}
		cs, err := l.cfg.Store.Claims(ctx, ClaimsParams{Program: r.Program.ID, Deal: r.DealID})
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(cs, func(c Claim) bool { return c.DedupeKey != "" }) {
			continue
		}
		n := Notice{Kind: NoticeUnclaimed, Partner: r.PartnerID, Subject: r.DealID, Due: r.ClaimBy, Amount: r.Total,
			Reason: fmt.Sprintf("deal %s earns %s under %s and is not claimed", r.DealID, r.Total, r.Program.ID)}
		if !r.ClaimBy.IsZero() {
			n.Reason += "; claim by " + r.ClaimBy.String()
			if within(r.ClaimBy) {
				n.Kind = NoticeClaimWindow
			}
		}
		out = append(out, n)
	}
	held, err := l.cfg.Store.Claims(ctx, ClaimsParams{States: []State{HeldState}})
	if err != nil {
		return nil, err
	}
	for _, c := range held {
		if within(c.HoldUntil) {
			out = append(out, Notice{Kind: NoticeHoldEnding, Partner: c.Partner, Subject: c.ID, Due: c.HoldUntil, Amount: c.Amount,
				Reason: fmt.Sprintf("held through %s; payable from %s", c.HoldUntil, c.HoldUntil.AddDays(1))})
		}
	}
	funds, err := l.cfg.Store.Funds(ctx, FundsParams{})
	if err != nil {
		return nil, err
	}
	for _, f := range funds {
		if f.State != FundOpen || !within(f.To) {
			continue
		}
		avail, err := l.balance(ctx, FundAccount(f.ID, FundAvailable), f.Allocated.Currency())
		if err != nil {
			return nil, err
		}
		if avail.Sign() > 0 {
			amt := incentive.NewMoney(avail, f.Allocated.Currency())
			out = append(out, Notice{Kind: NoticeFundExpiring, Partner: f.Partner, Subject: f.ID, Due: f.To, Amount: amt,
				Reason: fmt.Sprintf("%s unspent expires after %s", amt, f.To)})
		}
	}
	reqs, err := l.cfg.Store.FundRequests(ctx, FundRequestsParams{})
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		if r.State == RequestApproved && within(r.ProofDue) {
			out = append(out, Notice{Kind: NoticeProofDue, Partner: r.Partner, Subject: r.ID, Due: r.ProofDue, Amount: r.Approved,
				Reason: fmt.Sprintf("proof of performance for %s (ended %s) is due by %s", r.Activity, r.ActivityEnd, r.ProofDue)})
		}
	}
	if l.cfg.PayeeGate != nil {
		bs, err := l.cfg.Store.Balances(ctx, BalancesParams{Prefix: "partner/"})
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			info, err := b.Account.Parse()
			if err != nil {
				return nil, err
			}
			if BucketKind(info.Kind) != Payable || b.Amount.Sign() <= 0 {
				continue
			}
			if gerr := l.cfg.PayeeGate(info.Bucket.Partner, p.AsOf); gerr != nil {
				out = append(out, Notice{Kind: NoticePaymentBlocked, Partner: info.Bucket.Partner, Subject: info.Bucket.String(), Due: p.AsOf,
					Amount: b.Amount, Reason: gerr.Error()})
			}
		}
	}
	slices.SortFunc(out, func(a, b Notice) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Subject, b.Subject))
	})
	return out, nil
}
