package rules

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/partnerops/partnerops/milestone"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// This file compiles `kind: PlanTemplate` documents into
// milestone.Template values, with their `tests:` of health at given
// dates, and `kind: Plan` documents, which instantiate a template (or
// their own milestones) for a partner and carry the plan's events.

// KindPlanTemplate and KindPlan are the document kinds of milestone plans
// (package milestone).
//
// A PlanTemplate document ends up in File.PlanTemplates as a
// *milestone.Template:
//
//	apiVersion: partnerops/v1
//	kind: PlanTemplate
//	id: reseller-onboarding          # required
//	name: Reseller onboarding        # required
//	partner_type: reseller           # optional: the partner type it is for
//	milestones:                      # required, at least one
//	  - id: agreement                # required, unique
//	    name: Agreement signed       # default: the id
//	    owner: partner_manager       # a role (Plan `owners:` maps it) or a person
//	    due: +14d                    # required: +Nd, +Nw or +Nmo after the start;
//	                                 # months clamp to the month's last day
//	    duration: 5d                 # days of work after the dependencies (default 0)
//	    depends_on: [kickoff]        # milestone ids; cycles and unknown ids are errors
//	    weight: 3                    # 1..1000 for percent by weight (default 1)
//	    targets:                     # metric targets: target is an exact decimal
//	      - {metric: certified_engineers, target: 3, unit: engineers}
//	outcomes:                        # objectives of the whole plan
//	  - {id: pipeline, name: Pipeline, metric: pipeline, target: 50000, unit: USD, baseline: 0, due: +3mo}
//	escalation:                      # rules fire when the count is MORE than after
//	  - {trigger: overdue, after: 3d, notify: owner}   # trigger: overdue | blocked
//	  - {after: 7d, notify: plan_owner_manager}        # notify: owner | plan_owner | plan_owner_manager
//	tests:                           # health of a plan started on `start`, at `at`
//	  - name: a late agreement puts training at risk
//	    start: 2026-01-31
//	    at: 2026-02-20               # a date (midnight UTC) or an RFC 3339 time
//	    events:                      # applied in order; see Plan events below
//	      - {at: 2026-02-05, actor: ana, milestone: agreement, status: in_progress}
//	    expect:                      # every key optional
//	      health: overdue            # overdue | blocked | at_risk | on_track | done
//	      milestones: {agreement: overdue, training: at_risk}
//	      outcomes: {pipeline: no_data}  # met | on_track | off_track | missed | no_data
//	      critical_path: [agreement, training, certified]
//	      projected_completion: 2026-03-31
//	      percent_by_count: 0
//	      percent_by_weight: "28.6"
//	      escalations: ["agreement: owner"]  # "milestone: recipient", in order; [] for none
//
// A Plan document instantiates a template named by id (from any file
// loaded with it) or lists its own `milestones:` (and `outcomes:` and
// `escalation:`) in the template syntax above; Set.Plans builds them:
//
//	apiVersion: partnerops/v1
//	kind: Plan
//	id: acme-onboarding              # required
//	template: reseller-onboarding    # or partner_type: reseller (the template
//	                                 # for that type, else one for any type),
//	                                 # or milestones: [...]
//	subject: acme                    # the partner id
//	name: Acme onboarding            # default: "<subject>: <template name>"
//	owner: paula                     # required
//	owner_manager: dora              # receives plan_owner_manager escalations
//	start: 2026-01-31                # required
//	owners: {partner_manager: paula, enablement: eve}
//	events:                          # in time order; each changes one thing
//	  - {at: 2026-02-10, actor: paula, milestone: agreement, status: done, reason: signed}
//	  - {at: 2026-02-20, actor: eve, milestone: certified, metric: certified_engineers, value: 2}
//	  - {at: 2026-02-28, actor: crm, outcome: pipeline, value: 5000, on: 2026-02-27}
//	  - {at: 2026-03-01, actor: paula, milestone: first_deal, due: 2026-04-15}   # reschedule
//	  - {at: 2026-03-02, actor: bot, milestone: agreement, escalation: KEY}      # delivered
//
// A PlanEvents document adds events to a plan of any loaded file, after
// the plan's own events (documents in file order; events in time order):
//
//	apiVersion: partnerops/v1
//	kind: PlanEvents
//	plan: acme-onboarding
//	events:
//	  - {at: 2026-03-03, actor: eve, milestone: certified, status: done}
//
// Errors point at the offending node: a dependency cycle at the
// depends_on list of the first milestone of the cycle, an unknown
// dependency at the id in the list, an event the plan refuses at the
// event.
const (
	KindPlanTemplate = "PlanTemplate"
	KindPlan         = "Plan"
	KindPlanEvents   = "PlanEvents"
)

