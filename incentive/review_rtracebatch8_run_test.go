package incentive

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// rtb8Caps has four lines, a line cap and two deal caps that cut the same
// line again after the line cap: on a deal of 10,000.00 line d carries
// three cuts, where dealCapNeed counts room for its one cut and one a deal
// cap (each later cut copies the line's cuts, so takeCutAt runs out of the
// room lent and allocates). With negative deals allowed, deals below zero
// (credit notes naming no deal) take their own path through the deal caps.
func rtb8Caps(negative bool) *Program {
	p := simple(withRate("a", "0.01", nil), withRate("b", "0.02", nil), withRate("c", "0.03", nil), withRate("d", "0.5", nil))
	p.AllowNegative = negative
	p.Caps = []Cap{{Scope: CapLine, Limit: dec("4000")}, {Scope: CapDeal, Limit: dec("4500")}, {Scope: CapDeal, Limit: dec("4400")}}
	return p
}

// rtb8Deals are n deals of a few partners in run order, amounts from
// 0.00 to 29,999.99 (every third negative when negative).
func rtb8Deals(n int, negative bool) []Input {
	var out []Input
	x := uint64(8)
	for i := range n {
		x = x*6364136223846793005 + 1442695040888963407
		cents := int64(x>>33) % 3_000_000
		if negative && i%3 == 2 {
			cents = -cents
		}
		pid := fmt.Sprintf("P-%d", i%5)
		d := Deal{ID: fmt.Sprintf("D-%06d", i), PartnerID: pid, Amount: MoneyFromMinor(cents, USD), Type: NewBusiness,
			CloseDate: day("2026-01-02").Add(time.Duration(i) * 7 * time.Minute)}
		out = append(out, Input{Deal: d, Partner: gold(pid)})
	}
	return out
}

