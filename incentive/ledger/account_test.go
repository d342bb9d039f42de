package ledger

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccountParseRoundTrip(t *testing.T) {
	q4 := incentive.Date{Year: 2026, Month: 10, Day: 1}
	tests := []struct {
		name string
		a    Account
		want AccountInfo
	}{
		{"default bucket", Bucket{Partner: "P 1", Payee: "rep", Program: "q4/spiff"}.Account(Payable),
			AccountInfo{Scope: "partner", Program: "q4/spiff", Bucket: Bucket{Partner: "P 1", Payee: "rep", Program: "q4/spiff"}, Kind: "payable"}},
		{"payout bucket", Bucket{Partner: "P-1", Payee: "partner", Program: "p#1", Payout: "mdf#x"}.Account(Withheld),
			AccountInfo{Scope: "partner", Program: "p#1", Bucket: Bucket{Partner: "P-1", Payee: "partner", Program: "p#1", Payout: "mdf#x"}, Kind: "withheld"}},
		{"partner cap", CapAccount("capped", "P/1", 2, q4, CapUsed),
			AccountInfo{Scope: "cap", Program: "capped", Bucket: Bucket{Partner: "P/1"}, Cap: 2, PeriodStart: q4, Kind: "used"}},
		{"overrun", ProgramOverrun("p"), AccountInfo{Scope: "program", Program: "p", Kind: "overrun"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.a.Parse()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	// A bucket's prefix selects neither the other payout buckets nor the
	// default one.
	def := Bucket{Partner: "P", Payee: "p", Program: "x"}
	named := Bucket{Partner: "P", Payee: "p", Program: "x", Payout: "b"}
	assert.NotContains(t, string(named.Account(Payable)), string(def.Prefix()))
	assert.NotContains(t, string(def.Account(Payable)), string(named.Prefix()))
	for _, bad := range []Account{"partner/P/p/x#/payable", "cap/p/P/x@2026-10-01/used", "cap/p/P/1@2026-13-01/used", "cap/p/P/-1@2026-10-01/used"} {
		_, err := bad.Parse()
		assert.ErrorIs(t, err, ErrInvalid, string(bad))
	}
}
