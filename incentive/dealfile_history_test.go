package incentive

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJSONDealPartnerHistory: a JSON or JSON Lines deal's inline partner
// carries tier_history and attribute_history in the shape of a JSON Lines
// partners file (DecodeHistoryJSON, shared with it), dates midnight in the
// program's time zone; each mistake is an error naming the entry.
func TestJSONDealPartnerHistory(t *testing.T) {
	loc := fileProgram().Effective.Loc()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	type at struct {
		attr partner.AttrName
		when time.Time
		want string
	}
	for _, tc := range []struct {
		name, partner string
		checks        []at
		errs          []string
	}{
		{"tier history", `{"id": "P-1", "tier_history": [{"from": "2026-01-01", "tier": "silver"}, {"from": "2026-06-01", "tier": "gold"}]}`,
			[]at{
				{partner.AttrTier, day(2025, 12, 31), ""},
				{partner.AttrTier, day(2026, 1, 1), "silver"},
				{partner.AttrTier, day(2026, 5, 31), "silver"},
				{partner.AttrTier, day(2026, 6, 1), "gold"},
			}, nil},
		{"attribute history and a stated tier", `{"id": "P-1", "tier": "gold", "attribute_history": [{"from": "2026-01-01", "region": "emea", "type": "reseller"}, {"from": "2026-05-15", "region": "na"}]}`,
			[]at{
				{partner.AttrRegion, day(2026, 5, 14), "emea"},
				{partner.AttrRegion, day(2026, 5, 15), "na"},
				{partner.AttrType, day(2026, 9, 1), "reseller"},
				{partner.AttrTier, day(2025, 1, 1), "gold"},
			}, nil},
		{"null lists are left out", `{"id": "P-1", "tier": "gold", "tier_history": null, "attribute_history": null}`,
			[]at{{partner.AttrTier, day(2025, 1, 1), "gold"}}, nil},
		{"out of order", `{"id": "P-1", "tier_history": [{"from": "2026-02-01", "tier": "gold"}, {"from": "2026-02-01", "tier": "silver"}]}`, nil,
			[]string{"partner.tier_history[1].from: tier_history must be in time order: 2026-02-01 is not after the entry before it"}},
		{"unknown key and no from", `{"id": "P-1", "attribute_history": [{"from": "2026-01-01", "segment": "smb"}, {"region": "na"}]}`, nil,
			[]string{`partner.attribute_history[0]: unknown key "segment" (want one of from, type, tier, region, country)`,
				`partner.attribute_history[1]: missing required key "from"`}},
		{"tier in both lists", `{"id": "P-1", "tier_history": [{"from": "2026-01-01", "tier": "gold"}], "attribute_history": [{"from": "2026-02-01", "tier": "silver"}]}`, nil,
			[]string{"partner.attribute_history[0].tier: the tier's changes are in tier_history too; give them in one list"}},
		{"stated tier differs", `{"id": "P-1", "tier": "platinum", "tier_history": [{"from": "2026-01-01", "tier": "gold"}]}`, nil,
			[]string{`partner.tier_history[0].tier: tier "gold" differs from the record's tier "platinum"`}},
		{"not a list", `{"id": "P-1", "tier_history": {"from": "2026-01-01", "tier": "gold"}}`, nil,
			[]string{"partner.tier_history: want a list, got"}},
		{"a number, not text", `{"id": "P-1", "tier_history": [{"from": 20260101, "tier": "gold"}]}`, nil,
			[]string{"partner.tier_history: want a list of {from, tier} with text values"}},
		{"empty list", `{"id": "P-1", "tier_history": []}`, nil,
			[]string{"partner.tier_history: list at least one entry, or leave it out"}},
		{"bad date", `{"id": "P-1", "tier_history": [{"from": "03/01/2026", "tier": "gold"}]}`, nil,
			[]string{`partner.tier_history[0].from: want a date written YYYY-MM-DD or an RFC 3339 time, got "03/01/2026"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `{"id": "D-1", "partner": ` + tc.partner + `, "amount": "10", "close_date": "2026-11-03", "segment": "smb"}` + "\n"
			for _, dec := range []struct {
				name string
				got  decoded
			}{
				{"jsonl", collect(DecodeJSONLines(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "d.jsonl"}))},
				{"json", collect(DecodeJSON(strings.NewReader("["+src+"]"), fileProgram(), DecodeOptions{Name: "d.json"}))},
			} {
				if len(tc.errs) > 0 {
					require.Len(t, dec.got.errs, 1, dec.name)
					for _, want := range tc.errs {
						assert.Contains(t, dec.got.errs[0].Error(), want, dec.name)
					}
					assert.Empty(t, dec.got.ins, dec.name)
					continue
				}
				require.Empty(t, dec.got.errs, dec.name)
				require.Len(t, dec.got.ins, 1, dec.name)
				pt := dec.got.ins[0].Partner
				for _, c := range tc.checks {
					assert.Equal(t, c.want, pt.AttrAt(c.attr, c.when), "%s: %s at %s", dec.name, c.attr, c.when.Format(time.DateOnly))
				}
			}
		})
	}
}

// TestCSVDealHistoryColumn: a CSV deal cannot carry dated changes; a
// column for them is an error that says where they go, even when unknown
// columns are ignored (dropping them would pay at the wrong tier).
func TestCSVDealHistoryColumn(t *testing.T) {
	for _, h := range []string{"tier_history", "attribute_history", "partner_tier_history"} {
		for _, ignore := range []bool{false, true} {
			src := "id,partner_id,amount,close_date,segment," + h + "\nD-1,P-1,10,2026-11-03,smb,2026-01-01 gold\n"
			got := collect(DecodeCSV(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "d.csv", IgnoreUnknown: ignore}))
			require.Len(t, got.errs, 1, h)
			assert.Contains(t, got.errs[0].Error(), "d.csv:1:6: "+h+": a CSV deal cannot carry its partner's dated changes; give "+strings.TrimPrefix(h, "partner_")+" in a partners file (-partners)", h)
			assert.Empty(t, got.ins, h)
		}
	}
}
