package incentive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settleRun is one run of a program's settlements: the carries of the run
// before (through JSON, as the command writes and reads them), the deals,
// the settlement date. It returns the lines and the carries out.
func settleRun(t *testing.T, p *Program, in []SettlementCarry, asOf Date, deals ...Deal) ([]SettlementLine, []SettlementCarry) {
	t.Helper()
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	if in != nil {
		// A round trip through JSON, as between two runs of the command.
		raw, err := json.Marshal(in)
		require.NoError(t, err)
		var back []SettlementCarry
		require.NoError(t, json.Unmarshal(raw, &back))
		require.NoError(t, b.CarryIn(back))
	}
	for _, d := range deals {
		r, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		require.NoError(t, b.Add(r))
	}
	return b.Settle(asOf), b.Carries(asOf)
}

// carryText renders a carry with amounts at two places, for comparing.
func carryText(c SettlementCarry) string {
	s := c.Settlement + " " + c.PartnerID + " through " + c.Through.String() + " carried " + c.Carried.Amount().StringFixed(2) +
		" basis " + c.Basis.Amount().StringFixed(2) + " credited " + c.Credited.Amount().StringFixed(2)
	for _, o := range c.Open {
		s += "; open " + o.From.String() + " basis " + o.Basis.Amount().StringFixed(2)
		for _, a := range o.Advances {
			s += ", advanced " + a.From.String() + " " + a.Amount.Amount().StringFixed(2)
		}
	}
	return s
}

