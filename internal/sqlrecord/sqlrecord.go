// Package sqlrecord implements partner.Store and milestone.Store in SQL
// for the SQLite and PostgreSQL stores (incentive/ledger/sqlitestore and
// incentive/ledger/pgstore), over the same driver adapters as the ledger
// (package sqlledger). Records are kept whole as JSON beside the columns
// the lists filter on; every write is one transaction that locks the row
// it changes (BEGIN IMMEDIATE in SQLite, SELECT ... FOR UPDATE in
// PostgreSQL) and checks the version it was read at, so two processes
// cannot both win an update.
package sqlrecord

import (
	"context"
	"errors"
	"fmt"

	"github.com/partnerops/partnerops/internal/sqlledger"
)

// base is what both stores share.
type base struct {
	d  *sqlledger.Dialect
	db sqlledger.Driver
}

func (b *base) dbErr(op string, err error) error {
	return fmt.Errorf("%s: %s: %w", b.d.Name, op, err)
}

// tx runs fn in one write transaction.
func (b *base) tx(ctx context.Context, op string, fn func(tx sqlledger.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := b.db.BeginWrite(ctx)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return b.dbErr(op+": begin", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return b.dbErr(op+": commit", err)
	}
	return nil
}

// row reads one row; found is false when there is none.
func row(ctx context.Context, c sqlledger.Conn, q string, args []any, dest ...any) (bool, error) {
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

var errStop = errors.New("stop")
