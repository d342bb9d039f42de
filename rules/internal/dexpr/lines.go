package dexpr

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/textdist"
	"github.com/shopspring/decimal"
)

// This file holds what expressions read beyond the deal's own fields: the
// program's named values (values.<name>), the deal's product lines
// (line.<field>, read inside sum, count, any and all over deal.lines or
// in a per-line expression) and the aggregates over them.

// Line paths, read from incentive.Scope.Line.
const (
	pathLineProduct   = "line.product"
	pathLineFamily    = "line.family"
	pathLineQuantity  = "line.quantity"
	pathLineUnitPrice = "line.unit_price"
	pathLineAmount    = "line.amount"
)

// addLinePaths adds the built-in line paths.
func (e *Env) addLinePaths() {
	e.groups["line"] = true
	e.groups["values"] = true
	str := func(f func(l *incentive.DealLine) string) func(s *incentive.Scope) (any, error) {
		return func(s *incentive.Scope) (any, error) {
			l, err := current(s)
			if err != nil {
				return nil, err
			}
			return f(l), nil
		}
	}
	money := func(f func(l *incentive.DealLine) incentive.Money, path string) func(s *incentive.Scope) (any, error) {
		return func(s *incentive.Scope) (any, error) {
			l, err := current(s)
			if err != nil {
				return nil, err
			}
			m := f(l)
			if c := m.Currency(); c != "" && s.Program != nil && c != s.Program.Currency {
				return nil, fmt.Errorf("%w: %s is in %s but the program pays in %s; lines are read in the program currency", incentive.ErrCurrencyMismatch, path, c, s.Program.Currency)
			}
			return m.Amount(), nil
		}
	}
	for _, p := range []*pathInfo{
		{path: pathLineProduct, typ: tString, get: str(func(l *incentive.DealLine) string { return l.Product })},
		{path: pathLineFamily, typ: tString, get: str(func(l *incentive.DealLine) string { return l.Family })},
		{path: pathLineQuantity, typ: tInt, get: func(s *incentive.Scope) (any, error) {
			l, err := current(s)
			if err != nil {
				return nil, err
			}
			return l.Quantity, nil
		}},
		{path: pathLineUnitPrice, typ: tDecimal, get: money(func(l *incentive.DealLine) incentive.Money { return l.UnitPrice }, pathLineUnitPrice)},
		{path: pathLineAmount, typ: tDecimal, get: money(func(l *incentive.DealLine) incentive.Money { return l.Amount }, pathLineAmount)},
	} {
		p.slot, p.custom, p.acc, p.line = len(e.slots), -1, true, true
		e.add(p)
	}
}

// current returns the line being read.
func current(s *incentive.Scope) (*incentive.DealLine, error) {
	if s.Line == nil {
		return nil, fmt.Errorf("internal error: a line field read outside a line")
	}
	return s.Line, nil
}

// SetLineFields declares the program's custom line fields, read as
// line.<name>, typed like custom deal fields (see NewEnv). Each problem is
// a *FieldError; the Env stays usable. Call it before compiling.
func (e *Env) SetLineFields(fields []incentive.FieldDecl) []error {
	var errs []error
	for _, f := range fields {
		f := f
		bad := func(format string, args ...any) {
			errs = append(errs, &FieldError{Field: f, Msg: fmt.Sprintf(format, args...)})
		}
		t, ok := fieldTypes[f.Type]
		switch {
		case !isIdent(f.Name) || !reachable(f.Name):
			bad("the name must be letters, digits and _ (not starting with a digit), so that line.%s can be written in an expression", f.Name)
		case e.paths["line."+f.Name] != nil:
			bad("clashes with line.%s; choose another name", f.Name)
		case !ok:
			bad("unknown type %q (want string, int, decimal, money, bool or date)", f.Type)
		default:
			p := &pathInfo{path: "line." + f.Name, typ: t, slot: len(e.slots), custom: -1, acc: true, line: true}
			p.get = func(s *incentive.Scope) (any, error) {
				l, err := current(s)
				if err != nil {
					return nil, err
				}
				v, ok := l.Fields[f.Name]
				if !ok {
					if !f.Optional {
						return nil, fmt.Errorf("%w: deal %q has a line without the required line field %s", incentive.ErrInvalidDeal, s.Deal.ID, p.path)
					}
					return zeroOf(t), nil
				}
				return fieldValue(s, p, f, v)
			}
			e.add(p)
		}
	}
	return errs
}

