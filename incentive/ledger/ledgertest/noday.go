package ledgertest

import (
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noDay: a date that is not a day of the calendar (2026-11-31, built in
// Go) is refused before anything is recorded (reviewer rlead9). Recorded,
// a store that keeps dates as text (SQLite, PostgreSQL) could not read the
// ledger back: a payment run as of such a day made the batch, the
// statement and every entry fail to decode ("hash chain broken at entry
// 3: ... date "2026-11-31" is not YYYY-MM-DD"), and so did a claim paid in
// another currency at a rate dated so.
func noDay(t *testing.T, newStore NewStore) {
	nov31 := incentive.Date{Year: 2026, Month: time.November, Day: 31}
	t.Run("PaymentRun", func(t *testing.T) {
		h := NewHarness(t, newStore, ledger.Config{})
		auto := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}} // approved at once: payable
		require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: auto, Actor: "ops"}))
		h.Clock.Set("2026-12-03")
		c := Must(h.Submit("spiff", Deal("D-1", "P-1", "60000.00", "2026-12-02"), Gold("P-1")))(t)
		require.Equal(t, ledger.PayableState, c.State)
		_, err := h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: nov31, Actor: "fin"})
		require.ErrorIs(t, err, ledger.ErrInvalid)
		_, err = h.Store.Batch(h.Ctx, ledger.BatchParams{ID: "B-1"})
		require.ErrorIs(t, err, ledger.ErrNotFound)
		st := Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{}))(t)
		require.Len(t, st.Lines, 1)
		assert.True(t, st.Lines[0].Payable.Amount().Equal(c.Amount.Amount()), "still payable: %s", st.Lines[0].Payable)
		h.ZeroSum()
	})
	t.Run("ClaimAtRate", func(t *testing.T) {
		h := NewHarness(t, newStore, ledger.Config{})
		require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: SpiffProgram(), Policy: SpiffPolicy(), Actor: "ops"}))
		head := Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t)
		h.Clock.Set("2026-12-03")
		// A source other than RateTable (which refuses the rate itself).
		rate := incentive.Rate{From: "USD", To: "EUR", Rate: decimal.RequireFromString("0.92"), AsOf: nov31, Source: "ECB"}
		_, err := h.Ledger.Submit(h.Ctx, ledger.SubmitParams{Key: "k", Program: "spiff", Deal: Deal("D-1", "P-1", "60000.00", "2026-12-02"),
			Partner: Gold("P-1"), Actor: "rep", PayCurrency: "EUR", Rates: oneRate{rate}})
		require.ErrorIs(t, err, incentive.ErrInvalidRate)
		assert.Equal(t, head, Must(h.Store.Head(h.Ctx, ledger.HeadParams{}))(t), "nothing recorded")
		assert.Empty(t, Must(h.Store.Claims(h.Ctx, ledger.ClaimsParams{Deal: "D-1"}))(t))
		Must(h.Ledger.Statement(h.Ctx, ledger.StatementParams{}))(t)
	})
}

// oneRate answers one rate, whatever it is asked.
type oneRate struct{ r incentive.Rate }

func (o oneRate) Rate(from, to incentive.Currency, on incentive.Date) (incentive.Rate, error) {
	return o.r, nil
}
