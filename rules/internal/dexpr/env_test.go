package dexpr

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReads(t *testing.T) {
	env := mustEnv(t, testFields)
	tests := []struct {
		src  string
		kind Kind
		want []string
	}{
		{"deal.amount * 0.02", Number, []string{"deal.amount"}},
		{"500", Number, []string{}},
		{"1000 * 0.02 + 1", Number, []string{}},
		// sorted, without duplicates
		{"partner.tier == \"gold\" && deal.amount > 1 && deal.amount < 10 && deal.customer.segment == \"x\"", Bool,
			[]string{"deal.amount", "deal.customer.segment", "partner.tier"}},
		// accumulators are listed, so the engine evaluates in deal order
		{"period.amount + deal.amount >= 100000", Bool, []string{"deal.amount", "period.amount"}},
		{"cumulative.amount > 0 || period.deals > 3", Bool, []string{"cumulative.amount", "period.deals"}},
		{"round(period.earned * 0.1, 2)", Number, []string{"period.earned"}},
		// custom fields by their path
		{"deal.segment == \"smb\" && deal.term_months > 12", Bool, []string{"deal.segment", "deal.term_months"}},
		{"\"x\" in deal.products", Bool, []string{"deal.products"}},
		{"len(deal.products) > 1", Bool, []string{"deal.products"}},
		{`deal.close_date < date("2026-12-01")`, Bool, []string{"deal.close_date"}},
		// reads folded away at compile time are not listed: they never run
		{"false && period.amount > 0", Bool, []string{}},
		{"true || cumulative.amount > 0", Bool, []string{}},
		{"1 > 2 ? period.amount : deal.amount", Number, []string{"deal.amount"}},
		// a read in a branch that may not run is listed: it may run
		{"deal.registered ? period.amount : 0", Number, []string{"deal.registered", "period.amount"}},
		{"deal.amount in [period.amount, 5]", Bool, []string{"deal.amount", "period.amount"}},
	}
	for _, tt := range tests {
		x := mustCompile(t, env, tt.src, tt.kind)
		assert.Equal(t, tt.want, x.Reads(), tt.src)
		var _ incentive.Describer = x
		assert.Equal(t, tt.src, x.Source())
	}
}

func TestNewEnvErrors(t *testing.T) {
	fields := []incentive.FieldDecl{
		{Name: "segment", Type: incentive.FieldString},
		{Name: "amount", Type: incentive.FieldDecimal, Origin: incentive.Origin{File: "p.yaml", Line: 9, Col: 3}},
		{Name: "customer", Type: incentive.FieldString},
		{Name: "close_date", Type: incentive.FieldDate},
		{Name: "segment", Type: incentive.FieldInt},
		{Name: "term-months", Type: incentive.FieldInt},
		{Name: "1st", Type: incentive.FieldInt},
		{Name: "", Type: incentive.FieldInt},
		{Name: "in", Type: incentive.FieldBool}, // an operator, yet deal.in parses as a field
		{Name: "rate", Type: "float"},
		{Name: "région", Type: incentive.FieldString}, // letters are letters
		{Name: "tier_2", Type: incentive.FieldBool},
	}
	env, errs := NewEnv(fields)
	require.NotNil(t, env, "a usable env comes back with the errors")
	var msgs []string
	for _, err := range errs {
		var fe *FieldError
		require.True(t, errors.As(err, &fe))
		msgs = append(msgs, err.Error())
	}
	assert.Equal(t, []string{
		`custom field "amount": clashes with the built-in deal.amount; choose another name`,
		`custom field "customer": clashes with the built-in deal.customer; choose another name`,
		`custom field "close_date": clashes with the built-in deal.close_date; choose another name`,
		`custom field "segment": declared twice`,
		`custom field "term-months": the name must be letters, digits and _ (not starting with a digit), so that deal.term-months can be written in an expression`,
		`custom field "1st": the name must be letters, digits and _ (not starting with a digit), so that deal.1st can be written in an expression`,
		`custom field "": the name is empty`,
		`custom field "rate": unknown type "float" (want string, int, decimal, money, bool or date)`,
	}, msgs)
	var fe *FieldError
	require.True(t, errors.As(errs[0], &fe))
	assert.Equal(t, 9, fe.Field.Origin.Line, "the declaration's origin is kept for the caller")

	// the good fields work, the bad ones are unknown
	mustCompile(t, env, `deal.segment == "x" && deal.région == "y" && deal.tier_2 && deal.in`, Bool)
	_, cerrs := env.Compile("deal.rate > 1", Bool)
	require.Len(t, cerrs, 1)
	assert.Contains(t, cerrs[0].Msg, "unknown field deal.rate")
	// deal.amount is still the built-in decimal
	mustCompile(t, env, "deal.amount * 2", Number)
}

