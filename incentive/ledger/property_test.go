package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/memstore"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// model is the simplest account of the rules the ledger implements: a
// budget, claims with a state and amount, and per bucket what is payable,
// withheld, paid and clawed back.
type model struct {
	remaining decimal.Decimal
	claims    map[string]*mclaim
	order     []string
	active    map[string]string // deal -> claim holding it
	buckets   map[string]*mbucket
}

type mclaim struct {
	deal, bucket string
	state        ledger.State
	amount, paid decimal.Decimal
	clawed       decimal.Decimal
}

type mbucket struct{ payable, withheld, paid, clawed decimal.Decimal }

func (m *model) bucket(b string) *mbucket {
	if m.buckets[b] == nil {
		m.buckets[b] = &mbucket{}
	}
	return m.buckets[b]
}

var (
	dec      = decimal.RequireFromString
	capDeal  = dec("2500")
	minPay   = dec("50")
	rateSpif = dec("0.02")
)

func TestLedgerMatchesModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		clock := &ledgertest.Clock{}
		clock.Set("2026-11-20")
		store := memstore.New()
		l, err := ledger.New(ledger.Config{Store: store, Clock: clock.Now})
		if err != nil {
			rt.Fatal(err)
		}
		prog := ledgertest.SpiffProgram()
		prog.MinPayout = minPay
		budget := incentive.MustParseMoney("3000.00", "USD")
		if err := l.Register(ctx, ledger.RegisterParams{Program: prog, Policy: ledgertest.SpiffPolicy(), Budget: &budget}); err != nil {
			rt.Fatal(err)
		}
		m := &model{remaining: dec("3000"), claims: map[string]*mclaim{}, active: map[string]string{}, buckets: map[string]*mbucket{}}
		keys, batches := 0, 0
		pick := func(label string, states ...ledger.State) (string, bool) {
			var ids []string
			for _, id := range m.order {
				for _, s := range states {
					if m.claims[id].state == s {
						ids = append(ids, id)
					}
				}
			}
			if len(ids) == 0 {
				return "", false
			}
			return rapid.SampledFrom(ids).Draw(rt, label), true
		}
		rt.Repeat(map[string]func(*rapid.T){
			"submit": func(rt *rapid.T) {
				k := rapid.IntRange(0, 7).Draw(rt, "deal")
				p := fmt.Sprintf("P-%d", k%3)
				amount := decimal.NewFromInt(int64(rapid.IntRange(2, 300).Draw(rt, "amount")) * 500)
				keys++
				d := ledgertest.Deal(fmt.Sprintf("D-%d", k), p, amount.StringFixed(2), "2026-11-10")
				c, err := l.Submit(ctx, ledger.SubmitParams{Key: fmt.Sprint("k", keys), Program: "spiff", Deal: d, Partner: ledgertest.Gold(p), Actor: "rep"})
				spiff := decimal.Min(amount.Mul(rateSpif), capDeal)
				switch {
				case m.active[d.ID] != "":
					if !errors.Is(err, ledger.ErrDuplicateClaim) {
						rt.Fatalf("deal %s is claimed by %s: want a duplicate, got %v", d.ID, m.active[d.ID], err)
					}
				case spiff.GreaterThan(m.remaining):
					if !errors.Is(err, ledger.ErrBudgetExceeded) {
						rt.Fatalf("claim of %s with %s remaining: want budget exceeded, got %v", spiff, m.remaining, err)
					}
				default:
					if err != nil {
						rt.Fatalf("submit: %v", err)
					}
					st := ledger.PayableState
					if spiff.GreaterThanOrEqual(dec("1000")) {
						st = ledger.PendingApproval
					} else {
						m.bucket(p).payable = m.bucket(p).payable.Add(spiff)
					}
					m.claims[c.ID] = &mclaim{deal: d.ID, bucket: p, state: st, amount: spiff}
					m.order = append(m.order, c.ID)
					m.active[d.ID] = c.ID
					m.remaining = m.remaining.Sub(spiff)
				}
			},
			"approve": func(rt *rapid.T) {
				id, ok := pick("approve", ledger.PendingApproval)
				if !ok {
					rt.Skip("nothing pending")
				}
				if _, err := l.Approve(ctx, ledger.ApproveParams{Claim: id, Actor: "mia", Role: ledger.RoleManager}); err != nil {
					rt.Fatal(err)
				}
				c := m.claims[id]
				c.state = ledger.PayableState
				m.bucket(c.bucket).payable = m.bucket(c.bucket).payable.Add(c.amount)
			},
			"reject": func(rt *rapid.T) {
				id, ok := pick("reject", ledger.PendingApproval)
				if !ok {
					rt.Skip("nothing pending")
				}
				if _, err := l.Reject(ctx, ledger.DecideParams{Claim: id, Actor: "mia", Reason: "no"}); err != nil {
					rt.Fatal(err)
				}
				c := m.claims[id]
				c.state = ledger.Rejected
				delete(m.active, c.deal)
				m.remaining = m.remaining.Add(c.amount)
			},
			"clawback": func(rt *rapid.T) {
				id, ok := pick("clawback", ledger.PendingApproval, ledger.PayableState, ledger.PaidState, ledger.ClawedBackState)
				if !ok {
					rt.Skip("nothing to claw back")
				}
				asked := decimal.NewFromInt(int64(rapid.IntRange(1, 3000).Draw(rt, "asked")))
				a := incentive.NewMoney(asked, "USD")
				_, err := l.ClawBack(ctx, ledger.ClawBackParams{Claim: id, Amount: &a, Actor: "ops", Reason: "refund"})
				c := m.claims[id]
				b := m.bucket(c.bucket)
				open := c.paid.Sub(c.clawed)
				switch {
				case c.state == ledger.PendingApproval || c.state == ledger.PayableState:
					if err != nil {
						rt.Fatal(err)
					}
					if c.state == ledger.PayableState {
						b.payable = b.payable.Sub(c.amount)
					}
					m.remaining = m.remaining.Add(c.amount)
					c.state = ledger.ClawedBackState
				case open.Sign() > 0:
					if err != nil {
						rt.Fatal(err)
					}
					take := decimal.Min(asked, open)
					c.clawed = c.clawed.Add(take)
					b.withheld = b.withheld.Sub(take)
					b.clawed = b.clawed.Add(take)
					c.state = ledger.ClawedBackState
				default:
					if !errors.Is(err, ledger.ErrIllegalTransition) {
						rt.Fatalf("clawback of %s (%s, nothing open): want illegal transition, got %v", id, c.state, err)
					}
				}
			},
			"pay": func(rt *rapid.T) {
				batches++
				id := fmt.Sprint("B-", batches)
				if _, err := l.RunPayments(ctx, ledger.RunPaymentsParams{Batch: id, AsOf: incentive.DateOf(clock.Now()), Actor: "fin"}); err != nil {
					rt.Fatal(err)
				}
				if _, err := l.MarkPaid(ctx, ledger.MarkPaidParams{Batch: id, Actor: "fin"}); err != nil {
					rt.Fatal(err)
				}
				for p, b := range m.buckets {
					if b.payable.Sign() <= 0 {
						continue
					}
					recovered := decimal.Max(decimal.Zero, decimal.Min(b.payable, b.withheld.Neg()))
					net := b.payable.Sub(recovered)
					if net.Sign() > 0 && net.LessThan(minPay) {
						continue // carried over
					}
					b.payable, b.withheld, b.paid = decimal.Zero, b.withheld.Add(recovered), b.paid.Add(net)
					for _, c := range m.claims {
						if c.bucket == p && c.state == ledger.PayableState {
							c.state, c.paid = ledger.PaidState, c.amount
						}
					}
				}
			},
			"": func(rt *rapid.T) {
				// After every operation the ledger and the model agree.
				got := map[ledger.Account]decimal.Decimal{}
				bs, err := store.Balances(ctx, ledger.BalancesParams{})
				if err != nil {
					rt.Fatal(err)
				}
				sum := decimal.Zero
				for _, b := range bs {
					got[b.Account] = b.Amount.Amount()
					sum = sum.Add(b.Amount.Amount())
				}
				if !sum.IsZero() {
					rt.Fatalf("postings sum to %s", sum)
				}
				if !got[ledger.ProgramBudget("spiff")].Equal(m.remaining) {
					rt.Fatalf("budget %s, model %s", got[ledger.ProgramBudget("spiff")], m.remaining)
				}
				for p, mb := range m.buckets {
					b := ledger.Bucket{Partner: p, Payee: "partner", Program: "spiff"}
					for k, want := range map[ledger.BucketKind]decimal.Decimal{ledger.Payable: mb.payable, ledger.Withheld: mb.withheld,
						ledger.Paid: mb.paid, ledger.ClawedBack: mb.clawed} {
						if !got[b.Account(k)].Equal(want) {
							rt.Fatalf("%s: %s, model %s", b.Account(k), got[b.Account(k)], want)
						}
					}
				}
				for id, mc := range m.claims {
					c, err := store.Claim(ctx, ledger.ClaimParams{ID: id})
					if err != nil {
						rt.Fatal(err)
					}
					if c.State != mc.state {
						rt.Fatalf("claim %s is %s, model %s", id, c.State, mc.state)
					}
				}
			},
		})
	})
}
