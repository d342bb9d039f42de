package workbench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/svgchart"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

// ErrNoTemplate is returned when a payout curve has no eligible deal to
// vary.
var ErrNoTemplate = errors.New("workbench: no eligible deal to draw the curve with")

// CurveOptions configure PayoutCurve. The zero value is ready to use.
type CurveOptions struct {
	// Earning draws only this earning; "" draws every earning and the
	// deal total.
	Earning string
	// Max is the largest deal amount drawn; zero means one and a half
	// times the highest band bound of the program, or 100,000 without
	// bands.
	Max decimal.Decimal
	// Samples is the number of even steps from 0 to Max; zero means 200.
	// Each band bound is drawn exactly besides: at the bound and one
	// minor unit below it, so a cliff shows as a vertical jump.
	Samples int
}

// CurvePoint is what a deal of amount Basis earns: its total and each
// earning's line (zero where the earning pays nothing).
type CurvePoint struct {
	Basis decimal.Decimal
	Total decimal.Decimal
	Lines []decimal.Decimal // in the order of Curve.Earnings
}

// Curve is a program's payout against the deal amount, for one deal
// evaluated alone (for band tables over a partner's period, the partner's
// first deal of the period).
type Curve struct {
	Program  incentive.ProgramRef
	Currency incentive.Currency
	Earnings []string
	Points   []CurvePoint
	only     string
}

// PayoutCurve evaluates the deal tmpl at deal amounts from 0 to
// opts.Max, every other field as tmpl has it, and returns the payout at
// each: the curve shows where bands start, where caps flatten it and, for
// retroactive tables, the cliffs. tmpl must be eligible at some amount.
func PayoutCurve(ctx context.Context, p *incentive.Program, tmpl incentive.Input, opts CurveOptions) (*Curve, error) {
	ev, err := incentive.NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	c := &Curve{Currency: p.Currency, only: opts.Earning}
	for _, e := range p.Earnings {
		if opts.Earning == "" || e.ID == opts.Earning {
			c.Earnings = append(c.Earnings, e.ID)
		}
	}
	if len(c.Earnings) == 0 {
		return nil, fmt.Errorf("workbench: program %s has no earning %q", p.ID, opts.Earning)
	}
	var bounds []decimal.Decimal
	for _, e := range p.Earnings {
		if e.Bands == nil || (opts.Earning != "" && e.ID != opts.Earning) {
			continue
		}
		for _, b := range e.Bands.Bands {
			if b.From.Sign() > 0 {
				bounds = append(bounds, b.From)
			}
			if b.To != nil {
				bounds = append(bounds, *b.To)
			}
		}
	}
	hi := opts.Max
	if hi.Sign() <= 0 {
		hi = decimal.NewFromInt(100000)
		if len(bounds) > 0 {
			hi = slices.MaxFunc(bounds, decimal.Decimal.Cmp).Mul(decimal.RequireFromString("1.5"))
		}
	}
	samples := opts.Samples
	if samples <= 0 {
		samples = 200
	}
	unit := decimal.New(1, -p.Rounding.Places(p.Currency))
	xs := make([]decimal.Decimal, 0, samples+1+2*len(bounds))
	for i := 0; i <= samples; i++ {
		xs = append(xs, hi.Mul(decimal.NewFromInt(int64(i))).DivRound(decimal.NewFromInt(int64(samples)), 2))
	}
	for _, b := range bounds {
		if b.LessThanOrEqual(hi) {
			xs = append(xs, b, b.Sub(unit))
		}
	}
	slices.SortFunc(xs, decimal.Decimal.Cmp)
	xs = slices.CompactFunc(xs, decimal.Decimal.Equal)
	eligible := false
	failed := ""
	for _, x := range xs {
		in := tmpl
		in.Deal.Amount = incentive.NewMoney(x, p.Currency)
		r, err := ev.Evaluate(ctx, in, time.Time{})
		if err != nil {
			return nil, err
		}
		c.Program = r.Program
		if r.Eligible {
			eligible = true
		} else if failed == "" {
			failed = r.Failed
		}
		pt := CurvePoint{Basis: x, Total: r.Total.Amount(), Lines: make([]decimal.Decimal, len(c.Earnings))}
		for i, id := range c.Earnings {
			for _, l := range r.Lines {
				if l.Earning == id {
					pt.Lines[i] = l.Amount.Amount()
				}
			}
		}
		c.Points = append(c.Points, pt)
	}
	if !eligible {
		return nil, fmt.Errorf("%w: deal %s is not eligible at any amount (%q fails)", ErrNoTemplate, tmpl.Deal.ID, failed)
	}
	return c, nil
}

