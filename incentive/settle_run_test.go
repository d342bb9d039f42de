package incentive

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settledRun runs deals (each of a gold partner) with a SettlementBuilder
// attached, on the given number of workers, and settles as of asOf after
// the run. It returns each deal's payout (deal id -> total, two places)
// and the lines.
func settledRun(t *testing.T, p *Program, opts RunOptions, asOf string, deals ...Deal) (map[string]string, []SettlementLine, *SettlementBuilder) {
	t.Helper()
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	opts.Settlements = b
	ins := make([]Input, len(deals))
	for i, d := range deals {
		ins[i] = Input{Deal: d, Partner: gold(d.PartnerID)}
	}
	paid := map[string]string{}
	for r, err := range e.Run(t.Context(), inputsOf(ins...), opts) {
		require.NoError(t, err)
		paid[r.DealID] = r.Total.Amount().StringFixed(2)
	}
	at, err := ParseDate(asOf)
	require.NoError(t, err)
	return paid, b.Settle(at), b
}

// capRow is a settlement line's figures with what the caps cut.
type capRow struct {
	partner, from                string
	trueUp, pay, capped, carried string
	cutBy                        []CapScope
}

func capRows(lines []SettlementLine) []capRow {
	var out []capRow
	for _, l := range lines {
		r := capRow{l.PartnerID, l.From.String(), l.TrueUp.Amount().StringFixed(2), l.Payable.Amount().StringFixed(2),
			l.Capped.Amount().StringFixed(2), l.CarriedOut.Amount().StringFixed(2), nil}
		for _, c := range l.Cuts {
			r.cutBy = append(r.cutBy, c.Scope)
		}
		out = append(out, r)
	}
	return out
}

// checkIdentity checks TrueUp = Payable + Capped + CarriedOut on every
// settled line but a negative true-up under year_to_date (which pays and
// carries nothing), and that Payable and Capped are never below zero.
func checkIdentity(t *testing.T, lines []SettlementLine) {
	t.Helper()
	for _, l := range lines {
		assert.GreaterOrEqual(t, l.Payable.Amount().Sign(), 0)
		assert.GreaterOrEqual(t, l.Capped.Amount().Sign(), 0)
		if l.TrueUp.Amount().Sign() < 0 && l.CarriedOut.IsZero() {
			assert.True(t, l.Payable.IsZero() && l.Capped.IsZero())
			continue
		}
		sum := l.Payable.Amount().Add(l.Capped.Amount()).Add(l.CarriedOut.Amount())
		assert.True(t, l.TrueUp.Amount().Equal(sum), "%s %s: true-up %s != payable %s + capped %s + carried %s",
			l.PartnerID, l.From, l.TrueUp.Amount(), l.Payable.Amount(), l.Capped.Amount(), l.CarriedOut.Amount())
	}
}

