// Package memstore is the in-memory ledger.Store: everything in maps behind
// one mutex, for tests, examples and single-process tools. It passes the
// conformance suite in package ledgertest.
package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
)

// Store is an in-memory ledger.Store. The zero value is ready to use.
type Store struct {
	mu       sync.RWMutex
	entries  []ledger.Entry
	head     ledger.Head
	bal      map[ledger.Account]map[incentive.Currency]decimal.Decimal
	claims   map[string]ledger.Claim
	dedupe   map[string]string // dedupe key -> claim ID
	funds    map[string]ledger.Fund
	requests map[string]ledger.FundRequest
	batches  map[string]ledger.Batch
	events   []ledger.Event
	bySubj   map[string][]int
	idem     map[string]ledger.IdempotencyRecord
	byDeal   map[string][]string // program|deal -> claim IDs
}

// New returns an empty store.
func New() *Store { return &Store{} }

var _ ledger.Store = (*Store)(nil)

func (s *Store) init() {
	if s.bal == nil {
		s.bal = map[ledger.Account]map[incentive.Currency]decimal.Decimal{}
		s.claims = map[string]ledger.Claim{}
		s.dedupe = map[string]string{}
		s.funds = map[string]ledger.Fund{}
		s.requests = map[string]ledger.FundRequest{}
		s.batches = map[string]ledger.Batch{}
		s.bySubj = map[string][]int{}
		s.idem = map[string]ledger.IdempotencyRecord{}
		s.byDeal = map[string][]string{}
	}
}

