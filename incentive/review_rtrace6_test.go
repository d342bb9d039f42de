package incentive

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review of the compact trace, round 6 (issue #11): a Step keeps its
// amount's coefficient in 32 bits (amtWide beyond), input records pack a
// text's offset and length, a date and a 16-bit exponent, and detail
// records keep only the words a detail has. These tests answer the
// review's questions end to end, through Evaluate, Run and the Step
// methods.

// rt6Const is a program paying one earning whose formula is the constant
// v (no caps, line rounding half_up to cents), credit notes allowed.
func rt6Const(v decimal.Decimal) *Program {
	p := spiffProgram()
	p.AllowNegative = true
	p.Caps = nil
	p.Earnings = []Earning{{ID: "x", Type: Spiff, Amount: FormulaFunc("v", nil, func(*Scope) (decimal.Decimal, error) { return v, nil })}}
	return p
}

// A formula step keeps its amount exactly (coefficient and exponent),
// whether its coefficient fits a Step's 32 bits, the block's 64-bit
// words (amtWide) or only a side decimal; the total step likewise.
func TestReviewRtrace6StepAmounts(t *testing.T) {
	cases := []struct {
		name, v string
		// total is v rounded half_up to cents; words the formula's words
		total, words string
	}{
		// 2^31 - 1 fits; its total 214748364700 x 10^-2 does not
		{"2^31-1", "2147483647", "2147483647.00", `earning "x": v = 2,147,483,647.00`},
		{"2^31", "2147483648", "2147483648.00", `earning "x": v = 2,147,483,648.00`},
		// a negative line is a credit note naming no deal: it takes back
		// at most what P-1 was paid in the period, nothing: total 0.00
		{"-2^31", "-2147483648", "0.00", `earning "x": v = -2,147,483,648.00`},
		{"-2^31-1", "-2147483649", "0.00", `earning "x": v = -2,147,483,649.00`},
		{"2^32", "4294967296", "4294967296.00", `earning "x": v = 4,294,967,296.00`},
		// coefficient 2147483648 (2^31) at 10^-2
		{"2^31 cents", "21474836.48", "21474836.48", `earning "x": v = 21,474,836.48`},
		// coefficient -2147483649 at 10^-2
		{"-2^31-1 cents", "-21474836.49", "0.00", `earning "x": v = -21,474,836.49`},
		// 18 digits: an amtFx coefficient; its total has 20 digits
		{"10^18-1", "999999999999999999", "999999999999999999.00", `earning "x": v = 999,999,999,999,999,999.00`},
		// 19 digits: a side decimal
		{"10^18", "1000000000000000000", "1000000000000000000.00", `earning "x": v = 1,000,000,000,000,000,000.00`},
		// 2^63: past int64
		{"2^63", "9223372036854775808", "9223372036854775808.00", `earning "x": v = 9,223,372,036,854,775,808.00`},
		{"0.00", "0.00", "0.00", `earning "x": v = 0.00`},
		{"0", "0", "0.00", `earning "x": v = 0.00`},
		// -0.00 is 0 x 10^-2
		{"-0.00", "-0.00", "0.00", `earning "x": v = 0.00`},
		// 0.005 rounds half_up to 0.01
		{"half a cent", "0.005", "0.01", `earning "x": v = 0.005`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := decimal.RequireFromString(c.v)
			res := mustEval(t, rt6Const(v), Input{Deal: deal("D-1", "P-1", "100.00", "2026-11-03"), Partner: gold("P-1")})
			f := stepOf(t, res.Trace, StepFormula)
			got := f.Amount()
			assert.Equal(t, v.Exponent(), got.Exponent(), "exponent")
			assert.Zero(t, v.Coefficient().Cmp(got.Coefficient()), "coefficient %s, got %s", v.Coefficient(), got.Coefficient())
			assert.Equal(t, c.words, f.Words())
			tot := stepOf(t, res.Trace, StepTotal)
			assert.Equal(t, c.total, tot.Amount().StringFixed(2))
			assert.Equal(t, int32(-2), tot.Amount().Exponent())
			b, err := json.Marshal(f)
			require.NoError(t, err)
			assert.Contains(t, string(b), `"amount":"`+v.String()+`"`)
		})
	}
}

