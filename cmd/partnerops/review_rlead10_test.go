package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A batch run with -open and marked paid later by running it again: the
// second run's -records gate the marking too. Here P-ACME, paid by the
// open batch under q4-records.jsonl, is suspended in the file given when
// the batch is marked paid: the batch must not be marked paid (its money
// would go to a suspended partner), and the error must say why.
func TestReviewRlead10RerunOpenBatchWithRecordsThatBlock(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "rerun.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	must("approve", "-all", "-as-of", "2026-12-16", "-actor", "manager")
	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-records", q4Records, "-open", "-json")), &b))
	require.Equal(t, ledger.BatchOpen, b.State)
	require.Len(t, b.Lines, 1)
	require.Equal(t, "P-ACME", b.Lines[0].Bucket.Partner)

	src, err := os.ReadFile(q4Records)
	require.NoError(t, err)
	acme := `{"id": "P-ACME", "name": "Acme Resale Ltd", "type": "reseller", "status": "active",`
	require.Contains(t, string(src), acme)
	suspended := filepath.Join(t.TempDir(), "suspended.jsonl")
	require.NoError(t, os.WriteFile(suspended, []byte(strings.Replace(string(src), acme, strings.Replace(acme, "active", "suspended", 1), 1)), 0o644))

	out, errs, code := invoke("ledger", "pay", "-db", db, "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-records", suspended)
	assert.Equal(t, exitFail, code, "stdout: %s\nstderr: %s", out, errs)
	assert.Contains(t, errs, "P-ACME")
	assert.Contains(t, errs, "partner is suspended")
	var after ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-open", "-json")), &after))
	assert.Equal(t, ledger.BatchOpen, after.State, "the batch stays open: nothing was paid")

	// With records that let P-ACME be paid, the same rerun marks it paid.
	var paid ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-records", q4Records, "-json")), &paid))
	assert.Equal(t, ledger.BatchPaid, paid.State)
}

// A per_partner cap by half year in the ledger, in Tokyo time, with the
// second half's first deal accrued before the first half's: each half has
// its own room, as run counts it. D-3 closes at 2027-06-30T16:00Z, July 1
// 01:00 in Tokyo (H2); D-2 at 14:30Z, June 30 23:30 there (H1).
func TestReviewRlead10LedgerHalfYearCap(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	prog := write("prog.yaml", `apiVersion: partnerops/v1
kind: Program
id: tokyo-cap
name: Tokyo half-year cap
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-12-31, timezone: Asia/Tokyo}
period: half
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.10
caps:
  per_partner: 1000
`)
	const p1 = `partner: {id: P-1, name: One, type: reseller}`
	d3 := `- {id: D-3, amount: "3000.00", close_date: "2027-06-30T16:00:00Z", ` + p1 + "}\n"
	h1 := `- {id: D-1, amount: "8000.00", close_date: 2027-02-10, ` + p1 + "}\n" +
		`- {id: D-2, amount: "5000.00", close_date: "2027-06-30T14:30:00Z", ` + p1 + "}\n"
	d4 := `- {id: D-4, amount: "9000.00", close_date: 2027-09-01, ` + p1 + "}\n"
	db := "sqlite:" + filepath.Join(dir, "cap.db")
	for i, deals := range []string{d3, h1, d4} {
		f := write(fmt.Sprintf("deals%d.yaml", i), deals)
		out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-09-02", "-actor", "ops", prog, f)
		require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errs)
	}
	out, errs, code := invoke("ledger", "claims", "-db", db, "-as-of", "2027-09-02", "-json")
	require.Equal(t, exitOK, code, errs)
	var cs []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(out), &cs))
	got := map[string]string{}
	for _, c := range cs {
		got[c.Deal] = c.Amount.Amount().StringFixed(2)
	}
	assert.Equal(t, map[string]string{
		"D-3": "300.00", // H2 first: 3000.00 x 0.10 = 300.00, room 1000.00
		"D-1": "800.00", // H1: 8000.00 x 0.10 = 800.00
		"D-2": "200.00", // H1: 500.00, room 1000.00 - 800.00 = 200.00
		"D-4": "700.00", // H2: 900.00, room 1000.00 - 300.00 = 700.00
	}, got)
	// run, all four at once: 300.00 + 800.00 + 200.00 + 700.00 = 2,000.00
	all := write("all.yaml", d3+h1+d4)
	out, errs, code = invoke("run", prog, all)
	require.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `(?m)^total\s+4\s+4\s+2,000\.00\s`, out)
}