func TestSettlementRunPartnerCap(t *testing.T) {
	for _, workers := range []int{1, 2} {
		p := rebateProgram(CreditPeriod, "50000")
		// 1,500.00 per partner per quarter.
		p.Caps = []Cap{{Scope: CapPartner, Limit: dec("1500"), Period: PeriodQuarter}}
		paid, lines, _ := settledRun(t, p, RunOptions{Workers: workers}, "2026-06-30",
			deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
			deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-1", "30000", "2026-04-15"))
		// Advances at 2%: 400 + 500 + 200 = 1,100.00 in Q1 (under the cap),
		// 600.00 in Q2 (a new quarter of the cap).
		assert.Equal(t, map[string]string{"D-1": "400.00", "D-2": "500.00", "D-3": "200.00", "D-4": "600.00"}, paid)
		assert.Equal(t, []capRow{
			// Q1: 55,000 at 3% = 1,650.00 - 1,100.00 advanced = 550.00;
			// the Q1 cap has 1,500 - 1,100 = 400.00 left: pays 400.00,
			// 150.00 cut.
			{"P-1", "2026-01-01", "550.00", "400.00", "150.00", "0.00", []CapScope{CapPartner}},
			// Q2: 30,000 at 1% = 300.00 - 600.00 = -300.00, carried
			// (never capped).
			{"P-1", "2026-04-01", "-300.00", "0.00", "0.00", "-300.00", nil},
		}, capRows(lines), "workers %d", workers)
		checkIdentity(t, lines)
		require.Len(t, lines[0].Cuts, 1)
		assert.Equal(t, CapCut{Cap: 0, Scope: CapPartner, Limit: dec("1500"), Cut: dec("150")}.Cut.String(), lines[0].Cuts[0].Cut.String())
	}
}

func TestSettlementRunBudgetOrder(t *testing.T) {
	deals := []Deal{
		deal("D-0", "P-2", "60000", "2026-01-05"),
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"),
		deal("D-4", "P-2", "30000", "2026-04-15"),
	}
	// Advances at 2%: P-2 1,200.00 (D-0); P-1 400 + 500 + 200 = 1,100.00.
	// By the end of Q1 the budget paid 2,300.00. Q1 true-ups: P-1 55,000
	// at 3% = 1,650 - 1,100 = 550.00; P-2 60,000 at 3% = 1,800 - 1,200 =
	// 600.00. Both settle before D-4 (2026-04-15), P-1 first (partner id).
	tests := []struct {
		budget string
		paid   map[string]string
		rows   []capRow
	}{
		{"3000",
			// Room 3,000 - 2,300 = 700.00: P-1 takes 550.00, P-2 gets the
			// 150.00 left (450.00 cut). D-4's advance of 600.00 finds the
			// budget spent: pays 0.00. P-2's Q2: 30,000 at 1% = 300.00 -
			// 0.00 advanced = 300.00, settled after the run: no room, all
			// 300.00 cut.
			map[string]string{"D-0": "1200.00", "D-1": "400.00", "D-2": "500.00", "D-3": "200.00", "D-4": "0.00"},
			[]capRow{
				{"P-1", "2026-01-01", "550.00", "550.00", "0.00", "0.00", nil},
				{"P-2", "2026-01-01", "600.00", "150.00", "450.00", "0.00", []CapScope{CapBudget}},
				{"P-2", "2026-04-01", "300.00", "0.00", "300.00", "0.00", []CapScope{CapBudget}},
			}},
		{"3500",
			// Room 1,200.00: both Q1 true-ups paid (2,300 + 550 + 600 =
			// 3,450.00); D-4 finds 50.00 left and pays 50.00 (550.00
			// cut), which an unbounded true-up would have left at 600.00.
			// P-2's Q2: 300.00 - 50.00 advanced = 250.00; budget spent:
			// all cut.
			map[string]string{"D-0": "1200.00", "D-1": "400.00", "D-2": "500.00", "D-3": "200.00", "D-4": "50.00"},
			[]capRow{
				{"P-1", "2026-01-01", "550.00", "550.00", "0.00", "0.00", nil},
				{"P-2", "2026-01-01", "600.00", "600.00", "0.00", "0.00", nil},
				{"P-2", "2026-04-01", "250.00", "0.00", "250.00", "0.00", []CapScope{CapBudget}},
			}},
		{"5000",
			// Room enough: 2,300 + 1,150 + 600 (D-4) = 4,050.00; P-2's Q2
			// 300.00 - 600.00 = -300.00, carried.
			map[string]string{"D-0": "1200.00", "D-1": "400.00", "D-2": "500.00", "D-3": "200.00", "D-4": "600.00"},
			[]capRow{
				{"P-1", "2026-01-01", "550.00", "550.00", "0.00", "0.00", nil},
				{"P-2", "2026-01-01", "600.00", "600.00", "0.00", "0.00", nil},
				{"P-2", "2026-04-01", "-300.00", "0.00", "0.00", "-300.00", nil},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.budget, func(t *testing.T) {
			p := rebateProgram(CreditPeriod, "50000")
			p.Caps = []Cap{{Scope: CapBudget, Limit: dec(tc.budget)}}
			paid, lines, _ := settledRun(t, p, RunOptions{Workers: 1}, "2026-06-30", deals...)
			assert.Equal(t, tc.paid, paid)
			assert.Equal(t, tc.rows, capRows(lines))
			checkIdentity(t, lines)
		})
	}
}

func TestSettlementRunCapPeriodBoundary(t *testing.T) {
	// A yearly settlement under a quarterly partner cap of 700.00: the
	// true-up is paid on the year's last day, so it counts in Q4's cap.
	p := rebateProgram(CreditPeriod, "50000")
	p.Settlements[0].Period = PeriodYear
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("700"), Period: PeriodQuarter}}
	paid, lines, _ := settledRun(t, p, RunOptions{}, "2026-12-31",
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "30000", "2026-04-15"),
		deal("D-3", "P-1", "10000", "2026-12-10"))
	// Advances 400.00 (Q1), 600.00 (Q2), 200.00 (Q4), each under 700.
	assert.Equal(t, map[string]string{"D-1": "400.00", "D-2": "600.00", "D-3": "200.00"}, paid)
	// The year: 60,000 at 3% = 1,800 - 1,200 advanced = 600.00; Q4's cap
	// has 700 - 200 = 500.00 left: pays 500.00, 100.00 cut. (Against Q1's
	// count it would pay 300.00, Q2's 100.00.)
	assert.Equal(t, []capRow{{"P-1", "2026-01-01", "600.00", "500.00", "100.00", "0.00", []CapScope{CapPartner}}}, capRows(lines))
	checkIdentity(t, lines)
}

