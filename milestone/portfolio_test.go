package milestone

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// portfolioPlans are seven plans seen on 2026-02-15.
func portfolioPlans(t *testing.T) []*Plan {
	mk := func(id, start string, m ...Milestone) *Plan {
		p := plan(start, m...)
		p.ID, p.Subject, p.Owner = id, PartnerID("partner-"+id), "pm-"+id
		return p
	}
	pa := mk("a", "2026-01-10", ms("m1", "2026-02-01", 0))                          // 14 days overdue, critical
	pb := mk("b", "2026-02-01", ms("x", "2026-02-10", 0), ms("y", "2026-03-30", 0)) // x 5 days overdue, off the critical path (y ends later)
	pc := mk("c", "2026-02-01", ms("enable", "2026-04-30", 0))                      // on time, but its outcome is off track
	set(t, pc, "enable", InProgress, "2026-02-02")
	// 1,000 after 13 days (02-01 to 02-14); 45 days left to 03-31 (14 in
	// February + 31): 1000 + 1000*45/13 = 1000 + 3461.54 = 4461.54 <
	// 50,000.
	pc.Outcomes = []Outcome{{ID: "pipeline", Name: "Pipeline", Target: dec("50000"), Unit: "USD", Due: d("2026-03-31"),
		Progress: []Measurement{{d("2026-02-14"), dec("1000")}}}}
	pd := mk("d", "2026-02-01", ms("legal", "2026-03-01", 0)) // blocked since 02-10
	set(t, pd, "legal", Blocked, "2026-02-10")
	// Outcome of c2 is off track by less: 20,000 after 44 days (start
	// 01-01 to 02-14), 45 days left to 03-31: 20000 + 20000*45/44 =
	// 20000 + 20454.55 = 40454.55; short by (50000-40454.55)/50000 =
	// 0.190909 -> 0.1909, against c's (50000-4461.54)/50000 = 0.910769
	// -> 0.9108: c ranks first.
	pc2 := mk("c2", "2026-01-01", ms("enable", "2026-04-30", 0))
	set(t, pc2, "enable", InProgress, "2026-01-02")
	pc2.Outcomes = []Outcome{{ID: "pipeline", Name: "Pipeline", Target: dec("50000"), Unit: "USD", Due: d("2026-03-31"),
		Progress: []Measurement{{d("2026-02-14"), dec("20000")}}}}
	pe := mk("e", "2026-02-01", ms("kickoff", "2026-02-20", 0))                               // not started, due in 5 days
	pf := mk("f", "2026-02-01", ms("welcome", "2026-02-12", 0))                               // 3 days overdue, critical
	pg := mk("g", "2026-01-05", ms("a", "2026-01-10", 0), ms("b", "2026-01-25", 0, "a"))      // done
	ph := mk("h", "2026-01-02", ms("a", "2026-01-10", 0), ms("b", "2026-01-31", 0, "a"))      // done
	pi := mk("i", "2026-01-20", ms("a", "2026-01-25", 0, "b"), ms("b", "2026-01-25", 0, "a")) // invalid: a cycle
	set(t, pg, "a", Done, "2026-01-08")
	set(t, pg, "b", Done, "2026-01-20")
	set(t, ph, "a", Done, "2026-01-10")
	set(t, ph, "b", Done, "2026-01-30")
	pg.Template, ph.Template = "t1", "t1"
	return []*Plan{pg, pc2, pf, pe, pd, pc, pb, pa, ph, pi}
}

