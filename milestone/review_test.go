package milestone

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review tests: each was written to fail before its fix.

func TestReviewPlanStartingLaterProjectsFromItsStart(t *testing.T) {
	tests := []struct {
		name   string
		today  string
		pf     string
		health Health
	}{
		// The plan starts 04-01; A needs 10 days and is due 04-05. Work
		// cannot begin before the start: 04-01+10 = 04-11, 6 days late,
		// though today (03-01) is a month before the start.
		{"a month before the start", "2026-03-01", "2026-04-11", HealthAtRisk},
		// On the start day the same: 04-01+10 = 04-11.
		{"on the start day", "2026-04-01", "2026-04-11", HealthAtRisk},
		// After the start today rules: 04-02+10 = 04-12.
		{"a day after the start", "2026-04-02", "2026-04-12", HealthAtRisk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan("2026-04-01", ms("A", "2026-04-05", 10))
			h, err := Config{AtRiskWindow: -1}.Health(p, at(tt.today))
			require.NoError(t, err)
			mh, _ := h.Milestone("A")
			assert.Equal(t, tt.pf, mh.ProjectedFinish.String())
			assert.Equal(t, tt.health, mh.Health)
			assert.Equal(t, tt.pf, h.ProjectedCompletion.String())
		})
	}
}

func TestReviewOutcomeJudgedByItsDueDate(t *testing.T) {
	type m struct {
		on, value string
	}
	tests := []struct {
		name   string
		ms     []m
		today  string
		status OutcomeStatus
		latest string
	}{
		// Target 10 by 02-01, reached on 01-20; a later reading after the
		// due date (02-10: 8) does not undo an outcome met by its date.
		{"met by the due date, lower after it", []m{{"2026-01-20", "10"}, {"2026-02-10", "8"}}, "2026-02-15", OutcomeMet, "10"},
		// Only 5 by the due date; reaching 12 on 02-10 is too late.
		{"reached only after the due date", []m{{"2026-01-20", "5"}, {"2026-02-10", "12"}}, "2026-02-15", OutcomeMissed, "5"},
		// Before the due date a reading dated after it (a future-dated
		// entry) is not used for the trend: the trend is baseline 0 on
		// 01-01 to 5 on 01-11 (span 10 days), continued 21 days to
		// 02-01: 5 + 5*21/10 = 15.5 >= 10, on track.
		{"future-dated reading ignored", []m{{"2026-01-11", "5"}, {"2026-03-01", "1"}}, "2026-01-15", OutcomeOnTrack, "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan("2026-01-01", ms("A", "2026-01-05", 0))
			p.Outcomes = []Outcome{{ID: "o", Target: dec("10"), Due: d("2026-02-01")}}
			for _, x := range tt.ms {
				require.NoError(t, p.Apply(Event{Kind: EventProgress, At: at("2026-01-11"), Actor: "crm", Outcome: "o", On: d(x.on), Value: dec(x.value)}))
			}
			h, err := Config{}.Health(p, at(tt.today))
			require.NoError(t, err)
			oh, _ := h.Outcome("o")
			assert.Equal(t, tt.status, oh.Status)
			assert.True(t, dec(tt.latest).Equal(oh.Latest), "latest %s", oh.Latest)
		})
	}
}

func TestReviewNilPlanIsAnErrorNotAPanic(t *testing.T) {
	var nilPlan *Plan
	tests := []struct {
		name string
		call func() error
	}{
		{"Validate", func() error { return nilPlan.Validate() }},
		{"Health", func() error { _, err := Config{}.Health(nil, at("2026-01-10")); return err }},
		{"Escalations", func() error {
			_, err := Config{}.Escalations(Policy{Rules: []EscalationRule{{After: 1, Notify: NotifyOwner}}}, nil, at("2026-01-10"))
			return err
		}},
		{"Portfolio", func() error {
			pf := Config{}.Portfolio([]*Plan{nil, plan("2026-01-01", ms("A", "2026-01-05", 0))}, PortfolioParams{Now: at("2026-01-10")})
			require.Len(t, pf.Errors, 1)
			assert.Len(t, pf.Plans, 1)
			return pf.Errors[0].Err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tt.call() })
			assert.ErrorIs(t, err, ErrInvalidPlan)
		})
	}
}

