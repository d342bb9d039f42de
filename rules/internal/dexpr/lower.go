package dexpr

import (
	"cmp"
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// Lowering runs after expr's checker has verified the rewritten tree with
// the internal functions' precise signatures, and before expr's compiler.
// It replaces each internal call by a call of a Go closure of type
// func(any) any or func(any, any) any, which expr's compiler runs with
// OpCallTyped: no argument slice per run (OpCall1..3 and OpCallN allocate
// one) and no error result. Errors become panics, which the VM recovers
// into a *file.Error wrapping them; an *atError inside names the exact
// place (a read, or an operator inside a fused tree).
//
// The closure binds what is known at compile time and computes typed what
// it can:
//
//   - constant operands (deal.amount * 0.02 passes only deal.amount);
//   - reads of deal values: an operand that is a path read is fetched
//     typed from the scope inside the closure, so the value is never boxed
//     and the VM only passes the scope ($env);
//   - nested arithmetic: round(deal.amount * 0.02, 2) is one closure
//     computing the product and the rounding on unboxed decimals.
//
// Operands that are none of these are computed by the VM and passed as
// arguments; a closure has at most two (the scope counts as one), which a
// plan checks before nesting. A path read that is no operand of a fused
// call becomes a call reading the value boxed, cached per deal.
//
// When the root of the tree becomes a fused call whose only argument is
// the scope, the whole program is that call: Expr calls the typed closure
// directly (see Expr.fastDec and Expr.fastBool), which is exactly what the
// VM would do, minus the VM.
//
// A replaced call keeps the type the checker gave it, so the code compiled
// for its parent does not change.
type lowering struct {
	env      *Env
	root     *ast.Node
	fastDec  decFn
	fastBool boolFn
	// envBools are the fused boolean calls whose only argument is the
	// scope, by the node that replaced them: a logical operator over two
	// of them (or a negation of one) fuses into one more (see logic).
	envBools map[ast.Node]boolFn
}

type (
	decFn  = func(s *incentive.Scope, x, y any) (decimal.Decimal, error)
	intFn  = func(s *incentive.Scope, x, y any) (int64, error)
	boolFn = func(s *incentive.Scope, x, y any) (bool, error)
)

func (l *lowering) node(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.CallNode:
		l.call(n, x)
	case *ast.BinaryNode:
		if l.fuseNative(n, x) || l.logic(n, x) {
			return
		}
		l.node(&x.Left)
		l.node(&x.Right)
	case *ast.UnaryNode:
		if l.not(n, x) {
			return
		}
		l.node(&x.Node)
	case *ast.ConditionalNode:
		l.node(&x.Cond)
		l.node(&x.Exp1)
		l.node(&x.Exp2)
	case *ast.ArrayNode:
		for i := range x.Nodes {
			l.node(&x.Nodes[i])
		}
	}
}

// replace turns the call (or native operator) at n into a call of fn with
// the given arguments.
func replace(n *ast.Node, fn any, args []ast.Node) {
	old := *n
	callee := &ast.ConstantNode{Value: fn}
	callee.SetLocation(old.Location())
	callee.SetType(reflect.TypeOf(fn))
	c := &ast.CallNode{Callee: callee, Arguments: args}
	c.SetLocation(old.Location())
	c.SetNature(*old.Nature())
	*n = c
}

func envNode(at ast.Node) ast.Node {
	id := &ast.IdentifierNode{Value: "$env"}
	id.SetLocation(at.Location())
	return id
}

func constOf(n ast.Node) (any, bool) {
	switch n := n.(type) {
	case *ast.ConstantNode:
		if _, isPath := n.Value.(*pathInfo); isPath {
			return nil, false
		}
		return n.Value, true
	case *ast.StringNode:
		return n.Value, true
	case *ast.BoolNode:
		return n.Value, true
	}
	return nil, false
}

func internalName(n ast.Node) string {
	if c, ok := n.(*ast.CallNode); ok {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok {
			if _, ok := specs[id.Value]; ok {
				return id.Value
			}
		}
	}
	return ""
}

