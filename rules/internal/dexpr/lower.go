package dexpr

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// Lowering runs after expr's checker has verified the rewritten tree with
// the internal functions' precise signatures, and before expr's compiler.
// It replaces each internal call by a call of a Go closure of type
// func(any) any or func(any, any) any, which expr's compiler runs with
// OpCallTyped: no argument slice per run (OpCall1..3 and OpCallN allocate
// one) and no error result. Errors become panics, which the VM recovers
// into a positioned *file.Error wrapping them.
//
// The closure binds what is known at compile time:
//
//   - constant operands (deal.amount * 0.02 passes only deal.amount);
//   - reads of deal values: an operand that is a path read is fetched
//     typed from the scope inside the closure, so the value is never boxed
//     and the VM only passes the scope ($env). deal.amount >= 1000 and
//     deal.type == "new_business" allocate nothing.
//
// Operands that are neither are computed by the VM and passed as
// arguments. A path read that is not an operand of a fused call becomes a
// call reading the value boxed, cached per deal in the frame.
//
// The replaced call keeps the type the checker gave it, so the code
// compiled for its parent does not change.
type lowering struct {
	env *Env
}

func (l *lowering) node(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.CallNode:
		l.call(n, x)
	case *ast.BinaryNode:
		if l.fuseNative(n, x) {
			return
		}
		l.node(&x.Left)
		l.node(&x.Right)
	case *ast.UnaryNode:
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

func internalName(c *ast.CallNode) string {
	if id, ok := c.Callee.(*ast.IdentifierNode); ok {
		if _, ok := specs[id.Value]; ok {
			return id.Value
		}
	}
	return ""
}

// operands classifies the arguments of a call to be fused: constants and
// reads are bound into the closure, everything else is lowered and passed
// by the VM.
type operands struct {
	l       *lowering
	needEnv bool
	dyn     []ast.Node // VM-computed operands, passed after the scope
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

// fits reports whether the closure has at most two arguments.
func (o *operands) fits() bool {
	n := len(o.dyn)
	if o.needEnv {
		n++
	}
	return n >= 1 && n <= 2
}

// dynAt returns a getter of the i-th computed operand from the closure's
// (x, y) arguments.
func dynAt(i int) func(x, y any) any {
	if i == 0 {
		return func(x, _ any) any { return x }
	}
	return func(_, y any) any { return y }
}

type decGet = func(s *incentive.Scope, x, y any) (decimal.Decimal, error)
type intGet = func(s *incentive.Scope, x, y any) (int64, error)

func (o *operands) dec(n *ast.Node) decGet {
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
	if c, ok := (*n).(*ast.CallNode); ok && internalName(c) == fnI2D {
		if p := loadOf(c.Arguments[0]); p != nil {
			o.needEnv = true
			e, loc := o.l.env, c.Arguments[0].Location()
			return func(s *incentive.Scope, _, _ any) (decimal.Decimal, error) {
				i, err := e.i64(s, p)
				return decimal.NewFromInt(i), atErr(loc, err)
			}
		}
	}
	o.l.node(n)
	get := dynAt(len(o.dyn))
	o.dyn = append(o.dyn, *n)
	return func(_ *incentive.Scope, x, y any) (decimal.Decimal, error) { return get(x, y).(decimal.Decimal), nil }
}

func (o *operands) int(n *ast.Node) intGet {
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
	o.l.node(n)
	get := dynAt(len(o.dyn))
	o.dyn = append(o.dyn, *n)
	return func(_ *incentive.Scope, x, y any) (int64, error) { return get(x, y).(int64), nil }
}

// closure adapts core to the argument list o.vmArgs describes.
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
		e := l.env
		replace(n, func(env any) any { return must(e.cached(env.(*incentive.Scope), p)) }, []ast.Node{envNode(c)})
		return
	}
	o := &operands{l: l}
	switch {
	case spec.dd != nil:
		op := spec.dd
		a, b := o.dec(&c.Arguments[0]), o.dec(&c.Arguments[1])
		if o.fits() {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any {
				return must(op(must(a(s, x, y)), must(b(s, x, y))))
			}), o.vmArgs(c))
			return
		}
	case spec.dcmp != nil:
		cmp := spec.dcmp
		a, b := o.dec(&c.Arguments[0]), o.dec(&c.Arguments[1])
		if o.fits() {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any {
				return cmp(must(a(s, x, y)).Cmp(must(b(s, x, y))))
			}), o.vmArgs(c))
			return
		}
	case spec.ii != nil:
		op := spec.ii
		a, b := o.int(&c.Arguments[0]), o.int(&c.Arguments[1])
		if o.fits() {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any {
				return must(op(must(a(s, x, y)), must(b(s, x, y))))
			}), o.vmArgs(c))
			return
		}
	case spec.d1 != nil:
		op := spec.d1
		a := o.dec(&c.Arguments[0])
		replace(n, o.closure(func(s *incentive.Scope, x, y any) any { return op(must(a(s, x, y))) }), o.vmArgs(c))
		return
	case name == fnI2D:
		a := o.int(&c.Arguments[0])
		if o.needEnv {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any { return decimal.NewFromInt(must(a(s, x, y))) }), o.vmArgs(c))
			return
		}
	case spec.i1 != nil:
		op := spec.i1
		a := o.int(&c.Arguments[0])
		if o.needEnv {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any { return must(op(must(a(s, x, y)))) }), o.vmArgs(c))
			return
		}
	case name == fnIDiv:
		a, b := o.int(&c.Arguments[0]), o.int(&c.Arguments[1])
		if o.fits() {
			replace(n, o.closure(func(s *incentive.Scope, x, y any) any {
				return must(divI(must(a(s, x, y)), must(b(s, x, y))))
			}), o.vmArgs(c))
			return
		}
	case name == fnRound:
		if fn := l.round(o, c); fn != nil {
			replace(n, fn, o.vmArgs(c))
			return
		}
	case name == fnDIn:
		if fn := l.in(o, c); fn != nil {
			replace(n, fn, o.vmArgs(c))
			return
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
		replace(n, func(a, b any) any { return must(bin(a, b)) }, c.Arguments)
	default:
		// variadic or three arguments: an ordinary expr function call
	}
}

