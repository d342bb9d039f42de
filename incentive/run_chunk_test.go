package incentive

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"
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
// working space on every call. Both multi-worker paths: the sharded one
// (the spiff program) and the general one (credit notes allowed).
func TestRunSmallBatchAllocatesForItsDeals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		negatives bool
		sharded   bool
	}{
		{"sharded", false, true},
		{"parallel", true, false},
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
				for r, err := range e.Run(t.Context(), seqOf(ins), RunOptions{Workers: 2}) {
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
// sharded path), the shape of a service evaluating a few deals per request.
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
