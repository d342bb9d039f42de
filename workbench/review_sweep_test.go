package workbench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A range whose number of values does not fit in an int64 must be
// refused, not wrap to a negative count and pass the bound.
func TestReviewSweepHugeRangeRefused(t *testing.T) {
	p := compile(t, groupOld)
	deals := decode(t, p, `
- {id: D1, partner_id: P, amount: "40000", close_date: 2026-02-01}
`)
	for _, r := range []struct{ from, to, step string }{
		{"0", "9223372036854775807", "1"},   // 2^63 values: int64 wraps negative
		{"0", "18446744073709551615", "1"},  // 2^64 values: wraps to 0
		{"0", "1", "0.0000000000000000001"}, // 1e19 values
	} {
		ctx, cancel := context.WithCancel(context.Background())
		opts := SweepOptions{Name: "kick.yaml", Source: []byte(groupOld), Path: "earnings[flat].amount",
			From: dec(r.from), To: dec(r.to), Step: dec(r.step)}
		done := make(chan error, 1)
		go func() { _, err := SweepNumber(ctx, deals, opts); done <- err }()
		var err error
		select {
		case err = <-done:
		case <-timeoutC():
			cancel()
			err = <-done
		}
		cancel()
		assert.ErrorIs(t, err, ErrBadRange, "%+v", r)
	}
}

func timeoutC() <-chan struct{} {
	c := make(chan struct{})
	go func() { <-time.After(5 * time.Second); close(c) }()
	return c
}

// The bound counts values exactly: 0 to 999.5 by 1 is 1000 values
// (0..999), 0 to 1000 by 1 is 1001.
func TestReviewSweepBoundExact(t *testing.T) {
	p := compile(t, groupOld)
	deals := decode(t, p, `
- {id: D1, partner_id: P, amount: "40000", close_date: 2026-02-01}
`)
	opts := SweepOptions{Name: "kick.yaml", Source: []byte(groupOld), Path: "earnings[flat].amount", From: dec("0"), To: dec("1000"), Step: dec("1")}
	_, err := SweepNumber(context.Background(), deals, opts)
	assert.ErrorIs(t, err, ErrBadRange)
	opts.To = dec("9.5")
	opts.Step = dec("0.01") // 0..9.49: 950 values, then 9.5 itself: 951
	s, err := SweepNumber(context.Background(), deals, opts)
	if assert.NoError(t, err) {
		assert.Len(t, s.Points, 951)
		assert.Equal(t, "9.5", s.Points[950].Value.String())
	}
}
