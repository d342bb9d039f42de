package partner

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Attribution says how a partner contributed to a deal.
type Attribution string

// Attributions. The zero value means Sourced.
const (
	// Sourced: the partner found the deal (a partner-sourced opportunity).
	Sourced Attribution = "sourced"
	// Influenced: the vendor found the deal and the partner helped win it.
	Influenced Attribution = "influenced"
)

// Attributions lists the attributions.
func Attributions() []Attribution { return []Attribution{Sourced, Influenced} }

// DealFact is one closed deal, as plain input to the metrics.
type DealFact struct {
	ID        string
	PartnerID string
	Closed    time.Time
	Won       bool
	// Amount is in the reporting currency (the caller converts).
	Amount      decimal.Decimal
	Attribution Attribution
}

// LeadKind says whether a submission is a lead or an opportunity.
type LeadKind string

// Lead kinds. The zero value means Lead.
const (
	Lead        LeadKind = "lead"
	Opportunity LeadKind = "opportunity"
)

// LeadFact is one lead or opportunity a partner submitted.
type LeadFact struct {
	ID        string
	PartnerID string
	Kind      LeadKind
	Submitted time.Time
	// Converted: a lead became an opportunity, an opportunity was won.
	Converted bool
}

// Granularity is the length of the periods unique transacting partners are
// counted over.
type Granularity string

// Granularities. The zero value means Month.
const (
	Month   Granularity = "month"
	Quarter Granularity = "quarter"
	// Half is a half year: January to June, July to December.
	Half Granularity = "half"
	Year Granularity = "year"
)

// Granularities lists the granularities.
func Granularities() []Granularity { return []Granularity{Month, Quarter, Half, Year} }

// MetricsInput is everything the metrics read: no storage is assumed.
type MetricsInput struct {
	Partners []*Partner
	Deals    []DealFact
	Leads    []LeadFact
	// From and To bound the reporting window [From, To): deals closed and
	// leads submitted in it count. AsOf is when states, tiers and time in
	// state are read; the zero AsOf means To.
	From, To, AsOf time.Time
	// Period is the length of the periods of unique transacting partners,
	// read in Location (UTC when nil).
	Period   Granularity
	Location *time.Location
	// Scale is the number of decimal places of rates; 0 means 4.
	Scale int32
}

// PartnerMetrics are one partner's figures.
type PartnerMetrics struct {
	PartnerID string
	State     State // at AsOf
	Tier      Tier  // at AsOf
	// TimeInState is the time spent in each state from the first recorded
	// event to AsOf (time before the first event is not known).
	TimeInState map[State]time.Duration
	// OnboardingStarted and Activated are the first entry into onboarding
	// and the first activation after it (zero when none by AsOf).
	OnboardingStarted, Activated time.Time
	// TimeToActivation is Activated - OnboardingStarted (0 when not
	// activated).
	TimeToActivation time.Duration
	// FirstWon is the close of the first won deal (at any time); TimeToFirstDeal
	// is FirstWon - Activated when both are known and in that order.
	FirstWon        time.Time
	TimeToFirstDeal time.Duration
	// Window figures.
	Leads, LeadsConverted, Opportunities, OpportunitiesWon int
	ClosedWon, ClosedLost                                  int
	SourcedRevenue, InfluencedRevenue                      decimal.Decimal
}

// PeriodCount is a count for one period starting at Start.
type PeriodCount struct {
	Start time.Time
	Count int
}

// BookMetrics are the figures across the book of partners.
type BookMetrics struct {
	Partners int
	ByType   map[Type]int
	ByTier   map[Tier]int
	ByRegion map[string]int
	ByState  map[State]int
	// TimeInState sums the partners' time in each state (see
	// PartnerMetrics.TimeInState).
	TimeInState map[State]time.Duration
	// OnboardingStarted counts partners that entered onboarding by AsOf,
	// Activated those of them activated after; OnboardingCompletion is
	// Activated / OnboardingStarted.
	OnboardingStarted, Activated int
	OnboardingCompletion         decimal.Decimal
	// NewOnboarding and NewlyActivated count the partners whose
	// onboarding started, or who were first activated, in the window: the
	// "partners onboarded" of a period.
	NewOnboarding, NewlyActivated int
	// MedianTimeToActivation and MedianTimeToFirstDeal are over the
	// partners that have one (the lower middle for an even count).
	MedianTimeToActivation, MedianTimeToFirstDeal time.Duration
	// Window figures; the conversions are LeadsConverted / Leads and
	// OpportunitiesWon / Opportunities (zero when nothing was submitted).
	Leads, LeadsConverted, Opportunities, OpportunitiesWon int
	LeadConversion, OpportunityConversion                  decimal.Decimal
	ClosedWon, ClosedLost                                  int
	SourcedRevenue, InfluencedRevenue                      decimal.Decimal
	// SourcedShare is SourcedRevenue / (SourcedRevenue + InfluencedRevenue).
	SourcedShare decimal.Decimal
	// UniqueTransacting counts, per period of the window, the partners
	// with at least one won deal closed in it.
	UniqueTransacting []PeriodCount
	// PerPartner holds each partner's figures, ordered by partner id.
	PerPartner []PartnerMetrics
}