func TestSettlementCarriesChainRuns(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	// Run 1, Q1: as TestSettlementTrueUp, 1,650.00 - 1,100.00 = 550.00 paid.
	l1, c1 := settleRun(t, p, nil, Date{2026, 3, 31},
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"), deal("D-3", "P-1", "10000", "2026-03-15"))
	assert.Equal(t, []settleRow{{"2026-01-01", true, "55000.00", "1650.00", "1100.00", "0.00", "550.00", "550.00", "0.00"}}, rows(l1))
	require.Len(t, c1, 1)
	assert.Equal(t, "quarterly P-1 through 2026-03-31 carried 0.00 basis 0.00 credited 0.00", carryText(c1[0]))

	// Run 2, Q2: 30,000 x 1% = 300.00 - 600.00 = -300.00, carried out.
	l2, c2 := settleRun(t, p, c1, Date{2026, 6, 30}, deal("D-4", "P-1", "30000", "2026-04-15"))
	assert.Equal(t, []settleRow{{"2026-04-01", true, "30000.00", "300.00", "600.00", "0.00", "-300.00", "0.00", "-300.00"}}, rows(l2))
	require.Len(t, c2, 1)
	assert.Equal(t, Date{2026, 6, 30}, c2[0].Through)
	assert.Equal(t, "-300.00", c2[0].Carried.Amount().StringFixed(2))

	// Run 3: no deal of P-1 at all. Nothing settles, and the -300.00 is
	// carried through unchanged, not dropped.
	l3, c3 := settleRun(t, p, c2, Date{2026, 9, 30})
	assert.Empty(t, l3)
	require.Len(t, c3, 1)
	assert.Equal(t, carryText(c2[0]), carryText(c3[0]))

	// Run 4, Q3: 60,000 x 3% = 1,800.00 - 1,200.00 - 300.00 carried in =
	// 300.00, as in the single run of TestSettlementTrueUp.
	l4, _ := settleRun(t, p, c3, Date{2026, 9, 30}, deal("D-5", "P-1", "60000", "2026-07-15"))
	assert.Equal(t, []settleRow{{"2026-07-01", true, "60000.00", "1800.00", "1200.00", "-300.00", "300.00", "300.00", "0.00"}}, rows(l4))

	// A late deal in a period a carried settlement settled is refused.
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	require.NoError(t, b.CarryIn(c2))
	r, err := e.Evaluate(t.Context(), Input{Deal: deal("D-9", "P-1", "1000", "2026-06-30"), Partner: gold("P-1")}, day("2026-12-31"))
	require.NoError(t, err)
	err = b.Add(r)
	assert.ErrorIs(t, err, ErrInvalidDeal)
	assert.ErrorContains(t, err, `deal "D-9" closes on 2026-06-30, in a period of settlement "quarterly" that partner "P-1"'s carried settlement already settled (through 2026-06-30)`)
}

func TestSettlementCarriesOpenPeriod(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	// Run 1 ends in February: Q1 is open with 20,000 + 25,000 = 45,000 and
	// advances 400.00 (Jan) and 500.00 (Feb).
	l1, c1 := settleRun(t, p, nil, Date{2026, 2, 28}, deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"))
	require.Len(t, l1, 1)
	assert.False(t, l1[0].Settled)
	require.Len(t, c1, 1)
	assert.True(t, c1[0].Through.IsZero())
	assert.Equal(t, "quarterly P-1 through 0000-00-00 carried 0.00 basis 0.00 credited 0.00; open 2026-01-01 basis 45000.00, advanced 2026-01-01 400.00, advanced 2026-02-01 500.00", carryText(c1[0]))
	// Run 2 adds March's 10,000: Q1 55,000 x 3% = 1,650.00 - (400 + 500 +
	// 200) = 550.00, as if one run had seen all three deals.
	l2, c2 := settleRun(t, p, c1, Date{2026, 3, 31}, deal("D-3", "P-1", "10000", "2026-03-15"))
	assert.Equal(t, []settleRow{{"2026-01-01", true, "55000.00", "1650.00", "1100.00", "0.00", "550.00", "550.00", "0.00"}}, rows(l2))
	assert.Equal(t, []Subtotal{{"2026-01", usd("400.00")}, {"2026-02", usd("500.00")}, {"2026-03", usd("200.00")}}, l2[0].AdvancesBy)
	assert.Empty(t, c2[0].Open)
}

func TestSettlementCarriesYearToDate(t *testing.T) {
	p := rebateProgram(CreditYearToDate, "100000")
	p.Effective.To = Date{2027, 12, 31} // two years
	// Run 1, H1: as TestSettlementYearToDateHighWater, ytd 85,000 and
	// 1,100 + 600 = 1,700.00 credited through 2026-06-30.
	_, c1 := settleRun(t, p, nil, Date{2026, 6, 30},
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-1", "30000", "2026-04-15"))
	require.Len(t, c1, 1)
	assert.Equal(t, "85000.00", c1[0].Basis.Amount().StringFixed(2))
	assert.Equal(t, "1700.00", c1[0].Credited.Amount().StringFixed(2))
	assert.Equal(t, "0.00", c1[0].Carried.Amount().StringFixed(2))
	// Run 2, Q3: ytd 85,000 + 60,000 = 145,000 x 3% = 4,350.00; credited
	// 1,700 + 1,200 = 2,900.00; pays 1,450.00.
	l2, c2 := settleRun(t, p, c1, Date{2026, 9, 30}, deal("D-5", "P-1", "60000", "2026-07-15"))
	assert.Equal(t, []settleRow{{"2026-07-01", true, "145000.00", "4350.00", "1200.00", "0.00", "1450.00", "1450.00", "0.00"}}, rows(l2))
	// After Q3: 2,900 + 1,450 = 4,350.00 credited.
	assert.Equal(t, "4350.00", c2[0].Credited.Amount().StringFixed(2))
	// The next year starts again from zero: 2027-Q1 20,000 x 1% = 200.00,
	// less its own 400.00 advance: nothing paid.
	l3, _ := settleRun(t, p, c2, Date{2027, 3, 31}, deal("D-6", "P-1", "20000", "2027-01-15"))
	assert.Equal(t, []settleRow{{"2027-01-01", true, "20000.00", "200.00", "400.00", "0.00", "-200.00", "0.00", "0.00"}}, rows(l3))
}

func TestSettlementCarryInErrors(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	ok := SettlementCarry{Settlement: "quarterly", PartnerID: "P-1", Through: Date{2026, 3, 31}, Carried: usd("-10.00")}
	tests := []struct {
		name string
		edit func(c []SettlementCarry) []SettlementCarry
		is   error
		want string
	}{
		{"unknown settlement", func(c []SettlementCarry) []SettlementCarry { c[0].Settlement = "annual"; return c }, ErrInvalidProgram,
			`carried settlement "annual" of partner "P-1": program q4-2026-new-logo-spiff v3 has no such settlement`},
		{"positive carry", func(c []SettlementCarry) []SettlementCarry { c[0].Carried = usd("10.00"); return c }, ErrInvalidAmount,
			"carries 10.00; only a negative true-up is carried"},
		{"currency", func(c []SettlementCarry) []SettlementCarry { c[0].Carried = MustParseMoney("-1", "EUR"); return c }, ErrCurrencyMismatch, "is in EUR"},
		{"twice", func(c []SettlementCarry) []SettlementCarry { return append(c, c[0]) }, ErrInvalidAmount, "is given twice"},
		{"open before through", func(c []SettlementCarry) []SettlementCarry {
			c[0].Open = []SettlementOpen{{From: Date{2026, 1, 1}, Basis: usd("1")}}
			return c
		}, ErrInvalidAmount, "open period 2026-01-01 is not a quarter of the settlement after 2026-03-31"},
		{"year to date under period credit", func(c []SettlementCarry) []SettlementCarry { c[0].Basis = usd("100.00"); return c }, ErrInvalidAmount,
			"has a year to date (basis 100.00, credited 0.00), but the settlement credits each period on its own"},
		{"open periods out of order", func(c []SettlementCarry) []SettlementCarry {
			c[0].Open = []SettlementOpen{{From: Date{2026, 7, 1}}, {From: Date{2026, 4, 1}}}
			return c
		}, ErrInvalidAmount, "open periods must be in date order, each once (2026-04-01 after 2026-07-01)"},
		{"advances twice", func(c []SettlementCarry) []SettlementCarry {
			a := SettlementAdvance{From: Date{2026, 4, 1}, Amount: usd("1")}
			c[0].Open = []SettlementOpen{{From: Date{2026, 4, 1}, Advances: []SettlementAdvance{a, a}}}
			return c
		}, ErrInvalidAmount, "the advances of open period 2026-04-01 must be in date order, each once"},
		{"open not a period start", func(c []SettlementCarry) []SettlementCarry {
			c[0].Open = []SettlementOpen{{From: Date{2026, 5, 1}, Basis: usd("1")}}
			return c
		}, ErrInvalidAmount, "open period 2026-05-01 is not a quarter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewEvaluator(p)
			require.NoError(t, err)
			b := e.NewSettlements()
			err = b.CarryIn(tt.edit([]SettlementCarry{ok}))
			require.ErrorIs(t, err, tt.is)
			assert.ErrorContains(t, err, tt.want)
			assert.Empty(t, b.Carries(Date{2026, 12, 31}), "nothing is carried in on an error")
		})
	}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	require.NoError(t, b.CarryIn([]SettlementCarry{ok}))
	assert.ErrorIs(t, b.CarryIn([]SettlementCarry{ok}), ErrInvalidOptions, "a second CarryIn would add open periods twice")
	var zero SettlementBuilder
	assert.ErrorIs(t, zero.CarryIn(nil), ErrNoEvaluator)
}

// A year to date given with SetPrior, carried on by a run that settled
// nothing (Through zero, an open period), still counts in the next run.
func TestSettlementCarriesPriorYearToDateNothingSettled(t *testing.T) {
	p := rebateProgram(CreditYearToDate, "100000")
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	b.SetPrior(func(string, string) SettlementPrior {
		return SettlementPrior{Basis: dec("40000"), Credited: dec("500")}
	})
	r, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "20000", "2026-01-15"), Partner: gold("P-1")}, day("2026-12-31"))
	require.NoError(t, err)
	require.NoError(t, b.Add(r))
	c1 := b.Carries(Date{2026, 2, 28}) // Q1 open: nothing settled
	require.Len(t, c1, 1)
	assert.Equal(t, "quarterly P-1 through 0000-00-00 carried 0.00 basis 40000.00 credited 500.00; open 2026-01-01 basis 20000.00, advanced 2026-01-01 400.00", carryText(c1[0]))
	// Next run, D-2 35,000 in February: ytd 40,000 + 20,000 + 35,000 =
	// 95,000 x 1% = 950.00; credited 500 + 400 + 700 = 1,600.00: -650.00,
	// as TestSettlementPrior's single run.
	l2, _ := settleRun(t, p, c1, Date{2026, 3, 31}, deal("D-2", "P-1", "35000", "2026-02-15"))
	assert.Equal(t, []settleRow{{"2026-01-01", true, "95000.00", "950.00", "1100.00", "0.00", "-650.00", "0.00", "0.00"}}, rows(l2))
	assert.Equal(t, "1600.00", l2[0].Credited.Amount().StringFixed(2))
}

