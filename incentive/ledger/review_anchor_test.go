package ledger_test

import (
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every anchor given to Verify must lie on the chain, also when two
// anchors name the same entry: one kept by an auditor that does not match
// the chain may not be hidden by a matching one given after it.
func TestReviewVerifyChecksEveryAnchorOfAnEntry(t *testing.T) {
	h := reviewReferral(t) // registering the budget writes entry 1
	h.Clock.Set("2026-11-02")
	ledgertest.Must(h.Submit("ref", ledgertest.Deal("R-1", "P-R", "1000.00", "2026-11-01"), ledgertest.Gold("P-R")))(t)
	a := ledgertest.Must(h.Ledger.Checkpoint(h.Ctx, ledger.CheckpointParams{}))(t)
	require.Positive(t, a.Seq)

	tests := []struct {
		name    string
		anchors []ledger.Anchor
		wantErr bool
	}{
		{"matching", []ledger.Anchor{a}, false},
		{"matching twice", []ledger.Anchor{a, a}, false},
		{"wrong then matching", []ledger.Anchor{{Seq: a.Seq, Hash: "beef"}, a}, true},
		{"matching then wrong", []ledger.Anchor{a, {Seq: a.Seq, Hash: "beef"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.Ledger.Verify(h.Ctx, ledger.VerifyParams{Anchors: tt.anchors})
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ledger.ErrChain)
			var ae *ledger.AnchorError
			require.True(t, errors.As(err, &ae))
			assert.Equal(t, "beef", ae.Anchor.Hash, "the error names the anchor that does not match")
		})
	}
}
