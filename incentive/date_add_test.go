package incentive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"pgregory.net/rapid"
)

// addDaysRef is AddDays through time.Date, as it was computed before the
// integer fast path.
func addDaysRef(d Date, n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// AddDays on dates worked out by hand: month, year and leap-day edges,
// negative years, and out-of-range fields that time.Date normalises.
func TestAddDays(t *testing.T) {
	tests := []struct {
		d    Date
		n    int
		want Date
	}{
		{Date{2026, 11, 3}, 60, Date{2027, 1, 2}},      // Nov 27 days left + Dec 31 = 58: Jan 2
		{Date{2026, 12, 31}, 1, Date{2027, 1, 1}},      // year end
		{Date{2028, 2, 28}, 1, Date{2028, 2, 29}},      // leap year
		{Date{2100, 2, 28}, 1, Date{2100, 3, 1}},       // 2100 is not a leap year
		{Date{2000, 2, 28}, 1, Date{2000, 2, 29}},      // 2000 is
		{Date{2026, 3, 1}, -1, Date{2026, 2, 28}},      // backwards
		{Date{1970, 1, 1}, -1, Date{1969, 12, 31}},     // before the epoch
		{Date{0, 3, 1}, -1, Date{0, 2, 29}},            // year 0 is a leap year
		{Date{-1, 12, 31}, 1, Date{0, 1, 1}},           // negative years
		{Date{2026, 1, 1}, 365, Date{2027, 1, 1}},      // a common year
		{Date{2024, 1, 1}, 366, Date{2025, 1, 1}},      // a leap year
		{Date{2026, 2, 30}, 0, Date{2026, 3, 2}},       // not a date: normalised as time.Date does
		{Date{2026, 13, 1}, 0, Date{2027, 1, 1}},       // month 13
		{Date{}, 1, Date{-1, 12, 1}},                   // 0000-00-00: month 0 is December of year -1, day 0 + 1 = 1
		{Date{9999, 12, 31}, 1, Date{10000, 1, 1}},     // beyond four digits
		{Date{2026, 6, 15}, 146097, Date{2426, 6, 15}}, // 400 years are 146097 days
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.d.AddDays(tt.n), "%v + %d", tt.d, tt.n)
		assert.Equal(t, addDaysRef(tt.d, tt.n), tt.d.AddDays(tt.n), "%v + %d against time.Date", tt.d, tt.n)
	}
}

// AddDays agrees with time.Date on every day from 1890 to 2110 moved by
// day counts around a month, a quarter and a year, and on random dates
// and counts (valid or not, years beyond the fast path's bound too).
func TestPropertyAddDays(t *testing.T) {
	for d := (Date{1890, 1, 1}); d.Year < 2110; d = addDaysRef(d, 1) {
		for _, n := range []int{0, 1, -1, 29, 30, 31, 60, 90, -90, 365, 366, -366} {
			if got, want := d.AddDays(n), addDaysRef(d, n); got != want {
				t.Fatalf("%v + %d: %v, time.Date %v", d, n, got, want)
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		d := Date{rapid.IntRange(-1_200_000, 1_200_000).Draw(t, "y"), time.Month(rapid.IntRange(-1, 14).Draw(t, "m")), rapid.IntRange(-2, 33).Draw(t, "d")}
		n := rapid.IntRange(-500_000_000, 500_000_000).Draw(t, "n")
		if rapid.Bool().Draw(t, "small") {
			n = rapid.IntRange(-1000, 1000).Draw(t, "n small")
		}
		if got, want := d.AddDays(n), addDaysRef(d, n); got != want {
			t.Fatalf("%v + %d: %v, time.Date %v", d, n, got, want)
		}
	})
}
