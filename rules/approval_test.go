package rules

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const policyYAML = `apiVersion: partnerops/v1
kind: ApprovalPolicy
program: q4-spiff
approvals:
  - from: 0
  - from: 1000
    roles: [manager]
  - from: "5000.00"
    roles: [manager, finance]
  - types: [mdf, referral]
    from: 0
    roles: [manager]
approvers:
  finance: [carol, "dave@example.com"]
holds:
  referral: 30d
  spiff: 0d
`

func TestCompileApprovalPolicy(t *testing.T) {
	f := mustCompile(t, "policy.yaml", []byte(policyYAML))
	require.Len(t, f.ApprovalPolicies, 1)
	assert.Empty(t, f.Programs)
	p := f.ApprovalPolicies[0]
	assert.Equal(t, "q4-spiff", p.Program)
	assert.Equal(t, map[string][]string{"finance": {"carol", "dave@example.com"}}, p.Approvers)
	assert.Equal(t, map[incentive.EarningType]int{incentive.Referral: 30, incentive.Spiff: 0}, p.HoldDays)
	tests := []struct {
		typ    incentive.EarningType
		amount string
		roles  []string
	}{
		{incentive.Spiff, "999.99", nil},                          // below 1000: auto
		{incentive.Spiff, "1000", []string{"manager"}},            // from 1000 inclusive
		{incentive.Bonus, "4999.99", []string{"manager"}},         // below 5000
		{incentive.Spiff, "5000", []string{"manager", "finance"}}, // from 5000
		{incentive.MDF, "10", []string{"manager"}},                // typed rule wins
		{incentive.Referral, "100000", []string{"manager"}},       // typed rule wins at any amount
	}
	for _, tt := range tests {
		var roles []string
		for _, s := range p.Steps(tt.typ, dec(tt.amount)) {
			roles = append(roles, s.Role)
		}
		assert.Equal(t, tt.roles, roles, "%s %s", tt.typ, tt.amount)
	}
}

func TestApprovalPolicyErrors(t *testing.T) {
	head := "apiVersion: partnerops/v1\nkind: ApprovalPolicy\n"
	tests := []struct {
		name string
		body string
		want string // "line:col: message"; the message may carry the YAML path first
	}{
		{"missing approvals", "program: p\n", "1:1: missing required key \"approvals\""},
		{"unknown key", "program: p\napprovals: [{from: 0}]\nescalate: true\n", "5:1: unknown key \"escalate\""},
		{"negative threshold", "program: p\napprovals:\n  - from: -5\n", "5:11: a threshold cannot be negative, got -5"},
		{"not a number", "program: p\napprovals:\n  - from: lots\n", "5:11: want a decimal number such as 1250 or 0.025, got \"lots\""},
		{"unknown type", "program: p\napprovals:\n  - types: [spif]\n    from: 0\n", "5:13: unknown value \"spif\"; did you mean \"spiff\"?"},
		{"same threshold twice", "program: p\napprovals:\n  - from: 100\n  - from: 100.0\n    roles: [finance]\n", "6:11: another rule (line 5) already starts at 100 for every type"},
		{"bad role", "program: p\napprovals:\n  - from: 0\n    roles: [\"fin ance\"]\n", "6:13: role \"fin ance\" must be letters"},
		{"bad hold", "program: p\napprovals: [{from: 0}]\nholds:\n  referral: 30 days\n", "6:13: want a number of days between 0d and 3660d such as 30d, got \"30 days\""},
		{"hold for an unknown type", "program: p\napprovals: [{from: 0}]\nholds:\n  refferal: 30d\n", "6:3: unknown key \"refferal\"; did you mean \"referral\"?"},
		{"empty approver list", "program: p\napprovals: [{from: 0}]\napprovers:\n  finance: []\n", "6:12: list at least one approver"},
		{"empty approvals", "program: p\napprovals: []\n", "4:12: list at least one approval rule"},
		{"second policy", "program: p\napprovals: [{from: 0}]\n---\n" + head + "program: p\napprovals: [{from: 0}]\n", "8:10: program \"p\" already has an approval policy in this file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := compileErrors(t, head+tt.body)
			pos, msg, _ := strings.Cut(tt.want, ": ")
			var got []string
			found := false
			for _, e := range errs {
				got = append(got, e.Error())
				first, _, _ := strings.Cut(e.Error(), "\n")
				found = found || (strings.HasPrefix(first, "t.yaml:"+pos+": ") && strings.Contains(first, msg))
			}
			assert.True(t, found, "want %s, errors:\n%s", tt.want, strings.Join(got, "\n"))
		})
	}
}

// The compiled policy drives the ledger: a claim of 1,200.00 needs a manager.
func TestApprovalPolicyInLedger(t *testing.T) {
	f := mustCompile(t, "policy.yaml", []byte(policyYAML))
	steps := f.ApprovalPolicies[0].Steps(incentive.Spiff, dec("1200"))
	assert.Equal(t, []ledger.ApprovalStep{{Role: "manager"}}, steps)
	require.NoError(t, f.ApprovalPolicies[0].Validate())
}

// A policy can sit next to its program in the same file, or in its own
// file of a loaded set.
func TestApprovalPolicyNextToProgram(t *testing.T) {
	program := `apiVersion: partnerops/v1
kind: Program
id: ref
name: Referral reward
version: 1
currency: USD
effective: {from: 2026-10-01, to: 2026-12-31, timezone: UTC}
earnings:
  - id: reward
    type: referral
    amount: 500
`
	policy := `apiVersion: partnerops/v1
kind: ApprovalPolicy
program: ref
approvals:
  - from: 0
holds:
  referral: 30d
`
	f := mustCompile(t, "ref.yaml", []byte(program+"---\n"+policy))
	require.Len(t, f.Programs, 1)
	require.Len(t, f.ApprovalPolicies, 1)
	assert.Equal(t, 30, f.ApprovalPolicies[0].HoldDays[incentive.Referral])

	set, err := Load(fstest.MapFS{
		"programs/ref.yaml":    {Data: []byte(program)},
		"programs/policy.yaml": {Data: []byte(policy)},
	}, "programs/*.yaml")
	require.NoError(t, err)
	require.NotNil(t, set.ApprovalPolicy("ref"))
	assert.Empty(t, set.ApprovalPolicy("ref").Steps(incentive.Referral, dec("500")), "auto-approved")
	assert.Nil(t, set.ApprovalPolicy("other"))
}
