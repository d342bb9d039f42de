package rules

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestErrorsGolden compiles every malformed program under testdata/errors
// and compares the full rendered output (errors with snippets; or, for the
// few files that compile, warnings and failing tests) with its .golden
// file. Run `go test ./rules -run TestErrorsGolden -update` to regenerate,
// then read the diff.
func TestErrorsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("want at least 30 malformed programs, have %d", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := renderCompile(t, name, src)
			golden := strings.TrimSuffix(path, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (run with -update and review the diff)\n--- got:\n%s\n--- want:\n%s", golden, got, want)
			}
		})
	}
}

// renderCompile compiles a file and renders what a user would see: the
// errors, or the warnings and the outcome of the file's tests.
func renderCompile(t *testing.T, name string, src []byte) string {
	t.Helper()
	f, err := Compile(name, src)
	if err != nil {
		var list ErrorList
		var first *Error
		if !errors.As(err, &list) || !errors.As(err, &first) || first != list[0] {
			t.Fatalf("Compile error is not an ErrorList: %T", err)
		}
		if f != nil {
			t.Error("Compile returned a File with an error")
		}
		return err.Error() + "\n"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "compiled: %d program(s), %d test(s)\n", len(f.Programs), len(f.Tests))
	for _, w := range f.Warnings {
		b.WriteString(w.Error() + "\n")
	}
	rep := (&Set{Files: []*File{f}}).RunTests(context.Background(), TestOptions{})
	for _, r := range rep.Results {
		if r.Passed() {
			continue
		}
		fmt.Fprintf(&b, "FAIL %s\n", r.Test.Name)
		if r.Err != nil {
			fmt.Fprintf(&b, "    error: %v\n", r.Err)
		}
		for _, d := range r.Diffs {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	if len(f.Warnings) == 0 && rep.Failed() == 0 {
		t.Errorf("%s compiles cleanly and its tests pass; an errors case must show an error, a warning or a failure", name)
	}
	return b.String()
}