func TestPortfolioRanking(t *testing.T) {
	pf := Config{}.Portfolio(portfolioPlans(t), PortfolioParams{Now: at("2026-02-15"),
		CohortFrom: d("2026-01-01"), CohortTo: d("2026-01-31")})
	type item struct {
		kind AttentionKind
		plan string
		id   string
		days int
	}
	var got []item
	for _, it := range pf.Attention {
		got = append(got, item{it.Kind, it.PlanID, it.Milestone + it.Outcome, it.Days})
	}
	assert.Equal(t, []item{
		{AttentionOverdueCritical, "a", "m1", 14},
		{AttentionOverdueCritical, "f", "welcome", 3},
		{AttentionOutcomeOffTrack, "c", "pipeline", 0},
		{AttentionOutcomeOffTrack, "c2", "pipeline", 0},
		{AttentionOverdue, "b", "x", 5},
		{AttentionBlocked, "d", "legal", 5},
		{AttentionAtRiskCritical, "e", "kickoff", 0},
	}, got)
	assert.Equal(t, []HealthCount{{HealthOverdue, 3}, {HealthBlocked, 1}, {HealthAtRisk, 3}, {HealthOnTrack, 0}, {HealthDone, 2}}, pf.Counts)
	assert.Equal(t, "0.9108", pf.Attention[2].Shortfall.String())
	assert.Equal(t, "0.1909", pf.Attention[3].Shortfall.String())
	require.Len(t, pf.Errors, 1)
	assert.Equal(t, "i", pf.Errors[0].PlanID)
	assert.ErrorIs(t, pf.Errors[0].Err, ErrInvalidPlan)

	var order []string
	for _, h := range pf.Plans {
		order = append(order, h.PlanID)
	}
	// Worst first; among overdue plans the latest projected completion
	// first: b ends 03-30, a and f end today (02-15), then by id; at
	// risk c and c2 (04-30, by id) before e (02-20); done h (01-30)
	// before g (01-20).
	assert.Equal(t, []string{"b", "a", "f", "d", "c", "c2", "e", "h", "g"}, order)

	// Cohort: a, c2, g, h and i started in January; i is invalid, so 4
	// started. g took 01-05 -> 01-20 = 15 days, h 01-02 -> 01-30 = 28:
	// median (15+28)/2 = 21.5; 2 of 4 = 50%.
	require.NotNil(t, pf.Completion)
	assert.Equal(t, 4, pf.Completion.Started)
	assert.Equal(t, 2, pf.Completion.Completed)
	assert.Equal(t, "50", pf.Completion.Percent().String())
	assert.Equal(t, "21.5", pf.Completion.MedianDays.String())

	// Template t1: a took 3 (g: 01-05 -> 01-08) and 8 (h: 01-02 ->
	// 01-10) days: median 5.5. b is ready when a is done: g 01-08 ->
	// 01-20 = 12, h 01-10 -> 01-30 = 20: median 16.
	require.Len(t, pf.Medians, 1)
	assert.Equal(t, TemplateMedians{Template: "t1", Milestones: []MilestoneMedian{
		{ID: "a", Name: "a", Plans: 2, MedianDays: dec("5.5")},
		{ID: "b", Name: "b", Plans: 2, MedianDays: dec("16")},
	}}, normalizeMedians(pf.Medians[0]))

	limited := Config{}.Portfolio(portfolioPlans(t), PortfolioParams{Now: at("2026-02-15"), AttentionLimit: 2})
	assert.Len(t, limited.Attention, 2)
	assert.Nil(t, limited.Completion)
}

// normalizeMedians makes decimals comparable with assert.Equal.
func normalizeMedians(tm TemplateMedians) TemplateMedians {
	for i := range tm.Milestones {
		tm.Milestones[i].MedianDays = dec(tm.Milestones[i].MedianDays.String())
	}
	return tm
}

func TestPortfolioTextIsDeterministic(t *testing.T) {
	var a, b strings.Builder
	plans := portfolioPlans(t)
	require.NoError(t, Config{}.Portfolio(plans, PortfolioParams{Now: at("2026-02-15")}).WriteText(&a))
	// The same plans in another order render the same bytes.
	plans[0], plans[len(plans)-1] = plans[len(plans)-1], plans[0]
	require.NoError(t, Config{}.Portfolio(plans, PortfolioParams{Now: at("2026-02-15")}).WriteText(&b))
	assert.Equal(t, a.String(), b.String())
	assert.Contains(t, a.String(), "Portfolio on 2026-02-15: 9 plans\n")
}

func TestPortfolioEmpty(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Config{}.Portfolio(nil, PortfolioParams{Now: at("2026-02-15")}).WriteText(&b))
	assert.Contains(t, b.String(), "nothing")
}
