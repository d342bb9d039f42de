package rules

import (
	"context"
	"slices"
	"strings"
	"testing"
)

const runnerProgram = `apiVersion: partnerops/v1
kind: Program
id: r
name: R
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
eligibility:
  - name: registered
    when: deal.registered
earnings:
  - id: base
    type: spiff
    amount: deal.amount * 0.02
  - id: kicker
    type: bonus
    when: deal.amount >= 50000
    amount: 500
  - id: volume
    type: rebate
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, to: 10000, rate: 0.01}
        - {from: 10000, rate: 0.02, label: high}
caps:
  per_deal: 2000
tests:
  - name: passes
    deal: {id: D-1, amount: "12000.00", registered: true, close_date: 2026-03-01}
    # base: 12000.00 x 0.02 = 240.00; volume: 12000.00 x 0.02 = 240.00
    expect: {eligible: true, total: "480", lines: {base: "240.00", volume: "240.00"}, band: {volume: high}, capped: []}
  - name: wrong everything
    deal: {id: D-2, amount: "60000.00", registered: true, close_date: 2026-03-01}
    # base: 60000.00 x 0.02 = 1200.00; kicker: 500.00; volume: 60000.00 x 0.02 = 1200.00
    # 1200.00 + 500.00 + 1200.00 = 2900.00 > per_deal 2000.00: cut 900.00 from volume, 300.00 left
    expect:
      eligible: false
      failed: registered
      total: "2900.00"
      lines: {base: "1200.00", volume: "1200.00"}
      band: {volume: 1}
      capped: []
  - name: ineligible
    deal: {id: D-3, amount: "100.00", close_date: 2026-03-01}
    expect: {eligible: true, lines: {base: "2.00"}, band: {volume: 1}}
  - name: other currency
    deal: {id: D-4, amount: "12000.00", registered: true, close_date: 2026-03-01}
    expect: {total: "480.00 EUR"}
  - name: batch
    deals:
      - {id: B-1, amount: "1000.00", registered: true, close_date: 2026-03-01}
      - {id: B-2, amount: "2000.00", registered: true, close_date: 2026-03-02}
    # B-1: 1000.00 x 0.02 + 1000.00 x 0.01 = 20.00 + 10.00 = 30.00
    # B-2: 2000.00 x 0.02 + 2000.00 x 0.01 = 40.00 + 20.00 = 60.00; sum 90.00
    expect:
      total: "91.00"
      deals:
        B-2: {total: "60.00", lines: {base: "40.00", volume: "20.00"}}
        B-1: {total: "31"}
`

func TestRunTestsDiffs(t *testing.T) {
	f := mustCompile(t, "r.yaml", []byte(runnerProgram))
	rep := (&Set{Files: []*File{f}}).RunTests(context.Background(), TestOptions{})
	want := map[string][]string{
		"passes": nil,
		"wrong everything": {
			"eligible: want false, got true",
			`failed: want "registered", got none (the deal is eligible)`,
			"total: want 2900.00, got 2000.00",
			"lines.volume: want 1200.00, got 300.00",
			"lines.kicker: want no payout (not listed), got 500.00",
			`band.volume: want band 1, got 2 "high"`,
			"capped: want [], got [per_deal]",
		},
		"ineligible": {
			`eligible: want true, got false (failed "registered")`,
			"lines.base: want 2.00, got no line",
			"band.volume: want band 1, got no band (the earning did not pay)",
		},
		"other currency": {"total: want 480.00 EUR, got 480.00"},
		"batch":          {"total: want 91.00, got 90.00", "deals.B-1.total: want 31.00, got 30.00"},
	}
	if len(rep.Results) != len(want) {
		t.Fatalf("%d results", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Test.Name, r.Err)
			continue
		}
		if !slices.Equal(r.Diffs, want[r.Test.Name]) {
			t.Errorf("%s: diffs\n%s\nwant\n%s", r.Test.Name, strings.Join(r.Diffs, "\n"), strings.Join(want[r.Test.Name], "\n"))
		}
		if r.Passed() != (want[r.Test.Name] == nil) {
			t.Errorf("%s: Passed() = %t", r.Test.Name, r.Passed())
		}
	}
	if rep.Failed() != 4 || rep.OK() {
		t.Errorf("Failed() = %d, OK() = %t", rep.Failed(), rep.OK())
	}
	out := rep.String()
	for _, s := range []string{
		"PASS r/passes (r.yaml:30:5)\n",
		"FAIL r/wrong everything (r.yaml:34:5)\n    eligible: want false, got true\n",
		"FAIL: 4 of 5 tests failed\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
	if res := rep.Results[4].Results; len(res) != 2 || res[0].DealID != "B-1" || res[1].DealID != "B-2" {
		t.Errorf("batch results %v", res)
	}
}

