package milestone_test

// Tests from reviewer newbie4 (a Go developer embedding the package from its
// documentation): each failed before the fix committed with it.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/milestone"
)

// Milestone.Name is optional (a template milestone often has only an id);
// an escalation of an unnamed milestone said `p1: "" overdue 5 days`, which
// names nothing the recipient can act on. It names the milestone by its id.
func TestReviewNewbie4EscalationOfUnnamedMilestoneNamesItsID(t *testing.T) {
	plan := &milestone.Plan{ID: "p1", Owner: "pm", Start: milestone.MustDate("2026-02-01"),
		Milestones: []milestone.Milestone{{ID: "agreement", Owner: "legal", Due: milestone.MustDate("2026-02-28")}},
		Escalation: milestone.Policy{Rules: []milestone.EscalationRule{{After: 2, Notify: milestone.Recipient("owner")}}},
	}
	// 2026-03-05 is 5 days after 2026-02-28: more than 2.
	esc, err := milestone.Config{}.Escalations(plan.Escalation, plan, time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, esc, 1)
	assert.Equal(t, `p1: "agreement" overdue 5 days (more than 2 days)`, esc[0].Message)

	// A named milestone keeps its name.
	plan.Milestones[0].Name = "Partner agreement signed"
	esc, err = milestone.Config{}.Escalations(plan.Escalation, plan, time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Len(t, esc, 1)
	assert.Equal(t, `p1: "Partner agreement signed" overdue 5 days (more than 2 days)`, esc[0].Message)
}

// A nil plan or template (a store lookup whose error was dropped) made
// Plan.Apply, Plan.AsOf, Template.Instantiate and Templates.For panic,
// where Config.Health already reports a nil plan as a *ValidationError.
func TestReviewNewbie4NilPlanIsAnErrorNotAPanic(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var p *milestone.Plan
	assert.NotPanics(t, func() {
		err := p.Apply(milestone.Event{Kind: milestone.EventStatus, At: at, Actor: "pm", Milestone: "m", To: milestone.Done})
		assert.ErrorIs(t, err, milestone.ErrInvalidPlan)
	})
	assert.NotPanics(t, func() {
		_, err := p.AsOf(at)
		assert.ErrorIs(t, err, milestone.ErrInvalidPlan)
	})
	var tp *milestone.Template
	assert.NotPanics(t, func() {
		_, err := tp.Instantiate(milestone.InstantiateParams{PlanID: "p", Owner: "pm", Start: milestone.MustDate("2026-03-02")})
		assert.ErrorIs(t, err, milestone.ErrInvalidPlan)
	})
	any := &milestone.Template{ID: "any"}
	assert.NotPanics(t, func() {
		got, ok := milestone.Templates{nil, any}.For("reseller")
		assert.True(t, ok)
		assert.Same(t, any, got)
	})
}
