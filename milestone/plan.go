package milestone

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// PartnerID names a partner. It is a plain string so that this package
// imports no other package of the module.
type PartnerID string

// Status is where a milestone stands.
type Status string

// Milestone statuses. The zero Status reads as NotStarted.
const (
	NotStarted Status = "not_started"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Blocked    Status = "blocked"
	Cancelled  Status = "cancelled"
)

// Statuses lists the statuses in lifecycle order.
func Statuses() []Status { return []Status{NotStarted, InProgress, Done, Blocked, Cancelled} }

// Valid reports whether s is one of Statuses (or the zero Status).
func (s Status) Valid() bool { return s == "" || slices.Contains(Statuses(), s) }

// Normal returns s, or NotStarted for the zero Status.
func (s Status) Normal() Status {
	if s == "" {
		return NotStarted
	}
	return s
}

// MetricTarget is an objective, measurable condition of a milestone or an
// outcome: "3 certified engineers", "first registered deal", "pipeline
// 50,000 USD". Values are exact decimals, never floats.
type MetricTarget struct {
	// Metric names what is measured ("certified_engineers").
	Metric string `json:"metric"`
	// Target is the value to reach; a target is met when Actual >= Target.
	Target decimal.Decimal `json:"target"`
	// Unit is free text shown beside values ("engineers", "USD").
	Unit string `json:"unit,omitempty"`
	// Actual is the latest measured value; meaningless while MeasuredAt is
	// zero.
	Actual decimal.Decimal `json:"actual,omitzero"`
	// MeasuredAt is when Actual was measured; zero when never measured.
	MeasuredAt time.Time `json:"measured_at,omitzero"`
}

// Met reports whether the target was measured and reached (Actual >=
// Target). An unmeasured target is not met.
func (t MetricTarget) Met() bool {
	return !t.MeasuredAt.IsZero() && t.Actual.Cmp(t.Target) >= 0
}

// Milestone is one step of a plan.
type Milestone struct {
	// ID is unique within the plan; dependencies name it.
	ID string `json:"id"`
	// Name is what people call it.
	Name string `json:"name,omitempty"`
	// Owner is who delivers it (a person or a role).
	Owner string `json:"owner,omitempty"`
	// Due is the day it is due.
	Due Date `json:"due"`
	// Duration is the planned work in days once its dependencies are
	// done; health uses it to project finishes (0: no stated duration).
	Duration int `json:"duration,omitempty"`
	// DependsOn are the IDs of milestones that must be done (or
	// cancelled) before this one can be done.
	DependsOn []string `json:"depends_on,omitempty"`
	// Weight counts the milestone in percent complete by weight; 0 counts
	// as 1.
	Weight int `json:"weight,omitempty"`
	// Targets are the metric targets that define done objectively. They
	// are informational: a milestone is done by its status.
	Targets []MetricTarget `json:"targets,omitempty"`

	// Status is the current status; the zero value is NotStarted.
	Status Status `json:"status,omitempty"`
	// Started is when it first went in progress (zero if never).
	Started time.Time `json:"started,omitzero"`
	// Completed is when it was last marked done (zero unless Done).
	Completed time.Time `json:"completed,omitzero"`
	// BlockedSince is when it became blocked (zero unless Blocked).
	BlockedSince time.Time `json:"blocked_since,omitzero"`
	// Reopened counts how many times it left Done.
	Reopened int `json:"reopened,omitempty"`
}

func (m *Milestone) weight() int {
	if m.Weight <= 0 {
		return 1
	}
	return m.Weight
}

// Outcome is an objective of the whole plan: a metric target with a date,
// with progress recorded over time.
type Outcome struct {
	// ID is unique among the plan's outcomes.
	ID string `json:"id"`
	// Name is what people call it.
	Name string `json:"name,omitempty"`
	// Metric, Target and Unit say what is to be reached.
	Metric string          `json:"metric,omitempty"`
	Target decimal.Decimal `json:"target"`
	Unit   string          `json:"unit,omitempty"`
	// Baseline is the value at the plan's start (zero: starts from 0).
	Baseline decimal.Decimal `json:"baseline,omitzero"`
	// Due is the day the target should be reached.
	Due Date `json:"due"`
	// Progress are the measurements, in the order recorded.
	Progress []Measurement `json:"progress,omitempty"`
}

