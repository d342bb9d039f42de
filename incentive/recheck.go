package incentive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// ErrOutcomeDiffers is returned by Evaluator.Recheck when the deal,
// evaluated again, does not compute what the stored result says.
var ErrOutcomeDiffers = errors.New("the deal evaluated again differs from the stored result")

// Recheck evaluates the deal again with the explanation, as Evaluate does,
// and returns the new result when it computes exactly what stored says:
// eligibility and the failed clause, the payee and payment method, every
// line and lost line (gross, amount, band, cap cuts, product-line items),
// the total, values, shares, hold, conversion, claim date and expiry;
// the explanation aside. Otherwise it
// returns an error wrapping ErrOutcomeDiffers that names the first
// difference.
//
// It serves a service that keeps the results of EvaluateNoTrace (or
// EvaluateNoTraceInto, copied) and explains a deal only when asked: the
// explanation it returns is then the one of the amounts that were paid,
// and a deal whose input, terms or rates changed since is refused rather
// than explained with different figures. It checks what was computed, not
// every value read: a deal field that changed without changing any
// outcome (read by a condition that fails either way) explains the new
// value. Give the input and as-of instant of the first evaluation; a
// result of a Run read running totals that its Input does not carry (give
// them as in.Prior), so rechecked alone it differs wherever they mattered.
func (e *Evaluator) Recheck(ctx context.Context, in Input, asOf time.Time, stored *Result) (*Result, error) {
	if stored == nil {
		return nil, ErrNilResult
	}
	r, err := e.Evaluate(ctx, in, asOf)
	if err != nil {
		return nil, err
	}
	if d := outcomeDiff(stored, r); d != "" {
		return nil, fmt.Errorf("%w: deal %s: %s", ErrOutcomeDiffers, r.DealID, d)
	}
	return r, nil
}

// outcomeDiff names the first field in which b's outcome differs from a's
// ("" when none does), the trace aside. Amounts compare by value: a
// stored result read back from JSON has 0.00 where the engine's has 0.
func outcomeDiff(a, b *Result) string {
	was := func(what string, x, y any) string { return fmt.Sprintf("%s was %v, now %v", what, x, y) }
	switch {
	case a.Program != b.Program:
		return was("the program", a.Program, b.Program)
	case a.DealID != b.DealID:
		return was("the deal", a.DealID, b.DealID)
	case a.PartnerID != b.PartnerID:
		return was("the partner", a.PartnerID, b.PartnerID)
	case a.Payee != b.Payee || a.PayeeName != b.PayeeName:
		return was("the payee", a.Payee+" "+a.PayeeName, b.Payee+" "+b.PayeeName)
	case a.PaymentMethod != b.PaymentMethod:
		return was("the payment method", a.PaymentMethod, b.PaymentMethod)
	case a.Eligible != b.Eligible:
		return was("eligible", a.Eligible, b.Eligible)
	case a.Failed != b.Failed:
		return was("the failed clause", a.Failed, b.Failed)
	case a.Credits != b.Credits:
		return was("the credited deal", a.Credits, b.Credits)
	case !sameMoney(a.Total, b.Total):
		return was("the total", a.Total, b.Total)
	case a.ClaimBy != b.ClaimBy:
		return was("the claim date", a.ClaimBy, b.ClaimBy)
	case a.Expired != b.Expired:
		return was("expired", a.Expired, b.Expired)
	}
	if d := linesDiff("line", a.Lines, b.Lines); d != "" {
		return d
	}
	if d := linesDiff("lost line", a.Lost, b.Lost); d != "" {
		return d
	}
	if len(a.Values) != len(b.Values) {
		return was("the number of values", len(a.Values), len(b.Values))
	}
	for i := range a.Values {
		if a.Values[i] != b.Values[i] {
			return was("value "+a.Values[i].Name, a.Values[i].Value, b.Values[i].Value)
		}
	}
	if len(a.Shares) != len(b.Shares) {
		return was("the number of shares", len(a.Shares), len(b.Shares))
	}
	for i := range a.Shares {
		x, y := &a.Shares[i], &b.Shares[i]
		if x.PartnerID != y.PartnerID || x.Via != y.Via || !sameMoney(x.Amount, y.Amount) || len(x.Lines) != len(y.Lines) {
			return was("share "+x.PartnerID, x.Amount, y.Amount)
		}
		for j := range x.Lines {
			if x.Lines[j].Earning != y.Lines[j].Earning || x.Lines[j].Type != y.Lines[j].Type || !sameMoney(x.Lines[j].Amount, y.Lines[j].Amount) {
				return was("share "+x.PartnerID+" of "+x.Lines[j].Earning, x.Lines[j].Amount, y.Lines[j].Amount)
			}
		}
	}
	switch {
	case (a.Hold == nil) != (b.Hold == nil) || a.Hold != nil && *a.Hold != *b.Hold:
		return was("the hold", a.Hold, b.Hold)
	case (a.Conversion == nil) != (b.Conversion == nil):
		return was("the conversion", a.Conversion, b.Conversion)
	}
	if c, d := a.Conversion, b.Conversion; c != nil && (!sameMoney(c.From, d.From) || !sameMoney(c.To, d.To) || !sameDec(c.Rate.Rate, d.Rate.Rate) ||
		c.Rate.From != d.Rate.From || c.Rate.To != d.Rate.To || c.Rate.AsOf != d.Rate.AsOf || c.Rate.Source != d.Rate.Source || c.Rate.ValidFrom != d.Rate.ValidFrom || c.Rate.ValidTo != d.Rate.ValidTo) {
		return was("the conversion", fmt.Sprintf("%s at %s", c.To, c.Rate.Rate), fmt.Sprintf("%s at %s", d.To, d.Rate.Rate))
	}
	return ""
}

