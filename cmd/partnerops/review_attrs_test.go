package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// feeDeals are the cookbook's four partners, one per payment method.
const feeDeals = `
- {id: D-1, amount: "2000.00", close_date: 2026-02-10, partner_id: P-1, partner: {id: P-1, tier: gold, payment_method: bank_transfer}}
- {id: D-2, amount: "10000.00", close_date: 2026-02-11, partner_id: P-2, partner: {id: P-2, tier: gold, payment_method: check}}
- {id: D-3, amount: "15000.00", close_date: 2026-02-12, partner_id: P-3, partner: {id: P-3, tier: gold, payment_method: check}}
- {id: D-4, amount: "4000.00", close_date: 2026-02-13, partner_id: P-4, partner: {id: P-4, tier: gold, payment_method: paypal}}
`

// TestReviewStatementShowsFees: the command's statement (text, JSON, CSV)
// showed payable but neither the payment method's fee nor what is sent,
// although incentive.PartnerStatement carries both: finance paid P-3's
// 300.00 in full where the cheque sends 295.00.
//
// Cookbook program: min 100, bank_transfer min 25, check min 250 fee 5.
// P-1 bank: 2000.00 x 0.02 = 40.00 >= 25: paid, no fee, sent 40.00.
// P-2 check: 200.00 < 250: carried, no fee.
// P-3 check: 15000.00 x 0.02 = 300.00 >= 250: fee 5.00, sent 295.00.
// P-4 paypal (no terms): 80.00 < 100: carried.
// Totals: fees 5.00; sent 40.00 + 295.00 = 335.00.
func TestReviewStatementShowsFees(t *testing.T) {
	chdirRoot(t)
	prog := "rules/testdata/reference/cookbook-payment-methods.yaml"
	deals := filepath.Join(t.TempDir(), "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(feeDeals), 0o644))

	stdout, stderr, code := invoke("run", "-output", "json", prog, deals)
	require.Equal(t, exitOK, code, stderr)
	var st struct {
		Fees     struct{ Amount string } `json:"fees"`
		Sent     struct{ Amount string } `json:"sent"`
		Partners []struct {
			Partner       string
			PaymentMethod string                  `json:"payment_method"`
			Fee           struct{ Amount string } `json:"fee"`
			Sent          struct{ Amount string } `json:"sent"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	require.Len(t, st.Partners, 4)
	assert.Equal(t, "check", st.Partners[2].PaymentMethod)
	assert.Equal(t, "5.00", st.Partners[2].Fee.Amount)
	assert.Equal(t, "295.00", st.Partners[2].Sent.Amount)
	assert.Equal(t, "40.00", st.Partners[0].Sent.Amount)
	assert.Equal(t, "5.00", st.Fees.Amount)
	assert.Equal(t, "335.00", st.Sent.Amount)

	stdout, stderr, code = invoke("run", "-output", "csv", prog, deals)
	require.Equal(t, exitOK, code, stderr)
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 6) // header, four partners, total
	col := func(name string) int {
		for i, h := range recs[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no %s column in %v", name, recs[0])
		return -1
	}
	fee, sent, method := col("fee"), col("sent"), col("payment_method")
	assert.Equal(t, []string{"check", "5.00", "295.00"}, []string{recs[3][method], recs[3][fee], recs[3][sent]})
	assert.Equal(t, []string{"5.00", "335.00"}, []string{recs[5][fee], recs[5][sent]})

	stdout, stderr, code = invoke("run", prog, deals)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^  fee \(check\)\s.*-5\.00$`, stdout)
	assert.Regexp(t, `(?m)^  sent\s.*295\.00$`, stdout)
}

// TestReviewPartnersFileKeepsDealPaymentMethod: with -partners, a deal's
// partner record was replaced by the book's, comparing name, type, tier,
// region, country and contacts but not the payment method: a deal naming
// check for a partner whose book record names none (a CSV or JSON Lines
// partners file cannot) silently lost it, so the cheque's 5.00 fee was
// never charged. A payment method the deal gives that differs from the
// book's is now an error like any other attribute.
func TestReviewPartnersFileKeepsDealPaymentMethod(t *testing.T) {
	chdirRoot(t)
	prog := "rules/testdata/reference/cookbook-payment-methods.yaml"
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	partners := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(
		`- {id: D-3, amount: "15000.00", close_date: 2026-02-12, partner_id: P-3, partner: {id: P-3, payment_method: check}}`+"\n"), 0o644))
	require.NoError(t, os.WriteFile(partners, []byte("- {id: P-3, tier: gold}\n"), 0o644))
	_, stderr, code := invoke("run", "-partners", partners, prog, deals)
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stderr, `the deal gives payment method "check"`)

	// The book naming the same method: the fee is charged. 15000.00 x 0.02
	// = 300.00 >= 250.00; sent 300.00 - 5.00 = 295.00.
	require.NoError(t, os.WriteFile(partners, []byte("- {id: P-3, tier: gold, payment_method: check}\n"), 0o644))
	stdout, stderr, code := invoke("run", "-output", "csv", "-partners", partners, prog, deals)
	require.Equal(t, exitOK, code, stderr)
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 3)
	n := len(recs[1])
	assert.Equal(t, []string{"check", "5.00", "295.00"}, recs[1][n-3:])
}

// TestReviewPartnersFileKeepsDealTierHistory: a deal's tier_history that
// the book lacks was dropped the same way (only the last tier, the deal's
// tier, was compared), so partner.tier read the book's tier on every day:
// a deal closed before a promotion read the promoted tier.
func TestReviewPartnersFileKeepsDealTierHistory(t *testing.T) {
	chdirRoot(t)
	prog := "rules/testdata/reference/cookbook-payment-methods.yaml"
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	partners := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(`- {id: D-3, amount: "15000.00", close_date: 2026-02-12, partner_id: P-3, `+
		`partner: {id: P-3, tier_history: [{from: 2026-01-01, tier: silver}, {from: 2026-03-01, tier: gold}]}}`+"\n"), 0o644))
	require.NoError(t, os.WriteFile(partners, []byte("- {id: P-3, tier: gold}\n"), 0o644))
	_, stderr, code := invoke("run", "-partners", partners, prog, deals)
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, stderr, "tier_history")
}