// Commit implements ledger.Store.
func (s *Store) Commit(ctx context.Context, p ledger.CommitParams) (ledger.CommitResult, error) {
	if err := ctx.Err(); err != nil {
		return ledger.CommitResult{}, err
	}
	for i := range p.Entries {
		if err := ledger.CheckBalanced(p.Entries[i].Postings); err != nil {
			return ledger.CommitResult{}, fmt.Errorf("entry %s: %w", p.Entries[i].ID, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	if p.Idempotency != nil {
		if p.Idempotency.Key == "" {
			return ledger.CommitResult{}, fmt.Errorf("%w: empty idempotency key", ledger.ErrInvalid)
		}
		if r, ok := s.idem[p.Idempotency.Key]; ok {
			return ledger.CommitResult{}, &ledger.KeyExistsError{Record: cloneIdem(r)}
		}
	}
	// Versions.
	for _, w := range p.Claims {
		if err := checkVersion("claim", w.Claim.ID, w.ExpectVersion, s.claims); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.Funds {
		if err := checkVersion("fund", w.Fund.ID, w.ExpectVersion, s.funds); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.FundRequests {
		if err := checkVersion("fund request", w.Request.ID, w.ExpectVersion, s.requests); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.Batches {
		if err := checkVersion("batch", w.Batch.ID, w.ExpectVersion, s.batches); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	// Dedupe keys: a key may be held by at most one claim after the commit.
	newHolder := map[string]string{}
	released := map[string]bool{}
	for _, w := range p.Claims {
		if old, ok := s.claims[w.Claim.ID]; ok && old.DedupeKey != "" && old.DedupeKey != w.Claim.DedupeKey {
			released[old.DedupeKey] = true
		}
	}
	for _, w := range p.Claims {
		k := w.Claim.DedupeKey
		if k == "" {
			continue
		}
		if h, ok := newHolder[k]; ok && h != w.Claim.ID {
			return ledger.CommitResult{}, &ledger.DuplicateClaimError{Key: k, Existing: h}
		}
		if h, ok := s.dedupe[k]; ok && h != w.Claim.ID && !released[k] {
			return ledger.CommitResult{}, &ledger.DuplicateClaimError{Key: k, Existing: h}
		}
		newHolder[k] = w.Claim.ID
	}
	// Guards.
	for _, g := range p.Guards {
		cur := g.Min.Currency()
		b := s.bal[g.Account][cur]
		for i := range p.Entries {
			for _, ps := range p.Entries[i].Postings {
				if ps.Account == g.Account && ps.Amount.Currency() == cur {
					b = b.Add(ps.Amount.Amount())
				}
			}
		}
		if b.LessThan(g.Min.Amount()) {
			return ledger.CommitResult{}, &ledger.GuardError{Account: g.Account, Balance: incentive.NewMoney(b, cur), Min: g.Min}
		}
	}
	// Apply.
	sealed := make([]ledger.Entry, len(p.Entries))
	for i := range p.Entries {
		sealed[i] = cloneEntry(p.Entries[i])
	}
	s.head = ledger.Seal(s.head, sealed)
	for i := range sealed {
		for _, ps := range sealed[i].Postings {
			m := s.bal[ps.Account]
			if m == nil {
				m = map[incentive.Currency]decimal.Decimal{}
				s.bal[ps.Account] = m
			}
			m[ps.Amount.Currency()] = m[ps.Amount.Currency()].Add(ps.Amount.Amount())
		}
	}
	s.entries = append(s.entries, sealed...)
	for k := range released {
		if _, still := newHolder[k]; !still {
			delete(s.dedupe, k)
		}
	}
	for k, id := range newHolder {
		s.dedupe[k] = id
	}
	for _, w := range p.Claims {
		c := cloneClaim(w.Claim)
		c.Version = w.ExpectVersion + 1
		if old, ok := s.claims[c.ID]; !ok || old.Program.ID != c.Program.ID || old.Deal != c.Deal {
			if ok {
				k := old.Program.ID + "|" + old.Deal
				s.byDeal[k] = slices.DeleteFunc(s.byDeal[k], func(id string) bool { return id == c.ID })
			}
			k := c.Program.ID + "|" + c.Deal
			s.byDeal[k] = append(s.byDeal[k], c.ID)
		}
		s.claims[c.ID] = c
	}
	for _, w := range p.Funds {
		f := w.Fund
		f.Version = w.ExpectVersion + 1
		s.funds[f.ID] = f
	}
	for _, w := range p.FundRequests {
		r := w.Request
		r.Version = w.ExpectVersion + 1
		s.requests[r.ID] = r
	}
	for _, w := range p.Batches {
		b := cloneBatch(w.Batch)
		b.Version = w.ExpectVersion + 1
		s.batches[b.ID] = b
	}
	for _, ev := range p.Events {
		s.bySubj[ev.Subject] = append(s.bySubj[ev.Subject], len(s.events))
		s.events = append(s.events, ev)
	}
	if p.Idempotency != nil {
		s.idem[p.Idempotency.Key] = cloneIdem(*p.Idempotency)
	}
	out := make([]ledger.Entry, len(sealed))
	for i := range sealed {
		out[i] = cloneEntry(sealed[i])
	}
	return ledger.CommitResult{Entries: out, Head: s.head}, nil
}

type versioned interface {
	ledger.Claim | ledger.Fund | ledger.FundRequest | ledger.Batch
}

func version[T versioned](v T) int64 {
	switch x := any(v).(type) {
	case ledger.Claim:
		return x.Version
	case ledger.Fund:
		return x.Version
	case ledger.FundRequest:
		return x.Version
	case ledger.Batch:
		return x.Version
	}
	return 0
}

func checkVersion[T versioned](what, id string, expect int64, m map[string]T) error {
	if id == "" {
		return fmt.Errorf("%w: %s without an ID", ledger.ErrInvalid, what)
	}
	old, ok := m[id]
	switch {
	case expect == 0 && ok:
		return fmt.Errorf("%w: %s %s already exists", ledger.ErrConflict, what, id)
	case expect != 0 && !ok:
		return fmt.Errorf("%w: %s %s does not exist", ledger.ErrConflict, what, id)
	case expect != 0 && version(old) != expect:
		return fmt.Errorf("%w: %s %s is at version %d, not %d", ledger.ErrConflict, what, id, version(old), expect)
	}
	return nil
}

// Head implements ledger.Store.
func (s *Store) Head(ctx context.Context, _ ledger.HeadParams) (ledger.Head, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Head{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.head, nil
}

// Entries implements ledger.Store.
func (s *Store) Entries(ctx context.Context, p ledger.EntriesParams) ([]ledger.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	start := int(max(0, min(p.AfterSeq, int64(len(s.entries)))))
	n := len(s.entries) - start
	if p.Limit > 0 && p.Partner == "" && p.Program == "" && p.Claim == "" && p.Fund == "" && p.Batch == "" {
		n = min(n, p.Limit)
	} else {
		n = min(n, 64)
	}
	out := make([]ledger.Entry, 0, n)
	for i := start; i < len(s.entries); i++ {
		e := &s.entries[i]
		if (p.Partner != "" && e.Partner != p.Partner) || (p.Program != "" && e.Program.ID != p.Program) ||
			(p.Claim != "" && e.Claim != p.Claim) || (p.Fund != "" && e.Fund != p.Fund) ||
			(p.Batch != "" && e.Batch != p.Batch) {
			continue
		}
		out = append(out, cloneEntry(*e))
		if p.Limit > 0 && len(out) == p.Limit {
			break
		}
	}
	return out, nil
}

// Balances implements ledger.Store.
func (s *Store) Balances(ctx context.Context, p ledger.BalancesParams) ([]ledger.Balance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []ledger.Balance
	if m, ok := s.bal[p.Prefix]; ok && p.Through.IsZero() {
		// The prefix is a whole account, and no account extends another
		// (see ledger.Account): only this one matches.
		for c, d := range m {
			out = append(out, ledger.Balance{Account: p.Prefix, Amount: incentive.NewMoney(d, c)})
		}
	} else if p.Through.IsZero() {
		for a, m := range s.bal {
			if !strings.HasPrefix(string(a), string(p.Prefix)) {
				continue
			}
			for c, d := range m {
				out = append(out, ledger.Balance{Account: a, Amount: incentive.NewMoney(d, c)})
			}
		}
	} else {
		type key struct {
			a ledger.Account
			c incentive.Currency
		}
		sums := map[key]decimal.Decimal{}
		for i := range s.entries {
			e := &s.entries[i]
			if e.Effective.After(p.Through) {
				continue
			}
			for _, ps := range e.Postings {
				if strings.HasPrefix(string(ps.Account), string(p.Prefix)) {
					k := key{ps.Account, ps.Amount.Currency()}
					sums[k] = sums[k].Add(ps.Amount.Amount())
				}
			}
		}
		for k, d := range sums {
			out = append(out, ledger.Balance{Account: k.a, Amount: incentive.NewMoney(d, k.c)})
		}
	}
	slices.SortFunc(out, func(a, b ledger.Balance) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Amount.Currency(), b.Amount.Currency()))
	})
	if out == nil {
		out = []ledger.Balance{}
	}
	return out, nil
}

// Idempotency implements ledger.Store.
func (s *Store) Idempotency(ctx context.Context, p ledger.IdempotencyParams) (ledger.IdempotencyRecord, error) {
	if err := ctx.Err(); err != nil {
		return ledger.IdempotencyRecord{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.idem[p.Key]
	if !ok {
		return ledger.IdempotencyRecord{}, fmt.Errorf("%w: idempotency key %q", ledger.ErrNotFound, p.Key)
	}
	return cloneIdem(r), nil
}

// Claim implements ledger.Store.
func (s *Store) Claim(ctx context.Context, p ledger.ClaimParams) (ledger.Claim, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Claim{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.claims[p.ID]
	if !ok {
		return ledger.Claim{}, fmt.Errorf("%w: claim %q", ledger.ErrNotFound, p.ID)
	}
	return cloneClaim(c), nil
}

// Claims implements ledger.Store.
func (s *Store) Claims(ctx context.Context, p ledger.ClaimsParams) ([]ledger.Claim, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []ledger.Claim{}
	match := func(c ledger.Claim) bool {
		return !((p.Program != "" && c.Program.ID != p.Program) || (p.Partner != "" && c.Partner != p.Partner) ||
			(p.Deal != "" && c.Deal != p.Deal) || (p.Batch != "" && c.Batch != p.Batch) ||
			(len(p.States) > 0 && !slices.Contains(p.States, c.State)))
	}
	if p.Program != "" && p.Deal != "" {
		// Indexed: the duplicate check of every submission asks this.
		for _, id := range s.byDeal[p.Program+"|"+p.Deal] {
			if c := s.claims[id]; match(c) {
				out = append(out, cloneClaim(c))
			}
		}
		slices.SortFunc(out, func(a, b ledger.Claim) int { return cmp.Compare(a.ID, b.ID) })
		return out, nil
	}
	for _, c := range s.claims {
		if (p.Program != "" && c.Program.ID != p.Program) || (p.Partner != "" && c.Partner != p.Partner) ||
			(p.Deal != "" && c.Deal != p.Deal) || (p.Batch != "" && c.Batch != p.Batch) ||
			(len(p.States) > 0 && !slices.Contains(p.States, c.State)) {
			continue
		}
		out = append(out, cloneClaim(c))
	}
	slices.SortFunc(out, func(a, b ledger.Claim) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Events implements ledger.Store.
func (s *Store) Events(ctx context.Context, p ledger.EventsParams) ([]ledger.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []ledger.Event{}
	if p.Subject == "" {
		return append(out, s.events...), nil
	}
	for _, i := range s.bySubj[p.Subject] {
		out = append(out, s.events[i])
	}
	return out, nil
}

// Fund implements ledger.Store.
func (s *Store) Fund(ctx context.Context, p ledger.FundParams) (ledger.Fund, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Fund{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.funds[p.ID]
	if !ok {
		return ledger.Fund{}, fmt.Errorf("%w: fund %q", ledger.ErrNotFound, p.ID)
	}
	return f, nil
}

// Funds implements ledger.Store.
func (s *Store) Funds(ctx context.Context, p ledger.FundsParams) ([]ledger.Fund, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []ledger.Fund{}
	for _, f := range s.funds {
		if (p.Partner == "" || f.Partner == p.Partner) && (p.Program == "" || f.Program.ID == p.Program) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b ledger.Fund) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// FundRequest implements ledger.Store.
func (s *Store) FundRequest(ctx context.Context, p ledger.FundRequestParams) (ledger.FundRequest, error) {
	if err := ctx.Err(); err != nil {
		return ledger.FundRequest{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.requests[p.ID]
	if !ok {
		return ledger.FundRequest{}, fmt.Errorf("%w: fund request %q", ledger.ErrNotFound, p.ID)
	}
	return r, nil
}

// FundRequests implements ledger.Store.
func (s *Store) FundRequests(ctx context.Context, p ledger.FundRequestsParams) ([]ledger.FundRequest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []ledger.FundRequest{}
	for _, r := range s.requests {
		if (p.Fund == "" || r.Fund == p.Fund) && (p.Partner == "" || r.Partner == p.Partner) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b ledger.FundRequest) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Batch implements ledger.Store.
func (s *Store) Batch(ctx context.Context, p ledger.BatchParams) (ledger.Batch, error) {
	if err := ctx.Err(); err != nil {
		return ledger.Batch{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.batches[p.ID]
	if !ok {
		return ledger.Batch{}, fmt.Errorf("%w: batch %q", ledger.ErrNotFound, p.ID)
	}
	return cloneBatch(b), nil
}

// Batches implements ledger.Store.
func (s *Store) Batches(ctx context.Context, p ledger.BatchesParams) ([]ledger.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []ledger.Batch{}
	for _, b := range s.batches {
		if len(p.States) == 0 || slices.Contains(p.States, b.State) {
			out = append(out, cloneBatch(b))
		}
	}
	slices.SortFunc(out, func(a, b ledger.Batch) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func cloneEntry(e ledger.Entry) ledger.Entry {
	e.Postings = slices.Clone(e.Postings)
	if e.Pay != nil {
		p := *e.Pay
		e.Pay = &p
	}
	return e
}

func cloneClaim(c ledger.Claim) ledger.Claim {
	c.Lines = slices.Clone(c.Lines)
	c.Steps = slices.Clone(c.Steps)
	c.Proof = slices.Clone(c.Proof)
	c.Input = slices.Clone(c.Input)
	if c.Exception != nil {
		x := *c.Exception
		c.Exception = &x
	}
	return c
}

func cloneBatch(b ledger.Batch) ledger.Batch {
	b.Lines = slices.Clone(b.Lines)
	for i := range b.Lines {
		b.Lines[i].Claims = slices.Clone(b.Lines[i].Claims)
	}
	b.Blocked = slices.Clone(b.Blocked)
	return b
}

func cloneIdem(r ledger.IdempotencyRecord) ledger.IdempotencyRecord {
	r.Outcome = slices.Clone(r.Outcome)
	return r
}
