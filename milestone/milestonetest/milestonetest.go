// Package milestonetest is the conformance suite every milestone.Store
// implementation must pass. Call Run from a test of the implementation's
// package:
//
//	func TestConformance(t *testing.T) {
//		milestonetest.Run(t, func(t *testing.T) milestone.Store { return newStore(t) })
//	}
package milestonetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/milestone"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Run runs the suite. newStore returns an empty store for each subtest.
func Run(t *testing.T, newStore func(t *testing.T) milestone.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s milestone.Store)
	}{
		{"create and get", testCreateGet},
		{"create refuses a taken id, an invalid plan and no id", testCreateRefuses},
		{"get a missing plan", testNotFound},
		{"append events bumps the version", testAppend},
		{"stale version is a conflict and stores nothing", testStale},
		{"a refused event stores none of the batch", testAllOrNothing},
		{"get as of a past moment", testAsOf},
		{"list filters and pages by id", testList},
		{"plans returned are copies", testCopies},
		{"concurrent appends at one version: one wins", testConcurrent},
		{"a cancelled context is refused", testCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func day(s string) milestone.Date { return milestone.MustDate(s) }

func noon(s string) time.Time { return day(s).Time().Add(12 * time.Hour) }

// samplePlan is a two-milestone plan with a metric target and an outcome.
func samplePlan(id, owner string, subject milestone.PartnerID) *milestone.Plan {
	return &milestone.Plan{
		ID: id, Subject: subject, Name: "onboarding " + string(subject), Owner: owner, OwnerManager: "director",
		Template: "reseller-onboarding", PartnerType: "reseller", Start: day("2026-01-01"),
		Milestones: []milestone.Milestone{
			{ID: "kickoff", Name: "Kickoff", Owner: "ana", Due: day("2026-01-10"), Duration: 2, Weight: 1},
			{ID: "certify", Name: "Certify engineers", Owner: "bob", Due: day("2026-02-01"), Duration: 10, Weight: 3,
				DependsOn: []string{"kickoff"},
				Targets:   []milestone.MetricTarget{{Metric: "certified_engineers", Target: decimal.NewFromInt(3), Unit: "engineers"}}},
		},
		Outcomes: []milestone.Outcome{{ID: "pipeline", Metric: "pipeline", Target: decimal.NewFromInt(50000), Unit: "USD", Due: day("2026-03-31")}},
		Escalation: milestone.Policy{Rules: []milestone.EscalationRule{
			{Trigger: milestone.TriggerOverdue, After: 3, Notify: milestone.NotifyOwner},
			{Trigger: milestone.TriggerBlocked, After: 7, Notify: milestone.NotifyManager},
		}},
	}
}

func status(id string, to milestone.Status, at string) milestone.Event {
	return milestone.Event{Kind: milestone.EventStatus, At: noon(at), Actor: "tester", Milestone: id, To: to, Reason: "test"}
}

func create(t *testing.T, s milestone.Store, p *milestone.Plan) *milestone.Plan {
	t.Helper()
	got, err := s.CreatePlan(context.Background(), milestone.CreatePlanParams{Plan: p})
	require.NoError(t, err)
	return got
}

// samePlan compares the parts of a plan a store must keep, tolerating
// representations that differ but mean the same (decimals, time zones).
func samePlan(t *testing.T, want, got *milestone.Plan) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.Subject, got.Subject)
	assert.Equal(t, want.Name, got.Name)
	assert.Equal(t, want.Owner, got.Owner)
	assert.Equal(t, want.OwnerManager, got.OwnerManager)
	assert.Equal(t, want.Template, got.Template)
	assert.Equal(t, want.PartnerType, got.PartnerType)
	assert.Equal(t, want.Start, got.Start)
	assert.Equal(t, want.Escalation, got.Escalation)
	require.Len(t, got.Milestones, len(want.Milestones))
	for i, w := range want.Milestones {
		g := got.Milestones[i]
		assert.Equal(t, []any{w.ID, w.Name, w.Owner, w.Due, w.Duration, w.Weight, w.Status.Normal(), w.Reopened, len(w.DependsOn), len(w.Targets)},
			[]any{g.ID, g.Name, g.Owner, g.Due, g.Duration, g.Weight, g.Status.Normal(), g.Reopened, len(g.DependsOn), len(g.Targets)}, w.ID)
		for j := range w.DependsOn {
			assert.Equal(t, w.DependsOn[j], g.DependsOn[j])
		}
		for j := range w.Targets {
			assert.Equal(t, w.Targets[j].Metric, g.Targets[j].Metric)
			assert.True(t, w.Targets[j].Target.Equal(g.Targets[j].Target))
			assert.True(t, w.Targets[j].Actual.Equal(g.Targets[j].Actual))
			assert.True(t, w.Targets[j].MeasuredAt.Equal(g.Targets[j].MeasuredAt))
		}
		assert.True(t, w.Completed.Equal(g.Completed), "completed of %s", w.ID)
		assert.True(t, w.Started.Equal(g.Started), "started of %s", w.ID)
	}
	require.Len(t, got.Outcomes, len(want.Outcomes))
	for i, w := range want.Outcomes {
		g := got.Outcomes[i]
		assert.Equal(t, w.ID, g.ID)
		assert.True(t, w.Target.Equal(g.Target))
		assert.Equal(t, w.Due, g.Due)
		require.Len(t, g.Progress, len(w.Progress))
		for j := range w.Progress {
			assert.Equal(t, w.Progress[j].On, g.Progress[j].On)
			assert.True(t, w.Progress[j].Value.Equal(g.Progress[j].Value))
		}
	}
	require.Len(t, got.Events, len(want.Events))
	for i, w := range want.Events {
		g := got.Events[i]
		assert.Equal(t, fmt.Sprint(w.Kind, w.Actor, w.Reason, w.Milestone, w.From, w.To, w.Reopen, w.Metric, w.Outcome, w.On, w.Due, w.PrevDue, w.Escalation),
			fmt.Sprint(g.Kind, g.Actor, g.Reason, g.Milestone, g.From, g.To, g.Reopen, g.Metric, g.Outcome, g.On, g.Due, g.PrevDue, g.Escalation))
		assert.True(t, w.At.Equal(g.At))
		assert.True(t, w.Value.Equal(g.Value))
	}
}

