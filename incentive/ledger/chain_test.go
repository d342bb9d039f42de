package ledger

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func chainOf(n int) []Entry {
	es := make([]Entry, n)
	for i := range es {
		amt := incentive.MustParseMoney("10.00", "USD")
		es[i] = Entry{ID: string(rune('a' + i)), Kind: EntryBudget, Time: time.Date(2026, 1, 1, 0, 0, i, 999, time.UTC),
			Postings: []Posting{{Account: ProgramFunding("p"), Amount: amt.Neg()}, {Account: ProgramBudget("p"), Amount: amt}}}
	}
	Seal(Head{}, es)
	return es
}

func TestVerifyChainDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func([]Entry) []Entry
		seq    int64 // where the break is found; 0: no break
	}{
		{"intact", func(es []Entry) []Entry { return es }, 0},
		{"amount changed", func(es []Entry) []Entry {
			es[1].Postings[1].Amount = incentive.MustParseMoney("11.00", "USD")
			es[1].Postings[0].Amount = incentive.MustParseMoney("-11.00", "USD")
			return es
		}, 2},
		{"reason changed", func(es []Entry) []Entry { es[2].Reason = "x"; return es }, 3},
		{"entry deleted", func(es []Entry) []Entry { return append(es[:1], es[2:]...) }, 3},
		{"entry changed and rehashed", func(es []Entry) []Entry {
			es[1].Actor = "mallory"
			es[1].Hash = EntryHash(&es[1])
			return es
		}, 3},
		{"unbalanced and rehashed", func(es []Entry) []Entry {
			es[0].Postings = es[0].Postings[1:]
			es[0].Hash = EntryHash(&es[0])
			return es
		}, 1},
		{"same amount, other exponent", func(es []Entry) []Entry {
			// 10.00 and 10.0 are the same amount: a SQL round trip that
			// changes the exponent must not break the chain.
			es[1].Postings[1].Amount = incentive.MustParseMoney("10.0", "USD")
			return es
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.tamper(chainOf(4))
			_, err := VerifyChain(Head{}, es)
			if tt.seq == 0 {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrChain)
			var ce *ChainError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, tt.seq, ce.Seq)
		})
	}
}

func TestSealTimesAreMicroseconds(t *testing.T) {
	es := chainOf(1)
	assert.Equal(t, 0, es[0].Time.Nanosecond()%1000, "sealed times are whole microseconds")
	assert.Equal(t, time.UTC, es[0].Time.Location())
}

func TestAccountParse(t *testing.T) {
	b := Bucket{Partner: "P/1", Payee: "rep x", Program: "q4"}
	tests := []struct {
		a    Account
		want AccountInfo
	}{
		{ProgramBudget("q4"), AccountInfo{Scope: "program", Program: "q4", Kind: "budget"}},
		{FundAccount("F 1", FundReserved), AccountInfo{Scope: "fund", Fund: "F 1", Kind: "reserved"}},
		{b.Account(Withheld), AccountInfo{Scope: "partner", Program: "q4", Bucket: b, Kind: "withheld"}},
	}
	for _, tt := range tests {
		got, err := tt.a.Parse()
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
	_, err := Account("nonsense").Parse()
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, Account("partner/P%2F1/rep%20x/q4/withheld"), b.Account(Withheld), "IDs are escaped so a slash cannot forge a scope")
}
