package memstore_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/memstore"
)

func TestConformance(t *testing.T) {
	ledgertest.Run(t, func(t *testing.T) ledger.Store { return memstore.New() })
}

func TestZeroValue(t *testing.T) {
	ledgertest.RunStore(t, func(t *testing.T) ledger.Store { return &memstore.Store{} })
}
