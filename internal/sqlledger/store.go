package sqlledger

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
)

// Store is ledger.Store over a Driver. It holds no state of its own
// besides the driver, so any number of Stores (in any number of
// processes) may share one database.
type Store struct {
	d  Dialect
	db Driver
}

// New returns a Store on an already migrated database.
func New(d Dialect, db Driver) *Store { return &Store{d: d, db: db} }

var _ ledger.Store = (*Store)(nil)

// dbErr wraps a database error with what was being done.
func (s *Store) dbErr(op string, err error) error {
	return fmt.Errorf("%s: %s: %w", s.d.Name, op, err)
}

// Commit implements ledger.Store: one transaction, in the order the
// interface documents, with the head row locked first.
func (s *Store) Commit(ctx context.Context, p ledger.CommitParams) (res ledger.CommitResult, err error) {
	if err := ctx.Err(); err != nil {
		return ledger.CommitResult{}, err
	}
	for i := range p.Entries {
		if err := ledger.CheckBalanced(p.Entries[i].Postings); err != nil {
			return ledger.CommitResult{}, fmt.Errorf("entry %s: %w", p.Entries[i].ID, err)
		}
	}
	if p.Idempotency != nil && p.Idempotency.Key == "" {
		return ledger.CommitResult{}, fmt.Errorf("%w: empty idempotency key", ledger.ErrInvalid)
	}
	for attempt := 1; ; attempt++ {
		res, err = s.try(ctx, p)
		if err == nil || attempt == maxAttempts || !s.db.IsRetryable(err) || ctx.Err() != nil {
			return res, err
		}
	}
}

// maxAttempts bounds the retries of a commit the database aborted as a
// serialization failure or deadlock (never the case with the head lock in
// PostgreSQL or SQLite; possible on distributed PostgreSQL-compatible
// databases).
const maxAttempts = 5

