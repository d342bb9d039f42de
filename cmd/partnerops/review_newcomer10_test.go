package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newcomer10Files writes a small USD program and a deals file with a deal
// in euros into a temporary folder.
func newcomer10Files(t *testing.T) (dir, prog, deals, rates string) {
	t.Helper()
	dir = t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	prog = write("p.yaml", `apiVersion: partnerops/v1
kind: Program
id: eur-cosell
name: EUR co-sell rebate
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-06-30}
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.02
caps:
  per_deal: 5000
`)
	deals = write("deals.yaml", `- {id: D-1, partner: {id: P-1, tier: gold}, amount: "90000.00", currency: EUR, close_date: 2027-02-12}
- {id: D-2, partner: {id: P-1, tier: gold}, amount: "10000.00", close_date: 2027-02-13}
`)
	rates = write("rates.yaml", "rates:\n  - {from: EUR, to: USD, rate: 1.0790, as_of: 2027-02-28, valid_from: 2027-02-01, valid_to: 2027-02-28, source: treasury month end}\n")
	return dir, prog, deals, rates
}

// TestReviewNewcomer10LedgerAccrueRates: run and explain take -rates for
// deals in another currency, and the ledger records the rate a claim was
// converted at (Entry and SubmitParams.Rates), but `ledger accrue` had no
// -rates flag: every deal in euros was "in error" (no conversion rate: no
// rates supplied) and could not be accrued from the command at all.
func TestReviewNewcomer10LedgerAccrueRates(t *testing.T) {
	dir, prog, deals, rates := newcomer10Files(t)
	db := "sqlite:" + filepath.Join(dir, "l.db")
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-03-01", "-actor", "ops", "-rates", rates, prog, deals)
	require.Equal(t, exitOK, code, errs)
	// D-1: 90,000.00 EUR x 1.0790 = 97,110.00 USD x 2% = 1,942.20
	// D-2: 10,000.00 USD x 2% = 200.00; 1,942.20 + 200.00 = 2,142.20
	assert.Contains(t, out, "2 claims recorded, 2,142.20 USD accrued")
	// verify re-evaluates the accrual with the rate recorded on the claim.
	_, errs, code = invoke("ledger", "verify", "-db", db)
	assert.Equal(t, exitOK, code, errs)
	// The same export accrued again, by the same or another actor, records
	// nothing twice.
	for _, actor := range []string{"ops", "alice"} {
		out, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2027-03-01", "-actor", actor, "-rates", rates, prog, deals)
		assert.Equal(t, exitOK, code, errs)
		assert.Contains(t, out, "2 already recorded by an earlier accrue", actor)
	}
}

// TestReviewNewcomer10LedgerAccrueWithoutRates pins what accrue says
// without -rates: the deal in euros is in error, the other is recorded.
func TestReviewNewcomer10LedgerAccrueWithoutRates(t *testing.T) {
	dir, prog, deals, _ := newcomer10Files(t)
	db := "sqlite:" + filepath.Join(dir, "l.db")
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-03-01", "-actor", "ops", prog, deals)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errs, "deal D-1")
	assert.Contains(t, errs, "no conversion rate: EUR -> USD")
	// D-2: 10,000.00 x 2% = 200.00
	assert.Contains(t, out, "1 claim recorded, 200.00 USD accrued")
}