func testCreateGet(t *testing.T, s milestone.Store) {
	p := samplePlan("p1", "pm", "acme")
	got := create(t, s, p)
	assert.Equal(t, int64(1), got.Version)
	samePlan(t, p, got)
	read, err := s.GetPlan(context.Background(), milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), read.Version)
	samePlan(t, p, read)
}

func testCreateRefuses(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	create(t, s, samplePlan("p1", "pm", "acme"))
	_, err := s.CreatePlan(ctx, milestone.CreatePlanParams{Plan: samplePlan("p1", "other", "globex")})
	assert.ErrorIs(t, err, milestone.ErrConflict)
	bad := samplePlan("p2", "pm", "acme")
	bad.Milestones[0].DependsOn = []string{"certify"}
	_, err = s.CreatePlan(ctx, milestone.CreatePlanParams{Plan: bad})
	assert.ErrorIs(t, err, milestone.ErrInvalidPlan)
	_, err = s.GetPlan(ctx, milestone.GetPlanParams{ID: "p2"})
	assert.ErrorIs(t, err, milestone.ErrNotFound, "an invalid plan is not stored")
	replays := samplePlan("p3", "pm", "acme")
	replays.Events = []milestone.Event{status("certify", milestone.Done, "2026-01-05")} // kickoff is not done
	_, err = s.CreatePlan(ctx, milestone.CreatePlanParams{Plan: replays})
	assert.ErrorIs(t, err, milestone.ErrDependenciesOpen, "events that do not replay are refused")
	_, err = s.CreatePlan(ctx, milestone.CreatePlanParams{Plan: samplePlan("", "pm", "acme")})
	assert.ErrorIs(t, err, milestone.ErrMissingID)
	_, err = s.CreatePlan(ctx, milestone.CreatePlanParams{})
	assert.ErrorIs(t, err, milestone.ErrMissingID)
}

func testNotFound(t *testing.T, s milestone.Store) {
	_, err := s.GetPlan(context.Background(), milestone.GetPlanParams{ID: "nope"})
	assert.ErrorIs(t, err, milestone.ErrNotFound)
	_, err = s.AppendEvents(context.Background(), milestone.AppendEventsParams{PlanID: "nope", ExpectedVersion: 1,
		Events: []milestone.Event{status("kickoff", milestone.Done, "2026-01-05")}})
	assert.ErrorIs(t, err, milestone.ErrNotFound)
}

func testAppend(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	want := samplePlan("p1", "pm", "acme")
	create(t, s, want)
	evs := []milestone.Event{
		status("kickoff", milestone.InProgress, "2026-01-02"),
		status("kickoff", milestone.Done, "2026-01-05"),
		{Kind: milestone.EventMetric, At: noon("2026-01-20"), Actor: "bob", Milestone: "certify", Metric: "certified_engineers", Value: decimal.RequireFromString("2.5")},
		{Kind: milestone.EventProgress, At: noon("2026-01-21"), Actor: "crm", Outcome: "pipeline", Value: decimal.RequireFromString("12000.50")},
	}
	got, err := s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1, Events: evs[:2]})
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	got, err = s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 2, Events: evs[2:]})
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)
	for _, e := range evs {
		require.NoError(t, want.Apply(e))
	}
	samePlan(t, want, got)
	read, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Equal(t, int64(3), read.Version)
	samePlan(t, want, read)
	assert.Equal(t, milestone.Done, read.Milestones[0].Status)
}

