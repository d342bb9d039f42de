package dexpr

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/textdist"
	"github.com/shopspring/decimal"
)

// val is a checked sub-expression: its DSL type and its rewritten expr
// node, or its value when it is a compile-time constant.
type val struct {
	t     typ
	node  ast.Node // rewritten node; nil for a constant until materialised
	c     any      // constant: bool, int64, decimal.Decimal, string, int64 date code
	isC   bool
	start file.Location // where the sub-expression starts, for messages
}

var bad = val{t: tInvalid}

// checker type-checks a parsed expression against an Env, reports errors
// with positions, folds constants and rewrites the tree into calls of the
// run-time functions.
type checker struct {
	env  *Env
	src  []rune
	errs []*Error
	// divides is set when the expression divides (see Expr.Divides).
	divides bool
	// lineOK: line.* may be read (inside an aggregate over deal.lines, or
	// in a per-line expression); aggDepth counts enclosing aggregates.
	lineOK   bool
	aggDepth int
	// source is the parsed source, for the sub-expressions of aggregates
	// (subs), which are built as expressions of their own.
	source file.Source
	subs   []*Expr
}

func (c *checker) errorf(loc file.Location, format string, args ...any) val {
	line, col := position(c.src, loc.From)
	c.errs = append(c.errs, &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	return bad
}

// position converts a rune offset into a 1-based line and column.
func position(src []rune, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off && i < len(src); i++ {
		if src[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// startOf returns where the source text of n begins: the parser places
// binary operators at the operator and members at the property.
func startOf(n ast.Node) file.Location {
	switch n := n.(type) {
	case *ast.BinaryNode:
		return startOf(n.Left)
	case *ast.MemberNode:
		return startOf(n.Node)
	case *ast.CallNode:
		return startOf(n.Callee)
	case *ast.ConditionalNode:
		if n.Ternary {
			return startOf(n.Cond)
		}
	case *ast.ChainNode:
		return startOf(n.Node)
	case *ast.SliceNode:
		return startOf(n.Node)
	case *ast.BuiltinNode:
		return n.Location()
	}
	return n.Location()
}

func at[N ast.Node](n N, loc file.Location) N {
	n.SetLocation(loc)
	return n
}

// call builds a call of an internal run-time function placed at loc.
func call(name string, loc file.Location, args ...ast.Node) ast.Node {
	return at(&ast.CallNode{Callee: at(&ast.IdentifierNode{Value: name}, loc), Arguments: args}, loc)
}

// loadNode reads path p from the deal's frame (the VM's environment).
func (c *checker) loadNode(p *pathInfo, loc file.Location) ast.Node {
	if !p.acc {
		c.env.cellOf(p)
	}
	return call(loadFn(p.typ), loc, at(&ast.IdentifierNode{Value: "$env"}, loc), at(&ast.ConstantNode{Value: p}, loc))
}

// constant returns the constant v of type t as a val.
func constant(t typ, v any, start file.Location) val {
	return val{t: t, c: v, isC: true, start: start}
}

// materialize returns the expr node computing v.
func materialize(v val, loc file.Location) ast.Node {
	if !v.isC {
		return v.node
	}
	switch x := v.c.(type) {
	case bool:
		return at(&ast.BoolNode{Value: x}, loc)
	case string:
		return at(&ast.StringNode{Value: x}, loc)
	}
	return at(&ast.ConstantNode{Value: v.c}, loc)
}

// toDecimal converts an int val to decimal (at compile time when constant).
func toDecimal(v val, loc file.Location) val {
	if v.t != tInt {
		return v
	}
	if v.isC {
		return constant(tDecimal, decimal.NewFromInt(v.c.(int64)), v.start)
	}
	return val{t: tDecimal, node: call(fnI2D, loc, v.node), start: v.start}
}

func (c *checker) check(n ast.Node) val {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return constant(tInt, int64(n.Value), n.Location())
	case *ast.FloatNode:
		return c.number(n)
	case *ast.StringNode:
		return constant(tString, n.Value, n.Location())
	case *ast.BoolNode:
		return constant(tBool, n.Value, n.Location())
	case *ast.NilNode:
		return c.errorf(n.Location(), "nil is not part of the expression language")
	case *ast.IdentifierNode:
		return c.identifier(n)
	case *ast.MemberNode:
		return c.member(n)
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.CallNode:
		return c.call(n)
	case *ast.BuiltinNode:
		if aggregates[n.Name] {
			return c.aggregate(n)
		}
		if n.Name == "filter" {
			return c.errorf(n.Location(), "filter(deal.lines, ...) is only allowed as the list of sum, count, any or all, as in count(filter(deal.lines, line.family == \"storage\"))")
		}
		return c.errorf(n.Location(), "%s() is not available; the functions are %s", n.Name, funcList)
	case *ast.ChainNode:
		return c.check(n.Node) // the member reports the ?. at its property
	case *ast.ArrayNode:
		return c.errorf(n.Location(), `a list is only allowed on the right of "in", as in partner.tier in ["gold", "platinum"]`)
	case *ast.SliceNode:
		return c.errorf(n.Location(), "slicing ([a:b]) is not supported")
	case *ast.MapNode, *ast.PairNode:
		return c.errorf(n.Location(), "map literals ({...}) are not supported")
	case *ast.VariableDeclaratorNode:
		return c.errorf(n.Location(), "let declarations are not supported")
	case *ast.SequenceNode:
		return c.errorf(n.Location(), `";" sequences are not supported: an expression is a single value`)
	case *ast.BytesNode:
		return c.errorf(n.Location(), "byte strings are not supported")
	case *ast.PointerNode, *ast.PredicateNode:
		return c.errorf(n.Location(), "# and predicates are not supported")
	case nil:
		return bad
	}
	return c.errorf(n.Location(), "this construct (%T) is not supported", n)
}

const funcList = "round, min, max, abs, len, date, days_between, months_between, add_days, add_months, add_years, year, quarter, month, period, history, history_sum, history_mean, earned, and sum, count, any and all over deal.lines"

// number builds a decimal literal from its source text, never from the
// binary floating-point value the parser computed.
func (c *checker) number(n *ast.FloatNode) val {
	loc := n.Location()
	if loc.From < 0 || loc.To > len(c.src) || loc.From >= loc.To {
		return c.errorf(loc, "internal error: number literal without position")
	}
	text := strings.ReplaceAll(string(c.src[loc.From:loc.To]), "_", "")
	d, err := decimal.NewFromString(text)
	if err != nil {
		return c.errorf(loc, "%q is not a decimal number", text)
	}
	if !inRange(d) {
		return c.errorf(loc, "%s is out of range: the exponent must be within ±%d", text, MaxExponent)
	}
	return constant(tDecimal, d, loc)
}

// numbers checks the number literals before expr's parser sees them: the
// parser turns a decimal literal into a binary floating-point number and
// rejects one beyond its range (1e400) with a message about floats, past the
// literal. Every literal that is not a valid number in range is reported
// here, at the literal.
func (c *checker) numbers(src string) {
	tokens, err := lexer.Lex(file.NewSource(src))
	if err != nil {
		return // the parser reports it
	}
	for _, tok := range tokens {
		if tok.Kind != lexer.Number {
			continue
		}
		text := strings.ReplaceAll(tok.Value, "_", "")
		lower := strings.ToLower(text)
		switch {
		case strings.HasPrefix(lower, "0x"), strings.HasPrefix(lower, "0b"), strings.HasPrefix(lower, "0o"):
			if _, err := strconv.ParseInt(text, 0, 64); err != nil {
				c.errorf(tok.Location, "%s is not a valid whole number or is beyond the int range", tok.Value)
			}
		case strings.ContainsAny(lower, ".e"):
			d, err := decimal.NewFromString(text)
			if err != nil {
				c.errorf(tok.Location, "%q is not a decimal number", tok.Value)
			} else if !inRange(d) {
				c.errorf(tok.Location, "%s is out of range: the exponent must be within ±%d", tok.Value, MaxExponent)
			} else if _, err := strconv.ParseFloat(text, 64); err != nil {
				// expr's parser refuses a literal beyond the binary
				// floating-point range (about 1.8e308) before the checker
				// sees it, though the decimal value would be exact; this
				// only tests the text and never computes with it.
				c.errorf(tok.Location, "%s is too large for a number literal: write literals below 1e308 in size (e.g. 1e300 * 1e100)", tok.Value)
			}
		default:
			if _, err := strconv.ParseInt(text, 10, 64); err != nil {
				c.errorf(tok.Location, "%s is beyond the int range (±9223372036854775807); write %s.0 to make it a decimal", tok.Value, tok.Value)
			}
		}
	}
}

var groupHint = map[string]string{
	"deal":                    "deal.amount",
	"deal.customer":           "deal.customer.segment",
	"deal.registration":       "deal.registration.approved",
	"run":                     "run.as_of",
	"partner":                 "partner.tier",
	"partner.at_period_start": "partner.at_period_start.tier",
	"period":                  "period.amount",
	"cumulative":              "cumulative.amount",
	"line":                    "line.amount",
}

func (c *checker) identifier(n *ast.IdentifierNode) val {
	switch {
	case n.Value == "$env":
		return c.errorf(n.Location(), "$env is not accessible; read fields such as deal.amount")
	case c.env.groups[n.Value]:
		return c.errorf(n.Location(), "%s is a group of fields, not a value; %s", n.Value, c.groupAdvice(n.Value))
	}
	msg := fmt.Sprintf("unknown name %s; expressions read deal.*, partner.*, period.*, cumulative.amount and run.as_of", n.Value)
	if s := c.suggest(n.Value, ""); s != "" {
		msg = fmt.Sprintf("unknown name %s (did you mean %s?)", n.Value, s)
	}
	return c.errorf(n.Location(), "%s", msg)
}

// path resolves a chain of field accesses such as deal.customer.segment.
func (c *checker) member(n *ast.MemberNode) val {
	var names []string
	var locs []file.Location
	var cur ast.Node = n
	for {
		switch m := cur.(type) {
		case *ast.MemberNode:
			if m.Optional {
				return c.errorf(m.Location(), "optional chaining (?.) is not supported: every field always has a value")
			}
			s, ok := m.Property.(*ast.StringNode)
			if !ok {
				c.check(m.Property) // report errors inside the index too
				return c.errorf(m.Location(), "indexing ([...]) is not supported; to test a product use \"name\" in deal.products")
			}
			names = append(names, s.Value)
			locs = append(locs, m.Location())
			cur = m.Node
			continue
		case *ast.IdentifierNode:
			if m.Value == "$env" {
				return c.errorf(m.Location(), "$env is not accessible; read fields such as deal.amount")
			}
			names = append(names, m.Value)
			locs = append(locs, m.Location())
		default:
			return c.errorf(n.Location(), "field access is only allowed on deal, partner, period and cumulative")
		}
		break
	}
	// names and locs are in reverse order: property last read first.
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
		locs[i], locs[j] = locs[j], locs[i]
	}
	start := locs[0]
	if len(names) == 2 && names[0] == "deal" && names[1] == "lines" {
		return c.errorf(start, "deal.lines is the deal's product lines: read them with sum, count, any or all, as in count(deal.lines, line.family == \"storage\")")
	}
	if !c.env.groups[names[0]] {
		return c.identifier(at(&ast.IdentifierNode{Value: names[0]}, locs[0]))
	}
	path := names[0]
	for i := 1; i < len(names); i++ {
		parent := path
		path += "." + names[i]
		if p := c.env.paths[path]; p != nil {
			if p.typ == tInvalid {
				return c.errorf(start, "%s cannot be read: it has an error of its own, reported at the value", path)
			}
			if p.line && !c.lineOK {
				return c.errorf(start, "%s is a field of one product line: read it inside sum, count, any or all over deal.lines, as in sum(deal.lines, %s), or in a `per: line` earning", path, path)
			}
			if i == len(names)-1 {
				return val{t: p.typ, node: c.loadNode(p, start), start: start}
			}
			return c.errorf(locs[i+1], "%s is %s and has no field %s", path, p.typ.a(), names[i+1])
		}
		if !c.env.groups[path] {
			msg := fmt.Sprintf("unknown field %s", path)
			if s := c.suggest(path, parent+"."); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			} else {
				if ch := c.children(parent); len(ch) > 0 {
					msg += fmt.Sprintf("; %s has %s", parent, strings.Join(ch, ", "))
				} else {
					msg += "; " + noFields(parent)
				}
			}
			return c.errorf(locs[i], "%s", msg)
		}
	}
	return c.errorf(locs[len(locs)-1], "%s is a group of fields, not a value; %s", path, c.groupAdvice(path))
}

// groupAdvice says what to write instead of a group's name: one of its
// fields, or, for a program without named values, where to declare them.
func (c *checker) groupAdvice(group string) string {
	if h := groupHint[group]; h != "" {
		return "use a field such as " + h
	}
	if ch := c.children(group); len(ch) > 0 {
		return "use a field such as " + group + "." + ch[0]
	}
	return noFields(group)
}

// noFields says that a group has no fields to read.
func noFields(group string) string {
	if group == "values" {
		return "the program names no values (declare them under `values:`)"
	}
	return group + " has no fields"
}

// children lists the direct fields of a group, sorted.
func (c *checker) children(group string) []string {
	var out []string
	seen := map[string]bool{}
	for p := range c.env.paths {
		rest, ok := strings.CutPrefix(p, group+".")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, ".")
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// suggest returns the known path closest to name (within an edit distance
// of 2), restricted to paths with the given prefix.
func (c *checker) suggest(name, prefix string) string {
	paths := c.env.Paths()
	if prefix == "" {
		// a bare name that is a field's last element: amount -> deal.amount,
		// preferring deal.* over partner.*, period.* and cumulative.*
		for _, group := range []string{"deal.", "partner.", ""} {
			for _, p := range paths {
				if strings.HasPrefix(p, group) && strings.HasSuffix(p, "."+name) {
					return p
				}
			}
		}
	}
	best, bestD := "", 3
	for _, p := range paths {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		if d := textdist.Distance(name, p); d < bestD {
			best, bestD = p, d
		}
	}
	return best
}

func (c *checker) unary(n *ast.UnaryNode) val {
	x := c.check(n.Node)
	if x.t == tInvalid {
		return bad
	}
	loc := n.Location()
	switch n.Operator {
	case "!", "not":
		if x.t != tBool {
			return c.errorf(loc, "%s needs a bool, but its operand is %s", n.Operator, x.t.a())
		}
		if x.isC {
			return constant(tBool, !x.c.(bool), loc)
		}
		return val{t: tBool, node: at(&ast.UnaryNode{Operator: "!", Node: x.node}, loc), start: loc}
	case "-", "+":
		switch x.t {
		case tInt:
			if n.Operator == "+" {
				return x
			}
			if x.isC {
				r, err := negI(x.c.(int64))
				if err != nil {
					return c.errorf(loc, "integer overflow")
				}
				return constant(tInt, r, loc)
			}
			return val{t: tInt, node: call(fnINeg, loc, x.node), start: loc}
		case tDecimal:
			if n.Operator == "+" {
				return x
			}
			if x.isC {
				return constant(tDecimal, x.c.(decimal.Decimal).Neg(), loc)
			}
			return val{t: tDecimal, node: call(fnDNeg, loc, x.node), start: loc}
		}
		return c.errorf(loc, "unary %s needs a number, but its operand is %s", n.Operator, x.t.a())
	}
	return c.errorf(loc, "unknown operator %s", n.Operator)
}

func (c *checker) binary(n *ast.BinaryNode) val {
	op := n.Operator
	loc := n.Location()
	switch op {
	case "??":
		c.check(n.Left)
		c.check(n.Right)
		return c.errorf(loc, "?? is not supported: every field always has a value")
	case "..":
		c.check(n.Left)
		c.check(n.Right)
		return c.errorf(loc, `ranges (a..b) are not supported; write x >= a && x <= b`)
	case "**", "^":
		c.check(n.Left)
		c.check(n.Right)
		return c.errorf(loc, "%s (power) is not supported; multiply instead", op)
	case "in":
		return c.in(n)
	}
	l := c.check(n.Left)
	r := c.check(n.Right)
	if l.t == tInvalid || r.t == tInvalid {
		return bad
	}
	start := l.start
	switch op {
	case "&&", "and", "||", "or":
		return c.logical(op, l, r, loc, start)
	case "==", "!=":
		return c.equality(op, l, r, loc, start)
	case "<", "<=", ">", ">=":
		return c.ordering(op, l, r, loc, start)
	case "+", "-", "*", "/", "%":
		return c.arith(op, l, r, loc, start)
	case "contains", "startsWith", "endsWith", "matches":
		return c.stringOp(n, op, l, r, loc, start)
	}
	return c.errorf(loc, "operator %s is not supported", op)
}

func (c *checker) logical(op string, l, r val, loc, start file.Location) val {
	if l.t != tBool || r.t != tBool {
		side, v := "left", l
		if l.t == tBool {
			side, v = "right", r
		}
		return c.errorf(loc, "%s needs bools on both sides, but the %s side is %s", op, side, v.t.a())
	}
	and := op == "&&" || op == "and"
	switch {
	case l.isC && r.isC:
		if and {
			return constant(tBool, l.c.(bool) && r.c.(bool), start)
		}
		return constant(tBool, l.c.(bool) || r.c.(bool), start)
	case l.isC:
		// true && x == x; false && x == false; true || x == true; false || x == x
		if l.c.(bool) == and {
			return r
		}
		return constant(tBool, !and, start)
	case r.isC && r.c.(bool) == and:
		// x && true == x; x || false == x. (x && false keeps x: it may fail.)
		return l
	}
	norm := "&&"
	if !and {
		norm = "||"
	}
	return val{t: tBool, node: at(&ast.BinaryNode{Operator: norm, Left: materialize(l, start), Right: materialize(r, loc)}, loc), start: start}
}

func dateHint(l, r val) string {
	if (l.t == tDate && r.t == tString) || (l.t == tString && r.t == tDate) {
		return `; write a date as date("2026-11-01")`
	}
	return ""
}

func (c *checker) equality(op string, l, r val, loc, start file.Location) val {
	if l.t.isNumber() && r.t.isNumber() {
		if l.t == tInt && r.t == tInt {
			if l.isC && r.isC {
				return constant(tBool, (l.c == r.c) == (op == "=="), start)
			}
			return c.native(op, l, r, loc, start)
		}
		l, r = toDecimal(l, loc), toDecimal(r, loc)
		if l.isC && r.isC {
			return constant(tBool, l.c.(decimal.Decimal).Equal(r.c.(decimal.Decimal)) == (op == "=="), start)
		}
		name := fnDEq
		if op == "!=" {
			name = fnDNe
		}
		return val{t: tBool, node: call(name, loc, materialize(l, start), materialize(r, loc)), start: start}
	}
	if l.t != r.t {
		return c.errorf(loc, "cannot compare %s with %s%s", l.t.a(), r.t.a(), dateHint(l, r))
	}
	if l.t == tStrings {
		return c.errorf(loc, "cannot compare lists; test a product with \"name\" in deal.products")
	}
	if l.isC && r.isC {
		return constant(tBool, (l.c == r.c) == (op == "=="), start)
	}
	return c.native(op, l, r, loc, start)
}

// native builds an operator expr's VM handles itself (the operands are
// strings, bools, ints or dates, never decimals).
func (c *checker) native(op string, l, r val, loc, start file.Location) val {
	return val{t: tBool, node: at(&ast.BinaryNode{Operator: op, Left: materialize(l, start), Right: materialize(r, loc)}, loc), start: start}
}

func (c *checker) ordering(op string, l, r val, loc, start file.Location) val {
	switch {
	case l.t.isNumber() && r.t.isNumber():
		if l.t == tInt && r.t == tInt {
			if l.isC && r.isC {
				return constant(tBool, cmpHolds(op, cmp.Compare(l.c.(int64), r.c.(int64))), start)
			}
			return c.native(op, l, r, loc, start)
		}
		l, r = toDecimal(l, loc), toDecimal(r, loc)
		if l.isC && r.isC {
			return constant(tBool, cmpHolds(op, l.c.(decimal.Decimal).Cmp(r.c.(decimal.Decimal))), start)
		}
		name := map[string]string{"<": fnDLt, "<=": fnDLe, ">": fnDGt, ">=": fnDGe}[op]
		return val{t: tBool, node: call(name, loc, materialize(l, start), materialize(r, loc)), start: start}
	case l.t == tDate && r.t == tDate:
		if l.isC && r.isC {
			return constant(tBool, cmpHolds(op, cmp.Compare(l.c.(int64), r.c.(int64))), start)
		}
		return c.native(op, l, r, loc, start)
	case l.t == r.t:
		return c.errorf(loc, "%s compares numbers or dates, not %ss", op, l.t)
	}
	return c.errorf(loc, "cannot compare %s with %s%s", l.t.a(), r.t.a(), dateHint(l, r))
}

func cmpHolds(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func (c *checker) arith(op string, l, r val, loc, start file.Location) val {
	if !l.t.isNumber() || !r.t.isNumber() {
		side, v := "left", l
		if l.t.isNumber() {
			side, v = "right", r
		}
		return c.errorf(loc, "%s needs numbers on both sides, but the %s side is %s", op, side, v.t.a())
	}
	if op == "/" {
		c.divides = true
	}
	if (op == "/" || op == "%") && r.isC && isZero(r.c) {
		return c.errorf(loc, "division by zero")
	}
	if op == "%" {
		if l.t != tInt || r.t != tInt {
			return c.errorf(loc, "%% works on whole numbers (int) only, not on decimals")
		}
		return c.intOp(fnIMod, modI, l, r, loc, start)
	}
	if l.t == tInt && r.t == tInt {
		switch op {
		case "+":
			return c.intOp(fnIAdd, addI, l, r, loc, start)
		case "-":
			return c.intOp(fnISub, subI, l, r, loc, start)
		case "*":
			return c.intOp(fnIMul, mulI, l, r, loc, start)
		}
		// int / int is an exact decimal.
		if l.isC && r.isC {
			q, err := c.env.divI(l.c.(int64), r.c.(int64))
			if err != nil {
				return c.errorf(loc, "%v", err)
			}
			return constant(tDecimal, q, start)
		}
		return val{t: tDecimal, node: call(fnIDiv, loc, materialize(l, start), materialize(r, loc)), start: start}
	}
	l, r = toDecimal(l, loc), toDecimal(r, loc)
	var name string
	var f func(a, b decimal.Decimal) (decimal.Decimal, error)
	switch op {
	case "+":
		name, f = fnDAdd, func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Add(b), nil }
	case "-":
		name, f = fnDSub, func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Sub(b), nil }
	case "*":
		name, f = fnDMul, mulD
	default:
		name, f = fnDDiv, c.env.divD
	}
	if l.isC && r.isC {
		v, err := f(l.c.(decimal.Decimal), r.c.(decimal.Decimal))
		if err != nil {
			return c.errorf(loc, "%v", err)
		}
		return constant(tDecimal, v, start)
	}
	return val{t: tDecimal, node: call(name, loc, materialize(l, start), materialize(r, loc)), start: start}
}

func isZero(v any) bool {
	switch v := v.(type) {
	case int64:
		return v == 0
	case decimal.Decimal:
		return v.IsZero()
	}
	return false
}

func (c *checker) intOp(name string, f func(a, b int64) (int64, error), l, r val, loc, start file.Location) val {
	if l.isC && r.isC {
		v, err := f(l.c.(int64), r.c.(int64))
		if err != nil {
			return c.errorf(loc, "%v", err)
		}
		return constant(tInt, v, start)
	}
	return val{t: tInt, node: call(name, loc, materialize(l, start), materialize(r, loc)), start: start}
}

func (c *checker) stringOp(n *ast.BinaryNode, op string, l, r val, loc, start file.Location) val {
	if l.t != tString || r.t != tString {
		side, v := "left", l
		if l.t == tString {
			side, v = "right", r
		}
		return c.errorf(loc, "%s needs strings on both sides, but the %s side is %s", op, side, v.t.a())
	}
	if op == "matches" {
		if !r.isC {
			return c.errorf(startOf(n.Right), "the pattern of matches must be a string literal")
		}
		if _, err := regexp.Compile(r.c.(string)); err != nil {
			return c.errorf(startOf(n.Right), "invalid pattern: %v", err)
		}
	}
	if l.isC && r.isC && op != "matches" {
		a, b := l.c.(string), r.c.(string)
		var v bool
		switch op {
		case "contains":
			v = strings.Contains(a, b)
		case "startsWith":
			v = strings.HasPrefix(a, b)
		default:
			v = strings.HasSuffix(a, b)
		}
		return constant(tBool, v, start)
	}
	return c.native(op, l, r, loc, start)
}

// in handles x in [a, b, ...] and x in deal.products. Decimals are never
// compared structurally: a list holding a decimal is tested with decimal
// equality (12345.670 is in [12345.67]).
func (c *checker) in(n *ast.BinaryNode) val {
	loc := n.Location()
	l := c.check(n.Left)
	arr, isList := n.Right.(*ast.ArrayNode)
	if !isList {
		r := c.check(n.Right)
		if l.t == tInvalid || r.t == tInvalid {
			return bad
		}
		if r.t != tStrings {
			return c.errorf(loc, `the right side of "in" must be a list such as ["a", "b"] or deal.products, not %s`, r.t.a())
		}
		if l.t != tString {
			return c.errorf(loc, "deal.products holds strings; cannot look for %s in it", l.t.a())
		}
		return c.native("in", l, r, loc, l.start)
	}
	elems := make([]val, len(arr.Nodes))
	ok := l.t != tInvalid
	for i, e := range arr.Nodes {
		elems[i] = c.check(e)
		if elems[i].t == tInvalid {
			ok = false
		}
	}
	if !ok {
		return bad
	}
	if l.t == tStrings {
		return c.errorf(loc, "cannot look for a list in a list")
	}
	numeric := l.t.isNumber()
	dec := l.t == tDecimal
	for i, e := range elems {
		if e.t.isNumber() && numeric {
			dec = dec || e.t == tDecimal
			continue
		}
		if e.t != l.t {
			return c.errorf(startOf(arr.Nodes[i]), "this list element is %s, but the value looked for is %s%s", e.t.a(), l.t.a(), dateHint(l, e))
		}
	}
	start := l.start
	if len(elems) == 0 {
		return constant(tBool, false, start)
	}
	if dec {
		// decimal equality, never structural
		l = toDecimal(l, loc)
		allC := l.isC
		args := []ast.Node{materialize(l, start)}
		for i, e := range elems {
			e = toDecimal(e, loc)
			allC = allC && e.isC
			elems[i] = e
			args = append(args, materialize(e, startOf(arr.Nodes[i])))
		}
		if allC {
			found := false
			for _, e := range elems {
				found = found || l.c.(decimal.Decimal).Equal(e.c.(decimal.Decimal))
			}
			return constant(tBool, found, start)
		}
		return val{t: tBool, node: call(fnDIn, loc, args...), start: start}
	}
	// strings, bools, ints and dates: structural equality is value equality.
	allC := true
	for _, e := range elems {
		allC = allC && e.isC
	}
	if allC && l.isC {
		found := false
		for _, e := range elems {
			found = found || e.c == l.c
		}
		return constant(tBool, found, start)
	}
	var right ast.Node
	if allC {
		// a constant set: one map lookup at run time
		switch l.t {
		case tString:
			set := make(map[string]struct{}, len(elems))
			for _, e := range elems {
				set[e.c.(string)] = struct{}{}
			}
			right = at(&ast.ConstantNode{Value: set}, arr.Location())
		case tInt, tDate:
			set := make(map[int64]struct{}, len(elems))
			for _, e := range elems {
				set[e.c.(int64)] = struct{}{}
			}
			right = at(&ast.ConstantNode{Value: set}, arr.Location())
		}
	}
	if right == nil {
		nodes := make([]ast.Node, len(elems))
		for i, e := range elems {
			nodes[i] = materialize(e, startOf(arr.Nodes[i]))
		}
		right = at(&ast.ArrayNode{Nodes: nodes}, arr.Location())
	}
	return val{t: tBool, node: at(&ast.BinaryNode{Operator: "in", Left: materialize(l, start), Right: right}, loc), start: start}
}

func (c *checker) conditional(n *ast.ConditionalNode) val {
	cond := c.check(n.Cond)
	a := c.check(n.Exp1)
	b := c.check(n.Exp2)
	if cond.t == tInvalid || a.t == tInvalid || b.t == tInvalid {
		return bad
	}
	start := startOf(n)
	if cond.t != tBool {
		return c.errorf(startOf(n.Cond), "the condition of ?: must be a bool, not %s", cond.t.a())
	}
	if a.t != b.t {
		if a.t.isNumber() && b.t.isNumber() {
			a, b = toDecimal(a, startOf(n.Exp1)), toDecimal(b, startOf(n.Exp2))
		} else {
			return c.errorf(startOf(n.Exp2), "both branches of ?: must have the same type, but one is %s and the other %s", a.t.a(), b.t.a())
		}
	}
	if cond.isC {
		if cond.c.(bool) {
			return a
		}
		return b
	}
	return val{t: a.t, node: at(&ast.ConditionalNode{Ternary: true, Cond: cond.node, Exp1: materialize(a, startOf(n.Exp1)), Exp2: materialize(b, startOf(n.Exp2))}, start), start: start}
}

func (c *checker) call(n *ast.CallNode) val {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		for _, a := range n.Arguments {
			c.check(a)
		}
		if m, ok := n.Callee.(*ast.MemberNode); ok {
			return c.errorf(m.Location(), "method calls are not allowed; the functions are %s", funcList)
		}
		return c.errorf(startOf(n), "only the functions %s can be called", funcList)
	}
	loc := id.Location()
	args := make([]val, len(n.Arguments))
	ok = true
	for i, a := range n.Arguments {
		if id.Value == "date" {
			break // date() checks its literal itself
		}
		args[i] = c.check(a)
		if args[i].t == tInvalid {
			ok = false
		}
	}
	switch id.Value {
	case "earned":
		return c.earned(n, loc)
	case "round":
		if !ok {
			return bad
		}
		return c.round(n, args, loc)
	case "min", "max":
		if !ok {
			return bad
		}
		return c.minMax(n, id.Value, args, loc)
	case "abs":
		if !ok {
			return bad
		}
		if len(args) != 1 {
			return c.errorf(loc, "abs takes one number, got %d arguments", len(args))
		}
		x := args[0]
		switch x.t {
		case tInt:
			if x.isC {
				v, err := absI(x.c.(int64))
				if err != nil {
					return c.errorf(loc, "%v", err)
				}
				return constant(tInt, v, loc)
			}
			return val{t: tInt, node: call(fnIAbs, loc, x.node), start: loc}
		case tDecimal:
			if x.isC {
				return constant(tDecimal, x.c.(decimal.Decimal).Abs(), loc)
			}
			return val{t: tDecimal, node: call(fnDAbs, loc, x.node), start: loc}
		}
		return c.errorf(x.start, "abs needs a number, not %s", x.t.a())
	case "len":
		if !ok {
			return bad
		}
		if len(args) != 1 {
			return c.errorf(loc, "len takes one argument, got %d", len(args))
		}
		x := args[0]
		switch x.t {
		case tString:
			if x.isC {
				v, _ := fSLen(x.c)
				return constant(tInt, v.(int64), loc)
			}
			return val{t: tInt, node: call(fnSLen, loc, x.node), start: loc}
		case tStrings:
			return val{t: tInt, node: call(fnLLen, loc, x.node), start: loc}
		}
		return c.errorf(x.start, "len needs a string or deal.products, not %s", x.t.a())
	case "date":
		if len(n.Arguments) != 1 {
			return c.errorf(loc, `date takes one string literal such as date("2026-11-01"), got %d arguments`, len(n.Arguments))
		}
		s, isStr := n.Arguments[0].(*ast.StringNode)
		if !isStr {
			c.check(n.Arguments[0])
			return c.errorf(startOf(n.Arguments[0]), `date needs a string literal such as date("2026-11-01")`)
		}
		d, err := incentive.ParseDate(s.Value)
		if err != nil {
			return c.errorf(s.Location(), "%v", err)
		}
		return constant(tDate, dateCode(d), loc)
	}
	if f := dateFns[id.Value]; f != nil {
		if !ok {
			return bad
		}
		return c.dateCall(f, args, loc)
	}
	switch id.Value {
	case "history", "history_sum", "history_mean":
		if !ok {
			return bad
		}
		return c.history(id.Value, args, loc)
	}
	msg := fmt.Sprintf("unknown function %s; the functions are %s", id.Value, funcList)
	switch id.Value {
	case "map", "filter", "all", "any", "none", "one", "count", "sum", "find", "reduce":
		msg = fmt.Sprintf("%s() is not available; the functions are %s", id.Value, funcList)
	}
	return c.errorf(loc, "%s", msg)
}