func TestSettlementRunYearToDateCap(t *testing.T) {
	p := rebateProgram(CreditYearToDate, "100000")
	p.Caps = []Cap{{Scope: CapPartner, Limit: dec("2000"), Period: PeriodQuarter}}
	_, lines, _ := settledRun(t, p, RunOptions{}, "2026-12-31",
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-1", "30000", "2026-04-15"),
		deal("D-5", "P-1", "60000", "2026-07-15"), deal("D-6", "P-1", "10000", "2026-10-15"))
	assert.Equal(t, []capRow{
		// Q1: ytd 55,000 at 1% = 550 - 1,100 credited: nothing.
		{"P-1", "2026-01-01", "-550.00", "0.00", "0.00", "0.00", nil},
		// Q2: ytd 85,000: 850 - 1,700: nothing.
		{"P-1", "2026-04-01", "-850.00", "0.00", "0.00", "0.00", nil},
		// Q3: ytd 145,000 at 3% = 4,350 - 2,900 credited = 1,450.00; Q3's
		// cap paid the 1,200.00 advance: 800.00 room, 650.00 cut.
		{"P-1", "2026-07-01", "1450.00", "800.00", "650.00", "0.00", []CapScope{CapPartner}},
		// Q4: ytd 155,000 at 3% = 4,650; credited 2,900 + 1,450 (Q3's
		// true-up, its cut part too: lost, not credited again) + 200 (D-6)
		// = 4,550.00: 100.00, under Q4's cap (200 + 100 <= 2,000).
		{"P-1", "2026-10-01", "100.00", "100.00", "0.00", "0.00", nil},
	}, capRows(lines))
	assert.Equal(t, "4550.00", lines[3].Credited.Amount().StringFixed(2))
	checkIdentity(t, lines)
}