// roundConst returns the places and mode of a round call when both are
// constant and valid.
func roundConst(c *ast.CallNode) (int32, incentive.RoundingMode, bool) {
	p, _ := constOf(c.Arguments[1])
	places, ok := p.(int64)
	if !ok || places < 0 || places > MaxRoundPlaces {
		return 0, "", false
	}
	m, ok := constOf(c.Arguments[2])
	if !ok {
		return 0, "", false
	}
	mode, err := incentive.ParseRoundingMode(m.(string))
	if err != nil {
		return 0, "", false
	}
	return int32(places), mode, true
}

// nestable reports whether the call n computes a decimal or an int a fused
// parent can compute inside its own closure, and returns the operands that
// matter.
func nestable(n ast.Node) ([]ast.Node, bool) {
	name := internalName(n)
	if name == "" {
		return nil, false
	}
	c := n.(*ast.CallNode)
	spec := specs[name]
	switch {
	case spec.dd != nil, spec.ii != nil, name == fnIDiv:
		return c.Arguments, true
	case spec.d1 != nil, spec.i1 != nil, name == fnI2D:
		return c.Arguments[:1], true
	case name == fnRound:
		if _, _, ok := roundConst(c); ok {
			return c.Arguments[:1], true
		}
	}
	return nil, false
}

// plan counts what fusing operands would pass: whether the scope is needed
// and how many operands the VM computes. It follows exactly the choices of
// operands.dec and operands.int.
func plan(nest bool, args ...ast.Node) (env bool, dyn int) {
	for _, a := range args {
		switch {
		case isConst(a):
		case loadOf(a) != nil:
			env = true
		case internalName(a) == fnI2D && loadOf(a.(*ast.CallNode).Arguments[0]) != nil:
			env = true
		default:
			sub, ok := nestable(a)
			if !nest || !ok {
				dyn++
				continue
			}
			e, d := plan(nest, sub...)
			env = env || e
			dyn += d
		}
	}
	return env, dyn
}

func isConst(n ast.Node) bool {
	_, ok := constOf(n)
	return ok
}

func fits(env bool, dyn int) bool {
	n := dyn
	if env {
		n++
	}
	return n >= 1 && n <= 2
}

// operands builds the typed getters of a fused call's operands: constants
// and reads are bound in, nested arithmetic (when nest is set) is composed,
// everything else is lowered and passed by the VM.
type operands struct {
	l       *lowering
	nest    bool
	needEnv bool
	dyn     []ast.Node // VM-computed operands, passed after the scope
}

func (l *lowering) operands(args ...ast.Node) *operands {
	env, dyn := plan(true, args...)
	return &operands{l: l, nest: fits(env, dyn)}
}

// vmArgs returns the call's arguments: the scope if a read needs it, then
// the computed operands.
func (o *operands) vmArgs(at ast.Node) []ast.Node {
	var args []ast.Node
	if o.needEnv {
		args = append(args, envNode(at))
	}
	return append(args, o.dyn...)
}

func (o *operands) fits() bool { return fits(o.needEnv, len(o.dyn)) }

// dynAt returns a getter of the i-th computed operand from the closure's
// (x, y) arguments.
func dynAt(i int) func(x, y any) any {
	if i == 0 {
		return func(x, _ any) any { return x }
	}
	return func(_, y any) any { return y }
}

func (o *operands) push(n *ast.Node) func(x, y any) any {
	o.l.node(n)
	get := dynAt(len(o.dyn))
	o.dyn = append(o.dyn, *n)
	return get
}

