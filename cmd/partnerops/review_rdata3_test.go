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

// TestReviewPartnersJSONLKeys: a JSON Lines partners record's key given
// twice, or in another case, is refused, as a deals file refuses a
// repeated key. Before, encoding/json read {"tier": "gold", "tier":
// "silver"} as silver and {"id": "P-1", "ID": "P-2"} as partner P-2, with
// no word: a deal of P-1 was then an unknown partner, or paid at silver.
func TestReviewPartnersJSONLKeys(t *testing.T) {
	for _, tc := range []struct{ name, line, want string }{
		{"tier twice", `{"id": "P-1", "tier": "gold", "tier": "silver"}`, `p.jsonl:1: the key "tier" is given twice`},
		{"id in capitals", `{"id": "P-1", "ID": "P-2"}`, `p.jsonl:1: the key "ID" is written "id" (keys are case-sensitive)`},
		{"tier capitalised", `{"id": "P-1", "Tier": "gold"}`, `p.jsonl:1: the key "Tier" is written "tier" (keys are case-sensitive)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := partnersJSONL("p.jsonl", []byte(tc.line+"\n"), time.UTC)
			require.Error(t, err, "read as %+v", ps)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// A record spelled right still reads.
	ps, err := partnersJSONL("p.jsonl", []byte(`{"id": "P-1", "tier": "gold", "contacts": [{"role": "billing", "name": "A"}]}`+"\n"), time.UTC)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "gold", string(ps[0].Tier))
}
