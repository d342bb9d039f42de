package main

import (
	"io"
	"os"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSampleDataAgainstReference runs every sample deal through the
// command's own path (decode, check, sort, incentive.Run) and through
// growthref, the example program written by hand in Go, and compares each
// deal's eligibility and total. It catches a mistake in the sorting or the
// batching that a statement total could hide.
func TestSampleDataAgainstReference(t *testing.T) {
	chdirRoot(t)
	o := &runOptions{cmd: "run", workers: 3, onError: "continue", extraColumns: "error", sortLimit: defaultSortLimit, output: "text", checkIDs: true}
	s, code := o.prepare([]string{example, deals}, io.Discard)
	require.NotNil(t, s)
	require.Equal(t, exitOK, code)
	byID := decodeExample(t, s.program)

	ref := growthref.NewState()
	var order []string
	s.each(t.Context(), func(r *incentive.Result) bool {
		order = append(order, r.DealID)
		in := byID[r.DealID]
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
	require.Equal(t, exitOK, s.summary())
	require.Len(t, order, 32)
	// Run order is close time, then deal id. The first deals by close date
	// (the file lists them by partner): GLX-7001 09-28, EVG-5001 10-02,
	// ACME-1001 10-06, FJD-6001 10-07; GLX-7003 closed at
	// 2027-01-01T03:30Z, the latest instant of all.
	assert.Equal(t, []string{"GLX-7001", "EVG-5001", "ACME-1001", "FJD-6001"}, order[:4])
	assert.Equal(t, "GLX-7003", order[len(order)-1])
}

func decodeExample(t *testing.T, p *incentive.Program) map[string]incentive.Input {
	t.Helper()
	src, err := os.ReadFile(deals)
	require.NoError(t, err)
	ins, err := rules.DecodeDeals(deals, src, p)
	require.NoError(t, err)
	byID := map[string]incentive.Input{}
	for _, in := range ins {
		byID[in.Deal.ID] = in
	}
	return byID
}
