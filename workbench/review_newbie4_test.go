package workbench_test

// Tests from reviewer newbie4 (a Go developer embedding the library from its
// documentation): each failed before the fix committed with it.

import (
	"context"
	"os"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/partnerops/partnerops/workbench"
)

// newbie4Q4 is the example program and its 32 sample deals, sorted.
func newbie4Q4(t *testing.T) (*incentive.Program, []incentive.Input) {
	set, err := rules.Load(os.DirFS("../examples/programs"), "q4-growth.yaml")
	require.NoError(t, err)
	p := set.Program("q4-2026-partner-growth")
	src, err := os.ReadFile("../examples/data/deals.yaml")
	require.NoError(t, err)
	deals, err := rules.DecodeDeals("deals.yaml", src, p)
	require.NoError(t, err)
	incentive.SortInputs(deals)
	return p, deals
}

// RunStatement says it returns the statement "as 'partnerops run' builds
// it", and that statement carries the budget used (what the next run of a
// chain starts from); RunStatement left Statement.BudgetUsed nil.
func TestReviewNewbie4RunStatementSetsBudgetUsed(t *testing.T) {
	p, deals := newbie4Q4(t)
	st, err := workbench.RunStatement(context.Background(), p, deals, incentive.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, st.BudgetUsed)
	// The sample deals pay 38,937.01 under the 250,000 budget
	// (cmd/partnerops/testdata/README.md works it out deal by deal).
	assert.Equal(t, "38937.01", st.BudgetUsed.Amount().StringFixed(2))
	assert.Equal(t, st.Earned.Amount().StringFixed(2), st.BudgetUsed.Amount().StringFixed(2))

	// Chained: 1,000.00 paid before + 38,937.01 = 39,937.01.
	st, err = workbench.RunStatement(context.Background(), p, deals, incentive.RunOptions{BudgetUsed: decimal.RequireFromString("1000")})
	require.NoError(t, err)
	require.NotNil(t, st.BudgetUsed)
	assert.Equal(t, "39937.01", st.BudgetUsed.Amount().StringFixed(2))
}

// A nil deals iterator (a zero value) made Compare panic on the goroutine
// that reads the deals, which no recover in the caller can catch: the
// whole service died. Nil is no deals.
func TestReviewNewbie4CompareNilDealsIsNoDeals(t *testing.T) {
	p, _ := newbie4Q4(t)
	d, err := workbench.Compare(context.Background(), p, p, nil, workbench.DiffOptions{Workers: 2})
	require.NoError(t, err)
	assert.Zero(t, d.Deals)
	assert.Zero(t, d.Changed)
	assert.True(t, d.Earned.Old.IsZero())
	assert.True(t, d.Earned.New.IsZero())
}