func (c *checker) round(n *ast.CallNode, args []val, loc file.Location) val {
	if len(args) < 2 || len(args) > 3 {
		return c.errorf(loc, `round takes a number, a count of places and an optional mode, as in round(x, 2) or round(x, 2, "half_even"); got %d arguments`, len(args))
	}
	x, places := args[0], args[1]
	if !x.t.isNumber() {
		return c.errorf(x.start, "round needs a number to round, not %s", x.t.a())
	}
	if places.t != tInt || !places.isC {
		return c.errorf(places.start, "the places of round must be a whole-number constant from 0 to %d", MaxRoundPlaces)
	}
	p := places.c.(int64)
	if p < 0 || p > MaxRoundPlaces {
		return c.errorf(places.start, "round to %d places is outside 0..%d", p, MaxRoundPlaces)
	}
	mode := val{t: tString, c: string(incentive.DefaultRoundingMode), isC: true}
	if len(args) == 3 {
		mode = args[2]
		if mode.t != tString {
			return c.errorf(mode.start, "the mode of round must be a string such as \"half_even\", not %s", mode.t.a())
		}
		if mode.isC {
			if _, err := incentive.ParseRoundingMode(mode.c.(string)); err != nil {
				return c.errorf(mode.start, "%v", err)
			}
		}
	}
	x = toDecimal(x, loc)
	if x.isC && mode.isC {
		v, err := roundD(x.c.(decimal.Decimal), p, mode.c.(string))
		if err != nil {
			return c.errorf(loc, "%v", err)
		}
		return constant(tDecimal, v, loc)
	}
	return val{t: tDecimal, node: call(fnRound, loc, materialize(x, x.start), materialize(places, places.start), materialize(mode, loc)), start: loc}
}

