package rules

// Independent review of the rates files of issue #7: each test failed
// before its fix.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A CSV saved as "CSV UTF-8" starts with a byte order mark; a tool that
// quotes every field then writes the BOM just before the first quote. The
// BOM was only trimmed from the decoded header cell, after the CSV reader
// had already rejected `\ufeff"from"` as a bare quote.
func TestReviewTermsRatesCSVWithBOMAndQuotedHeader(t *testing.T) {
	src := "\ufeff\"from\",\"to\",\"rate\",\"as_of\",\"source\"\r\n" +
		"\"EUR\",\"USD\",\"1.0832\",\"2026-03-09\",\"ECB, daily\"\r\n"
	_, rates, err := DecodeRates("rates.csv", []byte(src))
	require.NoError(t, err)
	require.Len(t, rates, 1)
	assert.Equal(t, "1.0832", rates[0].Rate.String())
	assert.Equal(t, "2026-03-09", rates[0].AsOf.String())
	assert.Equal(t, "ECB, daily", rates[0].Source)
}

// Validate names an earning by its index in Program.Earnings; the decoder
// skips an earning it cannot read, so after one the indices no longer
// match the file's list and every later problem was reported at the
// previous earning, under a path naming the wrong earning.
func TestReviewTermsValidatePathAfterSkippedEarning(t *testing.T) {
	src := `apiVersion: partnerops/v1
kind: Program
id: p
name: P
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - oops
  - id: a
    type: rebate
    amount: 1
  - id: b
    type: rebate
    bands:
      basis: deal
      method: retroactive
      pays: rate
      table:
        - {from: 0, to: 10, rate: 0.01}
        - {from: 12, rate: 0.02}
`
	_, err := Compile("p.yaml", []byte(src))
	require.Error(t, err)
	var list ErrorList
	require.ErrorAs(t, err, &list)
	var msgs []string
	for _, e := range list {
		msgs = append(msgs, e.Error())
	}
	require.Len(t, list, 2, "%v", msgs)
	assert.Contains(t, msgs[0], "p.yaml:9:5: earnings[0]: want a mapping")
	// the gap is in earning b (earnings[2]), on the second row, line 21:
	// `- {from: 12, ...}`, whose `12` is at column 18
	assert.Contains(t, msgs[1], "p.yaml:21:18: earnings[2].bands.table[1].from: gap")
}
