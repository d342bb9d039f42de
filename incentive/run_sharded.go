package incentive

import (
	"context"
	"iter"
	"sync/atomic"

	"github.com/shopspring/decimal"
)

// shardable reports whether a batch run may do the partner part of the
// ordered phase (orderedTerms) for different partners at once: true when
// no condition or formula reads running totals (period.*, cumulative.*),
// whose period.earned depends on what the budget let earlier deals pay,
// and the program has no credit notes, which reach back into the totals
// of the deal they name. Band bases then depend only on the partner's own
// deals, and only the partner and budget caps (orderedPay) need every
// deal in run order.
func (e *Evaluator) shardable() bool {
	return !e.readsAcc && !e.p.AllowNegative
}

// shardsPrior reports whether a sharded run gives every partner's Prior
// to the same period as a serial run. A partner's Prior starts the first
// period of each period kind its totals are touched in (runState.period).
// When a band table's period basis and a partner cap count the same
// period kind, a serial run touches it first with whichever of them comes
// first (a deal only the cap counts, say, starts January from Prior, and
// February from zero); a sharded run keeps the bases on the worker and the
// caps' counts on the caller's goroutine, each of which would start its
// own first period from Prior. Without such a shared kind, or without
// Prior (zero totals start every period alike), they agree.
func (e *Evaluator) shardsPrior() bool {
	for k := range e.periodBasis {
		if e.periodBasis[k] && e.periodCaps[k] {
			return false
		}
	}
	return true
}

// partnerSlot is what the producer of a sharded run knows of a partner:
// its totals before the run and the worker that owns its running totals.
// It is written once, before the first chunk holding the partner's deal is
// handed on, and only read after.
type partnerSlot struct {
	prior Prior
	shard int
	// paid is the partner's state in the run's runState, which the
	// caller's goroutine (the only one to read or write it) keeps here on
	// the partner's first paying deal, so that later ones find it without
	// a map lookup or a copy of prior.
	paid *partnerState
	// started: the worker that owns the partner (shard, the only one to
	// read or write it) has met the partner's first deal, whose
	// orderedTerms started the partner's state from prior.
	started bool
}

// Stages of a sharded run that every worker takes part in, per chunk.
const (
	stageOwn     = iota // ownTerms, the chunk's deals split evenly by position
	stagePartner        // orderedTerms, each worker for its own partners
	nStages
)

// shardChunk is a chunk of deals on its way through a sharded run.
type shardChunk struct {
	items []item
	// mine lists, per worker, the positions in items of the deals of the
	// partners it owns, in order (the producer's, see partnerSlot), so
	// that stage 2 reads only its own deals: reading every item's partner
	// to skip the other workers' cost each worker a cache miss or two on
	// every deal of the chunk, on memory other cores had just written.
	mine [][]int32
	// left counts, per stage, the workers that have yet to do their part
	// of it; the last one closes done.
	left [nStages]atomic.Int32
	done [nStages]chan struct{}
}

func (c *shardChunk) arm(workers int) {
	if len(c.mine) != workers {
		c.mine = make([][]int32, workers)
	}
	for s := range c.mine {
		c.mine[s] = c.mine[s][:0]
	}
	for s := range c.left {
		c.left[s].Store(int32(workers))
		c.done[s] = make(chan struct{})
	}
}

func (c *shardChunk) arrive(stage int) {
	if c.left[stage].Add(-1) == 0 {
		close(c.done[stage])
	}
}

