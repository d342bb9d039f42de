package dexpr

import (
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDatedTierReads: partner.tier reads the tier on the close date
// (2026-11-03 in New York) and partner.at_period_start.tier the tier on the
// first day of the period, both when read typed (an operand of ==) and
// boxed (an operand of contains, a branch of ?:).
func TestDatedTierReads(t *testing.T) {
	env := mustEnv(t, testFields)
	ny := time.FixedZone("EST", -5*3600)
	for _, tc := range []struct {
		src    string
		period incentive.Period
		want   bool
	}{
		// promoted to gold on 2026-10-15: gold on Nov 3
		{`partner.tier == "gold"`, incentive.PeriodQuarter, true},
		// the quarter began on 2026-10-01, when P-1 was silver
		{`partner.at_period_start.tier == "silver"`, incentive.PeriodQuarter, true},
		// the month began on 2026-11-01, after the promotion
		{`partner.at_period_start.tier == "gold"`, incentive.PeriodMonth, true},
		{`partner.at_period_start.tier contains "silv"`, incentive.PeriodYear, true},
		{`(deal.quantity > 0 ? partner.at_period_start.tier : "x") == "gold"`, incentive.PeriodQuarter, false},
	} {
		t.Run(tc.src, func(t *testing.T) {
			x := mustCompile(t, env, tc.src, Bool)
			s := newScope(t, "1000", nil)
			s.Program.Period = tc.period
			s.Partner.History = []partner.Event{{Kind: partner.EventTier, FromTier: "silver", ToTier: "gold", At: time.Date(2026, 10, 15, 9, 0, 0, 0, ny)}}
			got, err := x.Holds(s)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
