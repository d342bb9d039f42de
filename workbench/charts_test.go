package workbench

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files under testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), string(got), "open %s in a browser to look at it", path)
}

func loadFile(t *testing.T, path string) *rules.Set {
	t.Helper()
	set, err := rules.Load(os.DirFS(filepath.Dir(path)), filepath.Base(path))
	require.NoError(t, err)
	return set
}

func TestPayoutCurve(t *testing.T) {
	ctx := context.Background()
	set := loadFile(t, "testdata/retro.yaml")
	p := set.Programs()[0]
	tmpl, err := TemplateDeal(ctx, p, set.Tests())
	require.NoError(t, err)
	assert.Equal(t, "D-1", tmpl.Deal.ID)
	c, err := PayoutCurve(ctx, p, tmpl, CurveOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"rebate", "tiered"}, c.Earnings)
	at := func(x string) CurvePoint {
		for _, pt := range c.Points {
			if pt.Basis.Equal(dec(x)) {
				return pt
			}
		}
		t.Fatalf("no point at %s", x)
		return CurvePoint{}
	}
	cases := []struct{ x, retro, marginal string }{
		{"0", "0", "0"},
		// 9,999.99 x 1% = 99.9999 -> 100.00 (half_up); marginal the same.
		{"9999.99", "100", "100"},
		// At the bound the whole 10,000 pays 3%: 300.00, a cliff of 200.
		// Marginal: 10,000 x 1% = 100.00.
		{"10000", "300", "100"},
		// 24,999.99 x 3% = 749.9997 -> 750.00; marginal 100 + 14,999.99 x 3%
		// = 100 + 449.9997 = 549.9997 -> 550.00.
		{"24999.99", "750", "550"},
		// 25,000 x 5% = 1,250.00; marginal 100 + 450 = 550.00.
		{"25000", "1250", "550"},
		// The curve ends at 1.5 x 25,000 = 37,500: 1,875.00; marginal 550 +
		// 12,500 x 5% = 1,175.00.
		{"37500", "1875", "1175"},
	}
	for _, cc := range cases {
		pt := at(cc.x)
		assert.Equal(t, cc.retro, pt.Lines[0].String(), "retroactive at %s", cc.x)
		assert.Equal(t, cc.marginal, pt.Lines[1].String(), "marginal at %s", cc.x)
		assert.True(t, pt.Total.Equal(pt.Lines[0].Add(pt.Lines[1])), "total at %s", cc.x)
	}
	assert.Len(t, c.Points, 201+4, "200 even steps plus each bound and a cent below it")
	golden(t, "curve_retro", c.SVG())

	one, err := PayoutCurve(ctx, p, tmpl, CurveOptions{Earning: "tiered", Max: dec("30000"), Samples: 3})
	require.NoError(t, err)
	// 0, 10,000, 20,000, 30,000 and 9,999.99, 24,999.99, 25,000.
	assert.Len(t, one.Points, 7)
	_, err = PayoutCurve(ctx, p, tmpl, CurveOptions{Earning: "nope"})
	assert.ErrorContains(t, err, `no earning "nope"`)

	// A deal no amount makes eligible cannot draw a curve.
	ex := loadFile(t, "../examples/programs/q4-growth.yaml")
	bronze := tmpl
	bronze.Partner.Tier = "bronze"
	bronze.Deal.Fields = map[string]any{"segment": "smb"}
	_, err = PayoutCurve(ctx, ex.Programs()[0], bronze, CurveOptions{Samples: 4})
	assert.ErrorIs(t, err, ErrNoTemplate)
}

func TestChartsGolden(t *testing.T) {
	ctx := context.Background()
	set := loadFile(t, "../examples/programs/q4-growth.yaml")
	p := set.Programs()[0]
	src, err := os.ReadFile("../examples/data/deals.yaml")
	require.NoError(t, err)
	deals, err := rules.DecodeDeals("deals.yaml", src, p)
	require.NoError(t, err)
	sortInputs(deals)

	cost, err := CostChart(ctx, p, deals, incentive.RunOptions{})
	require.NoError(t, err)
	golden(t, "cost", cost)

	sb, err := incentive.NewStatement(p, nil)
	require.NoError(t, err)
	for r, err := range incentive.Run(ctx, p, sliceSeq(deals), incentive.RunOptions{}) {
		require.NoError(t, err)
		require.NoError(t, sb.Add(r))
	}
	golden(t, "payouts", PayoutsChart(sb.Statement()))

	v2src, err := rulesSource()
	require.NoError(t, err)
	d, err := Compare(ctx, p, compile(t, v2src), sliceSeq(deals), DiffOptions{})
	require.NoError(t, err)
	w1, w2 := d.WaterfallSVG(), d.WaterfallSVG()
	assert.Equal(t, w1, w2)
	golden(t, "waterfall", w1)

	exSrc, err := os.ReadFile("../examples/programs/q4-growth.yaml")
	require.NoError(t, err)
	s, err := SweepNumber(ctx, deals, SweepOptions{Name: "q4-growth.yaml", Source: exSrc, Path: "caps.per_deal", From: dec("1500"), To: dec("3500"), Step: dec("500")})
	require.NoError(t, err)
	golden(t, "sweep", s.SVG())
}