// Input records: a formula reading 255 paths keeps them as records (the
// position is a byte: 0 to 254), one reading 256 keeps its values as
// they are; both read back every path in order. Earnings past 65,535
// records in one deal (a Step's first record is 16 bits) still show
// their own values.
func TestReviewRtrace6ManyReads(t *testing.T) {
	fields := []FieldDecl{}
	vals := map[string]any{}
	paths := make([]string, 300)
	for k := range paths {
		name := fmt.Sprintf("f%d", k)
		fields = append(fields, FieldDecl{Name: name, Type: FieldInt})
		vals[name] = int64(k)
		paths[k] = "deal." + name
	}
	reading := func(n, from int) Formula {
		reads := make([]string, n)
		for k := range reads {
			reads[k] = paths[(from+k)%len(paths)]
		}
		return FormulaFunc(fmt.Sprintf("reads %d from %d", n, from), reads, func(*Scope) (decimal.Decimal, error) { return decimal.New(int64(n), 0), nil })
	}
	p := spiffProgram()
	p.Caps = nil
	p.Fields = fields
	p.Earnings = []Earning{{ID: "r255", Type: Spiff, Amount: reading(255, 0)}, {ID: "r256", Type: Spiff, Amount: reading(256, 0)}}
	// 260 earnings of 255 records each: 66,300 records, past 65,535
	for j := range 260 {
		p.Earnings = append(p.Earnings, Earning{ID: fmt.Sprintf("m%d", j), Type: Bonus, Amount: reading(255, j)})
	}
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	d.Fields = vals
	res := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	var formulas []*Step
	for i := range res.Trace {
		if res.Trace[i].Kind == StepFormula {
			formulas = append(formulas, &res.Trace[i])
		}
	}
	require.Len(t, formulas, 262)
	check := func(s *Step, n, from int) {
		t.Helper()
		in := s.Inputs()
		require.Len(t, in, n, s.Ref())
		for k, o := range in {
			j := (from + k) % len(paths)
			if !assert.Equal(t, paths[j], o.Path, "%s input %d", s.Ref(), k) || !assert.Equal(t, int64(j), o.Value, "%s input %d", s.Ref(), k) {
				return
			}
		}
	}
	check(formulas[0], 255, 0)
	check(formulas[1], 256, 0)
	for j := range 260 {
		check(formulas[2+j], 255, j)
	}
	// the last earning reads f259 .. f299, f0 .. f213: its words end with
	// "deal.f213 = 213)"
	assert.True(t, strings.HasSuffix(formulas[261].Words(), "deal.f213 = 213)"), formulas[261].Words()[len(formulas[261].Words())-40:])
}

// Texts: an empty text, texts with non-ASCII bytes, the same text read by
// several expressions (kept once), a text of the same length that is not
// the same, and a text read again after more than four others: each
// input reads back as it was, in the condition's words too.
func TestReviewRtrace6Texts(t *testing.T) {
	p := spiffProgram()
	p.Caps = nil
	p.Fields = []FieldDecl{{Name: "a", Type: FieldString}, {Name: "b", Type: FieldString}, {Name: "c", Type: FieldString}}
	reads1 := []string{PathCustomerSegment, PathCustomerIndustry, PathDealType, PathCustomerCountry, PathPartnerTier, "deal.a"}
	reads2 := []string{"deal.b", "deal.c", PathCustomerRegion, PathPartnerTier, PathDealType, PathCustomerSegment, "deal.a"}
	p.Eligibility = []Clause{{Name: "one", When: ConditionFunc("one", reads1, func(*Scope) (bool, error) { return true, nil })}}
	p.Earnings = []Earning{{ID: "x", Type: Spiff, When: ConditionFunc("two", reads2, func(*Scope) (bool, error) { return true, nil }), Amount: Const(decimal.New(1, 0))}}
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	d.Customer = Customer{Segment: "", Industry: "énergie – 電力", Country: "DE", Region: "emea"}
	d.Fields = map[string]any{"a": "gold", "b": "glod", "c": strings.Repeat("ü", 300)}
	res := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
	want1 := []any{"", "énergie – 電力", "new_business", "DE", "gold", "gold"}
	want2 := []any{"glod", strings.Repeat("ü", 300), "emea", "gold", "new_business", "", "gold"}
	for _, c := range []struct {
		kind  StepKind
		reads []string
		want  []any
	}{{StepClause, reads1, want1}, {StepCondition, reads2, want2}} {
		s := stepOf(t, res.Trace, c.kind)
		in := s.Inputs()
		require.Len(t, in, len(c.want))
		for k, o := range in {
			assert.Equal(t, c.reads[k], o.Path)
			assert.Equal(t, c.want[k], o.Value, "%v input %d", c.kind, k)
		}
	}
	assert.Equal(t, `eligible: "one" holds: one (deal.customer.segment = "", deal.customer.industry = "énergie – 電力", deal.type = "new_business", deal.customer.country = "DE", partner.tier = "gold", deal.a = "gold")`,
		stepOf(t, res.Trace, StepClause).Words())
}