func TestSettlementRunChainedEqualsOne(t *testing.T) {
	// A budget of 3,500.00 over two quarters, run once and as two runs
	// chained through the carries (and the budget used so far).
	p := rebateProgram(CreditPeriod, "50000")
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("3500")}}
	q1 := []Deal{deal("D-0", "P-2", "60000", "2026-01-05"), deal("D-1", "P-1", "20000", "2026-01-15"),
		deal("D-2", "P-1", "25000", "2026-02-15"), deal("D-3", "P-1", "10000", "2026-03-15")}
	q2 := []Deal{deal("D-4", "P-2", "30000", "2026-04-15")}
	onePaid, oneLines, _ := settledRun(t, p, RunOptions{}, "2026-06-30", append(append([]Deal{}, q1...), q2...)...)

	paid1, lines1, b1 := settledRun(t, p, RunOptions{}, "2026-03-31", q1...)
	used := decimal.Zero
	for _, v := range paid1 {
		used = used.Add(dec(v))
	}
	for _, l := range lines1 {
		used = used.Add(l.Payable.Amount())
	}
	// 1,200 + 400 + 500 + 200 deals + 550 + 600 true-ups = 3,450.00.
	assert.Equal(t, "3450.00", used.StringFixed(2))
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b2 := e.NewSettlements()
	require.NoError(t, b2.CarryIn(b1.Carries(Date{2026, 3, 31})))
	var ins []Input
	for _, d := range q2 {
		ins = append(ins, Input{Deal: d, Partner: gold(d.PartnerID)})
	}
	paid2 := map[string]string{}
	for r, err := range e.Run(t.Context(), inputsOf(ins...), RunOptions{Settlements: b2, BudgetUsed: used}) {
		require.NoError(t, err)
		paid2[r.DealID] = r.Total.Amount().StringFixed(2)
	}
	lines2 := b2.Settle(Date{2026, 6, 30})
	// D-4 pays the 50.00 left either way.
	assert.Equal(t, onePaid["D-4"], paid2["D-4"])
	assert.Equal(t, "50.00", paid2["D-4"])
	var chained []capRow
	for _, l := range append(capRows(lines1), capRows(lines2)...) {
		chained = append(chained, l)
	}
	// The second run only lists what it settles (P-2's Q2).
	assert.Equal(t, capRows(oneLines), chained)
}

func TestSettlementRunRefusals(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	op := spiffProgram()
	op.ID = "other"
	other, err := NewEvaluator(op)
	require.NoError(t, err)
	run := func(b *SettlementBuilder) error {
		for _, err := range e.Run(t.Context(), inputsOf(Input{Deal: deal("D-1", "P-1", "100", "2026-01-15"), Partner: gold("P-1")}), RunOptions{Settlements: b}) {
			if err != nil {
				return err
			}
		}
		return nil
	}
	used := e.NewSettlements()
	require.NoError(t, run(used))
	fed := e.NewSettlements()
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "100", "2026-01-15"), Partner: gold("P-1")})
	require.NoError(t, fed.Add(r))
	tests := []struct {
		name string
		b    *SettlementBuilder
		want error
		msg  string
	}{
		{"other program", other.NewSettlements(), ErrInvalidOptions, "settles other v3"},
		{"attached twice", used, ErrInvalidOptions, "attached to a run already"},
		{"fed by hand", fed, ErrInvalidOptions, "given results by hand"},
		{"zero value", &SettlementBuilder{}, ErrNoEvaluator, "zero-value SettlementBuilder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(tc.b)
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	// Add on an attached builder is refused: the run added its results.
	err = used.Add(r)
	require.ErrorIs(t, err, ErrInvalidOptions)
	assert.Contains(t, err.Error(), "the run adds its results itself")
}

func TestSettlementRunWithoutCapsSameAsByHand(t *testing.T) {
	// Without per_partner or budget caps, settling in the run changes
	// nothing: the lines equal those of results added by hand
	// (TestSettlementTrueUp's figures), for one worker or several.
	for _, credit := range []CreditMode{CreditPeriod, CreditYearToDate} {
		for _, workers := range []int{1, 2} {
			p := rebateProgram(credit, "50000")
			byHand := settleDeals(t, p, "2026-09-30")
			_, lines, _ := settledRun(t, p, RunOptions{Workers: workers, AsOf: day("2026-12-31")}, "2026-09-30",
				deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
				deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-1", "30000", "2026-04-15"),
				deal("D-5", "P-1", "60000", "2026-07-15"))
			require.Len(t, lines, 3)
			assert.Equal(t, rows(byHand), rows(lines), "%s, %d workers", credit, workers)
			for _, l := range lines {
				assert.True(t, l.Capped.IsZero())
				assert.Empty(t, l.Cuts)
			}
		}
	}
}

func TestSettlementRunLateDealFails(t *testing.T) {
	// Q1 was settled by an earlier run: a deal closing in Q1 fails (its
	// error is yielded, it is paid nothing and counts nowhere) and the run
	// goes on.
	p := rebateProgram(CreditPeriod, "50000")
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("1000")}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	require.NoError(t, b.CarryIn([]SettlementCarry{{Settlement: "quarterly", PartnerID: "P-1", Through: Date{2026, 3, 31}}}))
	var errs []error
	paid := map[string]string{}
	for r, err := range e.Run(t.Context(), inputsOf(
		Input{Deal: deal("D-9", "P-1", "40000", "2026-03-20"), Partner: gold("P-1")},
		Input{Deal: deal("D-10", "P-1", "10000", "2026-04-20"), Partner: gold("P-1")}), RunOptions{Settlements: b}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		paid[r.DealID] = r.Total.Amount().StringFixed(2)
	}
	require.Len(t, errs, 1)
	var ee *EvalError
	require.ErrorAs(t, errs[0], &ee)
	assert.Equal(t, "D-9", ee.Deal)
	require.ErrorIs(t, errs[0], ErrInvalidDeal)
	assert.ErrorContains(t, errs[0], "already settled (through 2026-03-31)")
	// D-10: 10,000 x 2% = 200.00, the budget untouched by D-9.
	assert.Equal(t, map[string]string{"D-10": "200.00"}, paid)
	lines := b.Settle(Date{2026, 6, 30})
	// Q2 alone: 10,000 at 1% = 100.00 - 200.00 = -100.00, carried.
	assert.Equal(t, []capRow{{"P-1", "2026-04-01", "-100.00", "0.00", "0.00", "-100.00", nil}}, capRows(lines))
}

