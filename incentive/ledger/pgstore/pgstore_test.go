package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/pgstore"
	"github.com/partnerops/partnerops/internal/pgtest"
	"github.com/partnerops/partnerops/internal/sqlmigrate"
	"github.com/partnerops/partnerops/internal/storetest"
	"github.com/partnerops/partnerops/milestone"
	"github.com/partnerops/partnerops/milestone/milestonetest"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/partner/partnertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func open(ctx context.Context, dsn string) (ledger.Store, func(), error) {
	s, err := pgstore.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	return s, s.Close, nil
}

func TestMain(m *testing.M) {
	storetest.Child(open, nil)
	os.Exit(pgtest.Main(m))
}

// newStore opens a store in a fresh schema.
func newStore(t *testing.T) *pgstore.Store {
	t.Helper()
	_, u := pgtest.Schema(t)
	s, err := pgstore.Open(context.Background(), u)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestConformance(t *testing.T) {
	pgtest.BaseURL(t)
	ledgertest.Run(t, func(t *testing.T) ledger.Store { return newStore(t) })
}

var (
	t0      = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)
	budget  = ledger.ProgramBudget("p1")
	funding = ledger.ProgramFunding("p1")
)

func move(id, amount string) ledger.Entry {
	m := incentive.MustParseMoney(amount, "USD")
	return ledger.Entry{ID: id, Kind: ledger.EntryBudget, Time: t0, Effective: incentive.DateOf(t0), Actor: "tester",
		Program:  incentive.ProgramRef{ID: "p1", Version: 1, Hash: "h"},
		Postings: []ledger.Posting{{Account: funding, Amount: m.Neg()}, {Account: budget, Amount: m}}}
}

func balance(t *testing.T, s ledger.Store, a ledger.Account) string {
	t.Helper()
	bs, err := s.Balances(context.Background(), ledger.BalancesParams{Prefix: a})
	require.NoError(t, err)
	for _, b := range bs {
		if b.Account == a {
			return b.Amount.Amount().String()
		}
	}
	return "none"
}

func exec(t *testing.T, s *pgstore.Store, q string) error {
	t.Helper()
	_, err := s.Pool().Exec(context.Background(), q)
	return err
}

func TestMigrationsTwiceAndConcurrently(t *testing.T) {
	ctx := context.Background()
	_, u := pgtest.Schema(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := pgstore.Open(ctx, u) // four pools at once
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "opener %d", i)
	}
	s, err := pgstore.Open(ctx, u)
	require.NoError(t, err)
	defer s.Close()
	applied, err := pgstore.Migrate(ctx, s.Pool())
	require.NoError(t, err)
	assert.Empty(t, applied, "a current database gets nothing applied")
	var n int
	require.NoError(t, s.Pool().QueryRow(ctx, "SELECT count(*) FROM partnerops_schema_versions WHERE component = 'ledger'").Scan(&n))
	assert.Equal(t, 3, n, "each of the 3 migrations recorded once, whoever applied it")
	require.NoError(t, exec(t, s, "INSERT INTO partnerops_schema_versions VALUES ('ledger', 99, '0099_future.sql')"))
	_, err = pgstore.Open(ctx, u)
	require.ErrorIs(t, err, sqlmigrate.ErrMigration)
}

func TestBadURL(t *testing.T) {
	_, err := pgstore.Open(context.Background(), "postgres://%zz")
	require.ErrorIs(t, err, ledger.ErrInvalid)
	// Nothing listens on port 1: the error says what was being done.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = pgstore.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pgstore: migrate")
}

