package incentive

import (
	"github.com/shopspring/decimal"
)

// LineItem is what one product line of the deal earned under a per-line
// earning (Earning.PerLine), before the earning's caps and rounding.
type LineItem struct {
	// Index is the line's position in Deal.Lines (0-based).
	Index   int    `json:"index"`
	Product string `json:"product"`
	// Applies is false when the earning's condition did not hold for the
	// line.
	Applies bool            `json:"applies"`
	Amount  decimal.Decimal `json:"amount"`
	// Reason says why the line earned nothing: the condition did not hold,
	// or the amount was zero. Empty when it earned something.
	Reason string `json:"reason,omitempty"`
}

// Reasons a line earned nothing.
const (
	ReasonCondition = "the condition does not hold for the line"
	ReasonZero      = "the amount is zero for the line"
)

// perLine computes per-line earning i over the deal's product lines: its
// condition and amount for each line, with Scope.Line set. The earning
// applies when its condition holds for at least one line; its amount is
// the sum over those lines.
func (e *Evaluator) perLine(w *work, i int) {
	ln, en := &w.lines[i], e.earn[i].e
	lines := w.scope.Deal.Lines // converted into the program currency (convertDeal)
	items := make([]LineItem, len(lines))
	var sum decimal.Decimal
	applies := false
	saved := w.scope.Line
	defer func() { w.scope.Line = saved }()
	for k := range lines {
		w.scope.Line = &lines[k]
		it := LineItem{Index: k, Product: lines[k].Product}
		var cond stepRec
		if en.When != nil {
			ok, err := holds(en.When, &w.scope)
			if err != nil {
				e.fail(w, "earning "+quote(en.ID)+" condition on line "+itoa(k+1), en.Origin, err)
				return
			}
			if !w.noTrace {
				cond = e.exprStep(w, StepCondition, en.ID, i, en.When, &en.Origin)
			}
			if !ok {
				it.Reason = ReasonCondition
				items[k] = it
				e.lineItemStep(w, i, it, cond, stepRec{})
				continue
			}
		}
		v, err := value(en.Amount, &w.scope)
		if err != nil {
			e.fail(w, "earning "+quote(en.ID)+" amount on line "+itoa(k+1), en.Origin, err)
			return
		}
		it.Applies, it.Amount = true, v
		if v.IsZero() {
			it.Reason = ReasonZero
		}
		applies = true
		sum = sum.Add(v)
		items[k] = it
		var amt stepRec
		if !w.noTrace {
			amt = e.exprStep(w, StepFormula, en.ID, i, en.Amount, &en.Origin)
		}
		e.lineItemStep(w, i, it, cond, amt)
	}
	ln.whenDone, ln.holds = true, applies
	ln.amountDone, ln.amount = true, sum
	ln.grossDone, ln.gross = true, sum
	if w.items == nil {
		w.items = make([][]LineItem, len(w.lines))
	}
	w.items[i] = items
	if !w.noTrace && !applies {
		n := len(lines)
		w.add(secLines+int32(i), stepRec{Kind: StepCondition, ref: en.ID, Index: i, origin: &en.Origin, words: func() string {
			if n == 0 {
				return "earning " + quote(en.ID) + " does not apply: it is paid per product line and the deal has none"
			}
			return "earning " + quote(en.ID) + " does not apply: its condition holds for none of the deal's " + itoa(n) + " product lines"
		}})
	}
}

// lineItemStep records one line's result of a per-line earning.
func (e *Evaluator) lineItemStep(w *work, i int, it LineItem, cond, amt stepRec) {
	if w.noTrace {
		return
	}
	en, cur := e.earn[i].e, e.p.Currency
	// (the words read the inputs later: they must not stay in the arena)
	cond.inputs, amt.inputs = w.ownInputs(cond), w.ownInputs(amt)
	st := stepRec{Kind: StepFormula, ref: en.ID, Index: i, OK: it.Applies, amount: it.Amount, origin: &en.Origin}
	if !it.Applies {
		st.Kind = StepCondition
	}
	st.words = func() string {
		s := "earning " + quote(en.ID) + " line " + itoa(it.Index+1) + " (" + quote(it.Product) + "): "
		if !it.Applies {
			return s + "nothing, " + it.Reason + ": " + cond.source + describeInputs(cond.inputs, cur)
		}
		s += amt.source + " = " + fmtAmount(it.Amount, cur) + describeInputs(amt.inputs, cur)
		if it.Reason != "" {
			s += "; nothing, " + it.Reason
		}
		return s
	}
	w.add(secLines+int32(i), st)
}
