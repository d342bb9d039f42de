package incentive

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"runtime"
	"time"

	"github.com/shopspring/decimal"
)

// RunOptions configure a batch run. The zero value is ready to use.
type RunOptions struct {
	// AsOf decides claim-window expiry, as in Evaluate. Zero: no result is
	// marked expired.
	AsOf time.Time
	// Prior returns a partner's totals from before the run (see Prior).
	// Nil: every partner starts from zero. Input.Prior is ignored in a run.
	// It is called at most once per partner, from one goroutine at a time
	// (with more than one worker, possibly for every partner of the run,
	// as its first deal is read). With more than one worker it may be
	// called on the goroutine that reads the input, up to a few chunks of
	// 256 deals ahead of the results, while the loop body runs: it must
	// not read what the loop body writes (such as totals kept from the
	// results), nor expect the results of earlier deals to be in.
	Prior func(partnerID string) Prior
	// BudgetUsed is what the program paid before the run: deal payouts
	// and payable settlement true-ups (SettlementLine.Payable) alike.
	BudgetUsed decimal.Decimal
	// Counts, when set, is filled by the run, so that the caller can read
	// the counts it ends with (RunCounts.BudgetUsed: the next run's
	// BudgetUsed). Nil (the default): nothing is reported.
	Counts *RunCounts
	// Rates converts deals in other currencies. When nil, each Input's
	// Rates is used. A RateSource must be safe for concurrent use.
	Rates RateSource
	// NoTrace leaves Result.Trace empty, for runs that only need amounts
	// and statements: a deal's explanation can be reproduced at any time
	// by evaluating it alone with the partner's totals before it as Prior.
	// Amounts and statements are the same either way. The zero value
	// (false) keeps the trace.
	NoTrace bool
	// Workers is the number of goroutines doing the per-deal work that does
	// not depend on other deals; zero (or below) means
	// runtime.GOMAXPROCS(0), one runs everything on the caller's goroutine,
	// and two has the goroutine that reads the input do that work on each
	// deal as it reads it, and the caller's goroutine the rest (see Run).
	// At most MaxWorkers: more is an error wrapping ErrInvalidOptions.
	// Results are identical for any value.
	Workers int
	// ReuseResults lets the run write each deal's result into the memory
	// of an earlier one: a yielded *Result, with its Lines and Lost (and
	// their Cuts), Hold, Conversion,
	// Shares and Trace, is valid only until the loop body returns (the
	// amounts, decimals that never change, stay valid; see also
	// Evaluator.EvaluateInto). For callers that only aggregate
	// (sum totals, StatementBuilder.Add, write a line of CSV), it saves
	// allocating a result per deal; a caller that keeps results must leave
	// it false (the zero value), or copy what it keeps, Lines and Trace
	// included, deeply: a copy of the Lines slice alone still shares each
	// line's Cuts and Band with the next deal's result.
	ReuseResults bool
	// Settlements, when set, settles the program's period settlements in
	// the run, so that the per_partner caps and the budget bind the
	// true-ups (see SettlementBuilder): the run adds each result to it in
	// deal order, and settles each period against the live cap counts
	// when it meets the first deal after the period's end; call Settle
	// after the run for the periods that end after its last deal. With
	// AsOf set, a period ending after AsOf's day (in the program's time
	// zone) is not settled in the run: it had not ended. A deal in a
	// period that the builder's carried settlement settled already fails
	// (its error is yielded). A builder of another program, or one
	// attached to a run or fed by hand before, ends the run with an error
	// wrapping ErrInvalidOptions. Nil (the default): nothing is settled. A
	// run with Settlements is not sharded by partner.
	Settlements *SettlementBuilder
}

// MaxWorkers is the largest RunOptions.Workers. With W workers a run
// starts at most W+1 goroutines (one with two workers) and holds up to
// 3W+2 chunks of 256 deals (about 340 KB each, 1,336 bytes a deal on
// 64-bit platforms, plus the buffers a deal's work keeps) in memory (7
// chunks when the ordered phase is sharded, see Run), so the bound keeps
// a mistyped worker count from exhausting memory (256 workers: about 260 MB); the per-deal work is
// CPU-bound, so more workers than cores gains nothing anyway.
const MaxWorkers = 256

// runChunk is the number of deals handed to a worker at once.
const runChunk = 256

