package dexpr

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

var fuzzSeeds = []string{
	benchCond,
	benchFormula,
	"0.1 + 0.2 == 0.3",
	"deal.amount / deal.quantity",
	"deal.amount / deal.discount",
	`round(deal.amount * 0.0125, 2, "half_even")`,
	`deal.close_date >= date("2026-11-01") && deal.signed < deal.close_date`,
	`partner.tier in ["gold", "platinum"] && "widget" in deal.products`,
	`deal.amount in [12345.670, deal.discount]`,
	`min(deal.amount, period.amount, 5) + max(1, deal.quantity) - abs(-deal.term_months)`,
	`deal.term_months % 3 == 0 ? deal.amount * 1.5 : deal.amount`,
	`deal.customer.name matches "^A" && deal.segment startsWith "ent"`,
	`len(deal.products) * 9223372036854775807`,
	`-deal.quantity * 4611686018427387904 * 2`,
	`deal.amount * 1e-600 * 1e-600`,
	`round(deal.amount, 2, deal.segment)`,
	"deal.amout > 1 && $env.x",
	`any(deal.products, # == "x")`,
	"let x = 1; x",
	"deal.amount.Div(2)",
	"((((deal.amount))))",
	"1 < deal.quantity < 5",
	"if deal.strategic { 1 } else { 2.5 }",
	`days_between(deal.signed, deal.close_date) <= 30 && deal.close_date <= add_days(deal.registration.approved, 90)`,
	`add_months(deal.signed, deal.term_months) >= run.as_of`,
	`add_years(date("2028-02-29"), deal.quantity) == date("2029-02-28")`,
	`months_between(deal.signed, run.as_of) * deal.amount`,
	`period(deal.close_date, "quarter") == period(run.as_of, "quarter") && year(deal.signed) == 2026`,
	`quarter(deal.close_date) * 3 == month(deal.close_date) ? days_between(run.as_of, deal.signed) : 0`,
	`period(deal.signed, deal.segment)`,
	`add_days(date("9999-12-31"), 1) > deal.close_date`,
	`partner.at_period_start.tier == "gold" && partner.tier != partner.at_period_start.tier`,
	`partner.at_period_start.tier in ["gold", "platinum"] ? deal.amount * 0.03 : 0`,
	`partner.at_period_start == "gold"`,
	`history("quarter", 1) + history_sum("month", 3) - history_mean("year", 2)`,
	`deal.amount > history_mean("quarter", 4) ? (deal.amount - history_mean("quarter", 4)) * 0.05 : 0`,
	`history_mean("quarter", deal.quantity)`,
	`history("week", 1) + history("quarter", 121)`,
	`sum(filter(deal.lines, line.family == "storage" && !(line.product startsWith "DEMO-")), line.quantity)`,
	`count(deal.lines, line.quantity > 1) + sum(deal.lines, line.amount / line.unit_price)`,
	`all(deal.lines, line.product endsWith "t") || any(deal.lines, line.unit_price * line.quantity > deal.amount)`,
	`count(deal.lines) > 0 ? sum(deal.lines, line.amount) / count(deal.lines) : 0`,
	`sum(deal.lines, count(deal.lines))`,
	`filter(deal.lines, true)`,
	`line.quantity + values.x`,
	`earned("x", "before_caps") + earned("x", "after")`,
	`sum(deal.lines, line.quantity * 1e900 * 1e900)`,
	`values.big ? values.units * 25 : 0`,
	`sum(deal.lines, line.cost) + count(deal.lines, line.refurbished || line.region == "emea")`,
	`any(deal.lines, line.product startsWith "SRV-" && line.product endsWith "-R" && line.region != "emea")`,
	`count(filter(filter(deal.lines, line.quantity > 0), line.family == "storage"), all(deal.lines, true))`,
	`earned("base", "before_caps") - earned("base", "after_caps")`,
	`earned("nope", "after_caps")`,
}

