package ledgertest

import "testing"

// RunService runs the ledger service's scenarios on stores from newStore.
func RunService(t *testing.T, newStore NewStore) {
}