func zeroOf(t typ) any {
	switch t {
	case tString:
		return ""
	case tBool:
		return false
	case tDecimal:
		return decimal.Decimal{}
	}
	return int64(0)
}

// AddValue makes the program's named value number index (its position in
// incentive.Program.Values) readable as values.<name>, typed as x (a
// condition is a bool, an amount a decimal). An expression reading it
// lists, besides values.<name>, every path x reads, so that the engine
// defers it when x reads running totals. Call it before compiling the
// expressions that read it.
func (e *Env) AddValue(name string, index int, x *Expr) error {
	if !isIdent(name) || !reachable(name) {
		return fmt.Errorf("value name %q must be letters, digits and _, not starting with a digit", name)
	}
	path := incentive.ValuesPrefix + name
	if e.paths[path] != nil {
		return fmt.Errorf("value %q is declared twice", name)
	}
	t := tDecimal
	if x.kind == Bool {
		t = tBool
	}
	p := &pathInfo{path: path, typ: t, slot: len(e.slots), custom: -1, acc: true, reads: x.Reads()}
	p.get = func(s *incentive.Scope) (any, error) { return s.NamedValue(index) }
	e.add(p)
	return nil
}

// Auto compiles a named value: a condition or an amount, whichever the
// expression is (see CompileValue). The compiled Expr's Kind is Bool or
// Number.
const Auto Kind = 2

// CompileValue compiles the expression of a named value: a Bool Expr when
// it is a condition, a Number Expr when it is a number. Other types are an
// error.
func (e *Env) CompileValue(src string) (*Expr, []*Error) {
	return e.Compile(src, Auto)
}

// CompileLine compiles an expression evaluated once per product line of
// the deal (a `per: line` earning's condition or amount): it may read
// line.* besides everything else.
func (e *Env) CompileLine(src string, kind Kind) (*Expr, []*Error) {
	return e.compile(src, kind, true)
}

// aggregates are the functions over deal.lines.
var aggregates = map[string]bool{"sum": true, "count": true, "any": true, "all": true}

