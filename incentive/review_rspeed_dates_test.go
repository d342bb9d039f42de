package incentive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The window and claim steps, now rendered from 8-byte dates, read the
// same at the ends of the calendar: year 1, year 9999 (its claim deadline
// in year 10000), and with no as-of date (the empty date).
func TestReviewRspeedWindowAndClaimWordsAtCalendarEnds(t *testing.T) {
	p := simple(Earning{ID: "a", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.1"))})
	p.Effective = Window{From: Date{1, 1, 1}, To: Date{9999, 12, 31}, Location: time.UTC}
	p.Claims = ClaimWindow{Days: 30}
	tests := []struct {
		name    string
		close   time.Time
		asOf    time.Time
		window  string
		claim   string
		claimOK bool
	}{
		{name: "year 1, no as-of",
			close:  time.Date(1, 1, 1, 12, 0, 0, 0, time.UTC),
			window: "close date 0001-01-01 is inside the effective window [0001-01-01, 9999-12-31] UTC",
			// 0001-01-01 + 30 days = 0001-01-31
			claim: "claim by 0001-01-31 (30 days after close date 0001-01-01)", claimOK: true},
		{name: "year 9999, expired as of year 10000",
			close:  time.Date(9999, 12, 31, 12, 0, 0, 0, time.UTC),
			asOf:   time.Date(10000, 3, 1, 0, 0, 0, 0, time.UTC),
			window: "close date 9999-12-31 is inside the effective window [0001-01-01, 9999-12-31] UTC",
			// 9999-12-31 + 30 days = 10000-01-30, before 10000-03-01
			claim: "claim by 10000-01-30 (30 days after close date 9999-12-31); as of 10000-03-01 the claim window has closed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := deal("D-1", "P-1", "100", "2026-01-01")
			d.CloseDate = tc.close
			r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, tc.asOf)
			require.NoError(t, err)
			var window, claim *Step
			for i := range r.Trace {
				switch r.Trace[i].Kind {
				case StepWindow:
					window = &r.Trace[i]
				case StepClaim:
					claim = &r.Trace[i]
				}
			}
			require.NotNil(t, window)
			require.NotNil(t, claim)
			assert.Equal(t, tc.window, window.Words())
			assert.Equal(t, tc.claim, claim.Words())
			assert.Equal(t, tc.claimOK, claim.OK)
		})
	}
}