// try runs one attempt of Commit in its own transaction.
func (s *Store) try(ctx context.Context, p ledger.CommitParams) (res ledger.CommitResult, err error) {
	tx, err := s.db.BeginWrite(ctx)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return ledger.CommitResult{}, cerr
		}
		return ledger.CommitResult{}, s.dbErr("commit: begin the transaction", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	res, err = s.commit(ctx, tx, p)
	if err != nil {
		return ledger.CommitResult{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return ledger.CommitResult{}, s.dbErr("commit: commit the transaction", err)
	}
	committed = true
	return res, nil
}

func (s *Store) commit(ctx context.Context, tx Tx, p ledger.CommitParams) (ledger.CommitResult, error) {
	d := &s.d
	// 0. The head row, locked: every commit serializes here.
	var head ledger.Head
	found, err := one(ctx, tx, d.q("SELECT seq, hash FROM ledger_head WHERE id = 1"+d.ForUpdate), nil, &head.Seq, &head.Hash)
	if err != nil {
		return ledger.CommitResult{}, s.dbErr("commit: lock the chain head", err)
	}
	if !found {
		return ledger.CommitResult{}, s.dbErr("commit: lock the chain head", errors.New("the ledger_head row is missing (was the database migrated?)"))
	}
	// 1. Idempotency key.
	if p.Idempotency != nil {
		var body []byte
		found, err := one(ctx, tx, d.q("SELECT body FROM ledger_idempotency WHERE key = ?"), []any{p.Idempotency.Key}, &body)
		if err != nil {
			return ledger.CommitResult{}, s.dbErr("commit: read idempotency key "+p.Idempotency.Key, err)
		}
		if found {
			var r ledger.IdempotencyRecord
			if err := json.Unmarshal(body, &r); err != nil {
				return ledger.CommitResult{}, s.dbErr("commit: decode idempotency record "+p.Idempotency.Key, err)
			}
			return ledger.CommitResult{}, &ledger.KeyExistsError{Record: r}
		}
	}
	// 2. Versions.
	oldKeys := map[string]string{}
	for _, w := range p.Claims {
		key, err := s.checkVersion(ctx, tx, "ledger_claims", "claim", w.Claim.ID, w.ExpectVersion, true)
		if err != nil {
			return ledger.CommitResult{}, err
		}
		oldKeys[w.Claim.ID] = key
	}
	for _, w := range p.Funds {
		if _, err := s.checkVersion(ctx, tx, "ledger_funds", "fund", w.Fund.ID, w.ExpectVersion, false); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.FundRequests {
		if _, err := s.checkVersion(ctx, tx, "ledger_fund_requests", "fund request", w.Request.ID, w.ExpectVersion, false); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.Batches {
		if _, err := s.checkVersion(ctx, tx, "ledger_batches", "batch", w.Batch.ID, w.ExpectVersion, false); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	// 3. Dedupe keys (the UNIQUE index is the backstop).
	newKey := map[string]string{}
	for _, w := range p.Claims {
		newKey[w.Claim.ID] = w.Claim.DedupeKey
	}
	holder := map[string]string{}
	for _, w := range p.Claims {
		k := w.Claim.DedupeKey
		if k == "" {
			continue
		}
		if h, ok := holder[k]; ok && h != w.Claim.ID {
			return ledger.CommitResult{}, &ledger.DuplicateClaimError{Key: k, Existing: h}
		}
		holder[k] = w.Claim.ID
		if k == oldKeys[w.Claim.ID] {
			continue
		}
		var h string
		found, err := one(ctx, tx, d.q("SELECT id FROM ledger_claims WHERE dedupe_key = ?"), []any{k}, &h)
		if err != nil {
			return ledger.CommitResult{}, s.dbErr("commit: read dedupe key "+k, err)
		}
		if found && h != w.Claim.ID {
			if nk, written := newKey[h]; !written || nk == k {
				return ledger.CommitResult{}, &ledger.DuplicateClaimError{Key: k, Existing: h}
			}
		}
	}
	// 4. Entries, balances, guards.
	sealed := make([]ledger.Entry, len(p.Entries))
	copy(sealed, p.Entries)
	for i := range sealed {
		sealed[i].Postings = slices.Clone(sealed[i].Postings)
		if sealed[i].Pay != nil {
			c := *sealed[i].Pay
			sealed[i].Pay = &c
		}
	}
	newHead := ledger.Seal(head, sealed)
	type acct struct {
		a ledger.Account
		c incentive.Currency
	}
	deltas := map[acct]decimal.Decimal{}
	for i := range sealed {
		e := &sealed[i]
		body, err := json.Marshal(e)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode entry %s: %w", d.Name, e.ID, err)
		}
		if _, err := tx.Exec(ctx, d.q(`INSERT INTO ledger_entries (seq, id, kind, effective, program, partner, claim, fund, request, batch, prev_hash, hash, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			e.Seq, e.ID, string(e.Kind), e.Effective.String(), e.Program.ID, e.Partner, e.Claim, e.Fund, e.Request, e.Batch,
			e.PrevHash, e.Hash, string(body)); err != nil {
			if s.db.IsUniqueViolation(err) {
				return ledger.CommitResult{}, fmt.Errorf("%w: %s: entry %s already exists", ledger.ErrConflict, d.Name, e.ID)
			}
			return ledger.CommitResult{}, s.dbErr("commit: insert entry "+e.ID, err)
		}
		for j, ps := range e.Postings {
			if _, err := tx.Exec(ctx, d.q(`INSERT INTO ledger_postings (seq, idx, account, currency, amount, effective) VALUES (?, ?, ?, ?, ?, ?)`),
				e.Seq, j, string(ps.Account), string(ps.Amount.Currency()), ps.Amount.Amount().String(), e.Effective.String()); err != nil {
				return ledger.CommitResult{}, s.dbErr(fmt.Sprintf("commit: insert posting %d of entry %s", j, e.ID), err)
			}
			k := acct{ps.Account, ps.Amount.Currency()}
			deltas[k] = deltas[k].Add(ps.Amount.Amount())
		}
	}
	keys := make([]acct, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b acct) int { return cmp.Or(cmp.Compare(a.a, b.a), cmp.Compare(a.c, b.c)) })
	after := map[acct]decimal.Decimal{}
	for _, k := range keys {
		old, found, err := s.balance(ctx, tx, k.a, k.c, true)
		if err != nil {
			return ledger.CommitResult{}, err
		}
		nb := old.Add(deltas[k])
		after[k] = nb
		if found {
			_, err = tx.Exec(ctx, d.q("UPDATE ledger_balances SET amount = ? WHERE account = ? AND currency = ?"), nb.String(), string(k.a), string(k.c))
		} else {
			_, err = tx.Exec(ctx, d.q("INSERT INTO ledger_balances (account, currency, amount) VALUES (?, ?, ?)"), string(k.a), string(k.c), nb.String())
		}
		if err != nil {
			return ledger.CommitResult{}, s.dbErr(fmt.Sprintf("commit: update the balance of %s %s", k.a, k.c), err)
		}
	}
	for _, g := range p.Guards {
		k := acct{g.Account, g.Min.Currency()}
		b, ok := after[k]
		if !ok {
			var err error
			if b, _, err = s.balance(ctx, tx, k.a, k.c, true); err != nil {
				return ledger.CommitResult{}, err
			}
		}
		if b.LessThan(g.Min.Amount()) {
			return ledger.CommitResult{}, &ledger.GuardError{Account: g.Account, Balance: incentive.NewMoney(b, k.c), Min: g.Min}
		}
	}
	// 5. Records, events, idempotency, head.
	for _, w := range p.Claims {
		c := w.Claim
		c.Version = w.ExpectVersion + 1
		body, err := json.Marshal(c)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode claim %s: %w", d.Name, c.ID, err)
		}
		var key any // NULL unless kept: a new key is set below, after every release
		if c.DedupeKey != "" && c.DedupeKey == oldKeys[c.ID] {
			key = c.DedupeKey
		}
		cols := []string{"kind", "program", "partner", "deal", "state", "batch", "dedupe_key", "amount", "currency"}
		vals := []any{string(c.Kind), c.Program.ID, c.Partner, c.Deal, string(c.State), c.Batch, key, c.Amount.Amount().String(), string(c.Amount.Currency())}
		if err := s.write(ctx, tx, "ledger_claims", "claim", c.ID, w.ExpectVersion, cols, vals, body); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.Claims {
		k := w.Claim.DedupeKey
		if k == "" || k == oldKeys[w.Claim.ID] {
			continue
		}
		if _, err := tx.Exec(ctx, d.q("UPDATE ledger_claims SET dedupe_key = ? WHERE id = ?"), k, w.Claim.ID); err != nil {
			if s.db.IsUniqueViolation(err) {
				return ledger.CommitResult{}, fmt.Errorf("%s: commit: %w", d.Name, &ledger.DuplicateClaimError{Key: k, Existing: "another claim (unique index)"})
			}
			return ledger.CommitResult{}, s.dbErr("commit: set the dedupe key of claim "+w.Claim.ID, err)
		}
	}
	for _, w := range p.Funds {
		f := w.Fund
		f.Version = w.ExpectVersion + 1
		body, err := json.Marshal(f)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode fund %s: %w", d.Name, f.ID, err)
		}
		if err := s.write(ctx, tx, "ledger_funds", "fund", f.ID, w.ExpectVersion,
			[]string{"program", "partner"}, []any{f.Program.ID, f.Partner}, body); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.FundRequests {
		r := w.Request
		r.Version = w.ExpectVersion + 1
		body, err := json.Marshal(r)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode fund request %s: %w", d.Name, r.ID, err)
		}
		if err := s.write(ctx, tx, "ledger_fund_requests", "fund request", r.ID, w.ExpectVersion,
			[]string{"fund", "partner"}, []any{r.Fund, r.Partner}, body); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, w := range p.Batches {
		b := w.Batch
		b.Version = w.ExpectVersion + 1
		body, err := json.Marshal(b)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode batch %s: %w", d.Name, b.ID, err)
		}
		if err := s.write(ctx, tx, "ledger_batches", "batch", b.ID, w.ExpectVersion,
			[]string{"state"}, []any{string(b.State)}, body); err != nil {
			return ledger.CommitResult{}, err
		}
	}
	for _, ev := range p.Events {
		body, err := json.Marshal(ev)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode event of %s: %w", d.Name, ev.Subject, err)
		}
		if _, err := tx.Exec(ctx, d.q("INSERT INTO ledger_events (subject, body) VALUES (?, ?)"), ev.Subject, string(body)); err != nil {
			return ledger.CommitResult{}, s.dbErr("commit: insert an event of "+ev.Subject, err)
		}
	}
	if r := p.Idempotency; r != nil {
		body, err := json.Marshal(r)
		if err != nil {
			return ledger.CommitResult{}, fmt.Errorf("%s: commit: encode idempotency record %s: %w", d.Name, r.Key, err)
		}
		if _, err := tx.Exec(ctx, d.q("INSERT INTO ledger_idempotency (key, request_hash, body) VALUES (?, ?, ?)"), r.Key, r.RequestHash, string(body)); err != nil {
			if s.db.IsUniqueViolation(err) {
				return ledger.CommitResult{}, fmt.Errorf("%s: commit: %w (unique index)", d.Name, &ledger.KeyExistsError{Record: ledger.IdempotencyRecord{Key: r.Key}})
			}
			return ledger.CommitResult{}, s.dbErr("commit: insert idempotency key "+r.Key, err)
		}
	}
	if len(sealed) > 0 {
		if _, err := tx.Exec(ctx, d.q("UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1"), newHead.Seq, newHead.Hash); err != nil {
			return ledger.CommitResult{}, s.dbErr("commit: move the chain head", err)
		}
	}
	return ledger.CommitResult{Entries: sealed, Head: newHead}, nil
}

// checkVersion checks a write's expected version; for claims it also
// returns the stored dedupe key.
func (s *Store) checkVersion(ctx context.Context, tx Tx, table, what, id string, expect int64, withKey bool) (string, error) {
	if id == "" {
		return "", fmt.Errorf("%w: %s without an ID", ledger.ErrInvalid, what)
	}
	var v int64
	var key *string
	dest := []any{&v}
	q := "SELECT version FROM " + table + " WHERE id = ?"
	if withKey {
		q = "SELECT version, dedupe_key FROM " + table + " WHERE id = ?"
		dest = append(dest, &key)
	}
	found, err := one(ctx, tx, s.d.q(q+s.d.ForUpdate), []any{id}, dest...)
	if err != nil {
		return "", s.dbErr(fmt.Sprintf("commit: read the version of %s %s", what, id), err)
	}
	switch {
	case expect == 0 && found:
		return "", fmt.Errorf("%w: %s %s already exists", ledger.ErrConflict, what, id)
	case expect != 0 && !found:
		return "", fmt.Errorf("%w: %s %s does not exist", ledger.ErrConflict, what, id)
	case expect != 0 && v != expect:
		return "", fmt.Errorf("%w: %s %s is at version %d, not %d", ledger.ErrConflict, what, id, v, expect)
	}
	if key != nil {
		return *key, nil
	}
	return "", nil
}

// write inserts (expect 0) or updates a versioned record.
func (s *Store) write(ctx context.Context, tx Tx, table, what, id string, expect int64, cols []string, vals []any, body []byte) error {
	var q string
	var args []any
	if expect == 0 {
		q = "INSERT INTO " + table + " (id, version, " + strings.Join(cols, ", ") + ", body) VALUES (?, ?" +
			strings.Repeat(", ?", len(cols)) + ", ?)"
		args = append(append([]any{id, int64(1)}, vals...), string(body))
	} else {
		set := make([]string, len(cols))
		for i, c := range cols {
			set[i] = c + " = ?"
		}
		q = "UPDATE " + table + " SET version = ?, " + strings.Join(set, ", ") + ", body = ? WHERE id = ? AND version = ?"
		args = append(append([]any{expect + 1}, vals...), string(body), id, expect)
	}
	n, err := tx.Exec(ctx, s.d.q(q), args...)
	switch {
	case err != nil && s.db.IsUniqueViolation(err) && expect == 0:
		return fmt.Errorf("%w: %s %s already exists", ledger.ErrConflict, what, id)
	case err != nil:
		return s.dbErr(fmt.Sprintf("commit: write %s %s", what, id), err)
	case n != 1:
		return fmt.Errorf("%w: %s %s changed during the commit", ledger.ErrConflict, what, id)
	}
	return nil
}

// balance reads one balance row, locking it when lock is set.
func (s *Store) balance(ctx context.Context, c Conn, a ledger.Account, cur incentive.Currency, lock bool) (decimal.Decimal, bool, error) {
	q := "SELECT " + s.d.num("amount") + " FROM ledger_balances WHERE account = ? AND currency = ?"
	if lock {
		q += s.d.ForUpdate
	}
	var txt string
	found, err := one(ctx, c, s.d.q(q), []any{string(a), string(cur)}, &txt)
	if err != nil {
		return decimal.Zero, false, s.dbErr(fmt.Sprintf("read the balance of %s %s", a, cur), err)
	}
	if !found {
		return decimal.Zero, false, nil
	}
	v, err := decimal.NewFromString(txt)
	if err != nil {
		return decimal.Zero, false, s.dbErr(fmt.Sprintf("read the balance of %s %s", a, cur), err)
	}
	return v, true, nil
}

// one runs a query expected to return at most one row.
func one(ctx context.Context, c Conn, q string, args []any, dest ...any) (bool, error) {
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := rows.Scan(dest...); err != nil {
		return false, err
	}
	return true, rows.Err()
}

// Head implements ledger.Store.
func (s *Store) Head(ctx context.Context, _ ledger.HeadParams) (ledger.Head, error) {
	var h ledger.Head
	if _, err := one(ctx, s.db.Reader(), "SELECT seq, hash FROM ledger_head WHERE id = 1", nil, &h.Seq, &h.Hash); err != nil {
		return ledger.Head{}, s.readErr(ctx, "read the chain head", err)
	}
	return h, nil
}

func (s *Store) readErr(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return s.dbErr(op, err)
}

// Entries implements ledger.Store. Every entry read back is checked
// against its stored hash (a *ledger.ChainError when its content was
// changed in the database).
func (s *Store) Entries(ctx context.Context, p ledger.EntriesParams) ([]ledger.Entry, error) {
	q := "SELECT seq, hash, body FROM ledger_entries WHERE seq > ?"
	args := []any{p.AfterSeq}
	for _, f := range []struct{ col, v string }{{"partner", p.Partner}, {"program", p.Program}, {"claim", p.Claim}, {"fund", p.Fund}, {"batch", p.Batch}} {
		if f.v != "" {
			q += " AND " + f.col + " = ?"
			args = append(args, f.v)
		}
	}
	q += " ORDER BY seq"
	if p.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", p.Limit)
	}
	rows, err := s.db.Reader().Query(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, s.readErr(ctx, "read entries", err)
	}
	defer rows.Close()
	out := []ledger.Entry{}
	for rows.Next() {
		var seq int64
		var hash, body string
		if err := rows.Scan(&seq, &hash, &body); err != nil {
			return nil, s.readErr(ctx, "read entries", err)
		}
		e, err := decodeEntry(seq, hash, body)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, "read entries", err)
	}
	return out, nil
}

// decodeEntry decodes a stored entry and checks it against its row.
func decodeEntry(seq int64, hash, body string) (ledger.Entry, error) {
	var e ledger.Entry
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return ledger.Entry{}, &ledger.ChainError{Seq: seq, Reason: "the stored entry does not decode: " + err.Error()}
	}
	e.Time = e.Time.UTC()
	switch {
	case e.Seq != seq:
		return ledger.Entry{}, &ledger.ChainError{Seq: seq, Reason: fmt.Sprintf("the stored entry says sequence %d", e.Seq)}
	case e.Hash != hash || ledger.EntryHash(&e) != hash:
		return ledger.Entry{}, &ledger.ChainError{Seq: seq, Reason: "content does not match its hash (the entry was changed in the database)"}
	}
	return e, nil
}

// Balances implements ledger.Store.
func (s *Store) Balances(ctx context.Context, p ledger.BalancesParams) ([]ledger.Balance, error) {
	var q string
	var args []any
	where := "1 = 1"
	if p.Prefix != "" {
		where = "substr(account, 1, ?) = ?"
		args = append(args, utf8.RuneCountInString(string(p.Prefix)), string(p.Prefix))
	}
	switch {
	case p.Through.IsZero():
		q = "SELECT account, currency, " + s.d.num("amount") + " FROM ledger_balances WHERE " + where
	case s.d.SQLSum:
		q = "SELECT account, currency, " + s.d.num("SUM(amount)") + " FROM ledger_postings WHERE " + where +
			" AND effective <= ? GROUP BY account, currency"
		args = append(args, p.Through.String())
	default:
		q = "SELECT account, currency, amount FROM ledger_postings WHERE " + where + " AND effective <= ?"
		args = append(args, p.Through.String())
	}
	rows, err := s.db.Reader().Query(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, s.readErr(ctx, "read balances", err)
	}
	defer rows.Close()
	type acct struct{ a, c string }
	sums := map[acct]decimal.Decimal{}
	for rows.Next() {
		var k acct
		var txt string
		if err := rows.Scan(&k.a, &k.c, &txt); err != nil {
			return nil, s.readErr(ctx, "read balances", err)
		}
		v, err := decimal.NewFromString(txt)
		if err != nil {
			return nil, s.dbErr(fmt.Sprintf("read the balance of %s %s", k.a, k.c), err)
		}
		sums[k] = sums[k].Add(v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, "read balances", err)
	}
	out := make([]ledger.Balance, 0, len(sums))
	for k, v := range sums {
		out = append(out, ledger.Balance{Account: ledger.Account(k.a), Amount: incentive.NewMoney(v, incentive.Currency(k.c))})
	}
	slices.SortFunc(out, func(a, b ledger.Balance) int {
		return cmp.Or(cmp.Compare(a.Account, b.Account), cmp.Compare(a.Amount.Currency(), b.Amount.Currency()))
	})
	return out, nil
}

// Idempotency implements ledger.Store.
func (s *Store) Idempotency(ctx context.Context, p ledger.IdempotencyParams) (ledger.IdempotencyRecord, error) {
	var r ledger.IdempotencyRecord
	err := s.get(ctx, "ledger_idempotency", "key", "idempotency key", p.Key, &r)
	return r, err
}

// get reads one JSON body by key.
func (s *Store) get(ctx context.Context, table, col, what, id string, v any) error {
	var body []byte
	found, err := one(ctx, s.db.Reader(), s.d.q("SELECT body FROM "+table+" WHERE "+col+" = ?"), []any{id}, &body)
	if err != nil {
		return s.readErr(ctx, fmt.Sprintf("read %s %q", what, id), err)
	}
	if !found {
		return fmt.Errorf("%w: %s %q", ledger.ErrNotFound, what, id)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return s.dbErr(fmt.Sprintf("decode %s %q", what, id), err)
	}
	return nil
}

// list reads JSON bodies matching the filters, sorted by id.
func list[T any](ctx context.Context, s *Store, table, what string, filters map[string]string, extra string, extraArgs []any) ([]T, error) {
	q := "SELECT body FROM " + table + " WHERE 1 = 1"
	var args []any
	cols := make([]string, 0, len(filters))
	for c := range filters {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		if v := filters[c]; v != "" {
			q += " AND " + c + " = ?"
			args = append(args, v)
		}
	}
	q += extra + " ORDER BY id"
	args = append(args, extraArgs...)
	rows, err := s.db.Reader().Query(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, s.readErr(ctx, "list "+what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, s.readErr(ctx, "list "+what, err)
		}
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, s.dbErr("decode "+what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, "list "+what, err)
	}
	return out, nil
}

func in[T ~string](col string, vs []T) (string, []any) {
	if len(vs) == 0 {
		return "", nil
	}
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = string(v)
	}
	return " AND " + col + " IN (?" + strings.Repeat(", ?", len(vs)-1) + ")", args
}

// Claim implements ledger.Store.
func (s *Store) Claim(ctx context.Context, p ledger.ClaimParams) (ledger.Claim, error) {
	var c ledger.Claim
	err := s.get(ctx, "ledger_claims", "id", "claim", p.ID, &c)
	return c, err
}

// Claims implements ledger.Store.
func (s *Store) Claims(ctx context.Context, p ledger.ClaimsParams) ([]ledger.Claim, error) {
	extra, args := in("state", p.States)
	return list[ledger.Claim](ctx, s, "ledger_claims", "claims",
		map[string]string{"program": p.Program, "partner": p.Partner, "deal": p.Deal, "batch": p.Batch}, extra, args)
}

// Events implements ledger.Store.
func (s *Store) Events(ctx context.Context, p ledger.EventsParams) ([]ledger.Event, error) {
	q := "SELECT body FROM ledger_events"
	var args []any
	if p.Subject != "" {
		q += " WHERE subject = ?"
		args = append(args, p.Subject)
	}
	rows, err := s.db.Reader().Query(ctx, s.d.q(q+" ORDER BY n"), args...)
	if err != nil {
		return nil, s.readErr(ctx, "read events", err)
	}
	defer rows.Close()
	out := []ledger.Event{}
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, s.readErr(ctx, "read events", err)
		}
		var ev ledger.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			return nil, s.dbErr("decode an event", err)
		}
		ev.Time = ev.Time.UTC()
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, "read events", err)
	}
	return out, nil
}

// Fund implements ledger.Store.
func (s *Store) Fund(ctx context.Context, p ledger.FundParams) (ledger.Fund, error) {
	var f ledger.Fund
	err := s.get(ctx, "ledger_funds", "id", "fund", p.ID, &f)
	return f, err
}

// Funds implements ledger.Store.
func (s *Store) Funds(ctx context.Context, p ledger.FundsParams) ([]ledger.Fund, error) {
	return list[ledger.Fund](ctx, s, "ledger_funds", "funds", map[string]string{"partner": p.Partner, "program": p.Program}, "", nil)
}

// FundRequest implements ledger.Store.
func (s *Store) FundRequest(ctx context.Context, p ledger.FundRequestParams) (ledger.FundRequest, error) {
	var r ledger.FundRequest
	err := s.get(ctx, "ledger_fund_requests", "id", "fund request", p.ID, &r)
	return r, err
}

// FundRequests implements ledger.Store.
func (s *Store) FundRequests(ctx context.Context, p ledger.FundRequestsParams) ([]ledger.FundRequest, error) {
	return list[ledger.FundRequest](ctx, s, "ledger_fund_requests", "fund requests", map[string]string{"fund": p.Fund, "partner": p.Partner}, "", nil)
}

// Batch implements ledger.Store.
func (s *Store) Batch(ctx context.Context, p ledger.BatchParams) (ledger.Batch, error) {
	var b ledger.Batch
	err := s.get(ctx, "ledger_batches", "id", "batch", p.ID, &b)
	return b, err
}

// Batches implements ledger.Store.
func (s *Store) Batches(ctx context.Context, p ledger.BatchesParams) ([]ledger.Batch, error) {
	extra, args := in("state", p.States)
	return list[ledger.Batch](ctx, s, "ledger_batches", "batches", nil, extra, args)
}
