package ledgertest

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BucketedProgram pays a SPIFF of 2% on new business (type spiff) and a
// renewal bonus of 1% (type bonus) to gold and platinum partners, spiffs
// from payout bucket "spiffs" (minimum 500.00) and bonuses from "bonuses"
// (minimum 100.00).
func BucketedProgram() *incentive.Program {
	p := SpiffProgram()
	p.ID, p.Hash = "bucketed", "bucketed-v1"
	p.Earnings = []incentive.Earning{
		{ID: "new", Type: incentive.Spiff, When: incentive.Equals(incentive.PathDealType, string(incentive.NewBusiness)),
			Amount: incentive.RateOf(incentive.PathDealAmount, decimalOf("0.02"))},
		{ID: "renewal", Type: incentive.Bonus, When: incentive.Equals(incentive.PathDealType, string(incentive.Renewal)),
			Amount: incentive.RateOf(incentive.PathDealAmount, decimalOf("0.01"))},
	}
	p.Buckets = []incentive.Bucket{
		{ID: "spiffs", Types: []incentive.EarningType{incentive.Spiff}, MinPayout: decimalOf("500")},
		{ID: "bonuses", Types: []incentive.EarningType{incentive.Bonus}, MinPayout: decimalOf("100")},
	}
	return p
}

// BucketedPolicy auto-approves everything.
func BucketedPolicy() *ledger.ApprovalPolicy {
	return &ledger.ApprovalPolicy{Program: "bucketed", Rules: []ledger.ApprovalRule{{}}}
}