func TestPaths(t *testing.T) {
	env := mustEnv(t, testFields)
	got := env.Paths()
	assert.Contains(t, got, "deal.amount")
	assert.Contains(t, got, "deal.term_months")
	assert.Len(t, got, numBuiltin+len(testFields)+5) // + line.{product,family,quantity,unit_price,amount}
	assert.IsNonDecreasing(t, got)
}

// TestLookupParity proves the environment reads exactly what
// incentive.Scope.Lookup returns, for every path.
func TestLookupParity(t *testing.T) {
	env := mustEnv(t, testFields)
	fields := map[string]any{
		"segment": "smb", "term_months": int64(24), "discount": dec("0.125"),
		"strategic": true, "signed": incentive.Date{Year: 2026, Month: 2, Day: 28},
	}
	for _, fs := range []map[string]any{fields, {"segment": "x"}} {
		s := newScope(t, "1234.56", fs)
		s.Deal.Registration = nil // an unregistered deal
		s.SetAsOf(time.Date(2027, 1, 15, 3, 0, 0, 0, time.UTC))
		s.Line = &incentive.DealLine{Product: "SKU-1", Family: "storage", Quantity: 3,
			UnitPrice: incentive.NewMoney(dec("10.50"), incentive.USD), Amount: incentive.NewMoney(dec("31.50"), incentive.USD)}
		for _, path := range env.Paths() {
			p := env.paths[path]
			got, err := env.load(s, p)
			require.NoError(t, err, path)
			want, ok := s.Lookup(path)
			require.True(t, ok, path)
			switch w := want.(type) {
			case incentive.Date:
				assert.Equal(t, dateCode(w), got, path)
			case decimal.Decimal:
				assert.True(t, w.Equal(got.(decimal.Decimal)), path)
			default:
				assert.Equal(t, want, got, path)
			}
		}
	}
	// and only those paths
	for _, path := range []string{incentive.PathDealID, incentive.PathCumulativeAmount, "deal.segment"} {
		assert.NotNil(t, env.paths[path])
	}
	assert.Len(t, env.paths, numBuiltin+len(testFields)+5) // + the line paths
}

