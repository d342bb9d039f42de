package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// README's "A quarter of administration", run as finance runs it, then a
// refund clawed back in two parts. The text statement had no clawed_back
// column: after the refund it showed paid 147.51 and a withheld -147.51
// with nothing saying why (the JSON statement had clawed_back). And the
// same `ledger pay -batch` run again printed the batch as if it had just
// been paid, with nothing saying that it was paid before and nothing was
// recorded (README: "The same -batch again pays nothing twice").
func TestReviewRlead8FinanceQuarter(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	must("approve", "-all", "-actor", "manager", "-as-of", "2026-12-16")
	first := must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance")
	assert.Contains(t, first, "batch Q4-2026 as of 2026-12-31: paid\n")
	assert.NotContains(t, first, "nothing recorded")
	again := must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance")
	assert.Contains(t, again, "batch Q4-2026 as of 2026-12-31: paid (marked paid before, by finance on 2026-12-31: nothing recorded)\n")
	// The lines are the same batch's.
	assert.Equal(t, first[strings.Index(first, "\n"):], again[strings.Index(again, "\n"):])

	var cs []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json", "-partner", "P-EVER", "-state", "paid")), &cs))
	require.Len(t, cs, 1) // EVG-5004, 147.51 (examples/data/README.md)
	must("clawback", cs[0].ID, "-amount", "100.00", "-reason", "refund part 1", "-actor", "finance", "-as-of", "2027-01-05")
	must("clawback", cs[0].ID, "-amount", "47.51", "-reason", "refund part 2", "-actor", "finance", "-as-of", "2027-01-06")
	_, errs, code := invoke("ledger", "clawback", cs[0].ID, "-reason", "again", "-actor", "finance", "-as-of", "2027-01-07", "-db", db)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "nothing left to take back (paid 147.51 USD, clawed back 147.51 USD)")

	st := must("statement", "-partner", "P-EVER")
	lines := strings.Split(strings.TrimRight(st, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 8, st)
	assert.Equal(t, "Ledger statement: every entry to date", lines[0])
	assert.Equal(t, []string{"partner", "payee", "program", "currency", "accrued", "approved", "held", "payable", "withheld", "batched", "paid", "clawed", "back", "voided", "balance"},
		strings.Fields(lines[2]))
	// 100.00 + 47.51 = 147.51 clawed back, owed back (withheld) until
	// recovered from a later payout; nothing voided.
	assert.Equal(t, []string{"P-EVER", "partner", "q4-2026-partner-growth", "USD", "0.00", "147.51", "0.00", "0.00", "-147.51", "0.00", "147.51", "147.51", "0.00", "-147.51"},
		strings.Fields(lines[3]))
	// Its one earning type, a rebate: approved and clawed back.
	assert.Equal(t, []string{"type", "rebate", "0.00", "147.51", "0.00", "0.00", "147.51", "0.00"}, strings.Fields(lines[4]))
	// The one bucket is the total, after a blank line.
	assert.Equal(t, "", lines[5])
	assert.Equal(t, []string{"total", "USD", "0.00", "147.51", "0.00", "0.00", "-147.51", "0.00", "147.51", "147.51", "0.00", "-147.51"}, strings.Fields(lines[6]))
	assert.Contains(t, st, "balance = held + payable + withheld + batched")
}

