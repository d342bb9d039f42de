package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlansGolden compares the complete output of `partnerops plans`
// command lines with files under testdata/golden (-update rewrites them).
func TestPlansGolden(t *testing.T) {
	here := chdirRoot(t)
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"plans_portfolio", []string{"plans", "-at", "2026-03-02", "-cohort", "2025-12-01..2026-01-31", testdata + "/plans"}, 0},
		{"plans_escalations", []string{"plans", "-at", "2026-03-02", "-limit", "1", "-escalations", testdata + "/plans"}, 0},
		{"plans_past", []string{"plans", "-at", "2026-02-10", testdata + "/plans"}, 0},
		{"plans_limit", []string{"plans", "-at", "2026-03-02", "-limit", "3", "-window", "0", testdata + "/plans/templates.yaml", testdata + "/plans/plans.yaml"}, 0},
		{"plans_errors", []string{"plans", "-at", "2026-03-02", testdata + "/plans-bad"}, 1},
		{"plans_unknown_template", []string{"plans", "-at", "2026-03-02", testdata + "/plans-unknown"}, 1},
		{"plans_bad_date", []string{"plans", "-at", "2026-02-30", testdata + "/plans"}, 2},
		{"plans_bad_cohort", []string{"plans", "-at", "2026-03-02", "-cohort", "2026-02-01", testdata + "/plans"}, 2},
		{"test_plan_templates", []string{"test", "-v", testdata + "/plans", "rules/testdata/plantemplate"}, 0},
		{"test_plan_templates_failing", []string{"test", testdata + "/plans-failing"}, 1},
		{"test_plan_templates_run", []string{"test", "-run", "right", testdata + "/plans-failing"}, 0},
		{"check_plans", []string{"check", testdata + "/plans"}, 0},
		{"check_plans_bad", []string{"check", testdata + "/plans-bad"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := invoke(c.args...)
			assert.Equal(t, c.code, code, "exit code; stderr:\n%s", stderr)
			got := "$ partnerops " + strings.Join(c.args, " ") + "\n" +
				"-- exit " + string(rune('0'+code)) + " --\n" +
				"-- stdout --\n" + stdout +
				"-- stderr --\n" + stderr
			path := filepath.Join(here, "testdata", "golden", c.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -update to create the golden file")
			assert.Equal(t, string(want), got)
		})
	}
}

// TestPlansAsOfThePast checks that -at reads each plan as it was then.
func TestPlansAsOfThePast(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("plans", "-at", "2026-02-10", testdata+"/plans")
	require.Equal(t, 0, code, stderr)
	// acme's agreement was done on 02-10 (that day counts), its training
	// on 02-25 (not yet): 1 of 4 done. delta's integration was blocked on
	// 02-20: not yet, so no blocked plan; echo (starts 02-16) has no
	// events yet; fjord starts 02-20.
	assert.Regexp(t, `acme-onboarding\s+acme\s+\S+\s+1/4\s`, stdout)
	assert.Contains(t, stdout, "blocked 0")
	assert.NotContains(t, stdout, "blocked 5 days")
}

// TestPlansByHand checks figures of the sample portfolio worked out by
// hand, independently of the golden file.
func TestPlansByHand(t *testing.T) {
	chdirRoot(t)
	stdout, stderr, code := invoke("plans", "-at", "2026-03-02", "-cohort", "2025-12-01..2026-01-31", testdata+"/plans")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(stdout, "\n")
	fields := func(prefix string) []string {
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return f
			}
		}
		t.Fatalf("no line starting %q in\n%s", prefix, stdout)
		return nil
	}
	// bolt: certified due 01-05 + 6w = 02-16; 03-02 is 14 days later. It
	// gates first_deal, the last milestone: critical path, ranked first.
	assert.Equal(t, []string{"1.", "bolt-onboarding", "certified", "eve", "overdue", "14", "days,"}, fields("1.")[:7])
	// gamma: training due 01-20 +1mo = 02-20: 10 days overdue.
	assert.Equal(t, []string{"2.", "gamma-onboarding", "training", "eve", "overdue", "10"}, fields("2.")[:6])
	// acme: 5,000 USD 28 days after the 01-31 start, 61 days to 04-30:
	// 5000 + 5000*61/28 = 5000 + 10892.857 = 15892.86.
	assert.Contains(t, strings.Join(fields("4."), " "), "off track: trend reaches 15892.86 of 50000 USD")
	// bolt (events.yaml): 30,000 on 03-01, 55 days after the 01-05
	// start; due 01-05 +3mo = 04-05, 35 days later: 30000 + 30000*35/55
	// = 30000 + 19090.909 = 49090.91 < 50000.
	assert.Contains(t, stdout, "off track: trend reaches 49090.91 of 50000 USD")
	// fjord's webinar went in progress in events.yaml: no longer at risk.
	assert.NotContains(t, stdout, "fjord-launch      webinar")
	// Escalations (reseller policy: overdue > 3 days the owner, > 7 the
	// plan owner's manager): bolt's certification 14 days overdue (its
	// owner was told already, events.yaml), gamma's training 10 days.
	stdout2, _, code := invoke("plans", "-at", "2026-03-02", "-escalations", testdata+"/plans")
	require.Equal(t, 0, code)
	_, esc, _ := strings.Cut(stdout2, "Escalations due:\n")
	assert.Equal(t, `  certified -> dora (plan_owner_manager): bolt-onboarding: "3 certified engineers" overdue 14 days (more than 7 days)
  training -> eve (owner): gamma-onboarding: "Sales training" overdue 10 days (more than 3 days)
  training -> dora (plan_owner_manager): gamma-onboarding: "Sales training" overdue 10 days (more than 7 days)
`, esc)
	// Started 2025-12-01..2026-01-31: cobalt, bolt, gamma and acme; only
	// cobalt is complete, 12-01 -> 01-25 = 31 + 24 = 55 days.
	assert.Contains(t, stdout, "1 of 4 (25.0%), median 55 days to complete")
	// Reseller agreement took acme 01-31->02-10 = 10, bolt 01-05->01-15 =
	// 10, cobalt 12-01->12-10 = 9, gamma 01-20->01-25 = 5: median of
	// 5, 9, 10, 10 = 9.5. Training (from the agreement's completion):
	// acme 02-10->02-25 = 15, bolt 01-15->02-03 = 19, cobalt
	// 12-10->12-28 = 18: median 18.
	assert.Equal(t, []string{"agreement", "9.5", "(4", "done)"}, fields("agreement   9.5"))
	assert.Equal(t, []string{"training", "18.0", "(3", "done)"}, fields("training    18.0"))
	// By weight (1, 1, 3, 2): gamma has agreement done: 1/7 = 14.3%.
	assert.Equal(t, []string{"gamma-onboarding", "gamma", "overdue", "1/4", "14.3%", "2026-03-20", "paula"}, fields("gamma-onboarding   gamma"))
}
