package ledger_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/rules"
)

// partnerPrior counts a rejected claim of an eligible deal in the later
// deals' period volume, for the rejections Submit makes (late, over the
// budget or a cap, earning nothing: the deal was sold, a run counts it).
// It read every rejected claim whose reason was not "not eligible" or a
// duplicate, so a claim an approver rejected ("customer never signed")
// lifted the partner's quarter into the 2% band for later deals, where a
// withdrawn or expired pending claim counts nothing, and where before the
// change an approver's rejection counted nothing either.
func TestReviewRledger9ApproverRejectionCountsNothing(t *testing.T) {
	f, err := rules.Compile("vol.yaml", []byte(rlead8VolumeProgram))
	require.NoError(t, err)
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	// The zero policy: every claim needs a manager's approval.
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: f.Programs[0], Policy: &ledger.ApprovalPolicy{}, Actor: "ops"}))
	deal := func(id, amount, day string) incentive.Deal {
		d := ledgertest.Deal(id, "P-1", amount, day)
		d.Type = incentive.NewBusiness
		return d
	}
	h.Clock.Set("2026-10-05")
	c1 := ledgertest.Must(h.Submit("vol", deal("D-1", "90000.00", "2026-10-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.PendingApproval, c1.State)
	ledgertest.Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c1.ID, Actor: "mgr", Reason: "customer never signed"}))(t)
	h.Clock.Set("2026-11-21")
	c2 := ledgertest.Must(h.Submit("vol", deal("D-2", "30000.00", "2026-11-20"), ledgertest.Gold("P-1")))(t)
	// D-1 counts nothing: 30,000.00 x 1% = 300.00 (with D-1's 90,000.00
	// it would be 10,000.00 x 1% + 20,000.00 x 2% = 500.00).
	assert.Equal(t, "300.00", c2.Amount.Amount().StringFixed(2))
	h.ZeroSum()
}

const rledger9ExpiryUsesCaps = `apiVersion: partnerops/v1
kind: Program
id: euc
name: Expiry that uses the caps
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
claims: {window: 30d, expired_uses_caps: true}
earnings:
  - id: base
    type: spiff
    amount: deal.amount * 0.10
caps:
  per_partner: 150
`

// A program with claims: {expired_uses_caps: true} says an expired
// earning uses up the partner cap as if it had been paid (rules/doc.go's
// "a late claim uses up the cap": run pays D-2 50.00). The ledger rejects
// the late claim and counted it, since ef38b98, in the period volume only,
// "an expired earning takes no cap room": D-2 accrued the whole 100.00.
func TestReviewRledger9ExpiredUsesCaps(t *testing.T) {
	f, err := rules.Compile("euc.yaml", []byte(rledger9ExpiryUsesCaps))
	require.NoError(t, err)
	p := f.Programs[0]
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-04-15")
	deals := []incentive.Deal{
		ledgertest.Deal("D-1", "P-1", "1000.00", "2026-03-01"), // claim by 2026-03-31: late
		ledgertest.Deal("D-2", "P-1", "1000.00", "2026-04-01"),
	}
	_, err = h.Submit("euc", deals[0], ledgertest.Gold("P-1"))
	assert.ErrorIs(t, err, ledger.ErrClaimWindow)
	c := ledgertest.Must(h.Submit("euc", deals[1], ledgertest.Gold("P-1")))(t)
	// D-1's expired 1,000.00 x 10% = 100.00 uses 100.00 of the 150.00
	// cap: D-2's 100.00 is cut to 150.00 - 100.00 = 50.00.
	assert.Equal(t, "50.00", c.Amount.Amount().StringFixed(2))

	assert.Equal(t, "50.00", runGold(t, h, p, deals, nil)["D-2"].Total.Amount().StringFixed(2), "run")
	h.ZeroSum()
}

