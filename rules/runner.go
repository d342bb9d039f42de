package rules

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// TestOptions configure RunTests. The zero value runs every test and sets
// no coverage threshold.
type TestOptions struct {
	// MinCoverage is the coverage in percent (0 to 100) below which the
	// report fails even when every test passes. Zero: no threshold.
	MinCoverage int
}

// Report is the outcome of running a set's tests.
type Report struct {
	// Results are the tests' outcomes, in the order of Set.Tests.
	Results []*TestResult
	// Coverage says which parts of the programs no test exercised.
	Coverage *Coverage
	// MinCoverage is the threshold the report was run with.
	MinCoverage int
}

// TestResult is the outcome of one test.
type TestResult struct {
	Test *Test
	// Diffs are the expectations that did not hold, one per line, e.g.
	// "lines.base: want 240.00, got 200.00". Empty when the test passed.
	Diffs []string
	// Err is set when the engine could not evaluate the deals.
	Err error
	// Results are the engine's results, one per deal that was evaluated.
	Results []*incentive.Result
	// Settlements are the period settlements of a `deals:` test of a
	// program with settlements, every partner's, as of the test's as_of
	// (default: the last deal's close time), settled in the run so the
	// per_partner caps and the budget bind them; coverage counts a cap
	// that cut a true-up as bound.
	Settlements []incentive.SettlementLine
}

// Passed reports whether the test ran and every expectation held.
func (r *TestResult) Passed() bool { return r.Err == nil && len(r.Diffs) == 0 }

// RunTests runs every test of the set and computes coverage. Tests run
// one after another, in the order of Set.Tests, so reports are
// reproducible.
func (s *Set) RunTests(ctx context.Context, opts TestOptions) *Report {
	rep := &Report{MinCoverage: opts.MinCoverage}
	for _, t := range s.Tests() {
		rep.Results = append(rep.Results, t.Run(ctx))
	}
	rep.Coverage = coverage(s.Programs(), rep.Results)
	return rep
}

// Failed returns the number of tests that failed.
func (r *Report) Failed() int {
	n := 0
	for _, t := range r.Results {
		if !t.Passed() {
			n++
		}
	}
	return n
}

// OK reports whether every test passed and coverage reached MinCoverage.
func (r *Report) OK() bool {
	return r.Failed() == 0 && r.Coverage.Percent() >= r.MinCoverage
}

