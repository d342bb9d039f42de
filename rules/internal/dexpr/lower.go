package dexpr

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// lower rewrites each call of an internal function, after expr's checker
// has verified the tree with the functions' precise signatures, into a call
// of a closure of type func(any) any or func(any, any) any with the
// constant arguments bound in. expr's compiler runs such a callee with
// OpCallTyped, which needs no argument slice (OpCall1..3 and OpCallN
// allocate one per run) and no error result. Errors become panics, which
// the VM recovers into a positioned *file.Error wrapping them.
//
// The call node keeps the type the checker gave it, so the code compiled
// for its parent does not change; only the callee and the argument list
// do. Calls that cannot be lowered (in with several non-constant list
// elements, round with a mode chosen at run time) stay ordinary function
// calls.
type lowerer struct{}

func (lowerer) Visit(n *ast.Node) {
	c, ok := (*n).(*ast.CallNode)
	if !ok {
		return
	}
	id, ok := c.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	spec, ok := specs[id.Value]
	if !ok {
		return
	}
	var fn any
	var rest []ast.Node
	switch {
	case spec.un != nil:
		fn, rest = lowerUn(spec.un), c.Arguments
	case spec.bin != nil:
		fn, rest = lowerBin(spec.bin, c.Arguments)
	case id.Value == fnRound:
		fn, rest = lowerRound(c.Arguments)
	case id.Value == fnDIn:
		fn, rest = lowerIn(c.Arguments)
	}
	if fn == nil {
		return
	}
	callee := &ast.ConstantNode{Value: fn}
	callee.SetLocation(id.Location())
	callee.SetType(reflect.TypeOf(fn))
	c.Callee = callee
	c.Arguments = rest
}

func constOf(n ast.Node) (any, bool) {
	switch n := n.(type) {
	case *ast.ConstantNode:
		return n.Value, true
	case *ast.StringNode:
		return n.Value, true
	case *ast.BoolNode:
		return n.Value, true
	}
	return nil, false
}

func lowerUn(f unFn) any {
	return func(a any) any {
		r, err := f(a)
		if err != nil {
			panic(err)
		}
		return r
	}
}

func lowerBin(f binFn, args []ast.Node) (any, []ast.Node) {
	ca, aConst := constOf(args[0])
	cb, bConst := constOf(args[1])
	switch {
	case bConst:
		return func(a any) any {
			r, err := f(a, cb)
			if err != nil {
				panic(err)
			}
			return r
		}, args[:1]
	case aConst:
		return func(b any) any {
			r, err := f(ca, b)
			if err != nil {
				panic(err)
			}
			return r
		}, args[1:]
	}
	return func(a, b any) any {
		r, err := f(a, b)
		if err != nil {
			panic(err)
		}
		return r
	}, args
}

func lowerRound(args []ast.Node) (any, []ast.Node) {
	p, _ := constOf(args[1])
	places, ok := p.(int64)
	if !ok || places < 0 || places > MaxRoundPlaces {
		return nil, nil
	}
	m, ok := constOf(args[2])
	if !ok {
		return nil, nil
	}
	mode, err := incentive.ParseRoundingMode(m.(string))
	if err != nil {
		return nil, nil
	}
	return func(x any) any { return mode.Round(x.(decimal.Decimal), int32(places)) }, args[:1]
}

func lowerIn(args []ast.Node) (any, []ast.Node) {
	list := make([]decimal.Decimal, 0, len(args)-1)
	for _, a := range args[1:] {
		c, ok := constOf(a)
		if !ok {
			return nil, nil
		}
		list = append(list, c.(decimal.Decimal))
	}
	return func(x any) any {
		d := x.(decimal.Decimal)
		for _, e := range list {
			if d.Equal(e) {
				return true
			}
		}
		return false
	}, args[:1]
}