// The same for a budget and for a partner cap of another period than the
// program's: they start from their account balances, which a rejected
// late claim never drew from, so under expired_uses_caps the ledger paid
// what run's caps cut. Each program pays 10% of the deal amount, claims
// within 30 days, expired_uses_caps: true; as of 2026-04-15 D-1 (closed
// 2026-03-01, claim by 2026-03-31) is late and would pay 1,000.00 x 10% =
// 100.00.
func TestReviewRledger9ExpiredUsesBudgetAndOtherPeriodCaps(t *testing.T) {
	for _, tt := range []struct {
		name, caps string
		deals      []incentive.Deal
		want       map[string]string
	}{
		// The 150.00 budget: D-1 used 100.00 of it, P-2's D-2 gets the
		// 50.00 left.
		{"budget", "caps: {budget: 150}", []incentive.Deal{
			ledgertest.Deal("D-1", "P-1", "1000.00", "2026-03-01"),
			ledgertest.Deal("D-2", "P-2", "1000.00", "2026-04-01"),
		}, map[string]string{"D-2": "50.00"}},
		// A monthly 150.00 cap in a program-period program: D-1 used 100.00
		// of March, D-2 (March, claim by 2026-04-19) gets 50.00; D-3
		// (April) its whole 100.00.
		{"month", "caps: {per_partner: {limit: 150, period: month}}", []incentive.Deal{
			ledgertest.Deal("D-1", "P-1", "1000.00", "2026-03-01"),
			ledgertest.Deal("D-2", "P-1", "1000.00", "2026-03-20"),
			ledgertest.Deal("D-3", "P-1", "1000.00", "2026-04-01"),
		}, map[string]string{"D-2": "50.00", "D-3": "100.00"}},
	} {
		src := strings.Replace(rledger9ExpiryUsesCaps, "caps:\n  per_partner: 150\n", tt.caps+"\n", 1)
		f, err := rules.Compile("euc.yaml", []byte(src))
		require.NoError(t, err, tt.name)
		p := f.Programs[0]
		h := ledgertest.NewHarness(t, newStore, ledger.Config{})
		auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
		require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}), tt.name)
		h.Clock.Set("2026-04-15")
		_, err = h.Submit("euc", tt.deals[0], ledgertest.Gold(tt.deals[0].PartnerID))
		assert.ErrorIs(t, err, ledger.ErrClaimWindow, tt.name)
		for _, d := range tt.deals[1:] {
			c := ledgertest.Must(h.Submit("euc", d, ledgertest.Gold(d.PartnerID)))(t)
			assert.Equal(t, tt.want[d.ID], c.Amount.Amount().StringFixed(2), "%s %s", tt.name, d.ID)
		}
		for id, r := range runGold(t, h, p, tt.deals, nil) {
			if w, ok := tt.want[id]; ok {
				assert.Equal(t, w, r.Total.Amount().StringFixed(2), "%s %s run", tt.name, id)
			}
		}
		// verify re-evaluates each accrual from its stored input.
		rep := ledgertest.Must(h.Ledger.Replay(h.Ctx, ledger.ReplayParams{}))(t)
		assert.Empty(t, rep.Mismatches, tt.name)
		assert.Equal(t, len(tt.deals)-1, rep.Accruals, tt.name)
		h.ZeroSum()
	}
}

