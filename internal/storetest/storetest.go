// Package storetest holds the store tests that need more than one OS
// process: the same test binary is re-executed as a child with an
// environment variable naming its role. A store's TestMain calls Child
// first; the tests call Contend.
package storetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment of a child process.
const (
	EnvRole   = "PARTNEROPS_STORETEST_ROLE"
	EnvDSN    = "PARTNEROPS_STORETEST_DSN"
	EnvWorker = "PARTNEROPS_STORETEST_WORKER"
)

// Open opens a store on dsn; close releases it.
type Open func(ctx context.Context, dsn string) (s ledger.Store, close func(), err error)

// Roles maps a child role to what it runs; Child adds "contend".
type Roles map[string]func(ctx context.Context, s ledger.Store) error

// Child runs the role named in the environment, if any, and exits: 0 on
// success, 1 (with the error on stderr) on failure. Call it first in
// TestMain.
func Child(open Open, roles Roles) {
	role := os.Getenv(EnvRole)
	if role == "" {
		return
	}
	ctx := context.Background()
	s, closeFn, err := open(ctx, os.Getenv(EnvDSN))
	if err == nil {
		fn := roles[role]
		if role == "contend" {
			fn = contendWorker
		}
		if fn == nil {
			err = fmt.Errorf("unknown role %q", role)
		} else {
			err = fn(ctx, s)
		}
		closeFn()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Start starts the test binary as a child in role on dsn; its stdout is
// returned for reading.
func Start(t *testing.T, role, dsn string, env ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), EnvRole+"="+role, EnvDSN+"="+dsn)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return cmd, bufio.NewReader(out)
}

// Scenario constants: a 2% SPIFF on deals of 5,000.00 earns 100.00 each
// (5,000.00 x 0.02); the budget of 1,000.00 funds exactly 10 of the 40
// deals (10 x 100.00 = 1,000.00; an 11th would leave -100.00).
const (
	deals      = 40
	dealAmount = "5000.00"
	budget     = "1000.00"
	fundedN    = 10
)

func newLedger(s ledger.Store, worker string) (*ledger.Ledger, error) {
	l, err := ledger.New(ledger.Config{Store: s,
		Clock: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) },
		NewID: func() func(string) string {
			n := 0
			return func(kind string) string { n++; return fmt.Sprintf("%s-w%s-%06d", kind, worker, n) }
		}(),
	})
	if err != nil {
		return nil, err
	}
	b := incentive.MustParseMoney(budget, "USD")
	// No policy: one manager approval per claim.
	return l, l.Register(context.Background(), ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: &b, Actor: "ops"})
}

// contendWorker submits every deal (the other worker submits the same
// deals under its own keys), approves every pending claim it sees, and
// runs and pays a payment batch, then does it all once more.
func contendWorker(ctx context.Context, s ledger.Store) error {
	w := os.Getenv(EnvWorker)
	l, err := newLedger(s, w)
	if err != nil {
		return err
	}
	for round := range 2 {
		for i := range deals {
			d := ledgertest.Deal(fmt.Sprintf("D-%02d", i), "P-"+strconv.Itoa(i%4), dealAmount, "2026-11-02")
			_, err := l.Submit(ctx, ledger.SubmitParams{Key: fmt.Sprintf("w%s:%d:%s", w, round, d.ID), Program: "spiff",
				Deal: d, Partner: ledgertest.Gold(d.PartnerID), Actor: "rep-" + w})
			var rej *ledger.RejectedError
			if err != nil && !errors.As(err, &rej) {
				return fmt.Errorf("submit %s: %w", d.ID, err)
			}
			if i%5 == 4 {
				if err := approveAll(ctx, l, w); err != nil {
					return err
				}
			}
		}
		if err := approveAll(ctx, l, w); err != nil {
			return err
		}
		batch := fmt.Sprintf("B-w%s-%d", w, round)
		if _, err := l.RunPayments(ctx, ledger.RunPaymentsParams{Batch: batch, AsOf: incentive.DateOf(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)), Actor: "fin-" + w}); err != nil {
			return fmt.Errorf("run payments %s: %w", batch, err)
		}
		if _, err := l.MarkPaid(ctx, ledger.MarkPaidParams{Batch: batch, Actor: "fin-" + w}); err != nil {
			return fmt.Errorf("mark %s paid: %w", batch, err)
		}
	}
	return nil
}

