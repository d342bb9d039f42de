package main

import (
	"bufio"
	"container/heap"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"

	"github.com/partnerops/partnerops/incentive"
)

// sortDeals reads the whole stream, reporting its errors as they come,
// and returns the deals in (close time, id) order: sorted in memory up to
// -sort-limit deals, else by an external merge sort whose sorted runs of
// -sort-limit deals are written as JSON Lines to a temporary folder,
// removed when the merged stream ends. ok is false when the run must
// stop (the errors were reported).
func (s *session) sortDeals(seq iter.Seq2[incentive.Input, error]) (iter.Seq2[incentive.Input, error], bool) {
	limit := s.o.sortLimit
	var buf []incentive.Input
	var runs []string
	var dir string
	cleanup := func() {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	total := 0
	for in, err := range seq {
		if err != nil {
			if !s.report(err) {
				cleanup()
				return nil, false
			}
			continue
		}
		buf = append(buf, in)
		total++
		if len(buf) >= limit {
			if dir == "" {
				d, err := os.MkdirTemp("", "partnerops-sort-")
				if err != nil {
					s.report(fmt.Errorf("cannot sort on disk: %w", err))
					s.stopped = true
					return nil, false
				}
				dir = d
			}
			name, err := writeRun(dir, len(runs), buf)
			if err != nil {
				s.report(fmt.Errorf("cannot sort on disk: %w", err))
				s.stopped = true
				cleanup()
				return nil, false
			}
			runs = append(runs, name)
			clear(buf)
			buf = buf[:0]
		}
	}
	if len(runs) == 0 {
		slices.SortStableFunc(buf, func(a, b incentive.Input) int { return compareDeals(&a, &b) })
		s.c.sortNote = fmt.Sprintf("sorted %s in memory", plural(len(buf), "deal"))
		return func(yield func(incentive.Input, error) bool) {
			for i := range buf {
				if !yield(buf[i], nil) {
					return
				}
			}
		}, true
	}
	if len(buf) > 0 {
		name, err := writeRun(dir, len(runs), buf)
		if err != nil {
			s.report(fmt.Errorf("cannot sort on disk: %w", err))
			s.stopped = true
			cleanup()
			return nil, false
		}
		runs = append(runs, name)
	}
	buf = nil
	s.c.sortNote = fmt.Sprintf("sorted %s on disk (%d runs of at most %d, merged)", plural(total, "deal"), len(runs), limit)
	return mergeRuns(runs, s.program, cleanup), true
}

// writeRun sorts buf and writes it as JSON Lines.
func writeRun(dir string, n int, buf []incentive.Input) (string, error) {
	slices.SortStableFunc(buf, func(a, b incentive.Input) int { return compareDeals(&a, &b) })
	name := filepath.Join(dir, fmt.Sprintf("run-%04d.jsonl", n))
	f, err := os.Create(name)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var line []byte
	for i := range buf {
		line, err = incentive.AppendDealJSON(line[:0], &buf[i])
		if err != nil {
			f.Close()
			return "", err
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			f.Close()
			return "", err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	return name, f.Close()
}

// mergeRuns merges sorted run files into one sorted stream. Equal keys
// come from the earlier run first, so the merge is stable like the
// in-memory sort.
func mergeRuns(runs []string, p *incentive.Program, cleanup func()) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		defer cleanup()
		h := &runHeap{}
		for i, name := range runs {
			f, err := os.Open(name)
			if err != nil {
				yield(incentive.Input{}, fmt.Errorf("cannot sort on disk: %w", err))
				return
			}
			defer f.Close()
			next, stop := iter.Pull2(incentive.DecodeJSONLines(f, p, incentive.DecodeOptions{Name: name}))
			defer stop()
			in, err, ok := next()
			if err != nil {
				yield(incentive.Input{}, fmt.Errorf("sort run: %w", err))
				return
			}
			if ok {
				h.items = append(h.items, runHead{in: in, run: i, next: next})
			}
		}
		heap.Init(h)
		for h.Len() > 0 {
			top := &h.items[0]
			if !yield(top.in, nil) {
				return
			}
			in, err, ok := top.next()
			switch {
			case err != nil:
				yield(incentive.Input{}, fmt.Errorf("sort run: %w", err))
				return
			case ok:
				top.in = in
				heap.Fix(h, 0)
			default:
				heap.Pop(h)
			}
		}
	}
}

type runHead struct {
	in   incentive.Input
	run  int
	next func() (incentive.Input, error, bool)
}

type runHeap struct{ items []runHead }

func (h *runHeap) Len() int { return len(h.items) }
func (h *runHeap) Less(i, j int) bool {
	a, b := &h.items[i], &h.items[j]
	if c := compareDeals(&a.in, &b.in); c != 0 {
		return c < 0
	}
	return a.run < b.run
}
func (h *runHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *runHeap) Push(x any)    { h.items = append(h.items, x.(runHead)) }
func (h *runHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
