package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReferenceExamples compiles every example of the DSL reference
// (testdata/reference, quoted in doc.go) and runs its tests: all must pass,
// with full coverage and no warnings.
func TestReferenceExamples(t *testing.T) {
	set, err := Load(os.DirFS("testdata/reference"), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range set.Warnings() {
		t.Errorf("warning: %v", w)
	}
	rep := set.RunTests(context.Background(), TestOptions{MinCoverage: 100})
	for _, r := range rep.Results {
		if !r.Passed() {
			t.Errorf("%s (%s): err %v, diffs %q", r.Test.describe(), r.Test.Origin, r.Err, r.Diffs)
		}
	}
	if !rep.OK() {
		t.Errorf("report not OK:\n%s", rep)
	}
	if n := len(rep.Results); n < 30 {
		t.Errorf("the reference runs %d tests, want at least 30", n)
	}
}

// quotedFiles are the files doc.go quotes verbatim as code blocks.
func quotedFiles(t *testing.T) []string {
	files, err := filepath.Glob("testdata/reference/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return append(files, "testdata/errors/expr_typo_block.golden", "testdata/errors/failing_test.golden")
}

// TestDocQuotesReference checks that every reference file appears in
// doc.go exactly, as a code block. With -update it rewrites the quoted
// blocks in doc.go from the files.
func TestDocQuotesReference(t *testing.T) {
	raw, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Split(string(raw), "\n")
	changed := false
	for _, path := range quotedFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(strings.TrimRight(string(src), "\n"), "\n")
		for i, l := range want {
			if l == "" {
				want[i] = "//"
			} else {
				want[i] = "//\t" + l
			}
		}
		start := -1
		for i, l := range doc {
			if l == want[0] {
				start = i
				break
			}
		}
		if start < 0 {
			t.Errorf("doc.go does not quote %s (no line %q)", path, want[0])
			continue
		}
		end := start + 1 // end of the code block
		for end < len(doc) && (strings.HasPrefix(doc[end], "//\t") ||
			doc[end] == "//" && end+1 < len(doc) && strings.HasPrefix(doc[end+1], "//\t")) {
			end++
		}
		got := doc[start:end]
		if strings.Join(got, "\n") == strings.Join(want, "\n") {
			continue
		}
		if *update {
			doc = append(doc[:start], append(want, doc[end:]...)...)
			changed = true
			continue
		}
		t.Errorf("doc.go's quote of %s differs from the file (run with -update):\n--- doc.go:\n%s\n--- file:\n%s",
			path, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if changed {
		if err := os.WriteFile("doc.go", []byte(strings.Join(doc, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
