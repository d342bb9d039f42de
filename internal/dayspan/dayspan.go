// Package dayspan remembers the calendar day of instants that come in
// order, such as a run's close dates: thousands of deals share a day, and
// finding an instant's date in a location (time.Time.In, then Date) costs
// more than testing whether it falls in the day found last.
package dayspan

import "time"

// Of returns t's calendar date in t's location and, when the location's
// offset from UTC does not change during that day, the Unix seconds of the
// day's first instant (from) and of the first instant after it (to): from
// <= t.Unix() < to. ok is false on a day the offset changes (daylight
// saving time begins or ends), whose clock does not run evenly from
// midnight to midnight.
func Of(t time.Time) (y int, m time.Month, d int, from, to int64, ok bool) {
	y, m, d = t.Date()
	h, mi, s := t.Clock()
	from = t.Unix() - int64(h*3600+mi*60+s)
	to = from + 24*3600
	// The zone's interval holds the whole day: local time is UTC plus one
	// offset from from to to, so midnight is at from and the next at to.
	zs, ze := t.ZoneBounds()
	ok = (zs.IsZero() || zs.Unix() <= from) && (ze.IsZero() || ze.Unix() >= to)
	return y, m, d, from, to, ok
}

// Memo remembers the last day Date found. The zero Memo is empty. A Memo
// is not safe for use by several goroutines at once.
type Memo struct {
	loc      *time.Location
	from, to int64 // [from, to): the day's instants in Unix seconds
	y        int
	m        time.Month
	d        int
}

// Date returns t.In(loc).Date(), for a loc that is not nil: the day
// remembered when t falls in it (the same location, by pointer), else
// found and remembered (unless the offset changes that day, see Of).
func (c *Memo) Date(t time.Time, loc *time.Location) (int, time.Month, int) {
	// (Unix seconds round down, so s <= t < s+1: t is in [from, to)
	// exactly when s is, as from and to are whole seconds.)
	if s := t.Unix(); loc == c.loc && s >= c.from && s < c.to {
		return c.y, c.m, c.d
	}
	y, m, d, from, to, ok := Of(t.In(loc))
	if ok {
		c.loc, c.from, c.to, c.y, c.m, c.d = loc, from, to, y, m, d
	} else {
		c.loc = nil
	}
	return y, m, d
}
