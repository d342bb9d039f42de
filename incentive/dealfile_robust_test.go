package incentive

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeCSVRowLimitExact: MaxRowBytes is the longest row accepted, its
// line end not counted, in CSV as in JSON Lines: a row of exactly the
// limit is read (followed by LF, CRLF or the end of the file), one byte
// more is refused. Before the fix a CSV row could run up to 64 KiB past
// the limit (the read-ahead the limiter allowed) before it was refused.
func TestDecodeCSVRowLimitExact(t *testing.T) {
	// The header row counts too: it is shorter than the limit here.
	header := "id,partner_id,amount,close_date,segment\n"
	row := "D-1,P-1,100.00,2026-11-03,s1234567890123"
	row2 := "D-2,P-1,100.00,2026-11-03,s1234567890123"
	n := len(row) // 40 bytes: the limit
	require.Less(t, len(header)-1, n)
	for _, tt := range []struct {
		name, rows string
		deals      int
		tooLong    bool
	}{
		{"LF", row + "\n" + row2 + "\n", 2, false},
		{"CRLF", row + "\r\n" + row2 + "\r\n", 2, false},
		{"last row without LF", row + "\n" + row2, 2, false},
		{"one byte over", row + "s\n", 0, true},
		{"one byte over, last row", row + "s", 0, true},
		// 26 bytes before the cell, 13 in it and 2 quotes: 41.
		{"a quoted cell over", row + "\n" + `D-2,P-1,100.00,2026-11-03,"s123456789012"` + "\n", 1, true},
		{"1000 bytes over", row + strings.Repeat("s", 1000) + "\n", 0, true},
	} {
		for _, big := range []bool{false, true} {
			// big: a limit past the decoders' 64 KiB read-ahead, the
			// segment padded so the row is again exactly at the limit.
			rows, limit := tt.rows, n
			if big {
				pad := strings.Repeat("x", 70000)
				rows = strings.ReplaceAll(rows, ",s", ",s"+pad)
				rows = strings.ReplaceAll(rows, `,"s`, `,"s`+pad)
				limit = n + len(pad)
			}
			t.Run(fmt.Sprint(tt.name, big), func(t *testing.T) {
				got := collect(DecodeCSV(strings.NewReader(header+rows), fileProgram(), DecodeOptions{Name: "d.csv", MaxRowBytes: limit}))
				assert.Len(t, got.ins, tt.deals)
				if !tt.tooLong {
					assert.Empty(t, got.errs)
					return
				}
				require.Len(t, got.errs, 1)
				assert.ErrorIs(t, got.errs[0], ErrRowTooLong)
				var re *RowError
				require.True(t, errors.As(got.errs[0], &re))
				assert.True(t, re.Final)
				// The long row is the first or the second data row.
				assert.Equal(t, 2+tt.deals, re.Line, re.Error())
				assert.Contains(t, re.Error(), fmt.Sprintf("d.csv:%d: the row is longer than %d bytes", 2+tt.deals, limit))
			})
		}
	}
}

// TestDecodeJSONElementLimitExact: the same for the elements of a JSON
// list: an element of exactly MaxRowBytes is read, one byte more is
// refused, even when it is far less than 64 KiB more.
func TestDecodeJSONElementLimitExact(t *testing.T) {
	el := `{"id":"D-1","partner_id":"P-1","amount":"1","close_date":"2026-11-03","segment":"s"}`
	n := len(el)
	long := strings.Replace(el, `"s"`, `"ss"`, 1)
	for _, tt := range []struct {
		name, src string
		deals     int
		tooLong   bool
	}{
		{"at the limit", "[" + el + ",\n " + el + "]", 2, false},
		{"one byte over", "[" + el + ",\n " + long + "]", 1, true},
		{"1000 bytes over", "[" + strings.Replace(el, `"s"`, `"s`+strings.Repeat("s", 1000)+`"`, 1) + "]", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(DecodeJSON(strings.NewReader(tt.src), fileProgram(), DecodeOptions{Name: "d.json", MaxRowBytes: n}))
			assert.Len(t, got.ins, tt.deals)
			if !tt.tooLong {
				assert.Empty(t, got.errs)
				return
			}
			require.Len(t, got.errs, 1)
			assert.ErrorIs(t, got.errs[0], ErrRowTooLong)
			assert.Contains(t, got.errs[0].Error(), fmt.Sprintf("d.json:%d: the deal is longer than %d bytes", 1+tt.deals, n))
		})
	}
}

