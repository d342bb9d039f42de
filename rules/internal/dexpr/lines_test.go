package dexpr

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lineScope is newScope's deal with four product lines:
//
//	SRV-1     storage  3 x 1,000.00 = 3,000.00
//	DEMO-SRV  storage  2 x     0.00 =     0.00
//	SRV-2-R   storage  1 x   500.00 =   500.00  (refurbished)
//	NET-1     network  5 x   200.00 = 1,000.00
func lineScope(t *testing.T) *incentive.Scope {
	s := newScope(t, "4500.00", nil)
	m := func(v string) incentive.Money { return incentive.MustParseMoney(v, "USD") }
	s.Deal.Lines = []incentive.DealLine{
		{Product: "SRV-1", Family: "storage", Quantity: 3, UnitPrice: m("1000.00"), Amount: m("3000.00")},
		{Product: "DEMO-SRV", Family: "storage", Quantity: 2, UnitPrice: m("0"), Amount: m("0")},
		{Product: "SRV-2-R", Family: "storage", Quantity: 1, UnitPrice: m("500.00"), Amount: m("500.00")},
		{Product: "NET-1", Family: "network", Quantity: 5, UnitPrice: m("200.00"), Amount: m("1000.00")},
	}
	return s
}

const storageUnits = `sum(filter(deal.lines, line.family == "storage" && !(line.product startsWith "DEMO-") && !(line.product endsWith "-R")), line.quantity)`

func TestLineAggregates(t *testing.T) {
	env := mustEnv(t, testFields)
	for _, tc := range []struct {
		src  string
		kind Kind
		want any // decimal string or bool
	}{
		// storage lines that are neither demo nor refurbished: SRV-1 only, 3 units
		{storageUnits, Number, "3"},
		// 3000 + 0 + 500 + 1000 = 4500
		{`sum(deal.lines, line.amount)`, Number, "4500"},
		// quantity x unit price, summed: 3x1000 + 2x0 + 1x500 + 5x200 = 4500
		{`sum(deal.lines, line.quantity * line.unit_price)`, Number, "4500"},
		// with a ternary instead of a filter: 3 + 2 + 1 storage units
		{`sum(deal.lines, line.family == "storage" ? line.quantity : 0)`, Number, "6"},
		{`count(deal.lines)`, Number, "4"},
		{`count(deal.lines, line.family == "network")`, Number, "1"},
		{`count(filter(deal.lines, line.family == "storage"), line.amount > 0)`, Number, "2"},
		{`any(deal.lines, line.product startsWith "DEMO-")`, Bool, true},
		{`any(deal.lines, line.family == "compute")`, Bool, false},
		{`all(deal.lines, line.quantity > 0)`, Bool, true},
		{`all(deal.lines, line.amount > 0)`, Bool, false},
		// an aggregate mixes with deal fields: 3 storage units of 3 + 2 + 1 + 5 = 11 units
		{`count(deal.lines) == 4 && ` + storageUnits + ` * 100 / sum(deal.lines, line.quantity) > 27`, Bool, true},
	} {
		t.Run(tc.src, func(t *testing.T) {
			x := mustCompile(t, env, tc.src, tc.kind)
			s := lineScope(t)
			if tc.kind == Bool {
				got, err := x.Holds(s)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			} else {
				got, err := x.Value(s)
				require.NoError(t, err)
				assert.True(t, dec(tc.want.(string)).Equal(got), "got %s", got)
			}
			assert.Nil(t, s.Line, "the current line is restored")
			assert.NotContains(t, x.Reads(), "line.quantity", "line reads stay inside the aggregate")
		})
	}
	// no lines: sums are zero, any is false, all is true
	s := newScope(t, "10", nil)
	s.Deal.Lines = nil
	v, err := mustCompile(t, env, storageUnits, Number).Value(s)
	require.NoError(t, err)
	assert.True(t, v.IsZero())
	ok, err := mustCompile(t, env, `all(deal.lines, line.quantity > 100)`, Bool).Holds(s)
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestLineAggregateErrors(t *testing.T) {
	env := mustEnv(t, testFields)
	for _, tc := range []struct {
		src  string
		kind Kind
		col  int
		msg  string
	}{
		{`line.quantity > 1`, Bool, 1, "line.quantity is a field of one product line"},
		{`sum(deal.products, 1) > 1`, Bool, 5, "sum works over deal.lines"},
		{`sum(deal.lines, line.family) > 1`, Bool, 17, "the value summed over deal.lines must be a number, but this expression is a string"},
		{`any(deal.lines, line.quantity)`, Bool, 17, "must be true or false"},
		{`sum(deal.lines, count(deal.lines)) > 1`, Bool, 17, "count() cannot be used inside another sum"},
		{`sum(deal.lines, line.colour) > 1`, Bool, 22, "unknown field line.colour"},
		{`count(filter(deal.products, true)) > 1`, Bool, 7, "filter takes deal.lines"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, errs := env.Compile(tc.src, tc.kind)
			require.NotEmpty(t, errs)
			assert.Contains(t, errs[0].Msg, tc.msg)
			assert.Equal(t, tc.col, errs[0].Col, errs[0].Msg)
		})
	}
}

func TestLineDivisionByZeroIsPlaced(t *testing.T) {
	env := mustEnv(t, testFields)
	x := mustCompile(t, env, `sum(deal.lines, line.amount / line.unit_price) > 1`, Bool)
	_, err := x.Holds(lineScope(t)) // DEMO-SRV has unit price 0
	var re *RunError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, incentive.ErrDivisionByZero)
	assert.Equal(t, 29, re.Col, err.Error()) // the "/"
}

func TestNamedValues(t *testing.T) {
	env := mustEnv(t, testFields)
	units := mustCompile(t, env, storageUnits, Number)
	big := mustCompile(t, env, `deal.amount >= 1000`, Bool)
	require.NoError(t, env.AddValue("units", 0, units))
	require.NoError(t, env.AddValue("big", 1, big))
	require.Error(t, env.AddValue("units", 2, units), "declared twice")

	x := mustCompile(t, env, `values.big ? values.units * 25 : 0`, Number)
	assert.Equal(t, []string{"deal.amount", "values.big", "values.units"}, x.Reads(), "a value's reads are the reader's")
	s := lineScope(t)
	s.Program.Values = []incentive.Value{{Name: "units", Formula: units}, {Name: "big", Condition: big}}
	got, err := x.Value(s)
	require.NoError(t, err)
	// 4,500.00 >= 1000, so 3 units x 25 = 75
	assert.True(t, dec("75").Equal(got), "got %s", got)

	v, errs := env.CompileValue(`deal.customer.name`)
	assert.Nil(t, v)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Msg, "a named value must be a number or true/false, but this expression is a string")
	v, errs = env.CompileValue(`deal.quantity > 2`)
	require.Empty(t, errs)
	assert.Equal(t, Bool, v.Kind())
}
