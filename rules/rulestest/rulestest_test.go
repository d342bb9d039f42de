package rulestest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/partnerops/partnerops/rules/rulestest"
)

// TestReference runs the DSL reference's YAML tests as Go subtests.
func TestReference(t *testing.T) {
	rulestest.Run(t, os.DirFS("../testdata/reference"), "*.yaml")
}

const failing = `apiVersion: partnerops/v1
kind: Program
id: p
name: P
version: 1
currency: USD
effective: {from: 2026-01-01}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02}
tests:
  - name: right
    deal: {id: D-1, amount: "12000.00", close_date: 2026-03-01}
    expect: {total: "240.00"}
  - name: wrong
    deal: {id: D-2, amount: "12000.00", close_date: 2026-03-01}
    # 12000.00 x 0.02 = 240.00, not 200.00
    expect: {lines: {base: "200.00"}}
`

// TestFailingChild is run by TestFailingYAMLTestFailsGoTest in a child
// process: it fails, on purpose, when RULESTEST_CHILD is set.
func TestFailingChild(t *testing.T) {
	if os.Getenv("RULESTEST_CHILD") != "1" {
		t.Skip("run by TestFailingYAMLTestFailsGoTest")
	}
	rulestest.Run(t, fstest.MapFS{"p.yaml": {Data: []byte(failing)}}, "*.yaml")
}

// TestFailingYAMLTestFailsGoTest checks that a YAML test that fails makes
// its Go subtest fail with the diff, and only that subtest.
func TestFailingYAMLTestFailsGoTest(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailingChild$", "-test.v")
	cmd.Env = append(os.Environ(), "RULESTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child passed:\n%s", out)
	}
	for _, want := range []string{
		"--- PASS: TestFailingChild/p/right",
		"--- FAIL: TestFailingChild/p/wrong",
		"p.yaml:14:5: lines.base: want 200.00, got 240.00",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}