// Measurement is a value measured on a day.
type Measurement struct {
	On    Date            `json:"on"`
	Value decimal.Decimal `json:"value"`
}

// Plan is a partner's onboarding plan, an enablement project or a launch:
// milestones with dependencies, outcomes, and the log of events that
// brought it to its current state.
type Plan struct {
	// ID identifies the plan in a Store.
	ID string `json:"id"`
	// Subject is the partner the plan is for (may be empty for a project).
	Subject PartnerID `json:"subject,omitempty"`
	// Name is the project name ("Acme onboarding").
	Name string `json:"name,omitempty"`
	// Owner is accountable for the plan; OwnerManager is whom escalations
	// for the plan owner's manager go to.
	Owner        string `json:"owner"`
	OwnerManager string `json:"owner_manager,omitempty"`
	// PartnerType and Template record the template it was made from, if
	// any (for the portfolio's median times).
	PartnerType string `json:"partner_type,omitempty"`
	Template    string `json:"template,omitempty"`
	// Start is the day the plan starts.
	Start Date `json:"start"`
	// Milestones in plan order.
	Milestones []Milestone `json:"milestones"`
	// Outcomes are the plan's objectives.
	Outcomes []Outcome `json:"outcomes,omitempty"`
	// Escalation is the plan's escalation policy (copied from its
	// template), for Config.Escalations.
	Escalation Policy `json:"escalation"`
	// Events is the plan's history in the order applied; Apply appends.
	Events []Event `json:"events,omitempty"`
	// Version is the Store's optimistic-concurrency version: 0 for a plan
	// never stored, then 1 and up, one more per successful write.
	Version int64 `json:"version"`
}

// Milestone returns the milestone with the given id.
func (p *Plan) Milestone(id string) (*Milestone, bool) {
	for i := range p.Milestones {
		if p.Milestones[i].ID == id {
			return &p.Milestones[i], true
		}
	}
	return nil, false
}

// Outcome returns the outcome with the given id.
func (p *Plan) Outcome(id string) (*Outcome, bool) {
	for i := range p.Outcomes {
		if p.Outcomes[i].ID == id {
			return &p.Outcomes[i], true
		}
	}
	return nil, false
}

// Clone returns a deep copy of p.
func (p *Plan) Clone() *Plan {
	c := *p
	c.Milestones = slices.Clone(p.Milestones)
	for i := range c.Milestones {
		c.Milestones[i].DependsOn = slices.Clone(c.Milestones[i].DependsOn)
		c.Milestones[i].Targets = slices.Clone(c.Milestones[i].Targets)
	}
	c.Outcomes = slices.Clone(p.Outcomes)
	for i := range c.Outcomes {
		c.Outcomes[i].Progress = slices.Clone(c.Outcomes[i].Progress)
	}
	c.Events = slices.Clone(p.Events)
	c.Escalation.Rules = slices.Clone(p.Escalation.Rules)
	return &c
}

// ErrInvalidPlan is wrapped by every *ValidationError.
var ErrInvalidPlan = errors.New("milestone: invalid plan")

// ProblemKind classifies a Problem so that callers can branch on it.
type ProblemKind string

// Problem kinds.
const (
	ProblemMissingID    ProblemKind = "missing_id"
	ProblemDuplicateID  ProblemKind = "duplicate_id"
	ProblemDangling     ProblemKind = "dangling_dependency"
	ProblemCycle        ProblemKind = "cycle"
	ProblemMissingDue   ProblemKind = "missing_due"
	ProblemBadValue     ProblemKind = "bad_value"
	ProblemBadStatus    ProblemKind = "bad_status"
	ProblemSelfDepends  ProblemKind = "self_dependency"
	ProblemMissingStart ProblemKind = "missing_start"
)