// aggregate checks sum, count, any and all over deal.lines (optionally
// filter(deal.lines, cond)) and turns the call into a read of a computed
// path whose reader iterates the lines with incentive.Scope.Line set.
func (c *checker) aggregate(n *ast.BuiltinNode) val {
	loc := n.Location()
	name := n.Name
	if c.aggDepth > 0 {
		return c.errorf(loc, "%s() cannot be used inside another sum, count, any or all over deal.lines", name)
	}
	usage := map[string]string{
		"sum":   "sum(deal.lines, line.quantity)",
		"count": "count(deal.lines, line.family == \"storage\")",
		"any":   "any(deal.lines, line.product startsWith \"DEMO-\")",
		"all":   "all(deal.lines, line.quantity > 0)",
	}[name]
	args := n.Arguments
	want := 2
	if name == "count" && len(args) == 1 {
		want = 1
	}
	if len(args) != want {
		for _, a := range args {
			c.check(a)
		}
		return c.errorf(loc, "%s takes deal.lines and a line expression, as in %s; got %d arguments", name, usage, len(args))
	}
	var filterNode ast.Node
	list := args[0]
	if b, ok := list.(*ast.BuiltinNode); ok && b.Name == "filter" {
		if len(b.Arguments) != 2 || !isDealLines(b.Arguments[0]) {
			return c.errorf(b.Location(), "filter takes deal.lines and a condition on the line, as in filter(deal.lines, line.family == \"storage\")")
		}
		filterNode = unclosure(b.Arguments[1])
		list = b.Arguments[0]
	}
	if !isDealLines(list) {
		c.check(list)
		return c.errorf(startOf(list), "%s works over deal.lines (or filter(deal.lines, ...)), as in %s", name, usage)
	}
	c.aggDepth++
	saved := c.lineOK
	c.lineOK = true
	defer func() { c.aggDepth--; c.lineOK = saved }()

	var filter, body *Expr
	okAll := true
	sub := func(node ast.Node, kind Kind, what string) *Expr {
		v := c.check(node)
		if v.t == tInvalid {
			okAll = false
			return nil
		}
		start := startOf(node)
		switch {
		case kind == Bool && v.t != tBool:
			c.errorf(start, "%s must be true or false, but this expression is %s", what, v.t.a())
			okAll = false
			return nil
		case kind == Number && !v.t.isNumber():
			c.errorf(start, "%s must be a number, but this expression is %s", what, v.t.a())
			okAll = false
			return nil
		case kind == Number:
			v = toDecimal(v, start)
		}
		x := &Expr{src: string(c.src), kind: kind, env: c.env, srcR: c.src, divides: c.divides, places: c.env.DivisionPlaces()}
		if v.isC {
			x.konst = v.c
			x.reads = []string{}
			return x
		}
		if err := x.build(materialize(v, start), c.source); err != nil {
			c.errs = append(c.errs, err)
			okAll = false
			return nil
		}
		return x
	}
	if filterNode != nil {
		filter = sub(filterNode, Bool, "a filter on deal.lines")
	}
	if len(args) == 2 {
		switch name {
		case "sum":
			body = sub(unclosure(args[1]), Number, "the value summed over deal.lines")
		default:
			body = sub(unclosure(args[1]), Bool, "the condition "+name+"() tests on each line")
		}
	}
	if !okAll {
		return bad
	}
	agg := &aggregate{name: name, filter: filter, body: body}
	p := &pathInfo{path: name + "(deal.lines)", custom: -1, acc: true, hidden: true, env: c.env}
	switch name {
	case "sum":
		p.typ = tDecimal
	case "count":
		p.typ = tInt
	default:
		p.typ = tBool
	}
	seen := map[string]bool{}
	for _, x := range []*Expr{filter, body} {
		if x == nil {
			continue
		}
		c.subs = append(c.subs, x)
		for _, r := range x.reads {
			if !strings.HasPrefix(r, "line.") && !seen[r] {
				seen[r] = true
				p.reads = append(p.reads, r)
			}
		}
	}
	p.get = agg.run
	return val{t: p.typ, node: c.loadNode(p, loc), start: loc}
}

