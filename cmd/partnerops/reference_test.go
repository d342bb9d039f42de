package main

import (
	"io"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSampleDataAgainstReference runs every sample deal through the
// command's own path (decode, sort, incentive.Run) and through growthref,
// the example program written by hand in Go, and compares each deal's
// eligibility and total. It catches a mistake in the sorting or the
// batching that a statement total could hide.
func TestSampleDataAgainstReference(t *testing.T) {
	chdirRoot(t)
	o := &runOptions{cmd: "run", workers: 3}
	b, code := o.prepare([]string{example, deals}, io.Discard)
	require.NotNil(t, b)
	require.Equal(t, exitOK, code)
	require.Len(t, b.inputs, 32)

	ref := growthref.NewState()
	n := 0
	code = o.each(t.Context(), b, io.Discard, func(in *incentive.Input, r *incentive.Result) bool {
		n++
		seg, _ := in.Deal.Fields["segment"].(string)
		want := ref.Next(&growthref.Deal{
			ID: in.Deal.ID, PartnerID: in.Deal.PartnerID, Amount: in.Deal.Amount.Amount(),
			Type: string(in.Deal.Type), Registered: in.Deal.Registered(), Segment: seg,
			Tier: string(in.Partner.Tier), CloseDate: in.Deal.CloseDate,
		})
		assert.Equal(t, want.Eligible, r.Eligible, in.Deal.ID)
		assert.True(t, want.Total.Equal(r.Total.Amount()), "%s: reference %s, engine %s", in.Deal.ID, want.Total, r.Total)
		return true
	})
	require.Equal(t, exitOK, code)
	assert.Equal(t, 32, n)
}

// TestSortDeals: close time first, then deal id, whatever the file order.
func TestSortDeals(t *testing.T) {
	chdirRoot(t)
	o := &runOptions{cmd: "run"}
	b, _ := o.prepare([]string{example, deals}, io.Discard)
	require.NotNil(t, b)
	var ids []string
	for _, in := range b.inputs {
		ids = append(ids, in.Deal.ID)
	}
	// The first deals by close date (the file lists them by partner):
	// GLX-7001 09-28, EVG-5001 10-02, ACME-1001 10-06, FJD-6001 10-07.
	assert.Equal(t, []string{"GLX-7001", "EVG-5001", "ACME-1001", "FJD-6001"}, ids[:4])
	// GLX-7003 closed at 2027-01-01T03:30Z, the latest instant of all.
	assert.Equal(t, "GLX-7003", ids[len(ids)-1])
}
