package workbench

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compile compiles a one-program YAML source.
func compile(t testing.TB, src string) *incentive.Program {
	t.Helper()
	f, err := rules.Compile("test.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Programs, 1)
	return f.Programs[0]
}

// decode reads deals for p.
func decode(t testing.TB, p *incentive.Program, src string) []incentive.Input {
	t.Helper()
	in, err := rules.DecodeDeals("deals.yaml", []byte(src), p)
	require.NoError(t, err)
	return in
}

func seqOf(in []incentive.Input) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		for _, x := range in {
			if !yield(x, nil) {
				return
			}
		}
	}
}

const groupOld = `
apiVersion: partnerops/v1
kind: Program
id: kick
name: Kicker
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
earnings:
  - {id: flat, type: bonus, group: kick, amount: 500}
  - {id: pct, type: bonus, group: kick, amount: deal.amount * 0.01}
groups:
  - {id: kick, pick: highest}
`

func TestCompareGroupAndLimit(t *testing.T) {
	oldP := compile(t, groupOld)
	newP := compile(t, bytesReplace(groupOld, "version: 1", "version: 2", "amount: 500", "amount: 300"))
	// D1 40,000: old flat 500 vs pct 400 -> flat 500; new flat 300 vs pct
	// 400 -> pct 400: -100, the group picks pct.
	// D2 10,000: old 500 vs 100 -> 500; new 300 vs 100 -> 300: -200.
	// D3 80,000: pct 800 under both: unchanged.
	deals := decode(t, oldP, `
- {id: D1, partner_id: P, amount: "40000", close_date: 2026-02-01}
- {id: D2, partner_id: Q, amount: "10000", close_date: 2026-02-02}
- {id: D3, partner_id: P, amount: "80000", close_date: 2026-02-03}
`)
	d, err := Compare(context.Background(), oldP, newP, seqOf(deals), DiffOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, d.Deals)
	assert.Equal(t, 2, d.Changed)
	// old 500 + 500 + 800 = 1,800; new 400 + 300 + 800 = 1,500
	assert.Equal(t, "1800", d.Earned.Old.String())
	assert.Equal(t, "1500", d.Earned.New.String())
	assert.Equal(t, "-300", d.Earned.Delta.String())
	assert.Equal(t, 0, d.Gainers)
	assert.Equal(t, 2, d.Losers)
	require.Len(t, d.DealChanges, 2)
	assert.Equal(t, "D2", d.DealChanges[0].Deal) // -200 before -100
	assert.Equal(t, []Reason{{ReasonAmount, "flat", "before caps 500.00 -> 300.00"}}, d.DealChanges[0].Reasons)
	assert.Equal(t, "D1", d.DealChanges[1].Deal)
	assert.Equal(t, []Reason{{ReasonGroup, "pct", `group "kick" now picks it (400.00) over "flat" (500.00)`}}, d.DealChanges[1].Reasons)
	assert.Equal(t, []ReasonCount{{ReasonGroup, 1}, {ReasonAmount, 1}}, d.Reasons)
	// By earning: flat 1,000 -> 300 (-700), pct 800 -> 1,200 (+400).
	assert.Equal(t, []string{"flat", "pct"}, keys(d.Earnings))
	assert.Equal(t, "-700", d.Earnings[0].Amounts.Delta.String())
	assert.Equal(t, "400", d.Earnings[1].Amounts.Delta.String())

	// With a limit of one deal, the largest change is kept and all are counted.
	d1, err := Compare(context.Background(), oldP, newP, seqOf(deals), DiffOptions{Deals: 1})
	require.NoError(t, err)
	assert.Equal(t, 2, d1.Changed)
	require.Len(t, d1.DealChanges, 1)
	assert.Equal(t, "D2", d1.DealChanges[0].Deal)
	assert.Equal(t, d.Reasons, d1.Reasons, "reason counts cover every changed deal")
}

func keys(l []KeyDiff) []string {
	var out []string
	for _, k := range l {
		out = append(out, k.Key)
	}
	return out
}

func bytesReplace(s string, pairs ...string) string {
	b := []byte(s)
	for i := 0; i < len(pairs); i += 2 {
		b = bytes.Replace(b, []byte(pairs[i]), []byte(pairs[i+1]), 1)
	}
	return string(b)
}

const fieldsNew = `
apiVersion: partnerops/v1
kind: Program
id: kick
name: Kicker
version: 2
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31, timezone: UTC}
fields: {segment: string}
earnings:
  - {id: flat, type: bonus, when: deal.segment == "smb", amount: 100}
`

// A field only the new version declares reaches the new version only; a
// deal that fails under one version is listed and counted nowhere else.
func TestCompareFieldsAndErrors(t *testing.T) {
	oldP := compile(t, bytesReplace(fieldsNew, "version: 2", "version: 1", "fields: {segment: string}\n", "", `when: deal.segment == "smb", `, ""))
	newP := compile(t, fieldsNew)
	deals := decode(t, newP, `
- {id: D1, partner_id: P, amount: "1000", close_date: 2026-02-01, segment: smb}
- {id: D2, partner_id: P, amount: "1000", close_date: 2026-02-02, segment: enterprise}
`)
	// D3 lacks the new version's required field: it fails there only.
	deals = append(deals, incentive.Input{Deal: incentive.Deal{ID: "D3", PartnerID: "P",
		CloseDate: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC), Amount: incentive.MustParseMoney("1000", "USD")}})
	d, err := Compare(context.Background(), oldP, newP, seqOf(deals), DiffOptions{})
	require.NoError(t, err)
	// old: 100 x 3 = 300; new: D1 100, D2 not applying, D3 failed: 100.
	assert.Equal(t, "300", d.Earned.Old.String())
	assert.Equal(t, "100", d.Earned.New.String())
	require.Len(t, d.Errors, 1)
	assert.Equal(t, "D3", d.Errors[0].Deal)
	assert.Empty(t, d.Errors[0].Old)
	assert.Contains(t, d.Errors[0].New, `missing custom field "segment"`)
	require.Len(t, d.DealChanges, 1)
	assert.Equal(t, []Reason{{ReasonEarning, "flat", "no longer pays (paid 100.00)"}}, d.DealChanges[0].Reasons)
}

