package incentive

import (
	"context"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// promoted is a silver partner promoted to gold at midnight of 2026-04-01
// in New York (04:00 UTC).
func promoted() partner.Partner {
	return partner.Partner{ID: "P-1", Tier: "gold", History: []partner.Event{
		{Kind: partner.EventTier, FromTier: "silver", ToTier: "gold", At: time.Date(2026, 4, 1, 0, 0, 0, 0, nyc)},
	}}
}

func TestPartnerTierOnDays(t *testing.T) {
	p := &Program{Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc}, Period: PeriodQuarter}
	late := promoted()
	// A change at 15:00 on 2026-05-10 in New York counts for the whole day.
	late.History = append(late.History, partner.Event{Kind: partner.EventTier, FromTier: "gold", ToTier: "platinum",
		At: time.Date(2026, 5, 10, 15, 0, 0, 0, nyc)})
	late.Tier = "platinum"
	for _, tc := range []struct {
		name      string
		pt        partner.Partner
		close     time.Time
		wantTier  string
		wantStart string // tier at the quarter's first day
	}{
		// 23:30 on Mar 31 in New York is Apr 1 in UTC, but the program's
		// day is Mar 31: still silver.
		{"the evening before the change", promoted(), time.Date(2026, 3, 31, 23, 30, 0, 0, nyc), "silver", "silver"},
		{"the day of the change", promoted(), time.Date(2026, 4, 1, 0, 30, 0, 0, nyc), "gold", "gold"},
		{"mid-quarter change: the quarter began before it", late, time.Date(2026, 5, 10, 9, 0, 0, 0, nyc), "platinum", "gold"},
		{"before every change", late, time.Date(2026, 2, 1, 9, 0, 0, 0, nyc), "silver", "silver"},
		{"no history: the tier throughout", partner.Partner{ID: "P-2", Tier: "gold"}, time.Date(2026, 2, 1, 9, 0, 0, 0, nyc), "gold", "gold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Deal{ID: "D", CloseDate: tc.close}
			s := &Scope{Program: p, Deal: &d, Partner: &tc.pt}
			got, ok := s.Lookup(PathPartnerTier)
			require.True(t, ok)
			assert.Equal(t, tc.wantTier, got)
			got, ok = s.Lookup(PathPartnerTierAtPeriodStart)
			require.True(t, ok)
			assert.Equal(t, tc.wantStart, got)
		})
	}
}

func TestScopePeriodStart(t *testing.T) {
	d := Deal{ID: "D", CloseDate: time.Date(2026, 8, 20, 12, 0, 0, 0, nyc)}
	for per, want := range map[Period]Date{
		PeriodMonth: {2026, 8, 1}, PeriodQuarter: {2026, 7, 1}, PeriodYear: {2026, 1, 1},
		PeriodProgram: {2026, 2, 15}, "": {2026, 2, 15},
	} {
		p := &Program{Effective: Window{From: Date{2026, 2, 15}, Location: nyc}, Period: per}
		s := &Scope{Program: p, Deal: &d}
		assert.Equal(t, want, s.PeriodStart(), "period %q", per)
	}
}

// TestDatedTierExplained: Evaluate reads partner.tier on the close date and
// the explanation says which day it read.
func TestDatedTierExplained(t *testing.T) {
	p := spiffProgram()
	p.Eligibility = []Clause{{Name: "gold partner", When: In(PathPartnerTier, "gold")}}
	for _, tc := range []struct {
		date     string
		eligible bool
		words    string
	}{
		{"2026-10-05", true, `partner.tier on 2026-10-05 = "gold"`},
		{"2026-03-05", false, `partner.tier on 2026-03-05 = "silver"`},
	} {
		in := Input{Deal: deal("D-1", "P-1", "12000.00", tc.date), Partner: promoted()}
		in.Deal.Registration = &Registration{Approved: Date{2026, 1, 1}}
		in.Deal.Type = NewBusiness
		p.Effective.From = Date{2026, 1, 1}
		r, err := Evaluate(context.Background(), p, in, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, tc.eligible, r.Eligible, tc.date)
		assert.Contains(t, r.Explain(), tc.words)
	}
}