func (c *checker) minMax(n *ast.CallNode, name string, args []val, loc file.Location) val {
	if len(args) < 2 {
		return c.errorf(loc, "%s takes two or more numbers, got %d", name, len(args))
	}
	allInt, allC := true, true
	for _, a := range args {
		if !a.t.isNumber() {
			return c.errorf(a.start, "%s needs numbers, not %s", name, a.t.a())
		}
		allInt = allInt && a.t == tInt
		allC = allC && a.isC
	}
	isMin := name == "min"
	if allInt {
		if allC {
			m := args[0].c.(int64)
			for _, a := range args[1:] {
				if v := a.c.(int64); (isMin && v < m) || (!isMin && v > m) {
					m = v
				}
			}
			return constant(tInt, m, loc)
		}
		fn := fnIMax
		if isMin {
			fn = fnIMin
		}
		return val{t: tInt, node: chain(fn, loc, args), start: loc}
	}
	for i := range args {
		args[i] = toDecimal(args[i], loc)
	}
	if allC {
		m := args[0].c.(decimal.Decimal)
		for _, a := range args[1:] {
			if v := a.c.(decimal.Decimal); (isMin && v.LessThan(m)) || (!isMin && v.GreaterThan(m)) {
				m = v
			}
		}
		return constant(tDecimal, m, loc)
	}
	fn := fnDMax
	if isMin {
		fn = fnDMin
	}
	return val{t: tDecimal, node: chain(fn, loc, args), start: loc}
}