// String renders the report: one line per test (failures with their
// diffs), the coverage gaps, and a summary line.
func (r *Report) String() string {
	var b strings.Builder
	for _, t := range r.Results {
		status := "PASS"
		if !t.Passed() {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%s %s (%s)\n", status, t.Test.describe(), t.Test.Origin)
		if t.Err != nil {
			fmt.Fprintf(&b, "    error: %v\n", t.Err)
		}
		for _, d := range t.Diffs {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	b.WriteString(r.Coverage.String())
	failed := r.Failed()
	switch {
	case failed > 0:
		fmt.Fprintf(&b, "FAIL: %d of %d tests failed\n", failed, len(r.Results))
	case r.Coverage.Percent() < r.MinCoverage:
		fmt.Fprintf(&b, "FAIL: coverage %d%% is below the required %d%%\n", r.Coverage.Percent(), r.MinCoverage)
	default:
		if len(r.Results) == 1 {
			b.WriteString("ok: 1 test passed\n")
		} else {
			fmt.Fprintf(&b, "ok: %d tests passed\n", len(r.Results))
		}
	}
	return b.String()
}

// Run runs the test: a `deal:` test through incentive.Evaluate, a
// `deals:` test through incentive.Run, and compares the results with the
// expectations.
func (t *Test) Run(ctx context.Context) *TestResult {
	tr := &TestResult{Test: t}
	p := t.Program
	if len(t.Inputs) == 0 || t.expect == nil {
		tr.Err = fmt.Errorf("test %s has no deals or no expectations", t.describe())
		return tr
	}
	if !t.Batch {
		in := t.Inputs[0]
		asOf := t.AsOf
		if asOf.IsZero() {
			asOf = in.Deal.CloseDate
		}
		res, err := incentive.Evaluate(ctx, p, in, asOf)
		if err != nil {
			tr.Err = err
			return tr
		}
		tr.Results = []*incentive.Result{res}
		tr.Diffs = diffDeal("", t.expect, res, p)
		return tr
	}
	seq := func(yield func(incentive.Input, error) bool) {
		for _, in := range t.Inputs {
			if !yield(in, nil) {
				return
			}
		}
	}
	opts := incentive.RunOptions{
		AsOf:       t.AsOf,
		Prior:      func(string) incentive.Prior { return t.prior },
		BudgetUsed: t.prior.BudgetUsed,
	}
	var settle *incentive.SettlementBuilder
	if len(p.Settlements) > 0 {
		// Settled in the run, so the per_partner caps and the budget bind
		// the true-ups as they do in the command.
		ev, err := incentive.NewEvaluator(p)
		if err != nil {
			tr.Err = err
			return tr
		}
		settle = ev.NewSettlements()
		opts.Settlements = settle
	}
	for res, err := range incentive.Run(ctx, p, seq, opts) {
		if err != nil {
			tr.Err = err
			return tr
		}
		tr.Results = append(tr.Results, res)
	}
	e := t.expect
	if e.total != nil {
		sum := incentive.Zero(p.Currency)
		for _, res := range tr.Results {
			s, err := sum.Add(res.Total)
			if err != nil {
				tr.Err = err
				return tr
			}
			sum = s
		}
		if !sameAmount(*e.total, sum) {
			tr.Diffs = append(tr.Diffs, fmt.Sprintf("total: want %s, got %s", amountText(*e.total, p), amountText(sum, p)))
		}
	}
	if settle != nil {
		asOf := t.AsOf
		if asOf.IsZero() {
			asOf = t.Inputs[len(t.Inputs)-1].Deal.CloseDate
		}
		tr.Settlements = settle.Settle(incentive.DateOf(asOf.In(p.Effective.Loc())))
	}
	if len(e.settlements) > 0 {
		tr.Diffs = append(tr.Diffs, t.diffSettlements(tr.Settlements)...)
	}
	if e.statement != nil {
		sb, err := incentive.NewStatement(p, nil)
		if err != nil {
			tr.Err = err
			return tr
		}
		sb.CarryIn(func(id, bucket string) decimal.Decimal { return t.carried[id][bucket] })
		for id := range t.carried {
			sb.Include(id)
		}
		for _, res := range tr.Results {
			if err := sb.Add(res); err != nil {
				tr.Err = err
				return tr
			}
		}
		tr.Diffs = append(tr.Diffs, diffStatement(e.statement, sb.Statement(), p)...)
	}
	for _, de := range e.deals {
		i := slices.IndexFunc(tr.Results, func(r *incentive.Result) bool { return r.DealID == de.id })
		if i < 0 {
			tr.Diffs = append(tr.Diffs, fmt.Sprintf("deals.%s: no result for this deal", de.id))
			continue
		}
		tr.Diffs = append(tr.Diffs, diffDeal("deals."+de.id+".", de.expect, tr.Results[i], p)...)
	}
	return tr
}

// diffDeal compares one deal's result with its expectations.
func diffDeal(prefix string, e *expectation, r *incentive.Result, p *incentive.Program) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, prefix+fmt.Sprintf(format, args...)) }
	if e.eligible != nil && *e.eligible != r.Eligible {
		if r.Failed != "" {
			add("eligible: want %t, got %t (failed %q)", *e.eligible, r.Eligible, r.Failed)
		} else {
			add("eligible: want %t, got %t", *e.eligible, r.Eligible)
		}
	}
	if e.failed != nil && *e.failed != r.Failed {
		if r.Failed == "" {
			add("failed: want %q, got none (the deal is eligible)", *e.failed)
		} else {
			add("failed: want %q, got %q", *e.failed, r.Failed)
		}
	}
	if e.total != nil && !sameAmount(*e.total, r.Total) {
		add("total: want %s, got %s", amountText(*e.total, p), amountText(r.Total, p))
	}
	line := func(id string) *incentive.Line {
		for i := range r.Lines {
			if r.Lines[i].Earning == id {
				return &r.Lines[i]
			}
		}
		return nil
	}
	if e.lines != nil {
		for _, want := range e.lines {
			l := line(want.earning)
			switch {
			case l == nil && !want.amount.IsZero():
				add("lines.%s: want %s, got no line", want.earning, amountText(want.amount, p))
			case l != nil && !sameAmount(want.amount, l.Amount):
				add("lines.%s: want %s, got %s", want.earning, amountText(want.amount, p), amountText(l.Amount, p))
			}
		}
		for _, l := range r.Lines {
			listed := slices.ContainsFunc(e.lines, func(x expectLine) bool { return x.earning == l.Earning })
			if !listed && !l.Amount.IsZero() {
				add("lines.%s: want no payout (not listed), got %s", l.Earning, amountText(l.Amount, p))
			}
		}
	}
	for _, want := range e.bands {
		l := line(want.earning)
		if l == nil {
			// a line that lost its group's pick still reached a band
			for i := range r.Lost {
				if r.Lost[i].Earning == want.earning {
					l = &r.Lost[i]
				}
			}
		}
		wantText := strconv.Itoa(want.number)
		if want.label != "" {
			wantText = strconv.Quote(want.label)
		}
		switch {
		case l == nil || l.Band == nil:
			add("band.%s: want band %s, got no band (the earning did not pay)", want.earning, wantText)
		case want.label != "" && l.Band.Label != want.label, want.number != 0 && l.Band.Index+1 != want.number:
			add("band.%s: want band %s, got %s", want.earning, wantText, bandText(l.Band))
		}
	}
	for _, want := range e.perLine {
		l := line(want.earning)
		var items []incentive.LineItem
		if l != nil {
			items = l.Items
		}
		if len(items) != len(want.items) && l != nil {
			add("per_line.%s: want %d lines, got %d", want.earning, len(want.items), len(items))
			continue
		}
		for k, w := range want.items {
			var got *incentive.LineItem
			if k < len(items) {
				got = &items[k]
			}
			wantText := "none"
			if w != nil {
				wantText = w.String()
			}
			switch {
			case got == nil && w == nil:
			case got == nil:
				add("per_line.%s[%d]: want %s, got none (the earning did not apply)", want.earning, k, wantText)
			case w == nil && got.Applies:
				add("per_line.%s[%d]: want none, got %s", want.earning, k, got.Amount)
			case w != nil && !got.Applies:
				add("per_line.%s[%d]: want %s, got none (%s)", want.earning, k, wantText, got.Reason)
			case w != nil && !w.Equal(got.Amount):
				add("per_line.%s[%d]: want %s, got %s", want.earning, k, wantText, got.Amount)
			}
		}
	}
	for _, want := range e.values {
		got, ok := "", false
		for _, v := range r.Values {
			if v.Name == want.name {
				got, ok = v.Value, true
			}
		}
		switch {
		case !ok:
			add("values.%s: want %s, got none (no expression read it for this deal)", want.name, want.text)
		case want.num != nil:
			if g, err := decimal.NewFromString(got); err != nil || !g.Equal(*want.num) {
				add("values.%s: want %s, got %s", want.name, want.text, got)
			}
		case got != want.text:
			add("values.%s: want %s, got %s", want.name, want.text, got)
		}
	}
	if e.shares != nil {
		out = append(out, diffShares(prefix, e.shares, r, p)...)
	}
	if e.expired != nil {
		if got := expiredAmount(r); !sameAmount(*e.expired, got) {
			add("expired: want %s, got %s", amountText(*e.expired, p), amountText(got, p))
		}
	}
	if e.held != nil {
		if got := heldAmount(r); !sameAmount(*e.held, got) {
			add("held: want %s, got %s", amountText(*e.held, p), amountText(got, p))
		}
	}
	if e.capped != nil {
		got := cappedNames(r, p)
		want := slices.Clone(e.capped)
		slices.Sort(want)
		if !slices.Equal(want, got) {
			add("capped: want [%s], got [%s]", strings.Join(want, ", "), strings.Join(got, ", "))
		}
	}
	return out
}

