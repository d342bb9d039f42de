package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run as of a day before some deals close says so: the statement counts
// them as if closed, where the ledger claims a deal only once it has
// closed. Of the example's deals, BRI-2006 (2026-12-17), FJD-6004
// (12-20), ACME-1011 (12-21) and GLX-7003 (12-31) close after 2026-12-15.
func TestRunWarnsOfDealsNotYetClosed(t *testing.T) {
	chdirRoot(t)
	_, errs, code := invoke("run", "-as-of", "2026-12-15", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "partnerops run: warning: 4 deals close after the as-of day 2026-12-15 (")
	assert.Contains(t, errs, "among them): counted as if closed; the ledger claims a deal only once it has closed")
	_, errs, code = invoke("run", "-as-of", "2026-12-30", example, deals)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "1 deal closes after the as-of day 2026-12-30 (GLX-7003 on 2026-12-31): counted as if closed")
	for _, asOf := range []string{"2026-12-31", ""} {
		args := []string{"run", example, deals}
		if asOf != "" {
			args = []string{"run", "-as-of", asOf, example, deals}
		}
		_, errs, code = invoke(args...)
		require.Equal(t, exitOK, code, errs)
		assert.NotContains(t, errs, "after the as-of day", asOf)
	}
}
