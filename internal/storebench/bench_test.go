package storebench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/memstore"
	"github.com/partnerops/partnerops/incentive/ledger/pgstore"
	"github.com/partnerops/partnerops/incentive/ledger/sqlitestore"
	"github.com/partnerops/partnerops/internal/pgtest"
)

type backend struct {
	name string
	open func(b *testing.B) ledger.Store
}

func backends() []backend {
	bs := []backend{
		{"memory", func(*testing.B) ledger.Store { return memstore.New() }},
		{"sqlite", func(b *testing.B) ledger.Store {
			s, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "ledger.db"), sqlitestore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
	}
	if os.Getenv(pgtest.EnvURL) != "" {
		bs = append(bs, backend{"postgres", func(b *testing.B) ledger.Store {
			_, u := pgtest.Schema(b)
			s, err := pgstore.Open(context.Background(), u)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(s.Close)
			return s
		}})
	}
	return bs
}

var day = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// newLedger registers the 2% SPIFF with a budget far above what the
// benchmark claims and one manager approval per claim.
func newLedger(b *testing.B, s ledger.Store) *ledger.Ledger {
	l, err := ledger.New(ledger.Config{Store: s, Clock: func() time.Time { return day }})
	if err != nil {
		b.Fatal(err)
	}
	budget := incentive.MustParseMoney("1000000000.00", "USD")
	if err := l.Register(context.Background(), ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: &budget, Actor: "ops"}); err != nil {
		b.Fatal(err)
	}
	return l
}

// submitApprove submits deal i (100 partners) and approves its claim.
func submitApprove(b *testing.B, l *ledger.Ledger, i int) {
	ctx := context.Background()
	d := ledgertest.Deal(fmt.Sprintf("D-%07d", i), fmt.Sprintf("P-%03d", i%100), "5000.00", "2026-11-02")
	c, err := l.Submit(ctx, ledger.SubmitParams{Key: "k:" + d.ID, Program: "spiff", Deal: d, Partner: ledgertest.Gold(d.PartnerID), Actor: "rep"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.Approve(ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mgr", Role: ledger.RoleManager}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSubmitApprove: one op is one claim submitted and approved (two
// transactions); claims/s is reported.
func BenchmarkSubmitApprove(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			l := newLedger(b, be.open(b))
			b.ResetTimer()
			for i := range b.N {
				submitApprove(b, l, i)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "claims/s")
		})
	}
}

// BenchmarkPaymentRun10k: one op is a payment run over 10,000 payable
// claims of 100 partners and marking the batch paid.
func BenchmarkPaymentRun10k(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("PARTNEROPS_BENCH_CLAIMS")); err == nil && v > 0 {
		n = v // for profiling a smaller run
	}
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			for i := range b.N {
				b.StopTimer()
				l := newLedger(b, be.open(b))
				for j := range n {
					submitApprove(b, l, j)
				}
				b.StartTimer()
				bt, err := l.RunPayments(context.Background(), ledger.RunPaymentsParams{Batch: fmt.Sprintf("B-%d", i), AsOf: incentive.DateOf(day), Actor: "fin"})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := l.MarkPaid(context.Background(), ledger.MarkPaidParams{Batch: bt.ID, Actor: "fin"}); err != nil {
					b.Fatal(err)
				}
				claims := 0
				for _, ln := range bt.Lines {
					claims += len(ln.Claims)
				}
				if claims != n {
					b.Fatalf("batch pays %d claims, want %d", claims, n)
				}
			}
		})
	}
}
