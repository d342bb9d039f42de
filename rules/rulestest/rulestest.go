// Package rulestest runs the YAML tests of program files as Go tests, so a
// service that embeds partnerops keeps `go test` as its one test command:
//
//	//go:embed programs
//	var programs embed.FS
//
//	func TestPrograms(t *testing.T) {
//		rulestest.Run(t, programs, "programs/*.yaml")
//	}
//
// Each YAML test becomes a subtest named "<program id>/<test name>", so
// `go test -run 'TestPrograms/q4-spiff'` selects a program's tests.
package rulestest

import (
	"io/fs"
	"testing"

	"github.com/partnerops/partnerops/rules"
)

// Run loads the files of fsys matching pattern with rules.Load (their
// "*_test.yaml" neighbours included) and runs every YAML test as a subtest.
// A file that does not compile fails t with the positioned errors; a test
// whose expectations do not hold fails its subtest with one error per
// difference, e.g. "lines.base: want 240.00, got 200.00". Warnings are
// logged.
func Run(t *testing.T, fsys fs.FS, pattern string) {
	t.Helper()
	set, err := rules.Load(fsys, pattern)
	if err != nil {
		t.Fatalf("rules do not compile:\n%v", err)
	}
	for _, w := range set.Warnings() {
		t.Log(w)
	}
	tests := set.Tests()
	if len(tests) == 0 {
		t.Fatalf("no YAML tests in the files matching %q", pattern)
	}
	for _, yt := range tests {
		t.Run(yt.Program.ID+"/"+yt.Name, func(t *testing.T) {
			r := yt.Run(t.Context())
			if r.Err != nil {
				t.Fatalf("%s: %v", yt.Origin, r.Err)
			}
			for _, d := range r.Diffs {
				t.Errorf("%s: %s", yt.Origin, d)
			}
		})
	}
}
