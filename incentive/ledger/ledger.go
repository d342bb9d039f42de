package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// Config configures a Ledger.
type Config struct {
	// Store persists the ledger. Required.
	Store Store
	// Clock returns the current time. Required: the library never reads
	// the system clock.
	Clock func() time.Time
	// NewID returns a new unique ID for a record of the given kind
	// ("claim", "entry", "fund", "request"). Nil: kind-prefixed counters
	// local to this Ledger ("claim-000001"), unique only within one
	// process and one store, and starting from 1 again in each new
	// Ledger; set it when several processes share a store, and whenever
	// the store already holds records, as a persistent store (sqlitestore,
	// pgstore) does after a restart: the counters then name records that
	// exist, and each operation fails with ErrConflict after MaxRetries.
	// A random ID (16 bytes of crypto/rand in hex, say) is enough.
	NewID func(kind string) string
	// PayeeGate, when set, is asked before a payment run pays a partner
	// (and by Notices); an error blocks the payment and its text is
	// reported as the reason (missing payment details, an expired tax
	// document, a suspended partner). The caller writes it, typically
	// loading the partner record and returning
	// p.CanBePaidOn(partner.Date(on)) (package partner imports nothing of
	// this module, so it cannot supply the function itself).
	PayeeGate func(partnerID string, on incentive.Date) error
	// MaxRetries bounds how often an operation is retried after a
	// concurrent update of the same records (ErrConflict). Zero: 1000.
	MaxRetries int
}

// Ledger is the service that administers claims, funds and payments on a
// Store. All business rules live here; stores only persist. A Ledger is safe
// for concurrent use, and several Ledgers (in several processes) may share a
// store.
type Ledger struct {
	cfg   Config
	mu    sync.RWMutex
	progs map[string]*programEntry // by program id: the latest version
	hash  map[string]*programEntry // by content hash
	idMu  sync.Mutex
	ids   map[string]int64
}

type programEntry struct {
	ev     *incentive.Evaluator
	ref    incentive.ProgramRef
	policy ApprovalPolicy
	// budget is the program's budget; nil: unlimited.
	budget *incentive.Money
	// needsPrior: the terms read the partner's period totals (partner
	// caps, period bands, period.* paths), so claims pass them as Prior.
	needsPrior bool
}

// readsPeriod reports whether the program's terms depend on the partner's
// running period totals.
func readsPeriod(p *incentive.Program) bool {
	reads := func(x any) bool {
		if x == nil {
			return false
		}
		d, ok := x.(incentive.Describer)
		if !ok {
			return true // an opaque condition may read anything
		}
		for _, r := range d.Reads() {
			if strings.HasPrefix(r, "period.") {
				return true
			}
		}
		return false
	}
	for _, c := range p.Caps {
		if c.Scope == incentive.CapPartner {
			return true
		}
	}
	for _, c := range p.Eligibility {
		if reads(c.When) {
			return true
		}
	}
	for _, e := range p.Earnings {
		if (e.When != nil && reads(e.When)) || (e.Amount != nil && reads(e.Amount)) {
			return true
		}
		if b := e.Bands; b != nil && (b.Basis == incentive.BasisPeriod || (b.Measure != nil && reads(b.Measure))) {
			return true
		}
	}
	return false
}

func (p *programEntry) loc() *time.Location { return p.ev.Program().Effective.Loc() }

// payout returns the payout bucket (incentive.Program.Buckets) an earning
// type is paid from: "" for the default bucket.
func (p *programEntry) payout(t incentive.EarningType) string {
	for _, b := range p.ev.Program().Buckets {
		if slices.Contains(b.Types, t) {
			return b.ID
		}
	}
	return incentive.DefaultBucket
}

// minPayout returns a payout bucket's minimum payout: the program's
// MinPayout for the default bucket (or a bucket this version no longer
// names).
func (p *programEntry) minPayout(id string) decimal.Decimal {
	prog := p.ev.Program()
	for _, b := range prog.Buckets {
		if b.ID == id && id != incentive.DefaultBucket {
			return b.MinPayout
		}
	}
	return prog.MinPayout
}

func (p *programEntry) currency() incentive.Currency { return p.ev.Program().Currency }

