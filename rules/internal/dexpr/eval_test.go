package dexpr

import (
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scope of newScope: amount 12000.00 USD, quantity 3, products widget
// and gadget, closed 2026-11-03 (New York), gold reseller, period amount
// 50000.00 over 4 deals, 1000.00 earned, cumulative 250000.00; custom
// field segment = "enterprise", the optional ones missing.

func TestValue(t *testing.T) {
	env := mustEnv(t, testFields)
	tests := []struct {
		src  string
		want string // exact decimal; compared with Equal and, when exact is set, by string
	}{
		// literals are exact; the classic float traps do not spring
		{"0.1 + 0.2", "0.3"},
		{"99999999999999.99 + 0.01", "100000000000000"}, // 16 significant digits: float64 reads ...98
		{"1_000.50 * 2", "2001"},                        // 1000.50 x 2 = 2001.00
		{"1e3 + 0.5", "1000.5"},
		{"2.5e-1", "0.25"},
		{".5 * 4", "2"},
		// the deal amount
		{"deal.amount * 0.02", "240"},            // 12000.00 x 0.02 = 240.0000
		{"deal.amount * 2", "24000"},             // int literal folded to a decimal constant
		{"2 * deal.amount", "24000"},             // either side
		{"deal.quantity * deal.amount", "36000"}, // 3 x 12000.00
		{"deal.amount - 12000.01", "-0.01"},
		{"-deal.amount", "-12000"},
		{"- -deal.amount", "12000"},
		{"+deal.amount", "12000"},
		{"-(0.5)", "-0.5"},
		{"deal.amount / deal.quantity", "4000"}, // 12000.00 / 3
		{"period.amount + deal.amount", "62000"},
		{"cumulative.amount - period.earned", "249000"},
		// ints stay ints, except under /
		{"deal.quantity + 2", "5"},
		{"deal.quantity * deal.quantity - 1", "8"},
		{"deal.quantity % 2", "1"},
		{"7 / 2", "3.5"},
		{"deal.quantity / 2", "1.5"},
		{"10 / 4", "2.5"},
		{"1 / 3", "0.3333333333333333"}, // 16 places, the 17th digit 3 rounds down
		{"2 / 3", "0.6666666666666667"}, // ...666|6 rounds half up at the 16th place
		{"-1 / 3", "-0.3333333333333333"},
		{"1 / 7", "0.1428571428571429"},             // 0.1428571428571428|57...
		{"deal.quantity / 7", "0.4285714285714286"}, // 3/7 = 0.4285714285714285|71...
		{"deal.amount / 8", "1500"},
		// rounding: the notes' case where float64 is a cent off
		{"round(6485.00 * 0.005, 2)", "32.43"},         // 32.425 half up
		{"round(deal.amount * 0.0012345, 2)", "14.81"}, // 12000.00 x 0.0012345 = 14.814 -> 14.81
		{"round(deal.amount / 7, 2)", "1714.29"},       // 1714.2857... -> 1714.29
		{"round(2.5, 0)", "3"},                         // half_up by default
		{`round(2.5, 0, "half_even")`, "2"},
		{`round(3.5, 0, "half_even")`, "4"},
		{`round(2.5, 0, "half_down")`, "2"},
		{`round(2.1, 0, "up")`, "3"},
		{`round(2.9, 0, "down")`, "2"},
		{`round(-2.9, 0, "ceiling")`, "-2"},
		{`round(-2.1, 0, "floor")`, "-3"},
		{`round(-2.5, 0)`, "-3"},                                                              // ties away from zero
		{`round(-deal.amount / 7, 2, "down")`, "-1714.28"},                                    // -1714.2857... truncated
		{`round(deal.quantity, 2)`, "3"},                                                      // an int rounds as a decimal
		{`round(deal.amount * 0.015, 0, deal.customer.id == "C-1" ? "up" : "down")`, "180"},   // 180.0000, mode chosen at run time
		{`round(deal.amount * 0.0155, 0, deal.customer.id == "C-1" ? "up" : "down")`, "186"},  // 186.0000
		{`round(deal.amount * 0.01551, 0, deal.customer.id == "C-2" ? "up" : "down")`, "186"}, // 186.1200 truncated
		// min, max, abs
		{"min(deal.amount * 0.1, 1000)", "1000"}, // 1200.000 capped
		{"max(1, 2.5, 2)", "2.5"},
		{"max(deal.quantity, 1, 2)", "3"},
		{"min(deal.quantity, period.deals, 10)", "3"},
		{"min(deal.amount, period.amount, cumulative.amount)", "12000"},
		{"abs(-3.25)", "3.25"},
		{"abs(deal.quantity - 10)", "7"},
		{"abs(12000.5 - deal.amount)", "0.5"},
		{"len(deal.products) * 100", "200"},
		{`len("héllo")`, "5"}, // characters, not bytes
		// conditional
		{"deal.amount > 1000 ? 500 : 0.5", "500"},
		{"deal.amount > 100000 ? 500 : 0.5", "0.5"},
		{"if deal.registered { deal.amount * 0.03 } else { 0 }", "360"}, // 12000.00 x 0.03
		// optional custom fields read as zero
		{"deal.discount + 1", "1"},
		{"deal.term_months * 1.5", "0"},
		// every shape of lowered call: reads and constants bound in, computed
		// operands passed by the VM
		{"(deal.amount * 2) + (deal.quantity * 0.5)", "24001.5"}, // two computed: 24000.00 + 1.5
		{"deal.amount + deal.quantity * 0.5", "12001.5"},         // read + computed
		{"deal.quantity * 0.5 + deal.amount", "12001.5"},         // computed + read
		{"deal.amount + deal.amount", "24000"},                   // read + read
		{"(deal.quantity * 2) - (deal.quantity + 1)", "2"},       // ints: 6 - 4
		{"deal.quantity / period.deals", "0.75"},                 // 3 / 4
		{"(deal.quantity + 1) / 8", "0.5"},                       // 4 / 8
		{"deal.quantity * 2 + 0.5", "6.5"},                       // an int computed, then made a decimal
		{"abs(deal.amount - 20000)", "8000"},                     // |12000.00 - 20000|
		{"-(deal.amount * 2)", "-24000"},
		{"-(deal.quantity * 2)", "-6"},
		{"-deal.quantity", "-3"},
		{"abs(-deal.quantity)", "3"},
		{"round(deal.amount / 7 + deal.quantity, 1)", "1717.3"}, // 1714.2857... + 3 = 1717.2857... -> 1717.3
		{"max(deal.amount * 0.1, deal.quantity * 100)", "1200"}, // max(1200.000, 300)
		// constants
		{"500", "500"},
		{"1000 * 0.02", "20"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s := newScope(t, "12000.00", nil)
			x := mustCompile(t, env, tt.src, Number)
			got, err := x.Value(s)
			require.NoError(t, err)
			want := dec(tt.want)
			assert.True(t, want.Equal(got), "got %s, want %s", got, want)
		})
	}
}