func approveAll(ctx context.Context, l *ledger.Ledger, w string) error {
	cs, err := l.Store().Claims(ctx, ledger.ClaimsParams{States: []ledger.State{ledger.PendingApproval}})
	if err != nil {
		return err
	}
	for _, c := range cs {
		_, err := l.Approve(ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mgr-" + w, Role: ledger.RoleManager})
		if err != nil && !errors.Is(err, ledger.ErrIllegalTransition) {
			return fmt.Errorf("approve %s: %w", c.ID, err)
		}
	}
	return nil
}

// Contend runs two worker processes against the store at dsn (already
// created by open) and checks the outcome: the budget never overrun,
// exactly the 10 funded claims paid once each, no deal paid twice, the
// postings summing to zero, the chain whole and the replay agreeing.
func Contend(t *testing.T, dsn string, open Open) {
	ctx := context.Background()
	var cmds []*exec.Cmd
	for w := range 2 {
		cmd, out := Start(t, "contend", dsn, EnvWorker+"="+strconv.Itoa(w))
		go io.Copy(io.Discard, out)
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		require.NoError(t, cmd.Wait(), "worker %d", i)
	}
	s, closeFn, err := open(ctx, dsn)
	require.NoError(t, err)
	defer closeFn()
	l, err := newLedger(s, "check")
	require.NoError(t, err)

	cs, err := s.Claims(ctx, ledger.ClaimsParams{})
	require.NoError(t, err)
	paidByDeal := map[string]int{}
	live := 0
	paidSum := decimal.Zero
	for _, c := range cs {
		if c.State != ledger.Rejected {
			live++
		}
		if c.State == ledger.PaidState {
			paidByDeal[c.Deal]++
			paidSum = paidSum.Add(c.Paid.Amount())
			assert.Equal(t, "100.00", c.Paid.Amount().StringFixed(2), "claim %s paid its amount (5,000.00 x 0.02)", c.ID)
		}
	}
	assert.Equal(t, fundedN, live, "exactly the claims the budget funds were accepted")
	assert.Len(t, paidByDeal, fundedN, "every accepted claim was paid")
	for d, n := range paidByDeal {
		assert.Equal(t, 1, n, "deal %s paid once", d)
	}
	// 10 x 100.00 = 1,000.00 paid; the budget is used up exactly.
	assert.Equal(t, "1000.00", paidSum.StringFixed(2))
	bs, err := s.Balances(ctx, ledger.BalancesParams{})
	require.NoError(t, err)
	sum := decimal.Zero
	for _, b := range bs {
		sum = sum.Add(b.Amount.Amount())
		if b.Account == ledger.ProgramBudget("spiff") {
			assert.False(t, b.Amount.IsNegative(), "budget overrun: %s", b.Amount)
			assert.Equal(t, "0.00", b.Amount.Amount().StringFixed(2), "1,000.00 - 10 x 100.00")
		}
	}
	assert.True(t, sum.IsZero(), "postings sum to %s, not zero", sum)
	// Each claim sits in exactly one batch line.
	batches, err := s.Batches(ctx, ledger.BatchesParams{})
	require.NoError(t, err)
	inBatch := map[string]int{}
	for _, b := range batches {
		assert.Equal(t, ledger.BatchPaid, b.State, "batch %s", b.ID)
		for _, ln := range b.Lines {
			for _, c := range ln.Claims {
				inBatch[c]++
			}
		}
	}
	assert.Len(t, inBatch, fundedN)
	for c, n := range inBatch {
		assert.Equal(t, 1, n, "claim %s in one batch", c)
	}
	rep, err := l.Replay(ctx, ledger.ReplayParams{})
	require.NoError(t, err)
	assert.Empty(t, rep.Mismatches)
}