// New returns a Ledger on cfg.Store.
func New(cfg Config) (*Ledger, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: Config.Store is nil", ErrInvalid)
	}
	if cfg.Clock == nil {
		return nil, fmt.Errorf("%w: Config.Clock is nil", ErrInvalid)
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 1000
	}
	l := &Ledger{cfg: cfg, progs: map[string]*programEntry{}, hash: map[string]*programEntry{}}
	if l.cfg.NewID == nil {
		l.ids = map[string]int64{}
		l.cfg.NewID = func(kind string) string {
			l.idMu.Lock()
			defer l.idMu.Unlock()
			l.ids[kind]++
			return fmt.Sprintf("%s-%06d", kind, l.ids[kind])
		}
	}
	return l, nil
}

// Store returns the ledger's store.
func (l *Ledger) Store() Store { return l.cfg.Store }

func (l *Ledger) now() time.Time { return ChainTime(l.cfg.Clock()) }

// RegisterParams registers one program version.
type RegisterParams struct {
	// Program is validated and must not be modified afterwards.
	Program *incentive.Program
	// Policy is the program's approval chain and holds; nil: the zero
	// ApprovalPolicy (one manager approval, no hold).
	Policy *ApprovalPolicy
	// Budget is the program's budget in its currency. Nil: the limit of
	// the program's budget cap, if it has one; otherwise unlimited.
	Budget *incentive.Money
	// Actor is recorded on the budget entry.
	Actor string
}

// Register makes a program version known to the ledger and funds its
// budget: the budget account is topped up (or reduced) to the budget in one
// entry, once per program version; registering a funded version again
// with another budget fails with ErrIdempotencyMismatch, and an older
// version registered after a newer one leaves the newer budget. The latest registered version (highest
// Version) is the one new claims use by default; every registered version
// stays available by hash for replay. The registry lives in the Ledger:
// every process sharing a store registers the programs it serves.
func (l *Ledger) Register(ctx context.Context, p RegisterParams) error {
	if p.Program == nil {
		return fmt.Errorf("%w: no program", ErrInvalid)
	}
	ev, err := incentive.NewEvaluator(p.Program)
	if err != nil {
		return err
	}
	prog := ev.Program()
	pe := &programEntry{ev: ev, ref: incentive.ProgramRef{ID: prog.ID, Version: prog.Version, Hash: prog.Hash}, needsPrior: readsPeriod(prog)}
	if p.Policy != nil {
		if err := p.Policy.Validate(); err != nil {
			return err
		}
		pe.policy = *p.Policy
	}
	switch {
	case p.Budget != nil:
		if p.Budget.Currency() != prog.Currency {
			return fmt.Errorf("%w: budget in %s for a program paying %s", incentive.ErrCurrencyMismatch, p.Budget.Currency(), prog.Currency)
		}
		if p.Budget.IsNegative() {
			return fmt.Errorf("%w: budget %s is negative", ErrInvalid, p.Budget)
		}
		b := *p.Budget
		pe.budget = &b
	default:
		for _, c := range prog.Caps {
			if c.Scope == incentive.CapBudget {
				b := incentive.NewMoney(c.Limit, prog.Currency)
				pe.budget = &b
			}
		}
	}
	if pe.budget != nil {
		if err := l.fundBudget(ctx, pe, p.Actor); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.progs[prog.ID]; !ok || old.ref.Version <= prog.Version {
		l.progs[prog.ID] = pe
	}
	l.hash[prog.Hash] = pe
	return nil
}

func (l *Ledger) fundBudget(ctx context.Context, pe *programEntry, actor string) error {
	key := "budget:" + pe.ref.ID + "@" + pe.ref.Hash
	return l.retry(ctx, func() error {
		if rec, err := l.cfg.Store.Idempotency(ctx, IdempotencyParams{Key: key}); err == nil {
			return sameBudget(rec, *pe.budget)
		}
		if newer, err := l.newerBudget(ctx, pe); err != nil || newer {
			// A newer version's budget stands: an older version registered
			// later (to replay its claims) does not set it back.
			return err
		}
		funded, err := l.balance(ctx, ProgramFunding(pe.ref.ID), pe.currency())
		if err != nil {
			return err
		}
		// funding is negative: the budget funded so far is its negation.
		top := pe.budget.Amount().Add(funded)
		now := l.now()
		p := CommitParams{Idempotency: &IdempotencyRecord{Key: key, RequestHash: pe.budget.String(), Time: now}}
		if !top.IsZero() {
			amt := incentive.NewMoney(top, pe.currency())
			p.Entries = []Entry{{
				ID: l.cfg.NewID("entry"), Kind: EntryBudget, Time: now, Effective: incentive.DateOf(now.In(pe.loc())),
				Program: pe.ref, Actor: actor, Reason: "program budget " + pe.budget.String(),
				Postings: []Posting{{Account: ProgramFunding(pe.ref.ID), Amount: amt.Neg()}, {Account: ProgramBudget(pe.ref.ID), Amount: amt}},
			}}
			p.Guards = []Guard{{Account: ProgramBudget(pe.ref.ID), Min: incentive.Zero(pe.currency())}}
		}
		_, err = l.cfg.Store.Commit(ctx, p)
		var ke *KeyExistsError
		if errors.As(err, &ke) {
			return sameBudget(ke.Record, *pe.budget)
		}
		return err
	})
}

// newerBudget reports whether a version of pe's program newer than pe was
// registered in this Ledger or has funded the budget in the store.
func (l *Ledger) newerBudget(ctx context.Context, pe *programEntry) (bool, error) {
	l.mu.RLock()
	cur, ok := l.progs[pe.ref.ID]
	l.mu.RUnlock()
	if ok && cur.ref.Version > pe.ref.Version && cur.budget != nil {
		return true, nil
	}
	newer := false
	err := l.eachEntry(ctx, EntriesParams{Program: pe.ref.ID}, func(e *Entry) error {
		if e.Kind == EntryBudget && e.Program.Version > pe.ref.Version {
			newer = true
		}
		return nil
	})
	return newer, err
}

// sameBudget checks that a program version already funded (rec, whose
// RequestHash is the budget as Money.String gave it) was funded with
// budget b: the same version registered with another budget is an error,
// not a silent second figure beside the funded one.
func sameBudget(rec IdempotencyRecord, b incentive.Money) error {
	amt, cur, _ := strings.Cut(rec.RequestHash, " ")
	d, err := decimal.NewFromString(amt)
	if err != nil || incentive.Currency(cur) != b.Currency() || !d.Equal(b.Amount()) {
		return fmt.Errorf("%w: program version was funded with a budget of %s, not %s", ErrIdempotencyMismatch, rec.RequestHash, b)
	}
	return nil
}

func (l *Ledger) program(id string, version int) (*programEntry, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	pe, ok := l.progs[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownProgram, id)
	}
	if version != 0 && version != pe.ref.Version {
		for _, h := range l.hash {
			if h.ref.ID == id && h.ref.Version == version {
				return h, nil
			}
		}
		return nil, fmt.Errorf("%w: %q version %d", ErrUnknownProgram, id, version)
	}
	return pe, nil
}

