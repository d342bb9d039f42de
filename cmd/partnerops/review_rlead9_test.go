package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
)

// rlead9Program pays 10% of each deal, in USD, for a program in the time
// zone given (payable at once: approval by a manager, no hold).
func rlead9Program(t *testing.T, id, zone string) string {
	t.Helper()
	src := `apiVersion: partnerops/v1
kind: Program
id: ` + id + `
name: Zone ` + zone + `
version: 1
currency: USD
effective: {from: 2026-10-01, to: 2026-12-31, timezone: ` + zone + `}
claims: {window: 90d, from: close_date}
payee: partner
min_payout: 1
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.1
`
	path := filepath.Join(t.TempDir(), id+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

const rlead9Deals = `- id: D-1
  close_date: 2026-11-02
  amount: "2000.00"
  type: new_business
  registered: true
  partner: {id: P-A, tier: gold}
`

// -as-of DATE dates a ledger step at noon UTC, which in a program of a zone
// ahead of UTC+12 (Pacific/Auckland in summer, UTC+13) is the next day: an
// approval -as-of 2026-12-16 counted on 2026-12-17, and the quarter's
// payment run -as-of 2026-12-31, printed "as of 2026-12-31", counted on
// 2027-01-01, so a statement through 2026-12-31 read the Q4 earnings
// payable, not paid. A date is the day it names in the programs' zones.
func TestReviewRlead9AsOfDateInProgramZone(t *testing.T) {
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(rlead9Deals), 0o644))
	prog := rlead9Program(t, "akl", "Pacific/Auckland")
	db := "sqlite:" + filepath.Join(dir, "z.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-11-10", "-actor", "ops", prog, deals)
	must("approve", "-all", "-as-of", "2026-12-16", "-actor", "mgr")
	assert.Contains(t, must("pay", "-batch", "Q4", "-as-of", "2026-12-31", "-actor", "fin"), "batch Q4 as of 2026-12-31: paid\n")

	var exp struct{ Entries []ledger.Entry }
	require.NoError(t, json.Unmarshal([]byte(must("export", "-format", "json")), &exp))
	eff := map[ledger.EntryKind]string{}
	for _, e := range exp.Entries {
		eff[e.Kind] = e.Effective.String()
	}
	assert.Equal(t, map[ledger.EntryKind]string{
		ledger.EntryAccrual: "2026-11-10", ledger.EntryApproval: "2026-12-16",
		ledger.EntryBatch: "2026-12-31", ledger.EntryPayment: "2026-12-31",
	}, eff)

	// Through 2026-12-31 the quarter's 2,000.00 x 10% = 200.00 is paid.
	var st ledger.Statement
	require.NoError(t, json.Unmarshal([]byte(must("statement", "-json", "-through", "2026-12-31")), &st))
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "200.00", st.Lines[0].Paid.Amount().StringFixed(2))
	assert.True(t, st.Lines[0].Payable.IsZero(), "payable %s", st.Lines[0].Payable)
}

// dayInstant is the day named in UTC and every zone given, noon UTC where
// that already is.
func TestReviewRlead9DayInstant(t *testing.T) {
	d := incentive.Date{Year: 2026, Month: time.December, Day: 31}
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		return loc
	}
	ny, akl, kiri, hon := zone("America/New_York"), zone("Pacific/Auckland"), zone("Pacific/Kiritimati"), zone("Pacific/Honolulu")
	for _, tc := range []struct {
		locs []*time.Location
		want string
	}{
		{nil, "2026-12-31T12:00:00Z"},
		{[]*time.Location{ny}, "2026-12-31T12:00:00Z"},
		// Auckland (UTC+13) and UTC share 00:00-11:00 UTC; with New
		// York (UTC-5), 05:00-11:00.
		{[]*time.Location{akl}, "2026-12-31T05:30:00Z"},
		{[]*time.Location{ny, akl}, "2026-12-31T08:00:00Z"},
		// Kiritimati (UTC+14: 10:00 UTC the day before to 10:00) and
		// Honolulu (UTC-10: 10:00 to 10:00 the day after) share no hour:
		// noon UTC.
		{[]*time.Location{kiri, hon}, "2026-12-31T12:00:00Z"},
	} {
		got := dayInstant(d, tc.locs)
		assert.Equal(t, tc.want, got.UTC().Format(time.RFC3339))
		if len(tc.locs) < 2 || tc.locs[0] != kiri {
			for _, loc := range append(tc.locs, time.UTC) {
				assert.Equal(t, d, incentive.DateOf(got.In(loc)), loc.String())
			}
		}
	}
}

