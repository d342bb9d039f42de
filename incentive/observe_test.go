package incentive

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/partnerops/partnerops/partner"
)

// lookupText, the unboxed read the trace uses for text paths, reads what
// Lookup reads, path by path, and claims no other path.
func TestLookupTextMatchesLookup(t *testing.T) {
	p := spiffProgram()
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	d.Customer = Customer{Country: "DE", Region: "EMEA", Industry: "retail", Segment: "enterprise"}
	pt := partner.Partner{ID: "P-1", Tier: "gold", Type: partner.Reseller, Region: "emea", Country: "FR"}
	s := &Scope{Program: p, Deal: &d, Partner: &pt, Amount: d.Amount.amount}
	tests := []struct {
		path, want string
	}{
		{PathDealType, "new_business"},
		{PathDealCurrency, "USD"},
		{PathPartnerTier, "gold"},
		{PathPartnerTierAtPeriodStart, "gold"},
		{PathPartnerTypeAtPeriodStart, "reseller"},
		{PathPartnerRegionAtPeriodStart, "emea"},
		{PathPartnerCountryAtPeriodStart, "FR"},
		{PathPartnerType, "reseller"},
		{PathPartnerRegion, "emea"},
		{PathPartnerCountry, "FR"},
		{PathCustomerCountry, "DE"},
		{PathCustomerRegion, "EMEA"},
		{PathCustomerIndustry, "retail"},
		{PathCustomerSegment, "enterprise"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, isText := s.lookupText(tc.path)
			if !isText || got != tc.want {
				t.Fatalf("lookupText = %q, %v; want %q, true", got, isText, tc.want)
			}
			v, ok := s.Lookup(tc.path)
			if !ok || v != any(tc.want) {
				t.Fatalf("Lookup = %#v, %v; want %q", v, ok, tc.want)
			}
		})
	}
	for _, path := range []string{PathDealAmount, PathDealRegistered, PathDealCloseDate, PathPeriodAmount, "deal.segment"} {
		if _, isText := s.lookupText(path); isText {
			t.Errorf("lookupText claims %s, which is not a built-in text", path)
		}
	}
}

// A partner whose region changed on 2026-10-15: the deal closing
// 2026-11-03 reads the new region, the start of the program period
// (2026-10-01, the effective start) the old one, through lookupText as
// through Lookup.
func TestLookupTextDatedAttributes(t *testing.T) {
	p := spiffProgram()
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	pt := partner.Partner{ID: "P-1", Tier: "gold", Type: partner.Reseller, Region: "apac",
		History: []partner.Event{partner.AttrEvent(partner.AttrRegion, "emea", "apac", day("2026-10-15"))}}
	s := &Scope{Program: p, Deal: &d, Partner: &pt, Amount: d.Amount.amount}
	for _, tc := range []struct{ path, want string }{
		{PathPartnerRegion, "apac"},
		{PathPartnerRegionAtPeriodStart, "emea"},
		{PathPartnerTier, "gold"},
	} {
		got, isText := s.lookupText(tc.path)
		v, ok := s.Lookup(tc.path)
		if !isText || got != tc.want || !ok || v != any(tc.want) {
			t.Errorf("%s: lookupText %q (%v), Lookup %#v (%v); want %q", tc.path, got, isText, v, ok, tc.want)
		}
	}
}

