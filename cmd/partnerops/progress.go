package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress reports deals read on standard error while a long run goes on,
// only when standard error is a terminal: redirected output stays
// deterministic.
type progress struct {
	w     io.Writer
	size  int64 // bytes of the deals file, 0 when unknown
	start time.Time
	last  time.Time
	shown bool
	n     int
	now   func() time.Time // the clock; time.Now
}

func newProgress(w io.Writer, size int64) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	now := time.Now()
	return &progress{w: w, size: size, start: now, last: now, now: time.Now}
}

// tick is called for every deal; it redraws at most twice a second. done
// is how many bytes of the input were read.
func (p *progress) tick(read int, done int64) {
	if p == nil {
		return
	}
	p.n++
	if p.n%1024 != 0 {
		return
	}
	now := p.now()
	if now.Sub(p.last) < 500*time.Millisecond {
		return
	}
	p.last = now
	secs := now.Sub(p.start).Seconds()
	rate := float64(read) / secs // display figures, never money
	line := fmt.Sprintf("\r%d deals read, %.0f a second", read, rate)
	if p.size > 0 && done > 0 && done < p.size {
		left := time.Duration(float64(p.size-done) / float64(done) * float64(now.Sub(p.start)))
		line += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	fmt.Fprint(p.w, line+"\033[K")
	p.shown = true
}

// done clears the progress line.
func (p *progress) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