// The distributor example, accrued with -partners (round 8), was paid by
// `ledger pay` under the program's default terms: the program pays cheques
// from 500.00 less a 15.00 fee and bank transfers from 100.00, and the
// partners file names each partner's method, but pay took no -partners
// and passed no method, so DIST-WEST's 300.00 went out by cheque below the
// cheque minimum and DIST-NORTH's cheque had no fee. pay now takes
// -partners (the methods), and warns without it when a program has
// payment-method terms; its table shows each line's method, fee and what
// is sent (it showed net only: 2,179.90 for a cheque that sends 2,164.90).
func TestReviewRlead8PayByPaymentMethod(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "dist.db")
	run := func(args ...string) (string, string) {
		t.Helper()
		out, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, "partnerops ledger %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out, errs
	}
	const partners = "examples/data/distributor-partners.yaml"
	// NOR-101 is refused (split with its referrer): exit 1, the rest recorded.
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-04-05", "-actor", "ops", "-partners", partners,
		"examples/programs/distributor-growth.yaml", "examples/data/distributor-deals.yaml")
	require.Equal(t, exitFail, code, errs)
	// The summary accounts for all 9 deals: 6 recorded, 2 rejected and
	// NOR-101 in error (it said nothing of NOR-101, 6 + 2 of 9).
	assert.Contains(t, out, "9 deals accrued")
	assert.Contains(t, out, "\n  1 deal in error, nothing recorded for it (the errors are on stderr)\n")
	run("approve", "-all", "-actor", "manager", "-as-of", "2027-04-06")

	out, errs = run("pay", "-batch", "Q1", "-as-of", "2027-04-07", "-actor", "finance", "-partners", partners, "-json")
	assert.NotContains(t, errs, "warning")
	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(out), &b))
	lines := map[string][3]string{} // partner: method, net, sent
	for _, ln := range b.Lines {
		lines[ln.Bucket.Partner] = [3]string{string(ln.Method), ln.Net.Amount().StringFixed(2), ln.Sent.Amount().StringFixed(2)}
	}
	blocked := map[string]string{}
	for _, bl := range b.Blocked {
		blocked[bl.Bucket.Partner] = bl.Amount.Amount().StringFixed(2) + ": " + bl.Reason
	}
	assert.Equal(t, map[string][3]string{
		// NOR-102 950.00 + 129.90 + NOR-103 1,100.00 = 2,179.90 by
		// cheque, less the 15.00 fee: 2,164.90 sent.
		"DIST-NORTH": {"check", "2179.90", "2164.90"},
		// SOU-201 451.96 + SOU-202 225.01 + SOU-203 100.00 = 776.97 by
		// bank transfer, no fee (Sent is zero: Net is sent).
		"DIST-SOUTH": {"bank_transfer", "776.97", "0.00"},
	}, lines)
	// WES-301 300.00 by cheque, below the 500.00 cheque minimum.
	assert.Equal(t, map[string]string{"DIST-WEST": "300.00: below the minimum payout of 500.00 USD; carried over"}, blocked)

	// The table says what each payment sends (Q1 again: nothing recorded).
	out, _ = run("pay", "-batch", "Q1", "-as-of", "2027-04-07", "-actor", "finance", "-partners", partners)
	rows := strings.Split(strings.TrimRight(out, "\n"), "\n")
	require.Len(t, rows, 5, out)
	assert.Equal(t, "partner payee program currency claims payable recovered net method fee sent", strings.Join(strings.Fields(rows[1]), " "))
	assert.Equal(t, "DIST-NORTH partner distributor-growth-2027 USD 2 2,179.90 0.00 2,179.90 check 15.00 2,164.90", strings.Join(strings.Fields(rows[2]), " "))
	assert.Equal(t, "DIST-SOUTH partner distributor-growth-2027 USD 3 776.97 0.00 776.97 bank_transfer 0.00 776.97", strings.Join(strings.Fields(rows[3]), " "))

	// Without -partners: the warning (-open: the batch is not paid).
	_, errs, code = invoke("ledger", "pay", "-db", db, "-batch", "Q2", "-open", "-as-of", "2027-04-08", "-actor", "finance")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "partnerops ledger pay: warning: distributor-growth-2027 has payment-method terms (bank_transfer, check): without -partners every partner is paid under the program's own terms (no method's minimum, no fee)")
	// The q4 example has no payment-method terms: no warning.
	q4 := "sqlite:" + filepath.Join(t.TempDir(), "q4.db")
	_, errs, code = invoke("ledger", "accrue", "-db", q4, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	_, errs, code = invoke("ledger", "pay", "-db", q4, "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance")
	require.Equal(t, exitOK, code, errs)
	assert.NotContains(t, errs, "warning")
}

