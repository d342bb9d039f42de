package workbench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewNewcomer10ExplainDealWithoutPartnerRecord: a deals file as a
// CRM exports it names each deal's partner by id, its record (tier, type,
// region) in a partners file, which the page has no way to read. The page
// explained such a deal with an empty partner: a premier partner's deal
// read `partner.tier = ""` and was "not eligible", a wrong explanation in
// plain words, where `partnerops explain` over the same file says the
// partner has no record. The page now says so too; a deal carrying its
// partner's record is explained as before.
func TestReviewNewcomer10ExplainDealWithoutPartnerRecord(t *testing.T) {
	dir := t.TempDir()
	prog := `apiVersion: partnerops/v1
kind: Program
id: tiered
name: Tiered
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-06-30}
eligibility:
  - name: premier partner
    when: partner.tier == "premier"
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.02
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(prog), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "deals.yaml"), []byte(`- {id: D-1, partner_id: P-1, amount: "10000.00", close_date: 2027-02-01}
- {id: D-2, partner: {id: P-2, tier: premier}, amount: "10000.00", close_date: 2027-02-02}
`), 0o644))
	base := startServer(t, dir)

	code, m, raw := do(t, base, call{method: "POST", path: "/api/explain", body: explainRequest{buffer: buffer{"p.yaml", prog}, DealsFile: "deals.yaml", DealID: "D-1"}})
	assert.Equal(t, 400, code, raw)
	assert.NotContains(t, raw, "not eligible")
	assert.Contains(t, m["error"], "deal D-1: partner P-1 has no record (tier, type, region...)")

	// D-2 carries its partner's record: 10,000.00 x 2% = 200.00.
	code, m, raw = do(t, base, call{method: "POST", path: "/api/explain", body: explainRequest{buffer: buffer{"p.yaml", prog}, DealsFile: "deals.yaml", DealID: "D-2"}})
	require.Equal(t, 200, code, raw)
	assert.Contains(t, m["text"], "total 200.00 USD")
}