func TestRunErrors(t *testing.T) {
	env := mustEnv(t, testFields)
	origin := func(line, col int) incentive.Origin {
		// the expression starts at line 12, column 13 of the file
		if line == 1 {
			col += 12
		}
		return incentive.Origin{File: "program.yaml", Line: line + 11, Col: col}
	}
	tests := []struct {
		src       string
		kind      Kind
		fields    map[string]any
		scope     func(s *incentive.Scope)
		line, col int
		is        error
		text      string // with SetOrigin
	}{
		// "deal.amount " is 12 runes: / at 13, file column 25
		{src: "deal.amount / deal.term_months", kind: Number, line: 1, col: 13,
			is: incentive.ErrDivisionByZero, text: "program.yaml:12:25: division by zero"},
		{src: "deal.quantity / period.deals", kind: Number, scope: func(s *incentive.Scope) { s.Acc.PeriodDeals = 0 },
			line: 1, col: 15, is: incentive.ErrDivisionByZero, text: "program.yaml:12:27: division by zero"},
		{src: "deal.quantity % deal.term_months", kind: Number, line: 1, col: 15,
			is: incentive.ErrDivisionByZero, text: "program.yaml:12:27: division by zero"},
		// on the second line of a block: "  1 / deal.discount" has / at 5
		{src: "deal.registered &&\n  1 / deal.discount > 2", kind: Bool, line: 2, col: 5,
			is: incentive.ErrDivisionByZero, text: "program.yaml:13:5: division by zero"},
		{src: "round(100 / deal.discount, 2)", kind: Number, line: 1, col: 11,
			is: incentive.ErrDivisionByZero, text: "program.yaml:12:23: division by zero"},
		// a required field the deal lacks: reported where it is read
		{src: `deal.registered && deal.segment == "x"`, kind: Bool, fields: map[string]any{},
			line: 1, col: 20, is: incentive.ErrInvalidDeal,
			text: `program.yaml:12:32: invalid deal: deal "D-1" has no value for the required field deal.segment`},
		{src: `deal.segment == "x"`, kind: Bool, fields: map[string]any{"segment": true},
			line: 1, col: 1, is: incentive.ErrInvalidDeal},
		// a plain read, after a blank: "  deal.discount" starts at 3
		{src: `  deal.discount`, kind: Number, fields: map[string]any{"segment": "x", "discount": 0.5},
			line: 1, col: 3, is: incentive.ErrInvalidDeal,
			text: `program.yaml:12:15: invalid deal: deal "D-1": field deal.discount is declared decimal but holds a float64`},
		{src: `deal.term_months > 1`, kind: Bool, fields: map[string]any{"segment": "x", "term_months": "12"},
			line: 1, col: 1, is: incentive.ErrInvalidDeal,
			text: `program.yaml:12:13: invalid deal: deal "D-1": field deal.term_months is declared int but holds a string`},
		{src: `deal.discount > 1`, kind: Bool, fields: map[string]any{"segment": "x", "discount": "0.1"},
			line: 1, col: 1, is: incentive.ErrInvalidDeal},
		{src: `deal.signed > date("2026-01-01")`, kind: Bool, fields: map[string]any{"segment": "x", "signed": incentive.Date{Year: 2026, Month: 13, Day: 1}},
			line: 1, col: 1, is: incentive.ErrInvalidDeal},
		// int overflow at run time
		{src: "deal.term_months * 4611686018427387904", kind: Number,
			fields: map[string]any{"segment": "x", "term_months": int64(2)}, line: 1, col: 18, is: ErrOverflow},
		{src: "-deal.term_months", kind: Number,
			fields: map[string]any{"segment": "x", "term_months": int64(-9223372036854775808)}, line: 1, col: 1, is: ErrOverflow},
		{src: "abs(deal.term_months)", kind: Number,
			fields: map[string]any{"segment": "x", "term_months": int64(-9223372036854775808)}, line: 1, col: 1, is: ErrOverflow},
		// a deal value with an absurd exponent is refused, not computed
		{src: "deal.amount + 1", kind: Number, scope: func(s *incentive.Scope) { s.Amount = decimal.New(1, -5000) },
			line: 1, col: 1, is: ErrOverflow},
		{src: "deal.amount", kind: Number, scope: func(s *incentive.Scope) { s.Amount = decimal.New(1, 5000) },
			line: 1, col: 1, is: ErrOverflow},
		{src: "deal.amount * deal.discount", kind: Number, fields: map[string]any{"segment": "x", "discount": decimal.New(1, -600)},
			scope: func(s *incentive.Scope) { s.Amount = decimal.New(1, -600) }, line: 1, col: 13, is: ErrOverflow},
		// a rounding mode chosen at run time is checked at run time
		{src: `round(deal.amount, 2, deal.segment)`, kind: Number, line: 1, col: 1},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x := mustCompile(t, env, tt.src, tt.kind)
			fields := tt.fields
			if fields == nil {
				fields = map[string]any{"segment": "enterprise"}
			}
			s := newScope(t, "12000.00", fields)
			if tt.scope != nil {
				tt.scope(s)
			}
			var err error
			if tt.kind == Bool {
				_, err = x.Holds(s)
			} else {
				_, err = x.Value(s)
			}
			require.Error(t, err)
			var re *RunError
			require.True(t, errors.As(err, &re), "%T %v", err, err)
			assert.Equal(t, tt.line, re.Line, "line")
			assert.Equal(t, tt.col, re.Col, "column")
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Equal(t, fmt.Sprintf("%d:%d: %s", re.Line, re.Col, re.Err), err.Error())

			x.SetOrigin(origin)
			s.SetCache(nil)
			if tt.kind == Bool {
				_, err = x.Holds(s)
			} else {
				_, err = x.Value(s)
			}
			require.Error(t, err)
			if tt.text != "" {
				assert.Equal(t, tt.text, err.Error())
			}
			assert.True(t, strings.HasPrefix(err.Error(), "program.yaml:"), err.Error())
		})
	}
}

