package milestone

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTransitions(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, p *Plan)
		ev      Event
		wantErr error
		open    []string
	}{
		{name: "done before dependencies", ev: Event{Kind: EventStatus, Milestone: "c", To: Done},
			wantErr: ErrDependenciesOpen, open: []string{"a", "b"}},
		{name: "done once one dependency is done and the other cancelled",
			setup: func(t *testing.T, p *Plan) {
				set(t, p, "a", Done, "2026-01-02")
				set(t, p, "b", Cancelled, "2026-01-02")
			},
			ev: Event{Kind: EventStatus, Milestone: "c", To: Done}},
		{name: "same status", ev: Event{Kind: EventStatus, Milestone: "a", To: NotStarted}, wantErr: ErrInvalidTransition},
		{name: "unknown status", ev: Event{Kind: EventStatus, Milestone: "a", To: "finished"}, wantErr: ErrInvalidTransition},
		{name: "cancelled cannot jump to done",
			setup: func(t *testing.T, p *Plan) { set(t, p, "a", Cancelled, "2026-01-02") },
			ev:    Event{Kind: EventStatus, Milestone: "a", To: Done}, wantErr: ErrInvalidTransition},
		{name: "unknown milestone", ev: Event{Kind: EventStatus, Milestone: "zz", To: Done}, wantErr: ErrUnknownMilestone},
		{name: "no actor", ev: Event{Kind: EventStatus, Milestone: "a", To: Done, Actor: " "}, wantErr: ErrInvalidEvent},
		{name: "back in time",
			setup: func(t *testing.T, p *Plan) { set(t, p, "a", InProgress, "2026-01-05") },
			ev:    Event{Kind: EventStatus, Milestone: "b", To: InProgress, At: at("2026-01-04")}, wantErr: ErrInvalidEvent},
		{name: "unknown metric", ev: Event{Kind: EventMetric, Milestone: "a", Metric: "nope", Value: dec("1")}, wantErr: ErrUnknownMilestone},
		{name: "unknown outcome", ev: Event{Kind: EventProgress, Outcome: "nope", Value: dec("1")}, wantErr: ErrUnknownMilestone},
		{name: "reschedule without date", ev: Event{Kind: EventReschedule, Milestone: "a"}, wantErr: ErrInvalidEvent},
		{name: "unknown kind", ev: Event{Kind: "rename"}, wantErr: ErrInvalidEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan("2026-01-01", ms("a", "2026-01-10", 0), ms("b", "2026-01-10", 0), ms("c", "2026-01-20", 0, "a", "b"))
			if tt.setup != nil {
				tt.setup(t, p)
			}
			before := p.Clone()
			e := tt.ev
			if e.At.IsZero() {
				e.At = at("2026-01-06")
			}
			if e.Actor == "" {
				e.Actor = "ana"
			}
			err := p.Apply(e)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Len(t, p.Events, len(before.Events)+1)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, before, p, "a refused event changes nothing")
			if tt.open != nil {
				var de *DependencyError
				require.True(t, errors.As(err, &de))
				assert.Equal(t, tt.open, de.Open)
			}
		})
	}
}

