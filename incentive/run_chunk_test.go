package incentive

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	"github.com/shopspring/decimal"
)

// smallBatch is three deals of one partner, in order.
func smallBatch() []Input {
	var ins []Input
	for i, d := range []string{"2026-11-02", "2026-11-03", "2026-11-04"} {
		ins = append(ins, Input{Deal: deal(fmt.Sprintf("D-%d", i), "P-1", "12000.00", d), Partner: gold("P-1")})
	}
	return ins
}

// A run of a few deals on several workers allocates for the deals it
// reads, not a whole chunk of runChunk deals up front: a service that runs
// small batches (and FuzzEvaluateDeal, which spent 96% of its allocated
// bytes there, about 750 KB per Run of six deals) paid for 512 deals'
// working space on every call. Every multi-worker path: the paired run
// (two workers), the sharded one (the spiff program, three workers) and
// the general one (credit notes allowed, three workers).
func TestRunSmallBatchAllocatesForItsDeals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		negatives bool
		sharded   bool
		workers   int
	}{
		{"paired", false, true, 2},
		{"paired-negatives", true, false, 2},
		{"sharded", false, true, 3},
		{"parallel", true, false, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := spiffProgram()
			p.AllowNegative = tc.negatives
			e, err := NewEvaluator(p)
			if err != nil {
				t.Fatal(err)
			}
			if e.shardable() != tc.sharded {
				t.Fatalf("shardable %v, want %v", e.shardable(), tc.sharded)
			}
			ins := smallBatch()
			run := func() {
				n := 0
				for r, err := range e.Run(t.Context(), seqOf(ins), RunOptions{Workers: tc.workers}) {
					if err != nil {
						t.Fatal(err)
					}
					// 2% of 12,000.00 = 240.00 per deal.
					if got := r.Total.Amount().String(); got != "240" {
						t.Fatalf("deal %s: total %s, want 240.00", r.DealID, got)
					}
					n++
				}
				if n != len(ins) {
					t.Fatalf("%d results for %d deals", n, len(ins))
				}
			}
			run() // warm up the evaluator's lazily built state
			const runs = 20
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for range runs {
				run()
			}
			runtime.ReadMemStats(&after)
			perRun := (after.TotalAlloc - before.TotalAlloc) / runs
			// One chunk's items alone are runChunk*sizeof(item); a run of
			// three deals must stay well below even a quarter of that.
			limit := uint64(runChunk) * uint64(unsafe.Sizeof(item{})) / 4
			t.Logf("%d bytes per run of %d deals (item %d bytes, limit %d)", perRun, len(ins), unsafe.Sizeof(item{}), limit)
			if perRun > limit {
				t.Fatalf("a run of %d deals allocated %d bytes; want at most %d (a quarter of one %d-deal chunk)", len(ins), perRun, limit, runChunk)
			}
		})
	}
}

// BenchmarkRunSmallBatch is a run of three deals on two workers (the
// paired run), the shape of a service evaluating a few deals per request.
//
//	go test ./incentive -run '^$' -bench RunSmallBatch -benchmem -count 5
func BenchmarkRunSmallBatch(b *testing.B) {
	p := spiffProgram()
	ins := smallBatch()
	ctx := b.Context()
	for b.Loop() {
		for _, err := range Run(ctx, p, seqOf(ins), RunOptions{Workers: 2}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// A one-worker run keeps the deal it evaluates in one variable for the
// whole run: the range loop's own variable, which the deal's work points
// to, moved to the heap with every deal (632 bytes each, more than
// everything else such a run allocates a deal). Measured on the longer of
// two runs, so that what every run allocates once cancels out.
func TestRunSerialAllocatesNoInputPerDeal(t *testing.T) {
	e, err := NewEvaluator(spiffProgram())
	if err != nil {
		t.Fatal(err)
	}
	batch := func(n int) []Input {
		ins := make([]Input, n)
		for i := range ins {
			d := deal(fmt.Sprintf("D-%04d", i), fmt.Sprintf("P-%d", i%7), "12000.00", fmt.Sprintf("2026-11-%02d", 1+i*28/n))
			ins[i] = Input{Deal: d, Partner: gold(d.PartnerID)}
		}
		return ins
	}
	allocated := func(ins []Input) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		n, sum := 0, decimal.Zero
		for r, err := range e.Run(t.Context(), seqOf(ins), RunOptions{Workers: 1, NoTrace: true, ReuseResults: true}) {
			if err != nil {
				t.Fatal(err)
			}
			sum = sum.Add(r.Total.Amount())
			n++
		}
		runtime.ReadMemStats(&after)
		if n != len(ins) {
			t.Fatalf("%d results for %d deals", n, len(ins))
		}
		// Each of the 7 partners has at least 500/7 = 71 deals of 2% of
		// 12,000.00 = 240.00: 71 x 240.00 = 17,040.00 passes the partner
		// cap, so each is paid its 10,000.00 and the run 7 x 10,000.00.
		if !sum.Equal(decimal.RequireFromString("70000")) {
			t.Fatalf("the run paid %s, want 70,000.00", sum)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	short, long := batch(500), batch(1500)
	allocated(short) // warm up the evaluator's lazily built state
	perDeal := (allocated(long) - min(allocated(short), allocated(long))) / uint64(len(long)-len(short))
	t.Logf("%d bytes a deal (Input %d bytes)", perDeal, unsafe.Sizeof(Input{}))
	if limit := uint64(unsafe.Sizeof(Input{})) / 2; perDeal > limit {
		t.Fatalf("a one-worker run allocated %d bytes a deal; want at most %d (half an Input)", perDeal, limit)
	}
}