func (o *operands) dec(n *ast.Node) decFn {
	if c, ok := constOf(*n); ok {
		d := c.(decimal.Decimal)
		return func(*incentive.Scope, any, any) (decimal.Decimal, error) { return d, nil }
	}
	if p := loadOf(*n); p != nil {
		o.needEnv = true
		e, loc := o.l.env, (*n).Location()
		return func(s *incentive.Scope, _, _ any) (decimal.Decimal, error) {
			d, err := e.dec(s, p)
			return d, atErr(loc, err)
		}
	}
	if internalName(*n) == fnI2D && loadOf((*n).(*ast.CallNode).Arguments[0]) != nil {
		return o.decCall((*n).(*ast.CallNode)) // an int read made a decimal
	}
	if _, ok := nestable(*n); ok && o.nest {
		if f := o.decCall((*n).(*ast.CallNode)); f != nil {
			return f
		}
	}
	get := o.push(n)
	return func(_ *incentive.Scope, x, y any) (decimal.Decimal, error) { return get(x, y).(decimal.Decimal), nil }
}

func (o *operands) int(n *ast.Node) intFn {
	if c, ok := constOf(*n); ok {
		i := c.(int64)
		return func(*incentive.Scope, any, any) (int64, error) { return i, nil }
	}
	if p := loadOf(*n); p != nil {
		o.needEnv = true
		e, loc := o.l.env, (*n).Location()
		return func(s *incentive.Scope, _, _ any) (int64, error) {
			i, err := e.i64(s, p)
			return i, atErr(loc, err)
		}
	}
	if _, ok := nestable(*n); ok && o.nest {
		if f := o.intCall((*n).(*ast.CallNode)); f != nil {
			return f
		}
	}
	get := o.push(n)
	return func(_ *incentive.Scope, x, y any) (int64, error) { return get(x, y).(int64), nil }
}

// decCall composes a decimal-valued internal call; nil if it is not one.
func (o *operands) decCall(c *ast.CallNode) decFn {
	name := internalName(c)
	spec := specs[name]
	loc := c.Location()
	switch {
	case spec.dd != nil:
		op := spec.dd
		if name == fnDDiv {
			op = o.l.env.divD // the program's precision
		}
		a, b := o.dec(&c.Arguments[0]), o.dec(&c.Arguments[1])
		in := func(_ *incentive.Scope, a, b decimal.Decimal) (decimal.Decimal, error) { return op(a, b) }
		if name == fnDMul {
			in = mulIn // a product's decimal is made in the deal's memory
		}
		return func(s *incentive.Scope, x, y any) (decimal.Decimal, error) {
			av, err := a(s, x, y)
			if err != nil {
				return av, err
			}
			bv, err := b(s, x, y)
			if err != nil {
				return bv, err
			}
			r, err := in(s, av, bv)
			return r, atErr(loc, err)
		}
	case name == fnI2D:
		a := o.int(&c.Arguments[0])
		return func(s *incentive.Scope, x, y any) (decimal.Decimal, error) {
			av, err := a(s, x, y)
			return decimal.NewFromInt(av), err
		}
	case spec.d1 != nil:
		op := spec.d1
		a := o.dec(&c.Arguments[0])
		return func(s *incentive.Scope, x, y any) (decimal.Decimal, error) {
			av, err := a(s, x, y)
			return op(av), err
		}
	case name == fnIDiv:
		a, b := o.int(&c.Arguments[0]), o.int(&c.Arguments[1])
		return func(s *incentive.Scope, x, y any) (decimal.Decimal, error) {
			av, err := a(s, x, y)
			if err != nil {
				return decimal.Decimal{}, err
			}
			bv, err := b(s, x, y)
			if err != nil {
				return decimal.Decimal{}, err
			}
			r, err := o.l.env.divI(av, bv)
			return r, atErr(loc, err)
		}
	case name == fnRound:
		places, mode, ok := roundConst(c)
		if !ok {
			return nil
		}
		a := o.dec(&c.Arguments[0])
		return func(s *incentive.Scope, x, y any) (decimal.Decimal, error) {
			av, err := a(s, x, y)
			return mode.Round(av, places), err
		}
	}
	return nil
}

