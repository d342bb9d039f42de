package main

import (
	"bytes"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive/ledger"
)

// TestRun runs the service end to end and checks its figures, worked out by
// hand from examples/programs/q4-growth.yaml: spiff 2% of new business
// (line cap 1,500), kicker max(500 for enterprise >= 50,000, 1% for
// platinum), marginal quarterly rebate 1% to 100,000, 2% to 250,000, 3%
// above; deal cap 2,500; partner cap 25,000 a quarter; budget 250,000.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-dir", "../programs"}, &out))
	got := out.String()
	lines := strings.Split(got, "\n")

	// The bad program: both errors, with their positions.
	assert.Contains(t, lines, `bad program: broken.yaml:12:5: missing required key "type"`)
	assert.Contains(t, lines, `bad program: broken.yaml:13:5: unknown key "ammount"; did you mean "amount"?`)

	// Inline: 12,000.00 new business, gold: spiff 240.00 + rebate 120.00 = 360.00,
	// the same without the trace, which is empty.
	assert.Contains(t, lines, "inline: OPP-1 360.00 USD (no trace: 360.00 USD, 0 steps)")
	assert.Contains(t, lines, "inline EUR: EvalError true, no rate true")

	// Run A: A-1 360.00 (as above); A-2 platinum 60,000.00 enterprise: spiff
	// 1,200.00 + kicker max(500.00, 600.00) = 600.00 + rebate 600.00 = 2,400.00.
	// Budget used 360.00 + 2,400.00 = 2,760.00.
	assert.Contains(t, lines, "run A: budget used 2760.00")
	// Run B from P-100's 12,000.00 and 360.00: B-1 upsell 95,000.00 takes the
	// quarter to 107,000.00: 88,000.00 x 1% + 7,000.00 x 2% = 880.00 + 140.00
	// = 1,020.00; B-2 bronze is not eligible. 2,760.00 + 1,020.00 = 3,780.00.
	assert.Contains(t, lines, "run B: budget used 3780.00")
	assert.Contains(t, lines, "Budget used 3,780.00")
	// P-100 360.00 + 1,020.00 = 1,380.00 (spiff 240.00, rebate 1,140.00).
	assert.Contains(t, lines, "P-100                 2        2       1,380.00           0.00           0.00           0.00           0.00       1,380.00           0.00")
	assert.Contains(t, lines, "  type rebate                          1,140.00")
	assert.Contains(t, lines, "P-200                 1        1       2,400.00           0.00           0.00           0.00           0.00       2,400.00           0.00")
	assert.Contains(t, lines, "P-300                 1        0           0.00           0.00           0.00           0.00           0.00           0.00           0.00")
	assert.Contains(t, lines, "total                 4        3       3,780.00           0.00           0.00           0.00           0.00       3,780.00           0.00")
	// B-1 explained alone from the partner's totals before it.
	assert.Contains(t, got, "partner period total 12,000.00 -> 107,000.00")
	assert.Contains(t, got, "88,000.00 x 1% + 7,000.00 x 2% = 1,020.00")
	assert.Contains(t, lines, "  total 1,020.00 USD to partner")

	// The ledger: accepted and approved; the duplicate refused.
	assert.Contains(t, lines, "claim A-1 360.00 USD payable")
	assert.Contains(t, lines, "claim A-2 2400.00 USD payable")
	assert.Contains(t, lines, "duplicate: true")
	// P-100 is paid; P-200's W-9 ended 2026-11-30, the day before the run.
	assert.Contains(t, lines, "pay P-100 360.00 USD")
	assert.Contains(t, lines, "blocked P-200 2400.00 USD: partner P-200 cannot be paid on 2026-12-01: tax form W-9 (P-200-w9) expired on 2026-11-30")
	assert.Contains(t, lines, "notice payment_blocked P-200 2400.00 USD")
	// 100.00 of A-1's 360.00 is clawed back after payment, withheld from
	// P-100's next payouts, split 2:1 as the lines paid (240.00 : 120.00):
	// 66.666.. and 33.333.. -> 66.67 spiff, 33.33 rebate.
	assert.Contains(t, lines, "clawed back A-1: clawed_back, 100.00 USD of 360.00 USD")
	assert.Contains(t, lines, "ledger P-100 paid 360.00 USD clawed back 100.00 USD withheld -100.00 USD payable 0.00 USD balance -100.00 USD")
	assert.Contains(t, lines, "  type spiff approved 240.00 USD clawed back 66.67 USD")
	assert.Contains(t, lines, "  type rebate approved 120.00 USD clawed back 33.33 USD")
	assert.Contains(t, lines, "ledger P-200 paid 0.00 USD clawed back 0.00 USD withheld 0.00 USD payable 2400.00 USD balance 2400.00 USD")
	assert.Contains(t, lines, "verified 8 entries")

	// The plan, on 2026-11-12: the agreement was due 2026-11-09 (start + 7):
	// 3 days overdue; training (due 2026-11-23) waits on it.
	assert.Contains(t, lines, "milestone agreement overdue (overdue 3 days)")
	assert.Contains(t, lines, "milestone training at_risk (dependency agreement projected late)")
	assert.Contains(t, lines, "plan overdue")
}

// TestRunTwiceOnOneLedgerFile runs the service twice on the same SQLite
// file, as a restarted service does. The second run's Submit of A-1 uses
// the same idempotency key, so it gets the first run's outcome back (the
// claim, pending approval then) and records nothing; approving it again
// fails, as the claim has since been paid and clawed back. No record ID
// clashes with the first run's (see randomID).
func TestRunTwiceOnOneLedgerFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "partnerops.db")
	require.NoError(t, run(t.Context(), []string{"-dir", "../programs", "-db", db}, &bytes.Buffer{}))
	err := run(t.Context(), []string{"-dir", "../programs", "-db", db}, &bytes.Buffer{})
	require.ErrorIs(t, err, ledger.ErrIllegalTransition)
	assert.Contains(t, err.Error(), "cannot go from clawed_back to approved")
}

func TestRunReportsAMissingFolder(t *testing.T) {
	err := run(t.Context(), []string{"-dir", "no-such-folder"}, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no-such-folder")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