const coverageProgram = `apiVersion: partnerops/v1
kind: Program
id: c
name: C
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
eligibility:
  - name: big enough
    when: deal.amount >= 100
earnings:
  - id: base
    type: spiff
    amount: deal.amount * 0.01
  - id: never
    type: spiff
    when: deal.amount > 1000000
    amount: 5
  - id: tiers
    type: rebate
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, to: 1000, rate: 0.01}
        - {from: 1000, rate: 0.02, label: top}
caps:
  per_deal: 100000
tests:
  - name: one small deal
    deal: {id: D-1, amount: "500.00", close_date: 2026-03-01}
    # base: 500.00 x 0.01 = 5.00; tiers: 500.00 x 0.01 = 5.00
    expect: {total: "10.00"}
`

func TestCoverage(t *testing.T) {
	f := mustCompile(t, "c.yaml", []byte(coverageProgram))
	set := &Set{Files: []*File{f}}
	rep := set.RunTests(context.Background(), TestOptions{MinCoverage: 50})
	if rep.Failed() != 0 {
		t.Fatalf("tests failed:\n%s", rep)
	}
	c := rep.Coverage
	// 7 items: 1 clause, 3 earnings, 2 bands, 1 cap; covered: base, tiers,
	// band 1 = 3; 3 x 100 / 7 = 42 (rounded down).
	if len(c.Items) != 7 || c.Covered() != 3 || c.Percent() != 42 {
		t.Fatalf("coverage %d of %d = %d%%", c.Covered(), len(c.Items), c.Percent())
	}
	wantGaps := "c.yaml:9: clause \"big enough\" never failed in any test\n" +
		"c.yaml:15: earning \"never\" never paid by any test\n" +
		"c.yaml:26: band 2 (\"top\") of earning \"tiers\" never reached by any test\n" +
		"c.yaml:28: cap \"per_deal\" never bound in any test\n" +
		"coverage: 3 of 7 clauses, earnings, bands and caps exercised (42%)\n"
	if got := c.String(); got != wantGaps {
		t.Errorf("coverage:\n%s\nwant:\n%s", got, wantGaps)
	}
	if gaps := c.Gaps(); len(gaps) != 4 || gaps[0].Kind != CoverClause || gaps[3].Kind != CoverCap || gaps[3].Program != "c" {
		t.Errorf("gaps = %+v", gaps)
	}
	if rep.OK() || !strings.HasSuffix(rep.String(), "FAIL: coverage 42% is below the required 50%\n") {
		t.Errorf("a report under the threshold is OK:\n%s", rep)
	}
	if rep := set.RunTests(context.Background(), TestOptions{MinCoverage: 42}); !rep.OK() {
		t.Errorf("a report at the threshold fails:\n%s", rep)
	}
	if (&Coverage{}).Percent() != 100 {
		t.Error("nothing to cover is full coverage")
	}
}

func TestClauseCoverageNeedsHoldAndFail(t *testing.T) {
	src := strings.Replace(coverageProgram, `expect: {total: "10.00"}`, `expect: {total: "10.00"}
  - name: too small
    deal: {id: D-2, amount: "50.00", close_date: 2026-03-01}
    expect: {eligible: false, failed: big enough}`, 1)
	rep := (&Set{Files: []*File{mustCompile(t, "c.yaml", []byte(src))}}).RunTests(context.Background(), TestOptions{})
	if rep.Failed() != 0 || !rep.Coverage.Items[0].Covered {
		t.Errorf("clause that held and failed is not covered:\n%s", rep)
	}
	only := strings.Replace(coverageProgram, `amount: "500.00"`, `amount: "50.00"`, 1)
	only = strings.Replace(only, `expect: {total: "10.00"}`, `expect: {eligible: false}`, 1)
	rep = (&Set{Files: []*File{mustCompile(t, "c.yaml", []byte(only))}}).RunTests(context.Background(), TestOptions{})
	if it := rep.Coverage.Items[0]; it.Covered || it.Gap != "never held in any test" {
		t.Errorf("clause item = %+v", it)
	}
}

func TestRunTestEngineError(t *testing.T) {
	src := strings.Replace(coverageProgram, "earnings:", "payee: partner_rep\nearnings:", 1)
	f := mustCompile(t, "c.yaml", []byte(src))
	r := f.Tests[0].Run(context.Background())
	if r.Err == nil || !strings.Contains(r.Err.Error(), `no contact with role "partner_rep"`) || r.Passed() {
		t.Fatalf("err = %v", r.Err)
	}
	rep := (&Set{Files: []*File{f}}).RunTests(context.Background(), TestOptions{})
	if !strings.Contains(rep.String(), "    error: ") {
		t.Errorf("report does not show the error:\n%s", rep)
	}
}