// A payment run dated before a claim became payable moved it out of
// payable on that earlier day (b782e9a refused only operations on one
// claim): `ledger accrue -as-of 2026-12-15`, `approve -as-of 2026-12-16`,
// then `pay -batch B1` without -as-of (the clock, 2026-12-01) paid the
// quarter on 2026-12-01, and a statement through 2026-12-10 read payable
// -21,010.00 and paid 21,010.00 for P-ACME: paid before it was approved.
// The run is refused, recording nothing; dated on the approval's day it
// pays.
func TestReviewRledger9PaymentRunDatedBeforePayable(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: rlead8Program("paydate"), Policy: &ledger.ApprovalPolicy{}, Actor: "ops"}))
	h.Clock.Set("2026-12-15")
	// 12,000.00 x 2% = 240.00, pending a manager's approval.
	c := ledgertest.Must(h.Submit("paydate", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	h.Clock.Set("2026-12-16")
	c = ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mgr", Role: ledger.RoleManager}))(t)
	require.Equal(t, ledger.PayableState, c.State)

	h.Clock.Set("2026-12-01")
	_, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B1", AsOf: day("2026-12-01"), Actor: "fin"})
	require.ErrorIs(t, err, ledger.ErrInvalid)
	assert.ErrorContains(t, err, "claim "+c.ID+" became payable on 2026-12-16: a payment run dated 2026-12-01 would pay it before (date it on or after 2026-12-16)")
	_, err = h.Store.Batch(h.Ctx, ledger.BatchParams{ID: "B1"})
	assert.ErrorIs(t, err, ledger.ErrNotFound, "nothing recorded")
	st := ledgertest.Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Through: day("2026-12-10")}))(t)
	assert.Empty(t, st.Lines)

	// Dated on the approval's day, the run pays the 240.00.
	h.Clock.Set("2026-12-16")
	b := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B1", AsOf: day("2026-12-16"), Actor: "fin"}))(t)
	require.Len(t, b.Lines, 1)
	assert.Equal(t, "240.00", b.Lines[0].Net.Amount().StringFixed(2))
	h.ZeroSum()
}

// The ledger against run, deal by deal, over generated deals claimed in
// close order (the order run reads them in): the volume-band program
// (1% of the quarter's volume to 100,000.00, 2% above) of two partners,
// some deals late as of the day, some not eligible (renewals), a third of
// them in EUR at a fixed rate, under a quarterly partner cap, a monthly
// partner cap and a budget, with and without expired_uses_caps. A deal
// run does not pay (not eligible, expired, or earning nothing) is one the
// ledger rejects; every other deal accrues what run pays it.
func TestReviewRledger9LedgerMatchesRun(t *testing.T) {
	rates, err := incentive.NewRateTable(incentive.Rate{From: "EUR", To: "USD", Rate: decimal.RequireFromString("1.0831"), AsOf: day("2026-09-30")})
	require.NoError(t, err)
	withCaps := func(caps string, euc bool) string {
		src := strings.Replace(rlead8VolumeProgram, "earnings:", caps+"\nearnings:", 1)
		if euc {
			src = strings.Replace(src, "from: close_date}", "from: close_date, expired_uses_caps: true}", 1)
		}
		return src
	}
	progs := []struct{ name, src string }{
		{"plain", rlead8VolumeProgram},
		{"cap", withCaps("caps:\n  per_partner: 2500", false)},
		{"cap-euc", withCaps("caps:\n  per_partner: 2500", true)},
		{"month-euc", withCaps("caps:\n  per_partner: {limit: 900, period: month}", true)},
		{"budget", withCaps("caps:\n  budget: 4000", false)},
		{"budget-euc", withCaps("caps:\n  budget: 4000", true)},
	}
	seeds := int64(25)
	if testing.Short() {
		seeds = 5
	}
	for _, pr := range progs {
		f, err := rules.Compile("vol.yaml", []byte(pr.src))
		require.NoError(t, err, pr.name)
		p := f.Programs[0]
		for seed := int64(0); seed < seeds; seed++ {
			r := rand.New(rand.NewSource(seed))
			var deals []incentive.Deal
			for i := 0; i < 8; i++ {
				d := ledgertest.Deal(fmt.Sprintf("D-%d", i), fmt.Sprintf("P-%d", r.Intn(2)), fmt.Sprintf("%d.00", 1000*(1+r.Intn(60))),
					fmt.Sprintf("2026-%02d-%02d", 10+r.Intn(3), 1+r.Intn(28)))
				d.Type = incentive.NewBusiness
				if r.Intn(3) == 0 {
					d.Amount = incentive.MustParseMoney(d.Amount.Amount().String(), "EUR")
				}
				if r.Intn(6) == 0 {
					d.Type = incentive.Renewal
				}
				deals = append(deals, d)
			}
			slices.SortFunc(deals, func(a, b incentive.Deal) int {
				return cmp.Or(a.CloseDate.Compare(b.CloseDate), strings.Compare(a.ID, b.ID))
			})
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}))
			// On the last day a deal can close (a deal is claimed once
			// it has closed): deals closed before 2026-10-29 are late
			// (60 days).
			h.Clock.Set("2026-12-28")
			led := map[string]string{}
			for _, d := range deals {
				c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: d.ID, Program: "vol", Deal: d, Partner: ledgertest.Gold(d.PartnerID), Actor: "rep", Rates: rates})
				var rej *ledger.RejectedError
				switch {
				case err == nil:
					led[d.ID] = c.Amount.Amount().StringFixed(2)
				case errors.As(err, &rej):
					led[d.ID] = "rejected"
				default:
					t.Fatalf("%s seed %d %s: %v", pr.name, seed, d.ID, err)
				}
			}
			results := runGold(t, h, p, deals, rates)
			require.Len(t, results, len(deals))
			for _, res := range results {
				want := res.Total.Amount().StringFixed(2)
				if !res.Eligible || res.Expired || res.Total.IsZero() {
					want = "rejected"
				}
				assert.Equal(t, want, led[res.DealID], "%s seed %d deal %s", pr.name, seed, res.DealID)
			}
			h.ZeroSum()
		}
	}
}

