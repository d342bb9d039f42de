package ledger_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/rules"
)

// rlead8Program pays 2% of the deal amount, auto-approved, in Q4 2026.
func rlead8Program(id string) *incentive.Program {
	return &incentive.Program{
		ID: id, Version: 1, Hash: id + "-v1", Currency: "USD",
		Effective: incentive.Window{From: day("2026-10-01"), To: day("2026-12-31")},
		Earnings: []incentive.Earning{
			{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.02"))},
		},
	}
}

// A claim voided before payment (clawed back while payable) and clawed
// back again said "nothing left to take back (paid 0.00 USD, clawed back
// 0.00 USD)": a claim in state clawed_back that has "clawed back 0.00"
// reads as a broken ledger. Nothing was paid: it was voided.
func TestReviewRlead8VoidedClaimSaysWhy(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: rlead8Program("void"), Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 10,000.00 x 2% = 200.00, payable at once.
	c := ledgertest.Must(h.Submit("void", ledgertest.Deal("D-1", "P-1", "10000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, ledger.PayableState, c.State)
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "deal cancelled"}))(t)
	require.Equal(t, ledger.ClawedBackState, c.State)
	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "again"})
	var te *ledger.TransitionError
	require.True(t, errors.As(err, &te), "%v", err)
	assert.ErrorIs(t, err, ledger.ErrIllegalTransition)
	assert.Equal(t, "it was voided before payment: nothing was paid", te.Why)
	assert.NotContains(t, err.Error(), "clawed back 0.00")
	h.ZeroSum()
}

// A negative (or zero) clawback amount in the claim's own currency said
// "clawback amount -10.00 USD for a claim in USD", as if the currency were
// wrong; the currency message is kept for another currency.
func TestReviewRlead8ClawBackAmountErrors(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: rlead8Program("amt"), Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	c := ledgertest.Must(h.Submit("amt", ledgertest.Deal("D-1", "P-1", "10000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	h.Clock.Set("2026-12-01") // clawbacks come after the payment (as of 2026-11-30)
	for _, tt := range []struct {
		amount incentive.Money
		want   string
	}{
		{usd("-10.00"), "clawback amount -10.00 USD is not above zero"},
		{usd("0.00"), "clawback amount 0.00 USD is not above zero"},
		{incentive.MustParseMoney("10.00", "EUR"), "clawback amount 10.00 EUR for a claim in USD"},
	} {
		_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &tt.amount, Actor: "fin", Reason: "x"})
		assert.ErrorIs(t, err, ledger.ErrInvalid)
		assert.ErrorContains(t, err, tt.want)
	}
	got := ledgertest.Must(h.Store.Claim(h.Ctx, ledger.ClaimParams{ID: c.ID}))(t)
	assert.Equal(t, ledger.PaidState, got.State, "nothing was taken back")
	h.ZeroSum()
}

// splitProgram pays 2% of the deal amount, split 80/20 between the deal's
// partner and the partner its referrer field names.
func splitProgram() *incentive.Program {
	p := rlead8Program("split")
	p.Fields = []incentive.FieldDecl{{Name: "referrer", Type: incentive.FieldString, Optional: true}}
	p.Split = &incentive.Split{Payees: []incentive.SplitPayee{
		{Ratio: decimal.RequireFromString("80")}, {Field: "referrer", Ratio: decimal.RequireFromString("20")}}}
	return p
}

// A deal whose payout the program splits with another partner (a
// referrer) was recorded as one claim of the whole amount for the deal's
// partner: the referrer's share was paid to the deal's partner and the
// referrer was never paid. The ledger records one payee per claim, so it
// refuses such a deal, recording nothing; a deal of the same program
// without a referrer is the partner's alone and is recorded.
func TestReviewRlead8SplitDealIsNotPaidToOnePartner(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: splitProgram(), Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")

	d := ledgertest.Deal("D-1", "P-1", "10000.00", "2026-11-02")
	d.Fields = map[string]any{"referrer": "R-9"}
	// 10,000.00 x 2% = 200.00: 160.00 to P-1 and 40.00 to R-9.
	_, err := h.Submit("split", d, ledgertest.Gold("P-1"))
	require.Error(t, err)
	assert.ErrorIs(t, err, ledger.ErrInvalid)
	assert.ErrorContains(t, err, "deal D-1 splits its payout: R-9 40.00 USD (deal.referrer)")
	var rej *ledger.RejectedError
	assert.False(t, errors.As(err, &rej), "nothing is recorded, not even a rejected claim: %v", err)
	assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-1"}))(t))

	// No referrer: P-1 is paid the whole 10,000.00 x 2% = 200.00.
	c := ledgertest.Must(h.Submit("split", ledgertest.Deal("D-2", "P-1", "10000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "200.00", c.Amount.Amount().StringFixed(2))
	// A referrer who is the deal's own partner: one share, P-1's.
	d3 := ledgertest.Deal("D-3", "P-1", "5000.00", "2026-11-02")
	d3.Fields = map[string]any{"referrer": "P-1"}
	c = ledgertest.Must(h.Submit("split", d3, ledgertest.Gold("P-1")))(t)
	assert.Equal(t, "100.00", c.Amount.Amount().StringFixed(2)) // 5,000.00 x 2%
	h.ZeroSum()
}

// A clawback amount written with more zeros than the currency's minor
// unit (-amount 100.000, as a spreadsheet exports it) is the same money,
// but its digits went into the claim: "clawed back 100.000 USD of 147.51
// USD paid", the cap postings (100.000) and, once all was taken back,
// "nothing left to take back (paid 147.51 USD, clawed back 147.510 USD)",
// which reads as if a fraction of a cent were left. The amount is now
// taken at the currency's minor unit.
func TestReviewRlead8ClawBackAmountAtMinorUnit(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: rlead8Program("zeros"), Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 7,375.50 x 2% = 147.51.
	c := ledgertest.Must(h.Submit("zeros", ledgertest.Deal("D-1", "P-1", "7375.50", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	require.Equal(t, "147.51", c.Amount.Amount().StringFixed(2))
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	h.Clock.Set("2026-12-01") // clawbacks come after the payment (as of 2026-11-30)
	first := incentive.MustParseMoney("100.000", "USD")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &first, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "clawed back 100.00 USD of 147.51 USD paid: refund", c.Reason)
	rest := incentive.MustParseMoney("47.5100", "USD")
	c = ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Amount: &rest, Actor: "fin", Reason: "refund"}))(t)
	assert.Equal(t, "147.51 USD", c.ClawedBack.String()) // 100.00 + 47.51
	_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "fin", Reason: "again"})
	assert.ErrorContains(t, err, "nothing left to take back (paid 147.51 USD, clawed back 147.51 USD)")
	for _, e := range ledgertest.Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{Partner: "P-1"}))(t) {
		for _, ps := range e.Postings {
			assert.LessOrEqual(t, -ps.Amount.Amount().Exponent(), int32(2), "%s %s %s", e.Kind, ps.Account, ps.Amount)
		}
	}
	h.ZeroSum()
}