// ErrMetricsInput is returned (wrapped) for an unusable MetricsInput.
var ErrMetricsInput = errors.New("partner: invalid metrics input")

// ComputeMetrics computes the per-partner and book figures. Deals and
// leads of partners not in Partners count in the book totals (and in
// unique transacting partners) but have no PartnerMetrics.
func ComputeMetrics(in MetricsInput) (*BookMetrics, error) {
	if in.From.IsZero() || in.To.IsZero() || !in.From.Before(in.To) {
		return nil, fmt.Errorf("%w: the window needs From before To", ErrMetricsInput)
	}
	if in.Period != "" && !slices.Contains(Granularities(), in.Period) {
		return nil, fmt.Errorf("%w: unknown period %q (one of %s)", ErrMetricsInput, in.Period, joinList(Granularities()))
	}
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = in.To
	}
	scale := in.Scale
	if scale <= 0 {
		scale = 4
	}
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	inWindow := func(t time.Time) bool { return !t.Before(in.From) && t.Before(in.To) }

	b := &BookMetrics{ByType: map[Type]int{}, ByTier: map[Tier]int{}, ByRegion: map[string]int{}, ByState: map[State]int{},
		TimeInState: map[State]time.Duration{}}
	index := make(map[string]int, len(in.Partners))
	b.PerPartner = make([]PartnerMetrics, 0, len(in.Partners))
	for i, p := range in.Partners {
		if p == nil {
			return nil, fmt.Errorf("%w: partners[%d] is nil", ErrMetricsInput, i)
		}
		if _, dup := index[p.ID]; dup {
			return nil, fmt.Errorf("%w: partner %q is listed twice", ErrMetricsInput, p.ID)
		}
		m := partnerTimes(p, asOf)
		index[p.ID] = len(b.PerPartner)
		b.PerPartner = append(b.PerPartner, m)
		b.Partners++
		b.ByType[p.Type]++
		b.ByTier[m.Tier]++
		b.ByRegion[p.Region]++
		b.ByState[m.State]++
		for st, dur := range m.TimeInState {
			b.TimeInState[st] += dur
		}
		if !m.OnboardingStarted.IsZero() {
			b.OnboardingStarted++
			if inWindow(m.OnboardingStarted) {
				b.NewOnboarding++
			}
			if !m.Activated.IsZero() {
				b.Activated++
				if inWindow(m.Activated) {
					b.NewlyActivated++
				}
			}
		}
	}
	pm := func(id string) *PartnerMetrics {
		if i, ok := index[id]; ok {
			return &b.PerPartner[i]
		}
		return nil
	}
	for _, l := range in.Leads {
		if !inWindow(l.Submitted) {
			continue
		}
		m := pm(l.PartnerID)
		switch l.Kind {
		case Lead, "":
			b.Leads++
			if m != nil {
				m.Leads++
			}
			if l.Converted {
				b.LeadsConverted++
				if m != nil {
					m.LeadsConverted++
				}
			}
		case Opportunity:
			b.Opportunities++
			if m != nil {
				m.Opportunities++
			}
			if l.Converted {
				b.OpportunitiesWon++
				if m != nil {
					m.OpportunitiesWon++
				}
			}
		default:
			return nil, fmt.Errorf("%w: lead %q has unknown kind %q", ErrMetricsInput, l.ID, l.Kind)
		}
	}
	periods := periodStarts(in.From.In(loc), in.To.In(loc), cmpOr(in.Period, Month))
	transacting := make([]map[string]bool, len(periods))
	for _, dl := range in.Deals {
		m := pm(dl.PartnerID)
		if dl.Won && m != nil && !dl.Closed.After(asOf) && (m.FirstWon.IsZero() || dl.Closed.Before(m.FirstWon)) {
			m.FirstWon = dl.Closed
		}
		if !inWindow(dl.Closed) {
			continue
		}
		if !dl.Won {
			b.ClosedLost++
			if m != nil {
				m.ClosedLost++
			}
			continue
		}
		b.ClosedWon++
		var rev *decimal.Decimal
		var prev *decimal.Decimal
		switch dl.Attribution {
		case Sourced, "":
			rev = &b.SourcedRevenue
			if m != nil {
				prev = &m.SourcedRevenue
			}
		case Influenced:
			rev = &b.InfluencedRevenue
			if m != nil {
				prev = &m.InfluencedRevenue
			}
		default:
			return nil, fmt.Errorf("%w: deal %q has unknown attribution %q", ErrMetricsInput, dl.ID, dl.Attribution)
		}
		*rev = rev.Add(dl.Amount)
		if m != nil {
			m.ClosedWon++
			*prev = prev.Add(dl.Amount)
		}
		// The period a deal falls in: the last start not after its close.
		t := dl.Closed.In(loc)
		i, found := slices.BinarySearchFunc(periods, t, func(s, t time.Time) int { return s.Compare(t) })
		if !found {
			i--
		}
		if transacting[i] == nil {
			transacting[i] = map[string]bool{}
		}
		transacting[i][dl.PartnerID] = true
	}
	for i, s := range periods {
		b.UniqueTransacting = append(b.UniqueTransacting, PeriodCount{Start: s, Count: len(transacting[i])})
	}
	var toAct, toDeal []time.Duration
	for i := range b.PerPartner {
		m := &b.PerPartner[i]
		if !m.Activated.IsZero() {
			toAct = append(toAct, m.TimeToActivation)
			if !m.FirstWon.IsZero() && !m.FirstWon.Before(m.Activated) {
				m.TimeToFirstDeal = m.FirstWon.Sub(m.Activated)
				toDeal = append(toDeal, m.TimeToFirstDeal)
			}
		}
	}
	b.MedianTimeToActivation = median(toAct)
	b.MedianTimeToFirstDeal = median(toDeal)
	b.OnboardingCompletion = ratio(b.Activated, b.OnboardingStarted, scale)
	b.LeadConversion = ratio(b.LeadsConverted, b.Leads, scale)
	b.OpportunityConversion = ratio(b.OpportunitiesWon, b.Opportunities, scale)
	if total := b.SourcedRevenue.Add(b.InfluencedRevenue); !total.IsZero() {
		b.SourcedShare = b.SourcedRevenue.DivRound(total, scale)
	}
	slices.SortFunc(b.PerPartner, func(x, y PartnerMetrics) int { return cmp.Compare(x.PartnerID, y.PartnerID) })
	return b, nil
}

