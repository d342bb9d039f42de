package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/sqlitestore"
)

// A ledger in an SQLite file: a claim submitted and approved by one
// process is there for the next one that opens the file.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "partnerops.db")
	clock := func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }

	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	l, _ := ledger.New(ledger.Config{Store: s, Clock: clock})
	budget := incentive.MustParseMoney("10000.00", "USD")
	_ = l.Register(ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: &budget, Actor: "ops"})
	d := ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-03")
	c, err := l.Submit(ctx, ledger.SubmitParams{Key: "claim:D-1", Program: "spiff", Deal: d, Partner: ledgertest.Gold("P-1"), Actor: "rep"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s.Close()

	// Another process, later.
	s, _ = sqlitestore.Open(ctx, path, sqlitestore.Options{})
	defer s.Close()
	got, _ := s.Claim(ctx, ledger.ClaimParams{ID: c.ID})
	fmt.Println(got.Deal, got.State, got.Amount) // 12,000.00 x 2% = 240.00
	es, _ := s.Entries(ctx, ledger.EntriesParams{})
	_, err = ledger.VerifyChain(ledger.Head{}, es)
	fmt.Println(len(es), "entries, chain verified:", err == nil)
	// Output:
	// D-1 pending_approval 240.00 USD
	// 2 entries, chain verified: true
}

// Opening a database in a folder that does not exist fails, saying what
// was being done; nothing is created.
func ExampleOpen_error() {
	_, err := sqlitestore.Open(context.Background(), "/nonexistent/folder/partnerops.db", sqlitestore.Options{})
	fmt.Println(err != nil, errors.Is(err, ledger.ErrInvalid))
	_, err = sqlitestore.Open(context.Background(), "", sqlitestore.Options{})
	fmt.Println(err)
	// Output:
	// true false
	// invalid request: sqlitestore: empty database path
}
