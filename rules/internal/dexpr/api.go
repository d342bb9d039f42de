package dexpr

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	exprchecker "github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// Kind is what an expression must produce.
type Kind int

const (
	// Bool expressions are conditions (`when:`).
	Bool Kind = iota
	// Number expressions are amounts and measures; they produce a decimal.
	Number
)

// String returns "bool", "number" or "auto".
func (k Kind) String() string {
	switch k {
	case Number:
		return "number"
	case Auto:
		return "auto"
	}
	return "bool"
}

// Limits on what Compile accepts and on what an evaluation may use.
const (
	// MaxSourceLen is the longest expression source, in bytes.
	MaxSourceLen = 8192
	// MaxNodes is the largest number of syntax-tree nodes an expression
	// may have.
	MaxNodes = 2000
	// MemoryBudget is the expr VM's memory budget per evaluation (in
	// expr's units: list elements built at run time).
	MemoryBudget = 100_000
)

// Error is a compile or run-time error at a place inside an expression's
// source text. Line and Col are 1-based, counted in runes within the
// expression source.
type Error struct {
	Line, Col int
	Msg       string
}

// Error renders "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Expr is a compiled expression. It implements incentive.Condition (Bool
// kind), incentive.Formula (Number kind) and incentive.Describer, and is safe
// for concurrent use once SetOrigin (if used) has been called.
type Expr struct {
	src   string
	kind  Kind
	env   *Env
	prog  *vm.Program // nil when the expression is a constant
	konst any         // bool or decimal.Decimal, when prog is nil
	reads []string
	// single is set when the whole expression is one path read: its value
	// is the result and the VM is not needed.
	single   *pathInfo
	singleAt file.Location
	// fastDec or fastBool is set when the whole program is one fused call
	// taking only the scope (see lowering): it is called directly.
	fastDec  decFn
	fastBool boolFn
	srcR     []rune
	origin   func(line, col int) incentive.Origin
	// divides is set when the expression divides; places is then the
	// precision of its quotients.
	divides bool
	places  int32
	// subs are the compiled bodies of the aggregates over deal.lines.
	subs []*Expr
}

// Compile compiles src as an expression of the given kind. On failure it
// returns every error found, each positioned inside src, sorted by
// position. Compile may be called from several goroutines at once.
func (e *Env) Compile(src string, kind Kind) (*Expr, []*Error) {
	return e.compile(src, kind, false)
}

func (e *Env) compile(src string, kind Kind, lineOK bool) (*Expr, []*Error) {
	if e == nil {
		return nil, []*Error{{Line: 1, Col: 1, Msg: "no environment (call NewEnv)"}}
	}
	if kind != Bool && kind != Number && kind != Auto {
		return nil, []*Error{{Line: 1, Col: 1, Msg: fmt.Sprintf("unknown expression kind %d", kind)}}
	}
	switch {
	case len(src) > MaxSourceLen:
		return nil, []*Error{{Line: 1, Col: 1, Msg: fmt.Sprintf("the expression is %d bytes long; the limit is %d", len(src), MaxSourceLen)}}
	case !utf8.ValidString(src):
		return nil, []*Error{{Line: 1, Col: 1, Msg: "the expression is not valid UTF-8"}}
	case strings.TrimSpace(src) == "":
		return nil, []*Error{{Line: 1, Col: 1, Msg: "the expression is empty"}}
	}
	c := &checker{env: e, src: []rune(src), lineOK: lineOK}
	if c.numbers(src); len(c.errs) > 0 {
		return nil, sortErrors(c.errs)
	}
	tree, err := parser.ParseWithConfig(src, parseConfig)
	if err != nil {
		return nil, []*Error{parseError(err, c.src)}
	}
	c.source = tree.Source
	v := c.check(tree.Node)
	if kind == Auto && v.t != tInvalid {
		switch {
		case v.t == tBool:
			kind = Bool
		case v.t.isNumber():
			kind = Number
		default:
			c.errorf(startOf(tree.Node), "a named value must be a number or true/false, but this expression is %s", v.t.a())
			v = bad
		}
	}
	if v.t != tInvalid {
		start := startOf(tree.Node)
		switch {
		case kind == Bool && v.t != tBool:
			c.errorf(start, "a condition must be true or false, but this expression is %s", v.t.a())
		case kind == Number && !v.t.isNumber():
			c.errorf(start, "an amount must be a number, but this expression is %s", v.t.a())
		case kind == Number:
			v = toDecimal(v, start)
		}
	}
	if len(c.errs) == 0 && v.t == tInvalid {
		c.errorf(startOf(tree.Node), "internal error: the expression has no type")
	}
	if len(c.errs) > 0 {
		return nil, sortErrors(c.errs)
	}
	x := &Expr{src: src, kind: kind, env: e, srcR: c.src, divides: c.divides, places: e.DivisionPlaces(), subs: c.subs}
	if v.isC {
		x.konst = v.c
		x.reads = []string{}
		return x, nil
	}
	if err := x.build(v.node, tree.Source); err != nil {
		return nil, []*Error{err}
	}
	return x, nil
}

