package incentive

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manyReads is a Go-built formula that reads deal.amount n times and
// returns limit: more paths than a step's input records count (255).
func manyReads(n int, limit decimal.Decimal) Formula {
	reads := make([]string, n)
	for k := range reads {
		reads[k] = PathDealAmount
	}
	return FormulaFunc("many reads", reads, func(*Scope) (decimal.Decimal, error) { return limit, nil })
}

// stepOf returns the first step of kind k in the trace.
func stepOf(t *testing.T, trace []Step, k StepKind) *Step {
	t.Helper()
	for i := range trace {
		if trace[i].Kind == k {
			return &trace[i]
		}
	}
	t.Fatalf("no %v step in the trace", k)
	return nil
}

// A computed line cap whose limit formula reads more than 255 paths shows
// what it read, as 65d4de7 did (and as a computed deal cap still does):
// the compact step kept only its input records, which such a formula
// does not write (exprStep keeps its values as they are instead).
// base pays 100.00 x 0.02 = 2.00; the cap's limit is 1.00: cut 1.00.
func TestReviewRtrace5LineCapManyReadsKeepsInputs(t *testing.T) {
	p := spiffProgram()
	p.Caps = []Cap{{Scope: CapLine, Earning: "base", LimitFormula: manyReads(300, decimal.New(1, 0))}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	res, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "100.00", "2026-11-03"), Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	c := stepOf(t, res.Trace, StepCap)
	in := c.Inputs()
	require.Len(t, in, 300)
	assert.Equal(t, PathDealAmount, in[299].Path)
	assert.Equal(t, "100", in[299].Value.(decimal.Decimal).String())
	w := c.Words()
	assert.True(t, strings.HasPrefix(w, `earning "base": line cap many reads = 1.00 (deal.amount = 100.00, deal.amount = 100.00,`), w)
	assert.True(t, strings.HasSuffix(w, `deal.amount = 100.00) cut 1.00 (2.00 -> 1.00)`), w)
}

// A formula's value with an exponent beyond shopspring's decoding limit
// (10,000 places: a Go-built formula can return one; the compact step
// keeps it as a side decimal, its exponent being beyond 16 bits) is
// explained, not a panic: the words' trimZeros re-parsed the value's text,
// which shopspring refuses past 10,000 places (this predates the compact
// trace: 65d4de7 panics the same way).
// 5 x 10^-20000 = 0.(19,999 zeros)5; the line rounds half_up to 0.00.
func TestReviewRtrace5WordsOfAHugeExponent(t *testing.T) {
	tiny := decimal.New(5, -20000)
	p := spiffProgram()
	p.Earnings = []Earning{{ID: "tiny", Type: Spiff, Amount: FormulaFunc("tiny", nil, func(*Scope) (decimal.Decimal, error) { return tiny, nil })}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	res, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "100.00", "2026-11-03"), Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	f := stepOf(t, res.Trace, StepFormula)
	assert.Equal(t, int32(-20000), f.Amount().Exponent())
	want := `earning "tiny": tiny = 0.` + strings.Repeat("0", 19999) + "5"
	var words, explain string
	require.NotPanics(t, func() { words, explain = f.Words(), res.Explain() })
	assert.Equal(t, want, words)
	assert.Contains(t, explain, "  "+want+"\n")
	assert.Contains(t, explain, "total 0.00 USD to partner")
}

// trimZeros drops exactly the trailing fractional zeros, as the decimal's
// text read back does: coefficient and exponent by hand.
func TestReviewRtrace5TrimZeros(t *testing.T) {
	for _, tc := range []struct {
		in   decimal.Decimal
		c    int64
		e    int32
		text string
	}{
		{decimal.New(24000, -2), 240, 0, "240"},    // 240.00 -> 240
		{decimal.New(125, -3), 125, -3, "0.125"},   // nothing to drop
		{decimal.New(-1500, -4), -15, -2, "-0.15"}, // -0.1500 -> -0.15
		{decimal.New(0, -2), 0, 0, "0"},            // 0.00 -> 0
		{decimal.New(7, 3), 7, 3, "7000"},          // a positive exponent is kept
		{decimal.New(100, -40000), 1, -39998, ""},  // past shopspring's 10,000 places
		{decimal.New(-30, -12000), -3, -11999, ""}, // idem, negative
	} {
		got := trimZeros(tc.in)
		assert.Equal(t, tc.c, got.Coefficient().Int64(), "%s", tc.in)
		assert.Equal(t, tc.e, got.Exponent(), "%s", tc.in)
		if tc.text != "" {
			assert.Equal(t, tc.text, got.String())
		}
	}
}

// A result written as JSON and read back keeps its steps: with Ref,
// Source, Amount, Inputs and Origin as fields (65d4de7), json.Unmarshal
// filled them from the keys MarshalJSON writes; as methods over unexported
// records, Step had no UnmarshalJSON and every step read back empty
// (name, expression, amount, values read, origin and words all lost,
// without an error). Read back, each method gives what the step had;
// the values read come back as their text (as they did in 65d4de7).
// 12,000.00 x 0.02 = 240.00 (base); the line cap (100) cuts 140.00.
func TestReviewRtrace5StepJSONRoundTrip(t *testing.T) {
	p := spiffProgram()
	p.Caps = []Cap{{Scope: CapLine, Earning: "base", Limit: dec("100")}}
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	res, err := e.Evaluate(t.Context(), Input{Deal: deal("D-1", "P-1", "12000.00", "2026-11-03"), Partner: gold("P-1")}, time.Time{})
	require.NoError(t, err)
	b, err := json.Marshal(res.Trace)
	require.NoError(t, err)
	var back []Step
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back, len(res.Trace))
	for i := range back {
		want, got := &res.Trace[i], &back[i]
		assert.Equal(t, want.Kind, got.Kind, "step %d", i)
		assert.Equal(t, want.OK, got.OK, "step %d", i)
		assert.Equal(t, want.Index, got.Index, "step %d", i)
		assert.Equal(t, want.Ref(), got.Ref(), "step %d", i)
		assert.Equal(t, want.Source(), got.Source(), "step %d", i)
		assert.Equal(t, want.Amount().String(), got.Amount().String(), "step %d", i)
		assert.Equal(t, want.Origin(), got.Origin(), "step %d", i)
		assert.Equal(t, want.Words(), got.Words(), "step %d", i)
		wi, gi := want.Inputs(), got.Inputs()
		require.Len(t, gi, len(wi), "step %d", i)
		for k := range wi {
			assert.Equal(t, wi[k].Path, gi[k].Path)
			assert.Equal(t, fmtValue(wi[k].Value), gi[k].Value, "the value's text")
		}
	}
	f := stepOf(t, back, StepFormula)
	assert.Equal(t, "base", f.Ref())
	assert.Equal(t, "240", f.Amount().String())
	assert.Equal(t, `earning "base": deal.amount * 0.02 = 240.00 (deal.amount = 12,000.00)`, f.Words())
	c := stepOf(t, back, StepCap)
	assert.Equal(t, "caps[0]", c.Ref())
	assert.Equal(t, "140", c.Amount().String())
	var zero Step
	require.Error(t, json.Unmarshal([]byte(`{"kind":"nonsense"}`), &zero))
}
