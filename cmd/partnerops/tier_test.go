package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTierPolicyCommands: check and test read kind: TierPolicy files, alone
// and beside programs.
func TestTierPolicyCommands(t *testing.T) {
	chdirRoot(t)
	tiers := testdata + "/tiers"
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"check a tier policy", []string{"check", tiers + "/reseller-tiers.yaml"}, 0,
			"ok: 1 file, 0 programs, 1 tier policy, 5 tests\n"},
		{"check with programs", []string{"check", example, tiers + "/reseller-tiers.yaml"}, 0, ""},
		{"test passes", []string{"test", tiers + "/reseller-tiers.yaml"}, 0,
			"ok: 5 tier policy tests passed\n"},
		{"test -run", []string{"test", "-run", "grace", tiers + "/reseller-tiers.yaml"}, 0,
			"ok: 2 tier policy tests passed\n"},
		{"test fails", []string{"test", tiers + "/failing_tiers.yaml"}, 1,
			"FAIL tier policy failing-tiers/fails on purpose (cmd/partnerops/testdata/tiers/failing_tiers.yaml:16:5)\n" +
				"    action: want promote, got keep\n" +
				"    reason: keep silver: meets the entry tier silver (no criteria)\n" +
				"FAIL: 1 of 2 tier policy tests failed\n"},
		{"test with programs", []string{"test", example, tiers + "/failing_tiers.yaml"}, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := invoke(c.args...)
			assert.Equal(t, c.code, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			if c.stdout != "" {
				assert.Equal(t, c.stdout, out)
			}
		})
	}
	out, _, _ := invoke("check", example, tiers+"/reseller-tiers.yaml")
	assert.Equal(t, "ok: 3 files, 1 program, 1 tier policy, 15 tests\n", out) // q4-growth.yaml and its _test.yaml hold 10 tests
	out, _, _ = invoke("test", example, tiers+"/failing_tiers.yaml")
	assert.Contains(t, out, "ok: ")                                    // the program's own tests pass
	assert.Contains(t, out, "FAIL: 1 of 2 tier policy tests failed\n") // and the tier test fails
}
