package dexpr

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/partnerops/partnerops/incentive"
)

// Date arithmetic. A date is a calendar date (no time, no zone): the
// program's time zone has already turned instants into dates when they are
// read (deal.close_date, run.as_of), so every function here counts
// calendar days and months and cannot be off by one across a daylight
// saving change. At run time a date is its code yyyymmdd (an int64, see
// dateCode); the functions convert it to a day number (days since
// 1970-01-01 in the proleptic Gregorian calendar) and back with exact
// integer arithmetic, without package time and without a clock.

// ErrNoDate is wrapped by the run-time error of a date function given the
// empty date: a missing optional date field, or deal.registration.approved
// of a deal without an approved registration.
var ErrNoDate = errors.New("no date")

// minDate and maxDate bound the results of date arithmetic.
const (
	minDate int64 = 1_01_01    // 0001-01-01
	maxDate int64 = 9999_12_31 // 9999-12-31
)

// splitDate returns the year, month and day of a date code.
func splitDate(c int64) (y, m, d int64) { return c / 10000, c / 100 % 100, c % 100 }

func joinDate(y, m, d int64) int64 { return y*10000 + m*100 + d }

// daysFromCivil returns the day number of y-m-d (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days of month m of year y.
func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dayNumber checks a date code and returns its day number.
func dayNumber(c int64) (int64, error) {
	if c == 0 {
		return 0, fmt.Errorf("%w: the date is empty (a missing optional date field, or no approved registration)", ErrNoDate)
	}
	y, m, d := splitDate(c)
	if c < minDate || c > maxDate || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("%w: %d is not a date", ErrOverflow, c)
	}
	return daysFromCivil(y, m, d), nil
}

func codeOfDays(n int64) (int64, error) {
	if n < daysFromCivil(1, 1, 1) || n > daysFromCivil(9999, 12, 31) {
		return 0, fmt.Errorf("%w: the date is outside the years 1 to 9999", ErrOverflow)
	}
	return joinDate(civilFromDays(n)), nil
}

// daysBetween returns b - a in calendar days.
func daysBetween(a, b int64) (int64, error) {
	x, err := dayNumber(a)
	if err != nil {
		return 0, err
	}
	y, err := dayNumber(b)
	if err != nil {
		return 0, err
	}
	return y - x, nil
}

// addDays returns the date n days after d (before it for n < 0).
func addDays(d, n int64) (int64, error) {
	x, err := dayNumber(d)
	if err != nil {
		return 0, err
	}
	if n > 1<<32 || n < -(1<<32) {
		return 0, fmt.Errorf("%w: the date is outside the years 1 to 9999", ErrOverflow)
	}
	return codeOfDays(x + n)
}

// addMonths returns the date n months after d, with the day clamped to the
// last day of the target month: 2026-01-31 + 1 month is 2026-02-28,
// 2028-01-31 + 1 month is 2028-02-29.
func addMonths(d, n int64) (int64, error) {
	if _, err := dayNumber(d); err != nil {
		return 0, err
	}
	if n > 12*10000 || n < -12*10000 {
		return 0, fmt.Errorf("%w: the date is outside the years 1 to 9999", ErrOverflow)
	}
	y, m, day := splitDate(d)
	months := y*12 + (m - 1) + n
	ny, nm := months/12, months%12+1
	if months < 0 || ny < 1 || ny > 9999 {
		return 0, fmt.Errorf("%w: the date is outside the years 1 to 9999", ErrOverflow)
	}
	return joinDate(ny, nm, min(day, daysIn(ny, nm))), nil
}

// addYears is addMonths by 12n: 2028-02-29 + 1 year is 2029-02-28.
func addYears(d, n int64) (int64, error) {
	if n > 10000 || n < -10000 {
		return 0, fmt.Errorf("%w: the date is outside the years 1 to 9999", ErrOverflow)
	}
	return addMonths(d, 12*n)
}

// monthsBetween returns the number of whole months from a to b: for b on
// or after a, the largest n with add_months(a, n) <= b; for b before a,
// the smallest (negative) n with add_months(a, n) >= b. So months_between(2026-01-31, 2026-02-28)
// is 1 (the clamped month end counts as a whole month) and
// months_between(2026-01-15, 2026-02-14) is 0.
func monthsBetween(a, b int64) (int64, error) {
	if _, err := daysBetween(a, b); err != nil {
		return 0, err
	}
	ya, ma, _ := splitDate(a)
	yb, mb, _ := splitDate(b)
	n := (yb-ya)*12 + (mb - ma)
	at, _ := addMonths(a, n)
	switch {
	case b >= a && at > b:
		n--
	case b < a && at < b:
		n++
	}
	return n, nil
}

// periodUnits lists the units of period(), history() and its kin, as
// the DSL writes them: incentive's calendar period kinds.
var periodUnits = incentive.EnumNames(incentive.CalendarPeriods())

// unitsText is periodUnits as the checker's messages quote them:
// "month", "quarter", "half" or "year".
var unitsText = func() string {
	q := periodUnitsQuoted()
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}()

// periodUnitsQuoted is periodUnits, each quoted.
func periodUnitsQuoted() []string {
	q := make([]string, len(periodUnits))
	for i, n := range periodUnits {
		q[i] = strconv.Quote(n)
	}
	return q
}

// periodOf names the calendar period of d as incentive.PeriodLabel does:
// "2026-03" (month), "2026-Q1" (quarter), "2026-H1" (half year), "2026"
// (year).
func periodOf(d int64, unit string) (string, error) {
	if _, err := dayNumber(d); err != nil {
		return "", err
	}
	y, m, day := splitDate(d)
	if !slices.Contains(periodUnits, unit) {
		return "", fmt.Errorf("period: unknown unit %q (want %s)", unit, unitsText)
	}
	return incentive.PeriodLabel(incentive.Period(unit), incentive.Date{Year: int(y), Month: time.Month(m), Day: int(day)}), nil
}