// A claim approved and then voided before payment (clawback of an unpaid
// claim) left its amount in the statement's approved and in no other
// column: approved 666.50 against payable 399.90, nothing else, and the key
// saying approved is a total of everything to date. The statement's voided
// column says where it went: approved = balance + paid + clawed back +
// voided, in every row, by type too.
func TestReviewRlead9StatementVoidedAddsUp(t *testing.T) {
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(rlead9Deals+`- id: D-2
  close_date: 2026-11-03
  amount: "3000.00"
  type: new_business
  registered: true
  partner: {id: P-A, tier: gold}
`), 0o644))
	db := "sqlite:" + filepath.Join(dir, "v.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-11-10", "-actor", "ops", rlead9Program(t, "utc", "UTC"), deals)
	must("approve", "-all", "-as-of", "2026-11-11", "-actor", "mgr")
	var cs []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json")), &cs))
	require.Len(t, cs, 2)
	void := cs[0]
	if void.Deal != "D-1" {
		void = cs[1]
	}
	// D-1: 2,000.00 x 10% = 200.00, voided; D-2: 3,000.00 x 10% = 300.00,
	// payable.
	require.Equal(t, "200.00", void.Amount.Amount().StringFixed(2))
	must("clawback", void.ID, "-as-of", "2026-11-12", "-actor", "fin", "-reason", "deal cancelled")

	text := must("statement")
	lines := strings.Split(text, "\n")
	require.Equal(t, []string{"partner", "payee", "program", "currency", "accrued", "approved", "held", "payable", "withheld", "batched", "paid", "clawed", "back", "voided", "balance"},
		strings.Fields(lines[2]))
	// 200.00 + 300.00 = 500.00 approved = 300.00 balance (payable) + 200.00
	// voided.
	assert.Equal(t, []string{"P-A", "partner", "utc", "USD", "0.00", "500.00", "0.00", "300.00", "0.00", "0.00", "0.00", "0.00", "200.00", "300.00"},
		strings.Fields(lines[3]))
	assert.Equal(t, []string{"type", "spiff", "0.00", "500.00", "0.00", "300.00", "0.00", "200.00"}, strings.Fields(lines[4]))
	assert.Equal(t, []string{"total", "USD", "0.00", "500.00", "0.00", "300.00", "0.00", "0.00", "0.00", "0.00", "200.00", "300.00"},
		strings.Fields(lines[6]))
	assert.Contains(t, text, "approved = balance + paid + clawed back + voided")

	var st ledger.Statement
	require.NoError(t, json.Unmarshal([]byte(must("statement", "-json")), &st))
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "200.00", st.Lines[0].Voided.Amount().StringFixed(2))
	assert.Equal(t, "200.00", st.Lines[0].Types[0].Voided.Amount().StringFixed(2))
	// Through the day before the void nothing was voided.
	require.NoError(t, json.Unmarshal([]byte(must("statement", "-json", "-through", "2026-11-11")), &st))
	assert.True(t, st.Lines[0].Voided.IsZero(), "voided %s", st.Lines[0].Voided)
	assert.Equal(t, "500.00", st.Lines[0].Payable.Amount().StringFixed(2))
}

