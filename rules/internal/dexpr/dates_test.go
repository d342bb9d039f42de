package dexpr

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDateFunctions checks each date function on hand-computed cases
// across month ends, leap days and year ends. Every expected value is
// counted on a calendar, as the comments show.
func TestDateFunctions(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		// days_between: to - from in calendar days.
		{`days_between(date("2026-01-31"), date("2026-02-01"))`, "1"},
		{`days_between(date("2026-02-01"), date("2026-01-31"))`, "-1"},
		{`days_between(date("2026-02-28"), date("2026-03-01"))`, "1"},   // 2026 is not a leap year
		{`days_between(date("2028-02-28"), date("2028-03-01"))`, "2"},   // 2028-02-29 lies between
		{`days_between(date("2026-01-01"), date("2027-01-01"))`, "365"}, // 365-day year
		{`days_between(date("2028-01-01"), date("2029-01-01"))`, "366"}, // leap year
		{`days_between(date("1900-02-28"), date("1900-03-01"))`, "1"},   // 1900: no leap day (century)
		{`days_between(date("2000-02-28"), date("2000-03-01"))`, "2"},   // 2000: leap day (divisible by 400)
		// the two DST changes of 2026 in New York: a date has no hours
		{`days_between(date("2026-03-07"), date("2026-03-09"))`, "2"},
		{`days_between(date("2026-10-31"), date("2026-11-02"))`, "2"},
		// 2026-10-01 .. 2026-12-31: 30 (rest of Oct) + 30 (Nov) + 31 (Dec) = 91 - 1... counted: Oct 1 -> Dec 31 = 30+30+31 = 91
		{`days_between(date("2026-10-01"), date("2026-12-31"))`, "91"},
		// add_days
		{`add_days(date("2026-01-31"), 1) == date("2026-02-01")`, "true"},
		{`add_days(date("2028-02-28"), 1) == date("2028-02-29")`, "true"},
		{`add_days(date("2026-02-28"), 1) == date("2026-03-01")`, "true"},
		{`add_days(date("2026-03-01"), -1) == date("2026-02-28")`, "true"},
		{`add_days(date("2026-12-31"), 1) == date("2027-01-01")`, "true"},
		{`add_days(date("2026-11-03"), 90) == date("2027-02-01")`, "true"}, // 27 (Nov) + 31 (Dec) + 31 (Jan) = 89 -> Feb 1 is day 90
		// add_months: the day is clamped to the target month's last day
		{`add_months(date("2026-01-31"), 1) == date("2026-02-28")`, "true"},
		{`add_months(date("2028-01-31"), 1) == date("2028-02-29")`, "true"},
		{`add_months(date("2026-03-31"), -1) == date("2026-02-28")`, "true"},
		{`add_months(date("2026-08-31"), 1) == date("2026-09-30")`, "true"},
		{`add_months(date("2026-11-15"), 3) == date("2027-02-15")`, "true"},
		{`add_months(date("2026-01-15"), -13) == date("2024-12-15")`, "true"},
		{`add_months(add_months(date("2026-01-31"), 1), 1) == date("2026-03-28")`, "true"}, // clamping is not undone
		// add_years
		{`add_years(date("2028-02-29"), 1) == date("2029-02-28")`, "true"},
		{`add_years(date("2028-02-29"), 4) == date("2032-02-29")`, "true"},
		{`add_years(date("2026-06-30"), -1) == date("2025-06-30")`, "true"},
		// months_between: whole months
		{`months_between(date("2026-01-15"), date("2026-02-14"))`, "0"},
		{`months_between(date("2026-01-15"), date("2026-02-15"))`, "1"},
		{`months_between(date("2026-01-31"), date("2026-02-28"))`, "1"}, // add_months(Jan 31, 1) = Feb 28
		{`months_between(date("2026-01-31"), date("2026-02-27"))`, "0"},
		{`months_between(date("2026-02-15"), date("2026-01-16"))`, "0"},
		{`months_between(date("2026-02-15"), date("2026-01-15"))`, "-1"},
		{`months_between(date("2025-11-30"), date("2027-02-28"))`, "15"}, // 12 + 3
		// periods
		{`year(date("2026-12-31"))`, "2026"},
		{`month(date("2026-03-08"))`, "3"},
		{`quarter(date("2026-03-31"))`, "1"},
		{`quarter(date("2026-04-01"))`, "2"},
		{`quarter(date("2026-12-01"))`, "4"},
		{`period(date("2026-03-08"), "month") == "2026-03"`, "true"},
		{`period(date("2026-11-01"), "quarter") == "2026-Q4"`, "true"},
		{`period(date("2026-11-01"), "year") == "2026"`, "true"},
		// a half year is January-June (H1), July-December (H2)
		{`period(date("2026-06-30"), "half") == "2026-H1"`, "true"},
		{`period(date("2026-07-01"), "half") == "2026-H2"`, "true"},
		{`period(date("2026-12-31"), "half") == "2026-H2"`, "true"},
	}
	env := mustEnv(t, testFields)
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			kind := Number
			if c.want == "true" || c.want == "false" {
				kind = Bool
			}
			x := mustCompile(t, env, c.src, kind)
			_, isConst := x.Constant()
			assert.True(t, isConst, "constant arguments fold at compile time")
			got := evalString(t, x, newScope(t, "1", nil))
			assert.Equal(t, c.want, got)
		})
	}
}

