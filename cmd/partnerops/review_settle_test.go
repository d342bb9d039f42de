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

// A referral partner paid by a split is paid by the method its partners
// file record names, with that method's minimum payout.
func TestReviewSplitPayeePaymentMethod(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	prog := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(prog, []byte(`apiVersion: partnerops/v1
kind: Program
id: split-method
name: Split by method
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
min_payout: 100
payment_methods:
  - {method: bank_transfer, min_payout: 25}
fields:
  referrer: {type: string, optional: true}
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.02
split:
  remainder: largest_share
  to:
    - {payee: partner, ratio: 80}
    - {payee: deal.referrer, ratio: 20}
`), 0o600))
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(
		"- {id: D-1, partner: {id: P-1}, amount: \"10000.00\", close_date: 2026-06-01, referrer: R-9}\n"), 0o600))
	partners := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(partners, []byte(
		"- {id: P-1, name: Acme, tier: gold, type: reseller}\n"+
			"- {id: R-9, name: Nine, tier: silver, type: referral, payment_method: bank_transfer}\n"), 0o600))
	stdout, stderr, code := invoke("run", "-partners", partners, prog, deals)
	require.Equal(t, exitOK, code, stderr)
	// 10,000.00 x 0.02 = 200.00: P-1 80% = 160.00 (>= the program's
	// 100.00: paid), R-9 20% = 40.00 >= 25.00, the bank transfer minimum:
	// paid, not carried (it would be under the program's 100.00).
	assert.Regexp(t, `P-1\s+Acme\s+1\s+1\s+160\.00\s+0\.00\s+0\.00\s+0\.00\s+0\.00\s+160\.00\s+0\.00`, stdout)
	assert.Regexp(t, `R-9\s+Nine\s+0\s+0\s+40\.00\s+0\.00\s+0\.00\s+0\.00\s+0\.00\s+40\.00\s+0\.00`, stdout)
}