var (
	planTemplateKeys = []string{"apiVersion", "kind", "id", "name", "partner_type", "milestones", "outcomes", "escalation", "tests"}
	planMilestoneKey = []string{"id", "name", "owner", "due", "duration", "depends_on", "weight", "targets"}
	planTargetKeys   = []string{"metric", "target", "unit"}
	planOutcomeKeys  = []string{"id", "name", "metric", "target", "unit", "baseline", "due"}
	planEscKeys      = []string{"trigger", "after", "notify"}
	planTestKeys     = []string{"name", "start", "at", "events", "expect"}
	planEventKeys    = []string{"at", "actor", "reason", "milestone", "status", "metric", "value", "outcome", "on", "due", "escalation"}
	planExpectKeys   = []string{"health", "milestones", "outcomes", "critical_path", "projected_completion", "percent_by_count", "percent_by_weight", "escalations"}
	planDocKeys      = []string{"apiVersion", "kind", "id", "template", "partner_type", "subject", "name", "owner", "owner_manager", "start", "owners", "milestones", "outcomes", "escalation", "events"}
)

// PlanTest is a test of a plan template, from the template's `tests:`: a
// plan instantiated on Start, the Events applied, and its health at At
// compared with Expect. Events after At are left out (the plan as of At).
type PlanTest struct {
	Name     string
	Template *milestone.Template
	Start    milestone.Date
	At       time.Time
	Events   []milestone.Event
	Expect   PlanExpect
	// File and Line locate the test.
	File string
	Line int
}

// PlanExpect is what a PlanTest checks; zero fields are not checked.
type PlanExpect struct {
	Health              milestone.Health
	Milestones          map[string]milestone.Health
	Outcomes            map[string]milestone.OutcomeStatus
	CriticalPath        []string
	ProjectedCompletion milestone.Date
	// PercentByCount and PercentByWeight are decimal strings ("33.3"),
	// compared by value (50 equals 50.0).
	PercentByCount, PercentByWeight string
	// Escalations are "milestone: recipient" lines, in the order the
	// template's policy returns them; checked when HasEscalations is set
	// (an empty list checks that none are due).
	Escalations    []string
	HasEscalations bool
}

// ErrPlanTestFailed is wrapped by the error of a failing PlanTest.
var ErrPlanTestFailed = errors.New("rules: plan test failed")