// TestReviewNewcomer10LedgerMixedBucketsWarn: a program paying MDF from
// its own payout bucket (payouts:) and a rebate from the default one. A
// ledger claim is paid whole from the bucket of its first line's type
// (Claim.Payout), so the deal's MDF line is paid under the default
// bucket's minimum: run's statement pays 200.00 and carries 50.00, the
// ledger paid all 250.00. Accrue said nothing of it; it now warns, naming
// the deal and the buckets.
func TestReviewNewcomer10LedgerMixedBucketsWarn(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	prog := write("p.yaml", `apiVersion: partnerops/v1
kind: Program
id: mixed-buckets
name: Rebate and MDF
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-06-30}
min_payout: 250
payouts:
  - bucket: mdf
    types: [mdf]
    min_payout: 100
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.005
  - id: mdf
    type: mdf
    amount: deal.amount * 0.02
`)
	deals := write("d.yaml", `- {id: D-1, partner: {id: P-1, tier: gold}, amount: "10000.00", close_date: 2027-02-01}
`)
	// run: rebate 10,000.00 x 0.5% = 50.00 < 250.00 carried; mdf
	// 10,000.00 x 2% = 200.00 >= 100.00 payable.
	out, errs, code := invoke("run", prog, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `P-1 +1 +1 +250\.00 +0\.00 +0\.00 +0\.00 +0\.00 +200\.00 +50\.00`, out)

	db := "sqlite:" + filepath.Join(dir, "l.db")
	out, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2027-02-02", "-actor", "ops", prog, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "1 claim recorded, 250.00 USD accrued")
	assert.Contains(t, errs, "warning: deal D-1 earns from the payout buckets default and mdf")
	// What the warning is about: the ledger pays the claim whole from the
	// default bucket (its first line, the rebate), 250.00 >= 250.00.
	_, errs, code = invoke("ledger", "approve", "-db", db, "-all", "-as-of", "2027-02-02", "-actor", "mgr")
	require.Equal(t, exitOK, code, errs)
	out, errs, code = invoke("ledger", "pay", "-db", db, "-batch", "B-1", "-as-of", "2027-02-03", "-actor", "fin")
	require.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `P-1 +partner +mixed-buckets +USD +1 +250\.00 +0\.00 +250\.00`, out)
}

// TestReviewNewcomer10DiffSweepChartRates: the README says diff, sweep and
// chart "read DEALS as run does", and workbench.DiffOptions and
// SweepOptions take Rates, but none of the three had -rates: a deal in
// euros could not be evaluated under either version ("no conversion rate
// ... no rates supplied"), diff left it out of both totals and exited 1,
// so a change of terms over a multi-currency book could not be costed.
func TestReviewNewcomer10DiffSweepChartRates(t *testing.T) {
	dir, prog, deals, rates := newcomer10Files(t)
	v2 := filepath.Join(dir, "v2.yaml")
	src, err := os.ReadFile(prog)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(v2, []byte(strings.Replace(strings.Replace(string(src), "version: 1", "version: 2", 1), "deal.amount * 0.02", "deal.amount * 0.03", 1)), 0o644))
	// D-1: 90,000.00 EUR x 1.0790 = 97,110.00 USD; D-2: 10,000.00 USD.
	// old 2%: 1,942.20 + 200.00 = 2,142.20; new 3%: 2,913.30 + 300.00 = 3,213.30
	// delta 3,213.30 - 2,142.20 = 1,071.10
	out, errs, code := invoke("diff", "-rates", rates, prog, v2, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `earned +2,142\.20 +3,213\.30 +\+1,071\.10`, out)

	// sweep the deal cap: at 1,000.00 D-1's 1,942.20 is cut to 1,000.00,
	// 1,000.00 + 200.00 = 1,200.00; at 2,000.00 nothing is cut: 2,142.20.
	out, errs, code = invoke("sweep", "-rates", rates, "-param", "caps.per_deal", "-from", "1000", "-to", "2000", "-step", "1000", prog, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `\n +1000 +1,200\.00 +-942\.20 `, out)
	assert.Regexp(t, `\n +2000 +2,142\.20 +0\.00 `, out)

	// chart cost over the deals: evaluates them, so needs the rates too.
	_, errs, code = invoke("chart", "-rates", rates, "-o", filepath.Join(dir, "c.svg"), "cost", prog, deals)
	assert.Equal(t, exitOK, code, errs)
}