// Every value type an expression can read comes back as it was read: a
// decimal (0.00 and 0 keep their exponents), an int, a bool, a Date (the
// zero Date of a deal without a registration, a leap day, the last and
// first days a shortDate holds and one past them), a list, a missing
// optional field (its zero value) and a path with no value (not listed).
func TestReviewRtrace6ValueTypes(t *testing.T) {
	p := spiffProgram()
	p.Caps, p.Eligibility = nil, nil // (a deal without a registration is eligible)
	p.Fields = []FieldDecl{{Name: "n", Type: FieldInt}, {Name: "z", Type: FieldDecimal}, {Name: "z2", Type: FieldDecimal},
		{Name: "ok", Type: FieldBool}, {Name: "leap", Type: FieldDate}, {Name: "hi", Type: FieldDate}, {Name: "lo", Type: FieldDate},
		{Name: "past", Type: FieldDate}, {Name: "opt", Type: FieldString, Optional: true}}
	reads := []string{"deal.n", "deal.z", "deal.z2", "deal.ok", PathDealRegApproved, "deal.leap", "deal.hi", "deal.lo", "deal.past",
		PathDealProducts, "deal.opt", PathRunAsOf, PathDealQuantity}
	p.Earnings = []Earning{{ID: "x", Type: Spiff, When: ConditionFunc("c", reads, func(*Scope) (bool, error) { return true, nil }), Amount: Const(decimal.New(1, 0))}}
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	d.Registration = nil
	d.Lines = []DealLine{{Product: "sku-ü", Amount: usd("60.00")}, {Product: "", Amount: usd("40.00")}}
	d.Quantity = 7
	// (The dates are days of the calendar, which checkDeal requires since
	// round 9: month 15 or day 0, which the test read before, never reach
	// a trace record now.)
	d.Fields = map[string]any{"n": int64(-1) << 62, "z": decimal.RequireFromString("0.00"), "z2": decimal.New(0, 0), "ok": false,
		"leap": Date{2028, time.February, 29}, "hi": Date{1<<22 - 1, 12, 31}, "lo": Date{-1 << 22, 1, 1}, "past": Date{1 << 22, 1, 1}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	res, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, time.Time{}) // no as-of: run.as_of has no value
	require.NoError(t, err)
	in := stepOf(t, res.Trace, StepCondition).Inputs()
	want := []Observed{
		{Path: "deal.n", Value: int64(-1) << 62},
		{Path: "deal.z", Value: decimal.New(0, -2)},
		{Path: "deal.z2", Value: decimal.New(0, 0)},
		{Path: "deal.ok", Value: false},
		{Path: PathDealRegApproved, Value: Date{}},
		{Path: "deal.leap", Value: Date{2028, time.February, 29}},
		{Path: "deal.hi", Value: Date{1<<22 - 1, 12, 31}},
		{Path: "deal.lo", Value: Date{-1 << 22, 1, 1}},
		{Path: "deal.past", Value: Date{1 << 22, 1, 1}},
		{Path: PathDealProducts, Value: []string{"sku-ü", ""}},
		{Path: "deal.opt", Value: ""},
		{Path: PathDealQuantity, Value: d.Quantity},
	}
	require.Len(t, in, len(want))
	for k := range want {
		assert.Equal(t, want[k].Path, in[k].Path, "input %d", k)
		if dw, ok := want[k].Value.(decimal.Decimal); ok {
			dg, ok := in[k].Value.(decimal.Decimal)
			require.True(t, ok, "input %d is a %T", k, in[k].Value)
			assert.Equal(t, dw.Exponent(), dg.Exponent(), "input %d", k)
			assert.True(t, dw.Equal(dg), "input %d", k)
			continue
		}
		assert.Equal(t, want[k].Value, in[k].Value, "input %d", k)
	}
}

