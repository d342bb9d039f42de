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