func TestWrongKindAndScope(t *testing.T) {
	env := mustEnv(t, nil)
	cond := mustCompile(t, env, "deal.amount > 1", Bool)
	num := mustCompile(t, env, "deal.amount * 2", Number)
	s := newScope(t, "1", nil)
	_, err := cond.Value(s)
	assert.Error(t, err)
	_, err = num.Holds(s)
	assert.Error(t, err)
	assert.Equal(t, Bool, cond.Kind())
	assert.Equal(t, Number, num.Kind())

	_, err = cond.Holds(nil)
	assert.Error(t, err)
	_, err = cond.Holds(&incentive.Scope{})
	assert.Error(t, err)
	_, err = num.Value(&incentive.Scope{Deal: &incentive.Deal{}})
	assert.Error(t, err)
	// a scope without a program reads the close date in UTC
	d := mustCompile(t, env, `deal.close_date == date("2026-11-03")`, Bool)
	ok, err := d.Holds(&incentive.Scope{Deal: s.Deal, Partner: s.Partner})
	require.NoError(t, err)
	assert.True(t, ok, "12:00 New York is 17:00 UTC, still November 3")
}

// TestScopeCache checks the per-deal frame: values the VM handles boxed
// are read once per deal, a cleared cache starts a new deal, two programs
// never share a frame, and running totals are read afresh every time.
// (Reads fused into an operator, such as deal.segment == "x", are read
// typed each time and need no frame; the expressions here use forms that
// are not fused: contains, and lists that are not constant.)
func TestScopeCache(t *testing.T) {
	envA := mustEnv(t, testFields)
	envB := mustEnv(t, []incentive.FieldDecl{{Name: "segment", Type: incentive.FieldInt}})
	a := mustCompile(t, envA, `deal.segment contains "enter"`, Bool)
	a2 := mustCompile(t, envA, `deal.customer.name contains "Acme"`, Bool)
	b := mustCompile(t, envB, `deal.segment in [7, deal.quantity]`, Bool)

	s := newScope(t, "10.00", map[string]any{"segment": "enterprise"})
	ok, err := a.Holds(s)
	require.NoError(t, err)
	assert.True(t, ok)
	f, isFrame := s.Cache().(*frame)
	require.True(t, isFrame, "the frame is kept in the Scope's cache")
	assert.Same(t, envA, f.env)

	// within one deal the frame keeps what it read: a change behind its
	// back is not seen (the engine never does this; it shows the cache works)
	s.Deal.Fields["segment"] = "smb"
	ok, err = a.Holds(s)
	require.NoError(t, err)
	assert.True(t, ok, "read once per deal")
	ok, err = a2.Holds(s)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Same(t, f, s.Cache(), "expressions of one program share the frame")

	// the engine clears Cache for the next deal
	s.SetCache(nil)
	ok, err = a.Holds(s)
	require.NoError(t, err)
	assert.False(t, ok, "a new deal reads afresh")

	// another program on the same scope: its own frame, its own types
	s.Deal.Fields["segment"] = int64(7)
	ok, err = b.Holds(s)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Same(t, envB, s.Cache().(*frame).env)

	// a different deal in the same scope without clearing is detected
	s2 := newScope(t, "99.00", map[string]any{"segment": "small"})
	s2.SetCache(s.Cache())
	ok, err = a.Holds(s2)
	require.NoError(t, err)
	assert.False(t, ok, "small does not contain enter")

	// running totals are never cached
	p := mustCompile(t, envA, "deal.registered ? period.amount : 0", Number)
	s3 := newScope(t, "1.00", nil)
	v, err := p.Value(s3)
	require.NoError(t, err)
	assert.True(t, dec("50000").Equal(v))
	s3.Acc.PeriodAmount = dec("60000")
	v, err = p.Value(s3)
	require.NoError(t, err)
	assert.True(t, dec("60000").Equal(v))
	q := mustCompile(t, envA, "period.amount + deal.amount", Number) // fused: read typed
	v, err = q.Value(s3)
	require.NoError(t, err)
	assert.True(t, dec("60001").Equal(v), "60000 + 1.00")
}