// SVG draws the curve: one line per earning and, for a whole program, the
// deal total.
func (c *Curve) SVG() []byte {
	ch := &svgchart.LineChart{
		Title:  fmt.Sprintf("Payout of %s v%d against the deal amount", c.Program.ID, c.Program.Version),
		XLabel: "deal amount (" + string(c.Currency) + ")", YLabel: "payout (" + string(c.Currency) + ")",
	}
	if c.only != "" {
		ch.Title = fmt.Sprintf("Payout of %s (%s v%d) against the deal amount", c.only, c.Program.ID, c.Program.Version)
	}
	for i, id := range c.Earnings {
		s := svgchart.Series{Name: id}
		for _, p := range c.Points {
			s.Points = append(s.Points, svgchart.Point{X: p.Basis, Y: p.Lines[i]})
		}
		ch.Series = append(ch.Series, s)
	}
	if c.only == "" && len(c.Earnings) > 1 {
		s := svgchart.Series{Name: "deal total", Dash: true}
		for _, p := range c.Points {
			s.Points = append(s.Points, svgchart.Point{X: p.Basis, Y: p.Total})
		}
		ch.Series = append(ch.Series, s)
	}
	return ch.SVG()
}

// TemplateDeal returns the first deal of the program's tests that is
// eligible, to draw a payout curve with when no deal is given.
func TemplateDeal(ctx context.Context, p *incentive.Program, tests []*rules.Test) (incentive.Input, error) {
	for _, t := range tests {
		if t.Program != p {
			continue
		}
		for _, in := range t.Inputs {
			r, err := incentive.Evaluate(ctx, p, in, time.Time{})
			if err == nil && r.Eligible {
				return in, nil
			}
		}
	}
	return incentive.Input{}, fmt.Errorf("%w: program %s has no test with an eligible deal; give a deal", ErrNoTemplate, p.ID)
}

// CostChart runs the deals (sorted as incentive.Run requires) and draws
// the program's cumulative earned total by close date, against the budget
// when the program has one. A program's period settlements settle in the
// run as 'partnerops run' settles them (as of opts.AsOf, else as of the
// last deal): each payable true-up is a step on its period's last day.
func CostChart(ctx context.Context, p *incentive.Program, deals []incentive.Input, opts incentive.RunOptions) ([]byte, error) {
	s, start, err := costSeries(ctx, p, deals, opts)
	if err != nil {
		return nil, err
	}
	ch := &svgchart.LineChart{
		Title:  fmt.Sprintf("Cumulative earned of %s v%d by close date", p.ID, p.Version),
		XLabel: "close date", YLabel: "earned (" + string(p.Currency) + ")",
		Series: []svgchart.Series{s},
		XFormat: func(d decimal.Decimal) string {
			return incentive.DateOf(start.AddDate(0, 0, int(d.IntPart()))).String()[5:]
		},
	}
	for _, c := range p.Caps {
		if c.Scope == incentive.CapBudget {
			ch.Rules = append(ch.Rules, svgchart.Rule{Label: "budget " + money(c.Limit, p.Currency), Y: c.Limit})
		}
	}
	return ch.SVG(), nil
}

// costSeries is CostChart's line: from (day 0, 0) at the first deal's
// close day, a step up on each day something was earned; start is that
// first day, at midnight in the program's time zone.
func costSeries(ctx context.Context, p *incentive.Program, deals []incentive.Input, opts incentive.RunOptions) (svgchart.Series, time.Time, error) {
	loc := p.Effective.Loc()
	ev, err := incentive.NewEvaluator(p)
	if err != nil {
		return svgchart.Series{}, time.Time{}, err
	}
	opts.NoTrace = true
	opts.Settlements = settlementsOf(ev)
	// What was earned on which day, in deal order, then the true-ups.
	type earned struct {
		on  incentive.Date
		amt decimal.Decimal
	}
	var steps []earned
	var first incentive.Date
	i := 0
	for r, err := range ev.Run(ctx, sliceSeq(deals), opts) {
		if err != nil {
			return svgchart.Series{}, time.Time{}, err
		}
		on := incentive.DateOf(deals[i].Deal.CloseDate.In(loc))
		if i == 0 {
			first = on
		}
		i++
		if !r.Eligible || r.Expired {
			continue
		}
		steps = append(steps, earned{on, r.Total.Amount()})
	}
	if b := opts.Settlements; b != nil {
		for _, l := range b.Settle(settleDay(b, opts.AsOf, p)) {
			if l.Settled && !l.Payable.IsZero() {
				steps = append(steps, earned{l.To, l.Payable.Amount()})
			}
		}
		// The deals came in close order; a true-up goes after the deals
		// of its period's last day.
		slices.SortStableFunc(steps, func(a, b earned) int { return a.on.Compare(b.on) })
	}
	var start time.Time
	cum := decimal.Zero
	s := svgchart.Series{Name: "earned"}
	if i > 0 {
		start = first.In(loc)
		s.Points = append(s.Points, svgchart.Point{X: decimal.Zero, Y: decimal.Zero})
	}
	for _, st := range steps {
		// Days by the calendar, not by hours / 24: a day of the
		// program's zone can have 23 hours (DST).
		day := decimal.NewFromInt(int64(civilDays(first, st.on)))
		// A step: flat until the day, then up by what was earned.
		s.Points = append(s.Points, svgchart.Point{X: day, Y: cum})
		cum = cum.Add(st.amt)
		s.Points = append(s.Points, svgchart.Point{X: day, Y: cum})
	}
	return s, start, nil
}

