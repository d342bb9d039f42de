package workbench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

// MaxSweepPoints is the largest number of values a sweep tries.
const MaxSweepPoints = 1000

// ErrBadRange is returned for a sweep range that is empty, has a step that
// is not positive, or has more than MaxSweepPoints values.
var ErrBadRange = errors.New("workbench: bad sweep range")

// SweepOptions say which number of which program file to vary, over what
// range, and how to run the deals.
type SweepOptions struct {
	// Name and Source are the program file (Name is used in positions).
	Name   string
	Source []byte
	// Program chooses the Program document by id; "" is the first.
	Program string
	// Path addresses the number, as rules.FindNumber reads it, e.g.
	// "earnings[volume-rebate].bands.table[1].rate" or "caps.per_deal".
	Path string
	// From, To and Step give the values tried: From, From+Step, ... up to
	// and including To.
	From, To, Step decimal.Decimal
	// AsOf, Prior, Rates and Workers are as in incentive.RunOptions.
	AsOf    time.Time
	Prior   func(partnerID string) incentive.Prior
	Rates   incentive.RateSource
	Workers int
}

// SweepPoint is the outcome of the deals at one value of the number.
type SweepPoint struct {
	Value decimal.Decimal `json:"value"`
	// Earned is the program's earned total; Delta its difference from the
	// program as written.
	Earned decimal.Decimal `json:"earned"`
	Delta  decimal.Decimal `json:"delta"`
	// Eligible is the number of eligible deals.
	Eligible int `json:"eligible"`
	// Paid is the number of partners who earn more than zero.
	Paid int `json:"partners_paid"`
	// Affected is the number of partners whose earned total differs from
	// the program as written; Gainers earn more, Losers less.
	Affected int `json:"partners_affected"`
	Gainers  int `json:"gainers"`
	Losers   int `json:"losers"`
	// Err is set when the program does not compile or run at this value
	// (say, a band bound moved past the next one); the counts are then 0.
	Err string `json:"error,omitempty"`
}

// Sweep is the outcome of a sweep: the program's total and partners at
// each value of one number.
type Sweep struct {
	Program  incentive.ProgramRef `json:"program"`
	Currency incentive.Currency   `json:"currency"`
	Path     string               `json:"path"`
	// At is where the number is written, file:line:col.
	At string `json:"at"`
	// Linked are band bounds moved with the number (see rules.NumberRef).
	Linked []string `json:"linked,omitempty"`
	// Value is the number as written; Earned the total as written.
	Value  decimal.Decimal `json:"value"`
	Earned decimal.Decimal `json:"earned"`
	Deals  int             `json:"deals"`
	Points []SweepPoint    `json:"points"`
}