// Run runs the test and returns nil, or an error wrapping
// ErrPlanTestFailed that lists every mismatch.
func (t *PlanTest) Run() error {
	fail := func(err error) error {
		return fmt.Errorf("%s:%d: test %q: %w: %w", t.File, t.Line, t.Name, ErrPlanTestFailed, err)
	}
	p, err := testPlan(t.Template, t.Start, t.Events)
	if err != nil {
		return fail(err)
	}
	// The plan as it was at At: later events have not happened yet.
	if p, err = p.AsOf(t.At); err != nil {
		return fail(err)
	}
	h, err := milestone.Config{}.Health(p, t.At)
	if err != nil {
		return fail(err)
	}
	var bad []string
	check := func(what, want, got, why string) {
		if want != got {
			if why != "" {
				got += " (" + why + ")"
			}
			bad = append(bad, fmt.Sprintf("%s: want %s, got %s", what, want, got))
		}
	}
	e := t.Expect
	if e.Health != "" {
		check("health", string(e.Health), string(h.Health), "")
	}
	for _, id := range planSortedKeys(e.Milestones) {
		mh, _ := h.Milestone(id)
		check("milestone "+id, string(e.Milestones[id]), string(mh.Health), mh.Reason)
	}
	for _, id := range planSortedKeys(e.Outcomes) {
		oh, _ := h.Outcome(id)
		check("outcome "+id, string(e.Outcomes[id]), string(oh.Status), "")
	}
	if e.CriticalPath != nil {
		check("critical_path", strings.Join(e.CriticalPath, ", "), strings.Join(h.CriticalPath, ", "), "")
	}
	if !e.ProjectedCompletion.IsZero() {
		check("projected_completion", e.ProjectedCompletion.String(), h.ProjectedCompletion.String(), "")
	}
	for _, pc := range []struct {
		key, want string
		got       decimal.Decimal
	}{{"percent_by_count", e.PercentByCount, h.PercentByCount()}, {"percent_by_weight", e.PercentByWeight, h.PercentByWeight()}} {
		if want, err := decimal.NewFromString(pc.want); err == nil && !want.Equal(pc.got) {
			check(pc.key, pc.want, pc.got.String(), "")
		}
	}
	if e.HasEscalations {
		due, err := milestone.Config{}.Escalations(t.Template.Escalation, p, t.At)
		if err != nil {
			return fail(err)
		}
		var got []string
		for _, x := range due {
			got = append(got, x.Milestone+": "+string(x.Notify))
		}
		check("escalations", "["+strings.Join(e.Escalations, "; ")+"]", "["+strings.Join(got, "; ")+"]", "")
	}
	if len(bad) > 0 {
		return fail(errors.New(strings.Join(bad, "; ")))
	}
	return nil
}

// testPlan instantiates a template for a test and applies its events.
func testPlan(tpl *milestone.Template, start milestone.Date, events []milestone.Event) (*milestone.Plan, error) {
	p, err := tpl.Instantiate(milestone.InstantiateParams{PlanID: "test", Owner: "plan_owner", OwnerManager: "plan_owner_manager", Start: start})
	if err != nil {
		return nil, err
	}
	for i, e := range events {
		if err := p.Apply(e); err != nil {
			return nil, fmt.Errorf("events[%d]: %w", i, err)
		}
	}
	return p, nil
}

// planNodes remembers the node of each YAML path of a plan template, so
// that the milestone package's problems (which carry such paths) point at
// the line.
type planNodes map[string]*yaml.Node