// parseConfig makes the parser treat every name followed by "(" as a plain
// call (the checker decides which functions exist) and bounds the tree.
// It is shared by concurrent compilations: the parser only reads it, and
// the empty map environment keeps its name lookups on the read-only path.
var parseConfig = func() *conf.Config {
	c := conf.CreateNew()
	c.WithEnv(map[string]any{})
	for name := range c.Builtins {
		c.Disabled[name] = true
	}
	c.MaxNodes = MaxNodes
	return c
}()

var tokenRE = regexp.MustCompile(`unexpected token \w+\("((?:[^"\\]|\\.)*)"\)`)

func parseError(err error, src []rune) *Error {
	fe, ok := err.(*file.Error)
	if !ok {
		return &Error{Line: 1, Col: 1, Msg: err.Error()}
	}
	msg := fe.Message
	line, col := max(fe.Line, 1), fe.Column+1
	switch {
	case strings.HasPrefix(msg, "unexpected token EOF"), msg == "unexpected end of expression":
		// point just past the last character
		msg = "unexpected end of expression"
		end := len(src)
		for end > 0 && unicode.IsSpace(src[end-1]) {
			end--
		}
		line, col = position(src, end)
	case strings.Contains(msg, "exceeds maximum allowed nodes"):
		msg = fmt.Sprintf("the expression is too large (more than %d nodes)", MaxNodes)
		line, col = 1, 1
	default:
		msg = tokenRE.ReplaceAllString(msg, `unexpected "$1"`)
	}
	return &Error{Line: line, Col: col, Msg: msg}
}

func sortErrors(errs []*Error) []*Error {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Col < errs[j].Col
	})
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && *e == *errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// build runs expr's own checker on the rewritten tree, with every node type
// cleared first (see pitfall 1 in the project notes: a node that already
// has a type is not re-checked), lowers the internal calls (see lowering)
// and compiles the result.
func (x *Expr) build(node ast.Node, src file.Source) *Error {
	tree := &parser.Tree{Node: node, Source: src}
	ast.Walk(&tree.Node, clearTypes{})

	cfg := conf.CreateNew()
	cfg.WithEnv(map[string]any{})
	cfg.Functions = functions
	cfg.Builtins = map[string]*builtin.Function{}
	cfg.Strict = true
	internal := func(err error) *Error {
		line, col := 1, 1
		if fe, ok := err.(*file.Error); ok {
			line, col = position(x.srcR, fe.From)
		}
		return &Error{Line: line, Col: col, Msg: "internal error, please report: " + err.Error()}
	}
	t, err := exprchecker.Check(tree, cfg)
	if err != nil {
		return internal(err)
	}
	want := boolT
	if x.kind == Number {
		want = decT
	}
	if t != want {
		return internal(fmt.Errorf("expression type %v, want %v", t, want))
	}

	// Reads come from the checked tree: exactly the loads that will run.
	seen := map[string]bool{}
	x.reads = []string{}
	ast.Walk(&tree.Node, loadVisitor(func(p *pathInfo) {
		if !p.hidden && !seen[p.path] {
			seen[p.path] = true
			x.reads = append(x.reads, p.path)
		}
		for _, r := range p.reads {
			if !seen[r] {
				seen[r] = true
				x.reads = append(x.reads, r)
			}
		}
	}))
	sort.Strings(x.reads)
	if p := loadOf(tree.Node); p != nil {
		x.single, x.singleAt = p, tree.Node.Location()
	}

	lw := &lowering{env: x.env, root: &tree.Node}
	lw.node(&tree.Node)
	x.fastDec, x.fastBool = lw.fastDec, lw.fastBool
	prog, err := compiler.Compile(tree, cfg)
	if err != nil {
		return internal(err)
	}
	x.prog = prog
	return nil
}

