package ledgertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 3, 9, 30, 0, 123456000, time.UTC)

func usd(s string) incentive.Money { return incentive.MustParseMoney(s, "USD") }
func eur(s string) incentive.Money { return incentive.MustParseMoney(s, "EUR") }

func date(s string) incentive.Date {
	d, err := incentive.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// move builds a balanced entry moving amt from one account to another.
func move(id string, from, to ledger.Account, amt incentive.Money, eff string) ledger.Entry {
	return ledger.Entry{
		ID: id, Kind: ledger.EntryBudget, Time: t0, Effective: date(eff), Actor: "tester",
		Program:  incentive.ProgramRef{ID: "p1", Version: 2, Hash: "abc"},
		Postings: []ledger.Posting{{Account: from, Amount: amt.Neg()}, {Account: to, Amount: amt}},
	}
}

// same compares two values by their JSON form, which normalises decimal
// exponents ("240.00" and "240.0" are the same amount) and time zones.
func same(t *testing.T, want, got any, msg ...any) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, string(w), string(g), msg...)
}

func balanceOf(t *testing.T, s ledger.Store, a ledger.Account, through string) map[incentive.Currency]string {
	t.Helper()
	p := ledger.BalancesParams{Prefix: a}
	if through != "" {
		p.Through = date(through)
	}
	bs, err := s.Balances(context.Background(), p)
	require.NoError(t, err)
	out := map[incentive.Currency]string{}
	for _, b := range bs {
		if b.Account == a {
			out[b.Amount.Currency()] = b.Amount.Amount().StringFixed(2)
		}
	}
	return out
}

func sampleClaim(id, key string) ledger.Claim {
	return ledger.Claim{
		ID: id, Kind: ledger.EarningClaim, Program: incentive.ProgramRef{ID: "p1", Version: 2, Hash: "abc"},
		Partner: "P-1", Payee: "partner", Deal: "D-" + id, DedupeKey: key, State: ledger.PendingApproval,
		Amount: usd("240.00"), Type: incentive.Spiff,
		Lines:       []ledger.ClaimLine{{Earning: "base", Type: incentive.Spiff, Amount: usd("240.00")}},
		SubmittedBy: "rep@p1", SubmittedAt: t0, CloseDate: date("2026-11-01"), ClaimBy: date("2026-12-31"),
		Exception: &ledger.Exception{Approver: "vp", Justification: "late CRM sync"},
		Steps:     []ledger.ApprovalStep{{Role: "manager"}, {Role: "finance", Approver: "cfo", By: "cfo", At: t0}},
		HoldUntil: date("2026-12-01"), Paid: usd("0"), ClawedBack: usd("0"),
		Fund: "F-1", Request: "R-1", ActualCost: usd("100.00"),
		Proof: []ledger.Document{{Name: "invoice.pdf", Ref: "s3://x"}},
		Input: []byte(`{"deal":"x"}`), Reason: "submitted",
	}
}

