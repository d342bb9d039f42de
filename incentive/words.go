package incentive

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// exprStep starts a trace step for a condition or formula, recording its
// source and the values it read (formatted only when words are asked for).
func (e *Evaluator) exprStep(w *work, kind StepKind, ref string, idx int, x any, o *Origin) Step {
	if w.noTrace {
		return Step{}
	}
	st := Step{Kind: kind, Ref: ref, Index: idx, Origin: o, prog: e.p}
	if d, ok := x.(Describer); ok {
		st.Source = d.Source()
		reads := d.Reads()
		if len(reads) > 0 {
			st.Inputs = make([]Observed, 0, len(reads))
		}
		for _, path := range reads {
			if v, ok := w.scope.Lookup(path); ok {
				on, _ := w.scope.datedOn(path)
				st.Inputs = append(st.Inputs, Observed{Path: path, Value: v, On: on})
			}
		}
	}
	return st
}

func describeExpr(src string, inputs []Observed, cur Currency) string {
	if src == "" {
		return ""
	}
	return ": " + src + describeInputs(inputs, cur)
}

// describeInputs renders " (deal.amount = 12,000.00, partner.tier = "gold")".
func describeInputs(inputs []Observed, cur Currency) string {
	if len(inputs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" (")
	for i, in := range inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		val := fmtValue(in.Value)
		if d, isDec := in.Value.(decimal.Decimal); isDec {
			// Amounts and decimal custom fields alike: grouped, at least
			// the currency's minor places (36,667.50, not 36667.5).
			val = fmtAmount(d, cur)
		}
		b.WriteString(in.Path)
		if !in.On.IsZero() {
			b.WriteString(" on " + in.On.String())
		}
		b.WriteString(" = " + val)
	}
	b.WriteString(")")
	return b.String()
}

// groupWords describes a group's pick.
func (e *Evaluator) groupWords(g *Group, members []int, amounts []decimal.Decimal, win int) string {
	parts := make([]string, len(members))
	for k, i := range members {
		parts[k] = quote(e.earn[i].e.ID) + " " + fmtAmount(amounts[k], e.p.Currency)
	}
	s := "group " + quote(g.ID) + " (pick " + string(g.Pick) + ") among " + strings.Join(parts, ", ") + ": "
	if win < 0 {
		return s + "no line pays"
	}
	return s + "pays " + quote(e.earn[win].e.ID)
}

// fmtValue renders a looked-up value for a trace.
func fmtValue(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case decimal.Decimal:
		return x.String()
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
