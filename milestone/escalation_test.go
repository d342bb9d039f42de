package milestone

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscalationsNotRepeated(t *testing.T) {
	pol := Policy{Rules: []EscalationRule{
		{After: 3, Notify: NotifyOwner},
		{After: 7, Notify: NotifyManager},
		{Trigger: TriggerBlocked, After: 2, Notify: NotifyPlanOwner},
	}}
	p := plan("2026-01-01", ms("kickoff", "2026-01-10", 0), ms("training", "2026-02-20", 0))
	set(t, p, "training", Blocked, "2026-01-11")
	type sent struct {
		ms   string
		to   string
		days int
	}
	// Each day: the escalations due, which the test delivers and records.
	steps := []struct {
		today string
		want  []sent
	}{
		{"2026-01-12", nil}, // kickoff 2 days overdue, training blocked 1 day
		{"2026-01-13", nil}, // 3 days overdue is not more than 3; blocked 2 days is not more than 2
		{"2026-01-14", []sent{{"kickoff", "owner-kickoff", 4}, {"training", "pm", 3}}},
		{"2026-01-15", nil}, // both already delivered and recorded
		{"2026-01-18", []sent{{"kickoff", "director", 8}}}, // 01-18 - 01-10 = 8 > 7: the manager
		{"2026-01-19", nil},
	}
	for _, s := range steps {
		got, err := Config{}.Escalations(pol, p, at(s.today))
		require.NoError(t, err)
		var g []sent
		for _, e := range got {
			g = append(g, sent{e.Milestone, e.To, e.Days})
			require.NoError(t, p.Apply(e.Event(at(s.today), "notifier")))
		}
		assert.Equal(t, s.want, g, s.today)
	}
	// Rescheduled and overdue again: a new episode escalates again.
	require.NoError(t, p.Apply(Event{Kind: EventReschedule, At: at("2026-01-18"), Actor: "pm", Milestone: "kickoff", Due: d("2026-01-20")}))
	got, err := Config{}.Escalations(pol, p, at("2026-01-24"))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "P1/kickoff/overdue>3/owner/2026-01-20", got[0].Key)
	assert.Equal(t, `P1: "kickoff" overdue 4 days (more than 3 days)`, got[0].Message)
	// Done milestones never escalate.
	set(t, p, "kickoff", Done, "2026-01-24")
	got, err = Config{}.Escalations(pol, p, at("2026-01-30"))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestPolicyValidate(t *testing.T) {
	err := Policy{Rules: []EscalationRule{{Trigger: "late", After: -1, Notify: "ceo"}}}.Validate()
	require.ErrorIs(t, err, ErrInvalidPolicy)
	assert.Contains(t, err.Error(), `unknown trigger "late"`)
	assert.Contains(t, err.Error(), "after must not be negative")
	assert.Contains(t, err.Error(), `unknown recipient "ceo"`)
	_, err = Config{}.Escalations(Policy{Rules: []EscalationRule{{Notify: "x"}}}, plan("2026-01-01"), at("2026-01-02"))
	assert.ErrorIs(t, err, ErrInvalidPolicy)
}
