package incentive_test

// Tests from reviewer newbie4 (a Go developer embedding the library from its
// documentation): each failed before the fix committed with it.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
)

// Statement.BudgetUsed is documented as the figure the next run of a chain
// starts from, set by the caller; WriteText, finance's report, left it out,
// so a statement printed by a service showed no budget use at all.
func TestReviewNewbie4WriteTextShowsBudgetUsed(t *testing.T) {
	b, err := incentive.NewStatement(spiff(), nil)
	require.NoError(t, err)
	r, err := incentive.Evaluate(context.Background(), spiff(), dealOf("D-1", "12000.00", "gold", 3), time.Time{})
	require.NoError(t, err)
	require.NoError(t, b.Add(r))
	st := b.Statement()
	var text strings.Builder
	require.NoError(t, st.WriteText(&text))
	assert.NotContains(t, text.String(), "Budget used", "no budget figure given, none shown")

	// 1,000.00 paid by earlier runs + 240.00 (12,000.00 x 2%) = 1,240.00.
	used := incentive.MustParseMoney("1240.00", "USD")
	st.BudgetUsed = &used
	text.Reset()
	require.NoError(t, st.WriteText(&text))
	assert.Contains(t, text.String(), "\nBudget used 1,240.00\n")
}
