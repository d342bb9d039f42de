package partner

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metricsBook: three partners with known journeys.
//
//	A (reseller, emea): onboarding 2026-01-01, active 2026-01-11 (10 days), suspended 2026-03-01, active 2026-03-11.
//	B (msp, na): onboarding 2026-02-01, active 2026-02-21 (20 days), tier gold from 2026-04-01.
//	C (reseller, na): onboarding 2026-03-01, still onboarding.
func metricsBook() []*Partner {
	a := &Partner{ID: "A", Type: Reseller, Region: "emea", Tier: "silver", Status: Active, History: []Event{
		{From: Prospect, To: Onboarding, At: at("2026-01-01")},
		{From: Onboarding, To: Active, At: at("2026-01-11")},
		{From: Active, To: Suspended, At: at("2026-03-01")},
		{From: Suspended, To: Active, At: at("2026-03-11")},
	}}
	b := &Partner{ID: "B", Type: MSP, Region: "na", Tier: "gold", Status: Active, History: []Event{
		{From: Prospect, To: Onboarding, At: at("2026-02-01")},
		{From: Onboarding, To: Active, At: at("2026-02-21")},
		{Kind: EventTier, FromTier: "silver", ToTier: "gold", At: at("2026-04-01")},
	}}
	c := &Partner{ID: "C", Type: Reseller, Region: "na", Status: Onboarding, History: []Event{
		{From: Prospect, To: Onboarding, At: at("2026-03-01")},
	}}
	return []*Partner{c, a, b}
}

func TestComputeMetrics(t *testing.T) {
	day := 24 * time.Hour
	in := MetricsInput{
		Partners: metricsBook(),
		From:     at("2026-01-01T00:00:00Z"), To: at("2026-04-01T00:00:00Z"), AsOf: at("2026-03-31"),
		Deals: []DealFact{
			{ID: "d1", PartnerID: "A", Closed: at("2026-01-21"), Won: true, Amount: dec("1000.00")},
			{ID: "d2", PartnerID: "A", Closed: at("2026-02-10"), Won: true, Amount: dec("500.50"), Attribution: Influenced},
			{ID: "d3", PartnerID: "B", Closed: at("2026-03-03"), Won: true, Amount: dec("2000.00"), Attribution: Sourced},
			{ID: "d4", PartnerID: "B", Closed: at("2026-03-05"), Won: false, Amount: dec("9999.00")},
			{ID: "d5", PartnerID: "X", Closed: at("2026-03-20"), Won: true, Amount: dec("10.00")},          // not in the book
			{ID: "d6", PartnerID: "A", Closed: at("2026-04-01T00:00:00Z"), Won: true, Amount: dec("7.00")}, // outside [From, To)
		},
		Leads: []LeadFact{
			{ID: "l1", PartnerID: "A", Submitted: at("2026-01-05"), Converted: true},
			{ID: "l2", PartnerID: "A", Submitted: at("2026-01-06")},
			{ID: "l3", PartnerID: "B", Submitted: at("2026-02-06"), Converted: true},
			{ID: "o1", PartnerID: "A", Kind: Opportunity, Submitted: at("2026-01-07"), Converted: true},
			{ID: "o2", PartnerID: "C", Kind: Opportunity, Submitted: at("2026-03-07")},
			{ID: "l4", PartnerID: "A", Submitted: at("2025-12-31")}, // before the window
		},
	}
	m, err := ComputeMetrics(in)
	require.NoError(t, err)
	assert.Equal(t, 3, m.Partners)
	assert.Equal(t, map[Type]int{Reseller: 2, MSP: 1}, m.ByType)
	assert.Equal(t, map[Tier]int{"silver": 2, "": 1}, m.ByTier, "B was still silver on 2026-03-31")
	assert.Equal(t, map[string]int{"emea": 1, "na": 2}, m.ByRegion)
	assert.Equal(t, map[State]int{Active: 2, Onboarding: 1}, m.ByState)
	assert.Equal(t, 3, m.OnboardingStarted)
	assert.Equal(t, 2, m.Activated)
	assert.Equal(t, "0.6667", m.OnboardingCompletion.String()) // 2/3 half up at 4 places
	assert.Equal(t, 3, m.NewOnboarding)                        // 01-01, 02-01, 03-01 are all in [01-01, 04-01)
	assert.Equal(t, 2, m.NewlyActivated)
	// Time to activation: A 10 days, B 20 days; lower middle of two is 10 days.
	assert.Equal(t, 10*day, m.MedianTimeToActivation)
	// Time to first deal: A 2026-01-11 -> 01-21 = 10 days; B 02-21 -> 03-03 = 10 days.
	assert.Equal(t, 10*day, m.MedianTimeToFirstDeal)
	assert.Equal(t, 3, m.Leads)
	assert.Equal(t, 2, m.LeadsConverted)
	assert.Equal(t, "0.6667", m.LeadConversion.String()) // 2/3
	assert.Equal(t, 2, m.Opportunities)
	assert.Equal(t, "0.5", m.OpportunityConversion.String()) // 1/2
	assert.Equal(t, 4, m.ClosedWon)                          // d1, d2, d3, d5
	assert.Equal(t, 1, m.ClosedLost)
	assert.Equal(t, "3010", m.SourcedRevenue.String()) // 1000.00 + 2000.00 + 10.00
	assert.Equal(t, "500.5", m.InfluencedRevenue.String())
	// 3010 / (3010 + 500.50) = 3010 / 3510.50 = 0.857427...
	assert.Equal(t, "0.8574", m.SourcedShare.String())
	assert.Equal(t, []PeriodCount{
		{Start: at("2026-01-01T00:00:00Z"), Count: 1}, // A
		{Start: at("2026-02-01T00:00:00Z"), Count: 1}, // A
		{Start: at("2026-03-01T00:00:00Z"), Count: 2}, // B and X
	}, m.UniqueTransacting)

	require.Len(t, m.PerPartner, 3)
	a := m.PerPartner[0]
	require.Equal(t, "A", a.PartnerID)
	// A: onboarding 01-01..01-11 = 10d; active 01-11..03-01 = 49d and 03-11..03-31 = 20d; suspended 10d.
	assert.Equal(t, map[State]time.Duration{Onboarding: 10 * day, Active: 69 * day, Suspended: 10 * day}, a.TimeInState)
	// Book: onboarding A 10d + B 20d (02-01..02-21) + C 30d = 60d; active A 69d + B 38d (02-21..03-31) = 107d.
	assert.Equal(t, map[State]time.Duration{Onboarding: 60 * day, Active: 107 * day, Suspended: 10 * day}, m.TimeInState)
	assert.Equal(t, 10*day, a.TimeToActivation)
	assert.Equal(t, 10*day, a.TimeToFirstDeal)
	assert.Equal(t, 2, a.Leads)
	assert.Equal(t, 1, a.LeadsConverted)
	assert.Equal(t, 2, a.ClosedWon)
	assert.Equal(t, "1000", a.SourcedRevenue.String())
	assert.Equal(t, "500.5", a.InfluencedRevenue.String())
	c := m.PerPartner[2]
	assert.Equal(t, map[State]time.Duration{Onboarding: 30 * day}, c.TimeInState) // 03-01 .. 03-31
	assert.True(t, c.Activated.IsZero())
	assert.Equal(t, 1, c.Opportunities)
}

func TestComputeMetricsQuarterAndZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	in := MetricsInput{
		From: time.Date(2026, 2, 15, 0, 0, 0, 0, ny), To: time.Date(2026, 7, 1, 0, 0, 0, 0, ny),
		Period: Quarter, Location: ny,
		Deals: []DealFact{
			// 2026-04-01T02:00Z is still 2026-03-31 in New York: Q1.
			{ID: "d1", PartnerID: "A", Closed: at("2026-04-01T02:00:00Z"), Won: true},
			{ID: "d2", PartnerID: "B", Closed: at("2026-04-01T05:00:00Z"), Won: true},
			{ID: "d3", PartnerID: "B", Closed: at("2026-05-01"), Won: true},
		},
	}
	m, err := ComputeMetrics(in)
	require.NoError(t, err)
	require.Len(t, m.UniqueTransacting, 2)
	assert.True(t, m.UniqueTransacting[0].Start.Equal(time.Date(2026, 2, 15, 0, 0, 0, 0, ny)), "the first period starts with the window")
	assert.Equal(t, 1, m.UniqueTransacting[0].Count)
	assert.True(t, m.UniqueTransacting[1].Start.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, ny)))
	assert.Equal(t, 1, m.UniqueTransacting[1].Count) // B once, two deals
	assert.True(t, m.OnboardingCompletion.IsZero(), "no onboarding: zero, not a division by zero")

	// A partner that started onboarding before the window and was activated inside it.
	old := &Partner{ID: "O", History: []Event{{From: Prospect, To: Onboarding, At: at("2025-01-01")}, {From: Onboarding, To: Active, At: at("2026-02-20")}}}
	in.Partners = []*Partner{old}
	m, err = ComputeMetrics(in)
	require.NoError(t, err)
	assert.Equal(t, 1, m.Activated)
	assert.Equal(t, 0, m.NewOnboarding)
	assert.Equal(t, 1, m.NewlyActivated) // 2026-02-20 is inside [2026-02-15, 2026-07-01)
}

// Half years count unique transacting partners January to June and July
// to December, in the metrics' time zone.
func TestComputeMetricsHalfYear(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	in := MetricsInput{
		From: time.Date(2026, 3, 1, 0, 0, 0, 0, ny), To: time.Date(2027, 3, 1, 0, 0, 0, 0, ny),
		Period: Half, Location: ny,
		Deals: []DealFact{
			// 2026-07-01T03:00Z is still June 30 in New York: H1.
			{ID: "d1", PartnerID: "A", Closed: at("2026-07-01T03:00:00Z"), Won: true},
			{ID: "d2", PartnerID: "B", Closed: at("2026-07-01T05:00:00Z"), Won: true},
			{ID: "d3", PartnerID: "A", Closed: at("2026-12-31T12:00:00Z"), Won: true},
			{ID: "d4", PartnerID: "C", Closed: at("2027-01-02"), Won: true},
		},
	}
	m, err := ComputeMetrics(in)
	require.NoError(t, err)
	require.Len(t, m.UniqueTransacting, 3)
	// H1 from the window's start (Mar 1): A; H2 from Jul 1: B and A; the
	// next H1 from Jan 1 2027 (to the window's end): C.
	assert.True(t, m.UniqueTransacting[0].Start.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, ny)))
	assert.Equal(t, 1, m.UniqueTransacting[0].Count)
	assert.True(t, m.UniqueTransacting[1].Start.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, ny)))
	assert.Equal(t, 2, m.UniqueTransacting[1].Count)
	assert.True(t, m.UniqueTransacting[2].Start.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, ny)))
	assert.Equal(t, 1, m.UniqueTransacting[2].Count)
}

