package incentive

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllocateByRules(t *testing.T) {
	// 0.09 USD by 35:45:20 is 9 cents: exact shares 3.15, 4.05 and 1.8
	// cents, floors 3 + 4 + 1 = 8, one cent left over.
	tests := []struct {
		name   string
		amount string
		rule   RemainderRule
		ratios []string
		want   []string
	}{
		// largest remainder: fractions .15, .05, .8 -> the third part.
		{"largest remainder", "0.09", RemainderLargestRemainder, []string{"35", "45", "20"}, []string{"0.03", "0.04", "0.02"}},
		{"zero value is largest remainder", "0.09", "", []string{"35", "45", "20"}, []string{"0.03", "0.04", "0.02"}},
		// largest share: ratio 45 is the largest -> the second part.
		{"largest share", "0.09", RemainderLargestShare, []string{"35", "45", "20"}, []string{"0.03", "0.05", "0.01"}},
		// first: the first part.
		{"first", "0.09", RemainderFirst, []string{"35", "45", "20"}, []string{"0.04", "0.04", "0.01"}},
		// a negative amount: the parts of 0.09, negated.
		{"negative largest share", "-0.09", RemainderLargestShare, []string{"35", "45", "20"}, []string{"-0.03", "-0.05", "-0.01"}},
		// first skips a zero ratio: 0.07 by 0:20:80 is 0, 1.4, 5.6 cents;
		// floors 0 + 1 + 5 = 6, the cent left goes to the second part.
		{"first skips zero ratio", "0.07", RemainderFirst, []string{"0", "20", "80"}, []string{"0.00", "0.02", "0.05"}},
		// largest share ties go to the earlier part: 0.05 by 1:1 is 2.5
		// each, floors 2 + 2, the cent to the first.
		{"largest share tie", "0.05", RemainderLargestShare, []string{"1", "1"}, []string{"0.03", "0.02"}},
		// exact: 246.91 by 80:20 = 197.528 and 49.382 -> floors 197.52 and
		// 49.38 (sum 246.90), the cent to the largest share (80).
		{"80/20 of a deal", "246.91", RemainderLargestShare, []string{"80", "20"}, []string{"197.53", "49.38"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ratios := make([]decimal.Decimal, len(tt.ratios))
			for i, r := range tt.ratios {
				ratios[i] = dec(r)
			}
			parts, err := usd(tt.amount).AllocateBy(tt.rule, 2, ratios...)
			require.NoError(t, err)
			got := make([]string, len(parts))
			for i, p := range parts {
				got[i] = p.Amount().StringFixed(2)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAllocateByErrors(t *testing.T) {
	_, err := usd("1.00").AllocateBy("biggest", 2, dec("1"), dec("1"))
	assert.ErrorIs(t, err, ErrInvalidAmount)
	_, err = usd("1.00").AllocateBy(RemainderFirst, 2, dec("0"), dec("0"))
	assert.ErrorIs(t, err, ErrDivisionByZero)
	_, err = usd("1.005").AllocateBy(RemainderFirst, 2, dec("1"), dec("1"))
	assert.ErrorIs(t, err, ErrInvalidAmount)
	_, err = usd("1.00").AllocateBy(RemainderFirst, 31, dec("1"))
	assert.ErrorIs(t, err, ErrInvalidAmount)
}

// TestAllocateByPartsSumToWhole: for random amounts and ratios, under
// every rule, the parts add up to the amount exactly, each part is on the
// grid, and no part is below the floor of its exact share (so only the
// units left over move).
func TestAllocateByPartsSumToWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	for n := 0; n < 2000; n++ {
		cents := rng.Int64N(2_000_000_00) - 1_000_000_00
		amount := NewMoney(decimal.New(cents, -2), USD)
		k := 1 + rng.IntN(6)
		ratios := make([]decimal.Decimal, k)
		sum := decimal.Zero
		for i := range ratios {
			// ratios with up to 3 places, at least one above zero
			ratios[i] = decimal.New(rng.Int64N(100_000), -int32(rng.IntN(4)))
			sum = sum.Add(ratios[i])
		}
		if sum.IsZero() {
			ratios[0] = decimal.NewFromInt(1)
			sum = ratios[0]
		}
		for _, rule := range RemainderRules() {
			parts, err := amount.AllocateBy(rule, 2, ratios...)
			require.NoError(t, err)
			total := decimal.Zero
			for i, p := range parts {
				total = total.Add(p.Amount())
				assert.True(t, p.Amount().Equal(p.Amount().Round(2)), "part off the grid")
				exact := amount.Amount().Abs().Mul(ratios[i]).Div(sum)
				assert.True(t, p.Amount().Abs().Cmp(exact.RoundFloor(2)) >= 0 || exact.Sub(exact.RoundFloor(2)).IsZero() && p.Amount().Abs().Equal(exact),
					"%s: part %d of %s by %v is %s, below the floor of %s", rule, i, amount, ratios, p, exact)
			}
			require.True(t, total.Equal(amount.Amount()), "%s: %s by %v: parts %v sum to %s", rule, amount, ratios, parts, total)
		}
	}
}

// splitProgram pays 2% of the deal, split 80/20 between the deal's partner
// and the referral partner named in deal.referrer, after a 2,500.00 deal
// cap.
func splitProgram(rule RemainderRule, referrerFirst bool) *Program {
	p := spiffProgram()
	p.Eligibility = nil
	p.Claims = ClaimWindow{}
	p.Earnings = p.Earnings[:1]
	p.Caps = []Cap{{Scope: CapDeal, Limit: dec("2500")}}
	p.Fields = []FieldDecl{{Name: "referrer", Type: FieldString, Optional: true}}
	payees := []SplitPayee{{Ratio: dec("80")}, {Field: "referrer", Ratio: dec("20")}}
	if referrerFirst {
		payees[0], payees[1] = payees[1], payees[0]
	}
	p.Split = &Split{Payees: payees, Remainder: rule}
	return p
}

func referred(d Deal, referrer string) Deal {
	d.Fields = map[string]any{"referrer": referrer}
	return d
}

func shareAmounts(r *Result) map[string]string {
	out := map[string]string{}
	for _, s := range r.Shares {
		out[s.PartnerID+" "+s.Via] = s.Amount.Amount().StringFixed(2)
	}
	return out
}

func TestSplitPayout(t *testing.T) {
	tests := []struct {
		name          string
		rule          RemainderRule
		referrerFirst bool
		deal          Deal
		total         string
		want          map[string]string
	}{
		// 12,345.67 x 0.02 = 246.9134 -> 246.91; 80% = 197.528, 20% =
		// 49.382 -> floors 197.52 + 49.38 = 246.90, one cent left: the
		// largest share (the partner's 80) gets it.
		{"largest share", RemainderLargestShare, false, referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), "246.91",
			map[string]string{"P-1 partner": "197.53", "R-9 deal.referrer": "49.38"}},
		// The referrer is listed first and gets the cent under `first`.
		{"first", RemainderFirst, true, referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), "246.91",
			map[string]string{"P-1 partner": "197.52", "R-9 deal.referrer": "49.39"}},
		// Largest remainder: fractions .8 (partner) and .2 -> the partner.
		{"largest remainder", RemainderLargestRemainder, true, referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), "246.91",
			map[string]string{"P-1 partner": "197.53", "R-9 deal.referrer": "49.38"}},
		// After the deal cap: 200,000 x 0.02 = 4,000 -> capped 2,500;
		// 80% = 2,000.00 and 20% = 500.00 exactly.
		{"after the deal cap", RemainderLargestShare, false, referred(deal("D-2", "P-1", "200000", "2026-11-03"), "R-9"), "2500.00",
			map[string]string{"P-1 partner": "2000.00", "R-9 deal.referrer": "500.00"}},
		// No referrer on the deal: the partner is paid the whole 246.91.
		{"no referrer", RemainderLargestShare, false, deal("D-3", "P-1", "12345.67", "2026-11-03"), "246.91",
			map[string]string{"P-1 partner": "246.91"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustEval(t, splitProgram(tt.rule, tt.referrerFirst), Input{Deal: tt.deal, Partner: gold("P-1")})
			assert.Equal(t, tt.total, r.Total.Amount().StringFixed(2))
			assert.Equal(t, tt.want, shareAmounts(r))
			sum := decimal.Zero
			for _, s := range r.Shares {
				sum = sum.Add(s.Amount.Amount())
			}
			assert.True(t, sum.Equal(r.Total.Amount()), "shares %s != total %s", sum, r.Total)
		})
	}
}

func TestSplitOneEarning(t *testing.T) {
	// base pays 2% to the partner alone; referral-fee pays a flat 101.01,
	// split 50/50 with the referrer (first gets the odd cent).
	p := splitProgram("", false)
	p.Split = nil
	p.Earnings = append(p.Earnings, Earning{ID: "referral-fee", Type: Referral, Amount: Const(dec("101.01")),
		Split: &Split{Payees: []SplitPayee{{Ratio: dec("1")}, {Field: "referrer", Ratio: dec("1")}}, Remainder: RemainderFirst}})
	r := mustEval(t, p, Input{Deal: referred(deal("D-1", "P-1", "10000", "2026-11-03"), "R-9"), Partner: gold("P-1")})
	// base 10,000 x 0.02 = 200.00; 101.01 / 2 = 50.505 -> 50.50 each,
	// one cent to the first payee (the partner): 50.51 and 50.50.
	// The partner: 200.00 + 50.51 = 250.51; the referrer 50.50.
	assert.Equal(t, "301.01", r.Total.Amount().StringFixed(2))
	assert.Equal(t, map[string]string{"P-1 partner": "250.51", "R-9 deal.referrer": "50.50"}, shareAmounts(r))
	require.Len(t, r.Shares, 2)
	assert.Equal(t, []ShareLine{{Earning: "referral-fee", Type: Referral, Amount: usd("50.50")}}, r.Shares[1].Lines)
	assert.Contains(t, r.Explain(), `earning "referral-fee": 101.01 split by ratio (partner P-1 1 -> 50.51, deal.referrer R-9 1 -> 50.50); the remainder rule is first`)
}

func TestSplitStatement(t *testing.T) {
	p := splitProgram(RemainderFirst, true)
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewStatement(nil)
	for _, d := range []Deal{
		referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"),
		deal("D-2", "P-1", "1000", "2026-11-04"),
	} {
		r, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, day("2026-12-31"))
		require.NoError(t, err)
		require.NoError(t, b.Add(r))
	}
	s := b.Statement()
	require.Len(t, s.Partners, 2)
	p1, r9 := s.Partners[0], s.Partners[1]
	// P-1: 197.52 of D-1 (see TestSplitPayout "first") + 20.00 of D-2
	// (1,000 x 0.02, no referrer) = 217.52; R-9: 49.39.
	assert.Equal(t, "P-1", p1.PartnerID)
	assert.Equal(t, "217.52", p1.Earned.Amount().StringFixed(2))
	assert.Equal(t, "R-9", r9.PartnerID)
	assert.Equal(t, "49.39", r9.Earned.Amount().StringFixed(2))
	assert.Equal(t, 0, r9.Deals, "the deal is P-1's")
	want := StatementShare{Deal: "D-1", From: "P-1", To: "R-9", Via: "deal.referrer", Amount: usd("49.39")}
	assert.Equal(t, []StatementShare{want}, r9.Shares)
	assert.Equal(t, []StatementShare{want}, p1.Shares)
	// 217.52 + 49.39 = 266.91 = 246.91 + 20.00, the deals' totals.
	assert.Equal(t, "266.91", s.Earned.Amount().StringFixed(2))
	var text strings.Builder
	require.NoError(t, s.WriteText(&text))
	assert.Contains(t, text.String(), "split deal D-1 from P-1 (deal.referrer)")
	assert.Contains(t, text.String(), "split deal D-1 to R-9 (deal.referrer)")
}