// civilDays is the number of calendar days from a to b.
func civilDays(a, b incentive.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}

func sliceSeq(deals []incentive.Input) func(func(incentive.Input, error) bool) {
	return func(yield func(incentive.Input, error) bool) {
		for _, in := range deals {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// maxBars is the number of partners a chart shows before grouping the
// rest.
const maxBars = 20

// PayoutsChart draws the earned total of each partner of a statement,
// largest first; past the twentieth, the rest are one bar.
func PayoutsChart(st *incentive.Statement) []byte {
	type pe struct {
		id string
		v  decimal.Decimal
	}
	var ps []pe
	for _, p := range st.Partners {
		ps = append(ps, pe{p.PartnerID, p.Earned.Amount()})
	}
	slices.SortStableFunc(ps, func(a, b pe) int {
		if c := b.v.Cmp(a.v); c != 0 {
			return c
		}
		return 0
	})
	ch := &svgchart.BarChart{
		Title:  fmt.Sprintf("Earned per partner, %s v%d", st.Program.ID, st.Program.Version),
		XLabel: "earned (" + string(st.Currency) + ")",
		Format: func(d decimal.Decimal) string { return money(d, st.Currency) },
	}
	rest, nrest := decimal.Zero, 0
	for i, p := range ps {
		if i < maxBars {
			ch.Bars = append(ch.Bars, svgchart.Bar{Label: p.id, Value: p.v})
			continue
		}
		rest, nrest = rest.Add(p.v), nrest+1
	}
	if nrest > 0 {
		ch.Bars = append(ch.Bars, svgchart.Bar{Label: fmt.Sprintf("%d others", nrest), Value: rest})
	}
	return ch.SVG()
}

// maxSteps is the number of partners a waterfall shows before grouping
// the rest.
const maxSteps = 12

// WaterfallSVG draws the diff as a waterfall: the old total, each
// partner's change (largest first; past the twelfth, the rest as one
// column), and the new total.
func (d *Diff) WaterfallSVG() []byte {
	cur := d.Currency
	ch := &svgchart.Waterfall{
		Title:  fmt.Sprintf("From %s v%d to v%d: earned by partner", d.Old.ID, d.Old.Version, d.New.Version),
		YLabel: "earned (" + string(cur) + ")",
		Format: func(x decimal.Decimal) string { return money(x, cur) },
	}
	ch.Steps = append(ch.Steps, svgchart.Step{Label: fmt.Sprintf("v%d", d.Old.Version), Value: d.Earned.Old, Total: true})
	rest, nrest, shown := decimal.Zero, 0, 0
	for _, p := range d.Partners {
		if p.Amounts.Delta.IsZero() {
			continue
		}
		if shown < maxSteps {
			shown++
			ch.Steps = append(ch.Steps, svgchart.Step{Label: p.Partner, Value: p.Amounts.Delta})
			continue
		}
		rest, nrest = rest.Add(p.Amounts.Delta), nrest+1
	}
	if nrest > 0 {
		ch.Steps = append(ch.Steps, svgchart.Step{Label: fmt.Sprintf("%d others", nrest), Value: rest})
	}
	ch.Steps = append(ch.Steps, svgchart.Step{Label: fmt.Sprintf("v%d", d.New.Version), Value: d.Earned.New, Total: true})
	return ch.SVG()
}

// SVG draws the sweep: the earned total at each value, the value as
// written marked by a dashed line at its total.
func (s *Sweep) SVG() []byte {
	se := svgchart.Series{Name: "earned"}
	for _, p := range s.Points {
		if p.Err == "" {
			se.Points = append(se.Points, svgchart.Point{X: p.Value, Y: p.Earned})
		}
	}
	ch := &svgchart.LineChart{
		Title:  fmt.Sprintf("Earned by %s, %s v%d", s.Path, s.Program.ID, s.Program.Version),
		XLabel: s.Path, YLabel: "earned (" + string(s.Currency) + ")",
		Series: []svgchart.Series{se}, FitY: true,
		Rules: []svgchart.Rule{{Label: "as written (" + s.Value.String() + ")", Y: s.Earned}},
		XFormat: func(d decimal.Decimal) string {
			return d.String()
		},
	}
	return ch.SVG()
}
