package milestone

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chain is A <- B <- C <- D: each depends on the one before.
func chain() *Plan {
	return plan("2026-01-01",
		ms("A", "2026-01-10", 0),
		ms("B", "2026-01-18", 5, "A"),
		ms("C", "2026-01-25", 3, "B"),
		ms("D", "2026-02-10", 2, "C"))
}

func TestSlipPropagatesThroughAChain(t *testing.T) {
	type want struct {
		health Health
		pf     string
		slip   int
		reason string
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, p *Plan)
		today string
		want  map[string]want
		path  []string
		done  string
	}{
		{
			// A is 5 days overdue, so projected today (01-15). B needs 5
			// days after A: 01-15+5 = 01-20, 2 days past its 01-18 due. C
			// needs 3 days after B: 01-20+3 = 01-23, inside its 01-25 due,
			// so C finishes on its due date but is at risk because B is
			// late. D: 01-25+2 = 01-27, well before 02-10: on track.
			name: "overdue head", today: "2026-01-15",
			want: map[string]want{
				"A": {HealthOverdue, "2026-01-15", 5, "overdue 5 days"},
				"B": {HealthAtRisk, "2026-01-20", 2, "dependency A projected late"},
				"C": {HealthAtRisk, "2026-01-25", 0, "dependency B projected late"},
				"D": {HealthOnTrack, "2026-02-10", 0, "on track"},
			},
			path: []string{"A", "B", "C", "D"}, done: "2026-02-10",
		},
		{
			// A done on 01-09; B in progress since 01-14 with 5 days of
			// work: 1 day spent, 4 left from 01-15 = 01-19, 1 day late.
			// C: 01-19+3 = 01-22 <= 01-25.
			name: "in progress with work left", today: "2026-01-15",
			setup: func(t *testing.T, p *Plan) {
				set(t, p, "A", Done, "2026-01-09")
				set(t, p, "B", InProgress, "2026-01-14")
			},
			want: map[string]want{
				"A": {HealthDone, "2026-01-09", -1, "done 2026-01-09"},
				"B": {HealthAtRisk, "2026-01-19", 1, "projected 1 day late"},
				"C": {HealthAtRisk, "2026-01-25", 0, "dependency B projected late"},
				"D": {HealthOnTrack, "2026-02-10", 0, "on track"},
			},
			path: []string{"A", "B", "C", "D"}, done: "2026-02-10",
		},
		{
			// B started 01-12 and was blocked on 01-14 after 2 of its 5
			// days: 3 days left from 01-15 = 01-18, on its due date; a
			// blocked milestone makes no progress, so on 01-17 it still
			// has 3 days left: 01-20, 2 days late.
			name: "blocked work does not progress", today: "2026-01-17",
			setup: func(t *testing.T, p *Plan) {
				set(t, p, "A", Done, "2026-01-09")
				set(t, p, "B", InProgress, "2026-01-12")
				set(t, p, "B", Blocked, "2026-01-14")
			},
			want: map[string]want{
				"B": {HealthBlocked, "2026-01-20", 2, "blocked"},
				"C": {HealthAtRisk, "2026-01-25", 0, "dependency B projected late"},
			},
			path: []string{"A", "B", "C", "D"}, done: "2026-02-10",
		},
		{
			// A 20 days overdue on 01-30: B = 01-30+5 = 02-04, C = 02-07,
			// D = 02-09 still inside 02-10; B and C are overdue, not at
			// risk.
			name: "a long slip reaches the end", today: "2026-01-30",
			want: map[string]want{
				"A": {HealthOverdue, "2026-01-30", 20, "overdue 20 days"},
				"B": {HealthOverdue, "2026-02-04", 17, "overdue 12 days"},
				"C": {HealthOverdue, "2026-02-07", 13, "overdue 5 days"},
				"D": {HealthAtRisk, "2026-02-10", 0, "dependency C projected late"},
			},
			path: []string{"A", "B", "C", "D"}, done: "2026-02-10",
		},
		{
			// On 02-08 the chain A..C, all open, slips D: C is projected
			// 02-08+... A overdue -> 02-08, B 02-13, C 02-16, D 02-18.
			name: "slip past the last due date", today: "2026-02-08",
			want: map[string]want{
				"D": {HealthAtRisk, "2026-02-18", 8, "dependency C projected late"},
			},
			path: []string{"A", "B", "C", "D"}, done: "2026-02-18",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := chain()
			if tt.setup != nil {
				tt.setup(t, p)
			}
			h, err := Config{AtRiskWindow: -1}.Health(p, at(tt.today))
			require.NoError(t, err)
			for id, w := range tt.want {
				mh, ok := h.Milestone(id)
				require.True(t, ok)
				assert.Equal(t, w, want{mh.Health, mh.ProjectedFinish.String(), mh.Slip, mh.Reason}, id)
			}
			assert.Equal(t, tt.path, h.CriticalPath)
			assert.Equal(t, tt.done, h.ProjectedCompletion.String())
		})
	}
}

