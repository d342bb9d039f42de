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
