package svgchart

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files")

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func pts(xy ...string) []Point {
	var out []Point
	for i := 0; i+1 < len(xy); i += 2 {
		out = append(out, Point{d(xy[i]), d(xy[i+1])})
	}
	return out
}

// golden compares an SVG with testdata/NAME.svg; open the files in a
// browser to look at them.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".svg")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create the golden file")
	assert.Equal(t, string(want), string(got))
}

func TestCharts(t *testing.T) {
	line := func() []byte {
		return (&LineChart{
			Title: "Retroactive & marginal <rates>", XLabel: "deal amount", YLabel: "payout",
			Series: []Series{
				{Name: "retroactive", Points: pts("0", "0", "9999.99", "99.9999", "10000", "300", "20000", "600")},
				{Name: "marginal", Dash: true, Points: pts("0", "0", "10000", "100", "20000", "400")},
			},
			Rules: []Rule{{Label: "cap 500", Y: d("500")}},
		}).SVG()
	}
	bars := func() []byte {
		return (&BarChart{Title: "Earned per partner", Bars: []Bar{{"P-1", d("2500")}, {"P-2", d("-120.5")}, {"P-3", d("0")}}}).SVG()
	}
	water := func() []byte {
		return (&Waterfall{Title: "v1 to v2", Steps: []Step{{"v1", d("1000"), true}, {"P-1", d("250"), false}, {"P-2", d("-400"), false}, {"v2", d("850"), true}}}).SVG()
	}
	for name, f := range map[string]func() []byte{"line": line, "bars": bars, "waterfall": water} {
		t.Run(name, func(t *testing.T) {
			a, b := f(), f()
			assert.Equal(t, a, b, "the same input gives the same bytes")
			s := string(a)
			assert.True(t, strings.HasPrefix(s, `<svg xmlns="http://www.w3.org/2000/svg"`))
			assert.NotContains(t, strings.Replace(s, `xmlns="http://www.w3.org/2000/svg"`, "", 1), "http", "no fonts or images are fetched")
			golden(t, name, a)
		})
	}
	// Text is escaped.
	assert.Contains(t, string(line()), "Retroactive &amp; marginal &lt;rates&gt;")
}

func TestScaleAndTicks(t *testing.T) {
	// 0..20,000 onto 72..696: 10,000 lands in the middle, (72 + 696) / 2 = 384.
	sc := scale{d("0"), d("20000"), d("72"), d("696")}
	assert.Equal(t, "384", n(sc.at(d("10000"))))
	// A y scale runs downwards: 0..500 onto 356..44; 100 is 356 - 312/5 = 293.6.
	sy := scale{d("0"), d("500"), d("356"), d("44")}
	assert.Equal(t, "293.6", n(sy.at(d("100"))))

	cases := []struct {
		lo, hi string
		n      int
		want   []string
	}{
		{"0", "37500", 6, []string{"0", "10000", "20000", "30000", "40000"}}, // 37500 / 6 = 6250 -> step 10,000
		{"0", "2500", 5, []string{"0", "500", "1000", "1500", "2000", "2500"}},
		{"0.01", "0.04", 6, []string{"0.01", "0.015", "0.02", "0.025", "0.03", "0.035", "0.04"}}, // 0.03 / 6 = 0.005
		{"-120.5", "2500", 5, []string{"-1000", "0", "1000", "2000", "3000"}},                    // 2620.5 / 5 = 524.1 -> 1,000
		{"7", "7", 5, []string{"7", "7.2", "7.4", "7.6", "7.8", "8"}},                            // an empty range widens by 1
	}
	for _, c := range cases {
		_, _, ts := ticks(d(c.lo), d(c.hi), c.n)
		var got []string
		for _, x := range ts {
			got = append(got, x.String())
		}
		assert.Equal(t, c.want, got, "%s..%s", c.lo, c.hi)
	}
	assert.Equal(t, "1,234,567.5", Group(d("1234567.5")))
	assert.Equal(t, "-1,000", Group(d("-1000")))
	assert.Equal(t, "1.5k", Compact(d("1500")))
	assert.Equal(t, "2.5M", Compact(d("2500000")))
	assert.Equal(t, "500", Compact(d("500")))
}
