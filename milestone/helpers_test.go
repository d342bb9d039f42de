package milestone

import (
	_ "time/tzdata" // Europe/Berlin on machines without a zone database

	"time"

	"github.com/shopspring/decimal"
)

// d parses a date literal.
func d(s string) Date {
	if s == "" {
		return Date{}
	}
	return MustDate(s)
}

// at is noon UTC of a date literal.
func at(s string) time.Time { return d(s).Time().Add(12 * time.Hour) }

// dec parses a decimal literal.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// ms builds a milestone due on a day with dependencies.
func ms(id, due string, dur int, deps ...string) Milestone {
	return Milestone{ID: id, Name: id, Owner: "owner-" + id, Due: d(due), Duration: dur, DependsOn: deps}
}

// plan builds a plan starting on start.
func plan(start string, m ...Milestone) *Plan {
	return &Plan{ID: "P1", Subject: "acme", Name: "Acme onboarding", Owner: "pm", OwnerManager: "director", Start: d(start), Milestones: m}
}

// set moves a milestone to a status at a time, failing the test on error.
func set(t interface {
	Helper()
	Fatalf(string, ...any)
}, p *Plan, id string, to Status, when string) {
	t.Helper()
	if err := p.Apply(Event{Kind: EventStatus, At: at(when), Actor: "tester", Milestone: id, To: to}); err != nil {
		t.Fatalf("set %s %s: %v", id, to, err)
	}
}

func mustLoc(t interface{ Fatalf(string, ...any) }, name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return l
}
