package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/internal/pgtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quarter runs a quarter of administration on db and checks each step.
func quarter(t *testing.T, db string) {
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := invoke(append(args, "-db", db)...)
		require.Equal(t, exitOK, code, "partnerops %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out
	}
	claims := func(args ...string) []ledger.Claim {
		t.Helper()
		var cs []ledger.Claim
		require.NoError(t, json.Unmarshal([]byte(must(append([]string{"ledger", "claims", "-json"}, args...)...)), &cs))
		return cs
	}
	assert.Contains(t, must("ledger", "init"), "ledger ready")

	// Accrued on 2026-12-15, 60-day windows from the close date: the
	// example's deals closed before 2026-10-16 are late; cmd/partnerops/
	// testdata/README.md shows 25 of the 32 deals earn, 7 do not. Four
	// deals close after 2026-12-15 and are not claimed yet: BRI-2006,
	// ACME-1011 and GLX-7003, which earn, and FJD-6004 (unregistered),
	// which does not.
	out := must("ledger", "accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	m := regexp.MustCompile(`(\d+) claims recorded`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	assert.Contains(t, out, "not eligible 6", "the 7 deals that earn nothing under run, but FJD-6004, not yet closed, are refused here too")
	assert.Contains(t, out, "4 deals not yet closed on 2026-12-15 (BRI-2006, FJD-6004, ACME-1011, GLX-7003): not claimed")
	pending := claims("-state", "pending_approval")
	assert.Equal(t, m[1], itoa(len(pending)))
	late := regexp.MustCompile(`claim window closed (\d+)`).FindStringSubmatch(out)
	require.NotNil(t, late, out)
	// 25 earning deals = recorded + refused as late + 3 not yet closed.
	assert.Equal(t, 25, len(pending)+atoi(late[1])+3)
	accrued := decimal.Zero
	for _, c := range pending {
		accrued = accrued.Add(c.Amount.Amount())
		assert.Equal(t, "ops", c.SubmittedBy)
	}

	// Accruing again records nothing twice.
	again := must("ledger", "accrue", "-as-of", "2026-12-16", "-actor", "ops", example, deals)
	assert.Contains(t, again, "0 claims recorded")
	assert.Contains(t, again, "28 already recorded")
	assert.Contains(t, again, "4 deals not yet closed on 2026-12-16")
	assert.Len(t, claims("-state", "pending_approval"), len(pending))

	// The submitter cannot approve; a manager approves every claim.
	_, errs, code := invoke("ledger", "approve", "-db", db, "-actor", "ops", pending[0].ID)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "claim "+pending[0].ID)
	out = must("ledger", "approve", "-all", "-actor", "mgr", "-as-of", "2026-12-16")
	assert.Contains(t, out, itoa(len(pending))+" claims approved")
	assert.Empty(t, claims("-state", "pending_approval"))

	// Pay as of the quarter's end: P-CORAL's 45.00 + 32.50 = 77.50 stays
	// below the 100.00 minimum payout (testdata/README.md), so it is not
	// paid and stays payable.
	out = must("ledger", "pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "fin")
	assert.Contains(t, out, "batch Q4-2026 as of 2026-12-31: paid")
	assert.Contains(t, out, "not paid: P-CORAL/partner/q4-2026-partner-growth 77.50: below the minimum payout")
	paid := claims("-state", "paid")
	payable := claims("-state", "payable")
	require.Len(t, payable, 2)
	assert.Len(t, paid, len(pending)-2)
	paidSum := decimal.Zero
	for _, c := range paid {
		paidSum = paidSum.Add(c.Paid.Amount())
	}
	// Everything accrued is paid but P-CORAL's 77.50.
	assert.Equal(t, accrued.Sub(decimal.RequireFromString("77.50")).StringFixed(2), paidSum.StringFixed(2))
	// Paying the same batch again pays nothing twice.
	must("ledger", "pay", "-batch", "Q4-2026", "-as-of", "2026-12-31", "-actor", "fin")
	assert.Len(t, claims("-state", "paid"), len(paid))

	var st ledger.Statement
	require.NoError(t, json.Unmarshal([]byte(must("ledger", "statement", "-json")), &st))
	stPaid := decimal.Zero
	for _, ln := range st.Lines {
		stPaid = stPaid.Add(ln.Paid.Amount())
		if ln.Bucket.Partner == "P-CORAL" {
			assert.Equal(t, "77.50", ln.Payable.Amount().StringFixed(2))
		}
	}
	assert.Equal(t, paidSum.StringFixed(2), stPaid.StringFixed(2), "the statement's paid column is the claims' paid")

	// After the quarter, the next accrue claims the four deals that had
	// not closed: BRI-2006 500.00 + ACME-1011 2,400.00 + GLX-7003
	// 2,500.00 = 5,400.00 (testdata/README.md), FJD-6004 not eligible.
	jan := must("ledger", "accrue", "-as-of", "2027-01-04", "-actor", "ops", example, deals)
	assert.Contains(t, jan, "3 claims recorded, 5,400.00 USD accrued")
	assert.Contains(t, jan, "1 rejected: not eligible 1")
	assert.Contains(t, jan, "28 already recorded")
	assert.NotContains(t, jan, "not yet closed")

	assert.Contains(t, must("ledger", "verify"), "ok: the chain verifies")
	var audit struct {
		Head    ledger.Head       `json:"head"`
		Entries []json.RawMessage `json:"entries"`
	}
	require.NoError(t, json.Unmarshal([]byte(must("ledger", "export", "-format", "json")), &audit))
	assert.Len(t, audit.Entries, int(audit.Head.Seq), "every entry exported")
	csv := must("ledger", "export")
	assert.True(t, strings.HasPrefix(csv, "seq,entry,kind,"), csv[:min(len(csv), 80)])
}

// TestMain removes the default ledger database that the help example of
// the ledger command (TestExamplesInHelpWork) creates in the repository
// root, unless it was there before.
func TestMain(m *testing.M) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	db := filepath.Join(root, "partnerops.db")
	_, statErr := os.Stat(db)
	code := m.Run()
	if os.IsNotExist(statErr) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(db + suffix)
		}
	}
	os.Exit(code)
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

