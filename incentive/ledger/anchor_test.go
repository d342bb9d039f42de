package ledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cutStore hides every entry after keep and sets the head back, as an
// operator who deleted the tail of the entries table would.
type cutStore struct {
	ledger.Store
	keep int64
}

func (s cutStore) Entries(ctx context.Context, p ledger.EntriesParams) ([]ledger.Entry, error) {
	es, err := s.Store.Entries(ctx, p)
	out := es[:0:0]
	for _, e := range es {
		if e.Seq <= s.keep {
			out = append(out, e)
		}
	}
	return out, err
}

func (s cutStore) Head(ctx context.Context, p ledger.HeadParams) (ledger.Head, error) {
	es, err := s.Store.Entries(ctx, ledger.EntriesParams{AfterSeq: s.keep - 1, Limit: 1})
	if err != nil || len(es) == 0 {
		return ledger.Head{}, err
	}
	return ledger.Head{Seq: es[0].Seq, Hash: es[0].Hash}, nil
}

// claims registers the SPIFF program and submits n claims (each one
// accrual entry after the budget entry; auto-approved ones add an approval).
func claims(t *testing.T, h *ledgertest.Harness, prefix string, n int) {
	t.Helper()
	budget := incentive.MustParseMoney("10000.00", "USD")
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Budget: &budget, Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	for i := range n {
		ledgertest.Must(h.Submit("spiff", ledgertest.Deal(prefix+string(rune('1'+i)), "P-1", "1000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	}
}

func TestVerifyAnchor(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	claims(t, h, "D-", 3)
	// budget + 3 accruals (the zero policy needs a manager: no approvals)
	a := ledgertest.Must(h.Ledger.Checkpoint(h.Ctx, ledger.CheckpointParams{}))(t)
	require.Equal(t, int64(4), a.Seq)
	early := ledger.Anchor{Seq: 2, Hash: ledgertest.Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{AfterSeq: 1, Limit: 1}))(t)[0].Hash}

	// Another ledger with the same number of entries but other claims: the
	// tail was cut and written again.
	other := ledgertest.NewHarness(t, newStore, ledger.Config{})
	claims(t, other, "X-", 3)

	cut := func(keep int64) *ledger.Ledger {
		l, err := ledger.New(ledger.Config{Store: cutStore{Store: h.Store, keep: keep}, Clock: h.Clock.Now})
		require.NoError(t, err)
		return l
	}
	tests := []struct {
		name      string
		l         *ledger.Ledger
		anchors   []ledger.Anchor
		truncated bool
		chainErr  bool
		head      int64
	}{
		{"whole chain, its own anchor", h.Ledger, []ledger.Anchor{a}, false, false, 4},
		{"whole chain, an earlier anchor and the last", h.Ledger, []ledger.Anchor{early, a}, false, false, 4},
		{"last entry cut, no anchor: undetected without one", cut(3), nil, false, false, 3},
		{"last entry cut, the anchor counts 4", cut(3), []ledger.Anchor{a}, true, true, 3},
		{"two entries cut, the early anchor still holds but not the last", cut(2), []ledger.Anchor{early, a}, true, true, 2},
		{"tail written again: same count, other hash", other.Ledger, []ledger.Anchor{a}, false, true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head, err := tt.l.Verify(h.Ctx, ledger.VerifyParams{Anchors: tt.anchors})
			assert.Equal(t, tt.head, head.Seq)
			if !tt.chainErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ledger.ErrChain)
			assert.Equal(t, tt.truncated, errors.Is(err, ledger.ErrChainTruncated))
			var ae *ledger.AnchorError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.truncated, ae.Truncated)
		})
	}
	_, err := h.Ledger.Verify(h.Ctx, ledger.VerifyParams{Anchors: []ledger.Anchor{{Seq: 3}}})
	require.ErrorIs(t, err, ledger.ErrInvalid, "an anchor past the start needs a hash")
}