// Run evaluates a stream of deals under program p. See (*Evaluator).Run.
func Run(ctx context.Context, p *Program, deals iter.Seq2[Input, error], opts RunOptions) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		e, err := NewEvaluator(p)
		if err != nil {
			yield(nil, err)
			return
		}
		for r, err := range e.Run(ctx, deals, opts) {
			if !yield(r, err) {
				return
			}
		}
	}
}

// Run evaluates a stream of deals in order and yields one result per deal,
// in input order.
//
// Deals must arrive sorted by close time, then deal id; a deal that is out
// of that order (or repeats the previous deal) yields an error wrapping
// ErrOutOfOrder and ends the run. An error from the input stream, or a deal
// that fails to evaluate (an *EvalError), is yielded with a nil result and
// the run goes on; the failed deal adds nothing to the running totals.
//
// Partner period totals, partner caps, partner-period and cumulative band
// tables and the budget accumulate across the run. The conditions and
// formulas that read none of them are evaluated in parallel on
// opts.Workers goroutines; everything else happens in deal order, so the
// results do not depend on the number of workers. With two workers the
// goroutine that reads the input does the first part as it reads each
// deal, and the caller's goroutine the ordered part. With more, when no
// condition or formula reads running totals (period.*, cumulative.*) and
// the program does not allow negative amounts (credit notes), the ordered
// phase is sharded (unless opts.Prior is set and a band table's period
// basis and a partner cap count the same period kind): the workers also do the band
// tables, deal caps and deal rounding, each for its own partners in deal
// order, and only the partner and budget caps, which depend on every
// earlier deal's payout, are applied on the caller's goroutine in deal
// order, which then finishes each result just before yielding it. Memory
// does not grow with the number of deals, only with the number of partners, except when
// the program allows negative amounts: then the run remembers every deal
// (about 1 KB each) for the credit notes that may name it (Deal.Credits;
// see the package documentation, "Credit notes"). The results of a run
// that keeps them (no ReuseResults) share blocks of memory for their cap
// cuts (CapCut, at least 32 to a block: about 1.8 KB, more when one deal
// may need more cuts), so a kept result keeps its block. Stopping the
// iteration early stops the run; so does cancelling ctx (yielding its
// error), checked before every result.
//
// With more than one worker the input is read ahead, in chunks of 256
// deals, on a goroutine of its own; after an early stop that goroutine
// stops at the input's next deal, and Run does not wait for it; an input
// that yields on after being told to stop (yield returned false) is read
// no further, and that goroutine ends when the input returns (with one
// worker Go panics on the caller's goroutine, as in any loop over such an
// input). For a live feed that must yield each result as soon as its deal
// arrives, use one worker. A nil deals is a stream of no deals.
func (e *Evaluator) Run(ctx context.Context, deals iter.Seq2[Input, error], opts RunOptions) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		if err := e.ready(); err != nil {
			yield(nil, err)
			return
		}
		if deals == nil {
			// (Read on a goroutine of the run's own, a nil stream would
			// panic where no caller can recover.)
			deals = func(func(Input, error) bool) {}
		}
		if opts.Workers > MaxWorkers {
			yield(nil, fmt.Errorf("%w: %d workers; at most %d", ErrInvalidOptions, opts.Workers, MaxWorkers))
			return
		}
		if opts.Settlements != nil {
			if err := opts.Settlements.attach(e, &opts); err != nil {
				yield(nil, err)
				return
			}
		}
		workers := opts.Workers
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		switch {
		case workers == 1:
			e.runSerial(ctx, deals, opts, opts.runState(e), yield)
		case workers == 2:
			// The paired run: two goroutines, see runParallel.
			e.runParallel(ctx, deals, opts, opts.runState(e), 0, yield)
		case e.shardable() && (opts.Prior == nil || e.shardsPrior()) && (opts.Settlements == nil || len(e.p.Settlements) == 0):
			e.runSharded(ctx, deals, opts, workers, yield)
		default:
			e.runParallel(ctx, deals, opts, opts.runState(e), workers, yield)
		}
	}
}

// orderCheck enforces (close time, deal id) order.
type orderCheck struct {
	seen   bool
	at     time.Time
	id     string
	failed bool
}

