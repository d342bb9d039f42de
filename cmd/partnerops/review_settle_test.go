package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A split pays the partner named by a deal field (deal.referrer). With a
// partners file, a referral partner the file lacks must be refused like an
// unknown deal partner (not paid silently under an id nobody knows), and
// a known one is shown with its name.
func TestReviewSplitPayeeMustBeInPartnersFile(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	prog := "rules/testdata/reference/cookbook-split-payouts.yaml"
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(
		"- {id: D-1, partner: {id: P-1}, amount: \"12345.67\", close_date: 2026-06-01, referrer: R-9}\n"+
			"- {id: D-2, partner: {id: P-1}, amount: \"1000.00\", close_date: 2026-06-02, referrer: R-8}\n"), 0o600))
	partners := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(partners, []byte(
		"- {id: P-1, name: Acme, tier: gold, type: reseller}\n"+
			"- {id: R-9, name: Referrer Nine, tier: silver, type: referral}\n"), 0o600))

	stdout, stderr, code := invoke("run", "-partners", partners, prog, deals)
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stderr, "deal D-2: split payee deal.referrer: unknown partner R-8: not in")
	// D-1 runs: R-9's share 49.38 + 50.51 = 99.89 (the cookbook's
	// figures), under R-9's name from the partners file.
	assert.Regexp(t, `R-9\s+Referrer Nine\s+0\s+0\s+99\.89`, stdout)
}
