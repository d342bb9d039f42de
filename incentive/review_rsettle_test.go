package incentive

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A deal of a program with a split that names no other payee (no referrer
// on the deal, or a referrer who is the deal's own partner) is paid whole to
// its partner: nothing was split, so its total must read as an unsplit
// deal's does, not "total 246.91 USD to P-1, split: P-1 246.91 (partner)".
func TestReviewRsettleTotalWordsWithoutSplit(t *testing.T) {
	tests := []struct {
		name string
		deal Deal
	}{
		{"no referrer", deal("D-1", "P-1", "12345.67", "2026-11-03")},
		{"referrer is the partner", referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "P-1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := splitProgram(RemainderLargestShare, false)
			r := mustEval(t, p, Input{Deal: tt.deal, Partner: gold("P-1")})
			// 12,345.67 x 0.02 = 246.9134 -> 246.91, all of it P-1's.
			require.Len(t, r.Shares, 1)
			assert.Equal(t, "246.91", r.Shares[0].Amount.Amount().StringFixed(2))
			plain := splitProgram(RemainderLargestShare, false)
			plain.Split = nil
			want := mustEval(t, plain, Input{Deal: tt.deal, Partner: gold("P-1")})
			got, exp := r.Trace[len(r.Trace)-1], want.Trace[len(want.Trace)-1]
			require.Equal(t, StepTotal, got.Kind)
			assert.False(t, strings.Contains(got.Words(), "split:"), got.Words())
			assert.Equal(t, exp.Words(), got.Words())
		})
	}
}