// at returns the node of path, or of its nearest ancestor that has one.
func (n planNodes) at(path string) (*yaml.Node, string) {
	for p := path; p != ""; {
		if node, ok := n[p]; ok {
			return node, p
		}
		i := max(strings.LastIndexByte(p, '.'), strings.LastIndexByte(p, '['))
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return n[""], ""
}

// compilePlanTemplate compiles a PlanTemplate document into f.
func compilePlanTemplate(d *diag, doc *document, f *File) {
	top, ok := d.mapping(doc.root, "", planTemplateKeys...)
	if !ok {
		return
	}
	nerr := len(d.errs)
	d.require(top, "id", "name", "milestones")
	tpl := &milestone.Template{}
	if n := top.get("id"); n != nil {
		tpl.ID, _ = d.ident(n, "id", "template id")
	}
	if n := top.get("name"); n != nil {
		tpl.Name, _ = d.text(n, "name")
	}
	if n := top.get("partner_type"); n != nil {
		tpl.PartnerType, _ = d.ident(n, "partner_type", "partner type")
	}
	nodes := decodeTemplateBody(d, top, tpl)
	if len(d.errs) != nerr {
		return
	}
	if err := tpl.Validate(); err != nil {
		reportPlanProblems(d, nodes, err)
		return
	}
	f.PlanTemplates = append(f.PlanTemplates, tpl)
	if n := top.get("tests"); n != nil {
		items, _ := d.list(n, "tests")
		for i, it := range items {
			if t := decodePlanTest(d, it, index("tests", i), tpl); t != nil {
				f.PlanTests = append(f.PlanTests, t)
			}
		}
	}
}

// decodeTemplateBody decodes milestones, outcomes and escalation of a
// template (or of a Plan document's own milestones) and returns the nodes
// by path.
func decodeTemplateBody(d *diag, top fields, tpl *milestone.Template) planNodes {
	nodes := planNodes{"": top.node}
	if n := top.get("milestones"); n != nil {
		nodes["milestones"] = n
		items, _ := d.list(n, "milestones")
		if n.Kind == yaml.SequenceNode && len(items) == 0 {
			d.errorf(n, "milestones", "a plan needs at least one milestone")
		}
		for i, it := range items {
			path := index("milestones", i)
			nodes[path] = it
			mf, ok := d.mapping(it, path, planMilestoneKey...)
			if !ok {
				continue
			}
			d.require(mf, "id", "due")
			var m milestone.TemplateMilestone
			for _, k := range planMilestoneKey {
				if v := mf.get(k); v != nil {
					nodes[mf.at(k)] = v
				}
			}
			if v := mf.get("id"); v != nil {
				m.ID, _ = d.ident(v, mf.at("id"), "milestone id")
			}
			m.Name = m.ID
			if v := mf.get("name"); v != nil {
				m.Name, _ = d.text(v, mf.at("name"))
			}
			if v := mf.get("owner"); v != nil {
				m.Owner, _ = d.text(v, mf.at("owner"))
			}
			if v := mf.get("due"); v != nil {
				m.Due, _ = d.offset(v, mf.at("due"))
			}
			if v := mf.get("duration"); v != nil {
				m.Duration = d.days(v, mf.at("duration"))
			}
			if v := mf.get("weight"); v != nil {
				if w, ok := d.integer(v, mf.at("weight")); ok {
					if w < 1 || w > 1000 {
						d.errorf(v, mf.at("weight"), "weight must be a whole number from 1 to 1000, got %d", w)
					} else {
						m.Weight = int(w)
					}
				}
			}
			if v := mf.get("depends_on"); v != nil {
				deps, _ := d.list(v, mf.at("depends_on"))
				for j, dn := range deps {
					dp := index(mf.at("depends_on"), j)
					nodes[dp] = dn
					if id, ok := d.ident(dn, dp, "milestone id"); ok {
						m.DependsOn = append(m.DependsOn, id)
					}
				}
			}
			if v := mf.get("targets"); v != nil {
				ts, _ := d.list(v, mf.at("targets"))
				for j, tn := range ts {
					tp := index(mf.at("targets"), j)
					tf, ok := d.mapping(tn, tp, planTargetKeys...)
					if !ok || !d.require(tf, "metric", "target") {
						continue
					}
					var spec milestone.TargetSpec
					spec.Metric, _ = d.ident(tf.get("metric"), tf.at("metric"), "metric")
					spec.Target, _ = d.number(tf.get("target"), tf.at("target"))
					if u := tf.get("unit"); u != nil {
						spec.Unit, _ = d.text(u, tf.at("unit"))
					}
					m.Targets = append(m.Targets, spec)
				}
			}
			tpl.Milestones = append(tpl.Milestones, m)
		}
	}
	if n := top.get("outcomes"); n != nil {
		items, _ := d.list(n, "outcomes")
		for i, it := range items {
			path := index("outcomes", i)
			nodes[path] = it
			of, ok := d.mapping(it, path, planOutcomeKeys...)
			if !ok || !d.require(of, "id", "target", "due") {
				continue
			}
			var o milestone.TemplateOutcome
			o.ID, _ = d.ident(of.get("id"), of.at("id"), "outcome id")
			nodes[of.at("id")] = of.get("id")
			o.Name, o.Metric = o.ID, o.ID
			if v := of.get("name"); v != nil {
				o.Name, _ = d.text(v, of.at("name"))
			}
			if v := of.get("metric"); v != nil {
				o.Metric, _ = d.ident(v, of.at("metric"), "metric")
			}
			o.Target, _ = d.number(of.get("target"), of.at("target"))
			if v := of.get("baseline"); v != nil {
				o.Baseline, _ = d.number(v, of.at("baseline"))
			}
			if v := of.get("unit"); v != nil {
				o.Unit, _ = d.text(v, of.at("unit"))
			}
			o.Due, _ = d.offset(of.get("due"), of.at("due"))
			tpl.Outcomes = append(tpl.Outcomes, o)
		}
	}
	if n := top.get("escalation"); n != nil {
		items, _ := d.list(n, "escalation")
		for i, it := range items {
			path := index("escalation", i)
			ef, ok := d.mapping(it, path, planEscKeys...)
			if !ok || !d.require(ef, "after", "notify") {
				continue
			}
			r := milestone.EscalationRule{Trigger: milestone.TriggerOverdue}
			if v := ef.get("trigger"); v != nil {
				s, _ := d.enum(v, ef.at("trigger"), enumStrings(milestone.Triggers())...)
				r.Trigger = milestone.Trigger(s)
			}
			r.After = d.days(ef.get("after"), ef.at("after"))
			s, _ := d.enum(ef.get("notify"), ef.at("notify"), enumStrings(milestone.Recipients())...)
			r.Notify = milestone.Recipient(s)
			tpl.Escalation.Rules = append(tpl.Escalation.Rules, r)
		}
	}
	return nodes
}

func enumStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// reportPlanProblems maps the milestone package's validation problems to
// positions.
func reportPlanProblems(d *diag, nodes planNodes, err error) {
	var ve *milestone.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			n, _ := nodes.at(p.Path)
			d.errorf(n, p.Path, "%s", p.Msg)
		}
	}
	var rest []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		rest = j.Unwrap()
	} else {
		rest = []error{err}
	}
	for _, e := range rest {
		if !errors.Is(e, milestone.ErrInvalidPlan) && e != nil {
			d.errorf(nodes[""], "", "%v", e)
		}
	}
}

