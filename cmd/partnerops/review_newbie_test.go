package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckOneProgramOfAFolder: `check` and `test` of one named program
// file in a folder that holds another program and its *_test.yaml file
// load the named program with its own tests only. Before the fix the other
// program's test file was loaded too and failed with `no program "b" in the
// loaded files`, so adding a second program to examples/programs broke
// `partnerops check examples/programs/q4-growth.yaml`.
func TestCheckOneProgramOfAFolder(t *testing.T) {
	dir := t.TempDir()
	prog := func(id string) string {
		return "apiVersion: partnerops/v1\nkind: Program\nid: " + id + "\nname: " + id + "\nversion: 1\ncurrency: USD\n" +
			"effective: {from: 2026-01-01}\nearnings:\n  - {id: flat, type: spiff, amount: 100}\n"
	}
	tests := func(id string) string {
		return "apiVersion: partnerops/v1\nkind: Tests\nprogram: " + id + "\ntests:\n" +
			"  - name: flat\n    deal: {id: D-1, amount: \"10.00\", close_date: 2026-03-01}\n    expect: {total: \"100.00\"}\n"
	}
	for name, src := range map[string]string{
		"a.yaml": prog("a"), "a_test.yaml": tests("a"),
		"b.yaml": prog("b"), "b_test.yaml": tests("b"),
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	cases := []struct {
		name string
		args []string
		want string // stdout
	}{
		{"check one", []string{"check", a}, "ok: 2 files, 1 program, 1 test\n"},
		{"check both named", []string{"check", a, b}, "ok: 4 files, 2 programs, 2 tests\n"},
		{"check the folder", []string{"check", dir}, "ok: 4 files, 2 programs, 2 tests\n"},
		{"test one", []string{"test", b}, "ok: 1 test"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := invoke(tc.args...)
			assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, out, tc.want)
		})
	}
}
