package incentive_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/growthref"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal { v := d(s); return &v }

// growthProgram is examples/programs/q4-growth.yaml built in plain Go.
func growthProgram() *incentive.Program {
	nyc, _ := time.LoadLocation("America/New_York")
	I := incentive.In
	return &incentive.Program{
		ID: "q4-2026-partner-growth", Name: "Q4 2026 Partner Growth Program", Version: 1,
		Currency:  incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 10, Day: 1}, To: incentive.Date{Year: 2026, Month: 12, Day: 31}, Location: nyc},
		Claims:    incentive.ClaimWindow{Days: 60},
		MinPayout: d("100"),
		Fields:    []incentive.FieldDecl{{Name: "segment", Type: incentive.FieldString}},
		Eligibility: []incentive.Clause{
			{Name: "registered deal", When: incentive.Equals(incentive.PathDealRegistered, true)},
			{Name: "new business or upsell", When: I(incentive.PathDealType, "new_business", "upsell")},
			{Name: "silver tier or above", When: I(incentive.PathPartnerTier, "silver", "gold", "platinum")},
		},
		Earnings: []incentive.Earning{
			{ID: "new-logo-spiff", Type: incentive.Spiff, When: incentive.Equals(incentive.PathDealType, "new_business"),
				Amount: incentive.RateOf(incentive.PathDealAmount, d("0.02"))},
			{ID: "enterprise-kicker", Type: incentive.Bonus, Group: "kicker",
				When:   incentive.All(incentive.Equals("deal.segment", "enterprise"), incentive.AtLeast(incentive.PathDealAmount, d("50000"))),
				Amount: incentive.Const(d("500"))},
			{ID: "platinum-kicker", Type: incentive.Bonus, Group: "kicker", When: incentive.Equals(incentive.PathPartnerTier, "platinum"),
				Amount: incentive.RateOf(incentive.PathDealAmount, d("0.01"))},
			{ID: "volume-rebate", Type: incentive.Rebate, Bands: &incentive.BandTable{
				Method: incentive.Marginal, Basis: incentive.BasisPeriod, Period: incentive.PeriodQuarter, Pays: incentive.PaysRate,
				Bands: []incentive.Band{
					{From: d("0"), To: dp("100000"), Value: d("0.01")},
					{From: d("100000"), To: dp("250000"), Value: d("0.02"), Label: "silver"},
					{From: d("250000"), Value: d("0.03"), Label: "gold"},
				}}},
		},
		Groups: []incentive.Group{{ID: "kicker", Pick: incentive.PickHighest}},
		Caps: []incentive.Cap{
			{Scope: incentive.CapLine, Earning: "new-logo-spiff", Limit: d("1500")},
			{Scope: incentive.CapDeal, Limit: d("2500")},
			{Scope: incentive.CapPartner, Limit: d("25000"), Period: incentive.PeriodQuarter},
			{Scope: incentive.CapBudget, Limit: d("250000")},
		},
	}
}

// The engine and the hand-written reference are two independent
// implementations of the same terms: they must agree on every deal.
func TestGrowthProgramMatchesHandWritten(t *testing.T) {
	const n = 20000
	ref := growthref.NewState()
	var want []string
	for deal := range growthref.Generate(n, 40) {
		r := ref.Next(&deal)
		want = append(want, deal.ID+" "+r.Total.StringFixed(2))
	}
	for _, workers := range []int{1, 2} {
		var got []string
		eligible := 0
		for r, err := range incentive.Run(t.Context(), growthProgram(), growthref.Inputs(growthref.Generate(n, 40)), incentive.RunOptions{Workers: workers}) {
			require.NoError(t, err)
			got = append(got, r.DealID+" "+r.Total.Amount().StringFixed(2))
			if r.Eligible {
				eligible++
			}
		}
		require.Len(t, got, n)
		if i := firstDiff(want, got); i >= 0 {
			t.Fatalf("workers %d: deal %d differs: hand-written %q, engine %q", workers, i, want[i], got[i])
		}
		// The generated deals exercise both outcomes.
		require.Greater(t, eligible, n/4)
		require.Less(t, eligible, n)
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// benchDeals returns a fixed set of deals for per-deal benchmarks.
func benchDeals() []growthref.Deal {
	return slices.Collect(growthref.Generate(1024, 40))
}

// BenchmarkEvaluateExample measures one deal of the example program through
// the engine (program built in Go) against the same terms hand-written in Go.
func BenchmarkEvaluateExample(b *testing.B) {
	deals := benchDeals()
	b.Run("engine", func(b *testing.B) {
		e, err := incentive.NewEvaluator(growthProgram())
		require.NoError(b, err)
		ins := make([]incentive.Input, len(deals))
		for i, dl := range deals {
			ins[i] = growthref.Input(dl)
		}
		ctx := b.Context()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := e.Evaluate(ctx, ins[i%len(ins)], time.Time{}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			growthref.Evaluate(&deals[i%len(deals)], growthref.Prior{})
			i++
		}
	})
}

// BenchmarkRunExample streams generated deals through a batch run of the
// example program and reports the peak heap seen while it ran.
func BenchmarkRunExample(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(itoa(n), func(b *testing.B) {
			p := growthProgram()
			for b.Loop() {
				runtime.GC()
				var peak uint64
				var ms runtime.MemStats
				count := 0
				for r, err := range incentive.Run(b.Context(), p, growthref.Inputs(growthref.Generate(n, 500)), incentive.RunOptions{}) {
					if err != nil || r == nil {
						b.Fatal(err)
					}
					count++
					if count%50_000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc)
					}
				}
				if count != n {
					b.Fatalf("%d results for %d deals", count, n)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
		})
	}
}

func itoa(n int) string {
	switch n {
	case 100_000:
		return "100k"
	case 1_000_000:
		return "1M"
	}
	return "n"
}
