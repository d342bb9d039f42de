package incentive

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Band tables are computed as "owed after this deal minus owed before it",
// where owed(x) is what a basis total x earns under the table:
//
//   - rate, retroactive: x times the rate of the band x reaches;
//   - rate, marginal:    each band's rate times the part of [0, x) inside it;
//   - flat, retroactive: the flat amount of the band x reaches;
//   - flat, marginal:    the flat amounts of every band whose lower bound x
//     has reached, added up.
//
// For a deal basis the "before" total is empty (owed nothing), so a deal
// earns owed(measure). For a partner-period or cumulative basis the before
// total is the partner's running total, so a deal that lifts the total into
// a higher retroactive band also pays the true-up on the earlier deals, and
// a credit note (negative measure) takes back what it unearns. A basis below
// the first band reaches no band and is owed nothing. A multiplier table
// multiplies the earning's amount by the multiplier of the band the basis
// total reaches after the deal.

// bandIndex returns the index of the band that contains x (from <= x < to),
// or -1 when x lies outside every band. A value exactly on a boundary
// belongs to the upper band.
func bandIndex(bands []Band, x decimal.Decimal) int {
	for i := len(bands) - 1; i >= 0; i-- {
		b := &bands[i]
		if x.Cmp(b.From) >= 0 {
			if b.To != nil && x.Cmp(*b.To) >= 0 {
				return -1
			}
			return i
		}
	}
	return -1
}

// clamp limits x to [lo, hi]; a nil hi is unbounded.
func clamp(x, lo decimal.Decimal, hi *decimal.Decimal) decimal.Decimal {
	if x.Cmp(lo) < 0 {
		return lo
	}
	if hi != nil && x.Cmp(*hi) > 0 {
		return *hi
	}
	return x
}

// owed returns what a basis total x is owed under t (see above). started is
// false for an empty total (nothing contributed yet), which is owed nothing.
func (t *BandTable) owed(x decimal.Decimal, started bool) decimal.Decimal {
	if !started {
		return decimal.Zero
	}
	switch {
	case t.Pays == PaysRate && t.Method == Marginal:
		sum := decimal.Zero
		for i := range t.Bands {
			b := &t.Bands[i]
			if b.From.Sign() >= 0 && b.From.Cmp(x) >= 0 {
				break // this band and all above it lie beyond both 0 and x
			}
			part := clamp(x, b.From, b.To).Sub(clamp(decimal.Zero, b.From, b.To))
			if !part.IsZero() {
				sum = sum.Add(part.Mul(b.Value))
			}
		}
		return sum
	case t.Pays == PaysRate:
		if i := bandIndex(t.Bands, x); i >= 0 {
			return x.Mul(t.Bands[i].Value)
		}
	case t.Pays == PaysFlat && t.Method == Marginal:
		sum := decimal.Zero
		for i := range t.Bands {
			if x.Cmp(t.Bands[i].From) >= 0 {
				sum = sum.Add(t.Bands[i].Value)
			}
		}
		return sum
	case t.Pays == PaysFlat:
		if i := bandIndex(t.Bands, x); i >= 0 {
			return t.Bands[i].Value
		}
	}
	return decimal.Zero
}

// bandInput is the basis of one band-table computation.
type bandInput struct {
	before, after decimal.Decimal
	started       bool            // before is a real total (not empty)
	amount        decimal.Decimal // the earning's amount, for multiplier tables
}

