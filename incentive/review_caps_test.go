package incentive

// Independent review of computed caps and partner history (issue #7): each
// test failed before its fix. Expected amounts are computed by hand.

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A computed line cap's explanation showed its formula and limit but not
// the values the formula read, where a computed deal cap's and an amount's
// do: a line cap reading the partner's history did not show the total read
// ("Explanations show each total read, as history.quarter.1 = ...").
func TestComputedLineCapExplainsWhatItRead(t *testing.T) {
	p := &Program{
		ID: "hist-cap", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Earnings:  []Earning{{ID: "base", Type: Rebate, Amount: RateOf(PathDealAmount, dec("0.05"))}},
		Caps: []Cap{{Scope: CapLine, Earning: "base",
			LimitFormula: FormulaFunc("history.quarter.1 * 0.01", []string{"history.quarter.1"}, func(s *Scope) (decimal.Decimal, error) {
				v, err := s.HistoryTotal(PeriodQuarter, 1)
				return v.Mul(dec("0.01")), err
			})}},
	}
	d := deal("D-1", "P-1", "100000", "2026-02-10") // 2026-Q1: the quarter before is 2025-Q4
	r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1"), History: History{"2025-Q4": dec("150000")}})
	// base 100,000.00 x 0.05 = 5,000.00; cap 150,000.00 x 0.01 = 1,500.00: cut 3,500.00
	assert.Equal(t, "1500.00", r.Total.Amount().StringFixed(2))
	require.Len(t, r.Lines, 1)
	require.Len(t, r.Lines[0].Cuts, 1)
	assert.Equal(t, "3500.00", r.Lines[0].Cuts[0].Cut.StringFixed(2))
	assert.Contains(t, r.Explain(), `earning "base": line cap history.quarter.1 * 0.01 = 1,500.00 (history.quarter.1 = 150,000.00) cut 3,500.00`)
}

// A credit note that names its deal re-evaluates the deal at its net
// amount under its terms; that re-evaluation lost the run's as-of date, so
// a deal whose terms read run.as_of failed with ErrNoAsOf on its credit
// note, though the deal itself was evaluated in the same run.
func TestCreditNoteReevaluationKeepsAsOf(t *testing.T) {
	rate := FormulaFunc("deal.amount * (run.as_of > 2026-06-01 ? 0.02 : 0.01)", []string{PathDealAmount, "run.as_of"},
		func(s *Scope) (decimal.Decimal, error) {
			asOf, ok := s.AsOf()
			if !ok {
				return decimal.Decimal{}, ErrNoAsOf
			}
			r := dec("0.01")
			if DateOf(asOf.In(nyc)).After(Date{2026, 6, 1}) {
				r = dec("0.02")
			}
			return s.Amount.Mul(r), nil
		})
	p := &Program{
		ID: "asof-credit", Version: 1, Currency: USD, AllowNegative: true,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Earnings:  []Earning{{ID: "base", Type: Rebate, Amount: rate}},
	}
	credit := deal("C-1", "P-1", "-4000", "2026-03-01")
	credit.Credits = "D-1"
	rs := runAll(t, p, RunOptions{AsOf: day("2026-07-01")}, deal("D-1", "P-1", "10000", "2026-02-01"), credit)
	require.Len(t, rs, 2)
	// as of 2026-07-01 the rate is 2%: D-1 10,000.00 x 0.02 = 200.00
	assert.Equal(t, "200.00", rs[0].Total.Amount().StringFixed(2))
	// net 10,000.00 - 4,000.00 = 6,000.00 x 0.02 = 120.00: take back 200.00 - 120.00 = 80.00
	assert.Equal(t, "-80.00", rs[1].Total.Amount().StringFixed(2))
}

// A computed deal cap that comes out below zero on a credit note failed
// the note. A credit note naming no deal is bounded by the limit's size
// (as a fixed cap bounds it); a credited deal re-evaluated at its net
// amount gets a limit of zero.
func TestComputedDealCapOnCreditNotes(t *testing.T) {
	p := &Program{
		ID: "cap-credits", Version: 1, Currency: USD, AllowNegative: true,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Earnings:  []Earning{{ID: "base", Type: Rebate, Amount: RateOf(PathDealAmount, dec("0.05"))}},
		// 4% of the deal while it stays under 10,000.00; above, 4% less
		// 500.00, which goes below zero for a net deal under 12,500.00.
		Caps: []Cap{{Scope: CapDeal, LimitFormula: FormulaFunc("deal.amount * 0.04 - (deal.id == \"D-2\" ? 500 : 0)", []string{PathDealAmount},
			func(s *Scope) (decimal.Decimal, error) {
				v := s.Amount.Mul(dec("0.04"))
				if s.Deal != nil && s.Deal.ID == "D-2" {
					v = v.Sub(dec("500"))
				}
				return v, nil
			})}},
	}
	c2 := deal("C-2", "P-1", "-10000", "2026-03-04")
	c2.Credits = "D-2"
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "10000", "2026-03-01"), // 500.00, cap 400.00: pays 400.00
		deal("C-1", "P-1", "-4000", "2026-03-02"), // -200.00, cap -160.00: size 160.00 bounds it: -160.00
		deal("D-2", "P-1", "20000", "2026-03-03"), // 1,000.00, cap 800.00 - 500.00 = 300.00: pays 300.00
		// C-2: D-2 at 20,000.00 - 10,000.00 = 10,000.00: 500.00, cap 400.00
		// - 500.00 = -100.00 -> 0.00, earns nothing: its 300.00 comes back
		c2)
	assert.Equal(t, []string{"400.00", "-160.00", "300.00", "-300.00"}, totals(rs))
	assert.Contains(t, rs[1].Explain(), "= -160.00 (deal.amount = -4,000.00), limit 160.00 (a credit note takes back at most the limit's size)")

	// A deal (not a credit note) whose computed cap is below zero is
	// still an error of the deal.
	_, err := Evaluate(t.Context(), p, Input{Deal: deal("D-2", "P-1", "1000", "2026-03-03"), Partner: gold("P-1")}, day("2026-12-31"))
	assert.ErrorIs(t, err, ErrInvalidAmount)
}
