package incentive

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewHistoryKeyGivenTwice: a key repeated inside one entry of
// tier_history or attribute_history is an error, as a repeated key of the
// deal or of its partner object already is ("the key is given twice").
// Before, json.Unmarshal into a map kept the last value silently: the
// first entry below read as silver from 2026-01-01, the gold never seen,
// and a repeated "from" moved the change to the later date.
func TestReviewHistoryKeyGivenTwice(t *testing.T) {
	loc := fileProgram().Effective.Loc()
	for _, tc := range []struct {
		name, key, list, where string
	}{
		{"tier twice", "tier_history", `[{"from": "2026-01-01", "tier": "gold", "tier": "silver"}]`, "tier_history[0].tier"},
		{"from twice", "tier_history", `[{"from": "2026-01-01", "from": "2026-03-01", "tier": "gold"}]`, "tier_history[0].from"},
		{"region twice in the second entry", "attribute_history",
			`[{"from": "2026-01-01", "region": "emea"}, {"from": "2026-02-01", "region": "na", "region": "apac"}]`, "attribute_history[1].region"},
		{"an escaped key is the same key", "tier_history", `[{"from": "2026-01-01", "tier": "gold", "ti\u0065r": "silver"}]`, "tier_history[0].tier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := DecodeHistoryJSON([]byte(tc.list), tc.key, loc)
			require.NotEmpty(t, errs)
			assert.Contains(t, errs[0].Error(), tc.where+": the key is given twice")

			src := `{"id": "D-1", "partner": {"id": "P-1", "` + tc.key + `": ` + tc.list + `}, "amount": "10", "close_date": "2026-11-03", "segment": "smb"}` + "\n"
			got := collect(DecodeJSONLines(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
			assert.Empty(t, got.ins, "a deal whose partner history lost a value")
			require.Len(t, got.errs, 1)
			assert.Contains(t, got.errs[0].Error(), "partner."+tc.where+": the key is given twice")
		})
	}
}

// TestReviewInstantRFC3339Range: an instant a deals file cannot write back
// is refused where it is read. AppendDealJSON writes a close time and a
// dated change's from as RFC 3339 in UTC, which has four-digit years:
// 9999-12-31T23:59:59-23:59 is 10000-01-01T23:58:59Z (23:59:59 + 23:59 =
// 47:58:59, one day and 23:58:59 later), and 0000-01-01 midnight in Tokyo
// (+09:00) is -0001-12-31T15:00:00Z. Before, both were read, and the disk
// sort's AppendDealJSON then wrote text DecodeJSONLines refuses, so
// decode(encode(x)) failed on a deal the decoder had accepted.
func TestReviewInstantRFC3339Range(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		text string
		loc  *time.Location
		ok   bool
	}{
		{"last second of 9999 in UTC", "9999-12-31T23:59:59Z", time.UTC, true},
		{"in year 10000 in UTC", "9999-12-31T23:59:59-23:59", time.UTC, false},
		{"year 0 midnight in UTC", "0000-01-01", time.UTC, true},
		{"year 0 midnight in Tokyo is year -1 in UTC", "0000-01-01", tokyo, false},
		{"a date in 9999", "9999-12-31", tokyo, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, err := ParseHistoryDate(tc.text, tc.loc)
			if !tc.ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "RFC 3339")
				return
			}
			require.NoError(t, err)
			back, err := ParseHistoryDate(at.UTC().Format(time.RFC3339Nano), tc.loc)
			require.NoError(t, err, "the UTC text reads back")
			assert.True(t, back.Equal(at))
		})
	}

	// Through the decoders, as a dated change and as a close time.
	for _, tc := range []struct{ name, deal, where string }{
		{"from", `{"id": "D-1", "partner": {"id": "P-1", "tier_history": [{"from": "9999-12-31T23:59:59-23:59", "tier": "gold"}]}, "amount": "10", "close_date": "2026-11-03", "segment": "smb"}`,
			"partner.tier_history[0].from"},
		{"close_date", `{"id": "D-1", "partner": {"id": "P-1", "tier": "gold"}, "amount": "10", "close_date": "9999-12-31T23:59:59-23:59", "segment": "smb"}`,
			"close_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := collect(DecodeJSONLines(strings.NewReader(tc.deal+"\n"), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
			for _, in := range got.ins {
				b, err := AppendDealJSON(nil, &in)
				require.NoError(t, err)
				back := collect(DecodeJSONLines(strings.NewReader(string(b)+"\n"), fileProgram(), DecodeOptions{Name: "back.jsonl"}))
				assert.Empty(t, back.errs, "decode(encode(x)) of a deal the decoder accepted")
			}
			require.Len(t, got.errs, 1, "refused where it is read")
			assert.Contains(t, got.errs[0].Error(), tc.where)
		})
	}
}