// ProblemKinds lists the problem kinds.
func ProblemKinds() []ProblemKind {
	return []ProblemKind{ProblemMissingID, ProblemDuplicateID, ProblemDangling, ProblemCycle,
		ProblemMissingDue, ProblemBadValue, ProblemBadStatus, ProblemSelfDepends, ProblemMissingStart}
}

// Problem is one thing wrong with a plan.
type Problem struct {
	Kind ProblemKind
	// Path locates the problem: "milestones[2].depends_on[0]".
	Path string
	// Milestone is the milestone concerned, if any.
	Milestone string
	// Cycle, for a ProblemCycle, is the milestones of the cycle in
	// dependency order, the first repeated at the end: [a b c a] means a
	// depends on b, b on c and c on a.
	Cycle []string
	Msg   string
}

// String renders "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Msg
	}
	return p.Path + ": " + p.Msg
}

// ValidationError lists every problem of a plan at once. It wraps
// ErrInvalidPlan.
type ValidationError struct {
	Problems []Problem
}

// Error lists every problem on one line.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("milestone: invalid plan: %d problem(s): %s", len(e.Problems), strings.Join(parts, "; "))
}

// Unwrap returns ErrInvalidPlan.
func (e *ValidationError) Unwrap() error { return ErrInvalidPlan }