// words explains a band-table earning v computed by tablePlan.apply.
func (t *BandTable) words(in bandInput, v decimal.Decimal, cur Currency) string {
	idx := bandIndex(t.Bands, in.after)
	var w strings.Builder
	if t.Basis == BasisPeriod || t.Basis == BasisCumulative {
		name := "partner period total"
		if t.Basis == BasisCumulative {
			name = "cumulative total"
		}
		w.WriteString(name + " " + fmtAmount(in.before, cur) + " -> " + fmtAmount(in.after, cur) + "; ")
	}
	if idx < 0 {
		w.WriteString("basis " + fmtAmount(in.after, cur) + " reaches no band: ")
		if t.Pays == PaysMultiplier || v.IsZero() {
			w.WriteString("pays nothing")
			return w.String()
		}
		w.WriteString("owed " + fmtAmount(t.owed(in.after, true), cur) + " - " + fmtAmount(t.owed(in.before, in.started), cur) + " already earned = " + fmtAmount(v, cur))
		return w.String()
	}
	w.WriteString(describeBand(t, idx, cur) + ": ")
	switch {
	case t.Pays == PaysMultiplier:
		w.WriteString(fmtAmount(in.amount, cur) + " x " + t.Bands[idx].Value.String())
	case t.Method == Marginal && t.Pays == PaysRate:
		w.WriteString(marginalWords(t, in, cur))
	case t.Pays == PaysRate:
		w.WriteString(fmtAmount(in.after, cur) + " x " + fmtRate(rateAt(t, in.after)))
		if in.started {
			w.WriteString(" - " + fmtAmount(in.before, cur) + " x " + fmtRate(rateAt(t, in.before)) + " already earned")
		}
	default:
		w.WriteString("owed " + fmtAmount(t.owed(in.after, true), cur))
		if in.started {
			w.WriteString(" - " + fmtAmount(t.owed(in.before, true), cur) + " already earned")
		}
	}
	w.WriteString(" = " + fmtAmount(v, cur))
	return w.String()
}

func rateAt(t *BandTable, x decimal.Decimal) decimal.Decimal {
	if i := bandIndex(t.Bands, x); i >= 0 {
		return t.Bands[i].Value
	}
	return decimal.Zero
}

// marginalWords spells out a marginal rate computation band by band.
func marginalWords(t *BandTable, in bandInput, cur Currency) string {
	lo, hi := in.before, in.after
	if !in.started {
		lo = decimal.Zero
	}
	neg := hi.Cmp(lo) < 0
	if neg {
		lo, hi = hi, lo
	}
	var parts []string
	for i := range t.Bands {
		b := &t.Bands[i]
		part := clamp(hi, b.From, b.To).Sub(clamp(lo, b.From, b.To))
		if part.Sign() > 0 {
			if neg {
				part = part.Neg()
			}
			parts = append(parts, fmtAmount(part, cur)+" x "+fmtRate(b.Value))
		}
	}
	if len(parts) == 0 {
		return "no part of the basis lies in a band"
	}
	return strings.Join(parts, " + ")
}

// describeBand renders "band 2 of 3 [150,000, 250,000) at 6%".
func describeBand(t *BandTable, i int, cur Currency) string {
	b := &t.Bands[i]
	var w strings.Builder
	w.WriteString("band " + itoa(i+1) + " of " + itoa(len(t.Bands)))
	if b.Label != "" {
		w.WriteString(" (" + b.Label + ")")
	}
	w.WriteString(" [" + fmtNumber(b.From) + ", ")
	if b.To == nil {
		w.WriteString("no limit)")
	} else {
		w.WriteString(fmtNumber(*b.To) + ")")
	}
	switch t.Pays {
	case PaysRate:
		w.WriteString(" at " + fmtRate(b.Value))
		if t.Method == Marginal {
			w.WriteString(" marginal")
		}
	case PaysFlat:
		w.WriteString(" pays " + fmtAmount(b.Value, cur))
		if t.Method == Marginal {
			w.WriteString(" (marginal: every band reached pays)")
		}
	case PaysMultiplier:
		w.WriteString(" multiplier " + b.Value.String())
	}
	return w.String()
}

// tablePlan is a band table prepared for fast evaluation: for marginal rate
// tables whose bands start at or above zero, cum[i] is what the bands below
// band i pay in full, so owed(x) is cum[k] + (x - from[k]) * rate[k] for the
// band k containing x: one lookup and three operations instead of a pass
// over every band. Any other table falls back to BandTable.owed.
type tablePlan struct {
	t     *BandTable
	fast  bool
	bands []Band // the table's bands at the currency scale (fast tables)
	cum   []decimal.Decimal
	top   decimal.Decimal // owed beyond a bounded last band
	// fx holds the fast table in scaled int64s (see fixed.go), when every
	// bound, rate and cumulative amount fits one; nil otherwise.
	fx *tableFx
}

