package incentive

import (
	"math"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// Every deal allocates its Result, the largest of a deal's allocations
// without the trace (issue #11): at 384 bytes it fills the 384-byte size
// class. The 24-byte close date it used to keep and its room for two
// BandHits made it 464 bytes, which the allocator rounds up to 480; room
// for one BandHit, 416 (its lines now point at the evaluator's band hits:
// earnPlan.hits). Its exported fields alone take 360 bytes, so 384 is the
// smallest class it can have while they stay as they are.
func TestResultSizeClass(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the sizes are worked out for 64-bit words")
	}
	assert.Equal(t, uintptr(384), unsafe.Sizeof(Result{}))
	assert.Equal(t, uintptr(8), unsafe.Sizeof(dayKey(0)))
}

// A result's close date comes back as it went in, for every date DateOf
// can give (the only dates a result keeps) and the zero date.
func TestDayKeyRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Date
	}{
		{"zero", Date{}},
		{"a close date", Date{2026, time.November, 3}},
		{"last day of a year", Date{2026, time.December, 31}},
		{"first day", Date{2027, time.January, 1}},
		{"year 1", Date{1, time.January, 1}},
		{"year 0", Date{0, time.February, 29}},
		{"negative year", Date{-44, time.March, 15}},
		{"latest time", DateOf(time.Unix(math.MaxInt64-62135596800, 0).UTC())},
		{"earliest time", DateOf(time.Unix(math.MinInt64, 0).UTC())},
		{"largest year held", Date{dayKeyLimit - 1, time.December, 31}},
		{"smallest year held", Date{-dayKeyLimit, time.January, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := dayKeyOf(tc.d)
			assert.Equal(t, tc.d, k.day())
			assert.Equal(t, tc.d.IsZero(), k == 0)
		})
	}
}

// Packed dates keep their order: the key of a later date is larger (so a
// key is a date, not only a round trip of one).
func TestDayKeyOrder(t *testing.T) {
	dates := []Date{{-1, time.December, 31}, {0, time.January, 1}, {2026, time.February, 28}, {2026, time.March, 1}, {2026, time.March, 2}, {2027, time.January, 1}}
	for i := 1; i < len(dates); i++ {
		assert.Less(t, dayKeyOf(dates[i-1]), dayKeyOf(dates[i]), "%v before %v", dates[i-1], dates[i])
	}
}

// A date no DateOf gives (a month or day out of range, a year beyond
// +-2^53) packs as the zero date, never as another date.
func TestDayKeyOutOfRange(t *testing.T) {
	for _, d := range []Date{{2026, 16, 1}, {2026, time.May, 32}, {2026, -1, 1}, {dayKeyLimit, time.January, 1}, {-dayKeyLimit - 1, time.January, 1}} {
		assert.Equal(t, dayKey(0), dayKeyOf(d), "%v", d)
	}
}