// Typical conditions and amounts leave the Scope's cache alone: their reads are
// fused into the operators and read typed.
func TestFusedReadsNeedNoFrame(t *testing.T) {
	env := mustEnv(t, testFields)
	for _, src := range []string{benchCond, `partner.tier in ["gold"] && deal.segment == "enterprise" && deal.quantity >= 2 && deal.close_date < date("2027-01-01")`} {
		x := mustCompile(t, env, src, Bool)
		s := newScope(t, "12000.00", nil)
		ok, err := x.Holds(s)
		require.NoError(t, err)
		assert.True(t, ok, src)
		assert.Nil(t, s.Cache(), src)
	}
	x := mustCompile(t, env, benchFormula, Number)
	s := newScope(t, "12000.00", nil)
	v, err := x.Value(s)
	require.NoError(t, err)
	assert.True(t, dec("240").Equal(v), "12000.00 x 0.02 = 240.00")
	assert.Nil(t, s.Cache())
}

// An expression compiled after a deal's frame was made still finds its
// values (the frame grows).
func TestCompileAfterFrame(t *testing.T) {
	env := mustEnv(t, testFields)
	x := mustCompile(t, env, "deal.amount > 1", Bool)
	s := newScope(t, "5.00", nil)
	_, err := x.Holds(s)
	require.NoError(t, err)
	var later []*Expr
	for _, p := range []string{"deal.quantity", "deal.customer.id", "deal.id", "partner.tier", "deal.type", "deal.registration_id", "partner.name", "deal.segment", "deal.currency"} {
		later = append(later, mustCompile(t, env, fmt.Sprintf("%s != %s", p, p), Bool))
	}
	for _, y := range later {
		ok, err := y.Holds(s)
		require.NoError(t, err, y.Source())
		assert.False(t, ok, y.Source())
	}
}

// Compiling is safe from several goroutines at once, on one Env (run with
// -race).
func TestConcurrentCompile(t *testing.T) {
	env := mustEnv(t, testFields)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				src := fmt.Sprintf("deal.amount * %d.5 > period.amount && deal.segment != \"s%d\" && min(deal.quantity, %d) > 0", i, g, g)
				if _, errs := env.Compile(src, Bool); errs != nil {
					t.Error(errs)
					return
				}
				if _, errs := env.Compile("deal.amout > 1", Bool); len(errs) != 1 {
					t.Error("want one error")
					return
				}
			}
		})
	}
	wg.Wait()
}

// One compiled expression is shared by goroutines, each with its own deal
// (run with -race).
func TestConcurrentEval(t *testing.T) {
	env := mustEnv(t, testFields)
	x := mustCompile(t, env, `deal.registered && deal.amount * 2 >= 10 ? round(deal.amount / 3, 2) : 0`, Number)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := int64(g*1000 + i)
				s := newScope(t, fmt.Sprintf("%d.00", 3*k), nil)
				v, err := x.Value(s)
				if err != nil {
					errs <- err
					return
				}
				// 3k.00 >= 10 for every k > 1; 3k.00 / 3 = k exactly
				want := decimal.NewFromInt(k)
				if k < 2 {
					want = decimal.Zero
				}
				if !want.Equal(v) {
					errs <- fmt.Errorf("k=%d: got %s want %s", k, v, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