// A program that rounds only at the statement stage (or to more places
// than the currency's minor unit) keeps each deal's result exact: its
// claims were recorded and paid with fractions of a cent (11,250.25 x 2%
// = 225.005: a claim of 225.0050 USD and a batch line paying 225.0050
// USD, a payment no bank can make; clawbacks in minor units could never
// add up to it). Such a claim is now refused, storing nothing, as an
// exception's or a clawback's amount finer than the minor unit is; a
// deal of the same program that earns whole cents is recorded.
func TestReviewRlead8ClaimsOnTheMinorUnit(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	four := int32(4)
	for _, tt := range []struct {
		name     string
		rounding incentive.Rounding
		want     string // "" recorded
	}{
		{"statement", incentive.Rounding{Stage: incentive.StageStatement},
			"deal D-1 earns 225.0050 USD, finer than the minor unit of USD: program r-statement rounds only at the statement stage"},
		{"scale4", incentive.Rounding{Scale: &four},
			"deal D-1 earns 225.0050 USD, finer than the minor unit of USD: program r-scale4 rounds to 4 places"},
		// 225.005 rounded half up per line (the default) or per deal: 225.01.
		{"line", incentive.Rounding{}, ""},
		{"deal", incentive.Rounding{Stage: incentive.StageDeal}, ""},
	} {
		p := rlead8Program("r-" + tt.name)
		p.Rounding = tt.rounding
		require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}), tt.name)
		h.Clock.Set("2026-11-03")
		// 11,250.25 x 2% = 225.005.
		c, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k1:" + p.ID, Program: p.ID,
			Deal: ledgertest.Deal("D-1", "P-1", "11250.25", "2026-11-02"), Partner: ledgertest.Gold("P-1"), Actor: "rep"})
		if tt.want == "" {
			require.NoError(t, err, tt.name)
			assert.Equal(t, "225.01 USD", c.Amount.String(), tt.name)
			continue
		}
		assert.ErrorIs(t, err, ledger.ErrInvalid, tt.name)
		assert.ErrorContains(t, err, tt.want, tt.name)
		assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Program: p.ID}))(t), tt.name)
		// 10,000.00 x 2% = 200.00: on the minor unit, recorded.
		c = ledgertest.Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k2:" + p.ID, Program: p.ID,
			Deal: ledgertest.Deal("D-2", "P-1", "10000.00", "2026-11-02"), Partner: ledgertest.Gold("P-1"), Actor: "rep"}))(t)
		assert.True(t, c.Amount.Amount().Equal(decimal.RequireFromString("200")), "%s: %s", tt.name, c.Amount)
	}
	b := ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	for _, ln := range b.Lines {
		assert.True(t, ln.Net.Equal(ln.Net.RoundToMinor(incentive.HalfUp)), "%s pays %s", ln.Bucket, ln.Net)
	}
	h.ZeroSum()
}

