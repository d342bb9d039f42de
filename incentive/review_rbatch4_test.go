package incentive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// Review rbatch4 (issue #11): the budget cap's count is held as a runTotal
// (an fx while it fits); RunCounts.BudgetUsed must still read shopspring's
// sum of BudgetUsed and the payouts, coefficient and exponent alike, also
// past 18 digits, for one worker and more (sharded: no Prior, no credit
// notes). And a kept result's cap cuts (lent from a cutSlab) never change
// after later deals, also when the caller stops the run early.
func TestReviewRbatch4BudgetUsedCoefficientAndKeptCuts(t *testing.T) {
	three := []Deal{deal("D-1", "P-1", "100.00", "2026-11-02"), deal("D-2", "P-2", "100.00", "2026-11-03"),
		deal("D-3", "P-1", "100.00", "2026-11-04")}
	cases := []struct {
		name, used, limit string
		coef              string
		exp               int32
		cuts              []string // per deal: the budget's cut, "" for none
	}{
		// Each deal pays 5% of 100.00 = 5.00; the budget has room for all.
		// 100.000 + 5.00 + 5.00 + 5.00 = 115.000 (Add keeps the smaller
		// exponent, -3): coefficient 115000.
		{"fits", "100.000", "1000", "115000", -3, []string{"", "", ""}},
		// 21 digits, beyond an fx: room 99999999999999999999 -
		// 12345678901234567890.5 = 87654321098765432108.5 >= 5.00, so all
		// pay; 12345678901234567890.5 + 15.00 = 12345678901234567905.50
		// (exponent -2): coefficient 1234567890123456790550.
		{"past 18 digits", "12345678901234567890.5", "99999999999999999999", "1234567890123456790550", -2, []string{"", "", ""}},
		// A budget of 7.50: D-1 pays 5.00 (used 5.00), D-2 has 2.50 of
		// room, so its cut is 5.00 - 2.50 = 2.50 (used 7.50), D-3 has none:
		// cut 5.00. Used 0 + 5.00 + 2.50 + 0.00 = 7.50: coefficient 750.
		{"spent", "0", "7.50", "750", -2, []string{"", "2.50", "5.00"}},
	}
	for _, c := range cases {
		p := simple(withRate("base", "0.05", nil))
		p.Caps = []Cap{{Scope: CapBudget, Limit: dec(c.limit)}}
		for _, workers := range []int{1, 2, 4} {
			var counts RunCounts
			var kept []*Result
			var at []string
			for r, err := range Run(t.Context(), p, inputs(three...), RunOptions{Workers: workers, BudgetUsed: dec(c.used), Counts: &counts}) {
				require.NoError(t, err)
				b, jerr := json.Marshal(r)
				require.NoError(t, jerr)
				kept, at = append(kept, r), append(at, string(b)+r.Explain())
			}
			require.Len(t, kept, 3, "%s workers %d", c.name, workers)
			u, ok := counts.BudgetUsed()
			require.True(t, ok)
			require.Equal(t, c.coef, u.Coefficient().String(), "%s workers %d: %s", c.name, workers, u)
			require.Equal(t, c.exp, u.Exponent(), "%s workers %d: %s", c.name, workers, u)
			for i, r := range kept {
				b, jerr := json.Marshal(r)
				require.NoError(t, jerr)
				require.Equal(t, at[i], string(b)+r.Explain(), "%s workers %d: result %d changed after later deals", c.name, workers, i)
				var cut string
				if len(r.Lines) == 1 && len(r.Lines[0].Cuts) == 1 {
					cut = r.Lines[0].Cuts[0].Cut.StringFixed(2)
				}
				require.Equal(t, c.cuts[i], cut, "%s workers %d deal %d", c.name, workers, i)
			}
			// Stopped after the second deal: the kept two never change,
			// whatever the workers still do with the third.
			var first []*Result
			var firstAt []string
			for r, err := range Run(t.Context(), p, inputs(three...), RunOptions{Workers: workers, BudgetUsed: dec(c.used)}) {
				require.NoError(t, err)
				b, _ := json.Marshal(r)
				first, firstAt = append(first, r), append(firstAt, string(b)+r.Explain())
				if len(first) == 2 {
					break
				}
			}
			for i, r := range first {
				b, _ := json.Marshal(r)
				require.Equal(t, firstAt[i], string(b)+r.Explain())
				require.Equal(t, at[i], firstAt[i], "%s workers %d: a stopped run's result %d", c.name, workers, i)
			}
		}
	}
}