// The -records gate on the edges a finance user meets: a tax form's
// validity ends are both inclusive; a rejected form beside an approved one
// does not block, an approved document of another kind does not stand in
// for a tax form, a partner being offboarded can still be paid (its balance
// settled). Passed on the code under review: pinned.
func TestReviewRlead10RecordsGateEdges(t *testing.T) {
	pay := `"payment": {"method": "check", "account_holder": "X", "account_ref": "1"}`
	src := `{"id": "P-A", "name": "A", "type": "reseller", "status": "active", ` + pay + `, "documents": [` +
		`{"id": "A1", "kind": "tax_form", "form": "W-9", "status": "approved", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}, ` +
		`{"id": "A2", "kind": "tax_form", "form": "W-9", "status": "rejected", "valid_from": "2026-06-01"}]}` + "\n" +
		`{"id": "P-B", "name": "B", "type": "reseller", "status": "active", ` + pay + `, "documents": [` +
		`{"id": "B1", "kind": "agreement", "status": "approved"}]}` + "\n" +
		`{"id": "P-C", "name": "C", "type": "reseller", "status": "offboarding", ` + pay + `, "documents": [` +
		`{"id": "C1", "kind": "tax_form", "status": "approved"}]}` + "\n" +
		`{"id": "P-D", "name": "D", "type": "reseller", "status": "active", ` + pay + `, "documents": [` +
		`{"id": "D1", "kind": "tax_form", "status": "approved", "valid_from": "2027-01-01"}]}` + "\n"
	b, err := parseRecords("r.jsonl", []byte(src))
	require.NoError(t, err)
	day := func(y int, m time.Month, d int) incentive.Date { return incentive.Date{Year: y, Month: m, Day: d} }
	for _, tc := range []struct {
		id   string
		on   incentive.Date
		want string // "" : can be paid
	}{
		{"P-A", day(2026, time.January, 1), ""},   // first day valid
		{"P-A", day(2026, time.December, 31), ""}, // last day valid (inclusive)
		{"P-A", day(2027, time.January, 1), "expired on 2026-12-31"},
		{"P-B", day(2026, time.December, 31), "no tax form on file"},
		{"P-C", day(2026, time.December, 31), ""},
		{"P-D", day(2026, time.December, 31), "2027-01-01"},
		{"P-D", day(2027, time.January, 1), ""},
		{"P-Z", day(2026, time.December, 31), "P-Z has no record in r.jsonl"},
	} {
		err := b.gate(tc.id, tc.on)
		if tc.want == "" {
			assert.NoError(t, err, "%s on %s", tc.id, tc.on)
		} else if assert.Error(t, err, "%s on %s", tc.id, tc.on) {
			assert.Contains(t, err.Error(), tc.want, "%s on %s", tc.id, tc.on)
		}
	}
}

// -records names each partner's payment method, and the program's terms
// for it apply: check (minimum 500.00, fee 25.00), bank_transfer (minimum
// 100.00, no fee). Passed on the code under review: pinned.
func TestReviewRlead10RecordsMethodTerms(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	prog := write("prog.yaml", `apiVersion: partnerops/v1
kind: Program
id: methods
name: Method terms
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-12-31}
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.10
payment_methods:
  - {method: bank_transfer, min_payout: 100}
  - {method: check, min_payout: 500, fee: 25}
`)
	deals := write("deals.yaml", `- {id: D-1, amount: "8000.00", close_date: 2027-02-10, partner: {id: P-1, name: One, type: reseller}}
- {id: D-2, amount: "2000.00", close_date: 2027-03-10, partner: {id: P-1, name: One, type: reseller}}
- {id: D-5, amount: "3000.00", close_date: 2027-03-10, partner: {id: P-2, name: Two, type: reseller}}
- {id: D-6, amount: "1500.00", close_date: 2027-03-10, partner: {id: P-3, name: Three, type: reseller}}
`)
	rec := func(id, method string) string {
		return `{"id": "` + id + `", "name": "` + id + `", "type": "reseller", "status": "active", "payment": {"method": "` + method +
			`", "account_holder": "` + id + `", "account_ref": "1"}, "documents": [{"id": "T", "kind": "tax_form", "status": "approved"}]}` + "\n"
	}
	records := write("records.jsonl", rec("P-1", "check")+rec("P-2", "check")+rec("P-3", "bank_transfer"))
	db := "sqlite:" + filepath.Join(dir, "methods.db")
	for _, args := range [][]string{
		{"accrue", "-as-of", "2027-03-15", "-actor", "ops", prog, deals},
		{"approve", "-all", "-as-of", "2027-03-16", "-actor", "manager"},
	} {
		out, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", out, errs)
	}
	out, errs, code := invoke("ledger", "pay", "-db", db, "-batch", "B", "-as-of", "2027-03-31", "-actor", "finance", "-records", records, "-json")
	require.Equal(t, exitOK, code, errs)
	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(out), &b))
	lines := map[string][3]string{}
	for _, ln := range b.Lines {
		lines[ln.Bucket.Partner] = [3]string{string(ln.Method), ln.Fee.Amount().StringFixed(2), ln.Sent.Amount().StringFixed(2)}
	}
	assert.Equal(t, map[string][3]string{
		"P-1": {"check", "25.00", "975.00"},      // (8000.00 + 2000.00) x 0.10 = 1000.00 >= 500.00; 1000.00 - 25.00
		"P-3": {"bank_transfer", "0.00", "0.00"}, // 150.00 >= 100.00, no fee (Sent is set only with a fee)
	}, lines)
	require.Len(t, b.Blocked, 1)
	assert.Equal(t, "P-2", b.Blocked[0].Bucket.Partner) // 300.00 < 500.00, check's minimum
	assert.Contains(t, b.Blocked[0].Reason, "below the minimum payout of 500.00")
}
