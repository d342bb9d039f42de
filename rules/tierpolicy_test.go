package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTierPolicyErrorsGolden compiles every malformed tier policy under
// testdata/tierpolicy/errors and compares the rendered errors with its
// .golden file (go test ./rules -run TestTierPolicyErrorsGolden -update).
func TestTierPolicyErrorsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/tierpolicy/errors/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, err := Compile(name, src)
			require.Error(t, err)
			assert.Nil(t, f)
			var list ErrorList
			require.ErrorAs(t, err, &list)
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(path, ".yaml") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}

func compileTier(t *testing.T, src string) *TierPolicy {
	t.Helper()
	f, err := Compile("tiers.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.TierPolicies, 1)
	return f.TierPolicies[0]
}

func TestTierPolicyFileTestsPass(t *testing.T) {
	src, err := os.ReadFile("testdata/tierpolicy/reseller-tiers.yaml")
	require.NoError(t, err)
	f, err := Compile("reseller-tiers.yaml", src)
	require.NoError(t, err)
	require.Len(t, f.TierPolicies, 1)
	tp := f.TierPolicies[0]
	p := tp.Policy
	assert.Equal(t, "reseller-tiers", p.ID)
	assert.Equal(t, "Reseller tiers", p.Name)
	assert.Equal(t, 1, p.Version)
	assert.Equal(t, 90, p.GraceDays)
	assert.Equal(t, []partner.Type{partner.Reseller, partner.MSP}, p.Types)
	require.Len(t, p.Tiers, 3)
	assert.Equal(t, "metrics.revenue_12m >= 250000", p.Tiers[2].Criteria[0].Source)
	assert.NoError(t, p.Validate())
	require.Len(t, tp.Tests, 5)
	rep := (&Set{Files: []*File{f}}).RunTierTests(nil)
	for _, r := range rep.Results {
		assert.True(t, r.Passed(), "%s: %v %v", r.Test.Name, r.Err, r.Diffs)
	}
	assert.Equal(t, "ok: 5 tier policy tests passed\n", rep.Text(false))
}

const tierDoc = `apiVersion: partnerops/v1
kind: TierPolicy
id: t
grace: 30d
tiers:
  - tier: silver
  - tier: gold
    criteria:
      - name: revenue
        when: metrics.revenue_12m >= 250000
      - name: deal size
        when: metrics.revenue_12m / metrics.deals_closed >= 10000
`

func TestTierTestFailuresShowDiffs(t *testing.T) {
	tp := compileTier(t, tierDoc+`tests:
  - name: wrong on purpose
    on: 2026-06-01
    partner: {tier: silver}
    metrics: {revenue_12m: "200000", deals_closed: 10}
    expect: {action: promote, tier: gold, qualified: gold, grace_ends: 2026-07-01, met: [gold/revenue], missed: [gold/deal size]}
  - name: division by zero
    on: 2026-06-01
    partner: {tier: silver}
    metrics: {revenue_12m: "300000", deals_closed: 0}
    expect: {action: keep}
  - name: expected error
    on: 2026-06-01
    partner: {tier: silver}
    metrics: {revenue_12m: "300000", deals_closed: 0}
    expect: {error: division by zero}
`)
	rep := (&Set{Files: []*File{{TierPolicies: []*TierPolicy{tp}}}}).RunTierTests(nil)
	require.Len(t, rep.Results, 3)
	r := rep.Results[0]
	// 200000 / 10 = 20000 >= 10000: deal size is met; revenue 200000 < 250000 is missed.
	assert.Equal(t, []string{
		"action: want promote, got keep",
		"tier: want gold, got silver",
		"qualified: want gold, got silver",
		"grace_ends: want 2026-07-01, got none (not below the tier)",
		"met: want gold/revenue met, got missed (metrics.revenue_12m = 200000)",
		"missed: want gold/deal size missed, got met (metrics.deals_closed = 10, metrics.revenue_12m = 200000)",
	}, r.Diffs)
	require.Error(t, rep.Results[1].Err)
	assert.Contains(t, rep.Results[1].Err.Error(), "tiers.yaml:12:")
	assert.Contains(t, rep.Results[1].Err.Error(), "division by zero")
	assert.True(t, rep.Results[2].Passed(), "%v", rep.Results[2].Diffs)
	assert.Equal(t, 2, rep.Failed())
	text := rep.Text(false)
	assert.Contains(t, text, "FAIL tier policy t/wrong on purpose (tiers.yaml:14:5)\n    action: want promote, got keep\n")
	assert.NotContains(t, text, "PASS")
	assert.True(t, strings.HasSuffix(text, "FAIL: 2 of 3 tier policy tests failed\n"))
	assert.Contains(t, rep.Text(true), "PASS tier policy t/expected error")
}

func TestTierCriteriaReadPartnerAndCustomMetrics(t *testing.T) {
	tp := compileTier(t, `apiVersion: partnerops/v1
kind: TierPolicy
id: t
metrics: {pipeline: decimal, logos: int}
tiers:
  - tier: silver
  - tier: gold
    criteria:
      - name: emea pipeline
        when: partner.region == "emea" && metrics.pipeline >= 1000.50 && metrics.logos > 2
`)
	eval := func(region string, custom map[string]decimal.Decimal) (partner.Recommendation, error) {
		return tp.Policy.Evaluate(&partner.Partner{ID: "P", Tier: "silver", Region: region}, partner.TierMetrics{Custom: custom}, partner.MustDate("2026-01-01"))
	}
	rec, err := eval("emea", map[string]decimal.Decimal{"pipeline": decimal.RequireFromString("1000.50"), "logos": decimal.NewFromInt(3)})
	require.NoError(t, err)
	assert.Equal(t, partner.Promote, rec.Action)
	assert.Equal(t, []partner.Value{{Name: "metrics.logos", Text: "3"}, {Name: "metrics.pipeline", Text: "1000.5"}, {Name: "partner.region", Text: `"emea"`}},
		rec.Levels[1].Criteria[0].Values)
	rec, err = eval("na", map[string]decimal.Decimal{"pipeline": decimal.RequireFromString("5000"), "logos": decimal.NewFromInt(9)})
	require.NoError(t, err)
	assert.Equal(t, partner.Keep, rec.Action)

	_, err = eval("emea", map[string]decimal.Decimal{"pipeline": decimal.RequireFromString("5000")})
	assert.EqualError(t, err, `tier policy t, tier gold, criterion "emea pipeline": metrics.logos is not supplied`)
	_, err = eval("emea", map[string]decimal.Decimal{"pipeline": decimal.RequireFromString("5000"), "logos": decimal.RequireFromString("2.5")})
	assert.EqualError(t, err, `tier policy t, tier gold, criterion "emea pipeline": metrics.logos is an int metric, got 2.5`)
}

func TestTierPolicyLoadsWithPrograms(t *testing.T) {
	fsys := fstest.MapFS{
		"p/tiers.yaml": {Data: []byte(tierDoc + "tests:\n  - {name: a, on: 2026-01-01, metrics: {deals_closed: 1}, expect: {tier: silver}}\n")},
		"p/other.yaml": {Data: []byte(strings.Replace(tierDoc, "id: t", "id: u", 1) + "---\n" + strings.Replace(tierDoc, "id: t", "id: u\nversion: 2", 1))},
	}
	s, err := Load(fsys, "p/*.yaml")
	require.NoError(t, err)
	assert.Len(t, s.TierPolicies(), 3)
	assert.Len(t, s.TierTests(), 1)
	rep := s.RunTierTests(func(name string) bool { return name == "t/a" })
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Passed())
	assert.Empty(t, s.RunTierTests(func(string) bool { return false }).Results)

	_, err = Compile("dup.yaml", []byte(tierDoc+"---\n"+tierDoc))
	assert.ErrorContains(t, err, `dup.yaml:14:1: id: tier policy "t" is defined twice in this file (first on line 1)`)
}