// README and the help said accrue records "one claim per deal and program
// version", which reads as if version 2 of the terms would claim the deals
// again. A deal is claimed once per program id: accruing version 2 over the
// same export records each deal version 1 claimed as rejected, already
// claimed (the ledger's dedupe key), and pays nothing twice.
func TestReviewRlead8AccrueNewVersionClaimsNothingTwice(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "v.db")
	src, err := os.ReadFile(example)
	require.NoError(t, err)
	v2 := strings.Replace(string(src), "\nversion: 1\n", "\nversion: 2\n", 1)
	require.NotEqual(t, string(src), v2)
	v2file := filepath.Join(dir, "q4-v2.yaml")
	require.NoError(t, os.WriteFile(v2file, []byte(v2), 0o644))

	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	// run -as-of 2026-12-15 pays 31,467.51 and carries P-CORAL's 77.50:
	// 31,545.01, of which BRI-2006 500.00, ACME-1011 2,400.00 and
	// GLX-7003 2,500.00 close after 2026-12-15 and are not claimed yet:
	// 31,545.01 - 5,400.00 = 26,145.01 over 20 - 3 = 17 claims.
	assert.Contains(t, out, "17 claims recorded, 26,145.01 USD accrued")
	out, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", v2file, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "q4-2026-partner-growth v2: 32 deals accrued")
	assert.Contains(t, out, "0 claims recorded, 0.00 USD accrued")
	// The 17 deals v1 claimed, and v1's 5 late and 6 ineligible again
	// (FJD-6004, the seventh, is one of the 4 not yet closed).
	assert.Contains(t, out, "28 rejected: already claimed 17, claim window closed 5, not eligible 6")
	assert.Contains(t, out, "4 deals not yet closed")
	help, _, _ := invoke("help", "ledger")
	assert.Contains(t, help, "one claim per deal and program")
	assert.NotContains(t, help, "one claim per deal and program version")
}

