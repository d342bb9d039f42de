// Package sqlitestore is the embedded default ledger.Store: one SQLite file
// through modernc.org/sqlite (pure Go, no cgo), so a fresh machine needs
// nothing installed. It passes the conformance suite in package ledgertest.
//
// Open creates or opens the file and applies the embedded migrations
// (migrations/*.sql) under SQLite's write lock, so it is safe to run twice
// and from two processes at once. The database runs in WAL mode with
// synchronous=FULL: a commit that returned is on disk, readers never block
// the writer, and a process killed mid-transaction leaves nothing of it.
//
// Every Commit is one BEGIN IMMEDIATE transaction: it takes the database's
// write lock before it reads anything, so the chain head, the balances the
// guards check and the idempotency and dedupe keys cannot change under it,
// whichever process (or goroutine) commits. Writers in one process queue on
// one connection; writers in other processes wait up to Options.BusyTimeout.
// Amounts are stored as decimal text (a CHECK refuses anything else) and
// summed in Go: SQLite's SUM would go through floating point.
package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/internal/sqlledger"
	"github.com/partnerops/partnerops/internal/sqlmigrate"
	"github.com/partnerops/partnerops/internal/sqlrecord"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure Open. The zero value is ready to use.
type Options struct {
	// BusyTimeout is how long a writer waits for another process's write
	// lock before failing; zero means 30 seconds.
	BusyTimeout time.Duration
	// ReadConns caps the connections used for reads; zero means 4.
	ReadConns int
}

// Store is a ledger.Store in one SQLite file. Its methods are those of
// ledger.Store; Close releases the file.
type Store struct {
	*sqlledger.Store
	w, r *sql.DB
	path string
	// beforeCommit, set only by tests, runs inside every write
	// transaction just before COMMIT.
	beforeCommit func()
}

var _ ledger.Store = (*Store)(nil)

// dialect is SQLite's: ? placeholders, no FOR UPDATE (BEGIN IMMEDIATE
// already holds the write lock), amounts as text summed in Go.
var dialect = sqlledger.Dialect{Name: "sqlitestore"}

// Open opens (creating when absent) the SQLite database at path and brings
// its schema up to date.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: sqlitestore: empty database path", ledger.ErrInvalid)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%w: sqlitestore: the database path %q may not contain '?' or '#'", ledger.ErrInvalid, path)
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 30 * time.Second
	}
	reads := opts.ReadConns
	if reads <= 0 {
		reads = 4
	}
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate",
		path, busy.Milliseconds())
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	// One writing connection: writers of this process queue in Go rather
	// than spin on the busy handler.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(reads)
	s := &Store{w: w, r: r, path: path}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.Store = sqlledger.New(dialect, s.driver())
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.w.Close(), s.r.Close())
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

func (s *Store) migrate(ctx context.Context) error {
	ms, err := sqlmigrate.Load(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlitestore: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the migration lock
	if err != nil {
		return fmt.Errorf("sqlitestore: open %s: begin the migration: %w", s.path, err)
	}
	defer tx.Rollback()
	if _, err := sqlmigrate.Apply(ctx, migTx{tx}, "ledger",
		"INSERT INTO partnerops_schema_versions (component, version, name) VALUES (?, ?, ?)", ms); err != nil {
		return fmt.Errorf("sqlitestore: open %s: %w", s.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: open %s: commit the migration: %w", s.path, err)
	}
	return nil
}

type migTx struct{ tx *sql.Tx }

func (m migTx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := m.tx.ExecContext(ctx, q, args...)
	return err
}

func (m migTx) Versions(ctx context.Context, component string) ([]int, error) {
	rows, err := m.tx.QueryContext(ctx, "SELECT version FROM partnerops_schema_versions WHERE component = ? ORDER BY version", component)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Store) driver() driver { return driver{s} }

// driver adapts database/sql to sqlledger.
type driver struct{ s *Store }

func (d driver) BeginWrite(ctx context.Context) (sqlledger.Tx, error) {
	tx, err := d.s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock=immediate)
	if err != nil {
		return nil, err
	}
	return sqlTx{conn{tx}, tx, d.s.beforeCommit}, nil
}

func (d driver) Reader() sqlledger.Conn { return conn{d.s.r} }

func (d driver) IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// IsRetryable is false: BEGIN IMMEDIATE waits for the lock (busy
// timeout) instead of failing a transaction midway.
func (driver) IsRetryable(error) bool { return false }

type execQuerier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

type conn struct{ c execQuerier }

func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := c.c.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Query(ctx context.Context, q string, args ...any) (sqlledger.Rows, error) {
	rows, err := c.c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

type sqlTx struct {
	conn
	tx   *sql.Tx
	hook func()
}

func (t sqlTx) Commit(context.Context) error {
	if t.hook != nil {
		t.hook()
	}
	return t.tx.Commit()
}

func (t sqlTx) Rollback(context.Context) error { return t.tx.Rollback() }

// ProgramSource is the text of one program version, stored with
// SaveProgram so that later processes can register the exact terms.
type ProgramSource = sqlledger.ProgramSource

// Partners returns the partner.Store kept in the same database (partner
// records with their history, and deal registrations). It shares the
// store's connections and lives as long as it.
func (s *Store) Partners() *sqlrecord.Partners { return sqlrecord.NewPartners(&dialect, s.driver()) }

// Plans returns the milestone.Store kept in the same database (plans,
// and their events in an append-only table). It shares the store's
// connections and lives as long as it.
func (s *Store) Plans() *sqlrecord.Plans { return sqlrecord.NewPlans(&dialect, s.driver()) }
