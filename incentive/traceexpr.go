package incentive

import (
	"math"
	"unsafe"

	"github.com/shopspring/decimal"
)

// addExpr records the step of a clause, condition or formula x (kind,
// ref, idx and o as for exprStep) that gave ok and amount, in section.
//
// When x is the part of the program NewEvaluator described (planParts:
// the same Reads, Source, name and origin), the step derives all of them
// from the program, and is written straight into the scratch's compact
// form (rawStep), its values read recorded as exprStep records them:
// what exprStep, add and step do for it, without building a stepRec (a
// record of some 170 bytes, pointers and all), copying it twice and
// checking field by field that it derives (rawStep.derives). Any other
// step goes that way. The records are the same
// (TestAddExprMatchesExprStep).
func (e *Evaluator) addExpr(w *work, section int32, kind StepKind, ref string, idx int, x any, o *Origin, ok bool, amount decimal.Decimal) {
	if pt := e.exprPart(kind, idx); pt != nil && !pt.viaStep && pt.ref == ref && pt.origin == o {
		if d, isDesc := x.(Describer); isDesc {
			reads := d.Reads()
			w.scratch()
			if len(reads) <= math.MaxUint8 && len(reads) == len(pt.reads) &&
				(len(reads) == 0 || unsafe.SliceData(reads) == unsafe.SliceData(pt.reads)) &&
				len(w.ins) <= math.MaxUint16 && d.Source() == pt.source {
				st := rawStep{Kind: kind, OK: ok, Index: idx, section: section, det: detExpr, in: uint16(len(w.ins))}
				n0 := w.nins
				w.recordReads(reads)
				st.nin = uint8(w.nins - n0)
				var ame int32
				st.flags, st.amc, ame = w.amount(amount)
				st.ame = int16(ame)
				w.trace = append(w.trace, st)
				return
			}
		}
	}
	st := e.exprStep(w, kind, ref, idx, x, o)
	st.OK, st.amount = ok, amount
	w.add(section, st)
}