// TestReviewNewcomer10CosellStatementByHand: the statement of the
// msp-cosell-2027h1 example over its sample data, against the figures
// worked out by hand in examples/data/README.md.
func TestReviewNewcomer10CosellStatementByHand(t *testing.T) {
	chdirRoot(t)
	out, errs, code := invoke("run", "-output", "json", "-as-of", "2027-04-05",
		"-partners", "examples/data/msp-cosell-partners.yaml", "-rates", "examples/data/msp-cosell-rates.yaml",
		"examples/programs/msp-cosell-2027h1.yaml", "examples/data/msp-cosell-deals.yaml")
	require.Equal(t, exitOK, code, errs)
	type money struct {
		Amount string `json:"amount"`
	}
	var st struct {
		Partners []struct {
			Partner    string `json:"partner"`
			Earned     money  `json:"earned"`
			Expired    money  `json:"expired"`
			Payable    money  `json:"payable"`
			CarriedOut money  `json:"carried_out"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st))
	got := map[string][4]string{}
	for _, p := range st.Partners {
		got[p.Partner] = [4]string{p.Earned.Amount, p.Expired.Amount, p.Payable.Amount, p.CarriedOut.Amount}
	}
	assert.Equal(t, map[string][4]string{
		// NOR-1 33,300.00 (expired) + NOR-2 21,000.00 + NOR-3 10,000.00
		// - NOR-C2 5,000.00 = 59,300.00; payable 59,300.00 - 33,300.00
		"MSP-NORTH": {"59300.00", "33300.00", "26000.00", "0.00"},
		// RHE-2 8,739.90 + RHE-3 728.33 + 364.17 = 9,832.40
		"MSP-RHEIN": {"9832.40", "0.00", "9832.40", "0.00"},
		// 160.00 < 250.00 and 80.00 < 500.00: both buckets carried
		"MSP-SMALL": {"240.00", "0.00", "0.00", "240.00"},
		"MSP-SEL":   {"0.00", "0.00", "0.00", "0.00"},
	}, got)
}

// TestReviewNewcomer10DiffWarnsOfPartnersWithoutRecord: diff, sweep and
// chart accept a deal whose partner has no record (their programs may not
// read one), where run and explain refuse it. Over a CRM export that names
// partners by id, without -partners, every partner then read tier "" and
// failed the program's tier clause: diff printed "0 of 2 deals changed"
// and sweep a flat 0.00, exit 0, with nothing on stderr. They now warn.
func TestReviewNewcomer10DiffWarnsOfPartnersWithoutRecord(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
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
    cap: 1000
`
	v1 := write("v1.yaml", prog)
	v2 := write("v2.yaml", strings.Replace(strings.Replace(prog, "version: 1", "version: 2", 1), "0.02", "0.03", 1))
	bare := write("bare.yaml", `- {id: D-1, partner_id: P-1, amount: "10000.00", close_date: 2027-02-01}
- {id: D-2, partner_id: P-2, amount: "20000.00", close_date: 2027-02-02}
`)
	partners := write("partners.yaml", "- {id: P-1, tier: premier}\n- {id: P-2, tier: premier}\n")
	const warning = "warning: 2 deals name a partner without a record (tier, type, region...), the first D-1 (partner P-1): they are evaluated with none; give -partners FILE"

	out, errs, code := invoke("diff", v1, v2, bare)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "0 of 2 deals changed")
	assert.Contains(t, errs, "partnerops diff: "+warning)
	_, errs, code = invoke("sweep", "-param", "earnings[rebate].cap", "-from", "500", "-to", "1000", "-step", "500", v1, bare)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "partnerops sweep: "+warning)
	_, errs, code = invoke("chart", "-o", filepath.Join(dir, "p.svg"), "payouts", v1, bare)
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "partnerops chart: "+warning)

	// With the partners file: D-1 10,000.00 x 2% = 200.00 -> x 3% = 300.00;
	// D-2 20,000.00 x 2% = 400.00 -> x 3% = 600.00; 600.00 -> 900.00.
	out, errs, code = invoke("diff", "-partners", partners, v1, v2, bare)
	assert.Equal(t, exitOK, code, errs)
	assert.Regexp(t, `earned +600\.00 +900\.00 +\+300\.00`, out)
	assert.NotContains(t, errs, "warning")
}

