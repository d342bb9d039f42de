package incentive

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Value is a named value of a program: an expression of the deal computed
// at most once per deal, on first use, that conditions, formulas, caps and
// other values read as "values.<Name>" (see Scope.Lookup and
// Scope.NamedValue). A value that nothing reads for a deal is never
// computed, so it costs nothing and cannot fail that deal.
//
// Exactly one of Formula (a number) and Condition (true or false) is set.
// Values may read other values but not, directly or through others,
// themselves: Validate reports a cycle, reading the values' Reads (see
// Describer).
type Value struct {
	Name      string
	Formula   Formula
	Condition Condition
	Origin    Origin
}

// ValuesPrefix is the Scope path prefix of named values: "values.margin".
const ValuesPrefix = "values."

// ValueResult is a named value a deal's evaluation computed, rendered as
// text: a decimal as written by decimal.Decimal.String, a condition as
// "true" or "false".
type ValueResult struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// valueSlot memoises one named value for one deal.
type valueSlot struct {
	state uint8 // 0 not computed, 1 computing, 2 done
	v     any
	err   error
}

// ErrValueCycle is returned when a named value reads itself while being
// computed (a Go-built program whose Describer reads hid the cycle from
// Validate).
var ErrValueCycle = errors.New("named value reads itself")

// NamedValue returns the program's i-th named value for the scope's deal
// (a decimal.Decimal or a bool), computing it on first use. An error
// computing it is returned to every reader.
func (s *Scope) NamedValue(i int) (any, error) {
	if s.Program == nil || i < 0 || i >= len(s.Program.Values) {
		return nil, fmt.Errorf("%w: no named value %d", ErrInvalidProgram, i)
	}
	if s.vals == nil {
		s.vals = make([]valueSlot, len(s.Program.Values))
	}
	sl := &s.vals[i]
	switch sl.state {
	case 2:
		return sl.v, sl.err
	case 1:
		return nil, fmt.Errorf("%w: %s", ErrValueCycle, s.Program.Values[i].Name)
	}
	sl.state = 1
	nv := &s.Program.Values[i]
	if nv.Condition != nil {
		var b bool
		b, sl.err = holds(nv.Condition, s)
		sl.v = b
	} else {
		var d decimal.Decimal
		d, sl.err = value(nv.Formula, s)
		sl.v = d
	}
	if sl.err != nil {
		sl.err = fmt.Errorf("value %q: %w", nv.Name, sl.err)
		sl.v = nil
	}
	sl.state = 2
	return sl.v, sl.err
}

// valueIndex returns the index of the named value called name, or -1.
func (p *Program) valueIndex(name string) int {
	for i := range p.Values {
		if p.Values[i].Name == name {
			return i
		}
	}
	return -1
}

// lookupValue serves Scope.Lookup for "values.<name>": the value when it
// was computed for this deal (Lookup never computes one).
func (s *Scope) lookupValue(name string) (any, bool) {
	i := s.Program.valueIndex(name)
	if i < 0 || i >= len(s.vals) || s.vals[i].state != 2 || s.vals[i].err != nil {
		return nil, false
	}
	return s.vals[i].v, true
}

// computedValues lists the named values computed for the scope's deal, in
// declaration order.
func (s *Scope) computedValues() []ValueResult {
	var out []ValueResult
	for i := range s.vals {
		if sl := &s.vals[i]; sl.state == 2 && sl.err == nil {
			out = append(out, ValueResult{Name: s.Program.Values[i].Name, Value: valueText(sl.v)})
		}
	}
	return out
}

func valueText(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "true"
		}
		return "false"
	case decimal.Decimal:
		return x.String()
	}
	return fmt.Sprint(v)
}

// valueExpr returns the expression of value v.
func (v *Value) expr() any {
	if v.Condition != nil {
		return v.Condition
	}
	return v.Formula
}

// readsAcc reports whether x may read the partner's running totals,
// directly or through the named values it reads.
func (p *Program) readsAcc(x any) bool {
	return p.readsAccDepth(x, 0)
}