// FuzzTierCriterion compiles arbitrary text as a criterion: it must never
// panic, every error must be positioned inside the file, and a criterion
// that compiles must evaluate without panicking.
func FuzzTierCriterion(f *testing.F) {
	for _, s := range []string{
		"metrics.revenue_12m >= 100000", "metrics.revenue_12 > 1", "deal.amount > 0", "metrics > 1",
		`partner.tier in ["gold"] && metrics.csat / metrics.deals_closed > 0.5`, "let x = metrics.csat; x > 1",
		"metrics.\n revenue_12m > 1", "round(metrics.csat, 2) == 4.25", "metrics?.csat > 1", "é + metrics.csat",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		src := "apiVersion: partnerops/v1\nkind: TierPolicy\nid: fz\ntiers:\n  - tier: a\n  - tier: b\n    criteria:\n      - name: c\n        when: " + strconv.Quote(expr) + "\n"
		file, err := Compile("fuzz.yaml", []byte(src))
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList", err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Col < 0 || e.Msg == "" {
					t.Fatalf("bad diagnostic %#v", e)
				}
			}
			return
		}
		for _, tp := range file.TierPolicies {
			_, _ = tp.Policy.Evaluate(&partner.Partner{ID: "p", Tier: "a"}, partner.TierMetrics{
				Revenue12M: decimal.NewFromInt(5), CSAT: decimal.RequireFromString("4.5")}, partner.MustDate("2026-01-01"))
		}
	})
}

