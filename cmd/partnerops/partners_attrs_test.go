package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// attrDeals are the four deals of cookbook-dated-attributes.yaml's first
// test, for partner P-1 whose record comes from the partners file.
const attrDeals = `
- {id: D-1, partner_id: P-1, amount: "10000.00", close_date: 2026-03-10}
- {id: D-2, partner_id: P-1, amount: "10000.00", close_date: 2026-05-14}
- {id: D-3, partner_id: P-1, amount: "10000.00", close_date: 2026-05-15}
- {id: D-4, partner_id: P-1, amount: "10000.00", close_date: 2026-07-01}
`

// TestPartnersFileAttributeHistory: the same partner, with the same
// dated changes and a payment method, stated in a CSV, a JSON Lines and a
// YAML partners file, reads the same record and earns the cookbook's
// figures: D-1 emea 10000.00 x 0.04 = 400.00; D-2 emea reseller, emea on
// Apr 1: 400.00 + 150 = 550.00; D-3 na from May 15: 10000.00 x 0.02 =
// 200.00, + 150 (emea on Apr 1) = 350.00; D-4 na, na on Jul 1: 200.00.
// Total 400.00 + 550.00 + 350.00 + 200.00 = 1500.00.
func TestPartnersFileAttributeHistory(t *testing.T) {
	chdirRoot(t)
	prog := "rules/testdata/reference/cookbook-dated-attributes.yaml"
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(attrDeals), 0o644))
	files := map[string]string{
		"partners.csv": "id,name,payment_method,tier_history,attribute_history\n" +
			`P-1,Acme,check,2026-01-01 gold,2025-01-01 type=referral region=emea country=DE; 2026-04-01 type=reseller; 2026-05-15 region=na country=US` + "\n",
		"partners.jsonl": `{"id": "P-1", "name": "Acme", "payment_method": "check", "tier_history": [{"from": "2026-01-01", "tier": "gold"}], ` +
			`"attribute_history": [{"from": "2025-01-01", "type": "referral", "region": "emea", "country": "DE"}, {"from": "2026-04-01", "type": "reseller"}, ` +
			`{"from": "2026-05-15", "region": "na", "country": "US"}]}` + "\n",
		"partners.yaml": `- id: P-1
  name: Acme
  payment_method: check
  tier_history: [{from: 2026-01-01, tier: gold}]
  attribute_history:
    - {from: 2025-01-01, type: referral, region: emea, country: DE}
    - {from: 2026-04-01, type: reseller}
    - {from: 2026-05-15, region: na, country: US}
`,
	}
	var records []partner.Partner
	for name, src := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
			book, err := loadPartners(path, &incentive.Program{})
			require.NoError(t, err)
			p := book.byID["P-1"]
			assert.Equal(t, partner.Type("reseller"), p.Type, "the current value is the last change's")
			assert.Equal(t, "na", p.Region)
			assert.Equal(t, "US", p.Country)
			assert.Equal(t, partner.Tier("gold"), p.Tier)
			require.NotNil(t, p.Payment)
			assert.Equal(t, partner.Check, p.Payment.Method)
			// 1 tier + 2 type + 2 region + 2 country changes.
			assert.Len(t, p.History, 7)
			assert.Equal(t, "emea", p.AttrAt(partner.AttrRegion, time.Date(2026, 5, 14, 12, 0, 0, 0, time.UTC)))
			records = append(records, p)

			out, stderr, code := invoke("run", "-partners", path, prog, deals)
			require.Equal(t, exitOK, code, stderr)
			assert.Regexp(t, `P-1\s+Acme\s+4\s+4\s+1,500\.00`, out)
			out, stderr, code = invoke("explain", "-partners", path, prog, deals)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, out, `partner.region on 2026-05-15 = "na"`)
			assert.Contains(t, out, `partner.at_period_start.region on 2026-04-01 = "emea"`)
		})
	}
	require.Len(t, records, 3)
	assert.True(t, sameDated(records[0], records[1]) && sameDated(records[1], records[2]), "the three forms read the same changes")
}