func (l *lowering) round(o *operands, c *ast.CallNode) any {
	p, _ := constOf(c.Arguments[1])
	places, ok := p.(int64)
	if !ok || places < 0 || places > MaxRoundPlaces {
		return nil
	}
	m, ok := constOf(c.Arguments[2])
	if !ok {
		return nil
	}
	mode, err := incentive.ParseRoundingMode(m.(string))
	if err != nil {
		return nil
	}
	x := o.dec(&c.Arguments[0])
	if !o.fits() {
		return nil
	}
	return o.closure(func(s *incentive.Scope, a, b any) any { return mode.Round(must(x(s, a, b)), int32(places)) })
}

func (l *lowering) in(o *operands, c *ast.CallNode) any {
	list := make([]decimal.Decimal, 0, len(c.Arguments)-1)
	for _, a := range c.Arguments[1:] {
		v, ok := constOf(a)
		if !ok {
			return nil
		}
		list = append(list, v.(decimal.Decimal))
	}
	x := o.dec(&c.Arguments[0])
	if !o.fits() {
		return nil
	}
	return o.closure(func(s *incentive.Scope, a, b any) any {
		d := must(x(s, a, b))
		for _, e := range list {
			if d.Equal(e) {
				return true
			}
		}
		return false
	})
}

// fuseNative fuses a string, int or date read compared with a constant
// (==, !=, or in a constant set) into one closure reading the value typed.
func (l *lowering) fuseNative(n *ast.Node, b *ast.BinaryNode) bool {
	e := l.env
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
			replace(n, func(env any) any { return (readStr(e, env, p, loc) == v) == eq }, []ast.Node{envNode(b)})
			return true
		case int64:
			if p.typ != tInt && p.typ != tDate {
				return false
			}
			replace(n, func(env any) any { return (readInt(e, env, p, loc) == v) == eq }, []ast.Node{envNode(b)})
			return true
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
		replace(n, func(env any) any { return cmpHolds(op, cmp64(readInt(e, env, p, loc), v)) }, []ast.Node{envNode(b)})
		return true
	case "in":
		p, loc := loadOf(b.Left), b.Left.Location()
		set, ok := constOf(b.Right)
		if p == nil || !ok {
			return false
		}
		switch set := set.(type) {
		case map[string]struct{}:
			replace(n, func(env any) any {
				_, ok := set[readStr(e, env, p, loc)]
				return ok
			}, []ast.Node{envNode(b)})
			return true
		case map[int64]struct{}:
			replace(n, func(env any) any {
				_, ok := set[readInt(e, env, p, loc)]
				return ok
			}, []ast.Node{envNode(b)})
			return true
		}
	}
	return false
}

// flip mirrors a comparison: c < x is x > c.
var flip = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}

func readStr(e *Env, env any, p *pathInfo, loc file.Location) string {
	v, err := e.str(env.(*incentive.Scope), p)
	if err != nil {
		panic(&atError{loc: loc, err: err})
	}
	return v
}

func readInt(e *Env, env any, p *pathInfo, loc file.Location) int64 {
	v, err := e.i64(env.(*incentive.Scope), p)
	if err != nil {
		panic(&atError{loc: loc, err: err})
	}
	return v
}