func (o *orderCheck) next(d *Deal) error {
	if o.seen {
		c := CompareDeals(d, &Deal{ID: o.id, CloseDate: o.at})
		if c <= 0 {
			c = d.CloseDate.Compare(o.at)
			o.failed = true
			what := "closes before"
			if c == 0 && d.ID == o.id {
				what = "repeats"
			} else if c == 0 {
				what = "closes at the same time as and sorts before"
			}
			return fmt.Errorf("%w: deal %q (%s) %s deal %q (%s); sort deals by close time, then id",
				ErrOutOfOrder, d.ID, d.CloseDate.Format(time.RFC3339), what, o.id, o.at.Format(time.RFC3339))
		}
	}
	o.seen, o.at, o.id = true, d.CloseDate, d.ID
	return nil
}

func (e *Evaluator) rates(in *Input, opts *RunOptions) RateSource {
	if opts.Rates != nil {
		return opts.Rates
	}
	return in.Rates
}

func (e *Evaluator) runSerial(ctx context.Context, deals iter.Seq2[Input, error], opts RunOptions, st *runState, yield func(*Result, error) bool) {
	var order orderCheck
	var w work
	var bufs *resultBufs
	var cuts []CapCut // ReuseResults: room for the cap cuts (cutRoom)
	var slab cutSlab  // otherwise: room shared by the results (see cutSlab)
	var da decArena
	if opts.ReuseResults {
		bufs = &resultBufs{}
	}
	// cur is the deal being evaluated: one variable for the run, since the
	// work points to it (the loop's own would move to the heap with every
	// deal, 632 bytes each). Nothing points to it after its deal: a run
	// that remembers a deal copies it (dealRecord.in).
	var cur Input
	for in, err := range deals {
		if cerr := ctx.Err(); cerr != nil {
			yield(nil, cerr)
			return
		}
		if err != nil {
			if !yield(nil, err) {
				return
			}
			continue
		}
		cur = in
		if err := order.next(&cur.Deal); err != nil {
			yield(nil, err)
			return
		}
		w.reuse()
		w.noTrace, w.scope.asOf, w.bufs, w.da = opts.NoTrace, opts.AsOf, bufs, e.arena(&da)
		e.ownTerms(&w, &cur, e.rates(&cur, &opts))
		if bufs != nil {
			cuts = e.cutRoom(&w, cuts)
			w.cutSpare = cuts
			e.inOrderSettling(&w, st, &opts)
			bufs.keep(&w)
		} else {
			e.inOrderLent(&w, st, &opts, &slab)
		}
		if w.err != nil {
			w.res = nil
		}
		if !yield(w.res, w.err) {
			return
		}
	}
}

// cutRoom returns buf, grown when it is too small, as room for every cap
// cut the ordered phase may record on w's lines: for each line, its cuts
// so far and one per deal cap (twice, for a credit note's floor) and per
// partner or budget cap. A run with ReuseResults gives it to the deal as
// w.cutSpare, so that its cap cuts allocate nothing (but see cutNeedFor
// for a line several caps cut); the result's lines
// then point into buf, which the next deal's result reuses, as
// ReuseResults allows. (With less room, takeCutAt allocates as needed.)
func (e *Evaluator) cutRoom(w *work, buf []CapCut) []CapCut {
	n := e.cutNeed(w)
	if cap(buf) < n {
		buf = make([]CapCut, n)
	}
	return buf[:n]
}

// inOrderLent is inOrderSettling for a run that keeps its results (no
// ReuseResults), with the deal's cap cuts taken from slab (see cutSlab).
// The room is lent for the whole ordered phase: takeCutAt asks the slab for
// a new block when the room runs out, so a deal needs no room set aside
// for the cuts it may take. (Until round 10 a stage was lent room for
// every cut its caps might make, dealCapNeed's then payNeed's, and a slab
// with less left was given up for a new one: 0.26 cuts a deal of the
// example thrown away at slabs' ends, 14 B a deal.)
func (e *Evaluator) inOrderLent(w *work, st *runState, opts *RunOptions, slab *cutSlab) {
	slab.lend(w)
	defer slab.settle(w)
	if w.credits != "" || w.snap != nil || (opts.Settlements != nil && len(e.p.Settlements) > 0) {
		e.inOrderSettling(w, st, opts)
		return
	}
	// inOrder.
	ps, rec, total, pay := e.orderedTerms(w, st, opts.AsOf)
	if !pay {
		e.finish(w, opts.AsOf)
		return
	}
	e.orderedPay(w, st, ps, rec, total, opts.AsOf, true)
}

