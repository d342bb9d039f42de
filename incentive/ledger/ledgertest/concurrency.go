package ledgertest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// concurrency runs 64 goroutines submitting, approving and paying claims
// against one program whose budget binds, and requesting MDF funds from one
// fund that binds.
func concurrency(t *testing.T, newStore NewStore) {
	const workers = 64
	h := NewHarness(t, newStore, ledger.Config{})
	h.Clock.Set("2026-11-20")
	budget := incentive.MustParseMoney("5000.00", "USD")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Budget: &budget, Actor: "ops"}))
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: MDFProgram(), Actor: "ops"}))
	Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F", Program: "mdf", Partner: "P-M", From: date("2026-10-01"),
		To: date("2026-12-31"), Amount: incentive.MustParseMoney("3000.00", "USD"), Share: decimalOf("0.5"), ProofDays: 30, Actor: "ops"}))(t)

	// Deal k is submitted by goroutines 2k and 2k+1 under different keys.
	// Every fourth deal is 60,000.00 (SPIFF 1,200.00, needs a manager), the
	// others 10,000.00 (200.00, auto-approved). Demand: 8 x 1,200.00 +
	// 24 x 200.00 = 14,400.00 against a budget of 5,000.00.
	amount := func(k int) (string, string) {
		if k%4 == 0 {
			return "60000.00", "1200.00"
		}
		return "10000.00", "200.00"
	}
	var mu sync.Mutex
	accepted := map[string]decimal.Decimal{} // claim -> amount
	budgetRejected := []decimal.Decimal{}
	dupRejected, fundOK, fundExceeded := 0, 0, 0
	var unexpected []error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		unexpected = append(unexpected, err)
	}
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			k := i / 2
			dealAmt, _ := amount(k)
			d := Deal(fmt.Sprintf("D-%02d", k), fmt.Sprintf("P-%d", k%5), dealAmt, "2026-11-10")
			p := ledger.SubmitParams{Key: fmt.Sprintf("k-%02d", i), Program: "spiff", Deal: d, Partner: Gold(d.PartnerID), Actor: "rep"}
			c, err := h.Ledger.Submit(h.Ctx, p)
			// A retry of the same submission returns the same outcome.
			c2, err2 := h.Ledger.Submit(h.Ctx, p)
			if c2.ID != c.ID || (err == nil) != (err2 == nil) {
				fail(fmt.Errorf("retry of %s: %v/%v then %v/%v", p.Key, c.ID, err, c2.ID, err2))
			}
			mu.Lock()
			switch {
			case err == nil:
				accepted[c.ID] = c.Amount.Amount()
			case errors.Is(err, ledger.ErrBudgetExceeded):
				budgetRejected = append(budgetRejected, c.Amount.Amount())
			case errors.Is(err, ledger.ErrDuplicateClaim):
				dupRejected++
			default:
				unexpected = append(unexpected, err)
			}
			mu.Unlock()
			if err == nil && c.State == ledger.PendingApproval {
				if _, err := h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}); err != nil {
					fail(err)
				}
			}
			// 64 requests of 200.00 x 50% = 100.00 against 3,000.00: exactly 30 fit.
			rid := fmt.Sprintf("R-%02d", i)
			if _, err := h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: rid, Fund: "F", Activity: "a", PlannedCost: incentive.MustParseMoney("200.00", "USD"),
				ActivityEnd: date("2026-11-30"), Actor: "partner"}); err != nil {
				fail(err)
			}
			_, err = h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: rid, Actor: "mia"})
			mu.Lock()
			switch {
			case err == nil:
				fundOK++
			case errors.Is(err, ledger.ErrFundExceeded):
				fundExceeded++
			default:
				unexpected = append(unexpected, err)
			}
			mu.Unlock()
			if i%16 == 0 {
				b := fmt.Sprintf("B-%02d", i)
				if _, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: b, AsOf: date("2026-11-20"), Actor: "fin"}); err != nil {
					fail(err)
				} else if _, err := h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: b, Actor: "fin"}); err != nil {
					fail(err)
				}
			}
		})
	}
	wg.Wait()
	require.Empty(t, unexpected)
	Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-final", AsOf: date("2026-11-20"), Actor: "fin"}))(t)
	Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-final", Actor: "fin"}))(t)
	h.ZeroSum()

	// Every submission is accounted for.
	assert.Equal(t, workers, len(accepted)+len(budgetRejected)+dupRejected)
	claims := Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Program: "spiff"}))(t)
	assert.Len(t, claims, workers, "every submission, accepted or rejected, is a stored claim")

	// The budget is never exceeded, and every budget rejection was right:
	// what remains is less than each rejected amount.
	committed := decimal.Zero
	for _, a := range accepted {
		committed = committed.Add(a)
	}
	assert.True(t, committed.LessThanOrEqual(budget.Amount()), "committed %s of %s", committed, budget)
	remaining, _ := decimal.NewFromString(h.Balance(ledger.ProgramBudget("spiff")))
	assert.True(t, remaining.Equal(budget.Amount().Sub(committed)), "remaining %s", remaining)
	assert.True(t, remaining.Sign() >= 0)
	for _, r := range budgetRejected {
		assert.True(t, remaining.LessThan(r), "a claim of %s was rejected with %s remaining", r, remaining)
	}

	// No deal is paid twice, and everything accepted is paid exactly once.
	paidPerDeal := map[string]int{}
	paidTotal := decimal.Zero
	for _, c := range claims {
		if c.State == ledger.PaidState {
			paidPerDeal[c.Deal]++
			paidTotal = paidTotal.Add(c.Paid.Amount())
		}
	}
	for d, n := range paidPerDeal {
		assert.Equal(t, 1, n, "deal %s paid %d times", d, n)
	}
	assert.Len(t, paidPerDeal, len(accepted))
	assert.True(t, paidTotal.Equal(committed), "paid %s, committed %s", paidTotal, committed)
	inBatches := map[string]int{}
	for _, b := range Must(h.Store.Batches(h.Ctx, ledger.BatchesParams{}))(t) {
		for _, ln := range b.Lines {
			for _, id := range ln.Claims {
				inBatches[id]++
			}
		}
	}
	for id := range accepted {
		assert.Equal(t, 1, inBatches[id], "claim %s in %d batches", id, inBatches[id])
	}
	paid := decimal.Zero
	for _, bl := range Must(h.Store.Balances(h.Ctx, ledger.BalancesParams{Prefix: "partner/"}))(t) {
		if info, _ := bl.Account.Parse(); info.Kind == string(ledger.Paid) {
			paid = paid.Add(bl.Amount.Amount())
		}
	}
	assert.True(t, paid.Equal(committed), "paid accounts hold %s", paid)

	// The fund is never exceeded: exactly 30 x 100.00 reserved.
	assert.Equal(t, 30, fundOK)
	assert.Equal(t, workers-30, fundExceeded)
	assert.Equal(t, "0.00", h.Balance(ledger.FundAccount("F", ledger.FundAvailable)))
	assert.Equal(t, "3000.00", h.Balance(ledger.FundAccount("F", ledger.FundReserved)))
}