// TestDecodeBOM: a UTF-8 byte order mark at the start of the file, as
// spreadsheets and some exports write it, is skipped in every format;
// before the fix it broke the first row of JSON Lines and JSON, and a CSV
// file whose first header is quoted. Error positions do not count it.
func TestDecodeBOM(t *testing.T) {
	const bom = "\ufeff"
	jsonDeal := `{"id":"D-1","partner_id":"P-1","amount":"1.00","close_date":"2026-11-03","segment":"s"}`
	for _, tt := range []struct {
		name string
		seq  func(src string) iter.Seq2[Input, error]
		src  string
	}{
		{"csv", func(s string) iter.Seq2[Input, error] {
			return DecodeCSV(strings.NewReader(s), fileProgram(), DecodeOptions{})
		},
			"id,partner_id,amount,close_date,segment\nD-1,P-1,1.00,2026-11-03,s\n"},
		{"csv quoted header", func(s string) iter.Seq2[Input, error] {
			return DecodeCSV(strings.NewReader(s), fileProgram(), DecodeOptions{})
		},
			`"id","partner_id","amount","close_date","segment"` + "\nD-1,P-1,1.00,2026-11-03,s\n"},
		{"jsonl", func(s string) iter.Seq2[Input, error] {
			return DecodeJSONLines(strings.NewReader(s), fileProgram(), DecodeOptions{})
		}, jsonDeal + "\n"},
		{"json", func(s string) iter.Seq2[Input, error] {
			return DecodeJSON(strings.NewReader(s), fileProgram(), DecodeOptions{})
		},
			"[" + jsonDeal + "]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(tt.seq(bom + tt.src))
			require.Empty(t, got.errs)
			require.Len(t, got.ins, 1)
			assert.Equal(t, "D-1", got.ins[0].Deal.ID)
			// 1.00 as written
			assert.True(t, got.ins[0].Deal.Amount.Equal(usd("1.00")))
		})
	}
	// A BOM anywhere else is content, and an error where it is not text.
	got := collect(DecodeJSONLines(strings.NewReader(jsonDeal+"\n"+bom+jsonDeal+"\n"), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
	assert.Len(t, got.ins, 1)
	require.Len(t, got.errs, 1)
	assert.Contains(t, got.errs[0].Error(), "d.jsonl:2")
	// The positions of the first line do not count the BOM.
	got = collect(DecodeJSONLines(strings.NewReader(bom+`{"id":"D-1","amount":"x"}`+"\n"), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
	require.Len(t, got.errs, 1)
	// {"id":"D-1","amount":"x"}: the value "x" starts at character 22.
	assert.Contains(t, got.errs[0].Error(), "d.jsonl:1:22: deal D-1: amount:")
}

// TestDecodeCSVErrorColumns: every CSV error names the file, the line,
// and the column by its number (as the header counts it, from 1) and by
// its header as the file writes it; a problem of the row as a whole names
// no column. Before the fix a cell's column was its byte offset in the
// line, and a header's its number.
func TestDecodeCSVErrorColumns(t *testing.T) {
	header := "id,partner_id,Amount (USD),close_date,segment,term_months\n"
	opts := DecodeOptions{Name: "d.csv", Columns: map[string]string{"amount": "Amount (USD)"}}
	for _, tt := range []struct {
		name, rows string
		want       string
	}{
		{"a bad amount is column 3", "D-1,P-1,1e3,2026-11-03,s,\n",
			`d.csv:2:3: deal D-1: Amount (USD): want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got "1e3"`},
		{"a negative amount, read once the currency is known", "D-1,P-1,-5.00,2026-11-03,s,\n",
			"d.csv:2:3: deal D-1: Amount (USD): a negative amount needs `allow_negative: true` in the program"},
		{"long cells before do not move the column", "D-0000000000000000001,P-0000000000001,1.00,2026-11-31,s,\n",
			`d.csv:2:4: deal D-0000000000000000001: close_date: want a date written YYYY-MM-DD or an RFC 3339 time such as 2026-11-03T15:04:05-05:00, got "2026-11-31"`},
		{"a multi-line quoted cell: its line, its column", "D-1,P-1,1.00,2026-11-03,\"two\nlines\",x\n",
			`d.csv:3:6: deal D-1: term_months: want a whole number written in digits, got "x"`},
		{"not UTF-8 after multi-byte text", "D-é,P-1,1.00,2026-11-03,\xff,\n",
			"d.csv:2:5: deal D-é: segment: not valid UTF-8 text; save the file as UTF-8"},
		{"a row with a cell too many names no column", "D-1,P-1,1.00,2026-11-03,s,,x\n",
			"d.csv:2: the row has 7 columns; the header has 6"},
		{"a CSV syntax error names its line, no column", "D-1,P-1,1.00,2026-11-03,s a\"b,\n",
			`d.csv:2: CSV syntax: bare " in non-quoted-field (at byte 28 of the line)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(DecodeCSV(strings.NewReader(header+tt.rows), fileProgram(), opts))
			require.Len(t, got.errs, 1)
			assert.Equal(t, tt.want, got.errs[0].Error())
		})
	}
}

// TestDecodeCSVRowLimitManyRows: the exact length holds row after row
// (the line ends the decoder notes are dropped as it goes), blank lines
// before a row (which encoding/csv skips) do not count in its length, and
// the row over the limit is reported on its own line.
func TestDecodeCSVRowLimitManyRows(t *testing.T) {
	header := "id,partner_id,amount,close_date,segment\n"
	var b strings.Builder
	b.WriteString(header)
	limit := 0
	for i := range 500 {
		row := fmt.Sprintf("D-%04d,P-1,100.00,2026-11-03,s1234567890123", i)
		limit = len(row) // 41 bytes, every row
		if i%7 == 0 {
			b.WriteString("\n\r\n") // blank lines
		}
		b.WriteString(row)
		b.WriteString("\r\n")
	}
	src := b.String()
	got := collect(DecodeCSV(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "d.csv", MaxRowBytes: limit}))
	require.Empty(t, got.errs)
	require.Len(t, got.ins, 500)

	// One byte more in the 400th row (D-0399): refused on its line. Rows
	// D-0000..D-0399 come with 58 blank-line pairs (i = 0, 7, ..., 399),
	// so it is on line 1 + 400 + 2*58 = 517.
	long := strings.Replace(src, "D-0399,P-1,100.00,2026-11-03,s1234567890123", "D-0399,P-1,100.00,2026-11-03,s12345678901234", 1)
	got = collect(DecodeCSV(strings.NewReader(long), fileProgram(), DecodeOptions{Name: "d.csv", MaxRowBytes: limit}))
	require.Len(t, got.ins, 399)
	require.Len(t, got.errs, 1)
	assert.ErrorIs(t, got.errs[0], ErrRowTooLong)
	assert.Equal(t, fmt.Sprintf("d.csv:517: the row is longer than %d bytes; the file is not read further", limit), got.errs[0].Error())
}
