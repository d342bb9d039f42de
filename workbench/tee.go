package workbench

import (
	"iter"
	"sync"

	"github.com/partnerops/partnerops/incentive"
)

// teeChunk is the number of deals the tee hands to each side at once.
const teeChunk = 256

type teeItem struct {
	in  incentive.Input
	err error
}

// tee reads deals once, on a goroutine of its own, and gives each item to
// two input streams, in chunks. Side a always receives a chunk before side
// b, so a has seen everything b has. fit adapts a deal for one side (nil:
// as is). Closing quit stops the reader at its next deal; the streams then
// end.
func tee(deals iter.Seq2[incentive.Input, error], fitA, fitB func(*incentive.Input), quit <-chan struct{}) (a, b iter.Seq2[incentive.Input, error]) {
	chA := make(chan []teeItem, 4)
	chB := make(chan []teeItem, 4)
	go func() {
		defer close(chA)
		defer close(chB)
		buf := make([]teeItem, 0, teeChunk)
		send := func() bool {
			for _, ch := range [2]chan []teeItem{chA, chB} {
				select {
				case ch <- buf:
				case <-quit:
					return false
				}
			}
			buf = make([]teeItem, 0, teeChunk)
			return true
		}
		for in, err := range deals {
			select {
			case <-quit:
				return
			default:
			}
			buf = append(buf, teeItem{in, err})
			if len(buf) == teeChunk && !send() {
				return
			}
		}
		if len(buf) > 0 {
			send()
		}
	}()
	side := func(ch chan []teeItem, fit func(*incentive.Input)) iter.Seq2[incentive.Input, error] {
		return func(yield func(incentive.Input, error) bool) {
			for c := range ch {
				for _, it := range c {
					in := it.in
					if it.err == nil && fit != nil {
						fit(&in)
					}
					if !yield(in, it.err) {
						return
					}
				}
			}
		}
	}
	return side(chA, fitA), side(chB, fitB)
}

// fieldFilter returns a function that drops from a deal the custom fields
// program p does not declare (a field only the other version declares), or
// nil when there is nothing to drop because both declare the same fields.
func fieldFilter(p, other *incentive.Program) func(*incentive.Input) {
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
	return func(in *incentive.Input) {
		drop := false
		for k := range in.Deal.Fields {
			if !own[k] {
				drop = true
				break
			}
		}
		if !drop {
			return
		}
		m := make(map[string]any, len(in.Deal.Fields))
		for k, v := range in.Deal.Fields {
			if own[k] {
				m[k] = v
			}
		}
		in.Deal.Fields = m
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
