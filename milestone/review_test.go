package milestone

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review tests: each was written to fail before its fix.

func TestReviewPlanStartingLaterProjectsFromItsStart(t *testing.T) {
	tests := []struct {
		name   string
		today  string
		pf     string
		health Health
	}{
		// The plan starts 04-01; A needs 10 days and is due 04-05. Work
		// cannot begin before the start: 04-01+10 = 04-11, 6 days late,
		// though today (03-01) is a month before the start.
		{"a month before the start", "2026-03-01", "2026-04-11", HealthAtRisk},
		// On the start day the same: 04-01+10 = 04-11.
		{"on the start day", "2026-04-01", "2026-04-11", HealthAtRisk},
		// After the start today rules: 04-02+10 = 04-12.
		{"a day after the start", "2026-04-02", "2026-04-12", HealthAtRisk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan("2026-04-01", ms("A", "2026-04-05", 10))
			h, err := Config{AtRiskWindow: -1}.Health(p, at(tt.today))
			require.NoError(t, err)
			mh, _ := h.Milestone("A")
			assert.Equal(t, tt.pf, mh.ProjectedFinish.String())
			assert.Equal(t, tt.health, mh.Health)
			assert.Equal(t, tt.pf, h.ProjectedCompletion.String())
		})
	}
}
