package incentive

import (
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shardedProgram has everything the sharded ordered phase splits between
// the workers (partner-period and cumulative band tables, a deal cap) and
// the caller's goroutine (two partner caps of different periods and a
// budget that runs out part way through the run), and a claim window that
// expires some deals as of the run.
func shardedProgram() *Program {
	p := periodBands(Marginal, BasisPeriod, PeriodMonth)
	p.Earnings = append(p.Earnings,
		Earning{ID: "cum", Type: Rebate, Bands: &BandTable{Method: Marginal, Pays: PaysRate, Basis: BasisCumulative,
			Bands: []Band{{From: dec("0"), To: decp("50000"), Value: dec("0.001")}, {From: dec("50000"), Value: dec("0.003")}}}},
		withRate("base", "0.005", AtLeast(PathDealAmount, dec("50000"))))
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("5000")}, {Scope: CapPartner, Limit: dec("6000"), Period: PeriodMonth},
		{Scope: CapPartner, Limit: dec("15000"), Period: PeriodQuarter}, {Scope: CapBudget, Limit: dec("400000")}}
	p.Claims = ClaimWindow{Days: 90}
	return p
}

// shardedInputs are n generated deals over the given number of partners,
// with an input error every 211th position and a deal with no partner id
// (which fails) every 97th.
func shardedInputs(n, partners int) iter.Seq2[Input, error] {
	deals := genDeals(n, partners)
	for i := range deals {
		// spread over the year, so periods (months, quarters) change
		deals[i].CloseDate = day("2026-01-01").Add(time.Duration(i) * (364 * 24 * time.Hour / time.Duration(n)))
	}
	return func(yield func(Input, error) bool) {
		for i, d := range deals {
			if i%211 == 210 && !yield(Input{}, errors.New("row "+itoa(i)+": unreadable")) {
				return
			}
			in := Input{Deal: d, Partner: gold(d.PartnerID)}
			if i%97 == 96 {
				in.Deal.PartnerID, in.Partner.ID = "", ""
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// runRendered runs the inputs and renders every yielded result (JSON and
// explanation) or error, in order.
func runRendered(t *testing.T, p *Program, in iter.Seq2[Input, error], opts RunOptions) []string {
	t.Helper()
	var out []string
	for r, err := range Run(t.Context(), p, in, opts) {
		if err != nil {
			require.Nil(t, r)
			out = append(out, "error: "+err.Error())
			continue
		}
		b, jerr := json.Marshal(r)
		require.NoError(t, jerr)
		out = append(out, string(b)+"\n"+r.Explain())
	}
	return out
}

// A run of a shardable program gives byte for byte the results (JSON and
// explanation) and errors of a one-worker run, for any number of workers,
// with and without the trace, with results reused, with prior totals and a
// budget used before the run; also for programs that are not sharded
// (credit notes, running-total expressions).
func TestRunShardedMatchesSerial(t *testing.T) {
	credits := shardedProgram()
	credits.AllowNegative = true
	reads := shardedProgram()
	reads.Earnings = append(reads.Earnings, Earning{ID: "kicker", Type: Bonus,
		When: AtLeast(PathPeriodAmount, dec("150000")), Amount: Const(dec("25"))})
	prior := func(id string) Prior {
		if strings.HasSuffix(id, "3") {
			return Prior{PeriodAmount: dec("90000"), PeriodDeals: 4, PeriodEarned: dec("5000"),
				CapUsed: map[int]decimal.Decimal{2: dec("14000")}, Cumulative: dec("45000")}
		}
		return Prior{}
	}
	tests := []struct {
		name      string
		p         *Program
		shardable bool
	}{
		{"bands, partner caps, budget", shardedProgram(), true},
		{"credit notes", credits, false},
		{"reads period totals", reads, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewEvaluator(tt.p)
			require.NoError(t, err)
			require.Equal(t, tt.shardable, e.shardable())
			for _, base := range []RunOptions{
				{AsOf: day("2026-04-30")},
				{AsOf: day("2026-04-30"), NoTrace: true},
				{Prior: prior, BudgetUsed: dec("150000.004"), ReuseResults: true},
			} {
				serial := base
				serial.Workers = 1
				want := runRendered(t, tt.p, shardedInputs(900, 11), serial)
				require.Len(t, want, 900+900/211)
				for _, workers := range []int{2, 5} {
					opts := base
					opts.Workers = workers
					got := runRendered(t, tt.p, shardedInputs(900, 11), opts)
					require.Equal(t, len(want), len(got))
					for i := range want {
						if want[i] != got[i] {
							t.Fatalf("workers %d, %+v, result %d:\n%s\none worker:\n%s", workers, base, i, got[i], want[i])
						}
					}
				}
			}
		})
	}
}

// The sharded test program exercises what it is meant to: the budget binds
// and then pays nothing more, partner caps bind, band tables cross bands,
// some deals are expired and some fail, so the comparison above compares
// something.
func TestRunShardedProgramCoverage(t *testing.T) {
	p := shardedProgram()
	var budgetCut, budgetEmpty, partnerCut, expired, failed, ok int
	for r, err := range Run(t.Context(), p, shardedInputs(900, 11), RunOptions{AsOf: day("2026-04-30"), Workers: 2}) {
		if err != nil {
			failed++
			continue
		}
		ok++
		if r.Expired {
			expired++
		}
		for _, l := range r.Lines {
			for _, c := range l.Cuts {
				switch c.Scope {
				case CapBudget:
					budgetCut++
					if r.Total.IsZero() {
						budgetEmpty++
					}
				case CapPartner:
					partnerCut++
				}
			}
		}
	}
	// 900 deals: 4 input errors (before deals 210, 421, 632 and 843) and 9
	// deals without a partner (every 97th of 900) fail.
	assert.Equal(t, 4+9, failed)
	assert.Equal(t, 900-9, ok)
	assert.Positive(t, budgetCut)
	assert.Positive(t, budgetEmpty)
	assert.Positive(t, partnerCut)
	assert.Positive(t, expired)
}

// A sharded run calls RunOptions.Prior once per partner, on one goroutine
// at a time (the race detector checks the unguarded map), and an
// out-of-order deal ends it after the results before it, as with one
// worker.
func TestRunShardedPriorAndOrder(t *testing.T) {
	p := shardedProgram()
	calls := map[string]int{}
	prior := func(id string) Prior {
		calls[id]++
		return Prior{PeriodAmount: dec("120000")}
	}
	deals := genDeals(900, 7)
	deals[700], deals[701] = deals[701], deals[700]
	run := func(workers int) []string {
		clear(calls)
		out := runRendered(t, p, inputs(deals...), RunOptions{Workers: workers, Prior: prior})
		for id, n := range calls {
			assert.Equal(t, 1, n, "partner %s, workers %d", id, workers)
		}
		return out
	}
	want := run(1)
	// D-0000701, then D-0000700 is out of order: 701 results, then the error.
	require.Len(t, want, 702)
	assert.Contains(t, want[701], "out of order")
	assert.Equal(t, want, run(2))
	assert.Len(t, calls, 7)
	assert.Equal(t, want, run(4))
}

// skewedInputs are shardedInputs with four deals of five from one partner
// ("P-BIG"), so that one worker owns most deals' partners.
func skewedInputs(n int) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		i := 0
		for in, err := range shardedInputs(n, 7) {
			if err == nil && in.Deal.PartnerID != "" && i%5 != 0 {
				in.Deal.PartnerID, in.Partner.ID = "P-BIG", "P-BIG"
			}
			i++
			if !yield(in, err) {
				return
			}
		}
	}
}

// A sharded run of deals spread unevenly over the workers' partners (most
// deals of one partner) gives byte
// for byte the results of a one-worker run, for 2, 3 and 5 workers, with
// and without the trace, results reused, prior totals.
func TestRunShardedSkewedMatchesSerial(t *testing.T) {
	p := shardedProgram()
	prior := func(id string) Prior {
		if id == "P-BIG" {
			return Prior{PeriodAmount: dec("90000"), CapUsed: map[int]decimal.Decimal{2: dec("4000")}, Cumulative: dec("45000")}
		}
		return Prior{}
	}
	for _, base := range []RunOptions{
		{AsOf: day("2026-04-30")},
		{AsOf: day("2026-04-30"), NoTrace: true},
		{Prior: prior, BudgetUsed: dec("150000.004"), ReuseResults: true},
	} {
		serial := base
		serial.Workers = 1
		want := runRendered(t, p, skewedInputs(1500), serial)
		require.Len(t, want, 1500+1500/211)
		for _, workers := range []int{2, 3, 5} {
			opts := base
			opts.Workers = workers
			got := runRendered(t, p, skewedInputs(1500), opts)
			require.Equal(t, len(want), len(got))
			for i := range want {
				if want[i] != got[i] {
					t.Fatalf("workers %d, %+v, result %d:\n%s\none worker:\n%s", workers, base, i, got[i], want[i])
				}
			}
		}
	}
}

// Workers that own no partner of a chunk (here: one partner, so every
// worker but one owns none, and a run with fewer deals than a chunk, and
// one that ends a deal past a chunk) still take part in every chunk's
// stage 2, and the caller pays, finishes and yields every deal as one
// worker does: byte for byte the same results, for 2, 3 and 5 workers.
func TestRunShardedOnePartnerMatchesSerial(t *testing.T) {
	p := shardedProgram()
	onePartner := func(n int) iter.Seq2[Input, error] { return shardedInputs(n, 1) }
	for _, n := range []int{5, runChunk + 1, 3*runChunk - 7} {
		for _, base := range []RunOptions{
			{AsOf: day("2026-04-30")},
			{AsOf: day("2026-04-30"), NoTrace: true, ReuseResults: true},
		} {
			serial := base
			serial.Workers = 1
			want := runRendered(t, p, onePartner(n), serial)
			// n deals and an input error before every 211th
			require.Len(t, want, n+n/211, "%d deals", n)
			for _, workers := range []int{2, 3, 5} {
				opts := base
				opts.Workers = workers
				assert.Equal(t, want, runRendered(t, p, onePartner(n), opts), "%d deals, %d workers, %+v", n, workers, base)
			}
		}
	}
}
