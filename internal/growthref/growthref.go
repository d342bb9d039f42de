// Package growthref is the bundled example program
// (examples/programs/q4-growth.yaml) hand-written in Go with
// shopspring/decimal. It is the baseline that benchmarks compare the engine
// and the compiled YAML against, and a second, independent implementation
// that tests check the engine against. It is not a way to run programs.
package growthref

import (
	"time"

	"github.com/shopspring/decimal"
)

// Deal is what the program reads of a deal and its partner.
type Deal struct {
	ID, PartnerID string
	Amount        decimal.Decimal // USD
	Type          string
	Registered    bool
	Segment       string
	Tier          string
	CloseDate     time.Time
	// regID is "R-" + ID when Generate made the deal (see Input).
	regID string
	// seg is 1 + Segment's index in genSegments when Generate made the
	// deal (see Input), else 0.
	seg int8
}

// Prior is the partner's quarter totals and the program's budget use before
// the deal.
type Prior struct {
	Basis, Earned, BudgetUsed decimal.Decimal
}

// Result is what one deal earns.
type Result struct {
	Eligible bool
	Total    decimal.Decimal
	Spiff    decimal.Decimal
	Kicker   decimal.Decimal // the higher of the two kickers
	Rebate   decimal.Decimal
}

var (
	loc, _      = time.LoadLocation("America/New_York")
	start       = time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	end         = time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	spiffRate   = decimal.RequireFromString("0.02")
	spiffCap    = decimal.NewFromInt(1500)
	entMin      = decimal.NewFromInt(50000)
	entKicker   = decimal.NewFromInt(500)
	platRate    = decimal.RequireFromString("0.01")
	b1, b2      = decimal.NewFromInt(100000), decimal.NewFromInt(250000)
	r1, r2, r3  = decimal.RequireFromString("0.01"), decimal.RequireFromString("0.02"), decimal.RequireFromString("0.03")
	dealCap     = decimal.NewFromInt(2500)
	partnerCap  = decimal.NewFromInt(25000)
	budget      = decimal.NewFromInt(250000)
	zero        = decimal.Zero
	noneEarned  = Result{}
	eligibleTyp = map[string]bool{"new_business": true, "upsell": true}
	tiers       = map[string]bool{"silver": true, "gold": true, "platinum": true}
)

// marginal is what a quarter total x earns under the rebate bands.
func marginal(x decimal.Decimal) decimal.Decimal {
	v := decimal.Min(x, b1).Mul(r1)
	if x.Cmp(b1) > 0 {
		v = v.Add(decimal.Min(x, b2).Sub(b1).Mul(r2))
	}
	if x.Cmp(b2) > 0 {
		v = v.Add(x.Sub(b2).Mul(r3))
	}
	return v
}

// Evaluate computes one deal from the partner's and program's totals before it.
func Evaluate(d *Deal, pr Prior) Result {
	if d.CloseDate.Before(start) || !d.CloseDate.Before(end) ||
		!d.Registered || !eligibleTyp[d.Type] || !tiers[d.Tier] {
		return noneEarned
	}
	var r Result
	r.Eligible = true
	if d.Type == "new_business" {
		r.Spiff = decimal.Min(d.Amount.Mul(spiffRate), spiffCap).Round(2)
	}
	hasKicker := false
	if d.Segment == "enterprise" && d.Amount.Cmp(entMin) >= 0 {
		r.Kicker, hasKicker = entKicker, true
	}
	if d.Tier == "platinum" {
		if p := d.Amount.Mul(platRate).Round(2); !hasKicker || p.Cmp(r.Kicker) > 0 {
			r.Kicker = p
		}
	}
	r.Rebate = marginal(pr.Basis.Add(d.Amount)).Sub(marginal(pr.Basis)).Round(2)
	total := r.Spiff.Add(r.Kicker).Add(r.Rebate)
	for _, room := range []decimal.Decimal{dealCap, partnerCap.Sub(pr.Earned), budget.Sub(pr.BudgetUsed)} {
		if room.Sign() < 0 {
			room = zero
		}
		if total.Cmp(room) > 0 {
			cut := total.Sub(room)
			// The cut comes off the last line first.
			for _, l := range []*decimal.Decimal{&r.Rebate, &r.Kicker, &r.Spiff} {
				if cut.Sign() > 0 && l.Sign() > 0 {
					take := decimal.Min(*l, cut)
					*l = l.Sub(take)
					cut = cut.Sub(take)
				}
			}
			total = room
		}
	}
	r.Total = total
	return r
}

// State carries the partner quarter totals and budget use across a run of
// deals in close order.
type State struct {
	partners   map[string]*quarter
	budgetUsed decimal.Decimal
}

type quarter struct {
	key           int
	basis, earned decimal.Decimal
}

// NewState returns an empty state.
func NewState() *State { return &State{partners: map[string]*quarter{}} }

// Next evaluates the next deal of a run and adds it to the totals.
func (s *State) Next(d *Deal) Result {
	t := d.CloseDate.In(loc)
	key := t.Year()*4 + (int(t.Month())-1)/3
	q := s.partners[d.PartnerID]
	if q == nil || q.key != key {
		q = &quarter{key: key}
		s.partners[d.PartnerID] = q
	}
	r := Evaluate(d, Prior{Basis: q.basis, Earned: q.earned, BudgetUsed: s.budgetUsed})
	if r.Eligible {
		q.basis = q.basis.Add(d.Amount)
		q.earned = q.earned.Add(r.Total)
		s.budgetUsed = s.budgetUsed.Add(r.Total)
	}
	return r
}
