package pgstore_test

import (
	"context"
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/pgstore"
	"github.com/partnerops/partnerops/internal/pgtest"
	"github.com/stretchr/testify/require"
)

// newStore opens a store in a fresh schema.
func newStore(t *testing.T) *pgstore.Store {
	t.Helper()
	_, u := pgtest.Schema(t)
	s, err := pgstore.Open(context.Background(), u)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestConformance(t *testing.T) {
	pgtest.BaseURL(t)
	ledgertest.Run(t, func(t *testing.T) ledger.Store { return newStore(t) })
}