// cutNeed is the room cutRoom gives w's deal, in cap cuts.
func (e *Evaluator) cutNeed(w *work) int {
	return e.cutNeedFor(w, 2*len(e.dealCaps)+len(e.runCaps))
}

// cutNeedFor is the room for per cap cuts on each of w's lines, after
// the cuts they have: a line's new cut copies its earlier ones into the
// room (see takeCutAt; earlier cuts that lie just above the room grow in
// place, and the count is then more than the cut takes). It counts each line's earlier cuts once, which is
// exact when at most one cap of the stage cuts a line; when several do,
// each later cut copies the line's cuts again (c+1, then c+2, ...) and
// may not fit, and takeCutAt then allocates that line's cuts itself:
// one allocation more, never a shared or changed cut (rbatch5's review).
// Counting every copy would give each deal room it rarely uses, and a
// slab would serve fewer deals.
func (e *Evaluator) cutNeedFor(w *work, per int) int {
	n := 0
	for i := range w.lines {
		n += len(w.lines[i].cuts) + per
	}
	return n
}

// cutSlabSize is the number of cap cuts a cutSlab allocates at once: a
// block of 32 (56 bytes each, about 1.8 KB) serves about 16 deals of a
// spent budget, and is what one kept result with a cut keeps alive (a
// block of 256 would be 14 KB, kept whole by one result a caller keeps).
const cutSlabSize = 32

// cutSlab is room for the cap cuts of the deals of a run that keeps its
// results (no ReuseResults), so that a deal's cuts allocate nothing of
// their own: one goroutine lends it to the deal it works on (lend) as
// w.cutSpare, from which takeCutAt takes the lines' cuts from the end,
// asking for a new block (fresh) when the room runs out, and takes back
// the room left (settle), which the next deal then uses. Cuts handed out
// are never handed out again, so results never share them; they share the
// slab's memory instead (a kept result keeps its block's 1.8 KB, as
// generated deal ids keep their block).
type cutSlab struct {
	free []CapCut
}

// lend gives w the slab's free room (none before the first cut).
func (s *cutSlab) lend(w *work) {
	w.cutSpare, w.cutSlab = s.free, s
}

// fresh returns a new block of room for at least n cap cuts, for the
// deal the slab is lent to (takeCutAt, when the room left is less than a
// line's cuts take).
func (s *cutSlab) fresh(n int) []CapCut {
	return make([]CapCut, max(cutSlabSize, n))
}

// settle takes back the room w's deal left unused (a prefix of the block
// takeCutAt took its last cut from).
func (s *cutSlab) settle(w *work) {
	s.free, w.cutSpare, w.cutSlab = w.cutSpare, nil, nil
}

// memTypes is the trace memory types (traceScratch.memTypes, see
// traceMem) of the goroutine of a run that finishes the results, shared by
// the works of every item it finishes. A work keeps the types it made, so
// that a result's trace block finds its type with one map lookup; but a
// parallel run's works are its items' (up to a few thousand in flight),
// each of which met a deal a few hundred deals apart: each made most of
// its types itself, and each lookup read a map no other deal had read
// lately, a cache miss or two (5% of the CPU of a 1M run with the trace,
// profiled). (Measured before the process shared its types, memTypeCache:
// reflect.StructOf then ran about once a traced deal at 100k deals, about
// 2 of the 6 allocations a deal made. Since then a work takes the types
// from memTypeCache but still builds its own map of them: a traced paired
// run of the example's 100k deals, BenchmarkRunWorkers/w2-100k-trace,
// made 397,950 allocations and 189.0 MB without memTypes, 387,210 and
// 186.5 MB with it, 3.98 and 3.87 a deal.) Only the
// finishing goroutine calls traceMem (finish, in the ordered phase), so
// the map needs no lock.
type memTypes map[uint64]reflect.Type

// lend has w's trace scratch use m, before w's result is finished.
func (m memTypes) lend(w *work) {
	if ts := w.traceScratch; ts != nil {
		ts.memTypes = m
	}
}

