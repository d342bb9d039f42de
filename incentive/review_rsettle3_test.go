package incentive

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Settle "does not change the builder", so a caller may settle an attached
// builder from several goroutines after the run (a report per asOf, say).
// A partner carried in that the run never met had its run state created
// by each Settle, unguarded: a data race (go test -race), or "concurrent
// map writes". Every call must also give the same lines.
func TestReviewRsettle3ConcurrentSettleAfterRun(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1500"), Period: PeriodQuarter}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	var carries []SettlementCarry
	for i := range 20 {
		carries = append(carries, SettlementCarry{Settlement: "quarterly", PartnerID: fmt.Sprintf("C-%02d", i),
			Open: []SettlementOpen{{From: Date{2026, 4, 1}, Basis: usd("60000")}}})
	}
	require.NoError(t, b.CarryIn(carries))
	for _, err := range e.Run(t.Context(), inputsOf(Input{Deal: deal("D-1", "P-1", "100", "2026-04-02"), Partner: gold("P-1")}),
		RunOptions{Settlements: b}) {
		require.NoError(t, err)
	}
	const n = 4
	var wg sync.WaitGroup
	got := make([][]SettlementLine, n)
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[g] = b.Settle(Date{2026, 6, 30})
		}()
	}
	wg.Wait()
	require.Len(t, got[0], 21)
	// Each carried partner's Q2: 60,000 at 3% = 1,800.00, nothing
	// advanced; its own quarterly cap has 1,500.00 room: 1,500.00 paid,
	// 300.00 cut.
	assert.Equal(t, "1500.00", got[0][0].Payable.Amount().StringFixed(2))
	assert.Equal(t, "300.00", got[0][0].Capped.Amount().StringFixed(2))
	for g := 1; g < n; g++ {
		assert.Equal(t, capRows(got[0]), capRows(got[g]))
	}
}

// The author's question: may a credit note's takeback bound now include
// room that true-ups used? The cap's count includes the Q1 true-up, but
// the takeback is also bounded by what the partner was paid net in the
// program period (deal payouts only) and by what the cap gives back, in
// which the true-up's cut part counts as entitlement over the cap. So a
// credit note never takes back true-up money: its negative amount reaches
// the true-up through its own period's basis instead. Confirmed bounded.
func TestReviewRsettle3CreditNoteAfterCappedTrueUp(t *testing.T) {
	deals := []Deal{deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"), deal("C-1", "P-1", "-10000", "2026-04-10"),
		deal("D-5", "P-1", "30000", "2026-05-10")}
	for _, workers := range []int{1, 2} {
		p := rebateProgram(CreditPeriod, "50000")
		p.AllowNegative = true
		p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1500"), Period: PeriodYear}}
		paid, lines, _ := settledRun(t, p, RunOptions{Workers: workers}, "2026-06-30", deals...)
		// Advances 400 + 500 + 200 = 1,100.00. Q1: 55,000 at 3% = 1,650
		// - 1,100 = 550.00, room 1,500 - 1,100 = 400.00: 400.00 paid,
		// 150.00 cut (count 1,500.00; entitlement under the cap 1,650.00).
		// C-1: -10,000 x 2% = -200.00; paid net in the year 1,100.00 (no
		// true-up), the cap's count 1,500.00, and the cap gives back
		// min(1,500, 1,650) - min(1,500, 1,650 - 200) = 1,500 - 1,450 =
		// 50.00: -50.00 (count 1,450.00). D-5: 30,000 x 2% = 600.00, room
		// 1,500 - 1,450 = 50.00: 50.00.
		assert.Equal(t, map[string]string{"D-1": "400.00", "D-2": "500.00", "D-3": "200.00", "C-1": "-50.00", "D-5": "50.00"}, paid, "workers %d", workers)
		assert.Equal(t, []capRow{
			{"P-1", "2026-01-01", "550.00", "400.00", "150.00", "0.00", []CapScope{CapPartner}},
			// Q2: -10,000 + 30,000 = 20,000 at 1% = 200.00 - (-50 + 50)
			// advanced = 200.00; the year's cap is spent: all cut.
			{"P-1", "2026-04-01", "200.00", "0.00", "200.00", "0.00", []CapScope{CapPartner}},
		}, capRows(lines), "workers %d", workers)
		checkIdentity(t, lines)
	}
}

// An ineligible deal after a quarter's end settles the quarter in the run
// (its true-up counts in the caps), but Last() only covered eligible
// results: Settle(Last()), what partnerops run does without -as-of,
// showed the quarter open (its true-up unpaid on the statement though the
// budget counted it) and Carries carried it on as open, to be settled
// again by the next run.
func TestReviewRsettle3LastCoversIneligibleDeal(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Eligibility = []Clause{{Name: "registered", When: Equals(PathDealRegistered, true)}}
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("3000")}}
	late := deal("D-2", "P-1", "30000", "2026-04-10")
	late.Registration = nil // ineligible
	paid, _, b := settledRun(t, p, RunOptions{}, "2026-12-31", deal("D-1", "P-1", "60000", "2026-01-15"), late)
	assert.Equal(t, map[string]string{"D-1": "1200.00", "D-2": "0.00"}, paid)
	assert.Equal(t, Date{2026, 4, 10}, b.Last())
	lines := b.Settle(b.Last())
	// Q1: 60,000 at 3% = 1,800 - 1,200 advanced = 600.00, inside the
	// budget (1,200 + 600 = 1,800 <= 3,000): settled and paid.
	assert.Equal(t, []capRow{{"P-1", "2026-01-01", "600.00", "600.00", "0.00", "0.00", nil}}, capRows(lines))
	require.Len(t, lines, 1)
	assert.True(t, lines[0].Settled)
	carries := b.Carries(b.Last())
	require.Len(t, carries, 1)
	assert.Equal(t, Date{2026, 3, 31}, carries[0].Through)
	assert.Empty(t, carries[0].Open)
}

// SetPrior or CarryIn after the run, on a builder attached to it: the
// run sealed Q1's true-up with its cap's cut (150.00) computed from a zero
// carry; a carry of -500.00 set afterwards made Settle recompute the
// true-up as 50.00 and take the stale 150.00 cut from it: a payable of
// -100.00 (below zero, which a statement would deduct from earned), and
// not what the run counted in the cap. SetPrior now changes nothing once
// the builder is attached, and CarryIn is refused.
func TestReviewRsettle3PriorAfterRun(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1500"), Period: PeriodQuarter}}
	_, _, b := settledRun(t, p, RunOptions{}, "2026-06-30",
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-1", "30000", "2026-04-15"))
	b.SetPrior(func(string, string) SettlementPrior { return SettlementPrior{Carried: dec("-500")} })
	lines := b.Settle(Date{2026, 6, 30})
	// As the run paid them: Q1 55,000 at 3% = 1,650 - 1,100 = 550.00,
	// room 1,500 - 1,100 = 400.00 (150.00 cut); Q2 30,000 at 1% = 300 -
	// 600 = -300.00 carried.
	assert.Equal(t, []capRow{
		{"P-1", "2026-01-01", "550.00", "400.00", "150.00", "0.00", []CapScope{CapPartner}},
		{"P-1", "2026-04-01", "-300.00", "0.00", "0.00", "-300.00", nil},
	}, capRows(lines))
	checkIdentity(t, lines)
	err := b.CarryIn([]SettlementCarry{{Settlement: "quarterly", PartnerID: "P-1", Carried: usd("-500")}})
	assert.ErrorIs(t, err, ErrInvalidOptions)
	assert.Equal(t, capRows(lines), capRows(b.Settle(Date{2026, 6, 30})))
}