// The trace keeps the values an expression read as records without
// pointers (inputRec) and builds them again when Inputs is called: every
// kind of value comes back with its own dynamic type and value, its
// decimal's coefficient and exponent, its day read on, including the ones
// the records cannot hold (a coefficient past 18 digits, a list, a date
// beyond a shortDate), which the block's side keeps as they are.
func TestInputRecordsRoundTrip(t *testing.T) {
	big := decimal.RequireFromString("123456789012345678901234.5")
	on := Date{2026, 11, 3}
	far := Date{9_000_000, 1, 1} // beyond a shortDate's years
	cases := []struct {
		name string
		v    any
		on   Date
	}{
		{"text", "new_business", Date{}},
		{"empty text", "", Date{}},
		{"text read on a day", "gold", on},
		{"int64", int64(-42), Date{}},
		{"true", true, Date{}},
		{"false", false, Date{}},
		{"decimal", decimal.New(1251, -2), Date{}},
		{"decimal with trailing zeros", decimal.New(12000, -2), Date{}},
		{"negative decimal", decimal.New(-5, 3), Date{}},
		{"zero decimal at a scale", decimal.New(0, -2), Date{}},
		{"zero Decimal", decimal.Decimal{}, Date{}},
		{"decimal past 18 digits", big, Date{}},
		{"date", Date{2026, 2, 29}, Date{}},
		{"date beyond a shortDate", far, Date{}},
		{"list", []string{"a", "b"}, Date{}},
		{"text read on a far day", "gold", far},
		{"exponent past 16 bits", decimal.New(7, 40000), Date{}},
		{"negative exponent past 16 bits", decimal.New(-7, -40000), Date{}},
		{"text read again", "new_business", Date{}},
		{"text of the same length", "new_busines5", Date{}},
		{"latest date of a shortDate", Date{1<<22 - 1, 12, 31}, Date{}},
		{"earliest date of a shortDate", Date{-1 << 22, 1, 1}, Date{}},
	}
	var w work
	reads := make([]string, len(cases))
	for k, c := range cases {
		reads[k] = "path." + c.name
		w.record(k, c.v, c.on)
	}
	e := &Evaluator{p: &Program{}}
	w.trace = append(w.trace, rawStep{Kind: StepClause, det: detExpr, in: 0, nin: uint8(len(cases))})
	st := w.resultTrace(e, w.trace)[0]
	got := st.blk.observed(reads, int32(st.in), int32(st.nin))
	w.reuse() // the scratch is the next deal's: the block has its own
	w.record(0, "overwritten", Date{})
	require.Len(t, got, len(cases))
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := got[k]
			assert.Equal(t, reads[k], o.Path)
			assert.Equal(t, c.on, o.On)
			assert.IsType(t, c.v, o.Value)
			if d, ok := c.v.(decimal.Decimal); ok {
				gd := o.Value.(decimal.Decimal)
				assert.Equal(t, d.String(), gd.String())
				assert.Equal(t, d.Exponent(), gd.Exponent())
				assert.Zero(t, d.Coefficient().Cmp(gd.Coefficient()))
				return
			}
			assert.Equal(t, c.v, o.Value)
		})
	}
}

// A text that several expressions of a deal read (the deal's type, the
// partner's tier) is kept once in the trace's bytes while it is one of
// the last four texts kept; another text of the same length is not taken
// for it, and a text read after four others is kept again.
func TestInputTextsKeptOnce(t *testing.T) {
	var w work
	texts := []string{"new_business", "gold", "new_business", "gild", "gold", "a", "b", "c", "d", "new_business"}
	for k, s := range texts {
		w.recordText(k, s, Date{})
	}
	// new_business (12) + gold (4) + gild (4) + a, b, c, d (4): 24 bytes;
	// the last new_business was pushed out of the four by gild, a, b, c
	// and d, so it is kept again: 24 + 12 = 36.
	assert.Len(t, w.bytes, 36)
	e := &Evaluator{p: &Program{}}
	w.trace = append(w.trace, rawStep{Kind: StepClause, det: detExpr, nin: uint8(len(texts))})
	st := w.resultTrace(e, w.trace)[0]
	reads := make([]string, len(texts))
	got := st.blk.observed(reads, int32(st.in), int32(st.nin))
	require.Len(t, got, len(texts))
	for k, s := range texts {
		assert.Equal(t, s, got[k].Value, "text %d", k)
	}
}

