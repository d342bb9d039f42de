package incentive

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
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

// readsProgram is a program whose clause, condition, formula and
// computed line cap each read every path of allReadPaths.
func readsProgram() *Program {
	p := spiffProgram()
	p.Period = PeriodQuarter
	p.Fields = []FieldDecl{{Name: "segment", Type: FieldString}, {Name: "seats", Type: FieldInt, Optional: true},
		{Name: "margin", Type: FieldDecimal, Optional: true}, {Name: "renewal", Type: FieldBool, Optional: true},
		{Name: "signed", Type: FieldDate, Optional: true}, {Name: "fee", Type: FieldMoney, Optional: true}}
	reads := allReadPaths
	yes := func(*Scope) (bool, error) { return true, nil }
	p.Eligibility = []Clause{{Name: "all", When: ConditionFunc("everything", reads, yes)}}
	p.Earnings = []Earning{{ID: "x", Type: Spiff, When: ConditionFunc("everything", reads, yes),
		Amount: FormulaFunc("everything", reads, func(*Scope) (decimal.Decimal, error) { return decimal.New(125, -1), nil })}}
	return p
}

// unplanned is e with its parts' read plans dropped: exprStep then reads
// every path by the generic lookups, as it did before the plans.
func unplanned(e *Evaluator) *Evaluator {
	for k := range e.parts {
		for i := range e.parts[k] {
			e.parts[k][i].rd = nil
		}
	}
	return e
}

// The values and days a trace records through the read plans are those
// the generic lookups record, path for path, for every kind of path, a
// partner with and without a history of changes (a dated read states its
// day), a deal with and without its optional fields, with and without an
// as-of date: the JSON of the result (every step's inputs with their
// values as text and their days) and the words are byte for byte the
// same, and each step's Inputs are equal value for value.
func TestPlannedReadsMatchLookup(t *testing.T) {
	planned, err := NewEvaluator(readsProgram())
	require.NoError(t, err)
	generic, err := NewEvaluator(readsProgram())
	require.NoError(t, err)
	unplanned(generic)
	// The plans are the fast ones where they can be.
	kinds := map[string]readKind{}
	for k, path := range planned.parts[partClause][0].reads {
		kinds[path] = planned.parts[partClause][0].rd[k].kind
	}
	assert.Equal(t, readField, kinds["deal.segment"])
	assert.Equal(t, readField, kinds["deal.fee"])
	assert.Equal(t, readAny, kinds["deal.undeclared"])
	assert.Equal(t, readDated, kinds[PathPartnerTier])
	assert.Equal(t, readDated, kinds[PathPartnerTierAtPeriodStart])
	assert.Equal(t, readText, kinds[PathDealType])
	assert.Equal(t, readText, kinds[PathCustomerSegment])
	assert.Equal(t, readAmount, kinds[PathDealAmount])
	assert.Equal(t, readAny, kinds[PathDealRegistered])
	assert.Equal(t, readAny, kinds["history.quarter.1"])

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
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := planned.Evaluate(t.Context(), tc.in, tc.asOf)
			require.NoError(t, err)
			want, err := generic.Evaluate(t.Context(), tc.in, tc.asOf)
			require.NoError(t, err)
			gotJSON, err := json.Marshal(got)
			require.NoError(t, err)
			wantJSON, err := json.Marshal(want)
			require.NoError(t, err)
			require.Equal(t, string(wantJSON), string(gotJSON))
			require.Equal(t, want.Explain(), got.Explain())
			require.Contains(t, got.Explain(), tc.want)
			require.Equal(t, len(want.Trace), len(got.Trace))
			n := 0
			for i := range got.Trace {
				assert.Equal(t, want.Trace[i].Inputs(), got.Trace[i].Inputs(), "step %d", i)
				n += len(got.Trace[i].Inputs())
			}
			// three expressions read most of allReadPaths
			assert.Greater(t, n, 2*len(allReadPaths))
		})
	}
}