func TestSplitValidate(t *testing.T) {
	tests := []struct {
		name  string
		split *Split
		want  string
	}{
		{"one payee", &Split{Payees: []SplitPayee{{Ratio: dec("1")}}}, "split.to: a split needs at least two payees, got 1"},
		{"zero ratio", &Split{Payees: []SplitPayee{{Ratio: dec("1")}, {Field: "referrer"}}}, "split.to[1].ratio: a split ratio must be above zero, got 0"},
		{"unknown field", &Split{Payees: []SplitPayee{{Ratio: dec("1")}, {Field: "agent", Ratio: dec("1")}}}, "split.to[1].payee: split payee deal.agent is not a declared field"},
		{"twice", &Split{Payees: []SplitPayee{{Ratio: dec("1")}, {Ratio: dec("1")}}}, "split.to[1]: payee partner is listed twice"},
		{"rule", &Split{Payees: []SplitPayee{{Ratio: dec("1")}, {Field: "referrer", Ratio: dec("1")}}, Remainder: "biggest"}, `split.remainder: unknown remainder rule "biggest"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := splitProgram("", false)
			p.Split = tt.split
			err := p.Validate()
			require.ErrorIs(t, err, ErrInvalidProgram)
			var pe *ProgramError
			require.True(t, errors.As(err, &pe))
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	p := splitProgram("", false)
	p.Fields[0].Type = FieldInt
	assert.ErrorContains(t, p.Validate(), "split payee deal.referrer is a field of type int")
}

func TestSplitStatementStageExact(t *testing.T) {
	// With statement-stage rounding the line stays exact: 12,345.67 x 0.02
	// = 246.9134, split at its own 4 places: 2,469,134 units x 0.8 =
	// 1,975,307.2 and x 0.2 = 493,826.8; floors 1,975,307 + 493,826, one
	// unit left to the largest share: 197.5308 and 49.3826.
	p := splitProgram(RemainderLargestShare, false)
	p.Rounding.Stage = StageStatement
	r := mustEval(t, p, Input{Deal: referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), Partner: gold("P-1")})
	require.Len(t, r.Shares, 2)
	assert.Equal(t, "197.5308", r.Shares[0].Amount.Amount().String())
	assert.Equal(t, "49.3826", r.Shares[1].Amount.Amount().String())
}

func TestSplitStatementHeld(t *testing.T) {
	// A 30-day hold from the close date: as of 2026-11-20 the deal of
	// 2026-11-03 (matures 2026-12-03) is held, and so are both payees'
	// shares: P-1 197.52 and R-9 49.39 (see TestSplitPayout "first").
	p := splitProgram(RemainderFirst, true)
	p.Hold = Hold{Span: Span{Days: 30}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	b := e.NewStatement(nil)
	r, err := e.Evaluate(t.Context(), Input{Deal: referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "R-9"), Partner: gold("P-1")}, day("2026-11-20"))
	require.NoError(t, err)
	require.NotNil(t, r.Hold)
	require.True(t, r.Hold.Held)
	require.NoError(t, b.Add(r))
	s := b.Statement()
	require.Len(t, s.Partners, 2)
	for i, want := range []string{"197.52", "49.39"} {
		ps := s.Partners[i]
		assert.Equal(t, want, ps.Earned.Amount().StringFixed(2), ps.PartnerID)
		assert.Equal(t, want, ps.Held.Amount().StringFixed(2), ps.PartnerID)
		assert.Equal(t, "0.00", ps.Payable.Amount().StringFixed(2), ps.PartnerID)
	}
}

// TestSplitPayeeIsTheDealPartner: a referrer named on the deal who is the
// deal's own partner is merged into the partner's share (one share, the
// ratios added), whichever way the split lists the payees.
func TestSplitPayeeIsTheDealPartner(t *testing.T) {
	tests := []struct {
		name          string
		referrerFirst bool
	}{
		{"partner listed first", false},
		{"referrer listed first", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := splitProgram(RemainderLargestShare, tt.referrerFirst)
			// A second earning with its own split that lists the referrer
			// first: its line must land in the same single share.
			p.Earnings = append(p.Earnings, Earning{ID: "fee", Type: Referral, Amount: Const(dec("10.01")),
				Split: &Split{Payees: []SplitPayee{{Field: "referrer", Ratio: dec("1")}, {Ratio: dec("1")}}, Remainder: RemainderFirst}})
			r := mustEval(t, p, Input{Deal: referred(deal("D-1", "P-1", "12345.67", "2026-11-03"), "P-1"), Partner: gold("P-1")})
			// base 12,345.67 x 0.02 = 246.9134 -> 246.91, fee 10.01: both
			// wholly P-1's (80 + 20 = 100, 1 + 1 = 2: one part), 256.92.
			assert.Equal(t, "256.92", r.Total.Amount().StringFixed(2))
			require.Len(t, r.Shares, 1)
			assert.Equal(t, Share{PartnerID: "P-1", Via: PayeePartner, Amount: usd("256.92"), Lines: []ShareLine{
				{Earning: "base", Type: r.Lines[0].Type, Amount: usd("246.91")},
				{Earning: "fee", Type: Referral, Amount: usd("10.01")},
			}}, r.Shares[0])
			assert.Contains(t, r.Explain(), "one share for one partner: deal.referrer P-1 is partner, their ratios added")
		})
	}
}