// The README's quarter, accrued and paid through the ledger, pays each
// partner what run's statement pays as of the same day (and carries what
// it carries): the quarter's last day, when every deal has closed (the
// ledger claims a deal once it has closed). It paid P-ACME, P-BRIGHT and P-FJORD 1,335.00 less: the
// ledger dropped the five late deals from the partners' quarter volume,
// which run counts (see TestReviewRlead8LateDealCountsInPeriodVolume).
func TestReviewRlead8LedgerPaysWhatRunPays(t *testing.T) {
	chdirRoot(t)
	out, errs, code := invoke("run", "-as-of", "2026-12-31", "-output", "json", example, deals)
	require.Equal(t, exitOK, code, errs)
	var st struct {
		Partners []struct {
			Partner    string `json:"partner"`
			Payable    struct{ Amount string }
			CarriedOut struct{ Amount string } `json:"carried_out"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	want := map[string]string{}
	for _, p := range st.Partners {
		if p.Payable.Amount != "0.00" {
			want[p.Partner] = p.Payable.Amount
		}
		if p.CarriedOut.Amount != "0.00" {
			want[p.Partner] = "carried " + p.CarriedOut.Amount
		}
	}
	require.Len(t, want, 6, "%v", want) // P-DELTA earns nothing

	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	for _, args := range [][]string{
		{"accrue", "-as-of", "2026-12-31", "-actor", "ops", example, deals},
		{"approve", "-all", "-actor", "manager", "-as-of", "2026-12-31"},
	} {
		_, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, errs)
	}
	out, errs, code = invoke("ledger", "pay", "-db", db, "-batch", "B", "-as-of", "2026-12-31", "-actor", "finance", "-json")
	require.Equal(t, exitOK, code, errs)
	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(out), &b))
	got := map[string]string{}
	for _, ln := range b.Lines {
		got[ln.Bucket.Partner] = ln.Net.Amount().StringFixed(2)
	}
	for _, bl := range b.Blocked {
		got[bl.Bucket.Partner] = "carried " + bl.Amount.Amount().StringFixed(2)
	}
	assert.Equal(t, want, got)
}

// A usage error of a ledger subcommand's file (-partners of a file that
// is not there) pointed to 'partnerops help ledger accrue', which fails
// ("want at most one command name"); the help topic is the command,
// 'partnerops help ledger'.
func TestReviewRlead8LedgerUsageHintIsAHelpTopic(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "u.db")
	for _, args := range [][]string{
		{"ledger", "accrue", "-db", db, "-partners", "nope.yaml", example, deals},
		{"ledger", "pay", "-db", db, "-batch", "B", "-partners", "nope.yaml"},
	} {
		_, errs, code := invoke(args...)
		assert.Equal(t, exitUsage, code, errs)
		assert.Contains(t, errs, "cannot read nope.yaml")
		assert.Contains(t, errs, "(see 'partnerops help ledger')", args[1])
	}
	help, errs, code := invoke("help", "ledger")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, help, "partnerops ledger")
}

// The text statement as finance reads it after README's quarter: amounts
// grouped by thousands as in run's statement, each bucket's currency, and
// the totals (reviewer rlead8: it had no totals row, no currency and no
// thousands separators).
func TestLedgerStatementTextTotals(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	must("approve", "-all", "-actor", "manager", "-as-of", "2026-12-16")
	must("pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "finance")
	rows := map[string][]string{}
	var partners []string
	for _, ln := range strings.Split(must("statement", "-through", "2026-12-31"), "\n") {
		switch f := strings.Fields(ln); {
		case len(f) == 14 && f[1] == "partner" && f[3] == "USD": // a bucket's row
			rows[f[0]] = f
			partners = append(partners, f[0])
		case len(f) == 12 && f[0] == "total":
			rows[f[0]] = f
		}
	}
	// The amounts are the claims' (ledger claims -json), grouped by
	// thousands: checked against the claims and against each other, not
	// against figures copied from this output.
	amount := func(s string) decimal.Decimal {
		d, err := decimal.NewFromString(strings.ReplaceAll(s, ",", ""))
		require.NoError(t, err, s)
		return d
	}
	var cs []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json")), &cs))
	approved := map[string]decimal.Decimal{}
	for _, c := range cs {
		if c.State == ledger.PaidState || c.State == ledger.PayableState {
			approved[c.Partner] = approved[c.Partner].Add(c.Amount.Amount())
		}
	}
	require.Len(t, partners, len(approved))
	// Columns from "accrued" on: accrued, approved, held, payable, withheld,
	// batched, paid, clawed back, voided, balance.
	var sum [10]decimal.Decimal
	for _, id := range partners {
		f := rows[id]
		require.Equal(t, []string{"partner", "q4-2026-partner-growth", "USD"}, f[1:4], id)
		var v [10]decimal.Decimal
		for k := range v {
			v[k] = amount(f[4+k])
			sum[k] = sum[k].Add(v[k])
		}
		assert.True(t, v[1].Equal(approved[id]), "%s approved %s, its claims %s", id, v[1], approved[id])
		// Nothing held, withheld, batched, clawed back or voided: what was
		// approved was paid or is payable, and the balance is what is
		// payable.
		assert.True(t, v[6].Add(v[3]).Equal(v[1]), "%s: paid %s + payable %s = approved %s", id, v[6], v[3], v[1])
		assert.True(t, v[9].Equal(v[2].Add(v[3]).Add(v[4]).Add(v[5])), "%s: balance = held + payable + withheld + batched", id)
		assert.True(t, v[1].Equal(v[9].Add(v[6]).Add(v[7]).Add(v[8])), "%s: approved = balance + paid + clawed back + voided", id)
		// The program's min_payout is 100: only a partner owed less is
		// carried (payable), and it is then paid nothing.
		if v[3].IsPositive() {
			assert.True(t, v[3].LessThan(decimal.NewFromInt(100)) && v[6].IsZero(), "%s payable %s, paid %s", id, v[3], v[6])
		}
	}
	// P-CORAL earns 77.50 in run's statement of the same deals (README's
	// quick start), below the minimum: carried, as the ledger says too.
	assert.Equal(t, "77.50", rows["P-CORAL"][7], "P-CORAL payable")
	// The total row is the column sums, with the currency.
	require.Equal(t, "USD", rows["total"][1])
	for k := range sum {
		assert.True(t, amount(rows["total"][2+k]).Equal(sum[k]), "total column %d: %s, the rows sum to %s", k, rows["total"][2+k], sum[k])
	}
	// Grouped by thousands: P-ACME's approved is above 1,000 (its deals
	// include a 2,500.00 deal-capped claim).
	assert.Contains(t, rows["P-ACME"][5], ",")
	assert.Equal(t, "Ledger statement: entries effective through 2026-12-31\n", must("statement", "-through", "2026-12-31")[:len("Ledger statement: entries effective through 2026-12-31\n")])
	// Before the accrual: nothing, said so.
	assert.Equal(t, "Ledger statement: entries effective through 2026-12-10\nNo partner has an entry.\n", must("statement", "-through", "2026-12-10"))
}

// A deal changed in a later export (ACME-1001's amount 120,000.00 ->
// 130,000.00) and accrued again is refused, nothing recorded, and the
// error says what happened rather than the idempotency key's mechanics
// ("idempotency key reused with a different request: key claim:accrue:...",
// reviewer rlead8).
func TestLedgerAccrueChangedDealSaysSo(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	_, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	src, err := os.ReadFile(deals)
	require.NoError(t, err)
	changed := strings.Replace(string(src), `amount: "120000.00"`, `amount: "130000.00"`, 1)
	require.NotEqual(t, string(src), changed)
	d2 := filepath.Join(dir, "deals.yaml")
	require.NoError(t, os.WriteFile(d2, []byte(changed), 0o644))
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, d2)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "partnerops ledger accrue: deal ACME-1001: differs from the deal accrued before under q4-2026-partner-growth v1 (the deal or its partner's record changed since): nothing recorded; the ledger keeps the claim as first accrued (ledger claims -partner P-ACME)\n")
	assert.NotContains(t, errs, "idempotency")
	assert.Contains(t, out, "0 claims recorded")
	// 32 deals less ACME-1001 and the 4 not yet closed on 2026-12-15.
	assert.Contains(t, out, "27 already recorded by an earlier accrue")
	assert.Contains(t, out, "1 deal in error")
}

// ledger pay -partners with a file that gives a paid partner no payment
// method (DIST-SOUTH's record dropped) pays it under the program's own
// terms, and says so (reviewer rledger9: it did so silently).
func TestLedgerPayWarnsOfPartnersWithoutMethod(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "dist.db")
	const partners = "examples/data/distributor-partners.yaml"
	_, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-04-05", "-actor", "ops", "-partners", partners,
		"examples/programs/distributor-growth.yaml", "examples/data/distributor-deals.yaml")
	require.Equal(t, exitFail, code, errs) // NOR-101, split with its referrer, is refused
	_, errs, code = invoke("ledger", "approve", "-all", "-db", db, "-actor", "manager", "-as-of", "2027-04-06")
	require.Equal(t, exitOK, code, errs)
	src, err := os.ReadFile(partners)
	require.NoError(t, err)
	var kept []string
	for _, ln := range strings.Split(string(src), "\n") {
		if !strings.Contains(ln, "id: DIST-SOUTH,") {
			kept = append(kept, ln)
		}
	}
	short := filepath.Join(dir, "partners.yaml")
	require.NoError(t, os.WriteFile(short, []byte(strings.Join(kept, "\n")), 0o644))
	out, errs, code := invoke("ledger", "pay", "-db", db, "-batch", "Q1", "-as-of", "2027-04-07", "-actor", "finance", "-partners", short)
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, "partnerops ledger pay: warning: DIST-SOUTH: no payment method in "+short+", paid under the program's own terms (no method's minimum, no fee)\n", errs)
	// DIST-NORTH still by cheque, DIST-SOUTH without a method.
	assert.Contains(t, out, "check")
	assert.Regexp(t, `DIST-SOUTH\s+partner\s+distributor-growth-2027\s+USD\s+3\s+776\.97\s+0\.00\s+776\.97\s+-`, out)
}