func (p *Program) readsAccDepth(x any, depth int) bool {
	if readsAccumulators(x) {
		return true
	}
	d, ok := x.(Describer)
	if !ok || depth > len(p.Values) {
		return false
	}
	for _, path := range d.Reads() {
		if name, ok := strings.CutPrefix(path, ValuesPrefix); ok {
			if i := p.valueIndex(name); i >= 0 && p.readsAccDepth(p.Values[i].expr(), depth+1) {
				return true
			}
		}
	}
	return false
}

// validateValues checks the named values: names, one expression each,
// known references and no cycles.
func (p *Program) validateValues(at func(path, format string, args ...any)) {
	seen := map[string]bool{}
	for i, v := range p.Values {
		path := "values." + v.Name
		switch {
		case v.Name == "":
			at(index("values", i), "values[%d] has no name", i)
			continue
		case !valueNameOK(v.Name):
			at(path, "value name %q must be lower-case letters, digits and \"_\", starting with a letter", v.Name)
		case seen[v.Name]:
			at(path, "value %q is declared twice", v.Name)
		}
		seen[v.Name] = true
		if (v.Formula == nil) == (v.Condition == nil) {
			at(path, "value %q needs exactly one of a formula and a condition", v.Name)
		}
	}
	// Cycles, by depth-first search over the values' reads.
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(p.Values))
	var visit func(i int, chain []string) bool
	visit = func(i int, chain []string) bool {
		color[i] = grey
		chain = append(chain, p.Values[i].Name)
		for _, j := range p.valueDeps(i) {
			switch color[j] {
			case grey:
				k := 0
				for k < len(chain) && chain[k] != p.Values[j].Name {
					k++
				}
				cyc := append(append([]string{}, chain[k:]...), p.Values[j].Name)
				at("values."+p.Values[i].Name, "values form a cycle: %s", strings.Join(cyc, " -> "))
				return false
			case white:
				if !visit(j, chain) {
					return false
				}
			}
		}
		color[i] = black
		return true
	}
	for i := range p.Values {
		if color[i] == white && !visit(i, nil) {
			break
		}
	}
}

// valueDeps returns the indices of the values that value i reads.
func (p *Program) valueDeps(i int) []int {
	d, ok := p.Values[i].expr().(Describer)
	if !ok {
		return nil
	}
	var out []int
	for _, path := range d.Reads() {
		if name, ok := strings.CutPrefix(path, ValuesPrefix); ok {
			if j := p.valueIndex(name); j >= 0 {
				out = append(out, j)
			}
		}
	}
	return out
}

func valueNameOK(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_' && i > 0, r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

// valueSteps records the named values computed for the deal in the
// result and, unless tracing is off, as trace steps after the clauses.
func (e *Evaluator) valueSteps(w *work) {
	w.res.Values = w.scope.computedValues()
	if w.noTrace {
		return
	}
	cur := e.p.Currency
	// The values go before the clauses, after the window and conversion:
	// whatever read them comes later in the explanation.
	at := 0
	for at < len(w.trace) && w.trace[at].section == secHead && w.trace[at].Kind != StepClause {
		at++
	}
	var steps []rawStep
	for i := range w.scope.vals {
		sl := &w.scope.vals[i]
		if sl.state != 2 || sl.err != nil {
			continue
		}
		nv := &e.p.Values[i]
		st := e.exprStep(w, StepValue, nv.Name, i, nv.expr(), &nv.Origin)
		st.OK = true
		v := sl.v
		if d, ok := v.(decimal.Decimal); ok {
			st.amount = d
		}
		st.inputs = w.ownInputs(st) // the words read them later
		src, inputs := st.source, st.inputs
		st.words = func() string {
			s := "value " + quote(nv.Name) + " = "
			if d, ok := v.(decimal.Decimal); ok {
				s += fmtNumber(d)
			} else {
				s += valueText(v)
			}
			if src != "" {
				s += ": " + src + describeInputs(inputs, cur)
			}
			return s
		}
		steps = append(steps, w.step(secHead, &st))
	}
	w.trace = slices.Insert(w.trace, at, steps...)
}