// TestPartnersFileHistoryErrors: misuse in CSV and JSON Lines partners
// files is reported at the file, row and column (CSV) or line and field
// (JSON Lines), every problem at once. CSV columns count characters:
// "P-1,,cheque," puts row 2's payment_method at column 6 and its
// tier_history at 13; "P-3,platinum,," puts tier_history at 15;
// "P-4,,,2026-01-01 gold," puts attribute_history at 23.
func TestPartnersFileHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"bad.csv", "id,tier,payment_method,tier_history,attribute_history\n" +
			"P-1,,cheque,2026-02-01 gold; 2026-01-01 silver,\n" +
			"P-2,,,,2026-01-01 segment=smb; 2026-02-01 type=Reseller country=Germany\n" +
			"P-3,platinum,,2026-01-01 gold,\n" +
			"P-4,,,2026-01-01 gold,2026-01-01 tier=silver\n" +
			"P-5,,,,2026-01-01 region=emea; 2026-01-01 region=na; 2026-03-01; 03/01/2026 region=na\n",
			// line:column number (id 1, tier 2, payment_method 3,
			// tier_history 4, attribute_history 5), as the deal decoders
			[]string{
				`bad.csv:2:3: payment_method: unknown payment method "cheque" (want bank_transfer, check, paypal, card)`,
				`bad.csv:2:4: tier_history, entry 2: tier_history must be in time order: 2026-01-01 is not after the entry before it`,
				`bad.csv:3:5: attribute_history, entry 1: unknown attribute "segment" (want type, tier, region or country)`,
				`bad.csv:3:5: attribute_history, entry 2: type "Reseller" is not a lower-case name (letters, digits, _)`,
				`bad.csv:4:4: tier_history, entry 1: tier "gold" differs from the record's tier "platinum"`,
				`bad.csv:5:5: attribute_history, entry 1: the tier's changes are in tier_history too; give them in one list`,
				`bad.csv:6:5: attribute_history, entry 2: attribute_history must be in time order: 2026-01-01 is not after the entry before it`,
				`bad.csv:6:5: attribute_history, entry 3: want "DATE attr=value ..."`,
				`bad.csv:6:5: attribute_history, entry 4: want a date written YYYY-MM-DD or an RFC 3339 time, got "03/01/2026"`,
			}},
		{"bad.jsonl", `{"id": "P-1", "payment_method": "wire", "tier_history": [{"from": "2026-02-01", "tier": "gold"}, {"from": "2026-02-01", "tier": "silver"}]}` + "\n" +
			`{"id": "P-2", "attribute_history": [{"from": "2026-01-01", "segment": "smb"}, {"from": "2026-02-01", "country": "Germany"}, {"region": "na"}]}` + "\n" +
			`{"id": "P-3", "attribute_history": []}` + "\n",
			[]string{
				`bad.jsonl:1: payment_method: unknown payment method "wire"`,
				`bad.jsonl:1: tier_history[1].from: tier_history must be in time order: 2026-02-01 is not after the entry before it`,
				`bad.jsonl:2: attribute_history[0]: unknown key "segment" (want one of from, type, tier, region, country)`,
				`bad.jsonl:2: attribute_history[2]: missing required key "from"`,
				`bad.jsonl:3: attribute_history: list at least one entry, or leave it out`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			require.NoError(t, os.WriteFile(path, []byte(tc.src), 0o644))
			_, err := loadPartners(path, nil)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), filepath.Join(dir, "")+string(filepath.Separator)+w)
			}
		})
	}
}

// TestPartnersFileCountryJSONL: an invalid value in JSON Lines names the
// record's line and the entry's field.
func TestPartnersFileCountryJSONL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(`{"id": "P-2", "attribute_history": [{"from": "2026-02-01", "country": "Germany"}]}`+"\n"), 0o644))
	_, err := loadPartners(path, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `p.jsonl:1: attribute_history[0].country: country "Germany" is not an ISO 3166-1 alpha-2 code`)
}