func TestAtRiskWindow(t *testing.T) {
	// Today is 2026-01-15 in every case.
	tests := []struct {
		name   string
		window int
		due    string
		status Status
		want   Health
	}{
		{"default window: due in 7 days, not started", 0, "2026-01-22", NotStarted, HealthAtRisk},
		{"default window: due in 8 days", 0, "2026-01-23", NotStarted, HealthOnTrack},
		{"due today, not started", 0, "2026-01-15", NotStarted, HealthAtRisk},
		{"due yesterday", 0, "2026-01-14", NotStarted, HealthOverdue},
		{"in progress is not at risk by the window", 0, "2026-01-16", InProgress, HealthOnTrack},
		{"window 3: due in 3 days", 3, "2026-01-18", NotStarted, HealthAtRisk},
		{"window 3: due in 4 days", 3, "2026-01-19", NotStarted, HealthOnTrack},
		{"window off", -1, "2026-01-15", NotStarted, HealthOnTrack},
		{"blocked before due", 0, "2026-01-20", Blocked, HealthBlocked},
		{"blocked and past due is overdue", 0, "2026-01-10", Blocked, HealthOverdue},
		{"done past due", 0, "2026-01-10", Done, HealthDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan("2026-01-01", ms("m", tt.due, 0))
			if tt.status != NotStarted {
				set(t, p, "m", tt.status, "2026-01-05")
			}
			h, err := Config{AtRiskWindow: tt.window}.Health(p, at("2026-01-15"))
			require.NoError(t, err)
			assert.Equal(t, tt.want, h.Milestones[0].Health)
			assert.Equal(t, tt.want, h.Health, "a one-milestone plan has its milestone's health")
		})
	}
}

func TestPercentComplete(t *testing.T) {
	p := plan("2026-01-01", ms("a", "2026-01-10", 0), ms("b", "2026-03-10", 0), ms("c", "2026-03-10", 0), ms("d", "2026-03-10", 0))
	p.Milestones[0].Weight = 3
	p.Milestones[2].Weight = 5
	set(t, p, "a", Done, "2026-01-05")
	set(t, p, "c", Cancelled, "2026-01-05")
	h, err := Config{}.Health(p, at("2026-01-15"))
	require.NoError(t, err)
	// Cancelled c counts nowhere. By count: a of {a, b, d} = 1/3 =
	// 33.33.. -> 33.3. By weight: a=3 of a=3 + b=1 + d=1 = 3/5 = 60.0.
	assert.Equal(t, "33.3", h.PercentByCount().String())
	assert.Equal(t, "60", h.PercentByWeight().String())
	assert.Equal(t, 1, h.Done)
	assert.Equal(t, 3, h.Total)
	assert.Equal(t, HealthCancelled, h.Milestones[2].Health)
}

func TestHealthRefusesInvalidPlan(t *testing.T) {
	_, err := Config{}.Health(plan("2026-01-01", ms("a", "2026-01-10", 0, "b"), ms("b", "2026-01-10", 0, "a")), at("2026-01-02"))
	assert.ErrorIs(t, err, ErrInvalidPlan)
}