// diffSettlements compares the test partner's settled periods with the
// test's expectations.
func (t *Test) diffSettlements(lines []incentive.SettlementLine) []string {
	p := t.Program
	var out []string
	for _, want := range t.expect.settlements {
		at := "settlements." + want.settlement + "." + want.from.String()
		i := slices.IndexFunc(lines, func(l incentive.SettlementLine) bool {
			return l.Settlement == want.settlement && l.PartnerID == t.partnerID && l.From == want.from
		})
		if i < 0 {
			out = append(out, fmt.Sprintf("%s: partner %s has no deals in this period", at, t.partnerID))
			continue
		}
		l := lines[i]
		if want.settled != nil && *want.settled != l.Settled {
			out = append(out, fmt.Sprintf("%s.settled: want %t, got %t", at, *want.settled, l.Settled))
		}
		got := map[string]incentive.Money{"basis": l.Basis, "entitlement": l.Entitlement, "advances": l.Advances, "carried_in": l.CarriedIn,
			"credited": l.Credited, "true_up": l.TrueUp, "payable": l.Payable, "carried_out": l.CarriedOut, "capped": l.Capped}
		for _, key := range want.order {
			if w := want.amounts[key]; !sameAmount(w, got[key]) {
				out = append(out, fmt.Sprintf("%s.%s: want %s, got %s", at, key, amountText(w, p), amountText(got[key], p)))
			}
		}
		if want.cappedBy != nil {
			gotBy := []string{}
			for _, c := range l.Cuts {
				if n := capName(p.Caps[c.Cap]); c.Cut.Sign() != 0 && !slices.Contains(gotBy, n) {
					gotBy = append(gotBy, n)
				}
			}
			slices.Sort(gotBy)
			wantBy := slices.Sorted(slices.Values(want.cappedBy))
			if !slices.Equal(wantBy, gotBy) {
				out = append(out, fmt.Sprintf("%s.capped_by: want [%s], got [%s]", at, strings.Join(wantBy, ", "), strings.Join(gotBy, ", ")))
			}
		}
	}
	return out
}