func evalString(t *testing.T, x *Expr, s *incentive.Scope) string {
	t.Helper()
	if x.Kind() == Bool {
		b, err := x.Holds(s)
		require.NoError(t, err)
		if b {
			return "true"
		}
		return "false"
	}
	v, err := x.Value(s)
	require.NoError(t, err)
	return v.String()
}

// TestDatesOfTheDeal reads the deal's dates at run time, in the program's
// time zone (America/New_York), around both 2026 DST changes.
func TestDatesOfTheDeal(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	env := mustEnv(t, testFields)
	cases := []struct {
		name  string
		close time.Time
		asOf  time.Time
		src   string
		want  string
	}{
		// 2026-03-08 02:00 EST jumps to 03:00 EDT. 23:30 New York on Mar 8
		// is 03:30 UTC on Mar 9; the date is Mar 8 in the program's zone.
		{"spring forward: the close date is the New York date", time.Date(2026, 3, 9, 3, 30, 0, 0, time.UTC), time.Time{},
			`deal.close_date == date("2026-03-08")`, "true"},
		// From 00:30 Mar 8 (EST) to 23:30 Mar 9 (EDT) is 46 hours; the
		// calendar says 1 day.
		{"spring forward: as-of one calendar day later", time.Date(2026, 3, 8, 0, 30, 0, 0, ny), time.Date(2026, 3, 9, 23, 30, 0, 0, ny),
			`days_between(deal.close_date, run.as_of)`, "1"},
		// 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:30 happens twice;
		// both are Nov 1.
		{"fall back: the repeated hour is Nov 1", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, ny),
			`days_between(deal.close_date, run.as_of)`, "1"},
		// 2026-11-01 04:30 UTC is 00:30 EDT Nov 1, not Oct 31 (UTC-4).
		{"fall back: just after midnight EDT", time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC), time.Time{},
			`period(deal.close_date, "month") == "2026-11"`, "true"},
		// 2026-11-01 03:30 UTC is 23:30 EDT Oct 31: still October, Q4.
		{"fall back: the evening before", time.Date(2026, 11, 1, 3, 30, 0, 0, time.UTC), time.Time{},
			`month(deal.close_date) * 10 + quarter(deal.close_date)`, "104"},
		// the registration was approved 2026-10-20 (see newScope)
		{"registration approval", time.Date(2026, 11, 3, 12, 0, 0, 0, ny), time.Time{},
			`days_between(deal.registration.approved, deal.close_date)`, "14"}, // Oct 20 -> Nov 3: 11 + 3
		{"registration valid 90 days", time.Date(2026, 11, 3, 12, 0, 0, 0, ny), time.Time{},
			`deal.close_date <= add_days(deal.registration.approved, 90)`, "true"},
		// a custom date field: signed 2026-01-31, one month later clamps
		{"custom date field", time.Date(2026, 11, 3, 12, 0, 0, 0, ny), time.Time{},
			`add_months(deal.signed, 1) == date("2026-02-28")`, "true"},
		{"months from a custom date to the close date", time.Date(2026, 11, 3, 12, 0, 0, 0, ny), time.Time{},
			`months_between(deal.signed, deal.close_date)`, "9"}, // Jan 31 -> Oct 31 is 9; Nov 30 is after Nov 3
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScope(t, "1", map[string]any{"segment": "x", "signed": incentive.Date{Year: 2026, Month: 1, Day: 31}})
			s.Deal.CloseDate = c.close
			s.SetAsOf(c.asOf)
			kind := Number
			if c.want == "true" || c.want == "false" {
				kind = Bool
			}
			x := mustCompile(t, env, c.src, kind)
			assert.Equal(t, c.want, evalString(t, x, s))
		})
	}
}

