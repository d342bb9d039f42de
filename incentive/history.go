package incentive

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// History is a partner's totals of earlier periods, supplied by the caller
// (Input.History): the eligible deal amount the partner closed in each
// period, in the program currency, keyed by the period's label as
// PeriodLabel writes it: "2026-03" (a month), "2026-Q1" (a quarter),
// "2026-H1" (a half year), "2026" (a year). Terms read it relative to the
// deal's period (see HistoryPath); a period that was not supplied is never
// guessed: reading it is an error wrapping ErrNoHistory. A period the
// partner closed nothing in is supplied as 0.
type History map[string]decimal.Decimal

// HistoryUnits lists the period kinds a history is read by.
func HistoryUnits() []Period { return CalendarPeriods() }

// months is the length of a calendar period of kind p in months (1, 3, 6,
// 12); 0 for PeriodProgram and a kind that is not a calendar period. Every
// calendar period starts on the first of a month whose number less one is
// a multiple of its length, so a shorter kind's periods nest in a longer
// kind's.
func (p Period) months() int {
	switch p {
	case PeriodMonth:
		return 1
	case PeriodQuarter:
		return 3
	case PeriodHalf:
		return 6
	case PeriodYear:
		return 12
	}
	return 0
}

// periodStart returns the first day of the period of kind per containing
// d: programStart for PeriodProgram (the whole window is one period). (A
// deal's path: each length divides by a constant, which months() would
// not; TestCalendarPeriods holds the two to the same periods.)
func periodStart(per Period, d Date, programStart Date) Date {
	m := int(d.Month) - 1
	switch per {
	case PeriodMonth:
	case PeriodQuarter:
		m = m / 3 * 3
	case PeriodHalf:
		m = m / 6 * 6
	case PeriodYear:
		m = 0
	default:
		return programStart
	}
	return Date{d.Year, time.Month(m + 1), 1}
}

// PeriodStart returns the first day of the calendar period of kind per
// containing d, as the engine counts a partner's periods (BasisPeriod,
// partner caps, settlements); programStart (Program.Effective.From) for
// PeriodProgram, whose one period is the effective window.
func PeriodStart(per Period, d, programStart Date) Date { return periodStart(per, d, programStart) }

// periodEnd returns the last day of the calendar period of kind per
// starting at d (the year's last day for a kind that is not a calendar
// period).
func periodEnd(per Period, d Date) Date {
	n := per.months()
	if n == 0 {
		return Date{d.Year, time.December, 31}
	}
	return d.AddMonths(n).AddDays(-1)
}

// PeriodLabel names the calendar period of unit containing d: "2026-03",
// "2026-Q1", "2026-H1" or "2026". It returns "" for another unit.
func PeriodLabel(unit Period, d Date) string {
	y := fmt.Sprintf("%04d", d.Year)
	k := (int(d.Month)-1)/max(unit.months(), 1) + 1
	switch unit {
	case PeriodMonth:
		return fmt.Sprintf("%s-%02d", y, k)
	case PeriodQuarter:
		return y + "-Q" + strconv.Itoa(k)
	case PeriodHalf:
		return y + "-H" + strconv.Itoa(k)
	case PeriodYear:
		return y
	}
	return ""
}

// PeriodBefore returns the label of the period of unit that lies back
// periods before the one containing d (back 1: the previous month,
// quarter, half year or year).
func PeriodBefore(unit Period, d Date, back int) string {
	n := unit.months()
	if n == 0 {
		return ""
	}
	return PeriodLabel(unit, Date{d.Year, d.Month, 1}.AddMonths(-n*back))
}

// HistoryPath is the Scope path of the partner's total in the period of
// unit back periods before the deal's period (by its close date in the
// program's time zone): "history.quarter.1" is the previous quarter's.
func HistoryPath(unit Period, back int) string {
	return "history." + string(unit) + "." + strconv.Itoa(back)
}

// parseHistoryPath splits "history.<unit>.<back>".
func parseHistoryPath(path string) (Period, int, bool) {
	rest, ok := strings.CutPrefix(path, "history.")
	if !ok {
		return "", 0, false
	}
	u, n, ok := strings.Cut(rest, ".")
	if !ok {
		return "", 0, false
	}
	back, err := strconv.Atoi(n)
	if err != nil || back < 1 || back > MaxHistoryBack {
		return "", 0, false
	}
	if Period(u).months() > 0 {
		return Period(u), back, true
	}
	return "", 0, false
}

// PeriodLabelPattern is the regular expression (RE2 and JSON Schema alike)
// of the label of a month, quarter, half year or year, as PeriodLabel
// writes them: IsPeriodLabel and the rules' JSON schema read it, so they
// cannot accept different labels.
const PeriodLabelPattern = `^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$`

// periodLabelRE matches the label of a month, quarter, half year or year.
var periodLabelRE = regexp.MustCompile(PeriodLabelPattern)

// IsPeriodLabel reports whether s labels a month ("2026-03"), a quarter
// ("2026-Q1"), a half year ("2026-H1") or a year ("2026") as PeriodLabel
// writes them.
func IsPeriodLabel(s string) bool { return periodLabelRE.MatchString(s) }

// MaxHistoryBack is how many periods back terms may read (ten years of
// months).
const MaxHistoryBack = 120

// HistoryTotal returns the partner's total in the period of unit back
// periods before the deal's period, from s.History. A period not supplied
// is an error wrapping ErrNoHistory that names the period and the partner.
func (s *Scope) HistoryTotal(unit Period, back int) (decimal.Decimal, error) {
	d := DateOf(s.Deal.CloseDate.In(s.Program.Effective.Loc()))
	label := PeriodBefore(unit, d, back)
	if label == "" {
		return decimal.Decimal{}, fmt.Errorf("%w: unknown period unit %q", ErrNoHistory, string(unit))
	}
	v, ok := s.History[label]
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w: partner %q has no total for %s (%d %s(s) before the deal's %s %s); supply it in the partner's history, as 0 if the partner closed nothing then",
			ErrNoHistory, s.partnerID(), label, back, unit, unit, PeriodLabel(unit, d))
	}
	return v, nil
}

func (s *Scope) partnerID() string {
	if s.Deal.PartnerID != "" {
		return s.Deal.PartnerID
	}
	return s.Partner.ID
}