// TestReviewNewcomer10AccrueCreditNoteSaysTheCommand: accrue refuses a
// credit note (the ledger takes none) and said to take the amount back
// "(ClawBack with an Amount)", the Go method, to someone at the command
// line; it now names the command that does it.
func TestReviewNewcomer10AccrueCreditNoteSaysTheCommand(t *testing.T) {
	dir, _, _, _ := newcomer10Files(t)
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	prog := write("neg.yaml", `apiVersion: partnerops/v1
kind: Program
id: neg
name: Returns
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-06-30}
allow_negative: true
earnings:
  - id: rebate
    type: rebate
    amount: deal.amount * 0.02
`)
	deals := write("neg-deals.yaml", `- {id: D-1, partner: {id: P-1, tier: gold}, amount: "10000.00", close_date: 2027-02-01}
- {id: C-1, partner: {id: P-1, tier: gold}, amount: "-4000.00", close_date: 2027-02-10, credits: D-1}
`)
	db := "sqlite:" + filepath.Join(dir, "n.db")
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2027-02-11", "-actor", "ops", prog, deals)
	assert.Equal(t, exitFail, code)
	// D-1: 10,000.00 x 2% = 200.00; C-1 is refused.
	assert.Contains(t, out, "1 claim recorded, 200.00 USD accrued")
	assert.Contains(t, errs, "deal C-1 is a credit note of deal D-1")
	assert.Contains(t, errs, "partnerops ledger clawback -amount AMOUNT -reason TEXT C-")
	assert.NotContains(t, errs, "ClawBack with an Amount")
}

// TestReviewNewcomer10AccrueWarnsOfDealsNotYetClosed: the README's quarter
// accrues the sample deals -as-of 2026-12-15, four of which close later
// (BRI-2006 on 2026-12-17 ... GLX-7003 on 2026-12-31); FJD-6004 (2026-12-20,
// unregistered) was rejected, the other three accepted. Their claims were
// recorded without a word, and approve and pay -as-of 2026-12-16 then paid
// GLX-7003's 2,500.00 fifteen days before the sale closed. The ledger now
// refuses a claim on a deal not yet closed (ledger.ErrNotClosed, nothing
// stored) and accrue lists such deals as not claimed yet; accrued again
// once they have closed, they are recorded.
func TestReviewNewcomer10AccrueWarnsOfDealsNotYetClosed(t *testing.T) {
	chdirRoot(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "q.db")
	out, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-15", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "4 deals not yet closed on 2026-12-15 (BRI-2006, FJD-6004, ACME-1011, GLX-7003): not claimed; accrue again once they have closed")
	assert.Empty(t, errs)
	out, errs, code = invoke("ledger", "claims", "-db", db, "-json")
	require.Equal(t, exitOK, code, errs)
	for _, id := range []string{"BRI-2006", "FJD-6004", "ACME-1011", "GLX-7003"} {
		assert.NotContains(t, out, `"deal": "`+id+`"`)
		assert.NotContains(t, out, `"deal":"`+id+`"`)
	}
	// Accrued once they have closed, they are claimed.
	out, errs, code = invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-31", "-actor", "ops", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.NotContains(t, out, "not yet closed")
	out, errs, code = invoke("ledger", "claims", "-db", db, "-json")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "GLX-7003")
}

// TestReviewNewcomer10TestFileAlone: `partnerops test x_test.yaml`, the
// file a designer has open, failed to compile (program: no program "x" in
// the loaded files) though x.yaml is beside it; loading a program loads
// its x_test.yaml, and now naming x_test.yaml loads its x.yaml.
func TestReviewNewcomer10TestFileAlone(t *testing.T) {
	chdirRoot(t)
	out, errs, code := invoke("test", "examples/programs/msp-cosell-2027h1_test.yaml")
	assert.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "ok: 16 tests passed")
}