// chain folds a min or max of several arguments into calls of two:
// min(a, b, c) is min(min(a, b), c).
func chain(fn string, loc file.Location, args []val) ast.Node {
	n := materialize(args[0], args[0].start)
	for _, a := range args[1:] {
		n = call(fn, loc, n, materialize(a, a.start))
	}
	return n
}

// history checks a call of history(unit, n), history_sum(unit, n) or
// history_mean(unit, n): the partner's total n periods of unit before the
// deal's period, or the sum or mean of the totals of the n periods before
// it. unit and n must be constants; each total is a read of a history path.
func (c *checker) history(name string, args []val, loc file.Location) val {
	usage := name + `(` + strings.Join(periodUnitsQuoted(), " | ") + `, n)`
	if len(args) != 2 {
		return c.errorf(loc, "%s takes 2 arguments, got %d; write %s", name, len(args), usage)
	}
	u, k := args[0], args[1]
	if u.t != tString || !u.isC {
		return c.errorf(u.start, "the unit of %s must be the constant %s", name, unitsText)
	}
	unit := incentive.Period(u.c.(string))
	if !slices.Contains(incentive.HistoryUnits(), unit) {
		return c.errorf(u.start, "unknown period unit %q; want %s", u.c.(string), unitsText)
	}
	if k.t != tInt || !k.isC {
		return c.errorf(k.start, "the number of periods of %s must be a whole-number constant from 1 to %d", name, incentive.MaxHistoryBack)
	}
	n := k.c.(int64)
	if n < 1 || n > incentive.MaxHistoryBack {
		return c.errorf(k.start, "%s reads 1 to %d periods back, got %d", name, incentive.MaxHistoryBack, n)
	}
	read := func(back int) val {
		return val{t: tDecimal, node: c.loadNode(c.env.historyPath(unit, back), loc), start: loc}
	}
	if name == "history" {
		return read(int(n))
	}
	sum := read(1)
	for back := 2; back <= int(n); back++ {
		sum = c.arith("+", sum, read(back), loc, loc)
	}
	if name == "history_sum" || n == 1 {
		return sum
	}
	return c.arith("/", sum, constant(tInt, n, loc), loc, loc)
}