// item is one position of the input stream: a deal, or an input error.
type item struct {
	in    Input
	w     work
	bufs  *resultBufs // ReuseResults (allocated once per item: see reuseBufs)
	cuts  []CapCut    // ReuseResults: room for the cap cuts (cutRoom)
	err   error       // error from the input stream or the order check
	final bool        // err ends the run
	// In a sharded run (runSharded): the deal's partner, the deal's terms
	// amount and whether it goes on to the partner and budget caps (from
	// orderedTerms).
	slot  *partnerSlot
	total decimal.Decimal
	pay   bool
}

type chunk struct {
	items []item
	done  chan struct{}
}

// runParallel runs the deals in chunks: a producer goroutine reads the
// input into chunks, workers goroutines do the per-deal work that reads
// no running totals (ownTerms), and the caller's goroutine does the rest
// in deal order (inOrder) and yields each result.
//
// With workers 0 (the paired run, two workers in RunOptions) the producer
// does ownTerms itself, on each deal as it reads it, and hands the chunk
// straight to the caller: two goroutines, each deal's work passing from
// one core to the other once. On two cores (the example program, 100k and
// 1M deals, binaries run alternately on a loaded machine) it took less
// CPU a deal than the sharded run (runSharded) with two workers in most
// runs, whose four goroutines (the producer, two workers and the caller)
// took turns on two cores and passed half of the deals between cores at
// each of three stages. The caller's goroutine has the larger share
// (orderedTerms, the partner and budget caps and finishing the result:
// about three fifths of the run's CPU on the example, profiled), the
// producer the rest (reading the input and ownTerms).
func (e *Evaluator) runParallel(ctx context.Context, deals iter.Seq2[Input, error], opts RunOptions, st *runState, workers int, yield func(*Result, error) bool) {
	// chunks counts the goroutines a chunk's queues are sized by: the
	// paired run (workers 0) as two workers, the producer among them.
	chunks := max(workers, 2)
	jobs := make(chan *chunk, workers)
	pending := make(chan *chunk, 2*chunks)
	// Finished chunks go back to the producer, so a run allocates a fixed
	// number of them whatever the number of deals.
	free := make(chan *chunk, 3*chunks+2)
	newChunk := func() *chunk {
		select {
		case c := <-free:
			c.items = c.items[:0]
			c.done = make(chan struct{})
			return c
		default:
			// Items are allocated as deals arrive (see the producer): a
			// run of a few deals pays for those, not for runChunk.
			return &chunk{done: make(chan struct{})}
		}
	}
	stop := make(chan struct{})
	// own does the work of it's deal that reads no running totals, with
	// da the decimal arena of the goroutine it runs on.
	own := func(it *item, da *decArena) {
		it.w.noTrace, it.w.scope.asOf, it.w.da = opts.NoTrace, opts.AsOf, e.arena(da)
		if opts.ReuseResults {
			it.w.bufs = it.reuseBufs()
		}
		e.ownTerms(&it.w, &it.in, e.rates(&it.in, &opts))
	}
	for range workers {
		go func() {
			var da decArena // this worker's (see decArena)
			for c := range jobs {
				for i := range c.items {
					if it := &c.items[i]; it.err == nil {
						own(it, &da)
					}
				}
				close(c.done)
			}
		}()
	}
	// The producer reads the input stream into chunks.
	go func() {
		defer close(pending)
		defer close(jobs)
		var order orderCheck
		var da decArena // the paired run's ownTerms', on this goroutine
		c := newChunk()
		// A chunk goes to a worker first, so every chunk the consumer
		// waits on is sure to be finished (in the paired run it is).
		send := func() bool {
			if workers == 0 {
				close(c.done)
			} else {
				select {
				case jobs <- c:
				case <-stop:
					return false
				}
			}
			select {
			case pending <- c:
			case <-stop:
				return false
			}
			c = newChunk()
			return true
		}
		for in, err := range heeded(deals) {
			select {
			case <-stop:
				return
			default:
			}
			var it *item
			c.items, it = nextItem(c.items)
			it.in, it.err, it.final = in, err, false
			if err == nil {
				if oerr := order.next(&in.Deal); oerr != nil {
					it.err, it.final = oerr, true
				}
			}
			if it.final {
				// (Handed on now: an input that yields on after being
				// told to stop returns only at its end, see heeded.)
				send()
				return
			}
			if workers == 0 && it.err == nil {
				own(it, &da)
			}
			if len(c.items) == runChunk && !send() {
				return
			}
		}
		if len(c.items) > 0 {
			send()
		}
	}()
	// On the way out, tell the producer and the workers to stop. Run does
	// not wait for them: the producer may be blocked inside the caller's
	// input stream, and hears the stop at its next deal; the workers only
	// finish chunks nobody will read.
	defer close(stop)
	var slab cutSlab // room for the cap cuts without ReuseResults
	var da decArena  // the ordered phase's, on this goroutine
	types := memTypes{}
	for c := range pending {
		select {
		case <-c.done:
		case <-ctx.Done():
			yield(nil, ctx.Err())
			return
		}
		for i := range c.items {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			it := &c.items[i]
			if it.err != nil {
				if !yield(nil, it.err) || it.final {
					return
				}
				continue
			}
			it.w.da = e.arena(&da)
			types.lend(&it.w)
			if opts.ReuseResults {
				it.cuts = e.cutRoom(&it.w, it.cuts)
				it.w.cutSpare = it.cuts
				e.inOrderSettling(&it.w, st, &opts)
			} else {
				e.inOrderLent(&it.w, st, &opts, &slab)
			}
			res, err := it.w.res, it.w.err
			if err != nil {
				res = nil
			}
			if opts.ReuseResults {
				it.bufs.keep(&it.w)
			}
			// Release the deal's work as soon as it is yielded, keeping
			// the buffers no result refers to for the chunk's next use.
			it.w.reuse()
			if !yield(res, err) {
				return
			}
		}
		select {
		case free <- c:
		default:
		}
	}
}

