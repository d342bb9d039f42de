package sqlitestore_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
)

// A payment run as of a Date built in Go that is not a day of the calendar
// (2026-11-31) was recorded, and SQLite, which keeps dates as text, could
// not read it back: the batch ("decode batch "B-1": date "2026-11-31" is
// not YYYY-MM-DD"), the statement and every entry ("hash chain broken at
// entry 3") failed from then on. It is refused and the ledger still reads.
func TestReviewRlead9PaymentRunOnNoDay(t *testing.T) {
	h := ledgertest.NewHarness(t, func(t *testing.T) ledger.Store { return newStore(t) }, ledger.Config{})
	prog := &incentive.Program{
		ID: "p", Version: 1, Hash: "p-v1", Currency: "USD",
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: time.October, Day: 1}, To: incentive.Date{Year: 2026, Month: time.December, Day: 31}},
		Earnings:  []incentive.Earning{{ID: "spiff", Type: incentive.Spiff, Amount: incentive.RateOf("deal.amount", decimal.RequireFromString("0.02"))}},
	}
	auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: prog, Policy: auto, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	// 12,000.00 x 2% = 240.00, approved at once.
	ledgertest.Must(h.Submit("p", ledgertest.Deal("D-1", "P-1", "12000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	_, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: incentive.Date{Year: 2026, Month: time.November, Day: 31}, Actor: "fin"})
	require.ErrorIs(t, err, ledger.ErrInvalid)

	st, err := h.Ledger.Statement(h.Ctx, ledger.StatementParams{})
	require.NoError(t, err)
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "240.00", st.Lines[0].Payable.Amount().StringFixed(2))
	_, err = h.Store.Batch(h.Ctx, ledger.BatchParams{ID: "B-1"})
	require.ErrorIs(t, err, ledger.ErrNotFound)
	h.ZeroSum()
}

// A claim paid in another currency at a rate dated on no day of the
// calendar (as of 2026-11-31, built in Go) was recorded with the rate, and
// SQLite could not read the claim ("decode claim ...: date "2026-11-31" is
// not YYYY-MM-DD") nor any entry back. The submission is refused
// (incentive.ErrInvalidRate) and records nothing.
func TestReviewRlead9ClaimAtRateOnNoDay(t *testing.T) {
	h := ledgertest.NewHarness(t, func(t *testing.T) ledger.Store { return newStore(t) }, ledger.Config{})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
	head := ledgertest.Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)
	h.Clock.Set("2026-12-03")
	// A source other than RateTable (which refuses the rate itself).
	rate := incentive.Rate{From: "USD", To: "EUR", Rate: decimal.RequireFromString("0.92"), AsOf: incentive.Date{Year: 2026, Month: time.November, Day: 31}, Source: "ECB"}
	_, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k", Program: "spiff", Deal: ledgertest.Deal("D-1", "P-1", "60000.00", "2026-12-02"),
		Partner: ledgertest.Gold("P-1"), Actor: "rep", PayCurrency: "EUR", Rates: oneRate{rate}})
	require.ErrorIs(t, err, incentive.ErrInvalidRate)
	assert.Equal(t, head, ledgertest.Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t), "nothing recorded")
	assert.Empty(t, ledgertest.Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-1"}))(t))
	_, err = h.Ledger.Statement(h.Ctx, ledger.StatementParams{})
	require.NoError(t, err)
}

// oneRate answers one rate, whatever it is asked.
type oneRate struct{ r incentive.Rate }

func (o oneRate) Rate(from, to incentive.Currency, on incentive.Date) (incentive.Rate, error) {
	return o.r, nil
}
