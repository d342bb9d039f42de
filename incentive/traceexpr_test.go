package incentive

import (
	"encoding/json"
	"iter"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// allReadPaths are every built-in path, the program's custom fields
// (present and absent, required and optional), and paths that reach
// Lookup's prefixes or nothing at all.
var allReadPaths = []string{
	PathDealID, PathDealPartnerID, PathDealAmount, PathDealCurrency, PathDealQuantity, PathDealType,
	PathDealRegistered, PathDealRegID, PathDealCloseDate, PathDealRegApproved, PathDealProducts,
	PathCustomerID, PathCustomerName, PathCustomerCountry, PathCustomerRegion, PathCustomerIndustry,
	PathCustomerSegment, PathPartnerID, PathPartnerName, PathPartnerType, PathPartnerTier,
	PathPartnerRegion, PathPartnerCountry, PathPartnerTierAtPeriodStart, PathPartnerTypeAtPeriodStart,
	PathPartnerRegionAtPeriodStart, PathPartnerCountryAtPeriodStart, PathPeriodAmount, PathPeriodDeals,
	PathPeriodEarned, PathCumulativeAmount, PathRunAsOf,
	"deal.segment", "deal.seats", "deal.margin", "deal.renewal", "deal.signed", "deal.fee",
	"deal.undeclared", "history.quarter.1", "values.none", "line.amount", "no.such.path",
}

// readsProgram is a program whose clause, conditions and formulas read
// every path of allReadPaths, a few paths, or none (a constant), with an
// amount of each size a step keeps (32 bits, wider, a side decimal).
func readsProgram() *Program {
	p := spiffProgram()
	p.Period = PeriodQuarter
	p.Caps = nil
	p.Fields = []FieldDecl{{Name: "segment", Type: FieldString}, {Name: "seats", Type: FieldInt, Optional: true},
		{Name: "margin", Type: FieldDecimal, Optional: true}, {Name: "renewal", Type: FieldBool, Optional: true},
		{Name: "signed", Type: FieldDate, Optional: true}, {Name: "fee", Type: FieldMoney, Optional: true}}
	yes := func(*Scope) (bool, error) { return true, nil }
	konst := func(v string) func(*Scope) (decimal.Decimal, error) {
		return func(*Scope) (decimal.Decimal, error) { return decimal.RequireFromString(v), nil }
	}
	p.Eligibility = append(p.Eligibility, Clause{Name: "all", When: ConditionFunc("everything", allReadPaths, yes)})
	p.Earnings = []Earning{
		{ID: "x", Type: Spiff, When: ConditionFunc("everything", allReadPaths, yes),
			Amount: FormulaFunc("everything", allReadPaths, konst("12.5"))},
		{ID: "wide", Type: Spiff, When: ConditionFunc("no reads", nil, yes), Amount: FormulaFunc("wide", nil, konst("21474836.48"))},
		{ID: "huge", Type: Spiff, Amount: FormulaFunc("huge", []string{PathDealAmount}, konst("1000000000000000000.5"))},
		{ID: "no", Type: Spiff, When: In(PathPartnerTier, "platinum"), Amount: Const(decimal.New(1, 0))},
	}
	return p
}

// withoutBlock is s with its block pointer cleared, to compare its
// records.
func withoutBlock(s Step) Step { s.blk = nil; return s }

// addExpr's straight path writes the steps exprStep, add and step write
// for a part NewEvaluator described: the same compact records field for
// field (kind, amount, detail, the input records' offsets and counts),
// the same values read and the same words and JSON, for reads of every
// kind of path, a partner with and without a history of changes, deals
// with and without their optional fields, amounts of every size, a part
// that reads nothing and a failed condition.
func TestAddExprMatchesExprStep(t *testing.T) {
	straight, err := NewEvaluator(readsProgram())
	require.NoError(t, err)
	viaStep, err := NewEvaluator(readsProgram())
	require.NoError(t, err)
	for k := range viaStep.parts {
		for i := range viaStep.parts[k] {
			viaStep.parts[k][i].viaStep = true
		}
	}
	full := deal("D-1", "P-1", "1234.50", "2026-11-03")
	full.Customer = Customer{ID: "C-1", Name: "Acme", Country: "DE", Region: "EMEA", Industry: "retail", Segment: "enterprise"}
	full.Quantity = 3
	full.Lines = []DealLine{{Product: "p1", Amount: usd("1234.50")}}
	full.Fields = map[string]any{"segment": "smb", "seats": int64(40), "margin": decimal.RequireFromString("0.125"),
		"renewal": true, "signed": Date{2026, 9, 30}, "fee": decimal.RequireFromString("99.99")}
	bare := deal("D-2", "P-1", "10", "2026-12-30")
	bare.Fields = map[string]any{"segment": "enterprise"}
	history := promoted()
	history.History = append(history.History, partner.Event{Kind: partner.EventTier, FromTier: "gold", ToTier: "platinum",
		At: time.Date(2026, 11, 2, 9, 0, 0, 0, nyc)})
	history.Tier, history.Region, history.Country = "platinum", "EMEA", "DE"
	for _, tc := range []struct {
		name string
		in   Input
		asOf time.Time
		// want is a word the explanation must hold, so that the case
		// reaches what it is about
		want string
	}{
		{"every field, no history", Input{Deal: full, Partner: gold("P-1")}, time.Time{}, `deal.segment = "smb"`},
		{"every field, history, as of", Input{Deal: full, Partner: history}, day("2027-01-10"), `partner.tier on 2026-11-03 = "platinum"`},
		{"optional fields absent", Input{Deal: bare, Partner: gold("P-1")}, day("2027-01-10"), `deal.seats = 0`},
		{"period start under a history", Input{Deal: bare, Partner: history}, time.Time{}, `partner.at_period_start.tier on 2026-10-01 = "gold"`},
		{"a failed clause", Input{Deal: bare, Partner: silver("P-1")}, time.Time{}, `not eligible: "gold or platinum partner" failed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := straight.Evaluate(t.Context(), tc.in, tc.asOf)
			require.NoError(t, err)
			want, err := viaStep.Evaluate(t.Context(), tc.in, tc.asOf)
			require.NoError(t, err)
			require.Contains(t, got.Explain(), tc.want)
			require.Equal(t, want.Explain(), got.Explain())
			gotJSON, err := json.Marshal(got)
			require.NoError(t, err)
			wantJSON, err := json.Marshal(want)
			require.NoError(t, err)
			require.Equal(t, string(wantJSON), string(gotJSON))
			require.Len(t, got.Trace, len(want.Trace))
			exprs := 0
			for i := range got.Trace {
				require.Equal(t, withoutBlock(want.Trace[i]), withoutBlock(got.Trace[i]), "step %d", i)
				require.Equal(t, want.Trace[i].Inputs(), got.Trace[i].Inputs(), "step %d", i)
				require.Equal(t, want.Trace[i].Amount(), got.Trace[i].Amount(), "step %d", i)
				if got.Trace[i].det == detExpr {
					exprs++
				}
			}
			require.GreaterOrEqual(t, exprs, 2, "the case records expression steps")
		})
	}
}

// addDetail's straight path writes the records add and step write for a
// step its detail explains: band hits and misses, line caps, line
// roundings, a group's pick, deal, partner and budget caps, the rounding
// rule, claims, totals and windows, on deals in and out of the window,
// converted, split and held (intoProgram's deals), through a run whose
// partner caps and budget run out. The records are the same field for
// field, and so are the words and JSON of every result.
func TestAddDetailMatchesStep(t *testing.T) {
	straight, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	viaStep, err := NewEvaluator(intoProgram())
	require.NoError(t, err)
	viaStep.detailViaStep = true
	ins := intoInputs(t, 600)
	asOf := day("2026-09-01") // some claim windows closed
	run := func(e *Evaluator) []*Result {
		var out []*Result
		var deals iter.Seq2[Input, error] = func(yield func(Input, error) bool) {
			for _, in := range ins {
				if !yield(in, nil) {
					return
				}
			}
		}
		for r, err := range e.Run(t.Context(), deals, RunOptions{Workers: 1, AsOf: asOf}) {
			if err != nil {
				continue
			}
			out = append(out, r)
		}
		return out
	}
	got, want := run(straight), run(viaStep)
	require.Len(t, got, len(want))
	kinds := map[StepKind]int{}
	for i := range got {
		require.Equal(t, want[i].Explain(), got[i].Explain(), "deal %d", i)
		gotJSON, err := json.Marshal(got[i])
		require.NoError(t, err)
		wantJSON, err := json.Marshal(want[i])
		require.NoError(t, err)
		require.Equal(t, string(wantJSON), string(gotJSON), "deal %d", i)
		require.Len(t, got[i].Trace, len(want[i].Trace), "deal %d", i)
		for k := range got[i].Trace {
			g := got[i].Trace[k]
			require.Equal(t, withoutBlock(want[i].Trace[k]), withoutBlock(g), "deal %d step %d", i, k)
			if g.flags&flagExtra == 0 && g.det != detExpr {
				kinds[g.Kind]++
			}
		}
	}
	// every kind of step addDetail records went the straight way
	for _, k := range []StepKind{StepWindow, StepBand, StepCap, StepRounding, StepGroup, StepClaim, StepTotal} {
		require.Positive(t, kinds[k], "%s steps", k)
	}
}