// A carry under year_to_date is refused, not dropped.
func TestSettlementCarryInYearToDateCarried(t *testing.T) {
	e, err := NewEvaluator(rebateProgram(CreditYearToDate, "100000"))
	require.NoError(t, err)
	err = e.NewSettlements().CarryIn([]SettlementCarry{{Settlement: "quarterly", PartnerID: "P-1", Carried: usd("-1.00")}})
	assert.ErrorIs(t, err, ErrInvalidAmount)
	assert.ErrorContains(t, err, "carries a true-up of -1.00, but the settlement credits year to date")
}

// FuzzSettlementCarryIn: any JSON is refused with an error or carried in;
// nothing panics, and what a builder without deals carries out is what it
// carried in (a run without deals drops nothing and invents nothing).
func FuzzSettlementCarryIn(f *testing.F) {
	f.Add(`[{"settlement":"quarterly","partner":"P-1","through":"2026-06-30","carried":{"amount":"-300.00","currency":"USD"}}]`)
	f.Add(`[{"settlement":"quarterly","partner":"P-1","through":"0000-00-00","open":[{"from":"2026-01-01","basis":{"amount":"45000.00","currency":"USD"},"advances":[{"from":"2026-01-01","amount":{"amount":"400.00","currency":"USD"}},{"from":"2026-02-01","amount":{"amount":"500.00","currency":"USD"}}]}]}]`)
	f.Add(`[{"settlement":"quarterly","partner":"P-2","carried":{"amount":"1","currency":"EUR"}}]`)
	f.Add(`[]`)
	p := rebateProgram(CreditPeriod, "50000")
	e, err := NewEvaluator(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var in []SettlementCarry
		if json.Unmarshal([]byte(src), &in) != nil {
			return
		}
		b := e.NewSettlements()
		if err := b.CarryIn(in); err != nil {
			return
		}
		out := b.Carries(Date{})
		if len(out) != len(in) {
			t.Fatalf("carried in %d, out %d", len(in), len(out))
		}
		want := map[string]string{}
		for _, c := range in {
			want[c.PartnerID] = carryText(c)
		}
		for _, c := range out {
			if got := carryText(c); got != want[c.PartnerID] {
				t.Fatalf("carried in %s\ncarried out %s", want[c.PartnerID], got)
			}
		}
	})
}
