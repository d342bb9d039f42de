// Package pgstore is the PostgreSQL ledger.Store, through pgx (pgxpool),
// for a service that runs several instances against one database. It
// passes the conformance suite in package ledgertest.
//
// Open (or New, on a pool the caller owns) applies the embedded migrations
// (migrations/*.sql) in one transaction holding pg_advisory_xact_lock, so
// it is safe to run twice and from many instances at once. Tables are
// created in the connection's search_path (set search_path in the URL to
// keep the ledger in its own schema).
//
// Every Commit is one READ COMMITTED transaction that first locks the
// chain head row (SELECT ... FOR UPDATE): commits from every instance are
// sealed in one order, and the balances the guards check (each locked with
// SELECT ... FOR UPDATE before it is updated), the idempotency keys (a
// PRIMARY KEY) and the claims' dedupe keys (a UNIQUE index) cannot change
// under it. Amounts are NUMERIC. A transaction the server aborts as a
// serialization failure or deadlock (SQLSTATE 40001, 40P01) is retried whole,
// a few times; with the head lock PostgreSQL itself does not abort one, but
// PostgreSQL-compatible distributed databases may.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/internal/sqlledger"
	"github.com/partnerops/partnerops/internal/sqlmigrate"
	"github.com/partnerops/partnerops/internal/sqlrecord"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a ledger.Store in PostgreSQL. Its methods are those of
// ledger.Store; Close closes the pool when Open made it.
type Store struct {
	*sqlledger.Store
	pool *pgxpool.Pool
	own  bool
}

var _ ledger.Store = (*Store)(nil)

var dialect = sqlledger.Dialect{Name: "pgstore", Dollar: true, ForUpdate: " FOR UPDATE", NumText: "(%s)::text", SQLSum: true}

// migrationLock is the pg_advisory_xact_lock key of schema migrations
// (any partnerops component, any schema).
const migrationLock int64 = 0x7061727472_6f7073 // "partrops"

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, as pgxpool.ParseConfig reads it) and brings the
// schema up to date.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("%w: pgstore: the database URL: %v", ledger.ErrInvalid, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	s, err := New(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// New returns a Store on a pool the caller owns (Close leaves it open),
// after bringing the schema up to date.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	s.Store = sqlledger.New(dialect, s.driver())
	return s, nil
}

// Close closes the pool if Open made it.
func (s *Store) Close() {
	if s.own {
		s.pool.Close()
	}
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate applies the embedded migrations of the ledger to the database of
// pool, under the migration lock, and returns the names of those applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	ms, err := sqlmigrate.Load(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgstore: migrate: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return nil, fmt.Errorf("pgstore: migrate: take the migration lock: %w", err)
	}
	applied, err := sqlmigrate.Apply(ctx, migTx{tx}, "ledger",
		"INSERT INTO partnerops_schema_versions (component, version, name) VALUES ($1, $2, $3)", ms)
	if err != nil {
		return nil, fmt.Errorf("pgstore: migrate: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("pgstore: migrate: commit: %w", err)
	}
	return applied, nil
}

func (s *Store) migrate(ctx context.Context) error {
	_, err := Migrate(ctx, s.pool)
	return err
}

type migTx struct{ tx pgx.Tx }

func (m migTx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := m.tx.Exec(ctx, q, args...)
	return err
}

func (m migTx) Versions(ctx context.Context, component string) ([]int, error) {
	rows, err := m.tx.Query(ctx, "SELECT version FROM partnerops_schema_versions WHERE component = $1 ORDER BY version", component)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

func (s *Store) driver() driver { return driver{s.pool} }

// driver adapts pgxpool to sqlledger.
type driver struct{ pool *pgxpool.Pool }

func (d driver) BeginWrite(ctx context.Context) (sqlledger.Tx, error) {
	tx, err := d.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return nil, err
	}
	return pgTx{conn{tx}, tx}, nil
}

func (d driver) Reader() sqlledger.Conn { return conn{d.pool} }

func (driver) IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (driver) IsRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

type querier interface {
	Exec(ctx context.Context, q string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, q string, args ...any) (pgx.Rows, error)
}

type conn struct{ c querier }

func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := c.c.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (c conn) Query(ctx context.Context, q string, args ...any) (sqlledger.Rows, error) {
	rows, err := c.c.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

type pgTx struct {
	conn
	tx pgx.Tx
}

func (t pgTx) Commit(ctx context.Context) error   { return t.tx.Commit(ctx) }
func (t pgTx) Rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

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