// intCall composes an int-valued internal call; nil if it is not one.
func (o *operands) intCall(c *ast.CallNode) intFn {
	spec := specs[internalName(c)]
	loc := c.Location()
	switch {
	case spec.ii != nil:
		op := spec.ii
		a, b := o.int(&c.Arguments[0]), o.int(&c.Arguments[1])
		return func(s *incentive.Scope, x, y any) (int64, error) {
			av, err := a(s, x, y)
			if err != nil {
				return 0, err
			}
			bv, err := b(s, x, y)
			if err != nil {
				return 0, err
			}
			r, err := op(av, bv)
			return r, atErr(loc, err)
		}
	case spec.i1 != nil:
		op := spec.i1
		a := o.int(&c.Arguments[0])
		return func(s *incentive.Scope, x, y any) (int64, error) {
			av, err := a(s, x, y)
			if err != nil {
				return 0, err
			}
			r, err := op(av)
			return r, atErr(loc, err)
		}
	}
	return nil
}

// closure adapts a typed evaluator to the argument list o.vmArgs
// describes.
func (o *operands) closure(core func(s *incentive.Scope, x, y any) any) any {
	switch {
	case o.needEnv && len(o.dyn) == 0:
		return func(env any) any { return core(env.(*incentive.Scope), nil, nil) }
	case o.needEnv && len(o.dyn) == 1:
		return func(env, x any) any { return core(env.(*incentive.Scope), x, nil) }
	case len(o.dyn) == 1:
		return func(x any) any { return core(nil, x, nil) }
	}
	return func(x, y any) any { return core(nil, x, y) }
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// finishDec replaces the call at n by the fused closure computing f, and
// records f when it is the whole program.
func finishDec(l *lowering, n *ast.Node, o *operands, c ast.Node, f decFn) {
	if n == l.root && o.needEnv && len(o.dyn) == 0 {
		l.fastDec = f
	}
	replace(n, o.closure(func(s *incentive.Scope, x, y any) any { return must(f(s, x, y)) }), o.vmArgs(c))
}

func finishBool(l *lowering, n *ast.Node, o *operands, c ast.Node, f boolFn) {
	scopeOnly := o.needEnv && len(o.dyn) == 0
	if n == l.root && scopeOnly {
		l.fastBool = f
	}
	replace(n, o.closure(func(s *incentive.Scope, x, y any) any { return must(f(s, x, y)) }), o.vmArgs(c))
	if scopeOnly {
		if l.envBools == nil {
			l.envBools = map[ast.Node]boolFn{}
		}
		l.envBools[*n] = f
	}
}

// logic fuses a && b and a || b (also spelled and, or) when both operands
// lower to fused conditions of the scope alone or are boolean reads: one
// closure that short-circuits as the VM's jumps do, so that a condition
// such as deal.segment == "enterprise" && deal.amount >= 50000 runs
// without the VM (as the whole program, see Expr.fastBool). An error of
// an operand is the operand's own, placed where it is, as in the VM. It
// reports whether b is a logical operator, which it has then handled: n
// replaced, or its operands lowered, each once (lowering them again would
// lower a chain of n operators 2^n times).
func (l *lowering) logic(n *ast.Node, b *ast.BinaryNode) bool {
	and := b.Operator == "&&" || b.Operator == "and"
	if !and && b.Operator != "||" && b.Operator != "or" {
		return false
	}
	fa, fb := l.boolOperand(&b.Left), l.boolOperand(&b.Right)
	if fa == nil || fb == nil {
		l.lowerLeft(&b.Left)
		l.lowerLeft(&b.Right)
		return true // not fused, operands lowered
	}
	finishBool(l, n, &operands{l: l, needEnv: true}, b, func(s *incentive.Scope, _, _ any) (bool, error) {
		v, err := fa(s, nil, nil)
		if err != nil || v != and { // false && _, true || _: b is not run
			return v, err
		}
		return fb(s, nil, nil)
	})
	return true
}

// not fuses !a (also spelled not a) as logic fuses a && b, and reports
// as logic does.
func (l *lowering) not(n *ast.Node, u *ast.UnaryNode) bool {
	if u.Operator != "!" && u.Operator != "not" {
		return false
	}
	fa := l.boolOperand(&u.Node)
	if fa == nil {
		l.lowerLeft(&u.Node)
		return true // not fused, operand lowered
	}
	finishBool(l, n, &operands{l: l, needEnv: true}, u, func(s *incentive.Scope, _, _ any) (bool, error) {
		v, err := fa(s, nil, nil)
		return !v, err
	})
	return true
}

// boolOperand returns the typed evaluator of a logical operator's
// operand, or nil. A boolean read is read typed (as Expr.single does) and
// left as it is, unlowered; any other operand is lowered, and has an
// evaluator when it became a fused condition of the scope alone.
func (l *lowering) boolOperand(n *ast.Node) boolFn {
	if p := loadOf(*n); p != nil {
		if p.typ != tBool {
			return nil // (not lowered: see lowerLeft)
		}
		e, loc := l.env, (*n).Location()
		return func(s *incentive.Scope, _, _ any) (bool, error) {
			v, err := e.boolean(s, p)
			return v, atErr(loc, err)
		}
	}
	l.node(n)
	return l.envBools[*n]
}

// lowerLeft lowers an operand that boolOperand left unlowered (a read)
// when its operator is not fused after all.
func (l *lowering) lowerLeft(n *ast.Node) {
	if loadOf(*n) != nil {
		l.node(n)
	}
}

func (l *lowering) call(n *ast.Node, c *ast.CallNode) {
	name := internalName(c)
	if name == "" {
		for i := range c.Arguments {
			l.node(&c.Arguments[i])
		}
		return
	}
	spec := specs[name]
	if p := loadOf(c); p != nil {
		// a read that is no operand of a fused call: boxed, cached per deal
		e, loc := l.env, c.Location()
		replace(n, func(env any) any {
			v, err := e.cached(env.(*incentive.Scope), p)
			return must(v, atErr(loc, err))
		}, []ast.Node{envNode(c)})
		return
	}
	switch {
	case spec.dcmp != nil:
		cmp := spec.dcmp
		o := l.operands(c.Arguments...)
		a, b := o.dec(&c.Arguments[0]), o.dec(&c.Arguments[1])
		if o.fits() {
			finishBool(l, n, o, c, func(s *incentive.Scope, x, y any) (bool, error) {
				av, err := a(s, x, y)
				if err != nil {
					return false, err
				}
				bv, err := b(s, x, y)
				return cmp(cmpD(av, bv)), err
			})
			return
		}
	case name == fnDIn:
		if l.in(n, c) {
			return
		}
	case spec.ii != nil || spec.i1 != nil:
		o := l.operands(c.Arguments...)
		if f := o.intCall(c); f != nil && o.fits() {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any { return must(f(s, x, y)) }), o.vmArgs(c))
			return
		}
	default:
		if args, ok := nestable(c); ok {
			o := l.operands(args...)
			if f := o.decCall(c); f != nil && o.fits() {
				finishDec(l, n, o, c, f)
				return
			}
		}
	}
	// the general form: every argument computed by the VM. Lowering is
	// idempotent, so arguments an attempted fusion lowered already are
	// safe to lower again.
	for i := range c.Arguments {
		l.node(&c.Arguments[i])
	}
	switch {
	case name == fnI2D:
		replace(n, func(a any) any { return decimal.NewFromInt(a.(int64)) }, c.Arguments)
	case spec.i1 != nil:
		op := spec.i1
		replace(n, func(a any) any { return must(op(a.(int64))) }, c.Arguments)
	case spec.un != nil:
		un := spec.un
		replace(n, func(a any) any { return must(un(a)) }, c.Arguments)
	case spec.bin != nil:
		bin := spec.bin
		switch name {
		case fnDDiv:
			bin = decOp(l.env.divD) // the program's precision
		case fnIDiv:
			e := l.env
			bin = func(a, b any) (any, error) {
				r, err := e.divI(a.(int64), b.(int64))
				if err != nil {
					return nil, err
				}
				return r, nil
			}
		}
		replace(n, func(a, b any) any { return must(bin(a, b)) }, c.Arguments)
	default:
		// round with a mode chosen at run time, in with a list computed at
		// run time: an ordinary expr function call
	}
}

