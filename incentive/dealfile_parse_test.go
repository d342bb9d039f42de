package incentive

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDealNumberFastPath: the decoder reads amounts of up to 18 digits
// without decimal.NewFromString; the value and the exponent must be those
// NewFromString gives (an amount's places show in statements), and every
// text the amount syntax refuses is still refused.
func TestDealNumberFastPath(t *testing.T) {
	tests := []struct {
		text  string
		value string // the unscaled integer, written by hand
		exp   int32
	}{
		{"0", "0", 0},
		{"-0", "0", 0},
		{"-0.00", "0", -2},
		{"12000.50", "1200050", -2},
		{"007.5", "75", -1},
		{"-1250", "-1250", 0},
		{"0.025", "25", -3},
		{"999999999999999999", "999999999999999999", 0},          // 18 digits: fast path
		{"9999999999999999999", "9999999999999999999", 0},        // 19 digits: slow path
		{"123456789.123456789123", "123456789123456789123", -12}, // 21 digits
	}
	d := newRowDecoder(fileProgram())
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			c := cell{kind: cellText, text: tt.text}
			got, ok := d.number(&c, "amount")
			require.True(t, ok, "%v", d.errs)
			assert.Equal(t, tt.value, got.Coefficient().String())
			assert.Equal(t, tt.exp, got.Exponent())
			want, err := decimal.NewFromString(tt.text)
			require.NoError(t, err)
			assert.Equal(t, want.String(), got.String())
			assert.True(t, want.Equal(got))
		})
	}
	for _, bad := range []string{"", "-", ".5", "5.", "1.2.3", "+5", "1e3", "1,000", " 5", "5 ", "--5", "1.-5", strings.Repeat("1", 41)} {
		t.Run("refuses "+bad, func(t *testing.T) {
			d := newRowDecoder(fileProgram())
			c := cell{kind: cellText, text: bad}
			_, ok := d.number(&c, "amount")
			assert.False(t, ok)
			require.Len(t, d.errs, 1)
			assert.Contains(t, d.errs[0].Msg, "want a decimal number")
		})
	}
}

// TestDealIntegerAndInstant: whole numbers without the regular expression,
// and close dates in either layout (chosen by length) or refused.
func TestDealIntegerAndInstant(t *testing.T) {
	d := newRowDecoder(fileProgram())
	for _, tt := range []struct {
		text string
		want int64
		ok   bool
	}{{"12", 12, true}, {"-3", -3, true}, {"0012", 12, true}, {"", 0, false}, {"-", 0, false}, {"1.0", 0, false}, {"+1", 0, false}, {"99999999999999999999", 0, false}} {
		c := cell{kind: cellText, text: tt.text}
		got, ok := d.integer(&c, "quantity")
		assert.Equal(t, tt.ok, ok, tt.text)
		assert.Equal(t, tt.want, got, tt.text)
	}
	for _, tt := range []struct {
		text, want string // want in UTC, RFC 3339; "" when refused
	}{
		{"2026-11-03", "2026-11-03T05:00:00Z"}, // midnight in New York (EST, UTC-5)
		{"2026-11-03T15:04:05-05:00", "2026-11-03T20:04:05Z"},
		{"2026-11-03T15:04:05Z", "2026-11-03T15:04:05Z"},
		{"2026-11-3", ""},
		{"2026-11-03 15:04:05", ""},
		{"03/11/2026", ""},
	} {
		d := newRowDecoder(fileProgram())
		c := cell{kind: cellText, text: tt.text}
		got, ok := d.instant(&c, "close_date")
		if tt.want == "" {
			assert.False(t, ok, tt.text)
			require.Len(t, d.errs, 1)
			continue
		}
		require.True(t, ok, tt.text)
		assert.Equal(t, tt.want, got.UTC().Format("2006-01-02T15:04:05Z07:00"), tt.text)
	}
}

// TestJSONLinesColumns: a JSON line's problems are placed at the column of
// the value, counted in characters: the fast path for ASCII lines and the
// counting path for lines with other characters must agree.
func TestJSONLinesColumns(t *testing.T) {
	tests := []struct {
		name, line string
		want       string
	}{
		{"ascii", `{"id":"D-1","partner_id":"P-1","amount":"x","close_date":"2026-11-03","segment":"s"}`,
			// {"id":"D-1","partner_id":"P-1","amount": is 1+4+1+5+1+12+1+5+1+8+1
			// = 40 characters, so the value's quote is column 41.
			"j.jsonl:1:41: deal D-1: amount: want a decimal number"},
		{"accented id before the value", `{"id":"D-é","partner_id":"P-1","amount":"x","close_date":"2026-11-03","segment":"s"}`,
			// "D-é" is 3 characters like "D-1" but 4 bytes: still column 41,
			// where counting bytes would say 42.
			"j.jsonl:1:41: deal D-é: amount: want a decimal number"},
		{"indented", `  {"id":"D-1","partner_id":"P-1","amount":"x","close_date":"2026-11-03","segment":"s"}`,
			// two spaces more: 41 + 2.
			"j.jsonl:1:43: deal D-1: amount: want a decimal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(DecodeJSONLines(strings.NewReader(tt.line+"\n"), fileProgram(), DecodeOptions{Name: "j.jsonl"}))
			require.Len(t, got.errs, 1)
			assert.Contains(t, got.errs[0].Error(), tt.want)
		})
	}
}
