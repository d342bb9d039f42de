package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const q4Records = "cmd/partnerops/testdata/records/q4-records.jsonl"

// TestLedgerPayRecords pays the README's quarter with -records: only the
// partners whose record lets them be paid on the run's date are paid; each
// other one's claims stay payable, listed with the reason, and a later
// batch pays them once their records are put right. q4-records.jsonl:
// P-ACME can be paid; P-BRIGHT is suspended; P-CORAL can be paid but is
// under the 100.00 minimum; P-EVER's W-9 expired on 2026-06-30; P-FJORD
// has no payment details; P-GLOBE has no record.
func TestLedgerPayRecords(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "records.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	must("approve", "-all", "-as-of", "2026-12-16", "-actor", "manager")
	// What each partner has payable: the sum of its approved claims.
	var approved []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json", "-state", "payable")), &approved))
	payable := map[string]decimal.Decimal{}
	for _, c := range approved {
		payable[c.Partner] = payable[c.Partner].Add(c.Amount.Amount())
	}
	for _, id := range []string{"P-ACME", "P-BRIGHT", "P-CORAL", "P-EVER", "P-FJORD", "P-GLOBE"} {
		require.True(t, payable[id].IsPositive(), "the example gives %s a payable claim", id)
	}

	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance", "-records", q4Records, "-json")), &b))
	paid := func(b ledger.Batch) map[string]string {
		m := map[string]string{}
		for _, ln := range b.Lines {
			m[ln.Bucket.Partner] = ln.Payable.Amount().StringFixed(2)
		}
		return m
	}
	assert.Equal(t, map[string]string{"P-ACME": payable["P-ACME"].StringFixed(2)}, paid(b))
	reasons := map[string]string{}
	for _, bl := range b.Blocked {
		reasons[bl.Bucket.Partner] = bl.Reason
		assert.Equal(t, payable[bl.Bucket.Partner].StringFixed(2), bl.Amount.Amount().StringFixed(2), bl.Bucket.Partner)
	}
	assert.Contains(t, reasons["P-BRIGHT"], "partner is suspended")
	assert.Contains(t, reasons["P-CORAL"], "below the minimum payout of 100.00")
	assert.Contains(t, reasons["P-EVER"], "tax form W-9 (DOC-4) expired on 2026-06-30")
	assert.Contains(t, reasons["P-FJORD"], "no payment details on file")
	assert.Contains(t, reasons["P-GLOBE"], "P-GLOBE has no record in "+q4Records)
	assert.Len(t, reasons, 5)

	// The records put right: P-BRIGHT active again, P-EVER's new W-9,
	// P-FJORD's bank details, P-GLOBE's record. The next batch pays them
	// (P-ACME was paid; P-CORAL is still under the minimum).
	src, err := os.ReadFile(q4Records)
	require.NoError(t, err)
	fixed := strings.NewReplacer(
		`"status": "suspended"`, `"status": "active"`,
		`"valid_from": "2025-07-01", "valid_until": "2026-06-30"`, `"valid_from": "2026-07-01"`,
		`"id": "P-FJORD", "name": "Fjord Data AS", "type": "reseller", "status": "active",`,
		`"id": "P-FJORD", "name": "Fjord Data AS", "type": "reseller", "status": "active", "payment": {"method": "bank_transfer", "account_holder": "Fjord Data AS", "account_ref": "NO00FJORD001"},`,
	).Replace(string(src)) + `{"id": "P-GLOBE", "name": "Globe Tech", "type": "reseller", "status": "active", "payment": {"method": "check", "account_holder": "Globe Tech", "account_ref": "GLOBE-1"}, "documents": [{"id": "DOC-6", "kind": "tax_form", "status": "approved"}]}` + "\n"
	require.NotEqual(t, string(src), fixed)
	path := filepath.Join(t.TempDir(), "records.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(fixed), 0o644))
	var b2 ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "Q4-2026-late", "-as-of", "2027-01-05", "-actor", "finance", "-records", path, "-json")), &b2))
	assert.Equal(t, map[string]string{
		"P-BRIGHT": payable["P-BRIGHT"].StringFixed(2),
		"P-EVER":   payable["P-EVER"].StringFixed(2),
		"P-FJORD":  payable["P-FJORD"].StringFixed(2),
		"P-GLOBE":  payable["P-GLOBE"].StringFixed(2),
	}, paid(b2))
	require.Len(t, b2.Blocked, 1)
	assert.Equal(t, "P-CORAL", b2.Blocked[0].Bucket.Partner)

	// The text output says why each partner was not paid.
	out := must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance", "-records", q4Records)
	assert.Contains(t, out, "marked paid before")
}

// A -records file with a problem is refused whole, every problem named at
// its line, before anything is paid; -records and -partners together are a
// usage error.
func TestLedgerPayRecordsRefused(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "refused.db")
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	good := `{"id": "P-1", "name": "One", "type": "reseller"}`
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"unknown key", good + "\n" + `{"id": "P-2", "name": "Two", "type": "reseller", "tax_id": "x"}` + "\n",
			[]string{`:2: unknown key "tax_id"`}},
		{"invalid record and duplicate", `{"id": "P-1", "type": "reseller"}` + "\n" + good + "\n" + good + "\n",
			[]string{":1: ", "legal name is required", ":3: partner P-1 is listed twice (first at "}},
		{"wrong type", `{"id": "P-1", "name": "One", "type": "reseller", "documents": {}}` + "\n",
			[]string{":1: documents: want []partner.Document, got a JSON object"}},
		{"two values on a line", good + " " + good + "\n", []string{":1: more than one JSON value"}},
		{"not an array", `[{"id": "P-1"}, 7]`, []string{"record 2: "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tc.name, " ", "-")+".jsonl", tc.text)
			out, errs, code := invoke("ledger", "pay", "-db", db, "-batch", "B", "-as-of", "2026-12-31", "-records", p)
			assert.Equal(t, exitFail, code, out)
			for _, w := range tc.want {
				assert.Contains(t, errs, w)
			}
			assert.Contains(t, errs, p+" has errors")
		})
	}
	// A JSON array of valid records is read as JSON Lines are.
	arr := write("array.json", "[\n"+good+",\n"+`{"id": "P-2", "name": "Two", "type": "msp"}`+"\n]\n")
	b, err := loadRecords(arr)
	require.NoError(t, err)
	assert.Equal(t, []string{"P-1", "P-2"}, slices.Sorted(maps.Keys(b.byID)))

	out, errs, code := invoke("ledger", "pay", "-db", db, "-batch", "B", "-records", arr, "-partners", "examples/data/var-partners.yaml")
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, errs, "give -partners or -records, not both")
}
