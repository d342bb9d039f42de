package incentive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Every calendar period kind starts, ends, is named and counts back as a
// calendar on the wall says; a half year is January to June (H1) and July
// to December (H2).
func TestCalendarPeriods(t *testing.T) {
	d := func(y int, m time.Month, day int) Date { return Date{y, m, day} }
	programStart := d(2026, time.March, 15)
	for _, tc := range []struct {
		per        Period
		day        Date
		start, end Date
		label      string
		back1      string // PeriodBefore(per, day, 1)
		back3      string // PeriodBefore(per, day, 3)
	}{
		{PeriodMonth, d(2027, time.May, 20), d(2027, time.May, 1), d(2027, time.May, 31), "2027-05", "2027-04", "2027-02"},
		{PeriodQuarter, d(2027, time.May, 20), d(2027, time.April, 1), d(2027, time.June, 30), "2027-Q2", "2027-Q1", "2026-Q3"},
		// May is in the first half: Jan 1 to Jun 30; back 1 is the
		// second half of 2026, back 3 the second half of 2025.
		{PeriodHalf, d(2027, time.May, 20), d(2027, time.January, 1), d(2027, time.June, 30), "2027-H1", "2026-H2", "2025-H2"},
		{PeriodHalf, d(2027, time.June, 30), d(2027, time.January, 1), d(2027, time.June, 30), "2027-H1", "2026-H2", "2025-H2"},
		// July 1 starts the second half, which ends on Dec 31.
		{PeriodHalf, d(2027, time.July, 1), d(2027, time.July, 1), d(2027, time.December, 31), "2027-H2", "2027-H1", "2026-H1"},
		{PeriodHalf, d(2027, time.December, 31), d(2027, time.July, 1), d(2027, time.December, 31), "2027-H2", "2027-H1", "2026-H1"},
		{PeriodYear, d(2027, time.May, 20), d(2027, time.January, 1), d(2027, time.December, 31), "2027", "2026", "2024"},
	} {
		t.Run(string(tc.per)+" "+tc.day.String(), func(t *testing.T) {
			start := PeriodStart(tc.per, tc.day, programStart)
			assert.Equal(t, tc.start, start)
			n := tc.per.months() // the start as the period's length says
			assert.Equal(t, Date{tc.day.Year, time.Month((int(tc.day.Month)-1)/n*n + 1), 1}, start)
			assert.Equal(t, tc.end, periodEnd(tc.per, start))
			assert.Equal(t, tc.label, PeriodLabel(tc.per, tc.day))
			assert.Equal(t, tc.label, subKey(tc.per, tc.day))
			assert.True(t, IsPeriodLabel(tc.label), tc.label)
			assert.Equal(t, tc.back1, PeriodBefore(tc.per, tc.day, 1))
			assert.Equal(t, tc.back3, PeriodBefore(tc.per, tc.day, 3))
		})
	}
	// The program's one period starts at the program's start.
	assert.Equal(t, programStart, PeriodStart(PeriodProgram, d(2027, time.May, 20), programStart))
	assert.Equal(t, "", PeriodLabel(PeriodProgram, d(2027, time.May, 20)))
	for _, s := range []string{"2027-H0", "2027-H3", "2027-h1", "2027-S1", "27-H1"} {
		assert.False(t, IsPeriodLabel(s), s)
	}
	// Shorter kinds nest in longer ones: the sub-period check of
	// settlements ranks them by length.
	assert.Less(t, periodRank(PeriodQuarter), periodRank(PeriodHalf))
	assert.Less(t, periodRank(PeriodHalf), periodRank(PeriodYear))
	assert.Zero(t, periodRank(PeriodProgram))
	_, _, ok := parseHistoryPath("history.half.2")
	assert.True(t, ok)
}