// A step keeps its amount as a scaled int64 when the coefficient has at
// most 18 digits, else as the decimal itself: Amount gives back the same
// coefficient and exponent either way, and the zero Decimal stays zero.
func TestStepAmountRoundTrip(t *testing.T) {
	amounts := []decimal.Decimal{
		{},
		decimal.New(0, -2),
		decimal.New(24000, -2), // 240.00: the exponent is kept
		decimal.New(-1, 9),
		decimal.New(999_999_999_999_999_999, -18),           // 18 digits: the last that fit
		decimal.RequireFromString("1234567890123456789.01"), // 21 digits
		decimal.New(math.MaxInt32, -2),                      // the last coefficient a Step keeps itself
		decimal.New(math.MinInt32, -2),
		decimal.New(math.MaxInt32+1, -2), // the block keeps these (amtWide)
		decimal.New(math.MinInt32-1, -2),
		decimal.New(-123_456_789_012, -4),
		decimal.New(5, 40000), // an exponent past 16 bits: a side decimal
	}
	var w work
	for _, a := range amounts {
		w.add(secLines, stepRec{Kind: StepFormula, amount: a})
	}
	trace := w.resultTrace(&Evaluator{p: &Program{}}, w.trace)
	w.reuse()
	for k, a := range amounts {
		got := trace[k].Amount()
		assert.Equal(t, a.String(), got.String(), "amount %d", k)
		assert.Equal(t, a.Exponent(), got.Exponent(), "amount %d", k)
	}
	assert.Equal(t, decimal.Decimal{}, trace[0].Amount(), "the zero Decimal")
	var wide int
	for k := range trace {
		if trace[k].flags&amtMask == amtWide {
			wide++
		}
	}
	assert.Equal(t, 4, wide, "the coefficients beyond 32 bits that fit 64 (18 digits, 2^31, -2^31-1, 12 digits)")
}