// FuzzCompile: any source compiles or fails with positioned errors; it
// never panics.
//
//	go test ./rules/internal/dexpr -run '^$' -fuzz '^FuzzCompile$' -fuzztime 2m -parallel 1
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	// The Env of FuzzEval: line fields, named values and earned() compile.
	env, _ := fuzzEnv(f)
	f.Fuzz(func(t *testing.T, src string) {
		for _, kind := range []Kind{Bool, Number} {
			x, errs := env.Compile(src, kind)
			if (x == nil) == (len(errs) == 0) {
				t.Fatalf("%q: expr %v with errors %v", src, x, errs)
			}
			lines := 1
			for _, r := range src {
				if r == '\n' {
					lines++
				}
			}
			for _, e := range errs {
				if e.Line < 1 || e.Col < 1 || e.Line > lines || e.Msg == "" {
					t.Fatalf("%q: bad error %+v", src, e)
				}
				if utf8.ValidString(src) && len(src) <= MaxSourceLen && e.Col > utf8.RuneCountInString(src)+1 {
					t.Fatalf("%q: column beyond the source: %+v", src, e)
				}
			}
			if x != nil && !sort.StringsAreSorted(x.Reads()) {
				t.Fatalf("%q: reads not sorted: %v", src, x.Reads())
			}
		}
	})
}

// fuzzLineFields are the custom line fields FuzzEval's programs declare.
var fuzzLineFields = []incentive.FieldDecl{
	{Name: "refurbished", Type: incentive.FieldBool, Optional: true},
	{Name: "region", Type: incentive.FieldString, Optional: true},
	{Name: "cost", Type: incentive.FieldDecimal},
}

// fuzzEnv is the test fields' Env with line fields, two named values
// (units, a number over the lines; big, a condition) and one earning
// (base) enabled for earned().
func fuzzEnv(tb testing.TB) (*Env, []incentive.Value) {
	env := mustEnv(tb, testFields)
	if errs := env.SetLineFields(fuzzLineFields); len(errs) > 0 {
		tb.Fatal(errs)
	}
	units := mustCompile(tb, env, `sum(filter(deal.lines, !line.refurbished), line.quantity)`, Number)
	big := mustCompile(tb, env, `deal.amount >= 1000 && any(deal.lines, line.cost < line.amount)`, Bool)
	for i, x := range []*Expr{units, big} {
		if err := env.AddValue([]string{"units", "big"}[i], i, x); err != nil {
			tb.Fatal(err)
		}
	}
	env.EnableEarning("base", 0)
	return env, []incentive.Value{{Name: "units", Formula: units}, {Name: "big", Condition: big}}
}

// fuzzLines builds up to seven product lines from shape, a choice per
// byte (zero once spent): family, SKU prefix and number, quantity, unit
// price and its scale, amount (quantity times price, or free), and the
// line fields, some left out.
func fuzzLines(shape []byte, amt decimal.Decimal) []incentive.DealLine {
	next := func() int {
		if len(shape) == 0 {
			return 0
		}
		v := int(shape[0])
		shape = shape[1:]
		return v
	}
	lines := make([]incentive.DealLine, next()%8)
	for k := range lines {
		l := &lines[k]
		l.Family = []string{"storage", "network", "", "Storage"}[next()%4]
		l.Product = []string{"SRV-", "DEMO-", "", "srv-"}[next()%4] + strconv.Itoa(next()) + []string{"", "-R"}[next()%2]
		l.Quantity = int64(int8(next()))
		price := decimal.New(int64(next())*25, -int32(next()%4))
		l.UnitPrice = incentive.NewMoney(price, incentive.USD)
		l.Amount = incentive.NewMoney(price.Mul(decimal.NewFromInt(l.Quantity)), incentive.USD)
		if next()%4 == 3 {
			l.Amount = incentive.NewMoney(amt, incentive.USD)
		}
		if f := next(); f%3 != 0 {
			l.Fields = map[string]any{"refurbished": f%2 == 0, "cost": price.Mul(decimal.New(int64(f), -2))}
			if f%5 == 0 {
				l.Fields["region"] = "emea"
			}
		}
		if next()%9 == 8 { // another currency than the program's
			l.UnitPrice = incentive.NewMoney(price, incentive.EUR)
		}
	}
	return lines
}

