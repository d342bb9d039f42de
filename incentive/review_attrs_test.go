package incentive

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewDateInSkippedMidnight: in America/Santiago clocks jump from
// 2026-09-06 00:00 (-04) to 01:00 (-03), so the day's first instant is
// 01:00 -03 (04:00 UTC). Date.In promises the first instant of the day;
// time.Date normalizes the missing midnight back to 23:00 -04 on Sep 5, so
// a deal closed "2026-09-06" was read as closed on Sep 5.
func TestReviewDateInSkippedMidnight(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	require.NoError(t, err)
	for _, tc := range []struct {
		day  Date
		want time.Time // UTC
	}{
		// Skipped midnight: first instant 01:00 -03 = 04:00 UTC.
		{Date{2026, 9, 6}, time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
		// Ordinary day: 00:00 -04 = 04:00 UTC.
		{Date{2026, 9, 5}, time.Date(2026, 9, 5, 4, 0, 0, 0, time.UTC)},
		// Day after: 00:00 -03 = 03:00 UTC.
		{Date{2026, 9, 7}, time.Date(2026, 9, 7, 3, 0, 0, 0, time.UTC)},
	} {
		got := tc.day.In(scl)
		assert.True(t, tc.want.Equal(got), "%s: got %s, want %s", tc.day, got.UTC(), tc.want)
		assert.Equal(t, tc.day, DateOf(got), "%s.In(Santiago) must fall on that day", tc.day)
	}
}

// TestReviewTierOnSkippedMidnightEve: a gold promotion at 23:30 local on
// 2026-09-05 in Santiago (the evening before the skipped midnight) counts
// for the whole of Sep 5, as PartnerTierOn documents; the end of Sep 5 was
// computed from the normalized (wrong) next midnight, 23:00, so a deal at
// 23:45 on Sep 5 read silver.
func TestReviewTierOnSkippedMidnightEve(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	require.NoError(t, err)
	p := &Program{Effective: Window{From: Date{2026, 1, 1}, Location: scl}, Period: PeriodMonth}
	pt := partner.Partner{ID: "P", Tier: "gold", History: []partner.Event{
		{Kind: partner.EventTier, FromTier: "silver", ToTier: "gold", At: time.Date(2026, 9, 5, 23, 30, 0, 0, scl)},
	}}
	for _, tc := range []struct {
		name  string
		close time.Time
		want  string
	}{
		{"same day, before the change", time.Date(2026, 9, 5, 10, 0, 0, 0, scl), "gold"},
		{"same day, after the change", time.Date(2026, 9, 5, 23, 45, 0, 0, scl), "gold"},
		{"day before", time.Date(2026, 9, 4, 12, 0, 0, 0, scl), "silver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Scope{Program: p, Deal: &Deal{ID: "D", CloseDate: tc.close}, Partner: &pt}
			got, ok := s.Lookup(PathPartnerTier)
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestReviewTierUnsortedHistory: a Go caller building History by hand may
// list changes out of order (Evaluate does not validate the partner). The
// tier on a day is the one set by the latest change on or before it,
// whatever the slice order: bronze->silver on Mar 1, silver->gold on Jun 1,
// listed Jun first. On Apr 10 the partner is silver; the scan stopped at
// the first (June) entry and answered its FromTier, silver, by luck, but on
// Feb 10 it answered silver too where bronze is right, and on Jul 10 it
// answered silver (the March entry applied last) where gold is right.
func TestReviewTierUnsortedHistory(t *testing.T) {
	pt := partner.Partner{ID: "P", Tier: "gold", History: []partner.Event{
		{Kind: partner.EventTier, FromTier: "silver", ToTier: "gold", At: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{Kind: partner.EventTier, FromTier: "bronze", ToTier: "silver", At: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
	}}
	p := &Program{Effective: Window{From: Date{2026, 1, 1}}, Period: PeriodMonth}
	for _, tc := range []struct {
		day  Date
		want string
	}{
		{Date{2026, 2, 10}, "bronze"},
		{Date{2026, 4, 10}, "silver"},
		{Date{2026, 7, 10}, "gold"},
	} {
		s := &Scope{Program: p, Deal: &Deal{ID: "D", CloseDate: tc.day.In(time.UTC).Add(12 * time.Hour)}, Partner: &pt}
		assert.Equal(t, tc.want, s.PartnerTierOn(tc.day), "%s", tc.day)
	}
}

// TestReviewTierAtStartOfOpenProgram: a program period (the default) of a
// program with no effective start begins before every change, so
// partner.at_period_start.tier is the tier before the first change. It
// read the partner's current tier instead: a deal closed while the partner
// was silver saw "gold", the tier of a later promotion.
func TestReviewTierAtStartOfOpenProgram(t *testing.T) {
	p := &Program{Effective: Window{Location: nyc}}
	pt := promoted() // silver -> gold at 2026-04-01 New York
	s := &Scope{Program: p, Deal: &Deal{ID: "D", CloseDate: time.Date(2026, 2, 1, 9, 0, 0, 0, nyc)}, Partner: &pt}
	got, ok := s.Lookup(PathPartnerTier)
	require.True(t, ok)
	assert.Equal(t, "silver", got)
	got, ok = s.Lookup(PathPartnerTierAtPeriodStart)
	require.True(t, ok)
	assert.Equal(t, "silver", got, "the period began before the promotion")
}

// TestReviewStatementTextFeeTotals: Statement.WriteText printed each
// partner's fee and sent, but its total line stopped at carried out, so
// the report never said what the payments send in all (Statement.Fees and
// Sent). Program: cheques from 100.00 with a 5.00 fee.
// P-1 (check): 12000.00 x 0.02 = 240.00 >= 100.00: fee 5.00, sent 235.00.
// P-2 (check): 12000.00 x 0.02 = 240.00, less 300.00 withheld = -60.00:
// nothing paid, so no fee (a negative balance is never charged a fee).
// Totals: fees 5.00, sent 235.00.
func TestReviewStatementTextFeeTotals(t *testing.T) {
	p := spiffProgram()
	min := dec("100")
	p.PaymentMethods = []PaymentTerms{{Method: partner.Check, MinPayout: &min, Fee: dec("5")}}
	ev, err := NewEvaluator(p)
	require.NoError(t, err)
	sb := ev.NewStatement(func(id string) decimal.Decimal {
		if id == "P-2" {
			return dec("-300")
		}
		return decimal.Zero
	})
	for _, id := range []string{"P-1", "P-2"} {
		in := Input{Deal: deal("D-"+id, id, "12000.00", "2026-11-03"), Partner: gold(id)}
		in.Deal.Type = NewBusiness
		in.Deal.Registration = &Registration{Approved: Date{2026, 11, 1}}
		in.Partner.Payment = &partner.PaymentDetails{Method: partner.Check}
		r, err := ev.Evaluate(context.Background(), in, time.Time{})
		require.NoError(t, err)
		require.NoError(t, sb.Add(r))
	}
	st := sb.Statement()
	require.Len(t, st.Partners, 2)
	assert.Equal(t, "5.00", FormatAmount(st.Partners[0].Fee.Amount(), USD))
	assert.Equal(t, "235.00", FormatAmount(st.Partners[0].Sent.Amount(), USD))
	assert.True(t, st.Partners[1].Fee.IsZero(), "no fee on a withheld balance")
	assert.True(t, st.Partners[1].Sent.IsZero())
	assert.Equal(t, "-60.00", FormatAmount(st.Partners[1].CarriedOut.Amount(), USD))
	var b strings.Builder
	require.NoError(t, st.WriteText(&b))
	assert.Regexp(t, `(?m)^total fees\s+-5\.00$`, b.String())
	assert.Regexp(t, `(?m)^total sent\s+235\.00$`, b.String())
}
