package growthref

import "time"

// The example program once more, over int64 minor units (cents) instead of
// decimals: the physical floor of the benchmarks, what the terms cost with
// no decimal arithmetic, no engine and no explanation. Rates are whole
// percents, so every product is exact in hundredths of a cent before it
// is rounded to cents (half up, as the program rounds). Amounts up to
// 9e16 cents (9e14 dollars) cannot overflow here; generated deals stay
// far below.

// MinorDeal is a Deal with its amount in cents.
type MinorDeal struct {
	Amount     int64 // cents
	Type       string
	Registered bool
	Segment    string
	Tier       string
	CloseDate  time.Time
}

// Minor returns d with its amount in cents, and false when the amount has
// fractions of a cent or does not fit.
func Minor(d *Deal) (MinorDeal, bool) {
	c := d.Amount.Shift(2)
	if !c.IsInteger() || c.NumDigits() > 17 {
		return MinorDeal{}, false
	}
	return MinorDeal{Amount: c.IntPart(), Type: d.Type, Registered: d.Registered, Segment: d.Segment, Tier: d.Tier, CloseDate: d.CloseDate}, true
}

// MinorPrior is Prior in cents.
type MinorPrior struct {
	Basis, Earned, BudgetUsed int64
}

// MinorResult is Result in cents.
type MinorResult struct {
	Eligible                     bool
	Total, Spiff, Kicker, Rebate int64
}

// roundCents rounds an amount in hundredths of a cent to cents, half
// away from zero as the program (and shopspring's Round) does: Go's
// division truncates toward zero, so a negative amount (a deal Minor
// accepts) is rounded as its absolute value and negated.
func roundCents(x int64) int64 {
	if x < 0 {
		return -((-x + 50) / 100)
	}
	return (x + 50) / 100
}

// marginalMinor is marginal over cents: what a quarter total of x cents
// earns, in hundredths of a cent (cents times the whole-percent rate).
func marginalMinor(x int64) int64 {
	const b1, b2 = 100_000_00, 250_000_00
	v := min(x, b1) * 1
	if x > b1 {
		v += (min(x, b2) - b1) * 2
	}
	if x > b2 {
		v += (x - b2) * 3
	}
	return v
}

// EvaluateMinor is Evaluate over cents.
func EvaluateMinor(d *MinorDeal, pr MinorPrior) MinorResult {
	if d.CloseDate.Before(start) || !d.CloseDate.Before(end) || !d.Registered {
		return MinorResult{}
	}
	switch d.Type {
	case "new_business", "upsell":
	default:
		return MinorResult{}
	}
	switch d.Tier {
	case "silver", "gold", "platinum":
	default:
		return MinorResult{}
	}
	r := MinorResult{Eligible: true}
	if d.Type == "new_business" {
		r.Spiff = min(roundCents(d.Amount*2), 1500_00) // 2%, line cap 1,500
	}
	hasKicker := false
	if d.Segment == "enterprise" && d.Amount >= 50_000_00 {
		r.Kicker, hasKicker = 500_00, true
	}
	if d.Tier == "platinum" {
		if p := roundCents(d.Amount * 1); !hasKicker || p > r.Kicker { // 1%
			r.Kicker = p
		}
	}
	r.Rebate = roundCents(marginalMinor(pr.Basis+d.Amount) - marginalMinor(pr.Basis))
	total := r.Spiff + r.Kicker + r.Rebate
	for _, room := range [3]int64{2500_00, 25_000_00 - pr.Earned, 250_000_00 - pr.BudgetUsed} {
		room = max(room, 0)
		if total > room {
			cut := total - room
			// The cut comes off the last line first.
			for _, l := range [3]*int64{&r.Rebate, &r.Kicker, &r.Spiff} {
				if cut > 0 && *l > 0 {
					take := min(*l, cut)
					*l -= take
					cut -= take
				}
			}
			total = room
		}
	}
	r.Total = total
	return r
}
