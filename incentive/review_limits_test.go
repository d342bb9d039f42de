package incentive

// Defects of issue #7 part B (computed caps, history, one home per rule):
// each test below names whether it failed before its fix. Expected amounts
// are computed by hand in the comments.

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bandDealProgram pays a retroactive rate table over the deal amount.
func bandDealProgram(stage RoundingStage) *Program {
	return &Program{
		ID: "band-deal", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Rounding:  Rounding{Mode: HalfUp, Stage: stage},
		Earnings: []Earning{{ID: "base", Type: Rebate, Bands: &BandTable{
			Method: Retroactive, Basis: BasisDeal, Pays: PaysRate,
			Bands: []Band{
				{From: dec("0"), To: decp("1000"), Value: dec("0.01")},
				{From: dec("1000"), Value: dec("0.02")},
			}}}},
	}
}

// A band table over `basis: deal` recorded its band step twice, once when
// the deal's own terms were computed and again in deal order (failed
// before the fix, at every rounding stage).
func TestBandStepOnceForDealBasis(t *testing.T) {
	for _, stage := range []RoundingStage{StageLine, StageDeal, StageStatement} {
		t.Run(string(stage), func(t *testing.T) {
			p := bandDealProgram(stage)
			r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "2000.005", "2026-02-01"), Partner: gold("P-1")})
			n := 0
			for _, s := range r.Trace {
				if s.Kind == StepBand {
					n++
				}
			}
			assert.Equal(t, 1, n, "band steps in the trace:\n%s", r.Explain())
			// 2,000.005 reaches band 2: 2,000.005 x 0.02 = 40.0001
			require.Len(t, r.Lines, 1)
			assert.Equal(t, "40.0001", r.Lines[0].Gross.Amount().String())
		})
	}
}