// offset reads a due offset such as "+14d".
func (d *diag) offset(n *yaml.Node, path string) (milestone.Offset, bool) {
	s, ok := d.scalar(n, path, "an offset from the start such as +14d, +2w or +1mo")
	if !ok {
		return milestone.Offset{}, false
	}
	o, err := milestone.ParseOffset(s)
	if err != nil {
		d.errorf(n, path, "want an offset from the start such as +14d, +2w or +1mo, got %q", clip(s))
		return milestone.Offset{}, false
	}
	return o, true
}

var daysRE = regexp.MustCompile(`^[0-9]{1,5}d?$`)

// days reads a number of days: 5 or "5d".
func (d *diag) days(n *yaml.Node, path string) int {
	s, ok := d.scalar(n, path, "a number of days such as 5 or 5d")
	if !ok {
		return 0
	}
	if !daysRE.MatchString(s) || n.Tag == "!!float" {
		d.errorf(n, path, "want a whole number of days such as 5 or 5d, got %q", clip(s))
		return 0
	}
	v := 0
	for _, c := range strings.TrimSuffix(s, "d") {
		v = v*10 + int(c-'0')
	}
	if v > milestone.MaxOffsetDays {
		d.errorf(n, path, "at most %d days, got %d", milestone.MaxOffsetDays, v)
		return 0
	}
	return v
}

// planDate reads a date into a milestone.Date.
func (d *diag) planDate(n *yaml.Node, path string) (milestone.Date, bool) {
	dt, ok := d.date(n, path)
	if !ok {
		return milestone.Date{}, false
	}
	return milestone.DateOf(dt.In(time.UTC)), true
}