// An expression that reads more paths than a step's input records count
// (255) keeps its values as they are: all of them come back, in order,
// and its words still name the clause.
func TestStepWithManyReads(t *testing.T) {
	reads := make([]string, 300)
	for k := range reads {
		reads[k] = PathDealAmount
	}
	p := spiffProgram()
	p.Eligibility = []Clause{{Name: "many", When: &funcCond{src: "many reads", reads: reads,
		f: func(*Scope) (bool, error) { return true, nil }}}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	res, err := e.Evaluate(t.Context(), Input{Deal: d, Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	var clause *Step
	for i := range res.Trace {
		if res.Trace[i].Kind == StepClause {
			clause = &res.Trace[i]
		}
	}
	require.NotNil(t, clause)
	in := clause.Inputs()
	require.Len(t, in, 300)
	assert.Equal(t, PathDealAmount, in[299].Path)
	assert.Equal(t, "100", in[299].Value.(decimal.Decimal).String())
	assert.Equal(t, "many", clause.Ref())
	assert.Equal(t, "many reads", clause.Source())
	assert.Contains(t, clause.Words(), `eligible: "many" holds: many reads (deal.amount = 100.00`)
}

// A step recorded with a detail whose name is not the one its part gives
// keeps its own name in its extra and still renders its words from the
// detail (and an exponent beyond 16 bits keeps its amount as a decimal).
func TestStepKeepsOwnNameWithDetail(t *testing.T) {
	e, err := NewEvaluator(spiffProgram())
	require.NoError(t, err)
	var w work
	d := e.newDetail(&w, detailLineRounding)
	d.line = 0
	w.setAmounts(d, decimal.RequireFromString("240.004"), decimal.Decimal{}, decimal.Decimal{})
	r := decimal.New(24000, -2)
	w.add(secLines, stepRec{Kind: StepRounding, Index: 0, OK: true, amount: r, ref: "renamed", detail: d})
	w.add(secLines, stepRec{Kind: StepRounding, Index: 0, OK: true, amount: r, ref: e.p.Earnings[0].ID, detail: d})
	w.add(secLines, stepRec{Kind: StepFormula, amount: decimal.New(7, 40000)})
	trace := w.resultTrace(e, w.trace)
	w.reuse()
	want := `earning "` + e.p.Earnings[0].ID + `": 240.004 rounded half_up to 240.00`
	assert.Equal(t, "renamed", trace[0].Ref())
	assert.Equal(t, want, trace[0].Words())
	assert.NotZero(t, trace[0].flags&flagExtra, "kept its own name")
	assert.Equal(t, e.p.Earnings[0].ID, trace[1].Ref())
	assert.Equal(t, want, trace[1].Words())
	assert.Zero(t, trace[1].flags&flagExtra, "its part gives its name")
	assert.Equal(t, int32(40000), trace[2].Amount().Exponent())
}

// ReuseResults documents that a caller keeping a result copies what it
// keeps, the Trace included: a copy of the steps (the slice's elements)
// keeps reading its own deal after the run has reused the result's memory
// for later deals, because each deal's trace block is its own. The words
// of every copied step read as a run without ReuseResults words them.
func TestTraceCopiesSurviveReuseResults(t *testing.T) {
	p := rspeedProgram()
	for _, workers := range []int{1, 3} {
		var want []string
		for r, err := range Run(t.Context(), p, rspeedDeals(rspeedN, p.AllowNegative), RunOptions{Workers: workers}) {
			require.NoError(t, err)
			want = append(want, stepWords(r.Trace))
		}
		var kept [][]Step
		for r, err := range Run(t.Context(), p, rspeedDeals(rspeedN, p.AllowNegative), RunOptions{Workers: workers, ReuseResults: true}) {
			require.NoError(t, err)
			kept = append(kept, append([]Step(nil), r.Trace...))
		}
		require.Len(t, kept, len(want))
		for i, steps := range kept {
			require.Equal(t, want[i], stepWords(steps), "workers %d, deal %d", workers, i)
		}
	}
}

func stepWords(steps []Step) string {
	s := ""
	for i := range steps {
		st := &steps[i]
		s += st.Kind.String() + " " + st.Ref() + " " + st.Amount().String() + ": " + st.Words() + "\n"
	}
	return s
}

// A step's detail is kept as a record of only the words it needs (see
// detailHead): every field comes back as it was set, whichever amounts
// are the zero Decimal (before or after others), with a coefficient past
// 18 digits or an exponent past 16 bits (the block's side keeps those), a
// group's members and the payee's texts; and the records of one deal do
// not overlap (each comes back with its own fields, the inputs after them
// too).
func TestDetailRecordsRoundTrip(t *testing.T) {
	big := decimal.RequireFromString("123456789012345678901234.5")
	huge := decimal.New(3, 40000)
	on, day := shortDate(2026<<9|11<<5|3), shortDate(2027<<9|1<<5|2)
	members := []groupMember{{line: 2, amount: decimal.New(50000, -2)}, {line: 0, amount: big}, {line: 7, amount: decimal.Decimal{}}}
	cases := []struct {
		name string
		d    stepDetail
	}{
		{"no fields", stepDetail{kind: detailWindow}},
		{"date only", stepDetail{kind: detailWindow, date: day}},
		{"claim", stepDetail{kind: detailClaim, started: true, credited: true, date: day, on: on, payee: "registration"}},
		{"deal", stepDetail{kind: detailDeal, started: true, date: day, on: on, payee: "role", payeeName: "Ana"}},
		{"total with a name only", stepDetail{kind: detailTotal, payeeName: "Bo"}},
		{"total to the partner", stepDetail{kind: detailTotal, payee: PayeePartner}},
		{"deal to the partner", stepDetail{kind: detailDeal, date: day, on: on, payee: PayeePartner}},
		{"the partner's contact by name", stepDetail{kind: detailTotal, payee: PayeePartner, payeeName: "Cy"}},
		{"rounding", stepDetail{kind: detailLineRounding, line: 3, a: decimal.New(123456, -4)}},
		{"band", stepDetail{kind: detailBand, line: 1, started: true, a: decimal.New(1, 0), b: decimal.New(-2, -3), c: decimal.New(3, 2)}},
		{"amounts after a zero one", stepDetail{kind: detailRunningCap, ci: 4, b: decimal.New(7, -2), c: decimal.New(0, -2)}},
		{"the last amount only", stepDetail{kind: detailRunningCap, ci: 2, c: decimal.New(9, 1)}},
		{"a coefficient past 18 digits", stepDetail{kind: detailDealCap, ci: 1, a: big, b: decimal.New(25, 2)}},
		{"an exponent past 16 bits", stepDetail{kind: detailLineCap, line: 5, ci: 6, a: huge, b: decimal.New(-3, -40000)}},
		{"group", stepDetail{kind: detailGroup, ci: 3, line: 2}},
		{"group with a date", stepDetail{kind: detailGroup, ci: 1, line: -1, on: on}},
	}
	e := &Evaluator{p: &Program{}}
	var w work
	w.recordText(0, "after the details", Date{})
	for i, c := range cases {
		d := e.newDetail(&w, c.d.kind)
		idx := d.idx
		*d = c.d
		d.idx, d.e = idx, e
		w.setAmounts(d, c.d.a, c.d.b, c.d.c) // (a scratch detail keeps them compact)
		if d.kind == detailGroup {
			d.setPicks(members[:i%3+1])
		}
		st := rawStep{Kind: StepCap, det: idx + 1}
		if i == 0 {
			st.nin = 1
		}
		w.trace = append(w.trace, st)
	}
	steps := w.resultTrace(e, w.trace)
	want := make([]stepDetail, len(cases))
	for k := range cases {
		want[k] = w.detChunks[k/detailChunk][k%detailChunk]
	}
	w.reuse()
	require.Len(t, steps, len(cases))
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := steps[k].blk.detail(steps[k].det - 1)
			wd := want[k]
			assert.Equal(t, wd.kind, got.kind)
			assert.Equal(t, wd.started, got.started)
			assert.Equal(t, wd.credited, got.credited)
			assert.Equal(t, []any{wd.line, wd.ci, wd.date, wd.on, wd.payee, wd.payeeName}, []any{got.line, got.ci, got.date, got.on, got.payee, got.payeeName})
			for j, pair := range [][2]decimal.Decimal{{wd.a, got.a}, {wd.b, got.b}, {wd.c, got.c}} {
				sameDecimal(t, pair[0], pair[1], "amount %d", j)
			}
			require.Len(t, got.picks(), len(wd.picks()))
			for j, m := range wd.picks() {
				assert.Equal(t, m.line, got.picks()[j].line)
				sameDecimal(t, m.amount, got.picks()[j].amount, "member %d", j)
			}
		})
	}
	in := steps[0].blk.observed([]string{"path"}, int32(steps[0].in), 1)
	assert.Equal(t, "after the details", in[0].Value)
}