// With deal-stage rounding, a partner cap or budget that does not bind
// must leave the rounding alone and not be reported: 3,335.00 x 0.001 =
// 3.335, half_up to cents 3.34 (a passing regression test: on main this
// defect was already fixed when part B started).
func TestDealRoundingUnderNonBindingRunningCaps(t *testing.T) {
	p := &Program{
		ID: "deal-round", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Rounding:  Rounding{Mode: HalfUp, Stage: StageDeal},
		Earnings:  []Earning{{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.001"))}},
		Caps:      []Cap{{Scope: CapPartner, Limit: dec("10000")}, {Scope: CapBudget, Limit: dec("10000")}},
	}
	var got []*Result
	for r, err := range Run(t.Context(), p, inputs(deal("D-1", "P-1", "3335.00", "2026-02-01")), RunOptions{}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "3.34", got[0].Total.Amount().StringFixed(2))
	require.Len(t, got[0].Lines, 1)
	assert.Empty(t, got[0].Lines[0].Cuts, "no cap binds")
}

// In a `pick: first` group a line that reached a band but lost the pick
// reported no band: the result kept only paying lines (failed before the
// fix, Result.Lost did not exist).
func TestLostGroupLineKeepsItsBand(t *testing.T) {
	p := &Program{
		ID: "pick-first", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Groups:    []Group{{ID: "g", Pick: PickFirst}},
		Earnings: []Earning{
			{ID: "flat", Type: Bonus, Amount: Const(dec("5")), Group: "g"},
			{ID: "tiered", Type: Bonus, Group: "g", Bands: &BandTable{Method: Retroactive, Pays: PaysFlat,
				Bands: []Band{{From: dec("0"), To: decp("1000"), Value: dec("10"), Label: "small"}, {From: dec("1000"), Value: dec("20"), Label: "big"}}}},
		},
	}
	r := mustEval(t, p, Input{Deal: deal("D-1", "P-1", "2000", "2026-02-01"), Partner: gold("P-1")})
	// flat 5.00 holds first and is not zero: it wins; tiered reached "big"
	// (2,000.00 >= 1,000.00) for a flat 20.00 but pays nothing.
	assert.Equal(t, "5.00", r.Total.Amount().StringFixed(2))
	require.Len(t, r.Lines, 1)
	assert.Equal(t, "flat", r.Lines[0].Earning)
	require.Len(t, r.Lost, 1)
	lost := r.Lost[0]
	assert.Equal(t, "tiered", lost.Earning)
	assert.Equal(t, "20.00", lost.Amount.Amount().StringFixed(2))
	require.NotNil(t, lost.Band)
	assert.Equal(t, "big", lost.Band.Label)
}

// reimbursementProgram pays half the actual cost, capped per deal by the
// approved amount the deal carries.
func reimbursementProgram() *Program {
	return &Program{
		ID: "mdf", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Fields: []FieldDecl{
			{Name: "actual_cost", Type: FieldDecimal},
			{Name: "approved", Type: FieldDecimal, Optional: true},
		},
		Earnings: []Earning{{ID: "reimburse", Type: MDF, Amount: RateOf("deal.actual_cost", dec("0.5"))}},
		Caps: []Cap{{Scope: CapLine, Earning: "reimburse",
			LimitFormula: FormulaFunc("deal.approved", []string{"deal.approved"}, func(s *Scope) (decimal.Decimal, error) {
				v, _ := s.Lookup("deal.approved")
				return v.(decimal.Decimal), nil
			})}},
	}
}

func TestComputedLineCap(t *testing.T) {
	tests := []struct {
		name           string
		cost, approved string // approved "" leaves the optional field out
		total          string
		cut            string // "" when the cap does not bind
		limit          string
	}{
		// 2,000.00 x 0.5 = 1,000.00 > 800.00: cut 200.00
		{"binds", "2000.00", "800.00", "800.00", "200.00", "800.00"},
		// 2,000.00 x 0.5 = 1,000.00 <= 1,500.00
		{"does not bind", "2000.00", "1500.00", "1000.00", "", ""},
		// 800.009 rounds toward zero to 800.00: 1,000.00 - 800.00 = 200.00
		{"limit rounds toward zero", "2000.00", "800.009", "800.00", "200.00", "800.00"},
		// no approved amount reads as 0: 1,000.00 is cut to 0.00
		{"no approval pays nothing", "2000.00", "", "0.00", "1000.00", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deal("D-1", "P-1", "5000", "2026-02-01")
			d.Fields = map[string]any{"actual_cost": dec(tt.cost)}
			if tt.approved != "" {
				d.Fields["approved"] = dec(tt.approved)
			}
			r := mustEval(t, reimbursementProgram(), Input{Deal: d, Partner: gold("P-1")})
			assert.Equal(t, tt.total, r.Total.Amount().StringFixed(2))
			require.Len(t, r.Lines, 1)
			if tt.cut == "" {
				assert.Empty(t, r.Lines[0].Cuts)
				return
			}
			require.Len(t, r.Lines[0].Cuts, 1)
			c := r.Lines[0].Cuts[0]
			assert.Equal(t, CapLine, c.Scope)
			assert.Equal(t, tt.cut, c.Cut.StringFixed(2))
			assert.Equal(t, tt.limit, c.Limit.StringFixed(2), "the cut records the computed limit")
			assert.Contains(t, r.Explain(), `earning "reimburse": line cap deal.approved = `+tt.limit)
		})
	}
}

func TestComputedLineCapNegativeIsAnError(t *testing.T) {
	d := deal("D-1", "P-1", "5000", "2026-02-01")
	d.Fields = map[string]any{"actual_cost": dec("100"), "approved": dec("-1")}
	_, err := Evaluate(t.Context(), reimbursementProgram(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
	require.ErrorIs(t, err, ErrInvalidAmount)
	var ee *EvalError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, `earning "reimburse" cap`, ee.Part)
	assert.Contains(t, err.Error(), "deal.approved comes to -1, below zero")
}

// A computed cap that reads running totals is evaluated in deal order.
func TestComputedLineCapReadingRunningTotals(t *testing.T) {
	p := &Program{
		ID: "ramp", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Earnings:  []Earning{{ID: "base", Type: Spiff, Amount: RateOf(PathDealAmount, dec("0.05"))}},
		Caps: []Cap{{Scope: CapLine, LimitFormula: FormulaFunc("period.amount * 0.01", []string{PathPeriodAmount},
			func(s *Scope) (decimal.Decimal, error) { return s.Acc.PeriodAmount.Mul(dec("0.01")), nil })}},
	}
	rs := runAll(t, p, RunOptions{},
		deal("D-1", "P-1", "10000", "2026-02-01"),
		deal("D-2", "P-1", "5000", "2026-02-02"))
	require.Len(t, rs, 2)
	// D-1: 10,000.00 x 0.05 = 500.00; the period had 0.00 before: cap 0.00
	assert.Equal(t, "0.00", rs[0].Total.Amount().StringFixed(2))
	// D-2: 5,000.00 x 0.05 = 250.00; cap 10,000.00 x 0.01 = 100.00
	assert.Equal(t, "100.00", rs[1].Total.Amount().StringFixed(2))
}

func TestValidateComputedCaps(t *testing.T) {
	f := Const(dec("10"))
	tests := []struct {
		name string
		cap  Cap
		path string
		msg  string
	}{
		{"not a line cap", Cap{Scope: CapDeal, LimitFormula: f}, "caps.per_deal", "only a line cap (`cap:` on an earning) may be an expression"},
		{"both limit and formula", Cap{Scope: CapLine, Earning: "base", Limit: dec("5"), LimitFormula: f}, "earnings[0].cap", "sets both a limit (5) and a computed limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := bandDealProgram(StageLine)
			p.Caps = []Cap{tt.cap}
			err := p.Validate()
			require.ErrorIs(t, err, ErrInvalidProgram)
			var pe *ProgramError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.path, pe.Path)
			assert.Contains(t, pe.Msg, tt.msg)
		})
	}
}

