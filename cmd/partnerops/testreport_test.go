package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJUnitAndJSONReports: one case per YAML test with its file and line,
// the failure diff as the message, coverage as properties; -json says the
// same as JSON. testdata/failing has one passing and one failing test
// (total 1450.00 where 1200.00 is expected).
func TestJUnitAndJSONReports(t *testing.T) {
	chdirRoot(t)
	junit := filepath.Join(t.TempDir(), "report.xml")
	stdout, stderr, code := invoke("test", "-junit", junit, "-json", testdata+"/failing")
	assert.Equal(t, exitFail, code, stderr)

	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.False(t, rep.OK)
	assert.Equal(t, 1, rep.Passed)
	assert.Equal(t, 1, rep.Failed)
	require.Len(t, rep.Tests, 2)
	failed := rep.Tests[1]
	assert.Equal(t, "a large deal", failed.Name)
	assert.Equal(t, testdata+"/failing/failing_test.yaml", failed.File)
	assert.Equal(t, 5, failed.Line)
	assert.Equal(t, "total: want 1200.00, got 1450.00", failed.Diffs[0])
	assert.Equal(t, 100, rep.Coverage.Percent)

	src, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(src, &doc))
	assert.Equal(t, 2, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	assert.Equal(t, "failing-spiff", s.Name)
	require.Len(t, s.Cases, 2)
	assert.Nil(t, s.Cases[0].Failure)
	require.NotNil(t, s.Cases[1].Failure)
	assert.Equal(t, "total: want 1200.00, got 1450.00", s.Cases[1].Failure.Message)
	assert.Equal(t, 5, s.Cases[1].Line)
	assert.Contains(t, s.Properties, junitProperty{"coverage.percent", "100"})

	// A program with gaps lists them as properties.
	_, _, code = invoke("test", "-junit", junit, testdata+"/gaps")
	src, err = os.ReadFile(junit)
	require.NoError(t, err)
	var gapsDoc junitSuites
	require.NoError(t, xml.Unmarshal(src, &gapsDoc))
	gaps := 0
	for _, p := range gapsDoc.Suites[0].Properties {
		if p.Name == "coverage.gap" {
			gaps++
		}
	}
	assert.Positive(t, gaps)
	assert.Equal(t, exitOK, code)
}