// rt6Group is a program whose two-member group (pick highest) pays the
// larger of deal.amount x 0.02 and 500 when the deal's amount is at
// least 10000, whose total names the partner_rep contact, with a claim
// window, a line cap on the first member and line rounding: an eligible
// deal records a window, claim and total detail (with the payee's texts),
// a group detail with members, rounding and line cap details.
func rt6Group() *Program {
	p := spiffProgram()
	p.Payee = "partner_rep"
	p.Caps = []Cap{{Scope: CapLine, Earning: "rate", Limit: dec("1000")}}
	isNew := AtLeast(PathDealAmount, dec("10000"))
	p.Earnings = []Earning{
		{ID: "rate", Type: Spiff, Group: "k", When: isNew, Amount: RateOf(PathDealAmount, dec("0.02"))},
		{ID: "flat", Type: Spiff, Group: "k", When: isNew, Amount: Const(dec("500"))},
		{ID: "always", Type: Bonus, Amount: RateOf(PathDealAmount, dec("0.001"))},
	}
	p.Groups = []Group{{ID: "k", Pick: PickHighest}}
	return p
}

// rt6Partner is a gold partner with a partner_rep contact named name.
func rt6Partner(id, name string) partner.Partner {
	pt := gold(id)
	pt.Contacts = []partner.Contact{{Role: "partner_rep", Name: name}}
	return pt
}

// A deal whose details have fewer fields than the previous deal's (the
// scratch's details are reused) shows none of the earlier deal's members,
// payee or amounts; and a copy of the earlier deal's steps (and a Result
// copied by value) reads the same after later deals, whether the deals
// are evaluated one by one or run with 1 or 4 workers, reusing results or
// not.
func TestReviewRtrace6DetailReuseAndCopies(t *testing.T) {
	p := rt6Group()
	// D-1: rate 30000.00 x 0.02 = 600.00 beats flat 500.00; always 30.00;
	// total 630.00 to partner_rep (Ana María Ñúñez).
	// D-2: below 10000.00, no group member holds (the group records
	// nothing); always 1000.00 x 0.001 = 1.00; the payee has a shorter name.
	// D-3: rate 100000.00 x 0.02 = 2000.00, cut by the line cap to 1000.00,
	// beats 500.00; always 100.00; total 1100.00 to partner_rep (Bo).
	d1 := deal("D-1", "P-1", "30000.00", "2026-11-03")
	d2 := deal("D-2", "P-2", "1000.00", "2026-11-04")
	d3 := deal("D-3", "P-2", "100000.00", "2026-11-05")
	ins := []Input{{Deal: d1, Partner: rt6Partner("P-1", "Ana María Ñúñez")}, {Deal: d2, Partner: rt6Partner("P-2", "Bo")}, {Deal: d3, Partner: rt6Partner("P-2", "Bo")}}
	wantTotal := []string{
		"total 630.00 USD to partner_rep (Ana María Ñúñez)",
		"total 1.00 USD to partner_rep (Bo)",
		"total 1,100.00 USD to partner_rep (Bo)",
	}
	wantGroup := []string{
		`group "k" (pick highest) among "rate" 600.00, "flat" 500.00: pays "rate"`,
		"",
		`group "k" (pick highest) among "rate" 1,000.00, "flat" 500.00: pays "rate"`,
	}
	asOf := day("2026-12-01")
	type kept struct {
		res             Result
		steps           []Step
		text, stepsText string
	}
	// stepsText is everything the steps' methods give.
	stepsText := func(steps []Step) string {
		var b strings.Builder
		for i := range steps {
			s := &steps[i]
			fmt.Fprintf(&b, "%v|%v|%d|%q|%q|%s|%v|%v|%q\n", s.Kind, s.OK, s.Index, s.Ref(), s.Source(), s.Amount(), s.Inputs(), s.Origin(), s.Words())
		}
		return b.String()
	}
	snapshot := func(r *Result) kept {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		steps := append([]Step(nil), r.Trace...)
		return kept{res: *r, steps: steps, text: string(b) + r.Explain(), stepsText: stepsText(steps)}
	}
	checkDeal := func(t *testing.T, k int, r *Result) {
		t.Helper()
		assert.Equal(t, wantTotal[k], stepOf(t, r.Trace, StepTotal).Words(), "deal %d", k)
		var group string
		for i := range r.Trace {
			if r.Trace[i].Kind == StepGroup {
				group = r.Trace[i].Words()
			}
		}
		assert.Equal(t, wantGroup[k], group, "deal %d", k)
	}
	// reread reads the kept results again: whole (a Result copied by
	// value), or only their copied steps (with ReuseResults, a result's
	// Lines are the next deal's).
	reread := func(t *testing.T, all []kept, whole bool) {
		t.Helper()
		for k, kp := range all {
			r := kp.res
			if !whole {
				r = Result{Trace: kp.steps}
			}
			b, err := json.Marshal(&r)
			require.NoError(t, err)
			if whole {
				assert.Equal(t, kp.text, string(b)+r.Explain(), "deal %d read again", k)
			}
			assert.Equal(t, kp.stepsText, stepsText(kp.steps), "deal %d's steps read again", k)
			checkDeal(t, k, &r)
		}
	}
	t.Run("evaluate", func(t *testing.T) {
		e, err := NewEvaluator(p)
		require.NoError(t, err)
		var all []kept
		for k, in := range ins {
			r, err := e.Evaluate(t.Context(), in, asOf)
			require.NoError(t, err)
			checkDeal(t, k, r)
			all = append(all, snapshot(r))
		}
		reread(t, all, true)
	})
	for _, workers := range []int{1, 4} {
		for _, reuse := range []bool{false, true} {
			t.Run(fmt.Sprintf("run workers %d reuse %v", workers, reuse), func(t *testing.T) {
				var all []kept
				k := 0
				for r, err := range Run(t.Context(), p, rt6Inputs(ins), RunOptions{AsOf: asOf, Workers: workers, ReuseResults: reuse}) {
					require.NoError(t, err)
					checkDeal(t, k, r)
					all = append(all, snapshot(r))
					k++
				}
				require.Equal(t, 3, k)
				// with ReuseResults only the copied steps are the caller's
				reread(t, all, !reuse)
			})
		}
	}
}