// runSharded is runParallel for a shardable program: each chunk of deals
// goes through every worker twice, and through the caller's goroutine
// once, in a pipeline:
//
//  1. every worker does ownTerms for its share of the chunk's deals (by
//     position);
//  2. every worker does orderedTerms, in deal order, for the deals of the
//     partners it owns (partners go to workers in turn as they first
//     appear), on a runState of its own: band bases and deal caps;
//  3. the caller's goroutine takes each deal in turn: it applies the
//     partner and budget caps (orderedPay) on the run's runState,
//     finishes the result and yields it.
//
// A worker does stage 1 of a chunk and stage 2 of an earlier one as each
// becomes ready, so it seldom waits for the others or for the caller.
// Stage 3 does a deal's last steps and hands it to the loop body on one
// goroutine, while the deal is in that core's cache (the workers used to
// finish the results, which moved each deal's lines and result from the
// caller's core to a worker's and back, with a third barrier a chunk).
// Every deal meets the same running totals as in a serial run, so
// results are the same for any number of workers.
func (e *Evaluator) runSharded(ctx context.Context, deals iter.Seq2[Input, error], opts RunOptions, workers int, yield func(*Result, error) bool) {
	// Chunks held at once, whatever the number of deals or workers: the
	// one the producer fills, the one it is handing on, 4 queued for the
	// caller and the caller's; every chunk a worker holds is one of these.
	// (The queues to the workers hold chunks the producer hands to the
	// caller too.) The caller's queue is as deep as the workers may run
	// ahead of it.
	const maxChunks = 7
	ins := make([]chan *shardChunk, workers)
	for s := range ins {
		ins[s] = make(chan *shardChunk, 2)
	}
	pending := make(chan *shardChunk, maxChunks-3)
	free := make(chan *shardChunk, maxChunks)
	newChunk := func() *shardChunk {
		var c *shardChunk
		select {
		case c = <-free:
			c.items = c.items[:0]
		default:
			// Items are allocated as deals arrive (see the producer): a
			// run of a few deals pays for those, not for runChunk.
			c = &shardChunk{}
		}
		c.arm(workers)
		return c
	}
	stop := make(chan struct{})
	asOf := opts.AsOf
	for s := range workers {
		go func() {
			// This worker's partners' totals; a partner's Prior comes with
			// its deals (see partnerSlot), so cur is the current deal's.
			var cur Prior
			st := newRunState(e, func(string) Prior { return cur }, decimal.Zero)
			var slab cutSlab // room for the deal caps' cuts without ReuseResults
			var da decArena  // this worker's: set on each work before each stage
			span := func(c *shardChunk) []item {
				n := len(c.items)
				return c.items[s*n/workers : (s+1)*n/workers]
			}
			own := func(c *shardChunk) {
				items := span(c)
				for i := range items {
					it := &items[i]
					if it.err == nil {
						it.w.noTrace, it.w.scope.asOf, it.w.da = opts.NoTrace, asOf, e.arena(&da)
						if opts.ReuseResults {
							it.w.bufs = it.reuseBufs()
						}
						e.ownTerms(&it.w, &it.in, e.rates(&it.in, &opts))
					}
				}
				c.arrive(stageOwn)
			}
			partners := func(c *shardChunk) {
				for _, i := range c.mine[s] {
					it := &c.items[i]
					// (Only the deals of this worker's partners are read:
					// another worker may be failing one of its own. A deal
					// closed in ownTerms needs no partner: the caller
					// finishes it.)
					if it.w.closed {
						continue
					}
					w := &it.w
					w.da = e.arena(&da)
					if w.credits != "" {
						// Unreachable: a credit note's negative amount
						// needs AllowNegative. As inOrder would, fail it.
						e.credit(w, st, asOf)
						continue
					}
					if !it.slot.started {
						// read by st.partner (in orderedTerms) for a new partner
						cur, it.slot.started = it.slot.prior, true
					}
					if opts.ReuseResults {
						// Room for the deal cap's cuts here and the partner
						// and budget caps' on the caller's goroutine.
						it.cuts = e.cutRoom(w, it.cuts)
						w.cutSpare = it.cuts
						_, _, it.total, it.pay = e.orderedTerms(w, st, asOf)
						continue
					}
					// (The deal caps alone: the partner and budget caps
					// take theirs from the caller's slab.)
					slab.lend(w)
					_, _, it.total, it.pay = e.orderedTerms(w, st, asOf)
					slab.settle(w)
				}
				c.arrive(stagePartner)
			}
			// queue holds the chunks this worker has done stage 1 of and
			// not stage 2, oldest first. A worker does stage 2 of the
			// oldest as soon as every worker has done its stage 1, and
			// otherwise waits for that or for a new chunk; it never waits
			// for a later chunk to do an earlier one (a live feed that
			// pauses still gets the results of the deals it sent).
			var queue []*shardChunk
			ready := func(ch chan struct{}) bool {
				select {
				case <-ch:
					return true
				default:
					return false
				}
			}
			in := ins[s]
			for {
				for len(queue) > 0 && ready(queue[0].done[stageOwn]) {
					partners(queue[0])
					queue[0] = nil
					queue = queue[1:]
				}
				if in == nil && len(queue) == 0 {
					return
				}
				var waitOwn chan struct{}
				if len(queue) > 0 {
					waitOwn = queue[0].done[stageOwn]
				}
				select {
				case c, ok := <-in:
					if !ok {
						in = nil
						continue
					}
					own(c)
					queue = append(queue, c)
				case <-waitOwn:
				case <-stop:
					return
				}
			}
		}()
	}
	// The producer reads the input stream into chunks and hands each to
	// every worker, then to the caller.
	go func() {
		defer close(pending)
		defer func() {
			for _, in := range ins {
				close(in)
			}
		}()
		prior := opts.Prior
		slots := map[string]*partnerSlot{}
		var order orderCheck
		c := newChunk()
		send := func() bool {
			for _, in := range ins {
				select {
				case in <- c:
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
			it.in, it.err, it.final, it.slot, it.pay = in, err, false, nil, false
			if err == nil {
				if oerr := order.next(&in.Deal); oerr != nil {
					it.err, it.final = oerr, true
				}
			}
			if it.final {
				send() // now: see runParallel
				return
			}
			if err == nil {
				id := in.Deal.PartnerID
				if id == "" {
					id = in.Partner.ID
				}
				if id != "" {
					sl := slots[id]
					if sl == nil {
						sl = &partnerSlot{shard: len(slots) % workers}
						if prior != nil {
							sl.prior = prior(id)
						}
						slots[id] = sl
					}
					it.slot = sl
					c.mine[sl.shard] = append(c.mine[sl.shard], int32(len(c.items)-1))
				}
			}
			if len(c.items) == runChunk && !send() {
				return
			}
		}
		if len(c.items) > 0 {
			send()
		}
	}()
	// On the way out, tell the producer and the workers to stop; Run does
	// not wait for them (see runParallel).
	defer close(stop)
	var cur Prior
	st := newRunState(e, func(string) Prior { return cur }, opts.BudgetUsed)
	opts.Counts.set(st)
	// (A run with Settlements is sharded only when the program has no
	// period settlements: the builder then reads only st's budget counts,
	// never a partner's state, whose Prior cur would not give.)
	opts.Settlements.track(st)
	var slab cutSlab // room for the partner and budget caps' cuts without ReuseResults
	var da decArena  // the partner and budget caps' and finish's, on this goroutine
	types := memTypes{}
	// Each deal is paid just before it is yielded, as in a serial run, so
	// when the run stops the counts (RunCounts.BudgetUsed) are what they
	// were after the last deal yielded.
	for c := range pending {
		select {
		case <-c.done[stagePartner]:
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
			w := &it.w
			w.da = e.arena(&da)
			types.lend(w)
			if it.pay {
				ps := it.slot.paid
				if ps == nil {
					cur = it.slot.prior // read by st.partner for a new partner
					ps = st.partner(w.partner)
					it.slot.paid = ps
				}
				if !opts.ReuseResults {
					slab.lend(w)
				}
				e.orderedPay(w, st, ps, nil, it.total, asOf, false)
				if !opts.ReuseResults {
					slab.settle(w)
				}
			}
			e.finish(w, asOf)
			res, err := w.res, w.err
			if err != nil {
				res = nil
			}
			if opts.ReuseResults {
				it.bufs.keep(w)
			}
			// Release the deal's work, keeping the buffers no result
			// refers to for the chunk's next use.
			w.reuse()
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
