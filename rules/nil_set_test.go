package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/partnerops/partnerops/rules"
)

// A nil *Set (a Load whose error was dropped) reads as a set of no files:
// every method answered with a nil-pointer panic.
func TestNilSetIsEmpty(t *testing.T) {
	var s *rules.Set
	assert.Empty(t, s.Programs())
	assert.Nil(t, s.Program("q4-growth"))
	assert.Nil(t, s.ProgramVersion("q4-growth", 1))
	assert.Empty(t, s.Tests())
	assert.Empty(t, s.Warnings())
	assert.Nil(t, s.ApprovalPolicy("q4-growth"))
	assert.Empty(t, s.PlanTemplates())
	assert.Empty(t, s.PlanTests())
	plans, err := s.Plans()
	assert.NoError(t, err)
	assert.Empty(t, plans)
	assert.Empty(t, s.TierPolicies())
	assert.Empty(t, s.TierTests())
	assert.Empty(t, s.RunTierTests(nil).Results)
	rep := s.RunTests(t.Context(), rules.TestOptions{})
	assert.Empty(t, rep.Results)
}
