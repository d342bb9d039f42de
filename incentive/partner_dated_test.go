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

// moved is a referral partner in EMEA (DE) that became a reseller on
// 2026-04-01 and moved to North America (US) at 15:00 on 2026-05-15 in
// New York, built with partner.SetAttrHistory as the decoders build it.
func moved(t *testing.T) partner.Partner {
	t.Helper()
	p := partner.Partner{ID: "P-1", Tier: "gold"}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, nyc) }
	require.NoError(t, partner.SetAttrHistory(&p, partner.AttrType, []partner.DatedValue{
		{From: at(1, 1, 0), Value: "referral"}, {From: at(4, 1, 0), Value: "reseller"}}))
	require.NoError(t, partner.SetAttrHistory(&p, partner.AttrRegion, []partner.DatedValue{
		{From: at(1, 1, 0), Value: "emea"}, {From: at(5, 15, 15), Value: "na"}}))
	require.NoError(t, partner.SetAttrHistory(&p, partner.AttrCountry, []partner.DatedValue{
		{From: at(1, 1, 0), Value: "DE"}, {From: at(5, 15, 15), Value: "US"}}))
	return p
}

// TestPartnerAttrsOnDays: type, region and country read on the close day
// and at the period's start from one history; the tier, without changes,
// is the record's throughout.
func TestPartnerAttrsOnDays(t *testing.T) {
	p := &Program{Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc}, Period: PeriodQuarter}
	type vals struct{ typ, region, country, tier string }
	for _, tc := range []struct {
		name         string
		close        time.Time
		onClose      vals
		atQuarterDay vals
	}{
		{"Q1: a referral partner in EMEA", time.Date(2026, 3, 31, 23, 0, 0, 0, nyc),
			vals{"referral", "emea", "DE", "gold"}, vals{"referral", "emea", "DE", "gold"}},
		{"Q2 before the move: a reseller from Apr 1, the quarter's first day", time.Date(2026, 5, 14, 9, 0, 0, 0, nyc),
			vals{"reseller", "emea", "DE", "gold"}, vals{"reseller", "emea", "DE", "gold"}},
		{"the morning of the move: the change at 15:00 counts for the whole day", time.Date(2026, 5, 15, 8, 0, 0, 0, nyc),
			vals{"reseller", "na", "US", "gold"}, vals{"reseller", "emea", "DE", "gold"}},
		{"Q3: moved before the quarter began", time.Date(2026, 7, 1, 0, 30, 0, 0, nyc),
			vals{"reseller", "na", "US", "gold"}, vals{"reseller", "na", "US", "gold"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pt := moved(t)
			d := Deal{ID: "D", CloseDate: tc.close}
			s := &Scope{Program: p, Deal: &d, Partner: &pt}
			read := func(paths ...string) vals {
				out := make([]string, len(paths))
				for i, path := range paths {
					v, ok := s.Lookup(path)
					require.True(t, ok, path)
					out[i] = v.(string)
				}
				return vals{out[0], out[1], out[2], out[3]}
			}
			assert.Equal(t, tc.onClose, read(PathPartnerType, PathPartnerRegion, PathPartnerCountry, PathPartnerTier))
			assert.Equal(t, tc.atQuarterDay, read(PathPartnerTypeAtPeriodStart, PathPartnerRegionAtPeriodStart,
				PathPartnerCountryAtPeriodStart, PathPartnerTierAtPeriodStart))
		})
	}
}

// TestDatedRegionExplained: the explanation says which day the region was
// read on: the close day for partner.region, the quarter's first day for
// partner.at_period_start.region.
func TestDatedRegionExplained(t *testing.T) {
	p := spiffProgram()
	p.Effective.From = Date{2026, 1, 1}
	p.Period = PeriodQuarter
	p.Eligibility = []Clause{
		{Name: "in north america", When: In(PathPartnerRegion, "na")},
		{Name: "began the quarter in emea", When: In(PathPartnerRegionAtPeriodStart, "emea")},
	}
	in := Input{Deal: deal("D-1", "P-1", "12000.00", "2026-05-20"), Partner: moved(t)}
	in.Deal.Registration = &Registration{Approved: Date{2026, 1, 1}}
	r, err := Evaluate(context.Background(), p, in, time.Time{})
	require.NoError(t, err)
	assert.True(t, r.Eligible)
	// 12000.00 x 0.02 = 240.00 (the base line; no enterprise kicker below 50000)
	assert.Equal(t, "240.00", r.Total.Amount().StringFixed(2))
	ex := r.Explain()
	assert.Contains(t, ex, `partner.region on 2026-05-20 = "na"`)
	assert.Contains(t, ex, `partner.at_period_start.region on 2026-04-01 = "emea"`)
}

// TestUndatedPartnerReadsRecord: a partner without a history reads its
// record's values, and the explanation names no day.
func TestUndatedPartnerReadsRecord(t *testing.T) {
	pt := partner.Partner{ID: "P-2", Type: partner.MSP, Region: "apac", Country: "JP", Tier: "gold"}
	d := Deal{ID: "D", CloseDate: time.Date(2026, 5, 20, 9, 0, 0, 0, nyc)}
	s := &Scope{Program: &Program{Period: PeriodQuarter}, Deal: &d, Partner: &pt}
	for path, want := range map[string]string{PathPartnerType: "msp", PathPartnerRegionAtPeriodStart: "apac", PathPartnerCountry: "JP"} {
		v, ok := s.Lookup(path)
		require.True(t, ok)
		assert.Equal(t, want, v, path)
		_, dated := s.datedOn(path)
		assert.False(t, dated, path)
	}
}
