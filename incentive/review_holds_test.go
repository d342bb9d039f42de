package incentive

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldResult is an eligible result of e's program whose single line (of
// type t, exact amount, unrounded as the statement rounding stage leaves
// it) is held until maturesOn.
func heldResult(e *Evaluator, id string, t EarningType, amount string, maturesOn Date) *Result {
	m := Money{decimal.RequireFromString(amount), USD}
	return &Result{Program: e.ref, DealID: id, PartnerID: "P-1", Payee: PayeePartner, Eligible: true,
		Lines: []Line{{Earning: string(t), Type: t, Gross: m, Amount: m}}, Total: m,
		Hold: &HoldStatus{Start: maturesOn.AddDays(-10), MaturesOn: maturesOn, Held: true}}
}

// With the statement rounding stage, the held amounts by maturity date
// (PartnerStatement.Holds, which -carried and CarryHeld read back) must
// add up, bucket by bucket, to each bucket's held column: otherwise a cent
// held in one bucket is brought back, and paid, in another.
func TestReviewHoldsRoundedPerBucket(t *testing.T) {
	p := &Program{ID: "rs", Version: 1, Currency: USD,
		Effective: Window{From: Date{Year: 2026, Month: 1, Day: 1}},
		Rounding:  Rounding{Stage: StageStatement},
		Hold:      Hold{Span: Span{Days: 10}},
		Buckets:   []Bucket{{ID: "spiffs", Types: []EarningType{Spiff}}},
		Earnings: []Earning{
			{ID: "spiff", Type: Spiff, Amount: RateOf(PathDealAmount, decimal.RequireFromString("0.001"))},
			{ID: "rebate", Type: Rebate, Amount: RateOf(PathDealAmount, decimal.RequireFromString("0.001"))},
		},
	}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	feb := func(d int) Date { return Date{Year: 2026, Month: 2, Day: d} }
	sb := e.NewStatement(nil)
	// D-1: spiff 0.005 held until 02-11; D-2: rebate 0.005 held until
	// 02-04 (an earlier date, so it sorts first among the holds).
	require.NoError(t, sb.Add(heldResult(e, "D-1", Spiff, "0.005", feb(11))))
	require.NoError(t, sb.Add(heldResult(e, "D-2", Rebate, "0.005", feb(4))))
	ps := sb.Statement().Partners[0]
	// Held 0.005 + 0.005 = 0.01 exactly. Over the buckets by largest
	// remainder: both floor to 0.00 with remainder 0.005, the cent goes to
	// the earlier bucket, spiffs: spiffs 0.01, default 0.00.
	require.Len(t, ps.Buckets, 2)
	assert.Equal(t, "0.01", ps.Buckets[0].Held.Amount().StringFixed(2), "spiffs held")
	assert.Equal(t, "0.00", ps.Buckets[1].Held.Amount().StringFixed(2), "default held")
	// So the holds must be spiffs 0.01 until 02-11 and default 0.00 until
	// 02-04 (not the cent on the earlier date's bucket).
	got := map[string]string{}
	for _, h := range ps.Holds {
		got[h.Bucket+" "+h.MaturesOn.String()] = h.Amount.Amount().StringFixed(2)
	}
	assert.Equal(t, map[string]string{"spiffs 2026-02-11": "0.01", " 2026-02-04": "0.00"}, got)

	// Brought into the next statement as of 02-05: default's 0.00 has
	// matured (nothing to pay); spiffs' 0.01 is still held in spiffs.
	next := e.NewStatement(nil)
	require.NoError(t, next.CarryHeld(map[string][]HeldAmount{"P-1": ps.Holds}, feb(5)))
	n := next.Statement().Partners[0]
	assert.Equal(t, "0.01", n.Buckets[0].Held.Amount().StringFixed(2), "next: spiffs held")
	assert.Equal(t, "0.00", n.Buckets[1].Payable.Amount().StringFixed(2), "next: default payable")
}

// A zero-value Evaluator (or SettlementBuilder) has no program: like
// Evaluate, Run and NewStatement, its settlements must return
// ErrNoEvaluator instead of panicking on the nil program.
func TestReviewHoldsZeroValueSettlements(t *testing.T) {
	var e Evaluator
	var sb *SettlementBuilder
	require.NotPanics(t, func() { sb = e.NewSettlements() })
	require.NotNil(t, sb)
	err := sb.Add(&Result{})
	require.ErrorIs(t, err, ErrNoEvaluator)
	assert.Contains(t, err.Error(), "zero-value")
	assert.Empty(t, sb.Settle(Date{Year: 2026, Month: 1, Day: 31}))

	var z SettlementBuilder
	require.ErrorIs(t, z.Add(&Result{}), ErrNoEvaluator)
	require.NotPanics(t, func() { assert.Empty(t, z.Settle(Date{Year: 2026, Month: 1, Day: 31})) })
}

// With the statement rounding stage and payout buckets, each earning type
// is paid from one bucket, so the types of a bucket must add up to the
// bucket's earned column; ByType was rounded over all types against the
// partner's total instead, and could put a bucket's cent on a type of
// another bucket.
func TestReviewHoldsByTypeRoundedPerBucket(t *testing.T) {
	p := &Program{ID: "rs", Version: 1, Currency: USD,
		Effective: Window{From: Date{Year: 2026, Month: 1, Day: 1}},
		Rounding:  Rounding{Stage: StageStatement},
		Buckets:   []Bucket{{ID: "spiffs", Types: []EarningType{Spiff}}},
		Earnings: []Earning{
			{ID: "spiff", Type: Spiff, Amount: RateOf(PathDealAmount, decimal.RequireFromString("0.001"))},
			{ID: "rebate", Type: Rebate, Amount: RateOf(PathDealAmount, decimal.RequireFromString("0.001"))},
		},
	}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	sb := e.NewStatement(nil)
	for _, r := range []*Result{
		heldResult(e, "D-1", Spiff, "0.005", Date{}),
		heldResult(e, "D-2", Rebate, "0.005", Date{}),
	} {
		r.Hold = nil // not held: earned and payable
		require.NoError(t, sb.Add(r))
	}
	ps := sb.Statement().Partners[0]
	// Earned 0.005 + 0.005 = 0.01; over the buckets the cent goes to the
	// earlier bucket on the tie (remainders 0.005 each): spiffs 0.01,
	// default 0.00. So type spiff (bucket spiffs) is 0.01 and type rebate
	// (default bucket) 0.00.
	require.Len(t, ps.Buckets, 2)
	assert.Equal(t, "0.01", ps.Buckets[0].Earned.Amount().StringFixed(2), "spiffs earned")
	assert.Equal(t, "0.00", ps.Buckets[1].Earned.Amount().StringFixed(2), "default earned")
	got := map[string]string{}
	for _, s := range ps.ByType {
		got[s.Key] = s.Amount.Amount().StringFixed(2)
	}
	assert.Equal(t, map[string]string{"spiff": "0.01", "rebate": "0.00"}, got)
}
