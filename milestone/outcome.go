package milestone

import "github.com/shopspring/decimal"

// OutcomeStatus is how an outcome stands by its trend.
type OutcomeStatus string

// Outcome statuses.
const (
	// OutcomeMet: the latest measurement reached the target.
	OutcomeMet OutcomeStatus = "met"
	// OutcomeOnTrack: the trend reaches the target by the due date.
	OutcomeOnTrack OutcomeStatus = "on_track"
	// OutcomeOffTrack: the trend falls short of the target at the due
	// date.
	OutcomeOffTrack OutcomeStatus = "off_track"
	// OutcomeMissed: the due date passed without the target being met.
	OutcomeMissed OutcomeStatus = "missed"
	// OutcomeNoData: no measurement after the plan's start yet, so there
	// is no trend.
	OutcomeNoData OutcomeStatus = "no_data"
)

// OutcomeStatuses lists the outcome statuses, worst first.
func OutcomeStatuses() []OutcomeStatus {
	return []OutcomeStatus{OutcomeMissed, OutcomeOffTrack, OutcomeNoData, OutcomeOnTrack, OutcomeMet}
}

// OutcomeHealth is an outcome's standing on a day.
//
// Only measurements on or before the due date count: an outcome reached
// after its date was missed, and one reached by its date stays met
// whatever later readings say.
//
// Trend rule: the trend is the straight line from the baseline on the
// plan's start day to the latest measurement (the one with the latest day
// not after the due date; the last recorded on a tie), that is the average rate of progress since
// the start, continued to the due date:
//
//	projected = latest + (latest - baseline) * (due - latestDay) / (latestDay - start)
//
// The outcome is met when the latest value is at least the target; else
// missed when today is after the due date; else no_data when there is no
// measurement after the start day; else on track when projected >= target
// and off track otherwise. The comparison is exact (it is made without
// dividing).
type OutcomeHealth struct {
	ID     string
	Name   string
	Metric string
	Unit   string
	Status OutcomeStatus
	Target decimal.Decimal
	Due    Date
	// Latest is the latest value measured by the due date (the baseline
	// when none) and LatestOn its day (zero when none).
	Latest   decimal.Decimal
	LatestOn Date
	// Projected is the trend's value at the due date, rounded half up to
	// 2 decimal places for display; zero unless on or off track.
	Projected decimal.Decimal
}

func outcomeHealth(p *Plan, o *Outcome, today Date) OutcomeHealth {
	oh := OutcomeHealth{ID: o.ID, Name: o.Name, Metric: o.Metric, Unit: o.Unit, Target: o.Target, Due: o.Due, Latest: o.Baseline}
	var latest *Measurement
	for i := range o.Progress {
		if o.Progress[i].On.After(o.Due) {
			continue // too late to count: the target was due by then
		}
		if latest == nil || !o.Progress[i].On.Before(latest.On) {
			latest = &o.Progress[i]
		}
	}
	if latest != nil {
		oh.Latest, oh.LatestOn = latest.Value, latest.On
	}
	switch {
	case oh.Latest.Cmp(o.Target) >= 0:
		oh.Status = OutcomeMet
		return oh
	case today.After(o.Due):
		oh.Status = OutcomeMissed
		return oh
	case latest == nil || !latest.On.After(p.Start):
		oh.Status = OutcomeNoData
		return oh
	}
	span := decimal.NewFromInt(int64(latest.On.DaysSince(p.Start)))
	remain := decimal.NewFromInt(int64(o.Due.DaysSince(latest.On)))
	// projected * span = latest*span + (latest-baseline)*remain
	scaled := latest.Value.Mul(span).Add(latest.Value.Sub(o.Baseline).Mul(remain))
	oh.Projected = scaled.DivRound(span, 2)
	if scaled.Cmp(o.Target.Mul(span)) >= 0 {
		oh.Status = OutcomeOnTrack
	} else {
		oh.Status = OutcomeOffTrack
	}
	return oh
}