// RunStore checks the Store contract.
func RunStore(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	budget := ledger.ProgramBudget("p1")
	funding := ledger.ProgramFunding("p1")
	payable := ledger.Bucket{Partner: "P-1", Payee: "partner", Program: "p1"}.Account(ledger.Payable)

	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		h, err := s.Head(ctx, ledger.HeadParams{})
		require.NoError(t, err)
		assert.Equal(t, ledger.Head{}, h)
		es, err := s.Entries(ctx, ledger.EntriesParams{})
		require.NoError(t, err)
		assert.Empty(t, es)
		bs, err := s.Balances(ctx, ledger.BalancesParams{})
		require.NoError(t, err)
		assert.Empty(t, bs)
		_, err = s.Claim(ctx, ledger.ClaimParams{ID: "nope"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		_, err = s.Idempotency(ctx, ledger.IdempotencyParams{Key: "nope"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		_, err = s.Fund(ctx, ledger.FundParams{ID: "nope"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		_, err = s.FundRequest(ctx, ledger.FundRequestParams{ID: "nope"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		_, err = s.Batch(ctx, ledger.BatchParams{ID: "nope"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		cs, err := s.Claims(ctx, ledger.ClaimsParams{})
		require.NoError(t, err)
		assert.Empty(t, cs)
		evs, err := s.Events(ctx, ledger.EventsParams{})
		require.NoError(t, err)
		assert.Empty(t, evs)
	})

	t.Run("EntriesChainAndBalances", func(t *testing.T) {
		s := newStore(t)
		e1 := move("e1", funding, budget, usd("1000.00"), "2026-10-01")
		e2 := move("e2", budget, payable, usd("240.50"), "2026-11-03")
		e2.Kind, e2.Partner, e2.Payee, e2.Claim, e2.Reverses, e2.Reason = ledger.EntryApproval, "P-1", "partner", "C-1", "e1", "approved"
		e2.Postings[1].Type = incentive.Spiff
		e2.Pay = &incentive.Conversion{From: usd("240.50"), To: eur("221.26"),
			Rate: incentive.Rate{From: "USD", To: "EUR", Rate: decimal.RequireFromString("0.92"), AsOf: date("2026-11-03"), Source: "ecb"}}
		r1, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{e1}})
		require.NoError(t, err)
		require.Len(t, r1.Entries, 1)
		assert.Equal(t, int64(1), r1.Entries[0].Seq)
		assert.Equal(t, "", r1.Entries[0].PrevHash)
		assert.Equal(t, ledger.Head{Seq: 1, Hash: r1.Entries[0].Hash}, r1.Head)
		r2, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{e2, move("e3", budget, payable, usd("9.50"), "2026-11-04")}})
		require.NoError(t, err)
		require.Len(t, r2.Entries, 2)
		assert.Equal(t, r1.Head.Hash, r2.Entries[0].PrevHash)
		assert.Equal(t, int64(3), r2.Head.Seq)

		h, err := s.Head(ctx, ledger.HeadParams{})
		require.NoError(t, err)
		assert.Equal(t, r2.Head, h)

		es, err := s.Entries(ctx, ledger.EntriesParams{})
		require.NoError(t, err)
		require.Len(t, es, 3)
		end, err := ledger.VerifyChain(ledger.Head{}, es)
		require.NoError(t, err, "the chain read back must verify")
		assert.Equal(t, h, end)
		same(t, r2.Entries[0], es[1], "an entry reads back as committed")
		assert.True(t, es[1].Time.Equal(ledger.ChainTime(t0)))

		// Paging and filters.
		page, err := s.Entries(ctx, ledger.EntriesParams{AfterSeq: 1, Limit: 1})
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, "e2", page[0].ID)
		byClaim, err := s.Entries(ctx, ledger.EntriesParams{Claim: "C-1"})
		require.NoError(t, err)
		require.Len(t, byClaim, 1)
		assert.Equal(t, "e2", byClaim[0].ID)
		byPartner, err := s.Entries(ctx, ledger.EntriesParams{Partner: "P-1", Program: "p1"})
		require.NoError(t, err)
		assert.Len(t, byPartner, 1)

		// budget: +1000.00 - 240.50 - 9.50 = 750.00; payable 240.50 + 9.50 = 250.00
		assert.Equal(t, map[incentive.Currency]string{"USD": "750.00"}, balanceOf(t, s, budget, ""))
		assert.Equal(t, map[incentive.Currency]string{"USD": "250.00"}, balanceOf(t, s, payable, ""))
		assert.Equal(t, map[incentive.Currency]string{"USD": "-1000.00"}, balanceOf(t, s, funding, ""))
		// Through 2026-11-03 leaves out e3 (effective 11-04): 1000.00 - 240.50 = 759.50
		assert.Equal(t, map[incentive.Currency]string{"USD": "759.50"}, balanceOf(t, s, budget, "2026-11-03"))
		// Through 2026-10-31 only e1 counts.
		assert.Equal(t, map[incentive.Currency]string{}, balanceOf(t, s, payable, "2026-10-31"))
		// The prefix selects program accounts only, sorted.
		bs, err := s.Balances(ctx, ledger.BalancesParams{Prefix: "program/"})
		require.NoError(t, err)
		require.Len(t, bs, 2)
		assert.Equal(t, budget, bs[0].Account)
		assert.Equal(t, funding, bs[1].Account)
	})

	t.Run("ZeroSumAndCurrencies", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{
			move("u", funding, budget, usd("10.00"), "2026-10-01"),
			move("e", funding, budget, eur("7.00"), "2026-10-01"),
		}})
		require.NoError(t, err)
		assert.Equal(t, map[incentive.Currency]string{"USD": "10.00", "EUR": "7.00"}, balanceOf(t, s, budget, ""))
		bad := move("bad", funding, budget, usd("1.00"), "2026-10-01")
		bad.Postings[1].Amount = eur("1.00") // -1 USD, +1 EUR: unbalanced in each currency
		_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{bad}, Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-X", "")}}})
		assert.ErrorIs(t, err, ledger.ErrUnbalanced)
		_, err = s.Claim(ctx, ledger.ClaimParams{ID: "C-X"})
		assert.ErrorIs(t, err, ledger.ErrNotFound, "nothing of a failed commit is stored")
		assertZeroSum(t, s)
	})

	t.Run("Idempotency", func(t *testing.T) {
		s := newStore(t)
		rec := ledger.IdempotencyRecord{Key: "submit:1", RequestHash: "h1", Outcome: []byte(`{"claim":"C-1"}`), Time: t0}
		_, err := s.Commit(ctx, ledger.CommitParams{Idempotency: &rec,
			Entries: []ledger.Entry{move("e1", funding, budget, usd("5.00"), "2026-10-01")},
			Claims:  []ledger.ClaimWrite{{Claim: sampleClaim("C-1", "p1|D-1")}}})
		require.NoError(t, err)
		got, err := s.Idempotency(ctx, ledger.IdempotencyParams{Key: "submit:1"})
		require.NoError(t, err)
		same(t, rec, got)

		rec2 := ledger.IdempotencyRecord{Key: "submit:1", RequestHash: "h2", Outcome: []byte(`{}`), Time: t0}
		_, err = s.Commit(ctx, ledger.CommitParams{Idempotency: &rec2,
			Entries: []ledger.Entry{move("e2", funding, budget, usd("5.00"), "2026-10-01")},
			Claims:  []ledger.ClaimWrite{{Claim: sampleClaim("C-2", "p1|D-2")}}})
		require.ErrorIs(t, err, ledger.ErrKeyExists)
		var ke *ledger.KeyExistsError
		require.ErrorAs(t, err, &ke)
		assert.Equal(t, "h1", ke.Record.RequestHash, "the error carries the first request's record")
		assert.JSONEq(t, `{"claim":"C-1"}`, string(ke.Record.Outcome))
		// Nothing of the second commit is stored.
		h, _ := s.Head(ctx, ledger.HeadParams{})
		assert.Equal(t, int64(1), h.Seq)
		_, err = s.Claim(ctx, ledger.ClaimParams{ID: "C-2"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
	})

	t.Run("ClaimVersionsAndRoundTrip", func(t *testing.T) {
		s := newStore(t)
		c := sampleClaim("C-1", "p1|D-1")
		_, err := s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c}},
			Events: []ledger.Event{{Subject: "C-1", From: "", To: "pending_approval", Actor: "rep@p1", Time: t0, Reason: "submitted"}}})
		require.NoError(t, err)
		got, err := s.Claim(ctx, ledger.ClaimParams{ID: "C-1"})
		require.NoError(t, err)
		want := c
		want.Version = 1
		same(t, want, got, "a claim reads back field for field")

		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c}}})
		assert.ErrorIs(t, err, ledger.ErrConflict, "inserting an existing claim")
		c.State = ledger.Approved
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c, ExpectVersion: 2}}})
		assert.ErrorIs(t, err, ledger.ErrConflict, "a stale version")
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-9", ""), ExpectVersion: 1}}})
		assert.ErrorIs(t, err, ledger.ErrConflict, "updating a missing claim")
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c, ExpectVersion: 1}},
			Events: []ledger.Event{{Subject: "C-1", From: "pending_approval", To: "approved", Actor: "mgr", Time: t0.Add(time.Hour)}}})
		require.NoError(t, err)
		got, err = s.Claim(ctx, ledger.ClaimParams{ID: "C-1"})
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version)
		assert.Equal(t, ledger.Approved, got.State)

		evs, err := s.Events(ctx, ledger.EventsParams{Subject: "C-1"})
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, "pending_approval", evs[0].To)
		assert.Equal(t, "approved", evs[1].To)
		assert.Equal(t, "mgr", evs[1].Actor)
		assert.True(t, evs[1].Time.Equal(t0.Add(time.Hour)))
		none, err := s.Events(ctx, ledger.EventsParams{Subject: "C-404"})
		require.NoError(t, err)
		assert.Empty(t, none)
	})

	t.Run("DedupeKeys", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-1", "p1|D-1")}}})
		require.NoError(t, err)
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-2", "p1|D-1")}}})
		require.ErrorIs(t, err, ledger.ErrDuplicateClaim)
		var de *ledger.DuplicateClaimError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, "C-1", de.Existing)
		// Two claims with the same key in one commit.
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-3", "p1|D-3")}, {Claim: sampleClaim("C-4", "p1|D-3")}}})
		require.ErrorIs(t, err, ledger.ErrDuplicateClaim)
		_, err = s.Claim(ctx, ledger.ClaimParams{ID: "C-3"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		// Claims without a key never collide.
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-5", "")}, {Claim: sampleClaim("C-6", "")}}})
		require.NoError(t, err)
		// Releasing the key (rejected claim) lets another claim take it.
		c1 := sampleClaim("C-1", "")
		c1.State = ledger.Rejected
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c1, ExpectVersion: 1}}})
		require.NoError(t, err)
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-2", "p1|D-1")}}})
		require.NoError(t, err)
		// Releasing and taking the key in the same commit.
		c2 := sampleClaim("C-2", "")
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c2, ExpectVersion: 1}, {Claim: sampleClaim("C-7", "p1|D-1")}}})
		require.NoError(t, err)
		// Keeping one's own key on update is fine.
		c7 := sampleClaim("C-7", "p1|D-1")
		c7.State = ledger.Approved
		_, err = s.Commit(ctx, ledger.CommitParams{Claims: []ledger.ClaimWrite{{Claim: c7, ExpectVersion: 1}}})
		require.NoError(t, err)
	})

	t.Run("Guards", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("fund", funding, budget, usd("100.00"), "2026-10-01")}})
		require.NoError(t, err)
		g := []ledger.Guard{{Account: budget, Min: usd("0")}}
		_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("a", budget, payable, usd("60.00"), "2026-10-02")}, Guards: g})
		require.NoError(t, err)
		rec := ledger.IdempotencyRecord{Key: "k", RequestHash: "h"}
		// 100.00 - 60.00 - 40.01 = -0.01 < 0
		_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("b", budget, payable, usd("40.01"), "2026-10-02")}, Guards: g,
			Claims: []ledger.ClaimWrite{{Claim: sampleClaim("C-1", "k")}}, Idempotency: &rec,
			Events: []ledger.Event{{Subject: "C-1", To: "x", Time: t0}}})
		require.ErrorIs(t, err, ledger.ErrGuard)
		assert.ErrorIs(t, err, ledger.ErrBudgetExceeded)
		var ge *ledger.GuardError
		require.ErrorAs(t, err, &ge)
		assert.Equal(t, budget, ge.Account)
		assert.Equal(t, "-0.01", ge.Balance.Amount().StringFixed(2))
		// Nothing was stored.
		h, _ := s.Head(ctx, ledger.HeadParams{})
		assert.Equal(t, int64(2), h.Seq)
		_, err = s.Claim(ctx, ledger.ClaimParams{ID: "C-1"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		_, err = s.Idempotency(ctx, ledger.IdempotencyParams{Key: "k"})
		assert.ErrorIs(t, err, ledger.ErrNotFound)
		evs, _ := s.Events(ctx, ledger.EventsParams{})
		assert.Empty(t, evs)
		// Exactly to zero is allowed: 100.00 - 60.00 - 40.00 = 0
		_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("c", budget, payable, usd("40.00"), "2026-10-02")}, Guards: g})
		require.NoError(t, err)
		// A fund guard reports ErrFundExceeded; a guard in another currency
		// sees only that currency (no EUR at all: 0 - 1 < 0).
		fa := ledger.FundAccount("F-1", ledger.FundAvailable)
		_, err = s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("d", fa, payable, eur("1.00"), "2026-10-02")},
			Guards: []ledger.Guard{{Account: fa, Min: eur("0")}}})
		assert.ErrorIs(t, err, ledger.ErrFundExceeded)
		assertZeroSum(t, s)
	})

	t.Run("ConcurrentGuards", func(t *testing.T) {
		// 64 goroutines each try to take 3.00 from a budget of 100.00:
		// exactly 33 succeed (33 x 3.00 = 99.00; a 34th would leave -2.00),
		// 31 fail with ErrBudgetExceeded, and the chain stays whole.
		s := newStore(t)
		_, err := s.Commit(ctx, ledger.CommitParams{Entries: []ledger.Entry{move("fund", funding, budget, usd("100.00"), "2026-10-01")}})
		require.NoError(t, err)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, rejected := 0, 0
		var other []error
		for i := range 64 {
			wg.Go(func() {
				id := fmt.Sprintf("take-%02d", i)
				rec := ledger.IdempotencyRecord{Key: id, RequestHash: id}
				_, err := s.Commit(ctx, ledger.CommitParams{Idempotency: &rec,
					Entries: []ledger.Entry{move(id, budget, payable, usd("3.00"), "2026-10-02")},
					Guards:  []ledger.Guard{{Account: budget, Min: usd("0")}},
					Claims:  []ledger.ClaimWrite{{Claim: sampleClaim("C-"+id, "p1|"+id)}}})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ledger.ErrBudgetExceeded):
					rejected++
				default:
					other = append(other, err)
				}
			})
		}
		wg.Wait()
		require.Empty(t, other)
		assert.Equal(t, 33, ok)
		assert.Equal(t, 31, rejected)
		// 100.00 - 33 x 3.00 = 1.00
		assert.Equal(t, map[incentive.Currency]string{"USD": "1.00"}, balanceOf(t, s, budget, ""))
		es, err := s.Entries(ctx, ledger.EntriesParams{})
		require.NoError(t, err)
		assert.Len(t, es, 34)
		_, err = ledger.VerifyChain(ledger.Head{}, es)
		require.NoError(t, err)
		cs, err := s.Claims(ctx, ledger.ClaimsParams{})
		require.NoError(t, err)
		assert.Len(t, cs, 33, "a rejected commit stores no claim")
		assertZeroSum(t, s)
	})

	t.Run("ListFilters", func(t *testing.T) {
		s := newStore(t)
		a := sampleClaim("C-b", "")
		b := sampleClaim("C-a", "")
		b.Partner, b.State, b.Batch = "P-2", ledger.PaidState, "B-1"
		c := sampleClaim("C-c", "")
		c.Program.ID, c.Deal = "p2", "D-x"
		f1 := ledger.Fund{ID: "F-2", Program: incentive.ProgramRef{ID: "mdf", Version: 1, Hash: "h"}, Partner: "P-1", Payee: "partner",
			From: date("2026-10-01"), To: date("2026-12-31"), Allocated: usd("5000.00"), Share: decimal.RequireFromString("0.5"),
			ProofDays: 30, State: ledger.FundOpen}
		f2 := f1
		f2.ID, f2.Partner = "F-1", "P-2"
		r1 := ledger.FundRequest{ID: "R-1", Fund: "F-2", Partner: "P-1", Activity: "webinar", PlannedCost: usd("2000.00"),
			Approved: usd("1000.00"), ActivityEnd: date("2026-11-15"), ProofDue: date("2026-12-15"), State: ledger.RequestApproved, SubmittedBy: "p1"}
		r2 := r1
		r2.ID, r2.Fund, r2.Partner = "R-2", "F-1", "P-2"
		b1 := ledger.Batch{ID: "B-2", AsOf: date("2026-12-01"), State: ledger.BatchOpen, CreatedBy: "fin", CreatedAt: t0,
			Lines: []ledger.BatchLine{{Bucket: ledger.Bucket{Partner: "P-1", Payee: "partner", Program: "p1"}, Payable: usd("10.00"),
				Recovered: usd("0"), Net: usd("10.00"), Claims: []string{"C-b"}}},
			Blocked: []ledger.BlockedLine{{Bucket: ledger.Bucket{Partner: "P-3", Payee: "rep", Program: "p1"}, Amount: usd("5.00"), Reason: "below minimum"}}}
		b2 := b1
		b2.ID, b2.State, b2.PaidBy, b2.PaidAt = "B-1", ledger.BatchPaid, "fin2", t0.Add(time.Hour)
		_, err := s.Commit(ctx, ledger.CommitParams{
			Claims:       []ledger.ClaimWrite{{Claim: a}, {Claim: b}, {Claim: c}},
			Funds:        []ledger.FundWrite{{Fund: f1}, {Fund: f2}},
			FundRequests: []ledger.FundRequestWrite{{Request: r1}, {Request: r2}},
			Batches:      []ledger.BatchWrite{{Batch: b1}, {Batch: b2}},
		})
		require.NoError(t, err)
		ids := func(cs []ledger.Claim, err error) []string {
			require.NoError(t, err)
			out := []string{}
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		assert.Equal(t, []string{"C-a", "C-b", "C-c"}, ids(s.Claims(ctx, ledger.ClaimsParams{})), "sorted by ID")
		assert.Equal(t, []string{"C-a"}, ids(s.Claims(ctx, ledger.ClaimsParams{Partner: "P-2"})))
		assert.Equal(t, []string{"C-c"}, ids(s.Claims(ctx, ledger.ClaimsParams{Program: "p2"})))
		assert.Equal(t, []string{"C-c"}, ids(s.Claims(ctx, ledger.ClaimsParams{Deal: "D-x"})))
		assert.Equal(t, []string{"C-a"}, ids(s.Claims(ctx, ledger.ClaimsParams{Batch: "B-1"})))
		assert.Equal(t, []string{"C-a"}, ids(s.Claims(ctx, ledger.ClaimsParams{States: []ledger.State{ledger.PaidState, ledger.Expired}})))
		assert.Equal(t, []string{"C-b", "C-c"}, ids(s.Claims(ctx, ledger.ClaimsParams{States: []ledger.State{ledger.PendingApproval}})))

		fs, err := s.Funds(ctx, ledger.FundsParams{})
		require.NoError(t, err)
		require.Len(t, fs, 2)
		assert.Equal(t, "F-1", fs[0].ID)
		fs, err = s.Funds(ctx, ledger.FundsParams{Partner: "P-1", Program: "mdf"})
		require.NoError(t, err)
		require.Len(t, fs, 1)
		f1.Version = 1
		same(t, f1, fs[0])
		got, err := s.Fund(ctx, ledger.FundParams{ID: "F-2"})
		require.NoError(t, err)
		same(t, f1, got)

		rs, err := s.FundRequests(ctx, ledger.FundRequestsParams{Fund: "F-1"})
		require.NoError(t, err)
		require.Len(t, rs, 1)
		assert.Equal(t, "R-2", rs[0].ID)
		rs, err = s.FundRequests(ctx, ledger.FundRequestsParams{Partner: "P-1"})
		require.NoError(t, err)
		require.Len(t, rs, 1)
		r1.Version = 1
		same(t, r1, rs[0])
		gr, err := s.FundRequest(ctx, ledger.FundRequestParams{ID: "R-1"})
		require.NoError(t, err)
		same(t, r1, gr)

		bs, err := s.Batches(ctx, ledger.BatchesParams{})
		require.NoError(t, err)
		require.Len(t, bs, 2)
		assert.Equal(t, "B-1", bs[0].ID)
		bs, err = s.Batches(ctx, ledger.BatchesParams{States: []ledger.BatchState{ledger.BatchOpen}})
		require.NoError(t, err)
		require.Len(t, bs, 1)
		b1.Version = 1
		same(t, b1, bs[0])
		gb, err := s.Batch(ctx, ledger.BatchParams{ID: "B-1"})
		require.NoError(t, err)
		b2.Version = 1
		same(t, b2, gb)

		// Versions apply to funds, requests and batches as to claims.
		_, err = s.Commit(ctx, ledger.CommitParams{Funds: []ledger.FundWrite{{Fund: f1, ExpectVersion: 2}}})
		assert.ErrorIs(t, err, ledger.ErrConflict)
		_, err = s.Commit(ctx, ledger.CommitParams{FundRequests: []ledger.FundRequestWrite{{Request: r1}}})
		assert.ErrorIs(t, err, ledger.ErrConflict)
		_, err = s.Commit(ctx, ledger.CommitParams{Batches: []ledger.BatchWrite{{Batch: b1, ExpectVersion: 1}}})
		require.NoError(t, err)
		gb, err = s.Batch(ctx, ledger.BatchParams{ID: "B-2"})
		require.NoError(t, err)
		assert.Equal(t, int64(2), gb.Version)
	})

	t.Run("Cancelled", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Commit(cctx, ledger.CommitParams{Entries: []ledger.Entry{move("x", funding, budget, usd("1.00"), "2026-10-01")}})
		require.ErrorIs(t, err, context.Canceled)
		h, err := s.Head(ctx, ledger.HeadParams{})
		require.NoError(t, err)
		assert.Equal(t, int64(0), h.Seq)
	})
}

func assertZeroSum(t *testing.T, s ledger.Store) {
	t.Helper()
	bs, err := s.Balances(context.Background(), ledger.BalancesParams{})
	require.NoError(t, err)
	sums := map[incentive.Currency]decimal.Decimal{}
	for _, b := range bs {
		sums[b.Amount.Currency()] = sums[b.Amount.Currency()].Add(b.Amount.Amount())
	}
	for c, v := range sums {
		assert.True(t, v.IsZero(), "postings in %s sum to %s, not zero", c, v)
	}
}