func testStale(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	create(t, s, samplePlan("p1", "pm", "acme"))
	_, err := s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1,
		Events: []milestone.Event{status("kickoff", milestone.InProgress, "2026-01-02")}})
	require.NoError(t, err)
	_, err = s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1,
		Events: []milestone.Event{status("kickoff", milestone.Done, "2026-01-03")}})
	require.ErrorIs(t, err, milestone.ErrConflict)
	var ce *milestone.ConflictError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, int64(1), ce.Expected)
	assert.Equal(t, int64(2), ce.Actual)
	read, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Len(t, read.Events, 1)
	assert.Equal(t, milestone.InProgress, read.Milestones[0].Status)
}

func testAllOrNothing(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	create(t, s, samplePlan("p1", "pm", "acme"))
	_, err := s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1, Events: []milestone.Event{
		status("kickoff", milestone.InProgress, "2026-01-02"),
		status("certify", milestone.Done, "2026-01-03"), // kickoff is not done
	}})
	require.ErrorIs(t, err, milestone.ErrDependenciesOpen)
	read, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), read.Version)
	assert.Empty(t, read.Events)
	assert.Equal(t, milestone.NotStarted, read.Milestones[0].Status.Normal())
}

func testAsOf(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	create(t, s, samplePlan("p1", "pm", "acme"))
	_, err := s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1, Events: []milestone.Event{
		status("kickoff", milestone.InProgress, "2026-01-02"),
		status("kickoff", milestone.Done, "2026-01-05"),
	}})
	require.NoError(t, err)
	past, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1", AsOf: noon("2026-01-03")})
	require.NoError(t, err)
	assert.Equal(t, milestone.InProgress, past.Milestones[0].Status)
	assert.Len(t, past.Events, 1)
	now, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Equal(t, milestone.Done, now.Milestones[0].Status)
}

func testList(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	for _, p := range []*milestone.Plan{
		samplePlan("p3", "pm", "acme"), samplePlan("p1", "pm", "globex"), samplePlan("p2", "zoe", "acme"), samplePlan("p4", "pm", "initech"),
	} {
		create(t, s, p)
	}
	p4 := samplePlan("p5", "pm", "acme")
	p4.Template = "msp-onboarding"
	create(t, s, p4)
	ids := func(ps []*milestone.Plan, err error) []string {
		require.NoError(t, err)
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	tests := []struct {
		params milestone.ListPlansParams
		want   []string
	}{
		{milestone.ListPlansParams{}, []string{"p1", "p2", "p3", "p4", "p5"}},
		{milestone.ListPlansParams{Owner: "pm"}, []string{"p1", "p3", "p4", "p5"}},
		{milestone.ListPlansParams{Subject: "acme"}, []string{"p2", "p3", "p5"}},
		{milestone.ListPlansParams{Template: "msp-onboarding"}, []string{"p5"}},
		{milestone.ListPlansParams{Limit: 2}, []string{"p1", "p2"}},
		{milestone.ListPlansParams{AfterID: "p2", Limit: 2}, []string{"p3", "p4"}},
		{milestone.ListPlansParams{Owner: "pm", AfterID: "p4"}, []string{"p5"}},
		{milestone.ListPlansParams{Owner: "nobody"}, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ids(s.ListPlans(ctx, tt.params)), "%+v", tt.params)
	}
}

func testCopies(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	p := samplePlan("p1", "pm", "acme")
	got := create(t, s, p)
	p.Milestones[0].Name = "changed by the caller after create"
	got.Milestones[1].DependsOn[0] = "changed"
	read, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Equal(t, "Kickoff", read.Milestones[0].Name)
	assert.Equal(t, "kickoff", read.Milestones[1].DependsOn[0])
	read.Milestones[0].Owner = "mutated"
	list, err := s.ListPlans(ctx, milestone.ListPlansParams{})
	require.NoError(t, err)
	assert.Equal(t, "ana", list[0].Milestones[0].Owner)
}

func testConcurrent(t *testing.T, s milestone.Store) {
	ctx := context.Background()
	create(t, s, samplePlan("p1", "pm", "acme"))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1,
				Events: []milestone.Event{{Kind: milestone.EventEscalated, At: noon("2026-01-15"), Actor: fmt.Sprint("worker-", i), Escalation: "k"}}})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else {
			assert.ErrorIs(t, err, milestone.ErrConflict)
		}
	}
	assert.Equal(t, 1, wins)
	read, err := s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	require.NoError(t, err)
	assert.Len(t, read.Events, 1)
	assert.Equal(t, int64(2), read.Version)
}

func testCancelled(t *testing.T, s milestone.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.CreatePlan(ctx, milestone.CreatePlanParams{Plan: samplePlan("p1", "pm", "acme")})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.GetPlan(ctx, milestone.GetPlanParams{ID: "p1"})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.ListPlans(ctx, milestone.ListPlansParams{})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.AppendEvents(ctx, milestone.AppendEventsParams{PlanID: "p1", ExpectedVersion: 1})
	assert.ErrorIs(t, err, context.Canceled)
}