func (l *Ledger) programByRef(ref incentive.ProgramRef) (*programEntry, error) {
	l.mu.RLock()
	pe, ok := l.hash[ref.Hash]
	l.mu.RUnlock()
	if ok {
		return pe, nil
	}
	return l.program(ref.ID, ref.Version)
}

// balance is one account's balance in one currency.
func (l *Ledger) balance(ctx context.Context, a Account, c incentive.Currency) (decimal.Decimal, error) {
	bs, err := l.cfg.Store.Balances(ctx, BalancesParams{Prefix: a})
	if err != nil {
		return decimal.Decimal{}, err
	}
	for _, b := range bs {
		if b.Account == a && b.Amount.Currency() == c {
			return b.Amount.Amount(), nil
		}
	}
	return decimal.Decimal{}, nil
}

// retry runs op until it does not fail with ErrConflict, or a guard race
// (errRetry), at most MaxRetries times.
func (l *Ledger) retry(ctx context.Context, op func() error) error {
	var err error
	for range l.cfg.MaxRetries {
		if err = ctx.Err(); err != nil {
			return err
		}
		err = op()
		if !errors.Is(err, ErrConflict) && !errors.Is(err, errRetry) {
			return err
		}
	}
	return fmt.Errorf("gave up after %d concurrent updates: %w", l.cfg.MaxRetries, err)
}

// errRetry asks retry to run the operation again with fresh state.
var errRetry = errors.New("retry")

func requestHash(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