// tableFx is a fast tablePlan in fixed point: from, to (hasTo false for an
// open band), rate and cum per band, and top.
type tableFx struct {
	from, to, rate, cum []fx
	hasTo               []bool
	top                 fx
}

func planTable(t *BandTable, places int32) *tablePlan {
	tp := &tablePlan{t: t}
	if t.Method != Marginal || t.Pays != PaysRate || len(t.Bands) == 0 || t.Bands[0].From.Sign() < 0 {
		return tp
	}
	tp.fast = true
	// The plan keeps its own copy of the bands with bounds at the currency
	// scale, so comparing them with amounts in cents needs no rescaling.
	tp.bands = make([]Band, len(t.Bands))
	tp.cum = make([]decimal.Decimal, len(t.Bands))
	sum := decimal.Zero
	for i, b := range t.Bands {
		b.From = atScale(b.From, places)
		if b.To != nil {
			to := atScale(*b.To, places)
			b.To = &to
		}
		tp.bands[i] = b
		tp.cum[i] = atScale(sum, places)
		if b.To != nil {
			sum = sum.Add(b.To.Sub(b.From).Mul(b.Value))
		}
	}
	tp.top = atScale(sum, places)
	tp.fx = planFx(tp)
	return tp
}

// planFx converts a fast plan to fixed point, or returns nil when some
// number does not fit.
func planFx(tp *tablePlan) *tableFx {
	n := len(tp.bands)
	f := &tableFx{from: make([]fx, n), to: make([]fx, n), rate: make([]fx, n), cum: make([]fx, n), hasTo: make([]bool, n)}
	ok := true
	conv := func(d decimal.Decimal) fx {
		x, fits := toFx(d)
		ok = ok && fits
		return x
	}
	for i, b := range tp.bands {
		f.from[i], f.rate[i], f.cum[i] = conv(b.From), conv(b.Value), conv(tp.cum[i])
		if b.To != nil {
			f.to[i], f.hasTo[i] = conv(*b.To), true
		}
	}
	f.top = conv(tp.top)
	if !ok {
		return nil
	}
	return f
}

// owed is tablePlan.owed in fixed point for a started, non-negative x, with
// the same operations in the same order (so the same exponents); ok false
// when something overflows.
func (f *tableFx) owed(x fx) (fx, bool) {
	k := -1
	for i := len(f.from) - 1; i >= 0; i-- {
		c, ok := x.cmp(f.from[i])
		if !ok {
			return fx{}, false
		}
		if c >= 0 {
			if f.hasTo[i] {
				c, ok := x.cmp(f.to[i])
				if !ok {
					return fx{}, false
				}
				if c >= 0 {
					break
				}
			}
			k = i
			break
		}
	}
	if k < 0 {
		if c, ok := x.cmp(f.from[0]); !ok || c < 0 {
			return fxZero, ok
		}
		return f.top, true
	}
	d, ok := x.sub(f.from[k])
	if !ok {
		return fx{}, false
	}
	if d, ok = d.mul(f.rate[k]); !ok {
		return fx{}, false
	}
	return f.cum[k].add(d)
}

// index is bandIndex in fixed point over the plan's bands (the bounds
// at the currency scale, as apply reads a fast plan's); ok false when a
// comparison does not fit.
func (f *tableFx) index(x fx) (int, bool) {
	for i := len(f.from) - 1; i >= 0; i-- {
		c, ok := x.cmp(f.from[i])
		if !ok {
			return 0, false
		}
		if c >= 0 {
			if f.hasTo[i] {
				c, ok := x.cmp(f.to[i])
				if !ok {
					return 0, false
				}
				if c >= 0 {
					return -1, true
				}
			}
			return i, true
		}
	}
	return -1, true
}

