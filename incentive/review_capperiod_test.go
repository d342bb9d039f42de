package incentive

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// capPeriodProgram is spiffProgram (2% SPIFF, deal cap 2,500.00 at
// Caps[0]) in quarters with the given partner caps from Caps[1].
func capPeriodProgram(caps ...Cap) *Program {
	p := spiffProgram()
	p.Period = PeriodQuarter
	p.Caps = append([]Cap{{Scope: CapDeal, Limit: dec("2500")}}, caps...)
	return p
}

// Prior.CapUsed starts each partner cap from its own prior total, so a
// cap whose period differs from the program's does not start from the
// program-period earnings (Prior.PeriodEarned). Without an entry a cap
// starts from PeriodEarned, as before. (Prior.CapUsed is the fix of the
// ledger's leak between caps of different periods; see
// TestReviewPartnerCapPeriodOtherThanProgramPeriod in the ledger.)
//
// Every deal is 30,000.00 closing in November 2026: 30,000.00 x 2% =
// 600.00 before the partner caps.
func TestPriorCapUsedPerCap(t *testing.T) {
	month := Cap{Scope: CapPartner, Limit: dec("1000"), Period: PeriodMonth}
	quarter := Cap{Scope: CapPartner, Limit: dec("1500"), Period: PeriodQuarter}
	tests := []struct {
		name  string
		caps  []Cap
		prior Prior
		want  string
	}{
		// The zero value: the monthly cap starts from the quarter's
		// 1,000.00 earned, room 1,000.00 - 1,000.00 = 0.
		{"no CapUsed: every cap from PeriodEarned", []Cap{month}, Prior{PeriodEarned: dec("1000")}, "0.00"},
		// November's monthly cap has paid nothing: room 1,000.00, 600.00 paid whole.
		{"monthly cap from its own total", []Cap{month}, Prior{PeriodEarned: dec("1000"), CapUsed: map[int]decimal.Decimal{1: dec("0")}}, "600.00"},
		// Room 1,000.00 - 700.00 = 300.00.
		{"monthly cap partly used", []Cap{month}, Prior{PeriodEarned: dec("1000"), CapUsed: map[int]decimal.Decimal{1: dec("700")}}, "300.00"},
		// Monthly room 1,000.00 - 0 = 1,000.00; quarterly room 1,500.00 -
		// 1,000.00 = 500.00: 600.00 is cut to 500.00.
		{"monthly and quarterly caps", []Cap{month, quarter}, Prior{PeriodEarned: dec("1000"), CapUsed: map[int]decimal.Decimal{1: dec("0"), 2: dec("1000")}}, "500.00"},
		// Only the monthly cap has an entry: the quarterly one starts
		// from PeriodEarned 1,400.00, room 1,500.00 - 1,400.00 = 100.00.
		{"a cap without an entry starts from PeriodEarned", []Cap{month, quarter}, Prior{PeriodEarned: dec("1400"), CapUsed: map[int]decimal.Decimal{1: dec("0")}}, "100.00"},
		// An entry for the deal cap (Caps[0]) is ignored: the deal cap
		// 2,500.00 does not bind 600.00, the monthly cap starts at 0.
		{"an entry for a deal cap is ignored", []Cap{month}, Prior{PeriodEarned: dec("1000"), CapUsed: map[int]decimal.Decimal{0: dec("2500"), 1: dec("0")}}, "600.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustEval(t, capPeriodProgram(tc.caps...), Input{Deal: deal("D-1", "P-1", "30000.00", "2026-11-10"), Partner: gold("P-1"), Prior: tc.prior})
			require.True(t, r.Eligible, r.Failed)
			assert.Equal(t, tc.want, r.Total.Amount().StringFixed(2))
		})
	}
}

// In a run Prior.CapUsed starts the cap in the partner's first period of
// it; a later period of the cap starts from zero.
func TestPriorCapUsedInRun(t *testing.T) {
	p := capPeriodProgram(Cap{Scope: CapPartner, Limit: dec("1000"), Period: PeriodMonth})
	prior := func(string) Prior {
		return Prior{PeriodEarned: dec("1000"), CapUsed: map[int]decimal.Decimal{1: dec("300")}}
	}
	var got []string
	for r, err := range Run(t.Context(), p, inputs(
		deal("D-1", "P-1", "30000.00", "2026-11-10"),
		deal("D-2", "P-1", "30000.00", "2026-11-12"),
		deal("D-3", "P-1", "30000.00", "2026-12-10"),
	), RunOptions{Prior: prior, AsOf: day("2026-12-31")}) {
		require.NoError(t, err)
		got = append(got, r.Total.Amount().StringFixed(2))
	}
	// November: room 1,000.00 - 300.00 = 700.00, D-1 pays 600.00; then
	// 1,000.00 - 300.00 - 600.00 = 100.00 for D-2. December is a new
	// month: room 1,000.00, D-3 pays 600.00.
	assert.Equal(t, []string{"600.00", "100.00", "600.00"}, got)
}