func TestReviewCriticalPathTiesMarkEveryTiedMilestone(t *testing.T) {
	tests := []struct {
		name     string
		plan     *Plan
		today    string
		critical []string
		path     []string
		first    AttentionKind
	}{
		{
			// A and B are both due 01-10 and both 2 days overdue on 01-12:
			// projected today, 01-12; C needs both. Either one finishing
			// late delays C as much as the other, so both are critical,
			// whichever order C lists them in.
			name:  "two tied dependencies",
			plan:  plan("2026-01-01", ms("A", "2026-01-10", 0), ms("B", "2026-01-10", 0), ms("C", "2026-01-20", 0, "B", "A")),
			today: "2026-01-12", critical: []string{"A", "B", "C"}, path: []string{"B", "C"},
		},
		{
			// Two independent ends both projected 01-20: both critical.
			name:  "two tied ends",
			plan:  plan("2026-01-01", ms("A", "2026-01-10", 0), ms("B", "2026-01-20", 0, "A"), ms("C", "2026-01-20", 0)),
			today: "2026-01-02", critical: []string{"A", "B", "C"}, path: []string{"A", "B"},
		},
		{
			// No tie: A (01-10) finishes before B (01-12); only B and C.
			name:  "no tie",
			plan:  plan("2026-01-01", ms("A", "2026-01-10", 0), ms("B", "2026-01-12", 0), ms("C", "2026-01-20", 0, "A", "B")),
			today: "2026-01-02", critical: []string{"B", "C"}, path: []string{"B", "C"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := Config{}.Health(tt.plan, at(tt.today))
			require.NoError(t, err)
			var crit []string
			for _, m := range h.Milestones {
				if m.Critical {
					crit = append(crit, m.ID)
				}
			}
			assert.Equal(t, tt.critical, crit)
			assert.Equal(t, tt.path, h.CriticalPath)
		})
	}
	// In a portfolio both tied overdue milestones rank as overdue on the
	// critical path.
	p := tests[0].plan
	pf := Config{}.Portfolio([]*Plan{p}, PortfolioParams{Now: at("2026-01-12")})
	require.GreaterOrEqual(t, len(pf.Attention), 2)
	assert.Equal(t, AttentionOverdueCritical, pf.Attention[0].Kind)
	assert.Equal(t, AttentionOverdueCritical, pf.Attention[1].Kind)
}

func TestReviewAttentionRanksTheSoonerDueFirstOnATie(t *testing.T) {
	// On 01-10 both milestones are not started and due within the 7-day
	// window, neither projected late (Days 0): P2's, due tomorrow, needs
	// attention before P1's, due in 7 days, whatever the plan ids.
	p1 := plan("2026-01-01", ms("A", "2026-01-17", 0))
	p2 := plan("2026-01-01", ms("A", "2026-01-11", 0))
	p2.ID = "P2"
	pf := Config{}.Portfolio([]*Plan{p1, p2}, PortfolioParams{Now: at("2026-01-10")})
	require.Len(t, pf.Attention, 2)
	var got []string
	for _, it := range pf.Attention {
		got = append(got, it.PlanID+" "+it.Due.String())
	}
	assert.Equal(t, []string{"P2 2026-01-11", "P1 2026-01-17"}, got)
}

func TestReviewPortfolioRefusesADuplicatePlanID(t *testing.T) {
	// The same plan passed twice (say, listed from two sources) must not
	// be counted twice: 1 overdue plan, one attention item, one error.
	p := plan("2026-01-01", ms("A", "2026-01-05", 0))
	pf := Config{}.Portfolio([]*Plan{p, p.Clone()}, PortfolioParams{Now: at("2026-01-10")})
	assert.Len(t, pf.Plans, 1)
	assert.Len(t, pf.Attention, 1)
	assert.Equal(t, HealthCount{Health: HealthOverdue, Plans: 1}, pf.Counts[0])
	require.Len(t, pf.Errors, 1)
	assert.Equal(t, "P1", pf.Errors[0].PlanID)
	assert.ErrorIs(t, pf.Errors[0].Err, ErrConflict)
}
