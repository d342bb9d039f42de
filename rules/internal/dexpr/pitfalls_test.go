package dexpr

import (
	"errors"
	"strings"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPitfalls walks through /work/shared/notes/expr-decimal.md, one
// subtest per measured pitfall.
func TestPitfalls(t *testing.T) {
	env := mustEnv(t, testFields)

	t.Run("1 type error inside a function argument is a compile error", func(t *testing.T) {
		for _, src := range []string{
			"round(partner.tier * 2, 2)",
			"min(partner.tier * 2, 1)",
			"abs(deal.type - 1)",
			`round(deal.amount + "x", 2)`,
		} {
			_, errs := env.Compile(src, Number)
			require.NotEmpty(t, errs, src)
		}
	})

	t.Run("1 expr's checker re-checks the final tree with types cleared", func(t *testing.T) {
		// A rewritten tree whose call already carries a (wrong) type, as a
		// patch would leave it: _dadd("a", 1.5). Without clearing types,
		// expr's checker would trust the node and the error would surface
		// at run time.
		loc := file.Location{From: 0, To: 1}
		bad := call(fnDAdd, loc, at(&ast.StringNode{Value: "a"}, loc), at(&ast.ConstantNode{Value: dec("1.5")}, loc))
		bad.SetType(decT)
		x := &Expr{src: "x", kind: Number, env: env, srcR: []rune("x")}
		err := x.build(bad, file.NewSource("x"))
		require.NotNil(t, err, "the re-check must catch it")
		assert.Contains(t, err.Msg, "internal error")
	})

	t.Run("2 operand order and mixed types, with our own messages", func(t *testing.T) {
		s := newScope(t, "12000.00", nil)
		for src, want := range map[string]string{
			"deal.amount * 2":             "24000", // 12000.00 x 2
			"2 * deal.amount":             "24000",
			"deal.quantity * deal.amount": "36000", // 3 x 12000.00
			"deal.amount * deal.quantity": "36000",
			"deal.quantity * 2":           "6",
			"deal.quantity * 0.5":         "1.5",
		} {
			x := mustCompile(t, env, src, Number)
			v, err := x.Value(s)
			require.NoError(t, err)
			assert.True(t, dec(want).Equal(v), "%s = %s, want %s", src, v, want)
		}
		_, errs := env.Compile(`deal.amount * deal.type`, Number)
		require.Len(t, errs, 1)
		assert.Equal(t, "* needs numbers on both sides, but the right side is a string", errs[0].Msg)
	})

	t.Run("3 in uses decimal equality; % and ** are rejected", func(t *testing.T) {
		s := newScope(t, "12345.67", nil)
		for _, src := range []string{
			"deal.amount in [12345.670]",
			"deal.amount in [12345.67]",
			"deal.amount in [1, 12345.6700, 3]",
			"deal.amount not in [12345.671]",
		} {
			x := mustCompile(t, env, src, Bool)
			ok, err := x.Holds(s)
			require.NoError(t, err)
			assert.True(t, ok, src)
		}
		for _, src := range []string{"deal.amount % 2 == 0", "deal.amount ** 2 > 1", "2 ** 2 > 1", "deal.quantity ^ 2 > 1"} {
			_, errs := env.Compile(src, Bool)
			require.Len(t, errs, 1, src)
			assert.Equal(t, 1, errs[0].Line)
			assert.Greater(t, errs[0].Col, 1, "positioned at the operator")
		}
	})

	t.Run("4 a result of the wrong kind is reported with a position", func(t *testing.T) {
		_, errs := env.Compile("\n  deal.amount * 2", Bool)
		require.Len(t, errs, 1)
		assert.Equal(t, [2]int{2, 3}, [2]int{errs[0].Line, errs[0].Col})
		_, errs = env.Compile(`deal.registered`, Number)
		require.Len(t, errs, 1)
		assert.Equal(t, "an amount must be a number, but this expression is a bool", errs[0].Msg)
	})

	t.Run("5 method calls and $env are rejected", func(t *testing.T) {
		for _, src := range []string{
			"deal.amount.Div(2) > 1",
			"deal.amount.IsZero()",
			`deal.type.String() == "x"`,
			"$env.deal.amount > 1",
			`$env["deal.amount"] > 1`,
			"$env != nil",
		} {
			_, errs := env.Compile(src, Bool)
			require.NotEmpty(t, errs, src)
		}
	})

	t.Run("6 expr's builtins are not reachable", func(t *testing.T) {
		for _, name := range []string{"all", "none", "any", "one", "filter", "map", "count", "sum", "find", "findIndex", "findLast", "findLastIndex", "groupBy", "sortBy", "reduce"} {
			_, errs := env.Compile(name+`(deal.products, # == "x")`, Bool)
			require.NotEmpty(t, errs, name)
			if aggregates[name] || name == "filter" {
				// the aggregates over product lines take deal.lines only
				assert.Contains(t, errs[0].Msg, "deal.lines", name)
				continue
			}
			assert.Contains(t, errs[0].Msg, "is not available", name)
		}
		for _, name := range []string{"now", "duration", "upper", "lower", "trim", "split", "join", "toJSON", "fromJSON", "int", "float", "string", "type", "keys", "values", "first", "last", "get", "ceil", "floor", "median", "mean", "bitand", "sort", "flatten", "uniq", "concat"} {
			_, errs := env.Compile(name+"(deal.type) == 1", Bool)
			require.NotEmpty(t, errs, name)
			assert.Contains(t, errs[0].Msg, "unknown function "+name, name)
		}
	})

	t.Run("7 arguments that cost memory outside the VM budget are bounded", func(t *testing.T) {
		_, errs := env.Compile("round(deal.amount, 2000000)", Number)
		require.Len(t, errs, 1)
		_, errs = env.Compile("round(deal.amount, deal.quantity)", Number)
		require.Len(t, errs, 1)
		_, errs = env.Compile("deal.amount * 1e-2000", Number)
		require.Len(t, errs, 1)
		// products of in-range values that leave the range fail, quickly
		x := mustCompile(t, env, "deal.amount * 1e-600 * 1e-600", Number)
		_, err := x.Value(newScope(t, "1", nil))
		assert.ErrorIs(t, err, ErrOverflow)
	})

	t.Run("8 division by zero is our own error", func(t *testing.T) {
		x := mustCompile(t, env, "deal.amount / deal.discount", Number)
		_, err := x.Value(newScope(t, "1", nil))
		require.ErrorIs(t, err, incentive.ErrDivisionByZero)
		assert.Equal(t, "1:13: division by zero", err.Error())
		assert.NotContains(t, err.Error(), "decimal division by 0")
	})

	t.Run("literals are built from their text", func(t *testing.T) {
		// decimal.NewFromFloat is wrong from 16 significant digits
		x := mustCompile(t, env, "99999999999999.99", Number)
		v, _ := x.Constant()
		assert.Equal(t, "99999999999999.99", v.(decimal.Decimal).String())
		x = mustCompile(t, env, "deal.amount + 0.1", Number)
		got, err := x.Value(newScope(t, "0.2", nil))
		require.NoError(t, err)
		assert.True(t, dec("0.3").Equal(got))
	})

	t.Run("folded constants are typed", func(t *testing.T) {
		// an int literal folded into a decimal constant must run
		x := mustCompile(t, env, "deal.amount * 2 + 1 - deal.quantity", Number)
		v, err := x.Value(newScope(t, "10.5", nil))
		require.NoError(t, err)
		assert.True(t, dec("19").Equal(v), "10.5 x 2 + 1 - 3 = 19")
	})
}

// TestLowering guards the performance design against an expr upgrade: the
// internal calls of typical expressions must compile to OpCallTyped (no
// per-run argument slice), never to OpCall1..3/OpCallN or reflection
// calls.
func TestLowering(t *testing.T) {
	env := mustEnv(t, testFields)
	for _, src := range []string{
		benchCond,
		`deal.amount * 2 > 1 && deal.segment == "x" && -deal.amount < 0 && abs(deal.quantity - 1) > 1`,
		`partner.tier in ["gold", "platinum"] && deal.amount in [1, 2.5] && min(deal.amount, 2, 3) > 0`,
	} {
		x := mustCompile(t, env, src, Bool)
		assertLowered(t, x)
	}
	for _, src := range []string{benchFormula, `round(deal.amount / 7, 2, "half_even")`, "deal.quantity / 2 + deal.quantity * 2"} {
		assertLowered(t, mustCompile(t, env, src, Number))
	}
	// the one expression that is a plain read does not run the VM at all
	x := mustCompile(t, env, "deal.amount", Number)
	assert.NotNil(t, x.single)
}

func assertLowered(t *testing.T, x *Expr) {
	t.Helper()
	typed := 0
	for _, op := range x.prog.Bytecode {
		switch op {
		case vm.OpCall, vm.OpCall0, vm.OpCall1, vm.OpCall2, vm.OpCall3, vm.OpCallN, vm.OpCallFast, vm.OpCallSafe, vm.OpLoadField, vm.OpLoadFast, vm.OpFetch, vm.OpMethod:
			t.Errorf("%s: opcode %d left after lowering:\n%s", x.src, op, x.prog.Disassemble())
		case vm.OpCallTyped:
			typed++
		}
	}
	assert.Positive(t, typed, x.src)
	if strings.Contains(x.src, "$env") {
		t.Error("user source cannot contain $env")
	}
}

// An internal error never escapes as a panic.
func TestNoPanicOnBrokenFrame(t *testing.T) {
	env := mustEnv(t, testFields)
	x := mustCompile(t, env, `deal.customer.name contains "A"`, Bool)
	s := newScope(t, "1", nil)
	s.SetCache(&frame{env: env, deal: s.Deal, partner: s.Partner, program: s.Program, vals: []any{int64(42)}})
	_, err := x.Holds(s)
	require.Error(t, err)
	var re *RunError
	assert.True(t, errors.As(err, &re))
}

// TestDirectCall checks which programs are called without the VM (their
// whole program is one fused call) and that the direct call and the VM give
// the same result or the same positioned error.
func TestDirectCall(t *testing.T) {
	env := mustEnv(t, testFields)
	direct := map[string]bool{
		benchFormula:                                          true,
		"deal.amount >= 1000":                                 true,
		`deal.type == "new_business"`:                         true,
		`partner.tier in ["gold", "silver"]`:                  true,
		"deal.quantity":                                       true, // an int read made a decimal
		"deal.amount / deal.term_months":                      true,
		"round(100 / deal.discount, 2)":                       true,
		"deal.amount * 2 > deal.amount * 3":                   true,
		benchCond:                                             true, // && of fused conditions and a bool read
		`!deal.registered || deal.segment == "smb"`:           true,
		`not (deal.amount > 5 and deal.strategic)`:            true,
		"deal.registered && deal.quantity > deal.term_months": false, // an operand compares two reads in the VM
		"deal.registered ? 1 : 2":                             false,
		`round(deal.amount, 2, deal.segment)`:                 false,
	}
	for src, want := range direct {
		kind := Number
		if _, errs := env.Compile(src, Bool); errs == nil {
			kind = Bool
		}
		x := mustCompile(t, env, src, kind)
		assert.Equal(t, want, x.fastDec != nil || x.fastBool != nil, src)
	}

	for _, tt := range []struct {
		src    string
		kind   Kind
		fields map[string]any
	}{
		{benchFormula, Number, nil},
		{"deal.amount >= 1000", Bool, nil},
		{`deal.segment == "enterprise"`, Bool, nil},
		{`deal.segment == "enterprise"`, Bool, map[string]any{}},         // missing required field
		{"deal.amount / deal.term_months", Number, nil},                  // division by zero
		{"round(100 / deal.discount, 2)", Number, nil},                   // inside a nested call
		{"round(deal.amount * 1.5 - deal.quantity, 2) * 3", Number, nil}, // (18000.000 - 3) x 3
		{"deal.term_months * 4611686018427387904 * 4", Number, map[string]any{"segment": "x", "term_months": int64(1)}}, // overflow
		{"deal.close_date > date(\"2026-11-01\")", Bool, nil},
		// Logical operators: values, short-circuits and the place of an
		// operand's error, the same as the VM's.
		{benchCond, Bool, nil},
		{`deal.segment == "smb" || deal.amount >= 12000`, Bool, nil},                                       // false || true
		{`deal.segment == "enterprise" && deal.amount >= 12000.01`, Bool, nil},                             // true && false
		{`deal.segment == "smb" && deal.term_months > 0`, Bool, nil},                                       // false && _ : no read of term_months
		{`deal.segment == "enterprise" || deal.amount / deal.term_months > 1`, Bool, nil},                  // true || _ : no division by zero
		{`deal.segment == "enterprise" && deal.amount / deal.term_months > 1`, Bool, nil},                  // division by zero on the right
		{`deal.segment == "x" || deal.strategic`, Bool, map[string]any{"segment": "x"}},                    // a missing optional bool reads false
		{`deal.strategic || deal.segment == "x"`, Bool, map[string]any{"segment": "y", "strategic": true}}, // a bool read on the left
		{`!(deal.segment == "enterprise") && deal.registered`, Bool, nil},
		{`not deal.registered or deal.segment == "enterprise"`, Bool, map[string]any{}}, // missing required field
	} {
		x := mustCompile(t, env, tt.src, tt.kind)
		require.True(t, x.fastDec != nil || x.fastBool != nil, tt.src)
		viaVM := *x
		viaVM.fastDec, viaVM.fastBool = nil, nil
		run := func(x *Expr) (any, error) {
			s := newScope(t, "12000.00", tt.fields)
			if tt.kind == Bool {
				return x.Holds(s)
			}
			return x.Value(s)
		}
		got, gotErr := run(x)
		want, wantErr := run(&viaVM)
		if wantErr != nil {
			require.Error(t, gotErr, tt.src)
			assert.Equal(t, wantErr.Error(), gotErr.Error(), tt.src)
			continue
		}
		require.NoError(t, gotErr, tt.src)
		if d, ok := want.(decimal.Decimal); ok {
			assert.True(t, d.Equal(got.(decimal.Decimal)), "%s: %v vs %v", tt.src, got, want)
		} else {
			assert.Equal(t, want, got, tt.src)
		}
	}
}
