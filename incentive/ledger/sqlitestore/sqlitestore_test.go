package sqlitestore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/sqlitestore"
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
	s, err := sqlitestore.Open(ctx, dsn, sqlitestore.Options{})
	if err != nil {
		return nil, nil, err
	}
	return s, func() { s.Close() }, nil
}

func TestMain(m *testing.M) {
	storetest.Child(open, storetest.Roles{"crash": crashChild})
	os.Exit(m.Run())
}

func newStore(t *testing.T) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), sqlitestore.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
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

func TestMigrationsTwiceAndConcurrently(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
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
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.NoError(t, err)
	defer s.Close()
	var n int
	require.NoError(t, sqlitestore.RawDB(s).QueryRow("SELECT count(*) FROM partnerops_schema_versions WHERE component = 'ledger'").Scan(&n))
	assert.Equal(t, 3, n, "each of the 3 migrations recorded once, whoever applied it")

	// A database migrated by a newer program is refused, not half-used.
	_, err = sqlitestore.RawDB(s).Exec("INSERT INTO partnerops_schema_versions VALUES ('ledger', 99, '0099_future.sql')")
	require.NoError(t, err)
	_, err = sqlitestore.Open(ctx, path, sqlitestore.Options{})
	require.ErrorIs(t, err, sqlmigrate.ErrMigration)
	assert.Contains(t, err.Error(), "version 99")
}

func TestBadPath(t *testing.T) {
	_, err := sqlitestore.Open(context.Background(), "", sqlitestore.Options{})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	_, err = sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), sqlitestore.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sqlitestore: open", "the error says what was being done")
}

func TestKeysUniqueInTheDatabase(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	db := sqlitestore.RawDB(s)
	c := ledger.Claim{ID: "C-1", Kind: ledger.EarningClaim, Program: incentive.ProgramRef{ID: "p1", Version: 1, Hash: "h"},
		Partner: "P-1", Deal: "D-1", DedupeKey: "p1|D-1", State: ledger.PendingApproval, Amount: incentive.MustParseMoney("10.00", "USD")}
	c2 := c
	c2.ID, c2.DedupeKey = "C-2", ""
	_, err := s.Commit(ctx, ledger.CommitParams{Idempotency: &ledger.IdempotencyRecord{Key: "k1", RequestHash: "h"},
		Claims: []ledger.ClaimWrite{{Claim: c}, {Claim: c2}}})
	require.NoError(t, err)
	// Bypassing Go entirely, the database itself refuses a second key
	// and a second holder of a dedupe key.
	_, err = db.Exec("INSERT INTO ledger_idempotency (key, request_hash, body) VALUES ('k1', 'x', '{}')")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "UNIQUE constraint failed: ledger_idempotency.key")
	_, err = db.Exec("UPDATE ledger_claims SET dedupe_key = 'p1|D-1' WHERE id = 'C-2'")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "UNIQUE constraint failed: ledger_claims.dedupe_key")
}

func TestAmountsExactAndNeverReal(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	// 0.10 three times is 0.30 exactly (as binary floating point it is
	// 0.30000000000000004), and 12345678901234567.89 keeps every digit
	// (a float64 holds about 16 significant digits).
	for i, amt := range []string{"0.10", "0.10", "0.10", "12345678901234567.89"} {
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move(fmt.Sprintf("e%d", i), amt)}})
		require.NoError(t, err)
	}
	// 0.10 + 0.10 + 0.10 + 12345678901234567.89 = 12345678901234568.19
	assert.Equal(t, "12345678901234568.19", balance(t, s, budget))
	assert.Equal(t, "-12345678901234568.19", balance(t, s, funding))
	db := sqlitestore.RawDB(s)
	var notText int
	require.NoError(t, db.QueryRow(`SELECT (SELECT count(*) FROM ledger_postings WHERE typeof(amount) <> 'text')
		+ (SELECT count(*) FROM ledger_balances WHERE typeof(amount) <> 'text')`).Scan(&notText))
	assert.Zero(t, notText)
	// Even a floating-point value written by hand is kept as text (the
	// column's TEXT affinity converts it before the CHECK sees it).
	_, err := db.Exec("INSERT INTO ledger_balances (account, currency, amount) VALUES ('x', 'USD', 1.5)")
	require.NoError(t, err)
	var typ string
	require.NoError(t, db.QueryRow("SELECT typeof(amount) FROM ledger_balances WHERE account = 'x'").Scan(&typ))
	assert.Equal(t, "text", typ)
}

