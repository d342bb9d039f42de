package rules_test

import (
	"errors"
	"fmt"

	"github.com/partnerops/partnerops/rules"
)

// A PlanTemplate with a test of its health at a date: compiled, then the
// test run.
func Example_planTemplate() {
	src := `apiVersion: partnerops/v1
kind: PlanTemplate
id: msp-onboarding
name: MSP onboarding
milestones:
  - {id: agreement, owner: partner_manager, due: +7d}
  - {id: integration, owner: solutions, due: +3w, duration: 10d, depends_on: [agreement]}
tests:
  # On 02-12 the agreement (due 02-08) is 4 days late: integration needs
  # 10 days after it, 02-22, inside its 02-22 due date, but its
  # dependency is late.
  - name: late agreement
    start: 2026-02-01
    at: 2026-02-12
    expect:
      health: overdue
      milestones: {agreement: overdue, integration: at_risk}
      projected_completion: 2026-02-22
`
	f, err := rules.Compile("msp.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	tpl := f.PlanTemplates[0]
	fmt.Println(tpl.ID, len(tpl.Milestones), "milestones")
	for _, t := range f.PlanTests {
		fmt.Printf("%s: %v\n", t.Name, t.Run())
	}
	// Output:
	// msp-onboarding 2 milestones
	// late agreement: <nil>
}

// Every problem of a template at once, each at its line and column.
func Example_planTemplateErrors() {
	src := `apiVersion: partnerops/v1
kind: PlanTemplate
id: loop
name: Loop
milestones:
  - {id: a, due: +7d, depends_on: [b]}
  - {id: b, due: +1mo, depends_on: [a, review]}
`
	_, err := rules.Compile("loop.yaml", []byte(src))
	var list rules.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Printf("%d:%d %s: %s\n", e.Line, e.Col, e.Path, e.Msg)
		}
	}
	// Output:
	// 6:35 milestones[0].depends_on: dependency cycle: a -> b -> a
	// 7:40 milestones[1].depends_on[1]: milestone "b" depends on "review", which is not a milestone of this plan
}
