package rulestest

import (
	"io/fs"
	"testing"

	"github.com/partnerops/partnerops/rules"
)

// RunTierPolicies loads the files of fsys matching pattern with rules.Load
// and runs the tests of every `kind: TierPolicy` document as subtests named
// "<policy id>/<test name>". A file that does not compile fails t with the
// positioned errors; a test whose expectations do not hold fails its
// subtest with one error per difference, e.g. "action: want promote, got
// keep", and logs the recommendation's reason.
func RunTierPolicies(t *testing.T, fsys fs.FS, pattern string) {
	t.Helper()
	set, err := rules.Load(fsys, pattern)
	if err != nil {
		t.Fatalf("rules do not compile:\n%v", err)
	}
	tests := set.TierTests()
	if len(tests) == 0 {
		t.Fatalf("no tier policy tests in the files matching %q", pattern)
	}
	for _, tt := range tests {
		t.Run(tt.Policy.Policy.ID+"/"+tt.Name, func(t *testing.T) {
			r := tt.Run()
			if r.Err != nil {
				t.Fatalf("%s: %v", tt.Origin, r.Err)
			}
			for _, d := range r.Diffs {
				t.Errorf("%s: %s", tt.Origin, d)
			}
			if !r.Passed() {
				t.Logf("reason: %s", r.Recommendation.Reason)
			}
		})
	}
}