// An exception asked for a late deal (the claim window overridden) and
// refused by its approver leaves the deal where Submit would have: late.
// Run counts a late deal in the quarter's volume, and so does the ledger
// for a late claim Submit rejected; the refused exception must too (an
// approver's rejection of an ordinary claim counts nothing).
func TestReviewRledger9RefusedExceptionOfLateDealCounts(t *testing.T) {
	f, err := rules.Compile("vol.yaml", []byte(rlead8VolumeProgram))
	require.NoError(t, err)
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: f.Programs[0], Policy: auto, Actor: "ops"}))
	deal := func(id, amount, day string) incentive.Deal {
		d := ledgertest.Deal(id, "P-1", amount, day)
		d.Type = incentive.NewBusiness
		return d
	}
	h.Clock.Set("2026-12-15")
	// D-1 closed 2026-10-02: claims were due by 2026-12-01.
	c1 := ledgertest.Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "D-1", Program: "vol", Deal: deal("D-1", "90000.00", "2026-10-02"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", Exception: &ledger.Exception{Approver: "vp", Justification: "CRM outage"}}))(t)
	require.Equal(t, ledger.PendingApproval, c1.State)
	ledgertest.Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c1.ID, Actor: "vp", Reason: "no exception"}))(t)
	c2 := ledgertest.Must(h.Submit("vol", deal("D-2", "30000.00", "2026-11-20"), ledgertest.Gold("P-1")))(t)
	// D-1's 90,000.00 counts: 10,000.00 x 1% + 20,000.00 x 2% = 500.00
	// (as run; without it 30,000.00 x 1% = 300.00).
	assert.Equal(t, "500.00", c2.Amount.Amount().StringFixed(2))
	h.ZeroSum()
}

