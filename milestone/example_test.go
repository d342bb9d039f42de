package milestone_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/partnerops/partnerops/milestone"
	"github.com/shopspring/decimal"
)

func day(s string) milestone.Date { return milestone.MustDate(s) }

// onboarding is a three-step onboarding plan for partner acme.
func onboarding() *milestone.Plan {
	return &milestone.Plan{
		ID: "acme-onboarding", Subject: "acme", Name: "Acme onboarding", Owner: "paula", OwnerManager: "dora",
		Start: day("2026-01-05"),
		Milestones: []milestone.Milestone{
			{ID: "agreement", Name: "Agreement signed", Owner: "paula", Due: day("2026-01-12")},
			{ID: "training", Name: "Sales training", Owner: "eve", Due: day("2026-01-23"), Duration: 5, DependsOn: []string{"agreement"}},
			{ID: "certified", Name: "3 certified engineers", Owner: "eve", Due: day("2026-02-06"), Duration: 5, DependsOn: []string{"training"}, Weight: 3},
		},
		Outcomes: []milestone.Outcome{{ID: "pipeline", Name: "Pipeline", Metric: "pipeline", Target: decimal.NewFromInt(50000), Unit: "USD", Due: day("2026-03-31")}},
	}
}

// A plan's health on a day: the agreement is four days late (projected
// today, 01-16); training needs 5 days after it (01-21, inside its 01-23
// due) but has not started a week before its due date, so it is at risk.
func ExampleConfig_Health() {
	p := onboarding()
	now := time.Date(2026, 1, 16, 9, 0, 0, 0, time.UTC) // the caller's clock
	h, err := milestone.Config{}.Health(p, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("plan:", h.Health, "projected completion", h.ProjectedCompletion, "critical path", h.CriticalPath)
	for _, m := range h.Milestones {
		fmt.Printf("%-10s %-9s due %s projected %s (%s)\n", m.ID, m.Health, m.Due, m.ProjectedFinish, m.Reason)
	}
	fmt.Println("complete:", h.PercentByCount(), "% by count,", h.PercentByWeight(), "% by weight")
	// Output:
	// plan: overdue projected completion 2026-02-06 critical path [agreement training certified]
	// agreement  overdue   due 2026-01-12 projected 2026-01-16 (overdue 4 days)
	// training   at_risk   due 2026-01-23 projected 2026-01-23 (not started, due in 7 days)
	// certified  on_track  due 2026-02-06 projected 2026-02-06 (on track)
	// complete: 0 % by count, 0 % by weight
}

// Moving a milestone to done before its dependencies is refused with the
// dependencies that are still open.
func ExamplePlan_Apply_error() {
	p := onboarding()
	err := p.Apply(milestone.Event{Kind: milestone.EventStatus, At: time.Date(2026, 1, 8, 10, 0, 0, 0, time.UTC),
		Actor: "eve", Milestone: "certified", To: milestone.Done, Reason: "certified early"})
	var de *milestone.DependencyError
	fmt.Println(errors.Is(err, milestone.ErrDependenciesOpen), errors.As(err, &de), de.Open)
	fmt.Println(err)
	// Output:
	// true true [training]
	// milestone: "certified" cannot be done before training
}

// Validate lists every problem at once: here two cycles and a dependency
// on a milestone that does not exist.
func ExamplePlan_Validate() {
	p := onboarding()
	p.Milestones[0].DependsOn = []string{"certified"}
	p.Milestones = append(p.Milestones,
		milestone.Milestone{ID: "launch", Due: day("2026-03-01"), DependsOn: []string{"press", "webinar"}},
		milestone.Milestone{ID: "press", Due: day("2026-03-01"), DependsOn: []string{"launch"}})
	var ve *milestone.ValidationError
	if errors.As(p.Validate(), &ve) {
		for _, prob := range ve.Problems {
			fmt.Println(prob.Kind, prob)
		}
	}
	// Output:
	// dangling_dependency milestones[3].depends_on[1]: milestone "launch" depends on "webinar", which is not a milestone of this plan
	// cycle milestones[0].depends_on: dependency cycle: agreement -> certified -> training -> agreement
	// cycle milestones[3].depends_on: dependency cycle: launch -> press -> launch
}

// Escalations due now; once delivered and recorded they are not due again.
func ExampleConfig_Escalations() {
	p := onboarding()
	pol := milestone.Policy{Rules: []milestone.EscalationRule{
		{Trigger: milestone.TriggerOverdue, After: 3, Notify: milestone.NotifyOwner},
		{Trigger: milestone.TriggerOverdue, After: 7, Notify: milestone.NotifyManager},
	}}
	for _, today := range []string{"2026-01-16", "2026-01-17", "2026-01-20"} {
		now := day(today).Time().Add(9 * time.Hour)
		due, err := milestone.Config{}.Escalations(pol, p, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, e := range due {
			fmt.Println(today, "->", e.To+":", e.Message)
			_ = p.Apply(e.Event(now, "notifier")) // delivered: record it
		}
	}
	// Output:
	// 2026-01-16 -> paula: acme-onboarding: "Agreement signed" overdue 4 days (more than 3 days)
	// 2026-01-20 -> dora: acme-onboarding: "Agreement signed" overdue 8 days (more than 7 days)
}

// A portfolio of two plans rendered for a manager. Globex's pipeline
// trend: 2,000 USD 10 days after the 01-05 start, 75 days left to 03-31:
// 2000 + 2000*75/10 = 17,000, short of 50,000.
func ExampleConfig_Portfolio() {
	a := onboarding()
	b := onboarding()
	b.ID, b.Subject, b.Owner = "globex-onboarding", "globex", "omar"
	at := func(s string) time.Time { return day(s).Time().Add(10 * time.Hour) }
	_ = b.Apply(milestone.Event{Kind: milestone.EventStatus, At: at("2026-01-09"), Actor: "omar", Milestone: "agreement", To: milestone.Done})
	_ = b.Apply(milestone.Event{Kind: milestone.EventStatus, At: at("2026-01-12"), Actor: "eve", Milestone: "training", To: milestone.InProgress})
	_ = b.Apply(milestone.Event{Kind: milestone.EventProgress, At: at("2026-01-15"), Actor: "crm", Outcome: "pipeline", Value: decimal.NewFromInt(2000)})
	pf := milestone.Config{}.Portfolio([]*milestone.Plan{a, b}, milestone.PortfolioParams{Now: at("2026-01-16")})
	_ = pf.WriteText(os.Stdout)
	// Output:
	// Portfolio on 2026-01-16: 2 plans
	//   overdue 1 · blocked 0 · at risk 1 · on track 0 · done 0
	//
	// Needs attention, most severe first:
	//   1.  acme-onboarding    agreement         paula  overdue 4 days, critical path                due 2026-01-12  Agreement signed
	//   2.  globex-onboarding  outcome pipeline  omar   off track: trend reaches 17000 of 50000 USD  due 2026-03-31  Pipeline
	//   3.  acme-onboarding    training          eve    not started, due in 7 days, critical path    due 2026-01-23  Sales training
	//
	// Plans, worst first:
	//   PLAN               SUBJECT  HEALTH   DONE  BY WEIGHT  PROJECTED   OWNER
	//   acme-onboarding    acme     overdue  0/3   0.0%       2026-02-06  paula
	//   globex-onboarding  globex   at_risk  1/3   20.0%      2026-02-06  omar
}

// A template instantiated on the last day of January: month offsets clamp
// to the end of February.
func ExampleTemplate_Instantiate() {
	plus := func(s string) milestone.Offset {
		o, err := milestone.ParseOffset(s)
		if err != nil {
			panic(err)
		}
		return o
	}
	tpl := &milestone.Template{ID: "reseller-onboarding", Name: "Reseller onboarding", PartnerType: "reseller",
		Milestones: []milestone.TemplateMilestone{
			{ID: "agreement", Owner: "partner_manager", Due: plus("+14d")},
			{ID: "training", Owner: "enablement", Due: plus("+1mo"), DependsOn: []string{"agreement"}},
			{ID: "certified", Owner: "enablement", Due: plus("+2mo"), DependsOn: []string{"training"}},
		}}
	chosen, ok := milestone.Templates{tpl}.For("reseller")
	if !ok {
		return
	}
	plan, err := chosen.Instantiate(milestone.InstantiateParams{PlanID: "acme-1", Subject: "acme", Owner: "paula",
		Start: day("2026-01-31"), Owners: map[string]string{"partner_manager": "paula"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan.Name)
	for _, m := range plan.Milestones {
		fmt.Println(m.ID, m.Owner, m.Due)
	}
	// Output:
	// acme: Reseller onboarding
	// agreement paula 2026-02-14
	// training enablement 2026-02-28
	// certified enablement 2026-03-31
}

// ParseOffset refuses what it cannot read, saying why.
func ExampleParseOffset_error() {
	_, err := milestone.ParseOffset("+2 weeks")
	fmt.Println(errors.Is(err, milestone.ErrBadOffset))
	fmt.Println(err)
	// Output:
	// true
	// milestone: bad offset "+2 weeks": unknown unit " weeks"; want a number of days, weeks or months after the start such as +14d, +2w or +1mo
}

// A store with optimistic versions: a writer that read an old version
// gets a conflict instead of losing the other writer's events.
func ExampleMemoryStore() {
	ctx := context.Background()
	var store milestone.MemoryStore // the zero value is ready
	p, _ := store.CreatePlan(ctx, milestone.CreatePlanParams{Plan: onboarding()})
	at := day("2026-01-09").Time().Add(10 * time.Hour)
	done := milestone.Event{Kind: milestone.EventStatus, At: at, Actor: "paula", Milestone: "agreement", To: milestone.Done}
	p2, err := store.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: p.ID, ExpectedVersion: p.Version, Events: []milestone.Event{done}})
	fmt.Println(p2.Version, err)
	_, err = store.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: p.ID, ExpectedVersion: p.Version, Events: []milestone.Event{done}})
	fmt.Println(errors.Is(err, milestone.ErrConflict), err)
	// Output:
	// 2 <nil>
	// true milestone: plan "acme-onboarding" is at version 2, not 1: read it again
}
