// Package sqlmigrate applies embedded, ordered SQL migrations and records
// them in a schema-version table. It knows no driver: a store supplies a
// transaction that already holds the database's migration lock (BEGIN
// IMMEDIATE in SQLite, pg_advisory_xact_lock in PostgreSQL), so applying is
// safe to repeat and safe from two processes at once: the second waits for
// the lock, then finds every migration recorded and applies nothing.
//
// Migration files are named NNNN_description.sql (NNNN a positive integer,
// unique within a component), and are applied in numeric order, all in one
// transaction with the version rows, so a failure applies none of them.
package sqlmigrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ErrMigration marks a bad migration set or a database newer than the code.
var ErrMigration = errors.New("migration")

// Migration is one SQL file.
type Migration struct {
	// Version orders migrations; it is the file name's numeric prefix.
	Version int
	// Name is the file name.
	Name string
	// SQL is the file's content, run as one Exec.
	SQL string
}

// Load reads dir of fsys: every *.sql file, sorted by version. Two files
// with one version, or a name without a numeric prefix, are errors.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrMigration, dir, err)
	}
	var out []Migration
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("%w: %s: the name must start with a positive version number and '_'", ErrMigration, e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("%w: read %s: %v", ErrMigration, e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("%w: %s and %s have the same version", ErrMigration, out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// Tx is a transaction holding the migration lock. Exec runs SQL (several
// statements when args is empty); Versions returns the versions recorded
// for component in the table created by CreateTable.
type Tx interface {
	Exec(ctx context.Context, sql string, args ...any) error
	Versions(ctx context.Context, component string) ([]int, error)
}

// CreateTable is the schema-version table, the same in SQLite and
// PostgreSQL. Each component (ledger, partner, milestone) numbers its own
// migrations.
const CreateTable = `CREATE TABLE IF NOT EXISTS partnerops_schema_versions (
	component TEXT NOT NULL,
	version INTEGER NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (component, version)
)`

// Apply runs the migrations of component that tx's database lacks, in
// order, recording each; insert is the INSERT of one version row with the
// driver's placeholders for (component, version, name). It returns the
// names applied (none when the database is current) and an error wrapping
// ErrMigration when the database records a version this code does not
// know (a newer binary migrated it).
func Apply(ctx context.Context, tx Tx, component, insert string, ms []Migration) ([]string, error) {
	if err := tx.Exec(ctx, CreateTable); err != nil {
		return nil, fmt.Errorf("create the schema-version table: %w", err)
	}
	have, err := tx.Versions(ctx, component)
	if err != nil {
		return nil, fmt.Errorf("read schema versions: %w", err)
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
	}
	done := map[int]bool{}
	for _, v := range have {
		if !known[v] {
			return nil, fmt.Errorf("%w: the %s schema is at version %d, which this program does not know (a newer version migrated it)", ErrMigration, component, v)
		}
		done[v] = true
	}
	var applied []string
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		if err := tx.Exec(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("apply %s migration %s: %w", component, m.Name, err)
		}
		if err := tx.Exec(ctx, insert, component, m.Version, m.Name); err != nil {
			return nil, fmt.Errorf("record %s migration %s: %w", component, m.Name, err)
		}
		applied = append(applied, m.Name)
	}
	return applied, nil
}
