package ledgertest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// Clock is a settable clock for tests, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock to noon UTC of a YYYY-MM-DD day.
func (c *Clock) Set(day string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = date(day).In(time.UTC).Add(12 * time.Hour)
}

// Harness is a Ledger on a fresh store with a settable clock.
type Harness struct {
	T      *testing.T
	Ctx    context.Context
	Store  ledger.Store
	Ledger *ledger.Ledger
	Clock  *Clock
}

// NewHarness builds a Ledger on a store from newStore; cfg's Store and
// Clock are filled in.
func NewHarness(t *testing.T, newStore NewStore, cfg ledger.Config) *Harness {
	h := &Harness{T: t, Ctx: context.Background(), Store: newStore(t), Clock: &Clock{}}
	h.Clock.Set("2026-10-01")
	cfg.Store, cfg.Clock = h.Store, h.Clock.Now
	l, err := ledger.New(cfg)
	require.NoError(t, err)
	h.Ledger = l
	return h
}

// Balance returns an account's USD balance as fixed two-place text.
func (h *Harness) Balance(a ledger.Account) string {
	h.T.Helper()
	bs, err := h.Store.Balances(h.Ctx, ledger.BalancesParams{Prefix: a})
	require.NoError(h.T, err)
	for _, b := range bs {
		if b.Account == a {
			return b.Amount.Amount().StringFixed(2)
		}
	}
	return "0.00"
}

// ZeroSum fails the test unless all postings sum to zero per currency and
// the chain verifies.
func (h *Harness) ZeroSum() {
	h.T.Helper()
	assertZeroSum(h.T, h.Store)
	es, err := h.Store.Entries(h.Ctx, ledger.EntriesParams{})
	require.NoError(h.T, err)
	_, err = ledger.VerifyChain(ledger.Head{}, es)
	require.NoError(h.T, err)
}

// SpiffProgram pays a SPIFF of 2% of the deal amount to gold and platinum
// partners for deals closing in Q4 2026, claimable for 60 days after the
// close date, capped at 2,500.00 per deal.
func SpiffProgram() *incentive.Program {
	return &incentive.Program{
		ID: "spiff", Name: "Q4 SPIFF", Version: 1, Hash: "spiff-v1", Currency: "USD",
		Effective: incentive.Window{From: date("2026-10-01"), To: date("2026-12-31")},
		Claims:    incentive.ClaimWindow{Days: 60},
		Eligibility: []incentive.Clause{{Name: "gold or platinum partner",
			When: incentive.In(incentive.PathPartnerTier, "gold", "platinum")}},
		Earnings: []incentive.Earning{{ID: "base", Type: incentive.Spiff,
			Amount: incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.02"))}},
		Caps: []incentive.Cap{{Scope: incentive.CapDeal, Limit: decimal.RequireFromString("2500")}},
	}
}

// SpiffPolicy auto-approves claims below 1,000.00, needs a manager from
// 1,000.00 and a manager then finance from 5,000.00.
func SpiffPolicy() *ledger.ApprovalPolicy {
	return &ledger.ApprovalPolicy{
		Program: "spiff",
		Rules: []ledger.ApprovalRule{
			{From: decimal.Zero},
			{From: decimal.RequireFromString("1000"), Roles: []string{ledger.RoleManager}},
			{From: decimal.RequireFromString("5000"), Roles: []string{ledger.RoleManager, ledger.RoleFinance}},
		},
		Approvers: map[string][]string{ledger.RoleFinance: {"fin"}},
	}
}

// Deal is a deal of the given partner closing at noon UTC on day.
func Deal(id, partnerID, amount, day string) incentive.Deal {
	return incentive.Deal{ID: id, PartnerID: partnerID, CloseDate: date(day).In(time.UTC).Add(12 * time.Hour),
		Amount: incentive.MustParseMoney(amount, "USD"), Type: incentive.NewBusiness}
}

// Gold is a gold partner.
func Gold(id string) partner.Partner {
	return partner.Partner{ID: id, Name: "Partner " + id, Tier: "gold"}
}

// Submit submits a deal's claim under program with key "k:<deal>" as
// actor "rep".
func (h *Harness) Submit(program string, d incentive.Deal, p partner.Partner) (ledger.Claim, error) {
	return h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k:" + d.ID, Program: program, Deal: d, Partner: p, Actor: "rep"})
}

// Must returns a function that fails the test on err and returns v:
// Must(store.Claim(ctx, p))(t).
func Must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

func bucketOf(partnerID, program string) ledger.Bucket {
	return ledger.Bucket{Partner: partnerID, Payee: incentive.PayeePartner, Program: program}
}

var _ = fmt.Sprint

func decimalOf(s string) decimal.Decimal { return decimal.RequireFromString(s) }