// TestPartnerDateConvertsToIncentiveDate keeps the two Date types
// convertible: an approved registration's day becomes the engine's
// Registration.Approved with a plain conversion.
func TestPartnerDateConvertsToIncentiveDate(t *testing.T) {
	pd := partner.MustDate("2026-03-02")
	reg := incentive.Registration{ID: "R-1", Approved: incentive.Date(pd)}
	assert.Equal(t, "2026-03-02", reg.Approved.String())
	assert.Equal(t, pd, partner.Date(reg.Approved))
}

// BenchmarkTierPolicyEvaluate evaluates the example reseller policy (three
// tiers, four expression criteria) for one partner.
func BenchmarkTierPolicyEvaluate(b *testing.B) {
	src, err := os.ReadFile("testdata/tierpolicy/reseller-tiers.yaml")
	require.NoError(b, err)
	f, err := Compile("reseller-tiers.yaml", src)
	require.NoError(b, err)
	tp := f.TierPolicies[0].Policy
	p := &partner.Partner{ID: "P", Type: partner.Reseller, Tier: "silver", Region: "emea"}
	m := partner.TierMetrics{Revenue12M: decimal.RequireFromString("260000"), CertifiedPeople: 3, CSAT: decimal.RequireFromString("4.5"),
		Custom: map[string]decimal.Decimal{"pipeline": decimal.NewFromInt(1)}}
	on := partner.MustDate("2026-06-01")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tp.Evaluate(p, m, on); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTierPolicyFile compiles arbitrary tier policy files and runs their
// tests: never a panic, errors only as positioned diagnostics.
func FuzzTierPolicyFile(f *testing.F) {
	files, _ := filepath.Glob("testdata/tierpolicy/*.yaml")
	more, _ := filepath.Glob("testdata/tierpolicy/errors/*.yaml")
	for _, path := range append(files, more...) {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(tierDoc))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Compile("fuzz.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList", err)
			}
			return
		}
		for _, tp := range file.TierPolicies {
			for i, tt := range tp.Tests {
				if i == 20 {
					break
				}
				_ = tt.Run()
			}
		}
	})
}

// A declared metric whose name the expression language reserves (amount,
// type, id, close_date...) is refused at the metric's own key, in the tier
// policy's words: metrics.*, never the programs' deal.* or "custom field".
func TestTierPolicyReservedMetricNamePositioned(t *testing.T) {
	src := `apiVersion: partnerops/v1
kind: TierPolicy
id: t
metrics:
  pipeline: decimal
  amount: decimal
tiers:
  - tier: registered
  - tier: gold
    criteria:
      - name: pipeline
        when: metrics.pipeline >= 10
`
	_, err := Compile("tiers.yaml", []byte(src))
	var list ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	e := list[0]
	assert.Equal(t, 6, e.Line, "the line of `amount:`")
	assert.Equal(t, 3, e.Col, "the column of `amount`")
	assert.Equal(t, "metrics.amount", e.Path)
	assert.NotContains(t, e.Msg, "deal")
	assert.NotContains(t, e.Msg, "custom field")
	assert.Contains(t, e.Msg, "reserved")
}

// The same tier policy id and version in two files of a set is an error,
// as it is for programs: otherwise both load, `-run id/test` picks tests
// of either, and which policy a service applies depends on file order.
func TestTierPolicyDefinedInTwoFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"p/a.yaml": {Data: []byte(tierDoc)},
		"p/b.yaml": {Data: []byte(tierDoc)},
		"p/c.yaml": {Data: []byte(strings.Replace(tierDoc, "id: t", "id: t\nversion: 2", 1))}, // another version is fine
	}
	_, err := Load(fsys, "p/*.yaml")
	var list ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	assert.Equal(t, "p/b.yaml", list[0].File)
	assert.Equal(t, 1, list[0].Line)
	assert.Equal(t, `tier policy "t" is also defined in p/a.yaml; give the new tiers a new version`, list[0].Msg)
}