// partnerTimes reads a partner's state, tier, time in state and onboarding
// times at asOf from its history.
func partnerTimes(p *Partner, asOf time.Time) PartnerMetrics {
	m := PartnerMetrics{PartnerID: p.ID, TimeInState: map[State]time.Duration{}, State: p.StateAt(asOf), Tier: p.TierAt(asOf)}
	var cur State
	var since time.Time
	for i := range p.History {
		e := &p.History[i]
		if !e.isState() {
			continue
		}
		if e.At.After(asOf) {
			break
		}
		if !since.IsZero() {
			m.TimeInState[cur] += e.At.Sub(since)
		}
		cur, since = e.To, e.At
		switch {
		case e.To == Onboarding && m.OnboardingStarted.IsZero():
			m.OnboardingStarted = e.At
		case e.To == Active && !m.OnboardingStarted.IsZero() && m.Activated.IsZero():
			m.Activated = e.At
			m.TimeToActivation = e.At.Sub(m.OnboardingStarted)
		}
	}
	if !since.IsZero() {
		m.TimeInState[cur] += asOf.Sub(since)
	}
	return m
}

// periodStarts returns the starts of the periods covering [from, to).
func periodStarts(from, to time.Time, g Granularity) []time.Time {
	y, mo, _ := from.Date()
	var start time.Time
	step := 1
	switch g {
	case Quarter:
		start = time.Date(y, (mo-1)/3*3+1, 1, 0, 0, 0, 0, from.Location())
		step = 3
	case Half:
		start = time.Date(y, (mo-1)/6*6+1, 1, 0, 0, 0, 0, from.Location())
		step = 6
	case Year:
		start = time.Date(y, 1, 1, 0, 0, 0, 0, from.Location())
		step = 12
	default:
		start = time.Date(y, mo, 1, 0, 0, 0, 0, from.Location())
	}
	var out []time.Time
	for s := start; s.Before(to); s = s.AddDate(0, step, 0) {
		out = append(out, s)
	}
	if len(out) > 0 && out[0].Before(from) {
		out[0] = from // the first period starts with the window
	}
	return out
}

// ratio is n/d rounded half up to scale places, zero when d is zero.
func ratio(n, d int, scale int32) decimal.Decimal {
	if d == 0 {
		return decimal.Decimal{}
	}
	return decimal.NewFromInt(int64(n)).DivRound(decimal.NewFromInt(int64(d)), scale)
}

// median returns the middle duration (the lower middle for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[(len(ds)-1)/2]
}
