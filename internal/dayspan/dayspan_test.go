package dayspan

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below, wherever the test runs

	"pgregory.net/rapid"
)

// zones with daylight saving days: New York (the run's example program),
// Lord Howe (half an hour), Sao Paulo and Beirut (changes at midnight: a
// day that starts at 01:00, or one with 23:00 twice), Chatham (+12:45)
// and a fixed zone of an odd offset.
var zones = func() []*time.Location {
	out := []*time.Location{time.UTC, time.FixedZone("odd", -(3*3600 + 27*60 + 13))}
	for _, name := range []string{"America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Beirut", "Pacific/Chatham"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			panic(err)
		}
		out = append(out, loc)
	}
	return out
}()

// A Memo gives t.In(loc).Date() for instants in order (a run's close
// dates, minutes to hours apart, across daylight saving days) and out of
// order, in every zone, switching zones and going back to one.
func TestPropertyMemoDate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var c Memo
		// Around 2026 and 1990-2010 (Sao Paulo and Beirut changed clocks
		// at midnight then), by steps of up to a day and a half.
		at := time.Unix(rapid.Int64Range(631152000, 1893456000).Draw(t, "start"), 0)
		for range rapid.IntRange(1, 200).Draw(t, "n") {
			loc := zones[rapid.IntRange(0, len(zones)-1).Draw(t, "zone")]
			switch rapid.IntRange(0, 5).Draw(t, "move") {
			case 0: // anywhere
				at = time.Unix(rapid.Int64Range(631152000, 1893456000).Draw(t, "jump"), rapid.Int64Range(0, 999999999).Draw(t, "ns"))
			case 1: // back a little
				at = at.Add(-time.Duration(rapid.Int64Range(0, int64(36*time.Hour)).Draw(t, "back")))
			default: // on
				at = at.Add(time.Duration(rapid.Int64Range(0, int64(36*time.Hour)).Draw(t, "on")))
			}
			y, m, d := c.Date(at, loc)
			wy, wm, wd := at.In(loc).Date()
			if y != wy || m != wm || d != wd {
				t.Fatalf("%s in %s: %d-%02d-%02d, want %d-%02d-%02d", at.UTC(), loc, y, m, d, wy, wm, wd)
			}
		}
	})
}

// Every second around each midnight and each change of offset in the
// zones from 1990 to 2027 reads the day time.Time.Date gives, the memo
// filled from earlier in the day (by a second before it) or from the
// previous day.
func TestMemoDateAtDayEdges(t *testing.T) {
	for _, loc := range zones {
		var c Memo
		at := time.Date(1990, 1, 1, 12, 0, 0, 0, loc)
		stop := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
		for at.Before(stop) {
			// The next change of offset or the next midnight, whichever
			// comes first, and the seconds around it.
			_, end := at.ZoneBounds()
			y, m, d := at.Date()
			next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
			if !end.IsZero() && end.Before(next) && end.After(at) {
				next = end
			}
			for s := -3; s <= 3; s++ {
				u := next.Add(time.Duration(s) * time.Second)
				gy, gm, gd := c.Date(u, loc)
				wy, wm, wd := u.In(loc).Date()
				if gy != wy || gm != wm || gd != wd {
					t.Fatalf("%s in %s: %d-%02d-%02d, want %d-%02d-%02d", u.UTC(), loc, gy, gm, gd, wy, wm, wd)
				}
			}
			if !next.After(at) {
				t.Fatalf("%s: stuck at %s", loc, at)
			}
			at = next.Add(time.Hour)
		}
	}
}

// Of's span holds the instant and is a day long, and is refused on the
// days New York changes its clocks (2026-03-08 and 2026-11-01).
func TestOf(t *testing.T) {
	ny := zones[2]
	for _, tt := range []struct {
		at   time.Time
		ok   bool
		from string
	}{
		{time.Date(2026, 10, 15, 9, 30, 0, 0, ny), true, "2026-10-15 04:00:00 +0000 UTC"}, // EDT, UTC-4
		{time.Date(2026, 12, 15, 23, 59, 59, 0, ny), true, "2026-12-15 05:00:00 +0000 UTC"},
		{time.Date(2026, 11, 1, 12, 0, 0, 0, ny), false, ""},
		{time.Date(2026, 3, 8, 1, 0, 0, 0, ny), false, ""},
	} {
		_, _, _, from, to, ok := Of(tt.at)
		if ok != tt.ok {
			t.Fatalf("%s: ok %v, want %v", tt.at, ok, tt.ok)
		}
		if !ok {
			continue
		}
		if got := time.Unix(from, 0).UTC().String(); got != tt.from || to-from != 86400 {
			t.Fatalf("%s: from %s, to %d s later, want %s and 86400", tt.at, got, to-from, tt.from)
		}
	}
}