// Under expired_uses_caps, a late deal whose exception its approver
// refused uses up the partner cap as the late claim Submit rejects does:
// D-1's expired 100.00 leaves D-2 150.00 - 100.00 = 50.00 (run pays 50.00,
// TestReviewRledger9ExpiredUsesCaps).
func TestReviewRledger9RefusedLateExceptionUsesCaps(t *testing.T) {
	f, err := rules.Compile("euc.yaml", []byte(rledger9ExpiryUsesCaps))
	require.NoError(t, err)
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: f.Programs[0], Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-04-15")
	c1 := ledgertest.Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "D-1", Program: "euc", Deal: ledgertest.Deal("D-1", "P-1", "1000.00", "2026-03-01"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", Exception: &ledger.Exception{Approver: "vp", Justification: "CRM outage"}}))(t)
	require.Equal(t, ledger.PendingApproval, c1.State)
	ledgertest.Must(h.Ledger.Reject(h.Ctx, ledger.DecideParams{Claim: c1.ID, Actor: "vp", Reason: "no exception"}))(t)
	c2 := ledgertest.Must(h.Submit("euc", ledgertest.Deal("D-2", "P-1", "1000.00", "2026-04-01"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "50.00", c2.Amount.Amount().StringFixed(2))
	h.ZeroSum()
}

// e367579 refuses a claim whose total is finer than the minor unit, but a
// program rounding to 4 places recorded 10,000.00 x 2% as "200.0000 USD":
// its claim, its batch line and "clawed back 200.0000 USD of 200.0000 USD
// paid" carried the zeros (as a clawback amount did before ca4ce16). And a
// claim whose lines are finer than the minor unit though their total is
// not (100.0050 + 100.0050 = 200.01) was recorded with half cents in the
// bucket's accounts by earning type. Such a claim is refused like one whose
// total is finer; the others are recorded at the minor unit.
func TestReviewRledger9ClaimRecordedAtTheMinorUnit(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	four := int32(4)
	p := rlead8Program("s4")
	p.Rounding = incentive.Rounding{Scale: &four}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}))
	two := rlead8Program("s4two")
	two.Rounding = incentive.Rounding{Scale: &four}
	two.Earnings = append(two.Earnings, incentive.Earning{ID: "kicker", Type: incentive.Bonus, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.02"))})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: two, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")

	// 10,000.00 x 2% = 200.0000 at 4 places: 200.00 USD.
	c := ledgertest.Must(h.Submit("s4", ledgertest.Deal("D-1", "P-1", "10000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "200.00 USD", c.Amount.String())
	assert.Equal(t, "200.00 USD", c.Lines[0].Amount.String())
	b := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	require.Len(t, b.Lines, 1)
	assert.Equal(t, "200.00 USD", b.Lines[0].Net.String())
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	h.Clock.Set("2026-11-30")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "clawed back 200.00 USD of 200.00 USD paid: refund", c.Reason)

	// 5,000.25 x 2% = 100.005 per line, 200.01 in all: the lines are
	// finer than the cent.
	_, err := h.Submit("s4two", ledgertest.Deal("D-2", "P-1", "5000.25", "2026-11-02"), ledgertest.Gold("P-1"))
	assert.ErrorIs(t, err, ledger.ErrInvalid)
	assert.ErrorContains(t, err, "deal D-2 earns 200.0100 USD, line spiff 100.0050 USD, finer than the minor unit of USD: program s4two rounds to 4 places")
	assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-2"}))(t))
	// verify re-evaluates the accrual (200.0000) against the claim (200.00).
	rep := ledgertest.Must(h.Ledger.Replay(h.Ctx, ledger.ReplayParams{}))(t)
	assert.Empty(t, rep.Mismatches)
	assert.Equal(t, 1, rep.Accruals)
	h.ZeroSum()
}

// runGold runs deals through p as one run as of the harness's clock, each
// deal's partner a gold partner of its id (what the ledger tests submit),
// and returns each deal's result: the ledger's claims are held to it.
func runGold(t *testing.T, h *ledgertest.Harness, p *incentive.Program, deals []incentive.Deal, rates incentive.RateSource) map[string]*incentive.Result {
	t.Helper()
	in := func(yield func(incentive.Input, error) bool) {
		for _, d := range deals {
			if !yield(incentive.Input{Deal: d, Partner: ledgertest.Gold(d.PartnerID), Rates: rates}, nil) {
				return
			}
		}
	}
	out := map[string]*incentive.Result{}
	for r, err := range incentive.Run(h.Ctx, p, in, incentive.RunOptions{AsOf: h.Clock.Now()}) {
		require.NoError(t, err)
		out[r.DealID] = r
	}
	return out
}
