package dexpr

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompileErrors checks the position (1-based line and column, in
// runes) and the message of compile errors. Columns are counted by hand in
// the comments.
func TestCompileErrors(t *testing.T) {
	env := mustEnv(t, testFields)
	type want struct {
		line, col int
		msg       string
	}
	tests := []struct {
		src  string
		kind Kind
		want []want
	}{
		// "deal." is 5 runes: the field name starts at column 6
		{"deal.amout > 1", Bool, []want{{1, 6, "unknown field deal.amout (did you mean deal.amount?)"}}},
		{"deal.amount * 2", Bool, []want{{1, 1, "a condition must be true or false, but this expression is a decimal"}}},
		{"deal.type", Number, []want{{1, 1, "an amount must be a number, but this expression is a string"}}},
		// "deal.customer.segment " is 22 runes: == at 23
		{"deal.customer.segment == 5", Bool, []want{{1, 23, "cannot compare a string with an int"}}},
		// "deal.amount " is 12 runes: the operator is at 13
		{`deal.amount + "x"`, Number, []want{{1, 13, "+ needs numbers on both sides, but the right side is a string"}}},
		{"deal.amount % 2", Number, []want{{1, 13, "% works on whole numbers (int) only, not on decimals"}}},
		{"deal.amount ** 2", Number, []want{{1, 13, "** (power) is not supported"}}},
		{"deal.amount ^ 2", Number, []want{{1, 13, "^ (power) is not supported"}}},
		{"deal.amount / 0", Number, []want{{1, 13, "division by zero"}}},
		{"deal.amount ?? 1", Number, []want{{1, 13, "?? is not supported"}}},
		{"deal.amount.Div(2) > 1", Bool, []want{{1, 13, "method calls are not allowed"}}},
		{"deal.amount.value > 1", Bool, []want{{1, 13, "deal.amount is a decimal and has no field value"}}},
		// pitfall 1: a type error inside a function argument; "round(partner.tier " is 19 runes
		{"round(partner.tier * 2, 2)", Number, []want{{1, 20, "* needs numbers on both sides, but the left side is a string"}}},
		{"min(partner.tier * 2, 1)", Number, []want{{1, 18, "* needs numbers on both sides, but the left side is a string"}}},
		// "round(deal.amount, " is 19 runes: places at 20
		{"round(deal.amount, 13)", Number, []want{{1, 20, "round to 13 places is outside 0..12"}}},
		{"round(deal.amount, 2000000)", Number, []want{{1, 20, "round to 2000000 places is outside 0..12"}}},
		{"round(deal.amount, -1)", Number, []want{{1, 20, "round to -1 places is outside 0..12"}}},
		{"round(deal.amount, deal.quantity)", Number, []want{{1, 20, "the places of round must be a whole-number constant from 0 to 12"}}},
		{"round(deal.amount, 2.0)", Number, []want{{1, 20, "the places of round must be a whole-number constant"}}},
		// "round(deal.amount, 2, " is 22 runes: mode at 23
		{`round(deal.amount, 2, "bankers")`, Number, []want{{1, 23, `unknown rounding mode "bankers"`}}},
		{`round(deal.amount, 2, 5)`, Number, []want{{1, 23, `the mode of round must be a string`}}},
		{`round(deal.amount)`, Number, []want{{1, 1, `round takes a number, a count of places and an optional mode`}}},
		{"$env.deal.amount > 1", Bool, []want{{1, 1, "$env is not accessible"}}},
		{"$env > 1", Bool, []want{{1, 1, "$env is not accessible"}}},
		{`any(deal.products, # == "x")`, Bool, []want{{1, 5, "any works over deal.lines (or filter(deal.lines, ...))"}}},
		{`filter(deal.products, # == "x")`, Bool, []want{{1, 1, "filter(deal.lines, ...) is only allowed as the list of sum, count, any or all"}}},
		{`map(deal.products, 1)`, Bool, []want{{1, 1, "map() is not available"}}},
		{`count(deal.products) > 1`, Bool, []want{{1, 7, "count works over deal.lines"}}},
		{`upper(deal.type) == "X"`, Bool, []want{{1, 1, "unknown function upper"}}},
		// "deal.close_date " is 16 runes
		{`deal.close_date > "2026-11-01"`, Bool, []want{{1, 17, `cannot compare a date with a string; write a date as date("2026-11-01")`}}},
		// "deal.close_date > date(" is 23 runes: the literal is at 24
		{`deal.close_date > date("2026-13-01")`, Bool, []want{{1, 24, `date "2026-13-01" is not YYYY-MM-DD`}}},
		{`deal.close_date > date(deal.id)`, Bool, []want{{1, 24, `date needs a string literal`}}},
		{"foo > 1", Bool, []want{{1, 1, "unknown name foo; expressions read deal.*, partner.*, period.*, cumulative.amount and run.as_of"}}},
		{"amount > 1", Bool, []want{{1, 1, "unknown name amount (did you mean deal.amount?)"}}},
		{"deal > 1", Bool, []want{{1, 1, "deal is a group of fields, not a value; use a field such as deal.amount"}}},
		{`deal.customer == "x"`, Bool, []want{{1, 6, "deal.customer is a group of fields"}}},
		{"deal.customer.sgment == 1", Bool, []want{{1, 15, "unknown field deal.customer.sgment (did you mean deal.customer.segment?)"}}},
		{"partner.zzz == 1", Bool, []want{{1, 9, "unknown field partner.zzz; partner has at_period_start, country, id, name, region, tier, type"}}},
		// a multi-line block: the second line is "  deal.amout > 5"
		{"deal.registered &&\n  deal.amout > 5", Bool, []want{{2, 8, "unknown field deal.amout"}}},
		// every error is reported, sorted by position
		{`deal.amout > 1 && partner.teir == "x"`, Bool, []want{
			{1, 6, "unknown field deal.amout"},
			{1, 27, "unknown field partner.teir (did you mean partner.tier?)"},
		}},
		{"round(deal.amount * x, 2) + foo(1)", Number, []want{
			{1, 21, "unknown name x"},
			{1, 29, "unknown function foo"},
		}},
		// columns count runes, not bytes: é is two bytes
		{`"é" == deal.tyype`, Bool, []want{{1, 13, "unknown field deal.tyype (did you mean deal.type?)"}}},
		// "deal.products" is 13 runes: [ at 14
		{`deal.products[0] == "x"`, Bool, []want{{1, 14, "indexing ([...]) is not supported"}}},
		{"deal.amount > nil", Bool, []want{{1, 15, "nil is not part of the expression language"}}},
		{"let x = 1; x > 0", Bool, []want{{1, 5, "let declarations are not supported"}}},
		// "deal.quantity in 1" is 18 runes: .. at 19
		{"deal.quantity in 1..5", Bool, []want{{1, 19, "ranges (a..b) are not supported"}}},
		{"deal?.amount > 1", Bool, []want{{1, 7, "optional chaining (?.) is not supported"}}},
		{"min(deal.amount) > 1", Bool, []want{{1, 1, "min takes two or more numbers, got 1"}}},
		{`abs("x") > 1`, Bool, []want{{1, 5, "abs needs a number, not a string"}}},
		{`len(deal.amount) > 1`, Bool, []want{{1, 5, "len needs a string or deal.products, not a decimal"}}},
		{`partner.tier > "gold"`, Bool, []want{{1, 14, "> compares numbers or dates, not strings"}}},
		// "deal.amount > 1 ? 2 : " is 22 runes
		{`deal.amount > 1 ? 2 : "x"`, Number, []want{{1, 23, "both branches of ?: must have the same type, but one is an int and the other a string"}}},
		{`deal.amount ? 1 : 2`, Number, []want{{1, 1, "the condition of ?: must be a bool, not a decimal"}}},
		{"deal.amount in deal.products", Bool, []want{{1, 13, "deal.products holds strings; cannot look for a decimal in it"}}},
		{`"x" in deal.customer.name`, Bool, []want{{1, 5, `the right side of "in" must be a list such as ["a", "b"] or deal.products, not a string`}}},
		// `partner.tier in ["gold", ` is 25 runes
		{`partner.tier in ["gold", 5]`, Bool, []want{{1, 26, "this list element is an int, but the value looked for is a string"}}},
		{`deal.close_date in ["2026-11-03"]`, Bool, []want{{1, 21, `this list element is a string, but the value looked for is a date; write a date as date("2026-11-01")`}}},
		{`deal.amount > 1 && 5`, Bool, []want{{1, 17, "&& needs bools on both sides, but the right side is an int"}}},
		{`!deal.amount`, Bool, []want{{1, 1, "! needs a bool, but its operand is a decimal"}}},
		{`-deal.type == "x"`, Bool, []want{{1, 1, "unary - needs a number, but its operand is a string"}}},
		// "9223372036854775807 " is 20 runes
		{"9223372036854775807 + 1", Number, []want{{1, 21, "integer overflow"}}},
		{"1e5000 * deal.amount", Number, []want{{1, 1, "1e5000 is out of range: the exponent must be within ±1000"}}},
		{"1e-2000 + deal.amount", Number, []want{{1, 1, "1e-2000 is out of range: the exponent must be within ±1000"}}},
		// "deal.quantity * " is 16 runes
		{"deal.quantity * 99999999999999999999", Number, []want{{1, 17, "99999999999999999999 is beyond the int range (±9223372036854775807); write 99999999999999999999.0 to make it a decimal"}}},
		// "deal.customer.name matches " is 27 runes
		{`deal.customer.name matches "("`, Bool, []want{{1, 28, "invalid pattern"}}},
		{`deal.customer.name matches deal.id`, Bool, []want{{1, 28, "the pattern of matches must be a string literal"}}},
		{`deal.customer.id + "" == "C-1"`, Bool, []want{{1, 18, "+ needs numbers on both sides, but the left side is a string"}}},
		{`deal.registered contains "x"`, Bool, []want{{1, 17, "contains needs strings on both sides, but the left side is a bool"}}},
		{`{"a": 1}`, Number, []want{{1, 1, "map literals ({...}) are not supported"}}},
		{`[1, 2]`, Number, []want{{1, 1, `a list is only allowed on the right of "in"`}}},
		// parse errors (expr's parser stops at the first)
		{"deal.amount > 1 &&", Bool, []want{{1, 19, "unexpected end of expression"}}},
		{"(deal.amount > 1", Bool, []want{{1, 17, "unexpected end of expression"}}},
		{"deal.amount > > 1", Bool, []want{{1, 15, `unexpected ">"`}}},
		{"deal.amount 5", Bool, []want{{1, 13, `unexpected "5"`}}},
		{"   ", Bool, []want{{1, 1, "the expression is empty"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x, errs := env.Compile(tt.src, tt.kind)
			require.Nil(t, x)
			require.Len(t, errs, len(tt.want), "errors: %v", errs)
			for i, w := range tt.want {
				e := errs[i]
				assert.Equal(t, w.line, e.Line, "line of %q", e.Msg)
				assert.Equal(t, w.col, e.Col, "column of %q", e.Msg)
				assert.Contains(t, e.Msg, w.msg)
				// never expr's own overload or type jargon
				for _, jargon := range []string{"overload", "mismatched type", "invalid operation", "interface {}", "decimal.Decimal"} {
					assert.NotContains(t, e.Msg, jargon)
				}
			}
		})
	}
}

func TestCompileLimits(t *testing.T) {
	env := mustEnv(t, nil)

	long := "deal.amount > " + strings.Repeat("1", MaxSourceLen)
	_, errs := env.Compile(long, Bool)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Msg, "the limit is 8192")

	// 1+1+...+1 with more than MaxNodes nodes fits the source limit
	big := strings.Repeat("1+", 1200) + "1"
	require.Less(t, len(big), MaxSourceLen)
	_, errs = env.Compile(big, Number)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Msg, "too large")

	_, errs = env.Compile("deal.amount > 1\xff", Bool)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Msg, "UTF-8")

	_, errs = env.Compile("1", Kind(7))
	require.Len(t, errs, 1)

	var nilEnv *Env
	_, errs = nilEnv.Compile("1", Number)
	require.Len(t, errs, 1)
}

func TestErrorString(t *testing.T) {
	env := mustEnv(t, nil)
	_, errs := env.Compile("deal.amout > 1", Bool)
	require.Len(t, errs, 1)
	assert.Equal(t, "1:6: unknown field deal.amout (did you mean deal.amount?)", errs[0].Error())
}