// decodePlanEvents reads a list of events; a date without a time is
// midnight UTC. It returns the events and their nodes.
func decodePlanEvents(d *diag, n *yaml.Node, path string) ([]milestone.Event, []*yaml.Node) {
	items, _ := d.list(n, path)
	var out []milestone.Event
	var nodes []*yaml.Node
	for i, it := range items {
		p := index(path, i)
		ef, ok := d.mapping(it, p, planEventKeys...)
		if !ok || !d.require(ef, "at", "actor") {
			continue
		}
		nerr := len(d.errs)
		var e milestone.Event
		e.At, _ = d.instant(ef.get("at"), ef.at("at"), time.UTC)
		e.Actor, _ = d.text(ef.get("actor"), ef.at("actor"))
		if v := ef.get("reason"); v != nil {
			e.Reason, _ = d.text(v, ef.at("reason"))
		}
		if v := ef.get("milestone"); v != nil {
			e.Milestone, _ = d.ident(v, ef.at("milestone"), "milestone id")
		}
		var kinds []string
		if v := ef.get("status"); v != nil {
			kinds = append(kinds, "status")
			s, _ := d.enum(v, ef.at("status"), enumStrings(milestone.Statuses())...)
			e.Kind, e.To = milestone.EventStatus, milestone.Status(s)
		}
		if v := ef.get("metric"); v != nil {
			kinds = append(kinds, "metric")
			e.Kind = milestone.EventMetric
			e.Metric, _ = d.ident(v, ef.at("metric"), "metric")
		}
		if v := ef.get("outcome"); v != nil {
			kinds = append(kinds, "outcome")
			e.Kind = milestone.EventProgress
			e.Outcome, _ = d.ident(v, ef.at("outcome"), "outcome id")
			if on := ef.get("on"); on != nil {
				e.On, _ = d.planDate(on, ef.at("on"))
			}
		}
		if v := ef.get("due"); v != nil {
			kinds = append(kinds, "due")
			e.Kind = milestone.EventReschedule
			e.Due, _ = d.planDate(v, ef.at("due"))
		}
		if v := ef.get("escalation"); v != nil {
			kinds = append(kinds, "escalation")
			e.Kind = milestone.EventEscalated
			e.Escalation, _ = d.text(v, ef.at("escalation"))
		}
		switch {
		case len(kinds) == 0:
			d.errorf(it, p, "an event needs one of status, metric (with milestone and value), outcome (with value), due or escalation")
		case len(kinds) > 1:
			d.errorf(it, p, "an event changes one thing; this one has %s", strings.Join(kinds, " and "))
		case e.Kind == milestone.EventMetric || e.Kind == milestone.EventProgress:
			if v := ef.get("value"); v == nil {
				d.errorf(it, p, "missing required key %q", "value")
			} else {
				e.Value, _ = d.number(v, ef.at("value"))
			}
		}
		if (e.Kind == milestone.EventStatus || e.Kind == milestone.EventMetric || e.Kind == milestone.EventReschedule) && !ef.has("milestone") {
			d.errorf(it, p, "missing required key %q", "milestone")
		}
		if v := ef.get("value"); v != nil && len(kinds) == 1 && e.Kind != milestone.EventMetric && e.Kind != milestone.EventProgress {
			d.errorf(ef.m["value"].key, ef.at("value"), "value goes with metric or outcome, not with %s", kinds[0])
		}
		if v := ef.get("on"); v != nil && e.Kind != milestone.EventProgress {
			d.errorf(ef.m["on"].key, ef.at("on"), "on (the day measured) goes with outcome only")
		}
		if len(d.errs) == nerr {
			out = append(out, e)
			nodes = append(nodes, it)
		}
	}
	return out, nodes
}

// applyPlanEvents applies events, reporting a refused one at its node.
func applyPlanEvents(d *diag, p *milestone.Plan, events []milestone.Event, nodes []*yaml.Node, path string) bool {
	for i, e := range events {
		if err := p.Apply(e); err != nil {
			d.errorf(nodes[i], index(path, i), "%v", strings.TrimPrefix(err.Error(), "milestone: "))
			return false
		}
	}
	return true
}

