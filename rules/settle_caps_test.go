package rules

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
)

// A settlement expectation of what the caps cut reports each difference:
// the capped amount, the caps named, and the payable.
func TestRunTestsSettlementCappedDiffs(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference/cookbook-settlement-caps.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(raw),
		`{true_up: "550.00", payable: "400.00", capped: "150.00", capped_by: [per_partner]}`,
		`{true_up: "550.00", payable: "550.00", capped: "0", capped_by: [budget]}`, 1)
	f := mustCompile(t, "c.yaml", []byte(src))
	rep := (&Set{Files: []*File{f}}).RunTests(context.Background(), TestOptions{})
	if len(rep.Results) != 2 {
		t.Fatalf("%d results", len(rep.Results))
	}
	r := rep.Results[0]
	// The cap leaves 1,500.00 - 1,100.00 = 400.00 of the 550.00 true-up.
	want := []string{
		"settlements.quarter-true-up.2026-01-01.payable: want 550.00, got 400.00",
		"settlements.quarter-true-up.2026-01-01.capped: want 0.00, got 150.00",
		"settlements.quarter-true-up.2026-01-01.capped_by: want [budget], got [per_partner]",
	}
	if r.Err != nil || !slices.Equal(r.Diffs, want) {
		t.Errorf("err %v, diffs\n%s\nwant\n%s", r.Err, strings.Join(r.Diffs, "\n"), strings.Join(want, "\n"))
	}
	if !rep.Results[1].Passed() {
		t.Errorf("second test: %v %q", rep.Results[1].Err, rep.Results[1].Diffs)
	}
	// Both caps cut a true-up in the file's tests: coverage counts them.
	if gaps := rep.Coverage.Gaps(); len(gaps) != 0 {
		t.Errorf("coverage gaps: %v", gaps)
	}
}