// in fuses x in [constants...] with decimals.
func (l *lowering) in(n *ast.Node, c *ast.CallNode) bool {
	list := make([]decimal.Decimal, 0, len(c.Arguments)-1)
	for _, a := range c.Arguments[1:] {
		v, ok := constOf(a)
		if !ok {
			return false
		}
		list = append(list, v.(decimal.Decimal))
	}
	o := l.operands(c.Arguments[0])
	x := o.dec(&c.Arguments[0])
	if !o.fits() {
		return false
	}
	finishBool(l, n, o, c, func(s *incentive.Scope, a, b any) (bool, error) {
		d, err := x(s, a, b)
		if err != nil {
			return false, err
		}
		for _, e := range list {
			if d.Equal(e) {
				return true, nil
			}
		}
		return false, nil
	})
	return true
}

// fuseNative fuses a string, int or date read compared with a constant
// (==, !=, <, <=, >, >=, or in a constant set) into one closure reading
// the value typed.
func (l *lowering) fuseNative(n *ast.Node, b *ast.BinaryNode) bool {
	e := l.env
	var f boolFn
	switch b.Operator {
	case "==", "!=":
		p, k, loc := loadOf(b.Left), b.Right, b.Left.Location()
		if p == nil {
			p, k, loc = loadOf(b.Right), b.Left, b.Right.Location()
		}
		c, ok := constOf(k)
		if p == nil || !ok {
			return false
		}
		eq := b.Operator == "=="
		switch v := c.(type) {
		case string:
			if p.typ != tString {
				return false
			}
			f = func(s *incentive.Scope, _, _ any) (bool, error) {
				got, err := e.str(s, p)
				return (got == v) == eq, atErr(loc, err)
			}
		case int64:
			if p.typ != tInt && p.typ != tDate {
				return false
			}
			f = func(s *incentive.Scope, _, _ any) (bool, error) {
				got, err := e.i64(s, p)
				return (got == v) == eq, atErr(loc, err)
			}
		default:
			return false
		}
	case "<", "<=", ">", ">=":
		p, k, op, loc := loadOf(b.Left), b.Right, b.Operator, b.Left.Location()
		if p == nil {
			p, k, op, loc = loadOf(b.Right), b.Left, flip[op], b.Right.Location()
		}
		c, ok := constOf(k)
		if p == nil || !ok || (p.typ != tInt && p.typ != tDate) {
			return false
		}
		v := c.(int64)
		f = func(s *incentive.Scope, _, _ any) (bool, error) {
			got, err := e.i64(s, p)
			return cmpHolds(op, cmp.Compare(got, v)), atErr(loc, err)
		}
	case "in":
		p, loc := loadOf(b.Left), b.Left.Location()
		set, ok := constOf(b.Right)
		if p == nil || !ok {
			return false
		}
		switch set := set.(type) {
		case map[string]struct{}:
			if len(set) <= smallSet {
				// A few strings (deal.type in ["new_business", "upsell"]):
				// comparing each is cheaper than hashing the value.
				elems := make([]string, 0, len(set))
				for k := range set {
					elems = append(elems, k)
				}
				f = func(s *incentive.Scope, _, _ any) (bool, error) {
					got, err := e.str(s, p)
					for _, k := range elems {
						if got == k {
							return true, atErr(loc, err)
						}
					}
					return false, atErr(loc, err)
				}
				break
			}
			f = func(s *incentive.Scope, _, _ any) (bool, error) {
				got, err := e.str(s, p)
				_, in := set[got]
				return in, atErr(loc, err)
			}
		case map[int64]struct{}:
			f = func(s *incentive.Scope, _, _ any) (bool, error) {
				got, err := e.i64(s, p)
				_, in := set[got]
				return in, atErr(loc, err)
			}
		default:
			return false
		}
	default:
		return false
	}
	finishBool(l, n, &operands{l: l, needEnv: true}, b, f)
	return true
}

// smallSet is the largest string set `in` tests by comparing each element
// rather than by a map lookup.
const smallSet = 8

// flip mirrors a comparison: c < x is x > c.
var flip = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}