func TestSettlementRunAsOf(t *testing.T) {
	// A budget of 1,800.00. P-1: 55,000 in Q1 advanced 1,100.00, true-up
	// 1,650 - 1,100 = 550.00; P-2's deal of 30,000 on 2026-04-15 advances
	// 600.00.
	p := rebateProgram(CreditPeriod, "50000")
	p.Caps = []Cap{{Scope: CapBudget, Limit: dec("1800")}}
	deals := []Deal{deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-2", "30000", "2026-04-15")}
	tests := []struct {
		name, asOf string
		runAsOf    string
		d4         string
		rows       []capRow
	}{
		// Settled at the quarter's end: 1,100 + 550 = 1,650.00 paid, D-4
		// finds 150.00 left (450.00 cut). Q2 for P-2 is open on 06-29.
		{"settled in the run", "2026-06-29", "", "150.00",
			[]capRow{{"P-1", "2026-01-01", "550.00", "550.00", "0.00", "0.00", nil}, {"P-2", "2026-04-01", "0.00", "0.00", "0.00", "0.00", nil}}},
		// Settle as of a day before Q1's end, after a run that settled it:
		// Q1 shows open (nothing payable, nothing capped), as on that day.
		{"settle before the end", "2026-03-30", "", "150.00",
			[]capRow{{"P-1", "2026-01-01", "0.00", "0.00", "0.00", "0.00", nil}, {"P-2", "2026-04-01", "0.00", "0.00", "0.00", "0.00", nil}}},
		// The run's as-of is 2026-03-30: Q1 had not ended, so the run
		// does not settle it, D-4 finds 1,800 - 1,100 = 700.00 (pays
		// 600.00), and Settle as of a later day still settles as of
		// 2026-03-30: Q1 open.
		{"run as of before the end", "2026-06-30", "2026-03-30", "600.00",
			[]capRow{{"P-1", "2026-01-01", "0.00", "0.00", "0.00", "0.00", nil}, {"P-2", "2026-04-01", "0.00", "0.00", "0.00", "0.00", nil}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := RunOptions{}
			if tc.runAsOf != "" {
				opts.AsOf = day(tc.runAsOf)
			}
			paid, lines, _ := settledRun(t, p, opts, tc.asOf, deals...)
			assert.Equal(t, tc.d4, paid["D-4"])
			assert.Equal(t, tc.rows, capRows(lines))
			checkIdentity(t, lines)
		})
	}
}
