package milestone

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateListsEveryProblem(t *testing.T) {
	tests := []struct {
		name   string
		plan   *Plan
		kinds  []ProblemKind
		cycles [][]string
	}{
		{"valid chain", plan("2026-01-01", ms("a", "2026-01-10", 0), ms("b", "2026-01-20", 0, "a")), nil, nil},
		{"two separate cycles and a dangling reference, all at once",
			plan("2026-01-01",
				ms("a", "2026-01-10", 0, "b"), ms("b", "2026-01-10", 0, "a"),
				ms("c", "2026-01-10", 0, "d"), ms("d", "2026-01-10", 0, "e"), ms("e", "2026-01-10", 0, "c", "ghost"),
				ms("f", "2026-01-10", 0, "a")),
			[]ProblemKind{ProblemDangling, ProblemCycle, ProblemCycle},
			[][]string{{"a", "b", "a"}, {"c", "d", "e", "c"}}},
		{"self dependency, duplicate id, missing due and id",
			plan("", ms("a", "2026-01-10", 0, "a"), ms("a", "2026-01-11", 0), Milestone{Name: "no id"}),
			[]ProblemKind{ProblemMissingStart, ProblemDuplicateID, ProblemMissingID, ProblemMissingDue, ProblemSelfDepends}, nil},
		{"long cycle through a bigger group reported once",
			plan("2026-01-01", ms("a", "2026-01-10", 0, "b"), ms("b", "2026-01-10", 0, "c", "a"), ms("c", "2026-01-10", 0, "a")),
			[]ProblemKind{ProblemCycle}, [][]string{{"a", "b", "a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.plan.Validate()
			if tt.kinds == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidPlan)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			var kinds []ProblemKind
			var cycles [][]string
			for _, p := range ve.Problems {
				kinds = append(kinds, p.Kind)
				if p.Kind == ProblemCycle {
					cycles = append(cycles, p.Cycle)
				}
			}
			assert.Equal(t, tt.kinds, kinds)
			assert.Equal(t, tt.cycles, cycles)
		})
	}
}

func TestValidateCycleMessage(t *testing.T) {
	err := plan("2026-01-01", ms("a", "2026-01-10", 0, "b"), ms("b", "2026-01-10", 0, "a")).Validate()
	assert.EqualError(t, err, "milestone: invalid plan: 1 problem(s): milestones[0].depends_on: dependency cycle: a -> b -> a")
}

func TestCloneIsDeep(t *testing.T) {
	p := plan("2026-01-01", ms("a", "2026-01-10", 0), ms("b", "2026-01-20", 0, "a"))
	c := p.Clone()
	c.Milestones[1].DependsOn[0] = "x"
	c.Milestones[0].Status = Done
	assert.Equal(t, "a", p.Milestones[1].DependsOn[0])
	assert.Equal(t, Status(""), p.Milestones[0].Status)
}

func TestDate(t *testing.T) {
	a := d("2026-01-31")
	assert.Equal(t, "2026-02-01", a.AddDays(1).String())
	assert.Equal(t, 365, d("2027-01-31").DaysSince(a))
	assert.Equal(t, "0001-01-01", NewDate(1, 1, 1).String())
	assert.Equal(t, "9999-12-31", NewDate(9999, 12, 31).String())
	assert.True(t, Date{}.IsZero())
	assert.Equal(t, "", Date{}.String())
	_, err := ParseDate("2026-02-30")
	assert.ErrorIs(t, err, ErrBadDate)
	var u Date
	require.NoError(t, u.UnmarshalText([]byte("2026-03-01")))
	b, _ := u.MarshalText()
	assert.Equal(t, "2026-03-01", string(b))
}

func TestEnumLists(t *testing.T) {
	lists := map[string][]string{}
	add := func(name string, vs ...string) { lists[name] = vs }
	add("statuses", strs(Statuses())...)
	add("healths", strs(Healths())...)
	add("outcome statuses", strs(OutcomeStatuses())...)
	add("event kinds", strs(EventKinds())...)
	add("problem kinds", strs(ProblemKinds())...)
	add("triggers", strs(Triggers())...)
	add("recipients", strs(Recipients())...)
	add("offset units", strs(OffsetUnits())...)
	add("attention kinds", strs(AttentionKinds())...)
	for name, vs := range lists {
		seen := map[string]bool{}
		for _, v := range vs {
			assert.NotEmpty(t, v, name)
			assert.False(t, seen[v], "%s: %q twice", name, v)
			seen[v] = true
		}
	}
	for _, s := range Statuses() {
		assert.True(t, s.Valid())
	}
	assert.False(t, Status("finished").Valid())
	assert.Equal(t, NotStarted, Status("").Normal())
	assert.Len(t, Statuses(), 5)
	assert.Len(t, Healths(), 6)
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