// SweepNumber varies one number of a program file over a range and runs
// the deals (sorted as incentive.Run requires) at each value. Each value
// is written into the source where the number stands and the file is
// compiled again, so every check of the language applies and an error at
// a value is positioned in the file. The deals are decoded once, for the
// program as written, by the caller. A program's period settlements settle
// in each run as Compare settles them (as of AsOf, else as of the last
// deal), so the earned totals count the true-ups, and a settlement's own
// numbers (a true-up's band rate) can be swept.
func SweepNumber(ctx context.Context, deals []incentive.Input, opts SweepOptions) (*Sweep, error) {
	if opts.Step.Sign() <= 0 || opts.To.LessThan(opts.From) {
		return nil, fmt.Errorf("%w: from %s to %s by %s; want from <= to and a positive step", ErrBadRange, opts.From, opts.To, opts.Step)
	}
	// The count stays a decimal: IntPart of more than 2^63 values would
	// wrap and pass the bound. floor(span/step)+1 <= Max exactly when
	// span < step*Max, which needs no division.
	if opts.To.Sub(opts.From).GreaterThanOrEqual(opts.Step.Mul(decimal.NewFromInt(MaxSweepPoints))) {
		return nil, fmt.Errorf("%w: from %s to %s by %s tries more than %d values", ErrBadRange, opts.From, opts.To, opts.Step, MaxSweepPoints)
	}
	ref, err := rules.FindNumber(opts.Name, opts.Source, opts.Program, opts.Path)
	if err != nil {
		return nil, err
	}
	base, err := compileOne(opts.Name, opts.Source, opts.Program)
	if err != nil {
		return nil, err
	}
	baseTotals, err := runTotals(ctx, base, deals, opts)
	if err != nil {
		return nil, err
	}
	s := &Sweep{Program: baseTotals.ref, Currency: base.Currency, Path: opts.Path,
		At: fmt.Sprintf("%s:%d:%d", opts.Name, ref.Line, ref.Col), Linked: ref.Linked,
		Value: ref.Value, Earned: baseTotals.earned, Deals: len(deals), Points: []SweepPoint{}}
	for v := opts.From; v.LessThanOrEqual(opts.To); v = v.Add(opts.Step) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pt := SweepPoint{Value: v}
		p, err := compileOne(opts.Name, ref.Set(opts.Source, v), opts.Program)
		var t *totals
		if err == nil {
			t, err = runTotals(ctx, p, deals, opts)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		if err != nil {
			pt.Err = firstLine(err)
			s.Points = append(s.Points, pt)
			continue
		}
		pt.Earned, pt.Delta, pt.Eligible = t.earned, t.earned.Sub(s.Earned), t.eligible
		for id, e := range t.partners {
			if e.Sign() > 0 {
				pt.Paid++
			}
			switch e.Cmp(baseTotals.partners[id]) {
			case 1:
				pt.Gainers++
			case -1:
				pt.Losers++
			}
		}
		for id, e := range baseTotals.partners {
			if _, ok := t.partners[id]; !ok && e.Sign() != 0 {
				if e.Sign() > 0 {
					pt.Losers++
				} else {
					pt.Gainers++
				}
			}
		}
		pt.Affected = pt.Gainers + pt.Losers
		s.Points = append(s.Points, pt)
	}
	return s, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// compileOne compiles a program file and picks one program.
func compileOne(name string, src []byte, id string) (*incentive.Program, error) {
	f, err := rules.Compile(name, src)
	if err != nil {
		return nil, err
	}
	for _, p := range f.Programs {
		if id == "" || p.ID == id {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%s: no program %q", name, id)
}

// totals are a run's earned totals.
type totals struct {
	ref      incentive.ProgramRef
	earned   decimal.Decimal
	eligible int
	partners map[string]decimal.Decimal
}

// runTotals runs the deals and builds the statement (RunStatement); a
// deal that fails is an error.
func runTotals(ctx context.Context, p *incentive.Program, deals []incentive.Input, opts SweepOptions) (*totals, error) {
	st, err := RunStatement(ctx, p, deals, incentive.RunOptions{AsOf: opts.AsOf, Prior: opts.Prior, Rates: opts.Rates, Workers: opts.Workers})
	if err != nil {
		return nil, err
	}
	t := &totals{ref: st.Program, earned: st.Earned.Amount(), eligible: st.Eligible, partners: map[string]decimal.Decimal{}}
	for _, ps := range st.Partners {
		t.partners[ps.PartnerID] = ps.Earned.Amount()
	}
	return t, nil
}

// RunStatement runs the deals (sorted as incentive.Run requires) under p
// with opts, without the trace, and returns their earnings statement as
// 'partnerops run' builds it: a program's period settlements settle in
// the run (opts.Settlements is set for it) and as of opts.AsOf, else as
// of the last deal, and their payable true-ups count in the partners'
// earned. As run's, the statement carries what a next run of a chain
// starts from: each partner's SettlementCarry and the budget's
// BudgetUsed (nil when p has no budget cap). A deal that fails is an
// error.
func RunStatement(ctx context.Context, p *incentive.Program, deals []incentive.Input, opts incentive.RunOptions) (*incentive.Statement, error) {
	ev, err := incentive.NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	sb := ev.NewStatement(nil)
	opts.NoTrace = true
	opts.Settlements = settlementsOf(ev)
	if opts.Counts == nil {
		opts.Counts = &incentive.RunCounts{}
	}
	for r, err := range ev.Run(ctx, sliceSeq(deals), opts) {
		if err != nil {
			return nil, err
		}
		if err := sb.Add(r); err != nil {
			return nil, err
		}
	}
	if err := settleInto(opts.Settlements, sb, nil, opts.AsOf, p); err != nil {
		return nil, err
	}
	used, ok := opts.Counts.BudgetUsed()
	if b := opts.Settlements; b != nil {
		at := settleDay(b, opts.AsOf, p)
		if err := sb.AddSettlementCarries(b.Carries(at)); err != nil {
			return nil, err
		}
		used, ok = b.BudgetUsed(at)
	}
	st := sb.Statement()
	if ok {
		m := incentive.NewMoney(used, p.Currency)
		st.BudgetUsed = &m
	}
	return st, nil
}

// settlementsOf returns a builder of e's period settlements to attach to
// a run of e (RunOptions.Settlements), nil when its program settles
// nothing.
func settlementsOf(e *incentive.Evaluator) *incentive.SettlementBuilder {
	if len(e.Program().Settlements) == 0 {
		return nil
	}
	return e.NewSettlements()
}
