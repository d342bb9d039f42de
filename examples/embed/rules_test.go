package main

import (
	"os"
	"testing"

	"github.com/partnerops/partnerops/rules/rulestest"
)

// TestPrograms runs the YAML tests of the program files as Go subtests, so
// that `go test ./...` is the one test command of a service that embeds
// partnerops; a failing YAML test fails the build like any Go test.
// `go test ./examples/embed -run 'TestPrograms/q4-2026-partner-growth'`
// selects one program's tests.
func TestPrograms(t *testing.T) {
	rulestest.Run(t, os.DirFS("../programs"), "*.yaml")
}