func decodePlanTest(d *diag, n *yaml.Node, path string, tpl *milestone.Template) *PlanTest {
	tf, ok := d.mapping(n, path, planTestKeys...)
	if !ok || !d.require(tf, "name", "start", "at", "expect") {
		return nil
	}
	nerr := len(d.errs)
	t := &PlanTest{Template: tpl, File: d.src.name, Line: n.Line}
	t.Name, _ = d.text(tf.get("name"), tf.at("name"))
	t.Start, _ = d.planDate(tf.get("start"), tf.at("start"))
	t.At, _ = d.instant(tf.get("at"), tf.at("at"), time.UTC)
	var evNodes []*yaml.Node
	if v := tf.get("events"); v != nil {
		t.Events, evNodes = decodePlanEvents(d, v, tf.at("events"))
	}
	ef, ok := d.mapping(tf.get("expect"), tf.at("expect"), planExpectKeys...)
	if ok {
		e := &t.Expect
		if v := ef.get("health"); v != nil {
			s, _ := d.enum(v, ef.at("health"), enumStrings(planHealths())...)
			e.Health = milestone.Health(s)
		}
		if v := ef.get("milestones"); v != nil {
			mf, ok := d.mapping(v, ef.at("milestones"))
			e.Milestones = map[string]milestone.Health{}
			for id, kv := range mf.m {
				if ok && !slices.ContainsFunc(tpl.Milestones, func(m milestone.TemplateMilestone) bool { return m.ID == id }) {
					d.errorf(kv.key, mf.at(id), "no milestone %q in template %q%s", id, tpl.ID, suggest(id, templateMilestoneIDs(tpl), false))
					continue
				}
				s, _ := d.enum(kv.val, mf.at(id), enumStrings(milestone.Healths())...)
				e.Milestones[id] = milestone.Health(s)
			}
		}
		if v := ef.get("outcomes"); v != nil {
			of, _ := d.mapping(v, ef.at("outcomes"))
			e.Outcomes = map[string]milestone.OutcomeStatus{}
			for id, kv := range of.m {
				if !slices.ContainsFunc(tpl.Outcomes, func(o milestone.TemplateOutcome) bool { return o.ID == id }) {
					d.errorf(kv.key, of.at(id), "no outcome %q in template %q", id, tpl.ID)
					continue
				}
				s, _ := d.enum(kv.val, of.at(id), enumStrings(milestone.OutcomeStatuses())...)
				e.Outcomes[id] = milestone.OutcomeStatus(s)
			}
		}
		if v := ef.get("critical_path"); v != nil {
			items, _ := d.list(v, ef.at("critical_path"))
			e.CriticalPath = []string{}
			for i, it := range items {
				id, _ := d.ident(it, index(ef.at("critical_path"), i), "milestone id")
				e.CriticalPath = append(e.CriticalPath, id)
			}
		}
		if v := ef.get("projected_completion"); v != nil {
			e.ProjectedCompletion, _ = d.planDate(v, ef.at("projected_completion"))
		}
		for _, k := range []string{"percent_by_count", "percent_by_weight"} {
			if v := ef.get(k); v != nil {
				num, ok := d.number(v, ef.at(k))
				if ok {
					if k == "percent_by_count" {
						e.PercentByCount = num.String()
					} else {
						e.PercentByWeight = num.String()
					}
				}
			}
		}
		if v := ef.get("escalations"); v != nil {
			items, _ := d.list(v, ef.at("escalations"))
			e.HasEscalations = true
			e.Escalations = []string{}
			for i, it := range items {
				s, _ := d.text(it, index(ef.at("escalations"), i))
				e.Escalations = append(e.Escalations, s)
			}
		}
	}
	if len(d.errs) != nerr {
		return nil
	}
	if p, err := tpl.Instantiate(milestone.InstantiateParams{PlanID: "test", Start: t.Start}); err == nil {
		if !applyPlanEvents(d, p, t.Events, evNodes, tf.at("events")) {
			return nil
		}
	}
	return t
}

func planHealths() []milestone.Health {
	return slices.DeleteFunc(milestone.Healths(), func(h milestone.Health) bool { return h == milestone.HealthCancelled })
}

func templateMilestoneIDs(t *milestone.Template) []string {
	var out []string
	for _, m := range t.Milestones {
		out = append(out, m.ID)
	}
	return out
}

// planSortedKeys returns the keys of a map in order.
func planSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
