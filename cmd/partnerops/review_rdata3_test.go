package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewPartnersJSONLHistoryKeyTwice: a JSON Lines partners file's
// tier_history goes through incentive.DecodeHistoryJSON, so a key given
// twice inside one entry is refused there too. Before, the second "tier"
// won silently: P-1 read as silver from 2026-01-01 and its gold was lost.
func TestReviewPartnersJSONLHistoryKeyTwice(t *testing.T) {
	src := `{"id": "P-1", "tier_history": [{"from": "2026-01-01", "tier": "gold", "tier": "silver"}]}` + "\n"
	ps, err := partnersJSONL("p.jsonl", []byte(src), time.UTC)
	require.Error(t, err, "read as %+v", ps)
	assert.Contains(t, err.Error(), "tier_history[0].tier: the key is given twice")
}