func TestComputeMetricsErrors(t *testing.T) {
	w := MetricsInput{From: at("2026-01-01"), To: at("2026-02-01")}
	tests := []struct {
		name string
		edit func(in *MetricsInput)
		want string
	}{
		{"no window", func(in *MetricsInput) { in.To = time.Time{} }, "partner: invalid metrics input: the window needs From before To"},
		{"period", func(in *MetricsInput) { in.Period = "week" }, `partner: invalid metrics input: unknown period "week" (one of month, quarter, half, year)`},
		{"duplicate partner", func(in *MetricsInput) { in.Partners = []*Partner{{ID: "A"}, {ID: "A"}} }, `partner: invalid metrics input: partner "A" is listed twice`},
		{"lead kind", func(in *MetricsInput) { in.Leads = []LeadFact{{ID: "l", Kind: "mql", Submitted: at("2026-01-02")}} }, `partner: invalid metrics input: lead "l" has unknown kind "mql"`},
		{"attribution", func(in *MetricsInput) {
			in.Deals = []DealFact{{ID: "d", Won: true, Closed: at("2026-01-02"), Attribution: "co-sell"}}
		}, `partner: invalid metrics input: deal "d" has unknown attribution "co-sell"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := w
			tt.edit(&in)
			_, err := ComputeMetrics(in)
			assert.ErrorIs(t, err, ErrMetricsInput)
			assert.EqualError(t, err, tt.want)
		})
	}
}

// BenchmarkComputeMetrics: 10,000 partners with 100 lifecycle events
// each, 10 deals and 10 leads per partner, over one year by month.
func BenchmarkComputeMetrics(b *testing.B) {
	const partners, events = 10_000, 100
	start := at("2025-01-01T00:00:00Z")
	in := MetricsInput{From: at("2025-01-01T00:00:00Z"), To: at("2026-01-01T00:00:00Z")}
	types := Types()
	for i := range partners {
		p := &Partner{ID: fmt.Sprintf("P-%05d", i), Type: types[i%len(types)], Region: []string{"emea", "na", "apac"}[i%3], Tier: "silver"}
		p.History = append(p.History, Event{From: Prospect, To: Onboarding, At: start}, Event{From: Onboarding, To: Active, At: start.Add(time.Hour)})
		for j := 2; j < events; j++ {
			e := Event{From: Active, To: Suspended, At: start.Add(time.Duration(j) * time.Hour)}
			if j%2 == 1 {
				e.From, e.To = Suspended, Active
			}
			p.History = append(p.History, e)
		}
		p.Status = p.History[events-1].To
		in.Partners = append(in.Partners, p)
		for k := range 10 {
			t := start.Add(time.Duration(k*30*24+i%24) * time.Hour)
			in.Deals = append(in.Deals, DealFact{ID: fmt.Sprintf("%d-%d", i, k), PartnerID: p.ID, Closed: t, Won: k%3 != 0,
				Amount: decimal.New(int64(1000+k), 0), Attribution: Attributions()[k%2]})
			in.Leads = append(in.Leads, LeadFact{ID: fmt.Sprintf("%d-%d", i, k), PartnerID: p.ID, Submitted: t, Converted: k%2 == 0})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := ComputeMetrics(in); err != nil {
			b.Fatal(err)
		}
	}
}

// A nil entry in a book of partners (a lookup that found nothing) is bad
// input, not a crash: ComputeMetrics says which entry, NoticesOn has
// nothing to report for it.
func TestNilPartnerInTheBook(t *testing.T) {
	in := MetricsInput{From: at("2026-01-01"), To: at("2026-02-01"), Partners: []*Partner{{ID: "A"}, nil}}
	var err error
	require.NotPanics(t, func() { _, err = ComputeMetrics(in) })
	assert.ErrorIs(t, err, ErrMetricsInput)
	assert.EqualError(t, err, "partner: invalid metrics input: partners[1] is nil")

	p := payable()
	p.Status = Active
	var ns []Notice
	require.NotPanics(t, func() { ns = (&Compliance{}).NoticesOn([]*Partner{nil, p}, d("2026-12-15")) })
	require.Len(t, ns, 1) // tax-1 ends 2026-12-31, within 30 days of 2026-12-15
	assert.Equal(t, "tax-1", ns[0].DocumentID)
}
