package incentive_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
)

// A result kept without its explanation (EvaluateNoTrace, or read back from
// JSON) is explained on demand by Recheck exactly as Evaluate would have
// explained it, and a deal whose input or as-of date changed since is
// refused, naming what differs.
func TestRecheckExplainsStoredResults(t *testing.T) {
	ctx := context.Background()
	e, err := incentive.NewEvaluator(growthref.Program())
	require.NoError(t, err)
	asOf := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	n := 0
	for in, err := range growthref.Inputs(growthref.Generate(200, 20)) {
		require.NoError(t, err)
		n++
		stored, err := e.EvaluateNoTrace(ctx, in, asOf)
		require.NoError(t, err)
		require.Empty(t, stored.Trace)
		want, err := e.Evaluate(ctx, in, asOf)
		require.NoError(t, err)

		got, err := e.Recheck(ctx, in, asOf, stored)
		require.NoError(t, err, in.Deal.ID)
		assert.Equal(t, want.Explain(), got.Explain(), in.Deal.ID)

		// A stored result read back from JSON rechecks too.
		b, err := json.Marshal(stored)
		require.NoError(t, err)
		var back incentive.Result
		require.NoError(t, json.Unmarshal(b, &back))
		got, err = e.Recheck(ctx, in, asOf, &back)
		require.NoError(t, err, in.Deal.ID)
		assert.Equal(t, want.Explain(), got.Explain(), in.Deal.ID)
	}
	require.Equal(t, 200, n)
}

func TestRecheckRefusesAChangedDeal(t *testing.T) {
	ctx := context.Background()
	e, err := incentive.NewEvaluator(growthref.Program())
	require.NoError(t, err)
	asOf := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	var in incentive.Input
	var stored *incentive.Result
	for x, err := range growthref.Inputs(growthref.Generate(200, 20)) {
		require.NoError(t, err)
		r, err := e.EvaluateNoTrace(ctx, x, asOf)
		require.NoError(t, err)
		if r.Eligible && r.Total.Sign() > 0 {
			in, stored = x, r
			break
		}
	}
	require.NotNil(t, stored, "the generator gives an eligible deal that earns")

	// The deal's amount doubled since: its total moves.
	changed := in
	changed.Deal.Amount, err = changed.Deal.Amount.Add(changed.Deal.Amount)
	require.NoError(t, err)
	_, err = e.Recheck(ctx, changed, asOf, stored)
	require.ErrorIs(t, err, incentive.ErrOutcomeDiffers)
	assert.Contains(t, err.Error(), "deal "+in.Deal.ID+": the total was ")

	// The partner is another one since: the deal's partner differs.
	other := in
	other.Deal.PartnerID, other.Partner.ID = "P-OTHER", "P-OTHER"
	_, err = e.Recheck(ctx, other, asOf, stored)
	require.ErrorIs(t, err, incentive.ErrOutcomeDiffers)
	assert.Contains(t, err.Error(), "the partner was "+in.Deal.PartnerID+", now P-OTHER")

	// A stored result with one line's amount altered (a database edited
	// by hand) is refused, naming the line.
	edited := *stored
	edited.Lines = append([]incentive.Line(nil), stored.Lines...)
	edited.Lines[0].Amount, err = edited.Lines[0].Amount.Add(edited.Lines[0].Amount)
	require.NoError(t, err)
	_, err = e.Recheck(ctx, in, asOf, &edited)
	require.ErrorIs(t, err, incentive.ErrOutcomeDiffers)
	assert.Contains(t, err.Error(), "line "+stored.Lines[0].Earning+": amount was")

	_, err = e.Recheck(ctx, in, asOf, nil)
	require.ErrorIs(t, err, incentive.ErrNilResult)
}