const rlead8VolumeProgram = `apiVersion: partnerops/v1
kind: Program
id: vol
name: Volume rebate
version: 1
currency: USD
effective: {from: 2026-10-01, to: 2026-12-31}
claims: {window: 60d, from: close_date}
eligibility:
  - name: new business
    when: deal.type == "new_business"
earnings:
  - id: volume-rebate
    type: rebate
    bands:
      method: marginal
      basis: partner_period
      period: quarter
      pays: rate
      table:
        - {from: 0, to: 100000, rate: 0.01}
        - {from: 100000, rate: 0.02}
`

// partnerPrior "starts the deal's accumulators ... as a run over the deals
// in close order would", but it read only live claims: a deal whose claim
// came late (rejected, claim window closed) dropped out of the partner's
// quarter volume, which a run counts (the deal was sold; only its
// earnings expired). On the README's quarter (q4-growth, -as-of
// 2026-12-15) the ledger paid P-ACME, P-BRIGHT and P-FJORD 1,335.00 less
// than run's statement as of the same day: exactly what run pays when
// the five late deals are deleted from the export. An ineligible deal
// still counts nothing, and a deal rejected twice counts once.
func TestReviewRlead8LateDealCountsInPeriodVolume(t *testing.T) {
	f, err := rules.Compile("vol.yaml", []byte(rlead8VolumeProgram))
	require.NoError(t, err)
	p := f.Programs[0]
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-12-15")
	deal := func(id, amount, day string, typ incentive.DealType) incentive.Deal {
		d := ledgertest.Deal(id, "P-1", amount, day)
		d.Type = typ
		return d
	}
	deals := []incentive.Deal{
		deal("D-1", "90000.00", "2026-10-02", incentive.NewBusiness), // claim by 2026-12-01: late
		deal("D-0", "100000.00", "2026-10-03", incentive.Renewal),    // not eligible
		deal("D-2", "30000.00", "2026-11-20", incentive.NewBusiness),
	}
	var rej *ledger.RejectedError
	// D-1 is claimed twice (another key, say a second export): late both times.
	for _, key := range []string{"a", "b"} {
		_, err = h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: key + ":D-1", Program: "vol", Deal: deals[0], Partner: ledgertest.Gold("P-1"), Actor: "rep"})
		require.ErrorAs(t, err, &rej)
		assert.ErrorIs(t, err, ledger.ErrClaimWindow)
	}
	_, err = h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "a:D-0", Program: "vol", Deal: deals[1], Partner: ledgertest.Gold("P-1"), Actor: "rep"})
	assert.ErrorIs(t, err, ledger.ErrNotEligible)
	c := ledgertest.Must(h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "a:D-2", Program: "vol", Deal: deals[2], Partner: ledgertest.Gold("P-1"), Actor: "rep"}))(t)
	// D-2 moves the quarter from 90,000.00 (D-1, once; D-0 is not
	// eligible) to 120,000.00: 10,000.00 x 1% + 20,000.00 x 2% = 100.00 +
	// 400.00 = 500.00 (from zero it was 30,000.00 x 1% = 300.00).
	assert.Equal(t, "500.00", c.Amount.Amount().StringFixed(2))

	// The same as a run over the three deals as of the same day.
	assert.Equal(t, "500.00", runGold(t, h, p, deals, nil)["D-2"].Total.Amount().StringFixed(2), "run")
	rep := ledgertest.Must(h.Ledger.Replay(h.Ctx, ledger.ReplayParams{}))(t)
	assert.Equal(t, 1, rep.Accruals)
	h.ZeroSum()
}

// A credit note (Deal.Credits) reached the engine alone and failed with
// "the credit note credits deal "HAR-1", which this run has not seen; a
// credit note must follow the deal it credits in the same run" (the MSP
// example, accrued with -partners): HAR-1 was accrued, and no order of
// the export helps, since the ledger evaluates each deal on its own. It
// now says that the ledger takes no credit notes and names the credited
// deal's claim to take the amount back from. Nothing is stored.
func TestReviewRlead8CreditNoteNamesTheClaim(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	p := rlead8Program("cn")
	p.AllowNegative = true
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-20")
	c := ledgertest.Must(h.Submit("cn", ledgertest.Deal("D-1", "P-1", "10000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	for _, tt := range []struct{ credits, want string }{
		{"D-1", "deal D-1-C is a credit note of deal D-1 (claim " + c.ID + "): the ledger takes no credit notes; take back what it credits from that claim (ClawBack with an Amount)"},
		{"D-9", "deal D-9-C is a credit note of deal D-9 (not claimed under program cn): the ledger takes no credit notes"},
	} {
		cn := ledgertest.Deal(tt.credits+"-C", "P-1", "-4000.00", "2026-11-15")
		cn.Credits = tt.credits
		_, err := h.Submit("cn", cn, ledgertest.Gold("P-1"))
		assert.ErrorIs(t, err, ledger.ErrInvalid, tt.credits)
		assert.ErrorContains(t, err, tt.want, tt.credits)
		assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: cn.ID}))(t))
	}
	h.ZeroSum()
}
