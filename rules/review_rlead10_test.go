package rules

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"testing/fstest"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaPatterns collects the propertyNames patterns of the schema (the
// keys of a history: period labels), wherever they are.
func schemaPatterns(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		if pn, ok := v["propertyNames"].(map[string]any); ok {
			if p, ok := pn["pattern"].(string); ok {
				*out = append(*out, p)
			}
		}
		for _, c := range v {
			schemaPatterns(c, out)
		}
	case []any:
		for _, c := range v {
			schemaPatterns(c, out)
		}
	}
}

// The JSON schema accepts the period labels the compiler accepts: a test's
// history keyed by half-year labels ("2027-H1"), as halfYearProgram's test
// is, compiles and runs (TestHalfYearSettlementAndHistory), so an editor
// validating the file against Schema() must not flag it. (schemaCheck of
// schema_test.go does not read patterns, so TestSchemaAcceptsEveryValidFile
// could not see it.)
func TestReviewRlead10SchemaHalfYearHistory(t *testing.T) {
	var root map[string]any
	require.NoError(t, json.Unmarshal(Schema(), &root))
	var pats []string
	schemaPatterns(root, &pats)
	require.NotEmpty(t, pats, "the schema constrains history keys")
	day := incentive.Date{Year: 2027, Month: time.August, Day: 15}
	for _, p := range pats {
		re := regexp.MustCompile(p)
		for _, per := range incentive.HistoryUnits() {
			label := incentive.PeriodLabel(per, day) // 2027-08, 2027-Q3, 2027-H2, 2027
			require.True(t, incentive.IsPeriodLabel(label), label)
			assert.True(t, re.MatchString(label), "schema pattern %s refuses the %s label %q", p, per, label)
		}
		for _, bad := range []string{"2027-H3", "2027-Q5", "2027-13", "27-H1"} {
			assert.False(t, re.MatchString(bad), "schema pattern %s accepts %q", p, bad)
		}
	}
}

// tokyoHalfBands: a retroactive band table over the partner's half-year
// total, in Tokyo time. A deal closed at 2027-06-30T16:00Z is July 1, 01:00
// in Tokyo: the second half, a new total; one closed at 14:30Z (23:30 in
// Tokyo) is still June 30. In UTC both would be H1.
const tokyoHalfBands = `apiVersion: partnerops/v1
kind: Program
id: tokyo-half
name: Tokyo half-year rebate
version: 1
currency: JPY
effective: {from: 2027-01-01, to: 2027-12-31, timezone: Asia/Tokyo}
earnings:
  - id: rebate
    type: rebate
    bands:
      method: retroactive
      basis: partner_period
      period: half
      pays: rate
      table:
        - {from: 0, to: 100000, rate: 0.02}
        - {from: 100000, rate: 0.04, label: high}
tests:
  - name: H1 ends at midnight Tokyo time, not UTC
    partner: {id: P-1}
    deals:
      - {id: D-1, amount: "60000", close_date: 2027-03-10}
      - {id: D-2, amount: "30000", close_date: "2027-06-30T14:30:00Z"}
      - {id: D-3, amount: "20000", close_date: "2027-06-30T16:00:00Z"}
      - {id: D-4, amount: "90000", close_date: 2027-12-31}
    # D-1 (H1): 60000 x 0.02 = 1200
    # D-2 (June 30, 23:30 Tokyo, H1): 90000 x 0.02 = 1800 - 1200 = 600
    # D-3 (July 1, 01:00 Tokyo, H2 from 0): 20000 x 0.02 = 400
    #      (in UTC it would be H1: 110000 x 0.04 = 4400 - 1800 = 2600)
    # D-4 (H2): 110000 x 0.04 = 4400 - 400 = 4000
    # sum: 1200 + 600 + 400 + 4000 = 6200
    expect:
      total: "6200"
      deals:
        D-1: {total: "1200", band: {rebate: 1}}
        D-2: {total: "600", band: {rebate: 1}}
        D-3: {total: "400", band: {rebate: 1}}
        D-4: {total: "4000", band: {rebate: high}}
  - name: the prior half-year total counts in the half it is given for
    partner: {id: P-1}
    prior: {period_amount: "95000", period_deals: 2}
    deal: {id: D-5, amount: "10000", close_date: 2027-08-01}
    # 105000 x 0.04 = 4200, less 95000 x 0.02 = 1900 already paid: 2300
    expect: {total: "2300", band: {rebate: high}}
`

// ytdHalf: a half-year settlement credited year to date, with monthly
// advances (the default advance period).
const ytdHalf = `apiVersion: partnerops/v1
kind: Program
id: ytd-half
name: Half-year rebate, year to date
version: 1
currency: USD
effective: {from: 2027-01-01, to: 2027-12-31}
earnings:
  - id: advance
    type: rebate
    amount: deal.amount * 0.02
settlements:
  - id: half-true-up
    type: rebate
    period: half
    credit: year_to_date
    advances: {earnings: [advance]}
    bands:
      method: retroactive
      pays: rate
      table:
        - {from: 0, to: 50000, rate: 0.01}
        - {from: 50000, rate: 0.03}
tests:
  - name: H2 credits the year to date less all that was credited
    as_of: 2027-12-31
    deals:
      - {id: D-1, amount: "20000.00", close_date: 2027-02-15}
      - {id: D-2, amount: "20000.00", close_date: 2027-05-15}
      - {id: D-3, amount: "30000.00", close_date: 2027-08-15}
      - {id: D-4, amount: "10000.00", close_date: 2027-11-15}
    # advances 2%: 400.00, 400.00, 600.00, 200.00 = 1600.00
    expect:
      total: "1600.00"
      settlements:
        half-true-up:
          # H1: year to date 20000.00 + 20000.00 = 40000.00 < 50000.00:
          #   1% = 400.00; credited: the advances 400.00 + 400.00 = 800.00;
          #   400.00 - 800.00 = -400.00: pays nothing, carries nothing
          2027-01-01: {settled: true, basis: "40000.00", entitlement: "400.00", advances: "800.00", credited: "800.00", true_up: "-400.00", payable: "0", carried_out: "0"}
          # H2: year to date 40000.00 + 30000.00 + 10000.00 = 80000.00:
          #   3% = 2400.00; credited 800.00 + H2's advances 600.00 +
          #   200.00 = 1600.00; 2400.00 - 1600.00 = 800.00
          2027-07-01: {settled: true, basis: "80000.00", entitlement: "2400.00", advances: "800.00", credited: "1600.00", true_up: "800.00", payable: "800.00"}
`

// A half-year partner_period band table counts its halves in the program's
// time zone; a half-year settlement credits year to date over monthly
// advances. (Passed on the code under review: pinned.)
func TestReviewRlead10HalfYearByHand(t *testing.T) {
	for name, src := range map[string]string{"tokyo.yaml": tokyoHalfBands, "ytd.yaml": ytdHalf} {
		t.Run(name, func(t *testing.T) {
			set, err := Load(fstest.MapFS{name: {Data: []byte(src)}}, "*.yaml")
			require.NoError(t, err)
			rep := set.RunTests(context.Background(), TestOptions{})
			require.NotEmpty(t, rep.Results)
			for _, r := range rep.Results {
				assert.True(t, r.Passed(), "%s: err %v, diffs %q", r.Test.Name, r.Err, r.Diffs)
			}
		})
	}
}