// Validate checks the plan's structure and returns a *ValidationError
// listing every problem at once: missing or duplicate ids, dependencies on
// milestones that do not exist, every dependency cycle (one Problem per
// group of milestones that depend on each other in a circle, showing one
// circle through the group), missing due dates, negative durations and
// weights, unknown statuses, a missing start, and escalation rules with an
// unknown trigger or recipient or a negative count. A nil plan is a
// ValidationError too.
func (p *Plan) Validate() error {
	if p == nil {
		return &ValidationError{Problems: []Problem{{Kind: ProblemMissingID, Msg: "no plan (nil)"}}}
	}
	var probs []Problem
	add := func(k ProblemKind, path, ms, format string, a ...any) {
		probs = append(probs, Problem{Kind: k, Path: path, Milestone: ms, Msg: fmt.Sprintf(format, a...)})
	}
	if p.Start.IsZero() {
		add(ProblemMissingStart, "start", "", "a plan needs a start date")
	}
	ids := map[string]int{}
	for i := range p.Milestones {
		m := &p.Milestones[i]
		path := fmt.Sprintf("milestones[%d]", i)
		switch prev, dup := ids[m.ID]; {
		case m.ID == "":
			add(ProblemMissingID, path+".id", "", "a milestone needs an id")
		case dup:
			add(ProblemDuplicateID, path+".id", m.ID, "milestone id %q is also used by milestones[%d]", m.ID, prev)
		default:
			ids[m.ID] = i
		}
		if m.Due.IsZero() {
			add(ProblemMissingDue, path+".due", m.ID, "milestone %q needs a due date", m.ID)
		}
		if m.Duration < 0 {
			add(ProblemBadValue, path+".duration", m.ID, "duration must not be negative, got %d", m.Duration)
		}
		if m.Weight < 0 {
			add(ProblemBadValue, path+".weight", m.ID, "weight must not be negative, got %d", m.Weight)
		}
		if !m.Status.Valid() {
			add(ProblemBadStatus, path+".status", m.ID, "unknown status %q (want one of %s)", m.Status, statusList())
		}
	}
	for i := range p.Milestones {
		m := &p.Milestones[i]
		for j, dep := range m.DependsOn {
			path := fmt.Sprintf("milestones[%d].depends_on[%d]", i, j)
			if dep == m.ID {
				add(ProblemSelfDepends, path, m.ID, "milestone %q depends on itself", m.ID)
			} else if _, ok := ids[dep]; !ok {
				add(ProblemDangling, path, m.ID, "milestone %q depends on %q, which is not a milestone of this plan", m.ID, dep)
			}
		}
	}
	for _, c := range cycles(p.Milestones, ids) {
		probs = append(probs, Problem{Kind: ProblemCycle, Path: fmt.Sprintf("milestones[%d].depends_on", ids[c[0]]),
			Milestone: c[0], Cycle: c, Msg: "dependency cycle: " + strings.Join(c, " -> ")})
	}
	oids := map[string]bool{}
	for i := range p.Outcomes {
		o := &p.Outcomes[i]
		path := fmt.Sprintf("outcomes[%d]", i)
		switch {
		case o.ID == "":
			add(ProblemMissingID, path+".id", "", "an outcome needs an id")
		case oids[o.ID]:
			add(ProblemDuplicateID, path+".id", "", "outcome id %q is used twice", o.ID)
		}
		oids[o.ID] = true
		if o.Due.IsZero() {
			add(ProblemMissingDue, path+".due", "", "outcome %q needs a due date", o.ID)
		}
	}
	for i, r := range p.Escalation.Rules {
		path := fmt.Sprintf("escalation.rules[%d]", i)
		if err := (Policy{Rules: []EscalationRule{r}}).Validate(); err != nil {
			add(ProblemBadValue, path, "", "%s", strings.ReplaceAll(err.Error(), "milestone: invalid escalation policy: rules[0]: ", ""))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &ValidationError{Problems: probs}
}

func statusList() string {
	var s []string
	for _, st := range Statuses() {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

// cycles returns one cycle per strongly connected component of the
// dependency graph that has more than one milestone (self-dependencies are
// reported separately), each starting at its smallest milestone in plan
// order, sorted by that milestone's position. Tarjan's algorithm, made
// iterative so that a long chain cannot exhaust the stack.
func cycles(ms []Milestone, ids map[string]int) [][]string {
	n := len(ms)
	adj := make([][]int, n)
	for i := range ms {
		if ids[ms[i].ID] != i {
			continue // duplicate: its edges belong to the first
		}
		for _, d := range ms[i].DependsOn {
			if j, ok := ids[d]; ok && j != i {
				adj[i] = append(adj[i], j)
			}
		}
	}
	index := make([]int, n)
	low := make([]int, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var st []int
	next := 0
	var sccs [][]int
	type frame struct{ v, e int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		st = append(st, root)
		on[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.e < len(adj[f.v]) {
				w := adj[f.v][f.e]
				f.e++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					st = append(st, w)
					on[w] = true
					call = append(call, frame{w, 0})
				} else if on[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				var comp []int
				for {
					w := st[len(st)-1]
					st = st[:len(st)-1]
					on[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				if len(comp) > 1 {
					sccs = append(sccs, comp)
				}
			}
		}
	}
	var out [][]string
	for _, comp := range sccs {
		slices.Sort(comp)
		in := map[int]bool{}
		for _, v := range comp {
			in[v] = true
		}
		out = append(out, cycleIn(ms, adj, comp[0], in))
	}
	slices.SortFunc(out, func(a, b []string) int { return cmp.Compare(ids[a[0]], ids[b[0]]) })
	return out
}

// cycleIn finds a shortest circle from start back to start inside one
// component, by breadth-first search over edges in plan order.
func cycleIn(ms []Milestone, adj [][]int, start int, in map[int]bool) []string {
	prev := map[int]int{}
	queue := []int{start}
	seen := map[int]bool{start: true}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range adj[v] {
			if !in[w] {
				continue
			}
			if w == start {
				path := []string{ms[start].ID}
				var back []string
				for x := v; x != start; x = prev[x] {
					back = append(back, ms[x].ID)
				}
				slices.Reverse(back)
				path = append(path, back...)
				return append(path, ms[start].ID)
			}
			if !seen[w] {
				seen[w] = true
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return []string{ms[start].ID, ms[start].ID} // unreachable for a real component
}
