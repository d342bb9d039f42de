package incentive

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wideJSONRow is a deal with n unknown keys k0..k(n-1) between its good
// keys and a repeated "id" at the end.
func wideJSONRow(n int) string {
	var b strings.Builder
	b.WriteString(`{"id":"D-1","partner_id":"P-1","amount":"1","close_date":"2026-11-03","segment":"s"`)
	for i := range n {
		fmt.Fprintf(&b, `,"k%d":0`, i)
	}
	b.WriteString(`,"id":"D-2"}`)
	return b.String()
}

// TestReviewWideJSONRow: a JSON row with many keys (a broken export, or a
// hostile one, up to MaxRowBytes) lists its first 20 unknown keys and
// counts the rest, as DecodeCSV does for unknown columns, and still finds
// a repeated key. Before the fix every unknown key was reported (a row of
// 1 MB gave 92,000 lines) and repeats were found by scanning the keys
// before each key, quadratic in the row (one 1 MB row took 20 s of CPU).
func TestReviewWideJSONRow(t *testing.T) {
	for _, n := range []int{5, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			got := collect(DecodeJSONLines(strings.NewReader(wideJSONRow(n)+"\n"), fileProgram(), DecodeOptions{Name: "w.jsonl"}))
			require.Empty(t, got.ins)
			require.Len(t, got.errs, 1)
			var re *RowError
			require.True(t, errors.As(got.errs[0], &re))
			// n = 5: 5 unknown keys + 1 repeated id = 6 problems.
			// n = 200: 20 listed + 1 "180 more" (200 - 20) + 1 repeated id = 22.
			listed := min(n, 20)
			want := listed + 1
			if n > 20 {
				want++
			}
			assert.Len(t, re.Fields, want)
			msg := re.Error()
			assert.Equal(t, listed, strings.Count(msg, ": unknown key"), msg)
			assert.Contains(t, msg, "id: the key is given twice")
			if n > 20 {
				assert.Contains(t, msg, "180 more unknown keys")
			}
		})
	}
}

// BenchmarkReviewWideJSONRow decodes one JSON row of 20,000 unknown keys
// (about 190 KB, within the default MaxRowBytes).
func BenchmarkReviewWideJSONRow(b *testing.B) {
	src := wideJSONRow(20000) + "\n"
	p := fileProgram()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		for range DecodeJSONLines(strings.NewReader(src), p, DecodeOptions{}) {
		}
	}
}

// TestReviewJSONLinesRowLimitExact: MaxRowBytes is "the longest row
// accepted, in bytes"; a JSON line of exactly MaxRowBytes bytes followed by
// its line end is accepted, as the same line at the end of the file
// without one always was, and one byte more is refused. Before the fix the
// "\n" counted, so the row was refused with a line end and accepted
// without.
func TestReviewJSONLinesRowLimitExact(t *testing.T) {
	row := `{"id":"D-1","partner_id":"P-1","amount":"1","close_date":"2026-11-03","segment":"s"}`
	n := len(row) // 84 bytes: the limit
	long := strings.Replace(row, `"s"`, `"ss"`, 1)
	require.Len(t, long, n+1)
	for _, tt := range []struct {
		name, src string
		deals     int
		tooLong   bool
	}{
		{"LF", row + "\n" + row + "\n", 2, false},
		{"CRLF", row + "\r\n" + row + "\r\n", 2, false},
		{"last line without LF", row + "\n" + row, 2, false},
		{"one byte over", long + "\n", 0, true},
		{"one byte over, last line", long, 0, true},
	} {
		for _, big := range []bool{false, true} {
			// big: the same with a limit past bufio's 64 KiB buffer,
			// padding the segment so the row is exactly at the limit.
			src, limit := tt.src, n
			if big {
				pad := strings.Repeat("x", 70000)
				src = strings.ReplaceAll(src, `"s"`, `"s`+pad+`"`)
				src = strings.ReplaceAll(src, `"ss"`, `"ss`+pad+`"`)
				limit = n + len(pad)
			}
			t.Run(fmt.Sprint(tt.name, big), func(t *testing.T) {
				got := collect(DecodeJSONLines(strings.NewReader(src), fileProgram(), DecodeOptions{MaxRowBytes: limit}))
				assert.Len(t, got.ins, tt.deals)
				if tt.tooLong {
					require.Len(t, got.errs, 1)
					assert.ErrorIs(t, got.errs[0], ErrRowTooLong)
				} else {
					assert.Empty(t, got.errs)
				}
			})
		}
	}
}
