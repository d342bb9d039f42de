package rulestest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/partnerops/partnerops/rules/rulestest"
)

// TestTierPolicies runs the example tier policy's YAML tests as Go subtests.
func TestTierPolicies(t *testing.T) {
	rulestest.RunTierPolicies(t, os.DirFS("../testdata/tierpolicy"), "*.yaml")
}

const failingTiers = `apiVersion: partnerops/v1
kind: TierPolicy
id: tiers
tiers:
  - tier: silver
  - tier: gold
    criteria:
      - {name: revenue, when: metrics.revenue_12m >= 250000}
tests:
  - name: right
    on: 2026-06-01
    partner: {tier: silver}
    metrics: {revenue_12m: "250000"}
    expect: {action: promote, tier: gold}
  - name: wrong
    on: 2026-06-01
    partner: {tier: silver}
    # 249999.99 < 250000: silver is kept
    metrics: {revenue_12m: "249999.99"}
    expect: {action: promote}
`

// TestFailingTierChild is run by TestFailingTierTestFailsGoTest in a child
// process: it fails, on purpose, when RULESTEST_TIER_CHILD is set.
func TestFailingTierChild(t *testing.T) {
	if os.Getenv("RULESTEST_TIER_CHILD") != "1" {
		t.Skip("run by TestFailingTierTestFailsGoTest")
	}
	rulestest.RunTierPolicies(t, fstest.MapFS{"tiers.yaml": {Data: []byte(failingTiers)}}, "*.yaml")
}

// TestFailingTierTestFailsGoTest checks that a failing tier policy test
// fails its Go subtest with the diff, and only that subtest.
func TestFailingTierTestFailsGoTest(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailingTierChild$", "-test.v")
	cmd.Env = append(os.Environ(), "RULESTEST_TIER_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child passed:\n%s", out)
	}
	for _, want := range []string{
		"--- PASS: TestFailingTierChild/tiers/right",
		"--- FAIL: TestFailingTierChild/tiers/wrong",
		"tiers.yaml:15:5: action: want promote, got keep",
		"reason: keep silver: meets the entry tier silver (no criteria)",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}