// pay -partners warned of every partner the file gives no method as "paid
// under the program's own terms", also one the run did not pay: P-A's
// 500.00 x 10% = 50.00 is below the 100.00 minimum and carried over, yet
// the warning said it was paid. Only the paid are said to be paid; the
// carried are said to be carried under the program's own minimum.
func TestReviewRlead9PayWarnsOnlyPaidAsPaid(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "pm.yaml")
	require.NoError(t, os.WriteFile(prog, []byte(`apiVersion: partnerops/v1
kind: Program
id: pm
name: PM
version: 1
currency: USD
effective: {from: 2026-10-01, to: 2026-12-31, timezone: UTC}
claims: {window: 90d, from: close_date}
payee: partner
min_payout: 100
payment_methods:
  - {method: bank_transfer, min_payout: 100}
  - {method: check, min_payout: 500, fee: 15}
earnings:
  - id: spiff
    type: spiff
    amount: deal.amount * 0.1
`), 0o644))
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(`- id: D-1
  close_date: 2026-11-02
  amount: "500.00"
  type: new_business
  registered: true
  partner: {id: P-A, tier: gold}
- id: D-2
  close_date: 2026-11-03
  amount: "3000.00"
  type: new_business
  registered: true
  partner: {id: P-B, tier: gold}
- id: D-3
  close_date: 2026-11-03
  amount: "2000.00"
  type: new_business
  registered: true
  partner: {id: P-C, tier: gold}
`), 0o644))
	partners := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(partners, []byte("- {id: P-B, name: B, type: reseller, tier: gold, country: US, payment_method: bank_transfer}\n"), 0o644))
	db := "sqlite:" + filepath.Join(dir, "pm.db")
	must := func(args ...string) (string, string) {
		t.Helper()
		out, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, "partnerops ledger %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out, errs
	}
	must("accrue", "-as-of", "2026-11-10", "-actor", "ops", prog, deals)
	must("approve", "-all", "-as-of", "2026-11-11", "-actor", "mgr")
	out, errs := must("pay", "-batch", "B", "-as-of", "2026-11-30", "-actor", "fin", "-partners", partners)
	// P-B 300.00 by bank transfer; P-C 200.00 without a method; P-A 50.00
	// carried.
	assert.Contains(t, out, "not paid: P-A/partner/pm 50.00: below the minimum payout of 100.00 USD; carried over")
	assert.Equal(t, "partnerops ledger pay: warning: P-C: no payment method in "+partners+", paid under the program's own terms (no method's minimum, no fee)\n"+
		"partnerops ledger pay: warning: P-A: no payment method in "+partners+", not paid: carried over under the program's own minimum\n", errs)
}

// pay -as-of an RFC 3339 time took the batch's date in UTC, not at the
// offset written: paid at 23:00 on New Year's Eve in New York
// (2026-12-31T23:00:00-05:00), the batch read "as of 2027-01-01" and its
// entries counted in 2027. The date is the day the time names.
func TestReviewRlead9PayAsOfTimeAtItsOffset(t *testing.T) {
	dir := t.TempDir()
	deals := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(deals, []byte(rlead9Deals), 0o644))
	db := "sqlite:" + filepath.Join(dir, "ny.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-11-10", "-actor", "ops", rlead9Program(t, "ny", "America/New_York"), deals)
	must("approve", "-all", "-as-of", "2026-11-11", "-actor", "mgr")
	assert.Contains(t, must("pay", "-batch", "Q4", "-as-of", "2026-12-31T23:00:00-05:00", "-actor", "fin"), "batch Q4 as of 2026-12-31: paid\n")
	// 2,000.00 x 10% = 200.00 paid in 2026.
	var st ledger.Statement
	require.NoError(t, json.Unmarshal([]byte(must("statement", "-json", "-through", "2026-12-31")), &st))
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "200.00", st.Lines[0].Paid.Amount().StringFixed(2))
}