func sameDec(a, b decimal.Decimal) bool { return a.Equal(b) }

func sameMoney(a, b Money) bool { return a.currency == b.currency && sameDec(a.amount, b.amount) }

// linesDiff names the first difference between two results' lines.
func linesDiff(what string, a, b []Line) string {
	if len(a) != len(b) {
		return fmt.Sprintf("the number of %ss was %d, now %d", what, len(a), len(b))
	}
	for i := range a {
		x, y := &a[i], &b[i]
		name := what + " " + x.Earning
		switch {
		case x.Earning != y.Earning || x.Type != y.Type || x.Group != y.Group:
			return fmt.Sprintf("%s %d was %s, now %s", what, i+1, x.Earning, y.Earning)
		case !sameMoney(x.Gross, y.Gross):
			return fmt.Sprintf("%s: gross was %s, now %s", name, x.Gross, y.Gross)
		case !sameMoney(x.Amount, y.Amount):
			return fmt.Sprintf("%s: amount was %s, now %s", name, x.Amount, y.Amount)
		case (x.Band == nil) != (y.Band == nil) || x.Band != nil && !sameBand(x.Band, y.Band):
			return name + ": the band differs"
		case len(x.Cuts) != len(y.Cuts):
			return fmt.Sprintf("%s: %d cap cuts, now %d", name, len(x.Cuts), len(y.Cuts))
		case len(x.Items) != len(y.Items):
			return fmt.Sprintf("%s: %d product-line items, now %d", name, len(x.Items), len(y.Items))
		}
		for j := range x.Cuts {
			c, d := &x.Cuts[j], &y.Cuts[j]
			if c.Cap != d.Cap || c.Scope != d.Scope || !sameDec(c.Limit, d.Limit) || !sameDec(c.Cut, d.Cut) {
				return fmt.Sprintf("%s: cap cut %d was %s of %s, now %s of %s", name, j+1, c.Cut, c.Limit, d.Cut, d.Limit)
			}
		}
		for j := range x.Items {
			c, d := &x.Items[j], &y.Items[j]
			if c.Index != d.Index || c.Product != d.Product || c.Applies != d.Applies || !sameDec(c.Amount, d.Amount) || c.Reason != d.Reason {
				return fmt.Sprintf("%s: product line %d was %s, now %s", name, c.Index, c.Amount, d.Amount)
			}
		}
	}
	return ""
}

// sameBand compares two band hits by what they say (a stored result read
// back from JSON has its own BandHit).
func sameBand(a, b *BandHit) bool { return a == b || *a == *b }
