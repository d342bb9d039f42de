package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A plan template test reads the health "at" a moment: events after that
// moment have not happened yet.
func TestReviewPlanTestLeavesOutEventsAfterAt(t *testing.T) {
	tests := []struct {
		name, events, expect string
	}{
		// a is done on 01-08, after the test's moment (01-05): on 01-05 a
		// (due 01-11) is not started and due within 7 days, at risk.
		{"event after at", "{at: 2026-01-08, actor: x, milestone: a, status: done}", "{milestones: {a: at_risk}}"},
		// At the very moment of the event it has happened.
		{"event at at", "{at: 2026-01-05, actor: x, milestone: a, status: done}", "{milestones: {a: done}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tplHead + "milestones:\n  - {id: a, due: +10d}\n  - {id: b, due: +20d, depends_on: [a]}\n" +
				"tests:\n  - name: n\n    start: 2026-01-01\n    at: 2026-01-05\n    events:\n      - " + tt.events +
				"\n    expect: " + tt.expect + "\n"
			f, err := Compile("t.yaml", []byte(src))
			require.NoError(t, err)
			require.Len(t, f.PlanTests, 1)
			assert.NoError(t, f.PlanTests[0].Run())
		})
	}
}