func TestCompareErrors(t *testing.T) {
	oldP := compile(t, groupOld)
	eur := compile(t, bytesReplace(groupOld, "currency: USD", "currency: EUR"))
	ctx := context.Background()
	_, err := Compare(ctx, nil, oldP, seqOf(nil), DiffOptions{})
	assert.ErrorIs(t, err, ErrNoProgram)
	_, err = Compare(ctx, oldP, eur, seqOf(nil), DiffOptions{})
	assert.ErrorIs(t, err, incentive.ErrCurrencyMismatch)

	deals := decode(t, oldP, `
- {id: D2, partner_id: P, amount: "40000", close_date: 2026-02-02}
- {id: D1, partner_id: P, amount: "40000", close_date: 2026-02-01}
`)
	_, err = Compare(ctx, oldP, oldP, seqOf(deals), DiffOptions{})
	assert.ErrorIs(t, err, incentive.ErrOutOfOrder)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Compare(cctx, oldP, oldP, seqOf(deals[:1]), DiffOptions{})
	assert.ErrorIs(t, err, context.Canceled)

}

// Each reason kind has its own bit, so counts never mix.
func TestReasonKinds(t *testing.T) {
	seen := map[uint8]ReasonKind{}
	for _, k := range ReasonKinds() {
		b := k.bit()
		assert.NotZero(t, b, k)
		assert.Empty(t, seen[b], "%s shares a bit with %s", k, seen[b])
		seen[b] = k
	}
	assert.Len(t, seen, 7)
}

// Each version's totals in a diff are those of its own run and statement,
// whatever the number of workers, over enough deals to fill many chunks.
func TestCompareMatchesRuns(t *testing.T) {
	oldP := growthref.Program()
	src, err := rulesSource()
	require.NoError(t, err)
	newP := compile(t, src)
	n := 5000
	if testing.Short() {
		n = 1000
	}
	deals := slices.Collect(growthref.Generate(n, 40))
	inputs := growthref.Inputs(slices.Values(deals))
	var prev []byte
	for _, workers := range []int{1, 3} {
		d, err := Compare(context.Background(), oldP, newP, inputs, DiffOptions{Workers: workers, Deals: 10})
		require.NoError(t, err)
		assert.Equal(t, n, d.Deals)
		for i, p := range []*incentive.Program{oldP, newP} {
			sb, err := incentive.NewStatement(p, nil)
			require.NoError(t, err)
			for r, err := range incentive.Run(context.Background(), p, inputs, incentive.RunOptions{}) {
				require.NoError(t, err)
				require.NoError(t, sb.Add(r))
			}
			want := sb.Statement().Earned.Amount()
			got := d.Earned.Old
			if i == 1 {
				got = d.Earned.New
			}
			assert.True(t, want.Equal(got), "version %d: run %s, diff %s", i+1, want, got)
		}
		assert.Greater(t, d.Changed, 0)
		js, err := json.Marshal(d)
		require.NoError(t, err)
		if prev != nil {
			assert.Equal(t, string(prev), string(js), "the diff does not depend on the number of workers")
		}
		prev = js
	}
}

// rulesSource is version 2 of the example program (cmd/partnerops tests
// use it too): a higher silver rebate rate and higher caps.
func rulesSource() (string, error) {
	b, err := os.ReadFile("../examples/workbench/q4-growth-v2.yaml")
	return string(b), err
}

func TestDealsProgram(t *testing.T) {
	oldP := compile(t, bytesReplace(fieldsNew, "version: 2", "version: 1", "fields: {segment: string}", "fields: {segment: string, region: string, size: int}", `when: deal.segment == "smb", `, ""))
	newP := compile(t, bytesReplace(fieldsNew, "fields: {segment: string}", "fields: {segment: {type: string, optional: true}, tier: string}"))
	r, err := DealsProgram(oldP, newP)
	require.NoError(t, err)
	got := map[string]bool{}
	for _, f := range r.Fields {
		got[f.Name+" "+string(f.Type)] = f.Optional
	}
	// The new version's fields as declared, the old version's own ones
	// optional, a field optional in either optional.
	assert.Equal(t, map[string]bool{"segment string": true, "tier string": false, "region string": true, "size int": true}, got)
	assert.Len(t, newP.Fields, 2, "the new version is not changed")

	clash := compile(t, bytesReplace(fieldsNew, "fields: {segment: string}", "fields: {segment: int}", `deal.segment == "smb"`, "deal.segment == 1"))
	_, err = DealsProgram(oldP, clash)
	assert.ErrorIs(t, err, incentive.ErrInvalidProgram)
	assert.ErrorContains(t, err, `custom field "segment" is string in the old version`)
	_, err = DealsProgram(nil, newP)
	assert.ErrorIs(t, err, ErrNoProgram)
}
