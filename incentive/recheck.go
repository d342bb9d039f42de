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
// the program (id, version, hash), deal, partner and credited deal,
// eligibility and the failed clause, the payee and payment method, every
// line and lost line (gross, amount, band, cap cuts, product-line items),
// the total, values, shares, hold, conversion, claim date and expiry; the
// explanation aside. Otherwise it returns an error wrapping
// ErrOutcomeDiffers that names the first difference with both its values
// ("the total was 240.00 USD, now 300.00 USD"), or Evaluate's error when
// the deal does not evaluate.
//
// It serves a service that keeps the results of EvaluateNoTrace (or
// EvaluateNoTraceInto, copied) and explains a deal only when asked: the
// explanation it returns is then the one of the amounts that were paid,
// and a deal whose input, terms or rates changed since is refused rather
// than explained with different figures. It checks what was computed, not
// every value read: a deal field that changed without changing any
// outcome (read by a condition that fails either way) explains the new
// value, and so does a close date moved within the window, claim window
// and hold (a result read back from JSON does not carry the day, so it is
// not compared), though the day decides the statement period that pays
// the deal.
//
// Give the input and as-of instant of the first evaluation. A result of a
// Run read running totals that its Input does not carry (give them as
// in.Prior, and RunOptions.Rates as in.Rates), so rechecked alone it
// differs wherever they mattered; a credit note, which evaluates only in a
// run after the deal it credits, cannot be rechecked alone (Evaluate's
// error, wrapping ErrUnknownDeal).
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
// ("" when none does), the trace aside, in words that show both values
// ("line rebate: amount was 2,400.00 USD, now 3,000.00 USD"). Amounts compare
// by value: a stored result read back from JSON has 0.00 where the
// engine's has 0.
func outcomeDiff(a, b *Result) string {
	was := func(what string, x, y any) string { return fmt.Sprintf("%s was %v, now %v", what, x, y) }
	switch {
	case a.Program.ID != b.Program.ID || a.Program.Version != b.Program.Version:
		return was("the program", programText(a.Program), programText(b.Program))
	case a.Program.Hash != b.Program.Hash:
		return was("the program's terms (hash)", orNone(a.Program.Hash), orNone(b.Program.Hash))
	case a.DealID != b.DealID:
		return was("the deal", a.DealID, b.DealID)
	case a.PartnerID != b.PartnerID:
		return was("the partner", a.PartnerID, b.PartnerID)
	// Eligibility before what follows from it (an ineligible deal has no
	// payee): "the payee was partner, now none" would hide the clause.
	case a.Eligible != b.Eligible:
		return was("eligible", eligibleText(a), eligibleText(b))
	case a.Failed != b.Failed:
		return was("the failed clause", orNone(a.Failed), orNone(b.Failed))
	case a.Payee != b.Payee || a.PayeeName != b.PayeeName:
		return was("the payee", payeeText(a), payeeText(b))
	case a.PaymentMethod != b.PaymentMethod:
		return was("the payment method", orNone(string(a.PaymentMethod)), orNone(string(b.PaymentMethod)))
	case a.Credits != b.Credits:
		return was("the credited deal", orNone(a.Credits), orNone(b.Credits))
	}
	// The hold and the conversion before the amounts they change: a void
	// or another rate is the reason a total moved, and the refusal is all
	// finance reads (there is no explanation of a refused deal).
	if x, y := holdText(a.Hold), holdText(b.Hold); x != y {
		return was("the hold", x, y)
	}
	if c, d := a.Conversion, b.Conversion; (c == nil) != (d == nil) || c != nil && (!sameMoney(c.From, d.From) || !sameMoney(c.To, d.To) || !sameDec(c.Rate.Rate, d.Rate.Rate) ||
		c.Rate.From != d.Rate.From || c.Rate.To != d.Rate.To || c.Rate.AsOf != d.Rate.AsOf || c.Rate.Source != d.Rate.Source || c.Rate.ValidFrom != d.Rate.ValidFrom || c.Rate.ValidTo != d.Rate.ValidTo) {
		return was("the conversion", conversionText(c), conversionText(d))
	}
	switch {
	case !sameMoney(a.Total, b.Total):
		return was("the total", moneyWords(a.Total), moneyWords(b.Total))
	case a.ClaimBy != b.ClaimBy:
		return was("the claim date", dateText(a.ClaimBy), dateText(b.ClaimBy))
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
		x, y := a.Values[i], b.Values[i]
		switch {
		case x.Name != y.Name:
			return was(fmt.Sprintf("value %d", i+1), x.Name, y.Name)
		case x.Value != y.Value:
			return was("value "+x.Name, x.Value, y.Value)
		}
	}
	if len(a.Shares) != len(b.Shares) {
		return was("the number of shares", len(a.Shares), len(b.Shares))
	}
	for i := range a.Shares {
		x, y := &a.Shares[i], &b.Shares[i]
		name := "share " + x.PartnerID
		switch {
		case x.PartnerID != y.PartnerID || x.Via != y.Via:
			return was(fmt.Sprintf("share %d", i+1), x.PartnerID+" (via "+x.Via+")", y.PartnerID+" (via "+y.Via+")")
		case !sameMoney(x.Amount, y.Amount):
			return was(name, moneyWords(x.Amount), moneyWords(y.Amount))
		case len(x.Lines) != len(y.Lines):
			return was(name+": the number of lines", len(x.Lines), len(y.Lines))
		}
		for j := range x.Lines {
			c, d := &x.Lines[j], &y.Lines[j]
			switch {
			case c.Earning != d.Earning || c.Type != d.Type:
				return was(fmt.Sprintf("%s: line %d", name, j+1), c.Earning+" ("+string(c.Type)+")", d.Earning+" ("+string(d.Type)+")")
			case !sameMoney(c.Amount, d.Amount):
				return was(name+" of "+c.Earning, moneyWords(c.Amount), moneyWords(d.Amount))
			}
		}
	}
	return ""
}