// isDealLines reports whether n is the path deal.lines.
func isDealLines(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok || m.Optional {
		return false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	s, isStr := m.Property.(*ast.StringNode)
	return ok && isStr && id.Value == "deal" && s.Value == "lines"
}

// unclosure returns the body of a predicate argument.
func unclosure(n ast.Node) ast.Node {
	if p, ok := n.(*ast.PredicateNode); ok {
		return p.Node
	}
	return n
}

// aggregate is one sum, count, any or all over deal.lines.
type aggregate struct {
	name         string
	filter, body *Expr
}

// run computes the aggregate for the scope's deal: one pass over its
// lines (at most incentive.MaxDealLines), Scope.Line set to each in turn
// and restored afterwards.
func (a *aggregate) run(s *incentive.Scope) (any, error) {
	lines := s.Deal.Lines
	saved := s.Line
	defer func() { s.Line = saved }()
	var sum decimal.Decimal
	var count int64
	for i := range lines {
		s.Line = &lines[i]
		if a.filter != nil {
			ok, err := a.filter.Holds(s)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		switch a.name {
		case "sum":
			v, err := a.body.Value(s)
			if err != nil {
				return nil, err
			}
			sum = sum.Add(v)
			if !inRange(sum) {
				return nil, fmt.Errorf("%w: the sum over deal.lines has the exponent %d, beyond ±%d", ErrOverflow, sum.Exponent(), MaxExponent)
			}
		case "count":
			if a.body != nil {
				ok, err := a.body.Holds(s)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			count++
		case "any", "all":
			ok, err := a.body.Holds(s)
			if err != nil {
				return nil, err
			}
			if ok == (a.name == "any") {
				return ok, nil
			}
		}
	}
	switch a.name {
	case "sum":
		return sum, nil
	case "count":
		return count, nil
	}
	return a.name == "all", nil
}

// fieldValue checks a custom line field's value against its declaration
// and returns it in its run-time representation.
func fieldValue(s *incentive.Scope, p *pathInfo, f incentive.FieldDecl, v any) (any, error) {
	switch p.typ {
	case tString:
		if _, ok := v.(string); ok {
			return v, nil
		}
	case tInt:
		if x, ok := v.(int64); ok {
			return x, nil
		}
	case tBool:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	case tDecimal:
		if _, ok := v.(decimal.Decimal); ok {
			return v, nil
		}
	case tDate:
		if x, ok := v.(incentive.Date); ok {
			return dateCode(x), nil
		}
	}
	return nil, fmt.Errorf("%w: deal %q: line field %s is declared %s but holds a %T", incentive.ErrInvalidDeal, s.Deal.ID, p.path, f.Type, v)
}

// AddConstValue makes the named value number index, a constant number
// (such as `500`), readable as values.<name>.
func (e *Env) AddConstValue(name string, index int) {
	p := &pathInfo{path: incentive.ValuesPrefix + name, typ: tDecimal, slot: len(e.slots), custom: -1, acc: true, reads: []string{}}
	p.get = func(s *incentive.Scope) (any, error) { return s.NamedValue(index) }
	e.add(p)
}

// AddBrokenValue declares a named value whose expression failed to
// compile: an expression reading it is an error saying so, rather than
// one about an unknown name.
func (e *Env) AddBrokenValue(name string) {
	e.add(&pathInfo{path: incentive.ValuesPrefix + name, typ: tInvalid, slot: len(e.slots), custom: -1, acc: true})
}

// SetEarnings declares the program's earning ids, in order, so that
// earned("id", ...) can say whether an id is unknown or declared too late.
// EnableEarning then makes each readable, once the earnings before the
// reader are compiled.
func (e *Env) SetEarnings(ids []string) { e.earnings = ids }

// EnableEarning makes earning id (number index in the program) readable by
// the expressions compiled afterwards, as earned("id", "before_caps") and
// earned("id", "after_caps").
func (e *Env) EnableEarning(id string, index int) {
	if e.enabled == nil {
		e.enabled = map[string][2]*pathInfo{}
	}
	var ps [2]*pathInfo
	for k, capped := range []bool{false, true} {
		suffix := ".gross"
		if capped {
			suffix = ".capped"
		}
		p := &pathInfo{path: incentive.EarningsPrefix + id + suffix, typ: tDecimal, slot: -1, custom: -1, acc: true}
		p.get = func(s *incentive.Scope) (any, error) { return s.Earned(index, capped) }
		ps[k] = p
	}
	e.enabled[id] = ps
}

// earned checks earned("id", "before_caps" | "after_caps").
func (c *checker) earned(n *ast.CallNode, loc file.Location) val {
	usage := `earned takes an earning id and "before_caps" or "after_caps", as in earned("base", "after_caps")`
	if len(n.Arguments) != 2 {
		return c.errorf(loc, "%s; got %d arguments", usage, len(n.Arguments))
	}
	id, ok1 := n.Arguments[0].(*ast.StringNode)
	state, ok2 := n.Arguments[1].(*ast.StringNode)
	switch {
	case !ok1:
		return c.errorf(startOf(n.Arguments[0]), "%s: the id must be a string literal", usage)
	case !ok2:
		return c.errorf(startOf(n.Arguments[1]), "%s: the state must be a string literal", usage)
	case state.Value != "before_caps" && state.Value != "after_caps":
		return c.errorf(state.Location(), "unknown state %q: %s", state.Value, usage)
	}
	ps, ok := c.env.enabled[id.Value]
	if !ok {
		known := false
		for _, x := range c.env.earnings {
			known = known || x == id.Value
		}
		if known {
			return c.errorf(id.Location(), "earning %q is not declared before this expression: only an earning's when:, amount: and cap: (and a computed per_deal cap) read earlier earnings", id.Value)
		}
		msg := fmt.Sprintf("unknown earning %q", id.Value)
		if s := closest(id.Value, c.env.earnings); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return c.errorf(id.Location(), "%s", msg)
	}
	p := ps[0]
	if state.Value == "after_caps" {
		p = ps[1]
	}
	return val{t: tDecimal, node: c.loadNode(p, loc), start: loc}
}

// closest returns the candidate within an edit distance of 2 of name.
func closest(name string, candidates []string) string {
	best, bestD := "", 3
	for _, x := range candidates {
		if d := textdist.Distance(name, x); d < bestD {
			best, bestD = x, d
		}
	}
	return best
}
