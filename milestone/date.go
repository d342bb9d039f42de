package milestone

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day without a time of day or a zone. Due dates,
// plan starts and measurements are dates; the clock that health is
// computed against is turned into today's Date in a stated location (see
// Config.Location).
//
// The zero Date is "no date".
type Date struct {
	// days is the number of days since 0001-01-01 plus one, so that the
	// zero value is "no date".
	days int64
}

// epoch is the first representable day.
var epochUnix = time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC).Unix()

const secondsPerDay = 24 * 60 * 60

// NewDate returns the date y-m-d, normalizing out-of-range values the way
// time.Date does (month 13 is January of the next year).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{days: (u.Unix()-epochUnix)/secondsPerDay + 1}
}

// ErrBadDate reports a date that is not written YYYY-MM-DD.
var ErrBadDate = errors.New("milestone: want a date written YYYY-MM-DD")

// ParseDate parses a date written YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w, got %q", ErrBadDate, s)
	}
	return DateOf(t), nil
}

// MustDate parses a date written YYYY-MM-DD and panics when it is not:
// for literals in tests and examples only.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d.days == 0 }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time {
	return time.Unix((d.days-1)*secondsPerDay+epochUnix, 0).UTC()
}

// Parts returns the year, month and day of d.
func (d Date) Parts() (int, time.Month, int) { return d.Time().Date() }

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return Date{days: d.days + int64(n)} }

// DaysSince returns the number of days from o to d: positive when d is
// after o.
func (d Date) DaysSince(o Date) int { return int(d.days - o.days) }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.days < o.days }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.days > o.days }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.days < o.days:
		return -1
	case d.days > o.days:
		return 1
	}
	return 0
}

// String renders d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// MarshalText renders d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func maxDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}