// rt6Inputs yields ins in order.
func rt6Inputs(ins []Input) func(func(Input, error) bool) {
	return func(yield func(Input, error) bool) {
		for _, in := range ins {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// A zero Step and a zero Result answer every method without a panic:
// nothing to name, no amount, no inputs, no words.
func TestReviewRtrace6ZeroValues(t *testing.T) {
	for k := StepKind(0); k <= StepValue+1; k++ {
		s := Step{Kind: k, Index: -1}
		require.NotPanics(t, func() {
			assert.Empty(t, s.Ref())
			assert.Empty(t, s.Source())
			assert.Equal(t, decimal.Decimal{}, s.Amount())
			assert.Nil(t, s.Inputs())
			assert.Nil(t, s.Origin())
			assert.Empty(t, s.Words())
			_, err := json.Marshal(s)
			assert.NoError(t, err)
		}, "kind %d", k)
	}
	var r Result
	require.NotPanics(t, func() {
		assert.Equal(t, "deal  under  v0\n", r.Explain())
		_, err := json.Marshal(&r)
		assert.NoError(t, err)
	})
}

// Step.Inputs said "in the order the expression names them"; they come in
// the order of the expression's Reads, which for a program file's
// expression is sorted by path (dexpr's Reads: `partner.type ==
// "reseller" && deal.amount > 0` lists deal.amount first), and a path
// without a value for the deal is left out. (The docs are fixed; this
// pins what they now say, with a Go-built condition whose Reads are in
// neither the expression's order nor sorted.)
func TestReviewRtrace6InputsFollowReads(t *testing.T) {
	p := spiffProgram()
	p.Caps = nil
	reads := []string{PathPartnerTier, PathRunAsOf, PathDealAmount}
	p.Earnings = []Earning{{ID: "x", Type: Spiff,
		When:   ConditionFunc(`deal.amount > 0 && run.as_of > 2026-01-01 && partner.tier == "gold"`, reads, func(*Scope) (bool, error) { return true, nil }),
		Amount: Const(decimal.New(1, 0))}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	// no as-of: run.as_of has no value and is left out
	res, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "100.00", "2026-11-03"), Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	in := stepOf(t, res.Trace, StepCondition).Inputs()
	require.Len(t, in, 2)
	assert.Equal(t, PathPartnerTier, in[0].Path)
	assert.Equal(t, "gold", in[0].Value)
	assert.Equal(t, PathDealAmount, in[1].Path)
	assert.Equal(t, "100", in[1].Value.(decimal.Decimal).String())
}