// heeded returns deals as a stream that, once its loop body has returned
// false, returns false to whatever deals yields after, until deals
// returns. A run reads its input on a goroutine of its own with more than
// one worker: an input that yields again after being told to stop (a
// reader that ignores yield's false) would make Go's range-over-func panic
// there, where no caller can recover it, and end the program. (With one
// worker the input runs on the caller's goroutine, which sees the panic
// as from any loop over it.)
func heeded(deals iter.Seq2[Input, error]) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		stopped := false
		deals(func(in Input, err error) bool {
			if stopped {
				return false
			}
			stopped = !yield(in, err)
			return !stopped
		})
	}
}

// reuseBufs returns the item's result buffers for ReuseResults, made on
// the item's first deal and kept as the chunk is recycled. (A pointer, so
// that runs that keep their results carry no room for them: items are
// read by every stage of a run, and a smaller item is fewer cache misses.)
func (it *item) reuseBufs() *resultBufs {
	if it.bufs == nil {
		it.bufs = new(resultBufs)
	}
	return it.bufs
}

// nextItem extends a chunk's items by one for the next deal read: a
// recycled chunk's item keeps the buffers of its work and result (see
// item.w, item.bufs), and past the items it has one is allocated, so a run
// of a few deals pays for those, not for runChunk. The caller sets the
// rest of the item.
//
// Growing the items moves them: an item whose deal's ownTerms is done (a
// paired run does it as each deal is read, before the chunk is full) is
// pointed back into itself (rebind).
func nextItem(items []item) ([]item, *item) {
	if len(items) < cap(items) {
		items = items[:len(items)+1]
	} else {
		items = append(items, item{})
		for i := range len(items) - 1 {
			items[i].rebind()
		}
	}
	return items, &items[len(items)-1]
}

// rebind points the work of an item that moved (see nextItem) back into
// the item: ownTerms left the work pointing to its Input (work.in), and
// its Scope to the Input's Deal and Partner and to the work itself
// (Scope.work, through which Scope.Decimal takes the decimals of the
// goroutine evaluating the deal and Scope.Earned reads the lines). Left
// in the old array, the ordered phase on the caller's goroutine made its
// products (Scope.Mul) from the reading goroutine's arena, while that
// goroutine used it for the next deals. (A converted deal's Scope.Deal is
// a copy of its own, not in the item.)
func (it *item) rebind() {
	w := &it.w
	old := w.in
	if old == nil || old == &it.in {
		return
	}
	if w.scope.Deal == &old.Deal {
		w.scope.Deal = &it.in.Deal
	}
	if w.scope.Partner == &old.Partner {
		w.scope.Partner = &it.in.Partner
	}
	if w.scope.work != nil {
		w.scope.work = w
	}
	w.in = &it.in
}