// payoutBuckets: a payout threshold carried over per bucket until reached,
// and a negative balance recovered from the next payout of its own bucket.
func payoutBuckets(t *testing.T, newStore NewStore) {
	h := NewHarness(t, newStore, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: BucketedProgram(), Policy: BucketedPolicy(), Actor: "ops"}))
	sp := ledger.Bucket{Partner: "P-1", Payee: incentive.PayeePartner, Program: "bucketed", Payout: "spiffs"}
	bo := ledger.Bucket{Partner: "P-1", Payee: incentive.PayeePartner, Program: "bucketed", Payout: "bonuses"}
	deal := func(id, amount, closed string, typ incentive.DealType) incentive.Deal {
		d := Deal(id, "P-1", amount, closed)
		d.Type = typ
		return d
	}
	submit := func(ds ...incentive.Deal) func(h *Harness) error {
		return func(h *Harness) error {
			for _, d := range ds {
				if _, err := h.Submit("bucketed", d, Gold("P-1")); err != nil {
					return err
				}
			}
			return nil
		}
	}
	run := func(id, day string, check func(b ledger.Batch)) func(h *Harness) error {
		return func(h *Harness) error {
			b, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: id, AsOf: date(day), Actor: "fin"})
			if err != nil {
				return err
			}
			check(b)
			_, err = h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: id, Actor: "fin"})
			return err
		}
	}
	var d2 string
	runSteps(t, h, []step{
		{name: "D-1 new business 15,000.00 x 2% = 300.00 (spiffs); D-2 renewal 12,000.00 x 1% = 120.00 (bonuses)", day: "2026-11-03",
			do:   submit(deal("D-1", "15000.00", "2026-11-02", incentive.NewBusiness), deal("D-2", "12000.00", "2026-11-02", incentive.Renewal)),
			want: map[ledger.Account]string{sp.Account(ledger.Payable): "300.00", bo.Account(ledger.Payable): "120.00"}},
		{name: "B-1: bonuses 120.00 >= 100.00 paid; spiffs 300.00 < 500.00 carried over", day: "2026-11-10", do: run("B-1", "2026-11-10", func(b ledger.Batch) {
			require.Len(t, b.Lines, 1)
			assert.Equal(t, bo, b.Lines[0].Bucket)
			d2 = b.Lines[0].Claims[0]
			require.Len(t, b.Blocked, 1)
			assert.Equal(t, sp, b.Blocked[0].Bucket)
			assert.Equal(t, "below the minimum payout of 500.00 USD; carried over", b.Blocked[0].Reason)
		}), want: map[ledger.Account]string{sp.Account(ledger.Payable): "300.00", bo.Account(ledger.Paid): "120.00", bo.Account(ledger.Payable): "0.00"}},
		{name: "D-3 new business 12,500.00 x 2% = 250.00: spiffs 300.00 + 250.00 = 550.00", day: "2026-11-12",
			do:   submit(deal("D-3", "12500.00", "2026-11-11", incentive.NewBusiness)),
			want: map[ledger.Account]string{sp.Account(ledger.Payable): "550.00"}},
		{name: "B-2: spiffs 550.00 >= 500.00 paid at last", day: "2026-11-20", do: run("B-2", "2026-11-20", func(b ledger.Batch) {
			require.Len(t, b.Lines, 1)
			assert.Equal(t, sp, b.Lines[0].Bucket)
			assert.Equal(t, "550.00", b.Lines[0].Net.Amount().StringFixed(2))
			assert.Len(t, b.Lines[0].Claims, 2)
			assert.Empty(t, b.Blocked)
		}), want: map[ledger.Account]string{sp.Account(ledger.Payable): "0.00", sp.Account(ledger.Paid): "550.00"}},
		{name: "D-2's renewal is refunded: its 120.00 paid is withheld in bonuses only", do: func(h *Harness) error {
			_, err := h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: d2, Actor: "fin", Reason: "renewal refunded"})
			return err
		}, want: map[ledger.Account]string{bo.Account(ledger.Withheld): "-120.00", sp.Account(ledger.Withheld): "0.00"}},
		{name: "D-4 new business 30,000.00 x 2% = 600.00; D-5 renewal 20,000.00 x 1% = 200.00", day: "2026-11-25",
			do:   submit(deal("D-4", "30000.00", "2026-11-24", incentive.NewBusiness), deal("D-5", "20000.00", "2026-11-24", incentive.Renewal)),
			want: map[ledger.Account]string{sp.Account(ledger.Payable): "600.00", bo.Account(ledger.Payable): "200.00"}},
		{name: "B-3: spiffs 600.00 paid whole; bonuses 200.00 - 120.00 recovered = 80.00 < 100.00 carried over", day: "2026-11-30",
			do: run("B-3", "2026-11-30", func(b ledger.Batch) {
				require.Len(t, b.Lines, 1)
				assert.Equal(t, sp, b.Lines[0].Bucket)
				assert.Equal(t, "600.00", b.Lines[0].Net.Amount().StringFixed(2))
				assert.True(t, b.Lines[0].Recovered.IsZero(), "the spiffs bucket owes nothing")
				require.Len(t, b.Blocked, 1)
				assert.Equal(t, bo, b.Blocked[0].Bucket)
				assert.Equal(t, "80.00 USD after recovering 120.00 USD withheld, below the minimum payout of 100.00 USD; carried over", b.Blocked[0].Reason)
			}), want: map[ledger.Account]string{sp.Account(ledger.Paid): "1150.00", // 550.00 + 600.00
				bo.Account(ledger.Payable): "200.00", bo.Account(ledger.Withheld): "-120.00"}},
		{name: "D-6 renewal 5,000.00 x 1% = 50.00: bonuses 250.00", day: "2026-12-02",
			do:   submit(deal("D-6", "5000.00", "2026-12-01", incentive.Renewal)),
			want: map[ledger.Account]string{bo.Account(ledger.Payable): "250.00"}},
		{name: "B-4: bonuses 250.00 - 120.00 recovered = 130.00 >= 100.00 paid", day: "2026-12-10", do: run("B-4", "2026-12-10", func(b ledger.Batch) {
			require.Len(t, b.Lines, 1)
			assert.Equal(t, bo, b.Lines[0].Bucket)
			assert.Equal(t, "250.00", b.Lines[0].Payable.Amount().StringFixed(2))
			assert.Equal(t, "120.00", b.Lines[0].Recovered.Amount().StringFixed(2))
			assert.Equal(t, "130.00", b.Lines[0].Net.Amount().StringFixed(2))
		}), want: map[ledger.Account]string{bo.Account(ledger.Withheld): "0.00", bo.Account(ledger.Payable): "0.00",
			bo.Account(ledger.Paid): "250.00"}}, // 120.00 (B-1) + 130.00 (B-4)
	})
	// The statement shows each bucket on its own line.
	st := Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{Partner: "P-1"}))(t)
	require.Len(t, st.Lines, 2)
	got := map[ledger.Bucket]string{}
	for _, ln := range st.Lines {
		got[ln.Bucket] = ln.Paid.Amount().StringFixed(2)
	}
	assert.Equal(t, map[ledger.Bucket]string{sp: "1150.00", bo: "250.00"}, got)
}
