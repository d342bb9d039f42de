package incentive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rebateProgram advances 2% of every deal (the earning "advance") against
// a quarterly rebate paying 1% of the quarter's total below 50,000 and 3%
// of all of it from 50,000 (retroactive).
func rebateProgram(credit CreditMode, from string) *Program {
	p := spiffProgram()
	p.Eligibility, p.Caps, p.Claims = nil, nil, ClaimWindow{}
	p.Effective = Window{From: Date{2026, 1, 1}, To: Date{2026, 12, 31}, Location: nyc}
	p.Earnings = []Earning{{ID: "advance", Type: Rebate, Amount: RateOf(PathDealAmount, dec("0.02"))}}
	p.Settlements = []Settlement{{ID: "quarterly", Type: Rebate, Period: PeriodQuarter, Advances: []string{"advance"}, Credit: credit,
		Bands: &BandTable{Method: Retroactive, Pays: PaysRate, Bands: []Band{
			{From: dec("0"), To: decp(from), Value: dec("0.01")},
			{From: dec(from), Value: dec("0.03")}}}}}
	return p
}

// settleDeals: P-1 closes 20,000 (Jan), 25,000 (Feb), 10,000 (Mar),
// 30,000 (Apr) and 60,000 (Jul); advances at 2% are 400, 500, 200, 600
// and 1,200.
func settleDeals(t *testing.T, p *Program, asOf string) []SettlementLine {
	t.Helper()
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	for _, d := range []Deal{
		deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "25000", "2026-02-15"),
		deal("D-3", "P-1", "10000", "2026-03-15"), deal("D-4", "P-1", "30000", "2026-04-15"),
		deal("D-5", "P-1", "60000", "2026-07-15"),
	} {
		r, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		require.NoError(t, b.Add(r))
	}
	ad, err := ParseDate(asOf)
	require.NoError(t, err)
	return b.Settle(ad)
}

type settleRow struct {
	from                                                        string
	settled                                                     bool
	basis, entitlement, advances, carriedIn, trueUp, pay, carry string
}

func rows(lines []SettlementLine) []settleRow {
	var out []settleRow
	for _, l := range lines {
		out = append(out, settleRow{l.From.String(), l.Settled, l.Basis.Amount().StringFixed(2), l.Entitlement.Amount().StringFixed(2),
			l.Advances.Amount().StringFixed(2), l.CarriedIn.Amount().StringFixed(2), l.TrueUp.Amount().StringFixed(2),
			l.Payable.Amount().StringFixed(2), l.CarriedOut.Amount().StringFixed(2)})
	}
	return out
}

func TestSettlementTrueUp(t *testing.T) {
	lines := settleDeals(t, rebateProgram(CreditPeriod, "50000"), "2026-09-30")
	assert.Equal(t, []settleRow{
		// Q1: 20,000 + 25,000 + 10,000 = 55,000 >= 50,000: 3% = 1,650.00;
		// advances 400 + 500 + 200 = 1,100.00; true-up 550.00, paid.
		{"2026-01-01", true, "55000.00", "1650.00", "1100.00", "0.00", "550.00", "550.00", "0.00"},
		// Q2: 30,000 < 50,000: 1% = 300.00; advances 600.00; true-up
		// -300.00: carried, never invoiced.
		{"2026-04-01", true, "30000.00", "300.00", "600.00", "0.00", "-300.00", "0.00", "-300.00"},
		// Q3: 60,000: 3% = 1,800.00; advances 1,200.00; carried -300.00;
		// true-up 1,800 - 1,200 - 300 = 300.00, paid.
		{"2026-07-01", true, "60000.00", "1800.00", "1200.00", "-300.00", "300.00", "300.00", "0.00"},
	}, rows(lines))
	assert.Equal(t, []Subtotal{{"2026-01", usd("400.00")}, {"2026-02", usd("500.00")}, {"2026-03", usd("200.00")}}, lines[0].AdvancesBy)
	assert.Equal(t, &BandHit{Index: 1, Of: 2}, lines[0].Band)
	assert.Equal(t, Date{2026, 3, 31}, lines[0].To)

	r := mustEval(t, rebateProgram(CreditPeriod, "50000"), Input{Deal: deal("D-4", "P-1", "30000", "2026-04-15"), Partner: gold("P-1")})
	assert.Contains(t, r.Explain(), `earning "advance": 600.00 is an advance against settlement "quarterly", deducted at its true-up for 2026-04-01..2026-06-30`)

	// The day before Q3 ends, Q3 is open: advances so far, nothing settled
	// and the -300.00 carry still waiting.
	open := settleDeals(t, rebateProgram(CreditPeriod, "50000"), "2026-09-29")
	require.Len(t, open, 3)
	assert.Equal(t, settleRow{"2026-07-01", false, "60000.00", "1800.00", "1200.00", "-300.00", "0.00", "0.00", "0.00"}, rows(open)[2])
}