// TestDateRunErrors: an absent as-of date, an empty date and an overflow
// are positioned run-time errors with a sentinel.
func TestDateRunErrors(t *testing.T) {
	env := mustEnv(t, testFields)
	cases := []struct {
		src      string
		col      int
		sentinel error
		msg      string
	}{
		{`deal.amount > 0 && run.as_of > deal.close_date`, 20, incentive.ErrNoAsOf, "run.as_of is read, but this run was given no as-of date"},
		{`days_between(deal.signed, deal.close_date) > 30`, 1, ErrNoDate, "the date is empty"},
		{`add_days(deal.close_date, deal.term_months) > deal.close_date`, 1, ErrOverflow, "outside the years 1 to 9999"},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			s := newScope(t, "1", map[string]any{"segment": "x", "term_months": int64(9_000_000)})
			x := mustCompile(t, env, c.src, Bool)
			_, err := x.Holds(s)
			require.Error(t, err)
			assert.True(t, errors.Is(err, c.sentinel), "%v", err)
			var re *RunError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, 1, re.Line)
			assert.Equal(t, c.col, re.Col)
			assert.Contains(t, err.Error(), c.msg)
		})
	}
}

// TestDateCompileErrors: misuse is reported at the offending token.
func TestDateCompileErrors(t *testing.T) {
	env := mustEnv(t, testFields)
	cases := []struct {
		src      string
		col      int
		contains string
	}{
		{`days_between(deal.close_date) > 1`, 1, "days_between takes 2 argument(s), got 1; write days_between(from, to)"},
		{`days_between(deal.close_date, "2026-11-01") > 1`, 31, `argument 2 of days_between must be a date, not a string; write a date as date("2026-11-01")`},
		{`add_days(deal.close_date, 1.5) > deal.close_date`, 27, "argument 2 of add_days must be an int, not a decimal"},
		{`period(deal.close_date, "week") == "x"`, 25, `unknown period unit "week"`},
		{`period(deal.close_date, deal.segment) == "x"`, 25, `the unit of period must be the constant`},
		{`add_months(date("9999-12-31"), 1) > deal.close_date`, 1, "add_months: number out of range"},
		{`run.today > deal.close_date`, 5, "unknown field run.today"},
		{`run > deal.close_date`, 1, "run is a group of fields, not a value; use a field such as run.as_of"},
		{`deal.registration > deal.close_date`, 6, "deal.registration is a group of fields"},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			_, errs := env.Compile(c.src, Bool)
			require.NotEmpty(t, errs)
			assert.Equal(t, c.col, errs[0].Col, errs[0].Msg)
			assert.Contains(t, errs[0].Msg, c.contains)
		})
	}
}

// TestMonthsBetweenAgreesWithAddMonths checks the defining property of
// months_between against add_months over every pair of days in 2027-2028
// (a leap year included) a few months apart.
func TestMonthsBetweenAgreesWithAddMonths(t *testing.T) {
	start, _ := dayNumber(2027_01_01)
	for i := int64(0); i < 730; i += 3 {
		a, _ := codeOfDays(start + i)
		for j := int64(-100); j <= 100; j += 7 {
			b, _ := codeOfDays(start + i + j)
			n, err := monthsBetween(a, b)
			require.NoError(t, err)
			at, _ := addMonths(a, n)
			if b >= a {
				next, _ := addMonths(a, n+1)
				require.True(t, at <= b && next > b, "a=%d b=%d n=%d", a, b, n)
			} else {
				prev, _ := addMonths(a, n-1)
				require.True(t, at >= b && prev < b, "a=%d b=%d n=%d", a, b, n)
			}
		}
	}
}

// TestDayNumbersAgreeWithTime cross-checks the integer calendar with
// package time over 1900..2100.
func TestDayNumbersAgreeWithTime(t *testing.T) {
	for d := time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() <= 2100; d = d.AddDate(0, 0, 1) {
		code := dateCode(incentive.DateOf(d))
		n, err := dayNumber(code)
		require.NoError(t, err)
		days := d.Unix() / 86400 // d is at noon: for dates before 1970 the quotient rounds toward zero, up by one
		if d.Unix() < 0 {
			days--
		}
		require.Equal(t, days, n, "%v", d)
		back, err := codeOfDays(n)
		require.NoError(t, err)
		require.Equal(t, code, back)
	}
}