// applyRun is apply for a deal adding measure to a running basis whose
// total before the deal is before (started as in bandInput), computed in
// fixed point throughout: the totals before and after the deal are never
// made decimals, as apply's input needs them (two decimals a deal and
// their conversions back, for a deal whose band step, which shows them,
// is not recorded). The sum is x.add(y), the fx of what decArena.add
// makes of the two, and the rest is applyFx's, so v and the band are
// apply's. ok is false where apply must run instead: a table without a
// fixed-point plan, a measure or total that does not fit, a negative
// total, a zero earning (see fx.dec).
func (tp *tablePlan) applyRun(before fx, started bool, measure decimal.Decimal, ar *decArena) (v decimal.Decimal, idx int, ok bool) {
	f := tp.fx
	if f == nil {
		return decimal.Decimal{}, 0, false
	}
	m, ok := toFx(measure)
	if !ok {
		return decimal.Decimal{}, 0, false
	}
	after, ok := before.add(m)
	if !ok || after.c < 0 || started && before.c < 0 {
		return decimal.Decimal{}, 0, false
	}
	if idx, ok = f.index(after); !ok {
		return decimal.Decimal{}, 0, false
	}
	hi, ok := f.owed(after)
	if !ok {
		return decimal.Decimal{}, 0, false
	}
	lo := fxZero
	if started {
		if lo, ok = f.owed(before); !ok {
			return decimal.Decimal{}, 0, false
		}
	}
	d, ok := hi.sub(lo)
	if !ok {
		return decimal.Decimal{}, 0, false
	}
	if v, ok = d.decIn(ar); !ok {
		return decimal.Decimal{}, 0, false
	}
	return v, idx, true
}

// fxZero is decimal.Zero as an fx (shopspring's Zero has exponent 1).
var fxZero = fx{0, decimal.Zero.Exponent()}

// applyFx is the rate part of apply for a fast table in fixed point.
func (tp *tablePlan) applyFx(in bandInput, ar *decArena) (decimal.Decimal, bool) {
	if tp.fx == nil || in.after.Sign() < 0 || (in.started && in.before.Sign() < 0) {
		return decimal.Decimal{}, false
	}
	after, ok := toFx(in.after)
	if !ok {
		return decimal.Decimal{}, false
	}
	hi, ok := tp.fx.owed(after)
	if !ok {
		return decimal.Decimal{}, false
	}
	lo := fxZero
	if in.started {
		before, ok := toFx(in.before)
		if !ok {
			return decimal.Decimal{}, false
		}
		if lo, ok = tp.fx.owed(before); !ok {
			return decimal.Decimal{}, false
		}
	}
	v, ok := hi.sub(lo)
	if !ok {
		return decimal.Decimal{}, false
	}
	return v.decIn(ar)
}

// atScale returns d with at least places decimal places, exactly (a value
// with more places is returned as it is). Decimals of equal scale compare and
// add without allocating a rescaled copy.
func atScale(d decimal.Decimal, places int32) decimal.Decimal {
	if -d.Exponent() >= places {
		return d
	}
	return d.Round(places)
}

// owed is BandTable.owed, fast where the plan allows.
func (tp *tablePlan) owed(x decimal.Decimal, started bool) decimal.Decimal {
	if !tp.fast || !started || x.Sign() < 0 {
		return tp.t.owed(x, started)
	}
	bands := tp.bands
	k := bandIndex(bands, x)
	if k < 0 {
		if x.Cmp(bands[0].From) < 0 {
			return decimal.Zero
		}
		return tp.top // above a bounded last band
	}
	return tp.cum[k].Add(x.Sub(bands[k].From).Mul(bands[k].Value))
}

// apply computes a band-table earning and the band the basis reaches after
// the deal: its index, -1 for none (see bandHit).
func (tp *tablePlan) apply(in bandInput, ar *decArena) (decimal.Decimal, int) {
	t := tp.t
	bands := t.Bands
	if tp.fast {
		bands = tp.bands // same bounds, at the currency scale
	}
	idx := bandIndex(bands, in.after)
	if t.Pays == PaysMultiplier {
		if idx < 0 {
			return decimal.Zero, -1
		}
		return in.amount.Mul(t.Bands[idx].Value), idx
	}
	if v, ok := tp.applyFx(in, ar); ok {
		return v, idx
	}
	// A basis that falls below every band (a credit note) still takes
	// back what the earlier total earned.
	return tp.owed(in.after, true).Sub(tp.owed(in.before, in.started)), idx
}

// bandHit is the BandHit of band idx of t.
func bandHit(t *BandTable, idx int) BandHit {
	return BandHit{Index: idx, Of: len(t.Bands), Label: t.Bands[idx].Label}
}
