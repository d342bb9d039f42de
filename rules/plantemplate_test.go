package rules

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/milestone"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanTemplateTestsPass(t *testing.T) {
	s, err := Load(os.DirFS("testdata/plantemplate"), "*.yaml")
	require.NoError(t, err)
	tpls := s.PlanTemplates()
	require.Len(t, tpls, 1)
	assert.Equal(t, "reseller-onboarding", tpls[0].ID)
	assert.Len(t, tpls[0].Escalation.Rules, 2)
	tests := s.PlanTests()
	require.Len(t, tests, 3)
	for _, pt := range tests {
		t.Run(pt.Name, func(t *testing.T) { assert.NoError(t, pt.Run()) })
	}
}

func TestPlanTestFailureListsEveryMismatch(t *testing.T) {
	src := strings.Replace(readTestdata(t, "reseller-onboarding.yaml"),
		"milestones: {agreement: overdue, training: at_risk, certified: on_track}",
		"milestones: {agreement: at_risk, training: on_track, certified: on_track}", 1)
	f, err := Compile("t.yaml", []byte(src))
	require.NoError(t, err)
	err = f.PlanTests[1].Run()
	require.ErrorIs(t, err, ErrPlanTestFailed)
	assert.Equal(t, `t.yaml:55: test "a late agreement puts training at risk": rules: plan test failed: `+
		`milestone agreement: want at_risk, got overdue (overdue 6 days); milestone training: want on_track, got at_risk (dependency agreement projected late)`,
		err.Error())
}

func readTestdata(t *testing.T, name string) string {
	b, err := os.ReadFile("testdata/plantemplate/" + name)
	require.NoError(t, err)
	return string(b)
}

func TestPlansFromPlanDocuments(t *testing.T) {
	s, err := Load(os.DirFS("testdata/plantemplate"), "*.yaml")
	require.NoError(t, err)
	plans, err := s.Plans()
	require.NoError(t, err)
	require.Len(t, plans, 3)
	acme, globex := plans[0], plans[2]
	assert.Equal(t, "acme-onboarding", acme.ID)
	assert.Equal(t, "reseller-onboarding", acme.Template)
	assert.Equal(t, milestone.PartnerID("acme"), acme.Subject)
	assert.Equal(t, "ana", acme.Milestones[0].Owner, "the partner_manager role resolved")
	assert.Equal(t, "2026-02-28", acme.Milestones[1].Due.String(), "01-31 +1mo")
	assert.Equal(t, milestone.InProgress, acme.Milestones[0].Status)
	assert.Equal(t, "globex-launch", globex.ID)
	assert.Equal(t, "2026-02-22", globex.Milestones[1].Due.String(), "02-01 +3w")
	assert.Equal(t, milestone.Done, globex.Milestones[0].Status)
	assert.Equal(t, "signed off", globex.Events[0].Reason)
	// partner_type reseller picks reseller-onboarding.
	byType := plans[1]
	assert.Equal(t, "bolt-by-type", byType.ID)
	assert.Equal(t, "reseller-onboarding", byType.Template)
	globex = plans[2]
	assert.Equal(t, milestone.InProgress, globex.Milestones[1].Status, "from the PlanEvents document")
	assert.Len(t, globex.Events, 2)
}

const tplHead = "apiVersion: partnerops/v1\nkind: PlanTemplate\nid: t\nname: T\n"

func TestPlanTemplateErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"cycles and a dangling dependency, all positioned", tplHead + `milestones:
  - {id: a, due: +1d, depends_on: [b]}
  - {id: b, due: +1d, depends_on: [a, ghost]}
  - {id: c, due: +1d, depends_on: [d]}
  - {id: d, due: +1d, depends_on: [c]}
`, []string{
			`x.yaml:6:35: milestones[0].depends_on: dependency cycle: a -> b -> a`,
			`x.yaml:7:39: milestones[1].depends_on[1]: milestone "b" depends on "ghost", which is not a milestone of this plan`,
			`x.yaml:8:35: milestones[2].depends_on: dependency cycle: c -> d -> c`,
		}},
		{"bad offsets, unknown keys and enums", tplHead + `milestones:
  - {id: a, due: 14d, duration: -2}
  - {id: b, due: "+2 weeks", wieght: 2}
escalation:
  - {trigger: late, after: 3, notify: ceo}
`, []string{
			`x.yaml:6:33: milestones[0].duration: want a whole number of days such as 5 or 5d, got "-2"`,
			`x.yaml:7:18: milestones[1].due: want an offset from the start such as +14d, +2w or +1mo, got "+2 weeks"`,
			`x.yaml:7:30: milestones[1]: unknown key "wieght"; did you mean "weight"?`,
			`x.yaml:9:15: escalation[0].trigger: unknown value "late" (want one of overdue, blocked)`,
			`x.yaml:9:39: escalation[0].notify: unknown value "ceo" (want one of owner, plan_owner, plan_owner_manager)`,
		}},
		{"a test naming a milestone that does not exist and an event refused", tplHead + `milestones:
  - {id: agreement, due: +14d}
  - {id: training, due: +1mo, depends_on: [agreement]}
tests:
  - name: t
    start: 2026-01-01
    at: 2026-01-05
    events:
      - {at: 2026-01-02, actor: a, milestone: training, status: done}
    expect: {milestones: {agreemnt: on_track}}
`, []string{
			`x.yaml:14:27: tests[0].expect.milestones.agreemnt: no milestone "agreemnt" in template "t"; did you mean "agreement"?`,
		}},
		{"an event refused by the plan", tplHead + `milestones:
  - {id: agreement, due: +14d}
  - {id: training, due: +1mo, depends_on: [agreement]}
tests:
  - name: t
    start: 2026-01-01
    at: 2026-01-05
    events:
      - {at: 2026-01-02, actor: a, milestone: training, status: done}
    expect: {health: on_track}
`, []string{
			`x.yaml:13:9: tests[0].events[0]: "training" cannot be done before agreement`,
		}},
		{"events for an unknown plan, and an event the plan refuses", `apiVersion: partnerops/v1
kind: Plan
id: p
owner: o
start: 2026-01-01
milestones:
  - {id: a, due: +7d}
---
apiVersion: partnerops/v1
kind: PlanEvents
plan: q
events:
  - {at: 2026-01-02, actor: x, milestone: a, status: done}
---
apiVersion: partnerops/v1
kind: PlanEvents
plan: p
events:
  - {at: 2026-01-02, actor: x, milestone: a, status: not_started}
`, []string{
			`x.yaml:11:7: plan: no plan "q" in the loaded files; did you mean "p"?`,
			`x.yaml:19:5: events[0]: invalid transition: "a" is already not_started`,
		}},
		{"events with keys that do not fit their kind", `apiVersion: partnerops/v1
kind: Plan
id: p
owner: o
start: 2026-01-01
milestones:
  - {id: a, due: +7d}
events:
  - {at: 2026-01-02, actor: x, milestone: a, status: done, value: 3}
  - {at: 2026-01-02, actor: x, milestone: a, status: done, on: 2026-01-01}
  - {at: 2026-01-02, actor: x, milestone: a, status: done, due: 2026-02-01}
  - {at: 2026-01-02, actor: x, reason: nothing}
  - {at: 2026-01-02, actor: x, outcome: o}
`, []string{
			`x.yaml:9:60: events[0].value: value goes with metric or outcome, not with status`,
			`x.yaml:10:60: events[1].on: on (the day measured) goes with outcome only`,
			`x.yaml:11:5: events[2]: an event changes one thing; this one has status and due`,
			`x.yaml:12:5: events[3]: an event needs one of status, metric (with milestone and value), outcome (with value), due or escalation`,
			`x.yaml:13:5: events[4]: missing required key "value"`,
		}},
		{"plan picking a template by partner type, none fits", tplHead + "partner_type: msp\nmilestones:\n  - {id: a, due: +7d}\n" +
			"---\napiVersion: partnerops/v1\nkind: Plan\nid: p\nowner: o\nstart: 2026-01-01\npartner_type: agency\n", []string{
			`x.yaml:14:15: partner_type: no plan template for partner type "agency", and none for any type, in the loaded files`,
		}},
		{"plan with both partner_type and template", "apiVersion: partnerops/v1\nkind: Plan\nid: p\nowner: o\nstart: 2026-01-01\npartner_type: msp\ntemplate: t\n", []string{
			`x.yaml:6:15: partner_type: partner_type picks the template; give it, template: or milestones:, only one`,
		}},
		{"plan naming an unknown template", "apiVersion: partnerops/v1\nkind: Plan\nid: p\nowner: o\nstart: 2026-01-01\ntemplate: reseller\n", []string{
			`x.yaml:6:11: template: no plan template "reseller" in the loaded files`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Compile("x.yaml", []byte(tt.src))
			if err == nil {
				var s Set
				s.Files = []*File{f}
				_, err = s.Plans()
			}
			var list ErrorList
			require.True(t, errors.As(err, &list), "%v", err)
			var got []string
			for _, e := range list {
				got = append(got, strings.SplitN(e.Error(), "\n", 2)[0])
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzPlanTemplate(f *testing.F) {
	for _, name := range []string{"reseller-onboarding.yaml", "plans.yaml", "events.yaml"} {
		b, err := os.ReadFile("testdata/plantemplate/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(tplHead + "milestones:\n  - {id: a, due: +1mo, depends_on: [a]}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Compile("f.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			return
		}
		for _, pt := range file.PlanTests {
			_ = pt.Run() // must not panic
		}
		s := Set{Files: []*File{file}}
		if plans, err := s.Plans(); err == nil {
			for _, p := range plans {
				if err := p.Validate(); err != nil {
					t.Fatalf("plan %s built but invalid: %v", p.ID, err)
				}
			}
		}
	})
}

func TestPlanTestMismatches(t *testing.T) {
	tests := []struct{ old, new, want string }{
		{`percent_by_weight: "28.6"`, `percent_by_weight: "28.5"`, "percent_by_weight: want 28.5, got 28.6"},
		{`percent_by_count: "50.0"`, `percent_by_count: 49`, "percent_by_count: want 49, got 50"},
		{"outcomes: {pipeline: off_track}", "outcomes: {pipeline: on_track}", "outcome pipeline: want on_track, got off_track"},
		{"health: at_risk\n", "health: done\n", "health: want done, got at_risk"},
		{`escalations: ["agreement: owner"]`, `escalations: []`, `escalations: want [], got [agreement: owner]`},
		{"projected_completion: 2026-03-31", "projected_completion: 2026-03-30", "projected_completion: want 2026-03-30, got 2026-03-31"},
		{"critical_path: [agreement, training, certified, first_deal]", "critical_path: [agreement, first_deal]",
			"critical_path: want agreement, first_deal, got agreement, training, certified, first_deal"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			src := readTestdata(t, "reseller-onboarding.yaml")
			require.Contains(t, src, tt.old)
			f, err := Compile("t.yaml", []byte(strings.Replace(src, tt.old, tt.new, 1)))
			require.NoError(t, err)
			var errs []string
			for _, pt := range f.PlanTests {
				if err := pt.Run(); err != nil {
					require.ErrorIs(t, err, ErrPlanTestFailed)
					errs = append(errs, err.Error())
				}
			}
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0], tt.want)
		})
	}
}
