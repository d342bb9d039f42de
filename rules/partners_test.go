package rules

import (
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodePartnersTierHistory: tier_history becomes tier events at
// midnight of each date in the program's time zone (UTC without one), and
// the partner's tier is the last entry's.
func TestDecodePartnersTierHistory(t *testing.T) {
	src := []byte("- id: P-1\n  tier_history:\n    - {from: 2026-01-01, tier: silver}\n    - {from: 2026-04-01, tier: gold}\n")
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		p    *incentive.Program
		loc  *time.Location
	}{
		{"no program: UTC", nil, time.UTC},
		{"a program in New York", &incentive.Program{Effective: incentive.Window{Location: ny}}, ny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodePartnersFor("partners.yaml", src, tc.p)
			require.NoError(t, err)
			require.Len(t, got, 1)
			p := got[0]
			assert.Equal(t, partner.Tier("gold"), p.Tier)
			require.Len(t, p.History, 2)
			assert.Equal(t, partner.Event{Kind: partner.EventTier, FromTier: "", ToTier: "silver", At: time.Date(2026, 1, 1, 0, 0, 0, 0, tc.loc), Reason: "tier_history"}, p.History[0])
			assert.Equal(t, partner.Event{Kind: partner.EventTier, FromTier: "silver", ToTier: "gold", At: time.Date(2026, 4, 1, 0, 0, 0, 0, tc.loc), Reason: "tier_history"}, p.History[1])
			// One nanosecond before the change: still silver.
			assert.Equal(t, partner.Tier("silver"), p.TierAt(time.Date(2026, 4, 1, 0, 0, 0, 0, tc.loc).Add(-time.Nanosecond)))
		})
	}
}

// TestDecodePartnersTierHistoryErrors: misuse is reported at the entry.
func TestDecodePartnersTierHistoryErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"- {id: P-1, tier_history: [{from: 2026-04-01, tier: gold}, {from: 2026-01-01, tier: silver}]}\n",
			"partners.yaml:1:67: [0].tier_history[1].from: tier_history must be in time order: 2026-01-01 is not after the entry before it (line 1)"},
		{"- {id: P-1, tier: gold, tier_history: [{from: 2026-01-01, tier: silver}]}\n",
			`partners.yaml:1:19: [0].tier: tier "gold" differs from the last tier_history entry "silver" (line 1)`},
		{"- {id: P-1, tier_history: [{tier: silver}]}\n",
			`partners.yaml:1:28: [0].tier_history[0]: missing required key "from"`},
		{"- {id: P-1, tier_history: [{from: 2026-13-01, tier: silver}]}\n",
			`partners.yaml:1:35: [0].tier_history[0].from: want a date written YYYY-MM-DD or an RFC 3339 time`},
	} {
		_, err := DecodePartners("partners.yaml", []byte(tc.src))
		require.Error(t, err, tc.src)
		assert.Contains(t, err.Error(), tc.want)
	}
}
