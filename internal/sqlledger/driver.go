// Package sqlledger is the SQL implementation of ledger.Store shared by
// the SQLite store (incentive/ledger/sqlitestore) and the PostgreSQL store
// (incentive/ledger/pgstore). It imports no database driver: each store
// package adapts its driver to the small interfaces below and supplies its
// dialect, so a user links only the driver they import.
//
// The layout (see the migrations of each store):
//   - ledger_head: one row, the chain head; every Commit locks it first
//     (SELECT ... FOR UPDATE in PostgreSQL; SQLite's BEGIN IMMEDIATE holds
//     the database's write lock), so entries are sealed in one order
//     whichever process commits, and no two commits interleave.
//   - ledger_entries and ledger_postings: the append-only chain; each
//     entry's full JSON body (from which its hash is recomputed on every
//     read) and one row per posting with its amount as NUMERIC (PostgreSQL)
//     or decimal text (SQLite, with a CHECK that it is text).
//   - ledger_balances: the running balance per account and currency,
//     updated in the commit's transaction under a row lock; guards read it.
//   - ledger_claims, ledger_funds, ledger_fund_requests, ledger_batches:
//     current state as JSON with the filtered columns beside it; a claim's
//     dedupe key is UNIQUE in the database.
//   - ledger_events and ledger_idempotency (key PRIMARY KEY).
package sqlledger

import (
	"context"
	"strconv"
	"strings"
)

// Rows is a result set (database/sql's or pgx's, adapted).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Conn runs statements: the read pool, or a write transaction.
type Conn interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	// Query runs a query.
	Query(ctx context.Context, q string, args ...any) (Rows, error)
}

// Tx is a write transaction holding the database's write lock for the
// ledger (see Driver.BeginWrite).
type Tx interface {
	Conn
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// Driver is what a store package supplies.
type Driver interface {
	// BeginWrite starts a transaction for one Commit. SQLite starts it
	// with BEGIN IMMEDIATE (the write lock, waiting up to the busy
	// timeout); PostgreSQL with a plain BEGIN, the store then locking the
	// head row.
	BeginWrite(ctx context.Context) (Tx, error)
	// Reader runs reads outside a write transaction.
	Reader() Conn
	// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
	// constraint violation.
	IsUniqueViolation(err error) bool
	// IsRetryable reports whether the whole transaction may be retried
	// (a serialization failure or a deadlock, as CockroachDB and
	// YugabyteDB report under contention).
	IsRetryable(err error) bool
}

// Dialect is the SQL that differs between the databases.
type Dialect struct {
	// Name prefixes error messages ("sqlitestore", "pgstore").
	Name string
	// Dollar numbers placeholders $1, $2, ... (PostgreSQL) instead of ?.
	Dollar bool
	// ForUpdate is appended to row reads that must lock (" FOR UPDATE").
	ForUpdate string
	// NumText reads a numeric column as text ("%s::text"); empty reads it
	// as is (SQLite stores decimal text).
	NumText string
	// SQLSum sums amounts in SQL (exact NUMERIC); otherwise rows are
	// summed in Go (SQLite's SUM would go through floating point).
	SQLSum bool
}

// q rewrites ? placeholders for the dialect.
func (d *Dialect) q(s string) string {
	if !d.Dollar || !strings.Contains(s, "?") {
		return s
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Q rewrites ? placeholders for the dialect (for the other SQL stores of
// the module).
func (d *Dialect) Q(s string) string { return d.q(s) }

func (d *Dialect) num(col string) string {
	if d.NumText == "" {
		return col
	}
	return strings.ReplaceAll(d.NumText, "%s", col)
}