// FuzzEval: any source that compiles evaluates on any deal values and
// product lines without panicking; failures are *RunError values, and a
// second evaluation of the same scope gives the same value or error.
//
//	go test ./rules/internal/dexpr -run '^$' -fuzz '^FuzzEval$' -fuzztime 2m -parallel 1
func FuzzEval(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, "12000.00", int64(i), "enterprise", "0.15", int64(i-3), uint8(i), []byte{4, 0, 0, 1, 0, 3, 40, 2, 0, 2, 0, 1, 1, 2, 0, 1, 0, 3, 6, 1, 2, 3, 1, 0, 0, 0, 5, 10, 0, 3, 0, 0, 3, 4, 1, 200, 0, 0, 1, 1, 0, 0})
	}
	f.Add("deal.amount + 1", "1e-999999", int64(0), "", "0", int64(0), uint8(0), []byte{})
	f.Add("deal.amount * deal.discount", "1e900", int64(0), "", "1e900", int64(0), uint8(0), []byte{})
	f.Add(`values.big ? values.units * 25 : 0`, "4500", int64(1), "smb", "0", int64(0), uint8(1), []byte{2, 0, 0, 1, 0, 3, 40, 2, 0, 2, 0, 1, 1, 2, 0, 1, 0, 3, 6, 1})
	f.Add(`sum(deal.lines, line.cost) + count(deal.lines, line.refurbished || line.region == "emea")`, "1", int64(1), "", "0", int64(0), uint8(2), []byte{1, 1, 1, 1, 0, 1, 1, 1, 0, 4})
	f.Add(`all(deal.lines, line.family == "storage" && line.region == "emea") || earned("base", "after_caps") > 0`, "1", int64(1), "", "0", int64(0), uint8(2), []byte{3, 0, 0, 1, 0, 3, 40, 2, 0, 10, 0, 0, 0, 1, 0, 3, 40, 2, 0, 10, 0, 0, 0, 1, 0, 3, 40, 2, 0, 10, 8})
	env, values := fuzzEnv(f)
	f.Fuzz(func(t *testing.T, src, amount string, qty int64, segment, discount string, term int64, day uint8, shape []byte) {
		amt, err := incentive.ParseDecimal(amount)
		if err != nil {
			amt = decimal.Zero
		}
		disc, err := incentive.ParseDecimal(discount)
		if err != nil {
			disc = decimal.Zero
		}
		fields := map[string]any{
			"segment":     segment,
			"term_months": term,
			"discount":    disc,
			"strategic":   day%2 == 0,
			"signed":      incentive.Date{Year: 2026, Month: 1, Day: 1}.AddDays(int(day)),
		}
		if day%5 == 0 {
			fields["signed"] = incentive.Date{} // the empty date
		}
		lines := fuzzLines(shape, amt)
		for _, kind := range []Kind{Bool, Number} {
			x, errs := env.Compile(src, kind)
			if len(errs) > 0 {
				continue
			}
			s := newScope(t, "0", fields)
			s.Amount = amt
			s.Deal.Quantity = qty
			s.Deal.Lines = lines
			s.Program.LineFields, s.Program.Values = fuzzLineFields, values
			s.Acc.PeriodDeals = term
			s.Acc.PeriodAmount = disc
			if day%4 != 0 { // otherwise the partner has no history
				s.History = incentive.History{"2025-10": amt, "2025-11": disc, "2025-12": amt, "2025-Q4": disc,
					"2025-Q3": amt, "2025-Q2": disc, "2025-Q1": amt, "2025": disc, "2024": amt}
			}
			if day%4 != 1 { // a tier change during the year, on a day the fuzzer picks
				s.Partner.History = []partner.Event{{Kind: partner.EventTier, FromTier: "silver", ToTier: s.Partner.Tier,
					At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day)*2)}}
				s.Program.Period = []incentive.Period{incentive.PeriodMonth, incentive.PeriodQuarter, incentive.PeriodYear}[day%3]
			}
			if day%3 != 0 { // otherwise the run has no as-of date
				s.SetAsOf(time.Date(2026, 3, 8, 1, 30, 0, 0, time.UTC).AddDate(0, 0, int(day)))
			}
			var first string
			for run := range 2 { // the second run reads the cached frame
				var got any
				if kind == Bool {
					got, err = x.Holds(s)
				} else {
					got, err = x.Value(s)
				}
				var re *RunError
				if err != nil && !errors.As(err, &re) {
					t.Fatalf("%q: error %T %v is not a *RunError", src, err, err)
				}
				out := fmt.Sprint(got)
				if err != nil {
					out = "error: " + err.Error()
				}
				if run == 1 && out != first {
					t.Fatalf("%q: a second evaluation gives %s, the first %s", src, out, first)
				}
				first = out
			}
		}
	})
}
