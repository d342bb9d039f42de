// Package ledgertest is the conformance suite for ledger.Store
// implementations. A store's test calls Run with a constructor of empty
// stores:
//
//	func TestConformance(t *testing.T) {
//		ledgertest.Run(t, func(t *testing.T) ledger.Store { return memstore.New() })
//	}
//
// Run checks the Store contract directly (atomic commits, idempotency keys,
// optimistic versions, dedupe keys, balance guards under concurrency, the
// hash chain on read-back, filters) and then runs the ledger service's
// scenarios on top of the store, so a store that passes behaves exactly like
// the memory store for every ledger operation.
package ledgertest

import (
	"testing"

	"github.com/partnerops/partnerops/incentive/ledger"
)

// NewStore returns a new, empty store for one test. Cleanup, if any, is
// registered with t.Cleanup.
type NewStore func(t *testing.T) ledger.Store

// Run runs the whole conformance suite as subtests of t.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Store", func(t *testing.T) { RunStore(t, newStore) })
	t.Run("Service", func(t *testing.T) { RunService(t, newStore) })
}
