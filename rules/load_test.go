package rules

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func progVersion(id string, version, amount string) string {
	return `apiVersion: partnerops/v1
kind: Program
id: ` + id + `
name: Program ` + id + `
version: ` + version + `
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - {id: base, type: spiff, amount: ` + amount + `}
`
}

func testsFile(program, version, closeDate string) string {
	v := ""
	if version != "" {
		v = "version: " + version + "\n"
	}
	return `apiVersion: partnerops/v1
kind: Tests
program: ` + program + `
` + v + `tests:
  - name: one deal
    deal: {id: D-1, amount: "100.00", close_date: ` + closeDate + `}
    expect: {total: "0"}
`
}

func loadErrors(t *testing.T, fsys fstest.MapFS, pattern string) ErrorList {
	t.Helper()
	s, err := Load(fsys, pattern)
	if err == nil {
		t.Fatalf("Load succeeded with %d files, want errors", len(s.Files))
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Load error %T: %v", err, err)
	}
	return list
}

func TestLoadAttachesTestsBeside(t *testing.T) {
	fsys := fstest.MapFS{
		"programs/a.yaml":      {Data: []byte(progVersion("a", "1", "100") + "---\n" + progVersion("a", "2", "200"))},
		"programs/a_test.yaml": {Data: []byte(testsFile("a", "", "2026-03-01") + "---\n" + testsFile("a", "1", "2026-03-02"))},
		"programs/notes.txt":   {Data: []byte("not yaml")},
		"other/b_test.yaml":    {Data: []byte(testsFile("nope", "", "2026-03-01"))},
	}
	s, err := Load(fsys, "programs/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Files) != 2 || s.Files[0].Name != "programs/a.yaml" || s.Files[1].Name != "programs/a_test.yaml" {
		t.Fatalf("files = %v", s.Files)
	}
	if len(s.Programs()) != 2 || s.Program("a").Version != 2 || s.ProgramVersion("a", 1).Version != 1 ||
		s.ProgramVersion("a", 3) != nil || s.Program("b") != nil || s.ProgramVersion("a", 0) != nil {
		t.Error("program lookup")
	}
	tests := s.Tests()
	if len(tests) != 2 {
		t.Fatalf("%d tests", len(tests))
	}
	// Without version: the highest; with version: that one.
	if tests[0].Program != s.ProgramVersion("a", 2) || tests[1].Program != s.ProgramVersion("a", 1) {
		t.Errorf("tests attached to versions %d and %d, want 2 and 1", tests[0].Program.Version, tests[1].Program.Version)
	}
	if tests[0].Origin.File != "programs/a_test.yaml" || tests[0].Origin.Line != 5 {
		t.Errorf("origin %v", tests[0].Origin)
	}
	if len(s.Warnings()) != 0 {
		t.Errorf("warnings: %v", s.Warnings())
	}
}

func TestLoadErrors(t *testing.T) {
	list := loadErrors(t, fstest.MapFS{
		"a.yaml":      {Data: []byte(progVersion("a", "1", "100"))},
		"b.yaml":      {Data: []byte(progVersion("a", "1", "200"))},
		"a_test.yaml": {Data: []byte(testsFile("aa", "", "2026-03-01") + "---\n" + testsFile("a", "7", "2026-03-01"))},
	}, "*.yaml")
	got := list.Error()
	for _, want := range []string{
		`a_test.yaml:3:10: program: no program "aa" in the loaded files; did you mean "a"?`,
		`a_test.yaml:11:10: program: no version 7 of program "a" in the loaded files (loaded: 1)`,
		`b.yaml:5:10: version: program "a" version 1 is also defined in a.yaml; give the new terms a new version`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if len(list) != 3 {
		t.Errorf("want 3 errors, got %d:\n%s", len(list), got)
	}

	if _, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(docA)}}, "*.yml"); err == nil || !strings.Contains(err.Error(), `no files match "*.yml"`) {
		t.Errorf("no match: %v", err)
	}
	if _, err := Load(fstest.MapFS{}, "["); err == nil || !strings.Contains(err.Error(), "bad pattern") {
		t.Errorf("bad pattern: %v", err)
	}
	big := fstest.MapFS{"big.yaml": {Data: make([]byte, MaxFileSize+1)}}
	if list := loadErrors(t, big, "*.yaml"); len(list) != 1 || list[0].File != "big.yaml" || !strings.Contains(list[0].Msg, "at most 1048576 bytes") {
		t.Errorf("big file: %v", list)
	}
}

func TestLoadDoesNotCascadeIntoBrokenPrograms(t *testing.T) {
	broken := strings.Replace(progVersion("a", "1", "100"), "type: spiff", "type: spif", 1)
	list := loadErrors(t, fstest.MapFS{
		"a.yaml":      {Data: []byte(broken)},
		"a_test.yaml": {Data: []byte(testsFile("a", "", "2026-03-01"))},
	}, "a.yaml")
	if len(list) != 1 || list[0].Path != "earnings[0].type" {
		t.Errorf("want only the program's own error, got:\n%v", list)
	}
}

func TestLoadRecomputesTheWindowWarning(t *testing.T) {
	inFile := progVersion("a", "1", "100") + `tests:
  - name: before the window
    deal: {id: D-0, amount: "100.00", close_date: 2025-06-01}
    expect: {eligible: false}
`
	// Alone, the file's only test misses the window: a warning.
	f := mustCompile(t, "a.yaml", []byte(inFile))
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0].Msg, "no test deal closes inside the effective window") {
		t.Fatalf("warnings = %v", f.Warnings)
	}
	// A test beside it closes inside: no warning.
	s, err := Load(fstest.MapFS{
		"a.yaml":      {Data: []byte(inFile)},
		"a_test.yaml": {Data: []byte(testsFile("a", "", "2026-03-01"))},
	}, "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Warnings(); len(w) != 0 {
		t.Errorf("warnings = %v", w)
	}
	// Tests only beside the program, all outside: the warning appears.
	s, err = Load(fstest.MapFS{
		"a.yaml":      {Data: []byte(progVersion("a", "1", "100"))},
		"a_test.yaml": {Data: []byte(testsFile("a", "", "2027-03-01"))},
	}, "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Warnings(); len(w) != 1 || w[0].File != "a.yaml" || w[0].Line != 7 || w[0].Severity != SeverityWarning {
		t.Errorf("warnings = %v", w)
	}
}