func TestKeysUniqueInTheDatabase(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	c := ledger.Claim{ID: "C-1", Kind: ledger.EarningClaim, Program: incentive.ProgramRef{ID: "p1", Version: 1, Hash: "h"},
		Partner: "P-1", Deal: "D-1", DedupeKey: "p1|D-1", State: ledger.PendingApproval, Amount: incentive.MustParseMoney("10.00", "USD")}
	c2 := c
	c2.ID, c2.DedupeKey = "C-2", ""
	_, err := s.Commit(ctx, ledger.CommitParams{Idempotency: &ledger.IdempotencyRecord{Key: "k1", RequestHash: "h"},
		Claims: []ledger.ClaimWrite{{Claim: c}, {Claim: c2}}})
	require.NoError(t, err)
	err = exec(t, s, `INSERT INTO ledger_idempotency (key, request_hash, body) VALUES ('k1', 'x', '{}')`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ledger_idempotency_pkey")
	err = exec(t, s, `UPDATE ledger_claims SET dedupe_key = 'p1|D-1' WHERE id = 'C-2'`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ledger_claims_dedupe_key_key")
}

func TestAmountsNumeric(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for i, amt := range []string{"0.10", "0.10", "0.10", "12345678901234567.89"} {
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move(fmt.Sprintf("e%d", i), amt)}})
		require.NoError(t, err)
	}
	// 0.10 + 0.10 + 0.10 + 12345678901234567.89 = 12345678901234568.19
	assert.Equal(t, "12345678901234568.19", balance(t, s, budget))
	// Through a date, the sum is NUMERIC arithmetic in the server.
	bs, err := s.Balances(ctx, ledger.BalancesParams{Prefix: budget, Through: incentive.DateOf(t0)})
	require.NoError(t, err)
	require.Len(t, bs, 1)
	assert.Equal(t, "12345678901234568.19", bs[0].Amount.Amount().String())
	var types []string
	rows, err := s.Pool().Query(ctx, `SELECT table_name || '.' || data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'amount' ORDER BY table_name`)
	require.NoError(t, err)
	types, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Equal(t, []string{"ledger_balances.numeric", "ledger_claims.numeric", "ledger_postings.numeric"}, types)
}

func TestTamperedEntryFailsOnReadBack(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, id := range []string{"e1", "e2", "e3"} {
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move(id, "5.00")}})
		require.NoError(t, err)
	}
	require.NoError(t, exec(t, s, `UPDATE ledger_entries SET body = jsonb_set(body, '{actor}', '"mallory"') WHERE id = 'e2'`))
	_, err := s.Entries(ctx, ledger.EntriesParams{})
	require.ErrorIs(t, err, ledger.ErrChain)
	var ce *ledger.ChainError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, int64(2), ce.Seq)
}

func TestFailedCommitLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("e1", "5.00")}})
	require.NoError(t, err)
	_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("e2", "7.00"), move("e1", "1.00")},
		Idempotency: &ledger.IdempotencyRecord{Key: "k", RequestHash: "h"}})
	require.ErrorIs(t, err, ledger.ErrConflict)
	h, err := s.Head(ctx, ledger.HeadParams{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), h.Seq)
	assert.Equal(t, "5", balance(t, s, budget), "only e1's 5.00")
	_, err = s.Idempotency(ctx, ledger.IdempotencyParams{Key: "k"})
	assert.ErrorIs(t, err, ledger.ErrNotFound)
}

func TestTwoPoolsOneBudget(t *testing.T) {
	// 64 commits through two pools, each taking 3.00 from 100.00: 33 fit
	// (33 x 3.00 = 99.00), 31 are refused by the guard.
	ctx := context.Background()
	_, u := pgtest.Schema(t)
	a, err := pgstore.Open(ctx, u)
	require.NoError(t, err)
	defer a.Close()
	b, err := pgstore.Open(ctx, u)
	require.NoError(t, err)
	defer b.Close()
	_, err = a.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("fund", "100.00")}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 64 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			e := move(fmt.Sprintf("take-%02d", i), "3.00")
			e.Postings[0].Account, e.Postings[1].Account = budget, ledger.Bucket{Partner: "P-1", Payee: "partner", Program: "p1"}.Account(ledger.Payable)
			_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{e},
				Guards: []ledger.Guard{{Account: budget, Min: incentive.MustParseMoney("0", "USD")}}})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, ledger.ErrBudgetExceeded)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 33, ok)
	assert.Equal(t, "1", balance(t, a, budget), "100.00 - 33 x 3.00")
}

func TestTwoProcessesOneBudget(t *testing.T) {
	// The schema is empty: both workers migrate it at once, then contend
	// for the same deals and budget.
	_, u := pgtest.Schema(t)
	storetest.Contend(t, u, open)
}

func TestPartnerConformance(t *testing.T) {
	partnertest.Run(t, func(t *testing.T) partner.Store { return newStore(t).Partners() })
}

func TestMilestoneConformance(t *testing.T) {
	milestonetest.Run(t, func(t *testing.T) milestone.Store { return newStore(t).Plans() })
}
