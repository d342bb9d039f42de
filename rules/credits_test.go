package rules

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A `deals:` test with credit notes that name their deals, and one that
// names none, under a partner cap; every amount hand-computed.
const creditsProgram = `apiVersion: partnerops/v1
kind: Program
id: credits
name: Credits
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
allow_negative: true
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02}
caps:
  per_deal: 2500
  per_partner: {limit: 3000, period: quarter}
tests:
  - name: linked and unlinked credits
    deals:
      # 2% of 200,000 = 4,000, cut to 2,500 by the deal cap.
      - {id: D-1, partner_id: P-1, amount: "200000", close_date: 2026-01-05}
      # D-1's net 100,000 earns 2,000: 2,500 - 2,000 = 500 back.
      - {id: C-1, partner_id: P-1, amount: "-100000", close_date: 2026-01-06, credits: D-1}
      # 2% of 50,000 = 1,000; the partner cap has 3,000 - 2,000 = 1,000 room.
      - {id: D-2, partner_id: P-1, amount: "50000", close_date: 2026-01-07}
      # Names no deal: unearns 2% of 10,000 = 200; the partner holds 3,000,
      # and its entitlement 3,000 -> 2,800 gives back 200 under the cap.
      - {id: C-2, partner_id: P-1, amount: "-10000", close_date: 2026-01-08}
      # D-2's net 0 earns nothing: its 1,000 back.
      - {id: C-3, partner_id: P-1, amount: "-50000", close_date: 2026-01-09, credits: D-2}
    # 2,500 - 500 + 1,000 - 200 - 1,000 = 1,800
    expect:
      total: "1800.00"
      deals:
        D-1: {total: "2500.00"}
        C-1: {total: "-500.00"}
        D-2: {total: "1000.00"}
        C-2: {total: "-200.00"}
        C-3: {total: "-1000.00"}
`

func TestCreditsInTests(t *testing.T) {
	f := mustCompile(t, "credits.yaml", []byte(creditsProgram))
	rep := (&Set{Files: []*File{f}}).RunTests(context.Background(), TestOptions{})
	require.Len(t, rep.Results, 1)
	r := rep.Results[0]
	require.NoError(t, r.Err)
	assert.Empty(t, r.Diffs)
	assert.Equal(t, "D-1", r.Test.Inputs[1].Deal.Credits)
	assert.Empty(t, r.Test.Inputs[3].Deal.Credits)
}

func TestDecodeDealsCredits(t *testing.T) {
	p := mustCompile(t, "credits.yaml", []byte(creditsProgram)).Programs[0]
	ins, err := DecodeDeals("deals.yaml", []byte(`- {id: D-1, partner_id: P-1, amount: "100", close_date: 2026-01-05}
- {id: C-1, partner_id: P-1, amount: "-40", close_date: 2026-01-06, credits: D-1}
`), p)
	require.NoError(t, err)
	assert.Equal(t, "", ins[0].Deal.Credits)
	assert.Equal(t, "D-1", ins[1].Deal.Credits)

	_, err = DecodeDeals("deals.yaml", []byte(`- {id: C-1, partner_id: P-1, amount: "40", close_date: 2026-01-06, credits: D-1}
- {id: C-2, partner_id: P-1, amount: "-40", close_date: 2026-01-06, credits: C-2}
`), p)
	var list ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 2)
	assert.Equal(t, "deals.yaml:1:77: [0].credits: a credit note's amount must be negative, got 40", fmt.Sprintf("%s:%d:%d: %s: %s", list[0].File, list[0].Line, list[0].Col, list[0].Path, list[0].Msg))
	assert.Equal(t, `deal "C-2" credits itself; name the earlier deal it credits`, list[1].Msg)
}