// loadOf returns the path n loads, if n is a load.
func loadOf(n ast.Node) *pathInfo {
	c, ok := n.(*ast.CallNode)
	if !ok || len(c.Arguments) != 2 {
		return nil
	}
	if id, ok := c.Callee.(*ast.IdentifierNode); !ok || !strings.HasPrefix(id.Value, "_ld") {
		return nil
	}
	k, ok := c.Arguments[1].(*ast.ConstantNode)
	if !ok {
		return nil
	}
	p, _ := k.Value.(*pathInfo)
	return p
}

type loadVisitor func(*pathInfo)

func (f loadVisitor) Visit(n *ast.Node) {
	if p := loadOf(*n); p != nil {
		f(p)
	}
}

type clearTypes struct{}

func (clearTypes) Visit(n *ast.Node) { (*n).SetNature(nature.Nature{}) }

// SetOrigin tells the expression where its source starts in the program
// file, so run-time errors can name the file position of the failing
// token. at maps a position inside the expression (1-based line and
// column, in runes) to the file position. Call it before the expression is
// shared between goroutines.
func (x *Expr) SetOrigin(at func(line, col int) incentive.Origin) {
	x.origin = at
	for _, s := range x.subs {
		s.SetOrigin(at)
	}
}

// Kind returns the kind the expression was compiled as.
func (x *Expr) Kind() Kind { return x.kind }

// Source returns the expression text.
func (x *Expr) Source() string { return x.src }

// Reads returns the scope paths the expression reads, sorted and without
// duplicates: exactly the paths the compiled program loads. A path whose
// read was folded away at compile time (false && period.amount > 0) is
// not listed. The caller must not modify the slice.
func (x *Expr) Reads() []string { return x.reads }

// Constant returns the expression's value when it is a compile-time
// constant (such as `500` or `1000 * 0.02`): a bool for a Bool expression, a
// decimal.Decimal for a Number expression.
func (x *Expr) Constant() (any, bool) {
	if x.prog != nil {
		return nil, false
	}
	return x.konst, true
}

// String returns the source.
func (x *Expr) String() string { return x.src }

// Divides reports whether the expression divides (has a `/`, even one
// folded at compile time), and the number of decimal places its
// quotients keep. It implements incentive.Divider, so explanations can
// state the precision.
func (x *Expr) Divides() (bool, int32) { return x.divides, x.places }

var (
	_ incentive.Condition = (*Expr)(nil)
	_ incentive.Formula   = (*Expr)(nil)
	_ incentive.Describer = (*Expr)(nil)
	_ incentive.Divider   = (*Expr)(nil)
)

// Holds evaluates a Bool expression on the scope's deal. It fails if the
// expression is a Number expression, if the deal lacks a required custom
// field or holds a value of the wrong type (ErrInvalidDeal), or on a
// run-time error such as division by zero; such errors are *RunError
// values naming the position of the failing token.
func (x *Expr) Holds(s *incentive.Scope) (bool, error) {
	if x.kind != Bool {
		return false, fmt.Errorf("%s: Holds called on a number expression", x.src)
	}
	if x.fastBool != nil && s != nil && s.Deal != nil && s.Partner != nil {
		return fast(x, s, x.fastBool)
	}
	v, err := x.eval(s)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, x.runError(file.Location{}, fmt.Errorf("internal error: the condition produced %T", v))
	}
	return b, nil
}

// Value evaluates a Number expression on the scope's deal. An int result
// is returned as a decimal. Errors are as for Holds.
func (x *Expr) Value(s *incentive.Scope) (decimal.Decimal, error) {
	if x.kind != Number {
		return decimal.Decimal{}, fmt.Errorf("%s: Value called on a condition", x.src)
	}
	if x.fastDec != nil && s != nil && s.Deal != nil && s.Partner != nil {
		return fast(x, s, x.fastDec)
	}
	v, err := x.eval(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	d, ok := v.(decimal.Decimal)
	if !ok {
		return decimal.Decimal{}, x.runError(file.Location{}, fmt.Errorf("internal error: the amount produced %T", v))
	}
	return d, nil
}