func sameDec(a, b decimal.Decimal) bool { return a.Equal(b) }

func sameMoney(a, b Money) bool { return a.currency == b.currency && sameDec(a.amount, b.amount) }

// moneyWords writes an amount as the explanation's words do: thousands
// grouped, the currency's minor places, the currency named ("2,400.00
// USD"); two amounts of different value never read the same.
func moneyWords(m Money) string { return amountText(m.amount, m.currency) }

func amountText(d decimal.Decimal, c Currency) string {
	if c == "" {
		return fmtAmount(d, c)
	}
	return fmtAmount(d, c) + " " + string(c)
}

// eligibleText is "true", or "false (failed: <clause>)".
func eligibleText(r *Result) string {
	if r.Eligible {
		return "true"
	}
	if r.Failed == "" {
		return "false"
	}
	return "false (failed: " + r.Failed + ")"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func dateText(d Date) string {
	if d.IsZero() {
		return "none"
	}
	return d.String()
}

func programText(p ProgramRef) string { return p.ID + " version " + itoa(p.Version) }

func payeeText(r *Result) string {
	if r.PayeeName == "" {
		return orNone(r.Payee)
	}
	return orNone(r.Payee) + " (" + r.PayeeName + ")"
}

// holdText says everything a hold status says, "none" for nil.
func holdText(h *HoldStatus) string {
	if h == nil {
		return "none"
	}
	s := "from " + dateText(h.Start) + ", maturing on " + dateText(h.MaturesOn)
	if h.Held {
		s += ", held"
	} else {
		s += ", not held"
	}
	if h.Void || h.VoidField != "" || !h.VoidDate.IsZero() {
		if h.Void {
			s += ", void"
		} else {
			s += ", not void"
		}
		s += " by " + orNone(h.VoidField) + " on " + dateText(h.VoidDate)
	}
	return s
}

// conversionText says everything a conversion says, "none" for nil.
func conversionText(c *Conversion) string {
	if c == nil {
		return "none"
	}
	r := &c.Rate
	return moneyWords(c.From) + " to " + moneyWords(c.To) + " at " + string(r.From) + "->" + string(r.To) + " " + r.Rate.String() +
		" (" + orNone(r.Source) + ", as of " + dateText(r.AsOf) + ", valid " + dateText(r.ValidFrom) + " to " + dateText(r.ValidTo) + ")"
}

func bandText(b *BandHit) string {
	if b == nil {
		return "none"
	}
	s := "band " + itoa(b.Index+1) + " of " + itoa(b.Of)
	if b.Label != "" {
		s += " (" + b.Label + ")"
	}
	return s
}

// linesDiff names the first difference between two results' lines.
func linesDiff(what string, a, b []Line) string {
	was := func(what string, x, y any) string { return fmt.Sprintf("%s was %v, now %v", what, x, y) }
	if len(a) != len(b) {
		return was("the number of "+what+"s", len(a), len(b))
	}
	for i := range a {
		x, y := &a[i], &b[i]
		name := what + " " + x.Earning
		switch {
		case x.Earning != y.Earning:
			return was(fmt.Sprintf("%s %d", what, i+1), x.Earning, y.Earning)
		case x.Type != y.Type:
			return was(name+": the type", x.Type, y.Type)
		case x.Group != y.Group:
			return was(name+": the group", orNone(x.Group), orNone(y.Group))
		case !sameMoney(x.Gross, y.Gross):
			return was(name+": gross", moneyWords(x.Gross), moneyWords(y.Gross))
		case !sameMoney(x.Amount, y.Amount):
			return was(name+": amount", moneyWords(x.Amount), moneyWords(y.Amount))
		case (x.Band == nil) != (y.Band == nil) || x.Band != nil && !sameBand(x.Band, y.Band):
			return was(name+": the band", bandText(x.Band), bandText(y.Band))
		case len(x.Cuts) != len(y.Cuts):
			return was(name+": the number of cap cuts", len(x.Cuts), len(y.Cuts))
		case len(x.Items) != len(y.Items):
			return was(name+": the number of product-line items", len(x.Items), len(y.Items))
		}
		for j := range x.Cuts {
			c, d := &x.Cuts[j], &y.Cuts[j]
			if c.Cap != d.Cap || c.Scope != d.Scope || !sameDec(c.Limit, d.Limit) || !sameDec(c.Cut, d.Cut) {
				return was(fmt.Sprintf("%s: cap cut %d", name, j+1), cutText(c, x.Amount.currency), cutText(d, y.Amount.currency))
			}
		}
		for j := range x.Items {
			c, d := &x.Items[j], &y.Items[j]
			if c.Index != d.Index || c.Product != d.Product || c.Applies != d.Applies || !sameDec(c.Amount, d.Amount) || c.Reason != d.Reason {
				return was(fmt.Sprintf("%s: product-line item %d", name, j+1), itemText(c, x.Amount.currency), itemText(d, y.Amount.currency))
			}
		}
	}
	return ""
}

func cutText(c *CapCut, cur Currency) string {
	return "caps[" + itoa(c.Cap) + "] (" + string(c.Scope) + ") cut " + amountText(c.Cut, cur) + " of limit " + amountText(c.Limit, cur)
}

// itemText says everything a product-line item says; the deal's line is
// numbered from 1, as the explanation's words number it.
func itemText(c *LineItem, cur Currency) string {
	s := "deal line " + itoa(c.Index+1) + " " + orNone(c.Product) + ": " + amountText(c.Amount, cur)
	if !c.Applies {
		s += ", does not apply"
	}
	if c.Reason != "" {
		s += " (" + c.Reason + ")"
	}
	return s
}

// sameBand compares two band hits by what they say (a stored result read
// back from JSON has its own BandHit).
func sameBand(a, b *BandHit) bool { return a == b || *a == *b }