// sameDecimal asserts that got is want: the same coefficient and exponent
// (or both the zero Decimal).
func sameDecimal(t *testing.T, want, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	if want == (decimal.Decimal{}) {
		assert.Equal(t, decimal.Decimal{}, got, msgAndArgs...)
		return
	}
	assert.Equal(t, want.Exponent(), got.Exponent(), msgAndArgs...)
	assert.Zero(t, want.Coefficient().Cmp(got.Coefficient()), msgAndArgs...)
}

// A total or deal detail paid to the partner (the payee of most programs)
// keeps the payee as a bit of its head, not as texts: the eligible deal's
// detail (window, claim, total) takes 3 words where it took 5 with the
// texts' two refs, and its text's word is not kept; its words read as
// before. A payee named otherwise keeps its texts.
func TestPartnerPayeeIsABit(t *testing.T) {
	e, err := NewEvaluator(spiffProgram())
	require.NoError(t, err)
	for _, c := range []struct {
		payee, name string
		words       int
		bytes       int
	}{
		// head 2 + word2 (the as-of date) 1; no text
		{PayeePartner, "", 3, 0},
		// head 2 + word2 1 + two text refs 2; "partner" and "Ana" in 10 bytes
		{PayeePartner, "Ana", 5, 10},
		// "finance" in 7 bytes
		{"finance", "", 5, 7},
	} {
		var w work
		d := e.newDetail(&w, detailDeal)
		d.date, d.on, d.payee, d.payeeName = shortDate(2026<<9|11<<5|3), shortDate(2027<<9|1<<5|2), c.payee, c.name
		w.trace = append(w.trace, rawStep{Kind: StepTotal, OK: true, det: d.idx + 1})
		steps := w.resultTrace(e, w.trace)
		blk := steps[0].blk
		assert.Equal(t, c.words, int(blk.ins), "payee %q %q: the detail's words", c.payee, c.name)
		assert.Len(t, blk.bytes(), (c.bytes+7)/8*8, "payee %q %q: the texts' bytes", c.payee, c.name)
		got := blk.detail(steps[0].det - 1)
		assert.Equal(t, c.payee, got.payee)
		assert.Equal(t, c.name, got.payeeName)
		w.reuse()
	}
}