func TestSettlementYearToDateHighWater(t *testing.T) {
	// Year-to-date: 1% below 100,000 of the year's total, 3% of all of it
	// from 100,000.
	lines := settleDeals(t, rebateProgram(CreditYearToDate, "100000"), "2026-12-31")
	got := rows(lines)
	assert.Equal(t, []settleRow{
		// Q1: ytd 55,000 -> 1% = 550.00; credited: advances 1,100.00;
		// 550 - 1,100 = -550.00: nothing paid, nothing carried.
		{"2026-01-01", true, "55000.00", "550.00", "1100.00", "0.00", "-550.00", "0.00", "0.00"},
		// Q2: ytd 85,000 -> 850.00; credited 1,100 + 600 = 1,700.00;
		// -850.00: nothing.
		{"2026-04-01", true, "85000.00", "850.00", "600.00", "0.00", "-850.00", "0.00", "0.00"},
		// Q3: ytd 145,000 -> 3% = 4,350.00; credited 1,700 + 1,200 =
		// 2,900.00; pays 1,450.00.
		{"2026-07-01", true, "145000.00", "4350.00", "1200.00", "0.00", "1450.00", "1450.00", "0.00"},
	}, got)
	assert.Equal(t, "1700.00", lines[1].Credited.Amount().StringFixed(2))
	assert.Equal(t, "2900.00", lines[2].Credited.Amount().StringFixed(2))
}

func TestSettlementValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *Settlement)
		want string
	}{
		{"period", func(s *Settlement) { s.Period = PeriodProgram }, `settlements[0].period: a settlement period is month, quarter, half or year, got "program"`},
		{"advance period", func(s *Settlement) { s.Period, s.AdvancePeriod = PeriodMonth, PeriodQuarter }, "settlements[0].advances.period: advances by quarter do not fit in a month settlement period"},
		{"unknown advance", func(s *Settlement) { s.Advances = []string{"base"} }, `settlements[0].advances.earnings[0]: advances name unknown earning "base"`},
		{"id clash", func(s *Settlement) { s.ID = "advance" }, `settlements[0].id: settlement id "advance" is already the id`},
		{"multiplier", func(s *Settlement) { s.Bands.Pays = PaysMultiplier }, "settlements[0].bands.pays: a settlement's bands pay a rate or a flat amount"},
		{"credit", func(s *Settlement) { s.Credit = "ytd" }, `settlements[0].credit: unknown credit mode "ytd"`},
		{"no bands", func(s *Settlement) { s.Bands = nil }, "settlements[0].bands: a settlement needs a band table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := rebateProgram("", "50000")
			tt.edit(&p.Settlements[0])
			err := p.Validate()
			require.ErrorIs(t, err, ErrInvalidProgram)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestSettlementOnStatement(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	lines := settleDeals(t, p, "2026-09-30")
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewStatement(nil)
	require.NoError(t, b.AddSettlements(lines))
	s := b.Statement()
	require.Len(t, s.Partners, 1)
	ps := s.Partners[0]
	// Only the settlements were added (no deal results): the payable
	// true-ups 550.00 (Q1) + 0 (Q2, carried) + 300.00 (Q3) = 850.00.
	assert.Equal(t, "850.00", ps.Earned.Amount().StringFixed(2))
	assert.Equal(t, []Subtotal{{"rebate", usd("850.00")}}, ps.ByType)
	assert.Len(t, ps.Settlements, 3)

	bad := []SettlementLine{{PartnerID: "P-1", Settled: true, Payable: MustParseMoney("1", "EUR")}}
	assert.ErrorIs(t, b.AddSettlements(bad), ErrCurrencyMismatch)
}

func TestSettlementPrior(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	b.SetPrior(func(s, partner string) SettlementPrior {
		return SettlementPrior{Carried: dec("-300")}
	})
	for _, d := range []Deal{deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "35000", "2026-02-15")} {
		r, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		require.NoError(t, b.Add(r))
	}
	// Q1 55,000: 3% = 1,650.00; advances 400 + 700 = 1,100.00; carried in
	// -300.00 from the earlier run: true-up 1,650 - 1,100 - 300 = 250.00.
	assert.Equal(t, []settleRow{{"2026-01-01", true, "55000.00", "1650.00", "1100.00", "-300.00", "250.00", "250.00", "0.00"}},
		rows(b.Settle(Date{2026, 3, 31})))
	assert.Equal(t, Date{2026, 2, 15}, b.Last())

	// Year to date: 40,000 of the year before Q1 and 500.00 credited; ytd
	// 40,000 + 55,000 = 95,000 (below 100,000): 1% = 950.00; credited
	// 500 + 1,100 advances = 1,600.00: -650.00, nothing paid.
	y := rebateProgram(CreditYearToDate, "100000")
	ey, err := NewEvaluator(y)
	require.NoError(t, err)
	by := ey.NewSettlements()
	by.SetPrior(func(s, partner string) SettlementPrior {
		return SettlementPrior{Basis: dec("40000"), Credited: dec("500")}
	})
	for _, d := range []Deal{deal("D-1", "P-1", "20000", "2026-01-15"), deal("D-2", "P-1", "35000", "2026-02-15")} {
		r, err := ey.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		require.NoError(t, by.Add(r))
	}
	got := by.Settle(Date{2026, 3, 31})
	assert.Equal(t, []settleRow{{"2026-01-01", true, "95000.00", "950.00", "1100.00", "0.00", "-650.00", "0.00", "0.00"}}, rows(got))
	assert.Equal(t, "1600.00", got[0].Credited.Amount().StringFixed(2))
}

// TestSettlementSplitAdvances: when the advances are split with a referral
// partner, the deal partner's true-up deducts only its own part of them;
// the referrer's part is its referral share, not an advance to P-1.
func TestSettlementSplitAdvances(t *testing.T) {
	p := rebateProgram(CreditPeriod, "50000")
	p.Fields = []FieldDecl{{Name: "referrer", Type: FieldString, Optional: true}}
	p.Split = &Split{Payees: []SplitPayee{{Ratio: dec("80")}, {Field: "referrer", Ratio: dec("20")}}, Remainder: RemainderLargestShare}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewSettlements()
	var explained string
	for _, d := range []Deal{
		referred(deal("D-1", "P-1", "20000", "2026-01-15"), "R-9"),
		deal("D-2", "P-1", "25000", "2026-02-15"),
		referred(deal("D-3", "P-1", "10000", "2026-03-15"), "R-9"),
	} {
		r, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		require.NoError(t, b.Add(r))
		if r.DealID == "D-1" {
			explained = r.Explain()
		}
	}
	lines := b.Settle(Date{2026, 3, 31})
	// Advances at 2%: D-1 400.00 = P-1 320.00 (80%) + R-9 80.00 (20%);
	// D-2 500.00, all P-1's (no referrer); D-3 200.00 = P-1 160.00 + R-9
	// 40.00. P-1 was advanced 320 + 500 + 160 = 980.00.
	// Q1 55,000 >= 50,000: 3% = 1,650.00; true-up 1,650.00 - 980.00 = 670.00
	// (not 1,650.00 - 1,100.00 = 550.00: R-9's 120.00 never reached P-1).
	assert.Equal(t, []settleRow{{"2026-01-01", true, "55000.00", "1650.00", "980.00", "0.00", "670.00", "670.00", "0.00"}}, rows(lines))
	assert.Equal(t, []Subtotal{{"2026-01", usd("320.00")}, {"2026-02", usd("500.00")}, {"2026-03", usd("160.00")}}, lines[0].AdvancesBy)
	assert.Contains(t, explained, `earning "advance": 400.00 is an advance against settlement "quarterly"; P-1's part, 320.00, is deducted at its true-up for 2026-01-01..2026-03-31`)
}