func TestReopenIsRecordedAndAsOfReplays(t *testing.T) {
	p := plan("2026-01-01", ms("a", "2026-01-10", 0), ms("b", "2026-01-20", 0, "a"))
	p.Milestones[0].Targets = []MetricTarget{{Metric: "certified_engineers", Target: dec("3"), Unit: "engineers"}}
	p.Outcomes = []Outcome{{ID: "pipeline", Target: dec("50000"), Unit: "USD", Due: d("2026-03-31")}}
	steps := []Event{
		{Kind: EventStatus, At: at("2026-01-02"), Actor: "ana", Milestone: "a", To: InProgress},
		{Kind: EventMetric, At: at("2026-01-04"), Actor: "ana", Milestone: "a", Metric: "certified_engineers", Value: dec("3")},
		{Kind: EventStatus, At: at("2026-01-05"), Actor: "ana", Milestone: "a", To: Done, Reason: "all certified"},
		{Kind: EventProgress, At: at("2026-01-06"), Actor: "bot", Outcome: "pipeline", Value: dec("12000")},
		{Kind: EventStatus, At: at("2026-01-07"), Actor: "bob", Milestone: "a", To: InProgress, Reason: "one engineer left"},
		{Kind: EventReschedule, At: at("2026-01-08"), Actor: "bob", Milestone: "b", Due: d("2026-01-27"), Reason: "replan"},
	}
	for _, e := range steps {
		require.NoError(t, p.Apply(e))
	}
	a, _ := p.Milestone("a")
	assert.Equal(t, InProgress, a.Status)
	assert.Equal(t, 1, a.Reopened)
	assert.True(t, a.Completed.IsZero())
	assert.True(t, p.Events[4].Reopen)
	assert.Equal(t, Done, p.Events[4].From)
	assert.Equal(t, d("2026-01-20"), p.Events[5].PrevDue)

	tests := []struct {
		asOf     string
		status   Status
		reopened int
		met      bool
		progress int
		dueB     string
		events   int
	}{
		{"2026-01-01", NotStarted, 0, false, 0, "2026-01-20", 0},
		{"2026-01-04", InProgress, 0, true, 0, "2026-01-20", 2},
		{"2026-01-05", Done, 0, true, 0, "2026-01-20", 3},
		{"2026-01-06", Done, 0, true, 1, "2026-01-20", 4},
		{"2026-01-08", InProgress, 1, true, 1, "2026-01-27", 6},
	}
	for _, tt := range tests {
		t.Run(tt.asOf, func(t *testing.T) {
			past, err := p.AsOf(at(tt.asOf))
			require.NoError(t, err)
			a, _ := past.Milestone("a")
			b, _ := past.Milestone("b")
			assert.Equal(t, tt.status, a.Status.Normal())
			assert.Equal(t, tt.reopened, a.Reopened)
			assert.Equal(t, tt.met, a.Targets[0].Met())
			assert.Len(t, past.Outcomes[0].Progress, tt.progress)
			assert.Equal(t, d(tt.dueB), b.Due)
			assert.Len(t, past.Events, tt.events)
		})
	}
	now, err := p.AsOf(at("2030-01-01"))
	require.NoError(t, err)
	assert.Equal(t, p, now, "replaying every event gives the current plan")
	assert.Equal(t, InProgress, p.Milestones[0].Status, "AsOf leaves the plan alone")
}

func TestEscalatedRecord(t *testing.T) {
	p := plan("2026-01-01", ms("a", "2026-01-10", 0))
	assert.False(t, p.Escalated("k"))
	require.NoError(t, p.Apply(Event{Kind: EventEscalated, At: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Actor: "bot", Escalation: "k"}))
	assert.True(t, p.Escalated("k"))
	require.ErrorIs(t, p.Apply(Event{Kind: EventEscalated, At: at("2026-01-03"), Actor: "bot"}), ErrInvalidEvent)
}

func TestPlanJSONRoundTrip(t *testing.T) {
	p := plan("2026-01-01", ms("a", "2026-01-10", 2), ms("b", "2026-01-20", 0, "a"))
	p.Milestones[0].Targets = []MetricTarget{{Metric: "certified_engineers", Target: dec("3"), Unit: "engineers"}}
	p.Outcomes = []Outcome{{ID: "pipeline", Target: dec("50000.00"), Unit: "USD", Due: d("2026-03-31")}}
	p.Escalation = Policy{Rules: []EscalationRule{{Trigger: TriggerOverdue, After: 3, Notify: NotifyOwner}}}
	for _, e := range []Event{
		{Kind: EventStatus, At: at("2026-01-02"), Actor: "ana", Milestone: "a", To: InProgress, Reason: "kickoff"},
		{Kind: EventMetric, At: at("2026-01-03"), Actor: "ana", Milestone: "a", Metric: "certified_engineers", Value: dec("2.5")},
		{Kind: EventProgress, At: at("2026-01-04"), Actor: "crm", Outcome: "pipeline", Value: dec("1234.56")},
		{Kind: EventReschedule, At: at("2026-01-05"), Actor: "pm", Milestone: "b", Due: d("2026-01-25")},
	} {
		require.NoError(t, p.Apply(e))
	}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"due":"2026-01-10"`)
	assert.Contains(t, string(b), `"value":"1234.56"`)
	assert.NotContains(t, string(b), "0001-01-01", "zero times and dates are left out")
	var back Plan
	require.NoError(t, json.Unmarshal(b, &back))
	again, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(again))
	// The decoded plan replays to the same state.
	replayed, err := back.AsOf(at("2030-01-01"))
	require.NoError(t, err)
	assert.Equal(t, InProgress, replayed.Milestones[0].Status)
	assert.Equal(t, "2.5", replayed.Milestones[0].Targets[0].Actual.String())
	assert.Equal(t, "2026-01-25", replayed.Milestones[1].Due.String())
	assert.Equal(t, "2026-01-20", replayed.Events[3].PrevDue.String())
}