// diffShares compares the payees' shares of a split deal: each listed
// partner's total over its shares, and nothing for an unlisted one.
func diffShares(prefix string, want []expectLine, r *incentive.Result, p *incentive.Program) []string {
	var out []string
	got := map[string]incentive.Money{}
	var order []string
	for _, s := range r.Shares {
		if prev, ok := got[s.PartnerID]; ok {
			sum, _ := prev.Add(s.Amount) // one currency: the program's
			got[s.PartnerID] = sum
			continue
		}
		got[s.PartnerID] = s.Amount
		order = append(order, s.PartnerID)
	}
	for _, w := range want {
		g, ok := got[w.earning]
		switch {
		case !ok && !w.amount.IsZero():
			out = append(out, fmt.Sprintf("%sshares.%s: want %s, got no share", prefix, w.earning, amountText(w.amount, p)))
		case ok && !sameAmount(w.amount, g):
			out = append(out, fmt.Sprintf("%sshares.%s: want %s, got %s", prefix, w.earning, amountText(w.amount, p), amountText(g, p)))
		}
	}
	for _, id := range order {
		listed := slices.ContainsFunc(want, func(x expectLine) bool { return x.earning == id })
		if !listed && !got[id].IsZero() {
			out = append(out, fmt.Sprintf("%sshares.%s: want no share (not listed), got %s", prefix, id, amountText(got[id], p)))
		}
	}
	return out
}

// cappedNames lists the caps that cut something from a result, sorted.
func cappedNames(r *incentive.Result, p *incentive.Program) []string {
	got := []string{}
	// A line that lost its group's pick was cut by its line caps too
	// (explain shows the cut), as it reached its band.
	for _, l := range slices.Concat(r.Lines, r.Lost) {
		for _, c := range l.Cuts {
			if c.Cut.Sign() == 0 || c.Cap < 0 || c.Cap >= len(p.Caps) {
				continue
			}
			if n := capName(p.Caps[c.Cap]); !slices.Contains(got, n) {
				got = append(got, n)
			}
		}
	}
	slices.Sort(got)
	return got
}

// bandText renders a band hit: `2 "silver"` or `3`.
func bandText(b *incentive.BandHit) string {
	s := strconv.Itoa(b.Index + 1)
	if b.Label != "" {
		s += " " + strconv.Quote(b.Label)
	}
	return s
}

// sameAmount compares an expected and an actual amount by decimal value
// and currency. A zero without currency (the engine's empty total) equals
// a zero in any currency.
func sameAmount(want, got incentive.Money) bool {
	if got.Currency() == "" || want.Currency() == "" {
		return want.IsZero() && got.IsZero()
	}
	return want.Equal(got)
}

// amountText renders an amount, with its code only when it is not the
// program currency.
func amountText(m incentive.Money, p *incentive.Program) string {
	c := m.Currency()
	if c == "" {
		c = p.Currency
	}
	s := incentive.FormatAmount(m.Amount(), c)
	if c != p.Currency {
		s += " " + string(c)
	}
	return s
}
