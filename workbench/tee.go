package workbench

import (
	"iter"
	"sync"
	"sync/atomic"

	"github.com/partnerops/partnerops/incentive"
)

// teeChunk is the number of deals the tee hands to each side at once.
const teeChunk = 256

type teeItem struct {
	in  incentive.Input
	err error
}

// teeBuf is a chunk of deals both sides read. The side that finishes it
// last gives it back to the tee for the next chunk, so that the deals are
// copied once into a few reused chunks, not into a new chunk each time.
type teeBuf struct {
	items []teeItem
	left  atomic.Int32 // sides still reading it
}

// tee reads deals once, on a goroutine of its own, and gives each item to
// two input streams, in chunks. Side a always receives a chunk before side
// b, so a has seen everything b has. fit adapts a deal's custom fields for
// one side (nil: as they are). Closing quit stops the reader at its next
// deal; the streams then end.
func tee(deals iter.Seq2[incentive.Input, error], fitA, fitB func(map[string]any) map[string]any, quit <-chan struct{}) (a, b iter.Seq2[incentive.Input, error]) {
	chA := make(chan *teeBuf, 4)
	chB := make(chan *teeBuf, 4)
	// free holds the chunks both sides are done with. There are never
	// more than 2 x 4 in the channels, 2 being read and 1 being filled.
	free := make(chan *teeBuf, 12)
	go func() {
		defer close(chA)
		defer close(chB)
		next := func() *teeBuf {
			select {
			case c := <-free:
				c.items = c.items[:0]
				return c
			default:
				return &teeBuf{items: make([]teeItem, 0, teeChunk)}
			}
		}
		buf := next()
		send := func() bool {
			buf.left.Store(2)
			for _, ch := range [2]chan *teeBuf{chA, chB} {
				select {
				case ch <- buf:
				case <-quit:
					return false
				}
			}
			buf = next()
			return true
		}
		for in, err := range deals {
			select {
			case <-quit:
				return
			default:
			}
			buf.items = append(buf.items, teeItem{in, err})
			if len(buf.items) == teeChunk && !send() {
				return
			}
		}
		if len(buf.items) > 0 {
			send()
		}
	}()
	side := func(ch chan *teeBuf, fit func(map[string]any) map[string]any) iter.Seq2[incentive.Input, error] {
		return func(yield func(incentive.Input, error) bool) {
			for c := range ch {
				for i := range c.items {
					it := &c.items[i]
					ok := true
					switch {
					case it.err != nil || fit == nil:
						ok = yield(it.in, it.err)
					default:
						// A copy with its own fields; the chunk is shared.
						in := it.in
						in.Deal.Fields = fit(in.Deal.Fields)
						ok = yield(in, nil)
					}
					if !ok {
						return
					}
				}
				if c.left.Add(-1) == 0 {
					clear(c.items) // drop the deals' references before reuse
					select {
					case free <- c:
					default:
					}
				}
			}
		}
	}
	return side(chA, fitA), side(chB, fitB)
}

// fieldFilter returns a function that drops from a deal's custom fields
// those program p does not declare (a field only the other version
// declares), or nil when there is nothing to drop because both declare the
// same fields. It returns the fields as they are when none is dropped, and
// a new map otherwise, never changing the one it is given.
func fieldFilter(p, other *incentive.Program) func(map[string]any) map[string]any {
	own := map[string]bool{}
	for _, f := range p.Fields {
		own[f.Name] = true
	}
	extra := false
	for _, f := range other.Fields {
		if !own[f.Name] {
			extra = true
		}
	}
	if !extra {
		return nil
	}
	return func(fields map[string]any) map[string]any {
		drop := false
		for k := range fields {
			if !own[k] {
				drop = true
				break
			}
		}
		if !drop {
			return fields
		}
		m := make(map[string]any, len(fields))
		for k, v := range fields {
			if own[k] {
				m[k] = v
			}
		}
		return m
	}
}

// queue is an unbounded FIFO of result chunks between the goroutine that
// runs the old program and the one that compares. It never blocks the
// sender, so the two runs cannot wait on each other; the tee bounds how
// far the old run can get ahead.
type queue[T any] struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  [][]T
	closed bool
}

func newQueue[T any]() *queue[T] {
	q := &queue[T]{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *queue[T]) put(c []T) {
	q.mu.Lock()
	q.items = append(q.items, c)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *queue[T]) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Signal()
}

// get returns the next chunk; false once the queue is closed and empty.
func (q *queue[T]) get() ([]T, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return nil, false
	}
	c := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return c, true
}