// Results keep their places (shown where amounts are explained): 12000.00
// x 0.02 is 240.0000, four places.
func TestValueKeepsPlaces(t *testing.T) {
	env := mustEnv(t, testFields)
	for _, tt := range []struct {
		src    string
		want   string
		places int32
	}{
		{"deal.amount * 0.02", "240", 4},
		{"round(deal.amount * 0.02, 2)", "240", 2},
		{"deal.amount", "12000", 2},
		{"deal.quantity", "3", 0},
		{"1 / 3", "0.3333333333333333", 16},
	} {
		x := mustCompile(t, env, tt.src, Number)
		got, err := x.Value(newScope(t, "12000.00", nil))
		require.NoError(t, err)
		assert.True(t, dec(tt.want).Equal(got), "%s: got %s", tt.src, got)
		assert.Equal(t, -tt.places, got.Exponent(), tt.src)
	}
}

func TestHolds(t *testing.T) {
	env := mustEnv(t, testFields)
	tests := []struct {
		src  string
		want bool
	}{
		{"0.1 + 0.2 == 0.3", true},
		{"deal.registered && deal.type == \"new_business\"", true},
		{"deal.registered and deal.type == 'renewal'", false},
		{"deal.amount >= 1000", true},
		{"deal.amount > 12000", false},
		{"deal.amount >= 12000", true},
		{"deal.amount == 12000", true}, // 12000.00 == 12000 as numbers
		{"deal.amount == 12000.000", true},
		{"deal.amount != 12000", false},
		{"1 == 1.00", true},
		{"deal.quantity == 3.0", true},
		{"deal.quantity < 3.5", true},
		{"deal.quantity > 2 and period.deals < 5", true},
		{"1000 < deal.amount < 20000", true}, // chained comparison
		{"1000 < deal.amount < 12000", false},
		{"partner.tier in [\"gold\", \"platinum\"]", true},
		{"partner.tier in [\"silver\"]", false},
		{"partner.tier not in [\"silver\"]", true},
		{"partner.tier in [deal.customer.segment, \"gold\"]", true}, // a non-constant list
		{"\"widget\" in deal.products", true},
		{"\"sprocket\" in deal.products", false},
		{"\"sprocket\" not in deal.products", true},
		{"len(deal.products) == 2", true},
		// decimal membership uses decimal equality, never structural
		{"deal.amount in [12000.000]", true},
		{"deal.amount in [12000]", true},
		{"deal.amount in [1, 2.5]", false},
		{"12345.670 in [12345.67]", true},
		{"deal.quantity in [1, 3.0]", true},
		{"deal.quantity in [1, 2]", false},
		{"deal.quantity in [1, 3]", true},
		{"deal.amount in [period.amount, 12000]", true}, // non-constant decimal list
		{"deal.amount in []", false},
		// dates, in the program's time zone
		{`deal.close_date >= date("2026-11-01") && deal.close_date <= date("2026-11-30")`, true},
		{`deal.close_date == date("2026-11-03")`, true},
		{`deal.close_date < date("2026-11-03")`, false},
		{`deal.close_date in [date("2026-11-03"), date("2026-12-03")]`, true},
		{`deal.signed < date("0001-01-02")`, true}, // a missing optional date is the zero date
		{`date("2026-01-01") < date("2026-01-02")`, true},
		// strings
		{`deal.customer.segment == "enterprise"`, true},
		{`deal.segment == "enterprise"`, true},
		{`deal.customer.name contains "Acme"`, true},
		{`deal.customer.name startsWith "Ac"`, true},
		{`deal.customer.name endsWith "GmbH"`, true},
		{`deal.customer.name not contains "Ltd"`, true},
		{`deal.customer.name matches "^Acme\\s"`, true},
		{`partner.type == "reseller" && partner.region == "emea" && partner.country == "DE"`, true},
		{`deal.id == "D-1" && deal.partner_id == "P-1" && deal.currency == "USD" && deal.registration_id == "R-9"`, true},
		// bools
		{"!deal.strategic", true},
		{"not deal.registered", false},
		{"deal.strategic == false", true},
		{"deal.strategic || deal.registered", true},
		{"true", true},
		{"false || deal.quantity > 1", true},
		{"deal.amount > 100 ? deal.registered : false", true},
		// comparisons with the read on either side
		{`date("2026-11-01") <= deal.close_date`, true},
		{"2 < deal.quantity", true},
		{"3 == deal.quantity && deal.quantity == 3 && 4 != deal.quantity", true},
		{"1000 <= deal.amount", true},
		{`"enterprise" == deal.segment && "smb" != deal.segment`, true},
		{"deal.amount * 2 > deal.amount * 3", false},
		{"deal.amount * 2 in [24000]", true},
		{"deal.quantity + 1 in [4, 5]", true},
		// accumulators
		{"period.amount + deal.amount >= 62000", true},
		{"cumulative.amount >= 250000", true},
		{"period.earned < 1000.01", true},
		// custom ints
		{"deal.term_months == 0", true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x := mustCompile(t, env, tt.src, Bool)
			got, err := x.Holds(newScope(t, "12000.00", nil))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// The close date is read in the program's time zone: 2026-11-01 02:00 UTC
// is still October 31 in New York.
func TestCloseDateTimeZone(t *testing.T) {
	env := mustEnv(t, testFields)
	x := mustCompile(t, env, `deal.close_date == date("2026-10-31")`, Bool)
	s := newScope(t, "1.00", nil)
	s.Deal.CloseDate = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	ok, err := x.Holds(s)
	require.NoError(t, err)
	assert.True(t, ok)

	s = newScope(t, "1.00", nil)
	s.Deal.CloseDate = time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	s.Program.Effective.Location = time.UTC
	ok, err = x.Holds(s)
	require.NoError(t, err)
	assert.False(t, ok, "in UTC the date is November 1")
}

func TestCustomFieldValues(t *testing.T) {
	env := mustEnv(t, testFields)
	fields := map[string]any{
		"segment":     "smb",
		"term_months": int64(36),
		"discount":    dec("0.15"),
		"strategic":   true,
		"signed":      incentive.Date{Year: 2026, Month: 9, Day: 30},
	}
	tests := []struct {
		src  string
		want bool
	}{
		{`deal.segment == "smb"`, true},
		{`deal.term_months >= 36 && deal.term_months / 12 == 3`, true},
		{`deal.discount == 0.15 && deal.amount * (1 - deal.discount) == 10200`, true}, // 12000.00 x 0.85 = 10200.0000
		{`deal.strategic`, true},
		{`deal.signed < deal.close_date && deal.signed == date("2026-09-30")`, true},
	}
	for _, tt := range tests {
		x := mustCompile(t, env, tt.src, Bool)
		got, err := x.Holds(newScope(t, "12000.00", fields))
		require.NoError(t, err, tt.src)
		assert.Equal(t, tt.want, got, tt.src)
	}
	// a Go caller may hand an int for an int field
	x := mustCompile(t, env, `deal.term_months * 2`, Number)
	v, err := x.Value(newScope(t, "1", map[string]any{"segment": "x", "term_months": 12}))
	require.NoError(t, err)
	assert.True(t, dec("24").Equal(v))
}

func TestConstant(t *testing.T) {
	env := mustEnv(t, nil)
	x := mustCompile(t, env, "1000 * 0.02", Number)
	v, ok := x.Constant()
	require.True(t, ok)
	assert.True(t, dec("20").Equal(v.(decimal.Decimal)), "1000 x 0.02 = 20.00")
	assert.Empty(t, x.Reads())

	x = mustCompile(t, env, "deal.amount", Number)
	_, ok = x.Constant()
	assert.False(t, ok)
}
