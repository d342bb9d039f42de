package ledger_test

import (
	"context"
	"fmt"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/memstore"
	"github.com/partnerops/partnerops/internal/cputime"
	"sync"
	"testing"
	"time"
)

// BenchmarkSubmitApprove submits a claim that needs a manager and approves
// it, one claim per op, on the memory store.
func BenchmarkSubmitApprove(b *testing.B) {
	ctx := context.Background()
	clock := &ledgertest.Clock{}
	clock.Set("2026-11-20")
	l, err := ledger.New(ledger.Config{Store: memstore.New(), Clock: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Register(ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy()}); err != nil {
		b.Fatal(err)
	}
	partners := make([]string, 100)
	for i := range partners {
		partners[i] = fmt.Sprintf("P-%03d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		p := partners[i%len(partners)]
		// 60,000.00 x 2% = 1,200.00: needs a manager.
		d := ledgertest.Deal(fmt.Sprintf("D-%d", i), p, "60000.00", "2026-11-10")
		c, err := l.Submit(ctx, ledger.SubmitParams{Key: fmt.Sprint("k", i), Program: "spiff", Deal: d, Partner: ledgertest.Gold(p), Actor: "rep"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.Approve(ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

const (
	benchPartners = 10_000
	benchPerPart  = 100
)

var (
	bigOnce   sync.Once
	bigLedger *ledger.Ledger
	bigErr    error
)

// bigLedgerOf builds, once, a memory store with 10,000 partners x 100
// entries (1,000,000 entries of two postings each), committed 1,000
// entries at a time.
func bigLedgerOf(b *testing.B) *ledger.Ledger {
	bigOnce.Do(func() {
		ctx := context.Background()
		st := memstore.New()
		clock := &ledgertest.Clock{}
		clock.Set("2026-11-20")
		bigLedger, bigErr = ledger.New(ledger.Config{Store: st, Clock: clock.Now})
		if bigErr != nil {
			return
		}
		ref := incentive.ProgramRef{ID: "spiff", Version: 1, Hash: "spiff-v1"}
		amt := incentive.MustParseMoney("12.34", "USD")
		t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		batch := make([]ledger.Entry, 0, 1000)
		accounts := make([][2]ledger.Account, benchPartners)
		for p := range benchPartners {
			bk := ledger.Bucket{Partner: fmt.Sprintf("P-%05d", p), Payee: "partner", Program: "spiff"}
			accounts[p] = [2]ledger.Account{bk.Account(ledger.Accrued), bk.Account(ledger.Payable)}
		}
		n := 0
		for e := range benchPerPart {
			for p := range benchPartners {
				n++
				kind, from, to := ledger.EntryAccrual, ledger.ProgramBudget("spiff"), accounts[p][0]
				if e%2 == 1 {
					kind, from, to = ledger.EntryApproval, accounts[p][0], accounts[p][1]
				}
				batch = append(batch, ledger.Entry{ID: fmt.Sprint("e", n), Kind: kind, Time: t0, Effective: incentive.DateOf(t0),
					Program: ref, Partner: fmt.Sprintf("P-%05d", p), Payee: "partner", Actor: "bench",
					Postings: []ledger.Posting{{Account: from, Amount: amt.Neg(), Type: incentive.Spiff}, {Account: to, Amount: amt, Type: incentive.Spiff}}})
				if len(batch) == cap(batch) {
					if _, bigErr = st.Commit(ctx, ledger.CommitParams{Entries: batch}); bigErr != nil {
						return
					}
					batch = batch[:0]
				}
			}
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigLedger
}

// BenchmarkStatement10kPartners derives the statement of 10,000 partners
// with 100 entries each (1,000,000 entries) from the entries.
func BenchmarkStatement10kPartners(b *testing.B) {
	l := bigLedgerOf(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		st, err := l.Statement(ctx, ledger.StatementParams{})
		if err != nil {
			b.Fatal(err)
		}
		if len(st.Lines) != benchPartners {
			b.Fatalf("%d lines", len(st.Lines))
		}
	}
	b.ReportMetric(float64(benchPartners*benchPerPart)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkReplay1M verifies the chain of 1,000,000 entries, rebuilds
// every balance and compares it with the store's.
func BenchmarkReplay1M(b *testing.B) {
	l := bigLedgerOf(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		rep, err := l.Replay(ctx, ledger.ReplayParams{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Entries != benchPartners*benchPerPart {
			b.Fatalf("%d entries", rep.Entries)
		}
	}
	b.ReportMetric(float64(benchPartners*benchPerPart)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time (user + system, all threads) the process used so
// far (0 where it cannot be read): on a shared, loaded machine it measures
// the work better than the wall clock.
func cpuTime() time.Duration {
	d, _ := cputime.Process()
	return d
}
