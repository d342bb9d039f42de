package rules

import (
	"regexp"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/rules/internal/dexpr"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// This file decodes `values:` (the program's named values) and
// `line_fields:` (its custom product line fields).

var valueNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// valueRefRE finds the named values an expression reads.
var valueRefRE = regexp.MustCompile(`\bvalues\.([A-Za-z_][A-Za-z0-9_]*)`)

// valueDecl is one `values:` entry before compilation.
type valueDecl struct {
	name  string
	key   *yaml.Node
	val   *yaml.Node
	index int        // in Program.Values
	refs  []valueRef // the values it reads, in source order
}

type valueRef struct {
	name      string
	line, col int // inside the expression, 1-based runes
}

// values decodes `values:`: name -> expression, each computed at most
// once per deal. The expressions are compiled in dependency order, so a
// value reads values declared before or after it alike; a cycle is an
// error at the reference that closes it.
func (pc *progCompiler) values(n *yaml.Node) {
	d, p := pc.d, pc.p
	f, ok := d.mapping(n, "values")
	if !ok {
		return
	}
	var decls []*valueDecl
	byName := map[string]*valueDecl{}
	for k, v := range f.pairs(n) { // a duplicate key was reported
		if !valueNameRE.MatchString(k.Value) {
			d.errorf(k, f.at(k.Value), "value names are lower-case letters, digits and \"_\", starting with a letter")
			continue
		}
		vd := &valueDecl{name: k.Value, key: k, val: v, index: len(p.Values)}
		if v.Kind == yaml.ScalarNode {
			src := []rune(v.Value)
			for _, m := range valueRefRE.FindAllStringSubmatchIndex(v.Value, -1) {
				off := len([]rune(v.Value[:m[2]])) - len("values.")
				line, col := 1, 1
				for _, r := range src[:off] {
					if r == '\n' {
						line, col = line+1, 1
					} else {
						col++
					}
				}
				vd.refs = append(vd.refs, valueRef{name: v.Value[m[2]:m[3]], line: line, col: col})
			}
		}
		decls = append(decls, vd)
		byName[vd.name] = vd
		p.Values = append(p.Values, incentive.Value{Name: vd.name, Origin: d.origin(k)})
	}
	// Depth-first order; a reference back to a value on the path is a cycle.
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var order []*valueDecl
	cyclic := map[string]bool{}
	var visit func(vd *valueDecl, chain []string)
	visit = func(vd *valueDecl, chain []string) {
		color[vd.name] = grey
		chain = append(chain, vd.name)
		for _, r := range vd.refs {
			dep := byName[r.name]
			if dep == nil {
				continue // the compiler reports the unknown value
			}
			switch color[dep.name] {
			case grey:
				k := 0
				for chain[k] != dep.name {
					k++
				}
				cyc := append(append([]string{}, chain[k:]...), dep.name)
				at := newScalarMap(d.src, vd.val).at(r.line, r.col)
				d.add(SeverityError, at.line, at.col, f.at(vd.name), "values form a cycle: "+strings.Join(cyc, " -> ")+"; a value cannot read itself, directly or through others")
				for _, name := range chain[k:] {
					cyclic[name] = true
				}
			case white:
				visit(dep, chain)
			}
		}
		color[vd.name] = black
		order = append(order, vd)
	}
	for _, vd := range decls {
		if color[vd.name] == white {
			visit(vd, nil)
		}
	}
	for _, vd := range order {
		path := f.at(vd.name)
		var x any
		nv := &p.Values[vd.index]
		if cyclic[vd.name] {
			// reported at the reference closing the cycle; a placeholder
			// keeps Validate from reporting the value as empty
			nv.Formula = incentive.Const(decimal.Zero)
			if pc.env != nil {
				pc.env.AddBrokenValue(vd.name)
			}
			continue
		}
		x = pc.expression(vd.val, path, dexpr.Auto)
		switch e := x.(type) {
		case *dexpr.Expr:
			if e.Kind() == dexpr.Bool {
				nv.Condition = e
			} else {
				nv.Formula = e
			}
			if pc.env != nil {
				if err := pc.env.AddValue(vd.name, vd.index, e); err != nil {
					d.errorf(vd.key, path, "%v", err)
				}
			}
		case incentive.Formula: // a plain number
			nv.Formula = e
			if pc.env != nil {
				pc.env.AddConstValue(vd.name, vd.index)
			}
		default:
			if pc.env != nil {
				pc.env.AddBrokenValue(vd.name) // readers say it failed, not that it is unknown
			}
		}
	}
}

// lineFields decodes `line_fields:`, declared like `fields:`.
func (pc *progCompiler) lineFields(n *yaml.Node) {
	pc.p.LineFields, _ = pc.fieldDecls(n, "line_fields", []string{"product", "family", "quantity", "unit_price", "amount"})
}