func TestTamperedEntryFailsOnReadBack(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, id := range []string{"e1", "e2", "e3"} {
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move(id, "5.00")}})
		require.NoError(t, err)
	}
	_, err := sqlitestore.RawDB(s).Exec(`UPDATE ledger_entries SET body = replace(body, '"actor":"tester"', '"actor":"mallory"') WHERE id = 'e2'`)
	require.NoError(t, err)
	_, err = s.Entries(ctx, ledger.EntriesParams{})
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
	// e2 is written (entry, postings, balances) before e1 again fails on
	// the entries' UNIQUE id: the transaction takes all of it back.
	_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("e2", "7.00"), move("e1", "1.00")},
		Idempotency: &ledger.IdempotencyRecord{Key: "k", RequestHash: "h"}})
	require.ErrorIs(t, err, ledger.ErrConflict)
	h, err := s.Head(ctx, ledger.HeadParams{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), h.Seq)
	es, err := s.Entries(ctx, ledger.EntriesParams{})
	require.NoError(t, err)
	assert.Len(t, es, 1)
	assert.Equal(t, "5", balance(t, s, budget), "only e1's 5.00")
	_, err = s.Idempotency(ctx, ledger.IdempotencyParams{Key: "k"})
	assert.ErrorIs(t, err, ledger.ErrNotFound)
}

// crashChild commits 20 entries of 1.00, reporting each, then hangs inside
// the 21st transaction (entry, claim and key written, not committed) until
// it is killed.
func crashChild(ctx context.Context, ls ledger.Store) error {
	s := ls.(*sqlitestore.Store)
	for i := 1; i <= 20; i++ {
		if _, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move(fmt.Sprintf("e%02d", i), "1.00")}}); err != nil {
			return err
		}
		fmt.Printf("committed e%02d\n", i)
	}
	sqlitestore.SetBeforeCommit(s, func() {
		fmt.Println("in-tx")
		time.Sleep(time.Hour)
	})
	c := ledger.Claim{ID: "C-lost", Kind: ledger.EarningClaim, State: ledger.PendingApproval, DedupeKey: "p1|D-lost",
		Amount: incentive.MustParseMoney("1.00", "USD")}
	_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("e21", "1000.00")},
		Claims: []ledger.ClaimWrite{{Claim: c}}, Idempotency: &ledger.IdempotencyRecord{Key: "lost", RequestHash: "h"}})
	return err
}

func TestKillWriterMidTransaction(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	cmd, out := storetest.Start(t, "crash", path)
	acked := 0
	for {
		line, err := out.ReadString('\n')
		require.NoError(t, err, "the child ended before its open transaction")
		if strings.HasPrefix(line, "committed ") {
			acked++
		}
		if line == "in-tx\n" {
			break
		}
	}
	require.NoError(t, cmd.Process.Kill()) // SIGKILL, mid-transaction
	_ = cmd.Wait()
	assert.Equal(t, 20, acked)

	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{BusyTimeout: 5 * time.Second})
	require.NoError(t, err)
	defer s.Close()
	es, err := s.Entries(ctx, ledger.EntriesParams{})
	require.NoError(t, err)
	assert.Len(t, es, 20, "every acknowledged commit is there, the killed one is not")
	_, err = ledger.VerifyChain(ledger.Head{}, es)
	require.NoError(t, err)
	h, err := s.Head(ctx, ledger.HeadParams{})
	require.NoError(t, err)
	assert.Equal(t, int64(20), h.Seq)
	assert.Equal(t, "20", balance(t, s, budget), "20 x 1.00; nothing of the 1,000.00")
	_, err = s.Claim(ctx, ledger.ClaimParams{ID: "C-lost"})
	assert.ErrorIs(t, err, ledger.ErrNotFound)
	_, err = s.Idempotency(ctx, ledger.IdempotencyParams{Key: "lost"})
	assert.ErrorIs(t, err, ledger.ErrNotFound)
	// The dead writer's lock is gone: the next commit continues the chain.
	r, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("e21", "1.00")}})
	require.NoError(t, err)
	assert.Equal(t, int64(21), r.Head.Seq)
}

func TestTwoProcessesOneBudget(t *testing.T) {
	// The file does not exist yet: both workers create and migrate it at
	// once, then contend for the same deals and budget.
	storetest.Contend(t, filepath.Join(t.TempDir(), "ledger.db"), open)
}

func TestPartnerConformance(t *testing.T) {
	partnertest.Run(t, func(t *testing.T) partner.Store { return newStore(t).Partners() })
}

func TestMilestoneConformance(t *testing.T) {
	milestonetest.Run(t, func(t *testing.T) milestone.Store { return newStore(t).Plans() })
}