func rtb8Seq(ins []Input, cancelAt int, cancel func()) func(func(Input, error) bool) {
	return func(yield func(Input, error) bool) {
		for i, in := range ins {
			if i == cancelAt {
				cancel()
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}

// A run that keeps its results gives each deal, with the trace, the words
// and JSON of the same deal evaluated alone (of one worker's run when
// deals below zero are allowed), for one worker, two (the
// paired run) and three (sharded when the program allows it), with and
// without ReuseResults, on deals whose deal caps cut a line more times
// than dealCapNeed lends room for. A kept result reads the same after the
// run, and no two cuts share memory. (Passes on the current code.)
func TestReviewRtracebatch8DealCapRoomTraced(t *testing.T) {
	// A deal of 10,000.00: a 100.00, b 200.00, c 300.00, d 5,000.00, cut
	// to 4,000.00 by the line cap (cut 1,000.00); 4,600.00 > 4,500.00:
	// the first deal cap cuts 100.00 from d (3,900.00); 4,500.00 >
	// 4,400.00: the second cuts 100.00 more (3,800.00). Total 4,400.00.
	e, err := NewEvaluator(rtb8Caps(false))
	require.NoError(t, err)
	r, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "10000.00", "2026-03-01"), Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	require.Equal(t, "4400.00", r.Total.Amount().StringFixed(2))
	require.Equal(t, "3800.00", r.Lines[3].Amount.Amount().StringFixed(2))
	require.Len(t, r.Lines[3].Cuts, 3)
	require.Equal(t, []string{"1000", "100", "100"}, []string{r.Lines[3].Cuts[0].Cut.String(), r.Lines[3].Cuts[1].Cut.String(), r.Lines[3].Cuts[2].Cut.String()})

	n := 2200 // past the chunks a run holds at once: items are recycled
	workerCounts, reuses := []int{1, 2, 3}, []bool{false, true}
	if raceDetector {
		n, workerCounts, reuses = 300, []int{2, 3}, []bool{false}
	}
	for _, negative := range []bool{false, true} {
		p := rtb8Caps(negative)
		e, err := NewEvaluator(p)
		require.NoError(t, err)
		ins := rtb8Deals(n, negative)
		// Deals below zero take back at most what the partner has been
		// paid net in the period (which Evaluate, alone, has not): with
		// them the reference is one worker's run.
		var alone []string
		if negative {
			for r, err := range e.Run(t.Context(), rtb8Seq(ins, -1, nil), RunOptions{Workers: 1}) {
				alone = append(alone, rb5Render(r, err))
			}
		} else {
			for _, in := range ins {
				r, err := e.Evaluate(t.Context(), in, time.Time{})
				alone = append(alone, rb5Render(r, err))
			}
		}
		for _, workers := range workerCounts {
			for _, reuse := range reuses {
				what := fmt.Sprintf("negative %v, %d workers, reuse %v", negative, workers, reuse)
				var out []string
				var kept []*Result
				for r, err := range e.Run(t.Context(), rtb8Seq(ins, -1, nil), RunOptions{Workers: workers, ReuseResults: reuse}) {
					out = append(out, rb5Render(r, err))
					kept = append(kept, r)
				}
				require.Len(t, out, len(alone), what)
				for i := range alone {
					require.Equal(t, alone[i], out[i], "%s: deal %d", what, i)
				}
				if reuse {
					continue
				}
				seen := map[*CapCut]string{}
				three := 0
				for i, r := range kept {
					require.Equal(t, out[i], rb5Render(r, nil), "%s: result %d changed after the run", what, i)
					for li, l := range r.Lines {
						if len(l.Cuts) == 3 {
							three++
						}
						for k := range l.Cuts {
							at := &l.Cuts[k]
							if other, ok := seen[at]; ok {
								t.Fatalf("%s: result %d line %d cut %d shares memory with %s", what, i, li, k, other)
							}
							seen[at] = fmt.Sprintf("result %d line %d cut %d", i, li, k)
						}
					}
				}
				require.Greater(t, three, n/10, "%s: lines with three cuts", what)
			}
		}
	}
}

// A traced run stopped part way (the loop breaks, or its context is
// cancelled while the input is read) has yielded, for one, two and three
// workers, a prefix of the full run's results, each reading the same once
// the run is over; a second run on the same Evaluator after it gives the
// full run's results. (Passes on the current code.)
func TestReviewRtracebatch8StoppedTracedRuns(t *testing.T) {
	n, workerCounts := 1500, []int{1, 2, 3}
	if raceDetector {
		n, workerCounts = 300, []int{2, 3}
	}
	ins := rtb8Deals(n, false)
	e, err := NewEvaluator(rtb8Caps(false))
	require.NoError(t, err)
	var full []string
	for r, err := range e.Run(t.Context(), rtb8Seq(ins, -1, nil), RunOptions{Workers: 1}) {
		full = append(full, rb5Render(r, err))
	}
	require.Len(t, full, n)
	for _, workers := range workerCounts {
		for _, stop := range []string{"break", "cancel"} {
			what := fmt.Sprintf("%d workers, %s", workers, stop)
			ctx, cancel := context.WithCancel(t.Context())
			cancelAt := -1
			if stop == "cancel" {
				cancelAt = n / 2
			}
			var out []string
			var kept []*Result
			for r, err := range e.Run(ctx, rtb8Seq(ins, cancelAt, cancel), RunOptions{Workers: workers}) {
				if err != nil {
					require.ErrorIs(t, err, context.Canceled, what)
					break
				}
				out = append(out, rb5Render(r, nil))
				kept = append(kept, r)
				if stop == "break" && len(out) == n/3 {
					break
				}
			}
			cancel()
			if stop == "break" {
				require.Len(t, out, n/3, what)
			} // (a cancel may come before the first result is yielded)
			require.Less(t, len(out), n, what)
			for i := range out {
				require.Equal(t, full[i], out[i], "%s: result %d", what, i)
			}
			for i, r := range kept {
				require.Equal(t, out[i], rb5Render(r, nil), "%s: result %d changed", what, i)
			}
			var again []string
			for r, err := range e.Run(t.Context(), rtb8Seq(ins, -1, nil), RunOptions{Workers: workers}) {
				again = append(again, rb5Render(r, err))
			}
			require.Equal(t, full, again, "%s: the next run", what)
		}
	}
}

// Traced runs of two and three workers and Evaluate calls on one
// Evaluator at the same time each give what they give alone: each run's
// goroutine that finishes the results has its own map of trace memory
// types (memTypes), which no other run or Evaluate call reads. (Passes on
// the current code; run with -race.)
func TestReviewRtracebatch8ConcurrentTracedRuns(t *testing.T) {
	n := 900
	if raceDetector {
		n = 300
	}
	ins := rtb8Deals(n, false)
	e, err := NewEvaluator(rtb8Caps(false))
	require.NoError(t, err)
	var alone []string
	for _, in := range ins {
		r, err := e.Evaluate(t.Context(), in, time.Time{})
		alone = append(alone, rb5Render(r, err))
	}
	outs := make([][]string, 4)
	done := make(chan struct{})
	for k := range outs {
		go func() {
			defer func() { done <- struct{}{} }()
			if k == 3 {
				for _, in := range ins {
					r, err := e.Evaluate(t.Context(), in, time.Time{})
					outs[k] = append(outs[k], rb5Render(r, err))
				}
				return
			}
			for r, err := range e.Run(t.Context(), rtb8Seq(ins, -1, nil), RunOptions{Workers: k + 1, ReuseResults: k == 0}) {
				outs[k] = append(outs[k], rb5Render(r, err))
			}
		}()
	}
	for range outs {
		<-done
	}
	for k, out := range outs {
		require.Len(t, out, n, "goroutine %d", k)
		for i := range out {
			require.Equal(t, alone[i], out[i], "goroutine %d, deal %d", k, i)
		}
	}
}
