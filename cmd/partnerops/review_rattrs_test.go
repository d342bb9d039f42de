package main

import (
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewPartnersCSVBOMAndColumns: a CSV partners file saved by a
// spreadsheet starts with a byte order mark and may quote its headers; the
// deal decoders read both. An error names the cell as they do: line, the
// column's number (its place in the header, from 1), the header.
func TestReviewPartnersCSVBOMAndColumns(t *testing.T) {
	t.Run("BOM before a quoted header", func(t *testing.T) {
		got, err := partnersCSV("p.csv", []byte("\ufeff\"id\",\"tier\",\"payment_method\"\nP-1,gold,check\n"), time.UTC)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "P-1", got[0].ID)
		assert.Equal(t, partner.Tier("gold"), got[0].Tier)
	})
	t.Run("error names the column number", func(t *testing.T) {
		// payment_method is the third column; "cash" starts at byte 18 of
		// line 2 ("P-1," 4 bytes + "Acme Widgets," 13 bytes, then 1).
		_, err := partnersCSV("p.csv", []byte("id,name,payment_method\nP-1,Acme Widgets,cash\n"), time.UTC)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `p.csv:2:3: payment_method: unknown payment method "cash"`)
	})
	t.Run("history entry names the column number", func(t *testing.T) {
		_, err := partnersCSV("p.csv", []byte("id,name,tier_history\nP-1,Acme Widgets,2026-13-01 gold\n"), time.UTC)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `p.csv:2:3: tier_history, entry 1: want a date`)
	})
}

// TestReviewPartnersJSONLBOM: a JSON Lines partners file with a byte
// order mark reads as the deal decoders read a JSON Lines deals file.
func TestReviewPartnersJSONLBOM(t *testing.T) {
	got, err := partnersJSONL("p.jsonl", []byte("\ufeff{\"id\": \"P-1\", \"tier\": \"gold\"}\n"), time.UTC)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "P-1", got[0].ID)
	assert.Equal(t, partner.Tier("gold"), got[0].Tier)
}