func TestPlanDoneAndLocation(t *testing.T) {
	p := plan("2026-01-01", ms("a", "2026-01-10", 0))
	// Done at 2026-01-10T23:30 UTC, which is already 01-11 in Berlin.
	require.NoError(t, p.Apply(Event{Kind: EventStatus, At: d("2026-01-10").Time().Add(23*60*60e9 + 30*60e9), Actor: "a", Milestone: "a", To: Done}))
	h, err := Config{}.Health(p, at("2026-01-12"))
	require.NoError(t, err)
	assert.Equal(t, HealthDone, h.Health)
	assert.Equal(t, "2026-01-10", h.ProjectedCompletion.String())
	berlin := mustLoc(t, "Europe/Berlin")
	h, err = Config{Location: berlin}.Health(p, at("2026-01-12"))
	require.NoError(t, err)
	assert.Equal(t, "2026-01-11", h.ProjectedCompletion.String())
	assert.Equal(t, 1, h.Milestones[0].Slip)
}

func TestOutcomeTrend(t *testing.T) {
	// Plan starts 01-01; the pipeline outcome is 50,000 USD by 03-31. The
	// one milestone is in progress and due in March: on track.
	tests := []struct {
		name      string
		baseline  string
		progress  []Measurement
		today     string
		want      OutcomeStatus
		projected string
		plan      Health
	}{
		{
			// 10,000 on 01-31 = 30 days after start; 59 days to 03-31.
			// 10000 + 10000*59/30 = 10000 + 19666.67 = 29666.67 < 50000.
			name: "off track by trend though milestones are on time", progress: []Measurement{{d("2026-01-31"), dec("10000")}},
			today: "2026-02-01", want: OutcomeOffTrack, projected: "29666.67", plan: HealthAtRisk,
		},
		{
			// 20000 + 20000*59/30 = 20000 + 39333.33 = 59333.33 >= 50000.
			name: "on track by trend", progress: []Measurement{{d("2026-01-31"), dec("20000")}},
			today: "2026-02-01", want: OutcomeOnTrack, projected: "59333.33", plan: HealthOnTrack,
		},
		{
			// Baseline 8000: rate is (10000-8000)/30 per day; 10000 +
			// 2000*59/30 = 10000 + 3933.33 = 13933.33.
			name: "baseline counts", baseline: "8000", progress: []Measurement{{d("2026-01-31"), dec("10000")}},
			today: "2026-02-01", want: OutcomeOffTrack, projected: "13933.33", plan: HealthAtRisk,
		},
		{
			// The latest by day is 03-01 (recorded first): 45000 after 59
			// days, 30 days left: 45000 + 45000*30/59 = 45000 + 22881.36 =
			// 67881.36.
			name: "latest by day", progress: []Measurement{{d("2026-03-01"), dec("45000")}, {d("2026-02-01"), dec("1000")}},
			today: "2026-03-02", want: OutcomeOnTrack, projected: "67881.36", plan: HealthOnTrack,
		},
		{name: "met", progress: []Measurement{{d("2026-02-01"), dec("50000")}}, today: "2026-02-02", want: OutcomeMet, projected: "0", plan: HealthOnTrack},
		{name: "missed", progress: []Measurement{{d("2026-02-01"), dec("49999")}}, today: "2026-04-01", want: OutcomeMissed, projected: "0", plan: HealthOverdue},
		{name: "no data yet", today: "2026-01-05", want: OutcomeNoData, projected: "0", plan: HealthOnTrack},
		{name: "a measurement on the start day is no trend", progress: []Measurement{{d("2026-01-01"), dec("10")}}, today: "2026-01-05", want: OutcomeNoData, projected: "0", plan: HealthOnTrack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan("2026-01-01", ms("enable", "2026-03-31", 0))
			set(t, p, "enable", InProgress, "2026-01-02")
			o := Outcome{ID: "pipeline", Metric: "pipeline", Target: dec("50000"), Unit: "USD", Due: d("2026-03-31"), Progress: tt.progress}
			if tt.baseline != "" {
				o.Baseline = dec(tt.baseline)
			}
			p.Outcomes = []Outcome{o}
			h, err := Config{}.Health(p, at(tt.today))
			require.NoError(t, err)
			oh := h.Outcomes[0]
			assert.Equal(t, tt.want, oh.Status)
			assert.Equal(t, tt.projected, oh.Projected.String())
			assert.Equal(t, tt.plan, h.Health)
			if tt.plan != HealthOverdue {
				assert.Equal(t, HealthOnTrack, h.Milestones[0].Health, "the milestone itself is on time")
			}
		})
	}
}
