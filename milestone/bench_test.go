package milestone

import (
	"fmt"
	"testing"
	"time"
)

// benchPortfolio builds n plans of m milestones: each milestone depends on
// the one before and, every third one, on the one three back; the first
// third of each plan is done, one in seven plans has an overdue head, and
// every plan has an outcome with progress.
func benchPortfolio(b *testing.B, n, m int) []*Plan {
	plans := make([]*Plan, n)
	start := d("2026-01-05")
	for i := range plans {
		p := &Plan{ID: fmt.Sprintf("plan-%04d", i), Subject: PartnerID(fmt.Sprintf("partner-%04d", i)), Owner: fmt.Sprintf("pm-%d", i%15),
			Start: start.AddDays(i % 60), Template: "bench"}
		for j := 0; j < m; j++ {
			ms := Milestone{ID: fmt.Sprintf("m%02d", j), Name: fmt.Sprintf("step %d", j), Owner: "owner",
				Due: p.Start.AddDays(7 * (j + 1)), Duration: 3 + j%4, Weight: 1 + j%3}
			if j > 0 {
				ms.DependsOn = append(ms.DependsOn, fmt.Sprintf("m%02d", j-1))
			}
			if j >= 3 && j%3 == 0 {
				ms.DependsOn = append(ms.DependsOn, fmt.Sprintf("m%02d", j-3))
			}
			p.Milestones = append(p.Milestones, ms)
		}
		p.Outcomes = []Outcome{{ID: "pipeline", Target: dec("50000"), Due: p.Start.AddDays(120)}}
		doneUpTo := m / 3
		if i%7 == 0 {
			doneUpTo = 0
		}
		for j := 0; j < doneUpTo; j++ {
			if err := p.Apply(Event{Kind: EventStatus, At: p.Milestones[j].Due.Time().Add(time.Hour), Actor: "b", Milestone: p.Milestones[j].ID, To: Done}); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Apply(Event{Kind: EventProgress, At: p.Start.AddDays(30 + doneUpTo*7).Time(), Actor: "crm", Outcome: "pipeline", Value: dec(fmt.Sprint(1000 * (i%50 + 1)))}); err != nil {
			b.Fatal(err)
		}
		plans[i] = p
	}
	return plans
}

// BenchmarkPortfolio is the health of a portfolio of 1,000 plans with 20
// milestones each: validation, projection, critical paths, outcome
// trends, attention ranking and template medians.
func BenchmarkPortfolio(b *testing.B) {
	plans := benchPortfolio(b, 1000, 20)
	now := at("2026-03-20")
	b.ReportAllocs()
	for b.Loop() {
		pf := Config{}.Portfolio(plans, PortfolioParams{Now: now})
		if len(pf.Plans) != 1000 {
			b.Fatalf("%d plans assessed, %d errors", len(pf.Plans), len(pf.Errors))
		}
	}
}

// BenchmarkHealth is one plan of 20 milestones.
func BenchmarkHealth(b *testing.B) {
	p := benchPortfolio(b, 1, 20)[0]
	now := at("2026-03-20")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Config{}).Health(p, now); err != nil {
			b.Fatal(err)
		}
	}
}