func yearOf(d int64) (int64, error) {
	if _, err := dayNumber(d); err != nil {
		return 0, err
	}
	return d / 10000, nil
}

func monthOf(d int64) (int64, error) {
	if _, err := dayNumber(d); err != nil {
		return 0, err
	}
	return d / 100 % 100, nil
}

func quarterOf(d int64) (int64, error) {
	m, err := monthOf(d)
	return (m-1)/3 + 1, err
}

// dateFn describes one date function for the checker: its argument types,
// its result type and its implementation on run-time values.
type dateFn struct {
	name     string
	internal string
	args     []typ
	result   typ
	usage    string
	// run computes the result from run-time values (int64 date codes and
	// ints; a string unit for period).
	run func(args []any) (any, error)
}

func d1(f func(int64) (int64, error)) func([]any) (any, error) {
	return func(a []any) (any, error) {
		v, err := f(a[0].(int64))
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

func d2(f func(int64, int64) (int64, error)) func([]any) (any, error) {
	return func(a []any) (any, error) {
		v, err := f(a[0].(int64), a[1].(int64))
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

var dateFns = map[string]*dateFn{
	"days_between":   {internal: "_tdays", args: []typ{tDate, tDate}, result: tInt, usage: "days_between(from, to)", run: d2(daysBetween)},
	"months_between": {internal: "_tmonths", args: []typ{tDate, tDate}, result: tInt, usage: "months_between(from, to)", run: d2(monthsBetween)},
	"add_days":       {internal: "_taddd", args: []typ{tDate, tInt}, result: tDate, usage: "add_days(date, n)", run: d2(addDays)},
	"add_months":     {internal: "_taddm", args: []typ{tDate, tInt}, result: tDate, usage: "add_months(date, n)", run: d2(addMonths)},
	"add_years":      {internal: "_tadday", args: []typ{tDate, tInt}, result: tDate, usage: "add_years(date, n)", run: d2(addYears)},
	"year":           {internal: "_tyear", args: []typ{tDate}, result: tInt, usage: "year(date)", run: d1(yearOf)},
	"quarter":        {internal: "_tquarter", args: []typ{tDate}, result: tInt, usage: "quarter(date)", run: d1(quarterOf)},
	"month":          {internal: "_tmonth", args: []typ{tDate}, result: tInt, usage: "month(date)", run: d1(monthOf)},
	"period":         {internal: "_tperiod", args: []typ{tDate, tString}, result: tString, usage: `period(date, "month" | "quarter" | "half" | "year")`},
}

func init() {
	dateFns["period"].run = func(a []any) (any, error) {
		s, err := periodOf(a[0].(int64), a[1].(string))
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	for name, f := range dateFns {
		f.name = name
		ins := make([]reflect.Type, len(f.args))
		for i, t := range f.args {
			ins[i] = goType[t]
		}
		spec := fnSpec{sig: sig(goType[f.result], ins...)}
		run := f.run
		switch len(f.args) {
		case 1:
			spec.un = func(a any) (any, error) { return run([]any{a}) }
		case 2:
			spec.bin = func(a, b any) (any, error) { return run([]any{a, b}) }
		}
		specs[f.internal] = spec
	}
}

// dateCall checks a call of a date function: arity, argument types, a
// constant unit for period; it folds the call when every argument is
// constant.
func (c *checker) dateCall(f *dateFn, args []val, loc file.Location) val {
	if len(args) != len(f.args) {
		return c.errorf(loc, "%s takes %d argument(s), got %d; write %s", f.name, len(f.args), len(args), f.usage)
	}
	for i, want := range f.args {
		a := args[i]
		if a.t != want {
			hint := ""
			if want == tDate && a.t == tString {
				hint = `; write a date as date("2026-11-01")`
			}
			return c.errorf(a.start, "argument %d of %s must be %s, not %s%s (%s)", i+1, f.name, want.a(), a.t.a(), hint, f.usage)
		}
	}
	if f.name == "period" {
		u := args[1]
		if !u.isC {
			return c.errorf(u.start, "the unit of period must be the constant %s", unitsText)
		}
		if !slices.Contains(periodUnits, u.c.(string)) {
			return c.errorf(u.start, "unknown period unit %q; want %s", u.c.(string), unitsText)
		}
	}
	allC := true
	for _, a := range args {
		allC = allC && a.isC
	}
	if allC {
		in := make([]any, len(args))
		for i, a := range args {
			in[i] = a.c
		}
		v, err := f.run(in)
		if err != nil {
			return c.errorf(loc, "%s: %v", f.name, err)
		}
		return constant(f.result, v, loc)
	}
	nodes := make([]ast.Node, len(args))
	for i, a := range args {
		nodes[i] = materialize(a, a.start)
	}
	return val{t: f.result, node: call(f.internal, loc, nodes...), start: loc}
}

// asOfCode returns the as-of date of the run in the program's time zone,
// or an error wrapping incentive.ErrNoAsOf when the run has none.
func asOfCode(s *incentive.Scope) (int64, error) {
	asOf, ok := s.AsOf()
	if !ok {
		return 0, fmt.Errorf("%w: run.as_of is read, but this run was given no as-of date (partnerops run -as-of DATE, `as_of:` in a test, or the asOf argument in Go)", incentive.ErrNoAsOf)
	}
	loc := time.UTC
	if s.Program != nil {
		loc = s.Program.Effective.Loc()
	}
	return dateCode(incentive.DateOf(asOf.In(loc))), nil
}