func TestPeriodBefore(t *testing.T) {
	tests := []struct {
		unit Period
		d    Date
		back int
		want string
	}{
		{PeriodMonth, Date{2026, 1, 31}, 1, "2025-12"},
		{PeriodMonth, Date{2026, 3, 31}, 1, "2026-02"}, // no month-end clamping: the period, not the day
		{PeriodMonth, Date{2024, 3, 1}, 13, "2023-02"},
		{PeriodQuarter, Date{2026, 2, 15}, 1, "2025-Q4"},
		{PeriodQuarter, Date{2026, 5, 10}, 4, "2025-Q2"},
		{PeriodQuarter, Date{2026, 12, 31}, 8, "2024-Q4"},
		{PeriodYear, Date{2026, 1, 1}, 2, "2024"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, PeriodBefore(tt.unit, tt.d, tt.back))
			assert.True(t, IsPeriodLabel(tt.want))
		})
	}
	for _, bad := range []string{"2026-13", "2026-Q5", "26", "2026-1", "2026-q1", ""} {
		assert.False(t, IsPeriodLabel(bad), bad)
	}
}

// growthProgram pays 5% of what a deal adds above the mean of the
// partner's last two quarters (a Go-built formula reading the history).
func growthProgram() *Program {
	return &Program{
		ID: "growth", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc},
		Earnings: []Earning{{ID: "growth", Type: Rebate, Amount: FormulaFunc("5% above the 2-quarter mean",
			[]string{HistoryPath(PeriodQuarter, 1), HistoryPath(PeriodQuarter, 2)},
			func(s *Scope) (decimal.Decimal, error) {
				q1, err := s.HistoryTotal(PeriodQuarter, 1)
				if err != nil {
					return decimal.Decimal{}, err
				}
				q2, err := s.HistoryTotal(PeriodQuarter, 2)
				if err != nil {
					return decimal.Decimal{}, err
				}
				over := s.Amount.Sub(q1.Add(q2).Div(dec("2")))
				return decimal.Max(over, decimal.Zero).Mul(dec("0.05")), nil
			})}},
	}
}

func TestHistoryTotals(t *testing.T) {
	d := deal("D-1", "P-1", "150000", "2026-05-10") // 2026-Q2
	h := History{"2026-Q1": dec("120000"), "2025-Q4": dec("80000")}
	r := mustEval(t, growthProgram(), Input{Deal: d, Partner: gold("P-1"), History: h})
	// mean (120,000 + 80,000) / 2 = 100,000; 150,000 - 100,000 = 50,000;
	// 50,000 x 0.05 = 2,500.00
	assert.Equal(t, "2500.00", r.Total.Amount().StringFixed(2))
	assert.Contains(t, r.Explain(), "history.quarter.1 = 120,000.00")

	// the same in a run: every deal carries its partner's history
	var got []*Result
	for r, err := range Run(t.Context(), growthProgram(), func(yield func(Input, error) bool) {
		yield(Input{Deal: d, Partner: gold("P-1"), History: h}, nil)
	}, RunOptions{}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "2500.00", got[0].Total.Amount().StringFixed(2))
}

func TestHistoryNotSuppliedIsAnError(t *testing.T) {
	d := deal("D-1", "P-1", "150000", "2026-05-10")
	_, err := Evaluate(t.Context(), growthProgram(), Input{Deal: d, Partner: gold("P-1"),
		History: History{"2026-Q1": dec("120000")}}, day("2026-12-31"))
	require.ErrorIs(t, err, ErrNoHistory)
	var ee *EvalError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "D-1", ee.Deal)
	assert.Contains(t, err.Error(), `partner "P-1" has no total for 2025-Q4 (2 quarter(s) before the deal's quarter 2026-Q2)`)
}

func TestDealFileHistory(t *testing.T) {
	p := growthProgram()
	src := `{"id":"D-1","partner_id":"P-1","amount":"150000","close_date":"2026-05-10","history":{"2026-Q1":"120000","2025-Q4":"80000.50"}}` + "\n"
	var ins []Input
	for in, err := range DecodeJSONLines(strings.NewReader(src), p, DecodeOptions{Name: "d.jsonl"}) {
		require.NoError(t, err)
		ins = append(ins, in)
	}
	require.Len(t, ins, 1)
	assert.Equal(t, History{"2026-Q1": dec("120000"), "2025-Q4": dec("80000.50")}, ins[0].History)
	// written and read back: the same history
	b, err := AppendDealJSON(nil, &ins[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"history":{"2025-Q4":"80000.50","2026-Q1":"120000"}`)
	for in, err := range DecodeJSONLines(strings.NewReader(string(b)+"\n"), p, DecodeOptions{Name: "d.jsonl"}) {
		require.NoError(t, err)
		assert.Equal(t, ins[0].History, in.History)
	}

	bad := `{"id":"D-1","partner_id":"P-1","amount":"1","close_date":"2026-05-10","history":{"2026-Q9":"1","2026-Q1":"x"}}` + "\n"
	for _, err := range DecodeJSONLines(strings.NewReader(bad), p, DecodeOptions{Name: "d.jsonl"}) {
		require.ErrorIs(t, err, ErrInvalidDeal)
		assert.Contains(t, err.Error(), "history.2026-Q9")
		assert.Contains(t, err.Error(), "history.2026-Q1")
	}
}