func atoi(s string) int { return int(decimal.RequireFromString(s).IntPart()) }

func TestLedgerQuarterSQLite(t *testing.T) {
	chdirRoot(t)
	quarter(t, "sqlite:"+filepath.Join(t.TempDir(), "partnerops.db"))
}

func TestLedgerQuarterPostgres(t *testing.T) {
	_, u := pgtest.Schema(t)
	chdirRoot(t)
	quarter(t, u)
}

func TestLedgerDefaultDB(t *testing.T) {
	root := chdirRoot(t)
	_ = root
	dir := t.TempDir()
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	prog, dl := abs(example), abs(deals)
	t.Chdir(dir)
	out, errs, code := invoke("ledger", "accrue", "-as-of", "2026-11-30", prog, dl)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "into sqlite:partnerops.db")
	assert.FileExists(t, filepath.Join(dir, "partnerops.db"))
}

func TestLedgerErrors(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no subcommand", []string{"ledger"}, exitUsage, "want a subcommand"},
		{"unknown subcommand", []string{"ledger", "frobnicate"}, exitUsage, `unknown subcommand "frobnicate"`},
		{"flag of another subcommand", []string{"ledger", "claims", "-batch", "B"}, exitUsage, "-batch does not apply to claims"},
		{"bad db", []string{"ledger", "init", "-db", "mysql://x"}, exitUsage, "want sqlite:FILE or postgres://"},
		{"unknown state", []string{"ledger", "claims", "-db", db, "-state", "lost"}, exitUsage, `unknown state "lost"`},
		{"reject without reason", []string{"ledger", "reject", "-db", db, "C-1"}, exitUsage, "-reason"},
		{"pay without batch", []string{"ledger", "pay", "-db", db}, exitUsage, "-batch"},
		{"accrue one file", []string{"ledger", "accrue", "-db", db, example}, exitUsage, "PROGRAM file and a DEALS file"},
		{"database cannot be created", []string{"ledger", "init", "-db", "sqlite:" + filepath.Join(t.TempDir(), "no", "dir", "x.db")}, exitFail,
			"partnerops ledger init: open the ledger sqlite:"},
		{"postgres unreachable", []string{"ledger", "init", "-db", "postgres://nobody@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"}, exitFail,
			"open the ledger postgres://"},
		{"unknown claim", []string{"ledger", "approve", "-db", db, "-actor", "mgr", "C-404"}, exitFail, `claim C-404: not found: claim "C-404"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := invoke(tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s", out)
			assert.Contains(t, errs, tc.msg)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		})
	}
}

// TestLedgerDatabaseErrorMidAccrue: the database refuses one deal's claim
// (a trigger stands in for a failing disk); the command names the deal and
// what was being done, exits 1, and leaves nothing of that deal while
// keeping the others; the chain still verifies, and a rerun after the
// fault records exactly the missing deal. Accrued on the quarter's last
// day, when every deal has closed.
func TestLedgerDatabaseErrorMidAccrue(t *testing.T) {
	_, u := pgtest.Schema(t)
	chdirRoot(t)
	_, errs, code := invoke("ledger", "init", "-db", u)
	require.Equal(t, exitOK, code, errs)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `CREATE FUNCTION refuse_acme_1002() RETURNS trigger AS $$
		BEGIN IF NEW.deal = 'ACME-1002' THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
		CREATE TRIGGER refuse BEFORE INSERT ON ledger_claims FOR EACH ROW EXECUTE FUNCTION refuse_acme_1002()`)
	require.NoError(t, err)

	out, errs, code := invoke("ledger", "accrue", "-db", u, "-as-of", "2026-12-31", "-actor", "ops", example, deals)
	assert.Equal(t, exitFail, code, out)
	assert.Regexp(t, `partnerops ledger accrue: deal ACME-1002: pgstore: commit: write claim C-[0-9a-f]+: ERROR: disk full \(test\)`, errs)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM ledger_claims WHERE deal = 'ACME-1002'").Scan(&n))
	assert.Zero(t, n, "nothing of the failed deal")
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM ledger_entries WHERE body->>'reason' LIKE '%ACME-1002'").Scan(&n))
	assert.Zero(t, n, "no accrual entry of the failed deal")
	var others int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM ledger_claims").Scan(&others))
	assert.Equal(t, 31, others, "the other 31 deals are recorded (accepted or rejected)")
	out, errs, code = invoke("ledger", "verify", "-db", u)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "ok: the chain verifies")

	_, err = conn.Exec(ctx, "DROP TRIGGER refuse ON ledger_claims")
	require.NoError(t, err)
	out, errs, code = invoke("ledger", "accrue", "-db", u, "-as-of", "2026-12-31", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "31 already recorded")
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM ledger_claims WHERE deal = 'ACME-1002'").Scan(&n))
	assert.Equal(t, 1, n)
}

// TestLedgerMDF runs a fund from allocation to expiry through the mdf
// verbs: a request reserved at its share, a claim refused without proof,
// reimbursed with proof and capped at the approved amount, a request that
// lapses, and the unspent fund expiring after its period.
func TestLedgerMDF(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "mdf.db")
	run := func(args ...string) (string, string, int) {
		return invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
	}
	must := func(args ...string) string {
		t.Helper()
		out, errs, code := run(args...)
		require.Equal(t, exitOK, code, "partnerops ledger %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out
	}
	assert.Contains(t, must("register", example), "q4-2026-partner-growth v")
	out := must("mdf", "allocate", "-fund", "F-1", "-program", "q4-2026-partner-growth", "-partner", "P-ACME", "-from", "2026-10-01", "-to", "2026-12-31",
		"-amount", "3000.00", "-share", "0.5", "-proof-days", "30", "-as-of", "2026-10-02", "-actor", "ops")
	assert.Contains(t, out, "fund F-1: 3,000.00 USD for P-ACME, 2026-10-01 to 2026-12-31, reimbursing 0.5 of actual cost")
	must("mdf", "request", "-fund", "F-1", "-request", "R-1", "-activity", "webinar", "-activity-end", "2026-11-15", "-cost", "2000.00",
		"-as-of", "2026-10-05", "-actor", "acme")
	// 2,000.00 planned x 0.5 = 1,000.00 reserved; proof due 30 days after 2026-11-15
	assert.Contains(t, must("mdf", "approve", "R-1", "-as-of", "2026-10-06", "-actor", "mgr"), "request R-1 approved: 1,000.00 reserved, proof due 2026-12-15")
	must("mdf", "request", "-fund", "F-1", "-request", "R-2", "-activity", "trade show", "-activity-end", "2026-12-10", "-cost", "600.00",
		"-as-of", "2026-10-07", "-actor", "acme")
	assert.Contains(t, must("mdf", "approve", "R-2", "-as-of", "2026-10-08", "-actor", "mgr"), "300.00 reserved") // 600.00 x 0.5

	_, errs, code := run("mdf", "claim", "-request", "R-1", "-cost", "2400.00", "-as-of", "2026-11-20", "-actor", "acme")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "no proof of performance")
	var c ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("mdf", "claim", "-request", "R-1", "-cost", "2400.00", "-proof", "invoice=doc://1,photos=doc://2",
		"-as-of", "2026-11-20", "-actor", "acme", "-json")), &c))
	// 2,400.00 actual x 0.5 = 1,200.00, capped at the 1,000.00 approved
	assert.Equal(t, "1000.00", c.Amount.Amount().StringFixed(2))
	assert.Equal(t, []ledger.Document{{Name: "invoice", Ref: "doc://1"}, {Name: "photos", Ref: "doc://2"}}, c.Proof)

	// On 2027-01-20 R-2's proof (due 2027-01-09) lapsed: its 300.00 returns,
	// then the fund's unspent 3,000.00 - 1,000.00 = 2,000.00 expires.
	assert.Contains(t, must("mdf", "expire", "-as-of", "2027-01-20", "-actor", "system"), "fund F-1 closed")
	var bals []ledger.FundBalance
	require.NoError(t, json.Unmarshal([]byte(must("mdf", "funds", "-as-of", "2027-01-20", "-json")), &bals))
	require.Len(t, bals, 1)
	for name, pair := range map[string][2]any{
		"allocated":  {"3000.00", bals[0].Allocated},
		"reimbursed": {"1000.00", bals[0].Reimbursed},
		"expired":    {"2000.00", bals[0].Expired},
		"available":  {"0.00", bals[0].Available},
		"reserved":   {"0.00", bals[0].Reserved},
	} {
		assert.Equal(t, pair[0], pair[1].(incentive.Money).Amount().StringFixed(2), name)
	}
	assert.Contains(t, must("verify"), "ok: the chain verifies")

	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"allocate without its flags", []string{"mdf", "allocate", "-fund", "F-2"}, "mdf allocate wants -program, -partner, -from, -to, -amount"},
		{"a verb is needed", []string{"mdf"}, "mdf wants a verb"},
		{"bad share", []string{"mdf", "allocate", "-fund", "F-2", "-program", "p", "-partner", "x", "-from", "2026-10-01", "-to", "2026-12-31",
			"-amount", "1", "-share", "1.5"}, `bad -share "1.5"`},
		{"bad proof", []string{"mdf", "claim", "-request", "R-1", "-cost", "1", "-proof", "invoice"}, `bad -proof "invoice"`},
		{"flag of another verb", []string{"mdf", "expire", "-cost", "1"}, "-cost does not apply to mdf expire"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, code := run(tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errs, tc.msg)
		})
	}
}

// TestLedgerWithdrawClawback withdraws a pending claim, voids an unpaid
// one, and claws part of a paid one back into the bucket's withheld
// balance.
func TestLedgerWithdrawClawback(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "cb.db")
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	var pending []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json", "-state", "pending_approval")), &pending))
	// Three claims of partners other than P-CORAL (whose total stays below
	// the minimum payout), each of a different partner.
	var picked []ledger.Claim
	seen := map[string]bool{"P-CORAL": true}
	for _, c := range pending {
		if !seen[c.Partner] {
			seen[c.Partner] = true
			picked = append(picked, c)
		}
	}
	require.GreaterOrEqual(t, len(picked), 3)
	paid, withdrawn, voided := picked[0], picked[1], picked[2]

	assert.Contains(t, must("withdraw", withdrawn.ID, "-reason", "partner asked", "-actor", "acme", "-as-of", "2026-12-16"), withdrawn.ID+" withdrawn")
	out, errs, code := invoke("ledger", "withdraw", "-db", db, "-as-of", "2026-12-16", withdrawn.ID)
	assert.Equal(t, exitUsage, code, out)
	assert.Contains(t, errs, "-reason")
	assert.Contains(t, must("clawback", voided.ID, "-reason", "deal cancelled", "-actor", "fin", "-as-of", "2026-12-16"), "voided before payment: deal cancelled")

	must("approve", paid.ID, "-actor", "mgr", "-as-of", "2026-12-16")
	must("pay", "-batch", "B-1", "-as-of", "2026-12-31", "-actor", "fin")
	var c ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("clawback", paid.ID, "-amount", "10.00", "-reason", "partial refund", "-actor", "fin", "-as-of", "2027-01-05", "-json")), &c))
	assert.Equal(t, ledger.ClawedBackState, c.State)
	assert.Equal(t, "10.00", c.ClawedBack.Amount().StringFixed(2))
	var st ledger.Statement
	require.NoError(t, json.Unmarshal([]byte(must("statement", "-json", "-partner", paid.Partner)), &st))
	require.Len(t, st.Lines, 1)
	assert.Equal(t, "-10.00", st.Lines[0].Withheld.Amount().StringFixed(2), "the 10.00 taken back is withheld from the next payout")
	// Clawing back more than is left takes back only what was paid: the
	// claim paid its amount, 10.00 of it is back already.
	require.NoError(t, json.Unmarshal([]byte(must("clawback", paid.ID, "-reason", "deal cancelled", "-actor", "fin", "-as-of", "2027-01-06", "-json")), &c))
	assert.Equal(t, paid.Amount.Amount().StringFixed(2), c.ClawedBack.Amount().StringFixed(2))

	states := map[string]ledger.State{}
	var all []ledger.Claim
	require.NoError(t, json.Unmarshal([]byte(must("claims", "-json")), &all))
	for _, c := range all {
		states[c.ID] = c.State
	}
	assert.Equal(t, ledger.Withdrawn, states[withdrawn.ID])
	assert.Equal(t, ledger.ClawedBackState, states[voided.ID])
	assert.Contains(t, must("verify"), "ok: the chain verifies")
}

// TestLedgerCheckpointDetectsTruncation: an operator deletes the last entry
// straight in the database, setting the head and the balances back so that
// the shorter chain and the replay agree; verify alone cannot tell, verify
// with the checkpoint taken before can.
func TestLedgerCheckpointDetectsTruncation(t *testing.T) {
	chdirRoot(t)
	path := filepath.Join(t.TempDir(), "cut.db")
	db := "sqlite:" + path
	must := ledgerMust(t, db)
	must("accrue", "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	anchor := strings.TrimSpace(must("checkpoint"))
	require.Regexp(t, `^\d+:[0-9a-f]{64}$`, anchor)
	assert.Contains(t, must("verify", "-anchor", anchor), "the chain passes through 1 anchor")

	// Cut the last entry.
	sqldb, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer sqldb.Close()
	var last int64
	require.NoError(t, sqldb.QueryRow("SELECT max(seq) FROM ledger_entries").Scan(&last))
	rows, err := sqldb.Query("SELECT account, currency, amount FROM ledger_postings WHERE seq = ?", last)
	require.NoError(t, err)
	type posting struct{ account, currency, amount string }
	var ps []posting
	for rows.Next() {
		var p posting
		require.NoError(t, rows.Scan(&p.account, &p.currency, &p.amount))
		ps = append(ps, p)
	}
	require.NoError(t, rows.Close())
	for _, p := range ps {
		var bal string
		require.NoError(t, sqldb.QueryRow("SELECT amount FROM ledger_balances WHERE account = ? AND currency = ?", p.account, p.currency).Scan(&bal))
		nb := decimal.RequireFromString(bal).Sub(decimal.RequireFromString(p.amount))
		_, err := sqldb.Exec("UPDATE ledger_balances SET amount = ? WHERE account = ? AND currency = ?", nb.String(), p.account, p.currency)
		require.NoError(t, err)
	}
	var prev string
	require.NoError(t, sqldb.QueryRow("SELECT hash FROM ledger_entries WHERE seq = ?", last-1).Scan(&prev))
	for _, q := range []string{"DELETE FROM ledger_postings WHERE seq = ?", "DELETE FROM ledger_entries WHERE seq = ?"} {
		_, err := sqldb.Exec(q, last)
		require.NoError(t, err)
	}
	_, err = sqldb.Exec("UPDATE ledger_head SET seq = ?, hash = ?", last-1, prev)
	require.NoError(t, err)

	assert.Contains(t, must("verify"), "ok: the chain verifies", "without an anchor the cut goes unnoticed")
	out, errs, code := invoke("ledger", "verify", "-db", db, "-anchor", anchor)
	assert.Equal(t, exitFail, code, out)
	assert.Contains(t, errs, "hash chain truncated: the anchor counts "+itoa(int(last))+" entries")

	_, errs, code = invoke("ledger", "verify", "-db", db, "-anchor", "12")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "want SEQ:HASH")
}

// TestLedgerPayoutBuckets: a program file's payouts: buckets reach the
// ledger; each bucket is paid against its own minimum and carried over
// until it reaches it.
func TestLedgerPayoutBuckets(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "buckets.yaml")
	require.NoError(t, os.WriteFile(prog, []byte(`apiVersion: partnerops/v1
kind: Program
id: bucketed
name: Bucketed
version: 1
currency: USD
effective: {from: 2026-10-01, to: 2026-12-31}
payouts:
  - bucket: spiffs
    types: [spiff]
    min_payout: 500
  - bucket: bonuses
    types: [bonus]
    min_payout: 100
earnings:
  - id: new
    type: spiff
    when: deal.type == "new_business"
    amount: deal.amount * 0.02
  - id: renewal
    type: bonus
    when: deal.type == "renewal"
    amount: deal.amount * 0.01
---
apiVersion: partnerops/v1
kind: ApprovalPolicy
program: bucketed
approvals:
  - from: 0
`), 0o644))
	deals := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	db := "sqlite:" + filepath.Join(dir, "b.db")
	must := ledgerMust(t, db)
	partnerRec := `partner: {id: P-1, name: One, tier: gold}`
	// D-1 new business 15,000.00 x 2% = 300.00 (spiffs); D-2 renewal
	// 12,000.00 x 1% = 120.00 (bonuses)
	must("accrue", "-as-of", "2026-11-03", "-actor", "ops", "-program", "bucketed", prog, deals("d1.yaml", `
- {id: D-1, close_date: 2026-11-02, amount: "15000.00", type: new_business, `+partnerRec+`}
- {id: D-2, close_date: 2026-11-02, amount: "12000.00", type: renewal, `+partnerRec+`}
`))
	// bonuses 120.00 >= 100.00: paid; spiffs 300.00 < 500.00: carried over
	out := must("pay", "-batch", "B-1", "-as-of", "2026-11-10", "-actor", "fin")
	assert.Contains(t, out, "bucketed#bonuses")
	assert.Contains(t, out, "not paid: P-1/partner/bucketed#spiffs 300.00: below the minimum payout of 500.00 USD; carried over")
	// D-3 new business 12,500.00 x 2% = 250.00: spiffs 300.00 + 250.00 = 550.00 >= 500.00
	must("accrue", "-as-of", "2026-11-12", "-actor", "ops", "-program", "bucketed", prog, deals("d3.yaml", `
- {id: D-3, close_date: 2026-11-11, amount: "12500.00", type: new_business, `+partnerRec+`}
`))
	var b ledger.Batch
	require.NoError(t, json.Unmarshal([]byte(must("pay", "-batch", "B-2", "-as-of", "2026-11-20", "-actor", "fin", "-json")), &b))
	require.Len(t, b.Lines, 1)
	assert.Equal(t, ledger.Bucket{Partner: "P-1", Payee: "partner", Program: "bucketed", Payout: "spiffs"}, b.Lines[0].Bucket)
	assert.Equal(t, "550.00", b.Lines[0].Net.Amount().StringFixed(2))
	assert.Empty(t, b.Blocked)
}

// ledgerMust returns a function that runs `partnerops ledger ARGS -db db`
// and fails the test unless it exits 0, returning its stdout.
func ledgerMust(t *testing.T, db string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		out, errs, code := invoke(append(append([]string{"ledger"}, args...), "-db", db)...)
		require.Equal(t, exitOK, code, "partnerops ledger %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		return out
	}
}
