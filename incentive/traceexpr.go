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

// addDetail records a step whose words its detail d renders (a band, a
// line's rounding or cap, a group's pick, a deal, partner or budget cap,
// the rounding rule, the claim, the total, the window; d nil for a step
// without words, the eligible window before finish gives it the deal's
// detail), with name ref and origin o as the caller has them.
//
// When the step's index and detail give ref and o (detailPart, as
// rawStep.derives checks), it is written straight into the scratch's
// compact form: what add and step do for it, without building a stepRec
// (some 170 bytes) and copying it twice. Any other step goes that way,
// as every step does with Evaluator.detailViaStep (tests compare the
// two: TestAddDetailMatchesStep).
func (e *Evaluator) addDetail(w *work, section int32, kind StepKind, ref string, idx int, o *Origin, ok bool, amount decimal.Decimal, d *stepDetail) {
	if w.noTrace {
		return
	}
	var det int32
	switch {
	case e.detailViaStep:
		det = detExpr // (not direct)
	case d == nil:
		if ref != "" || o != nil {
			det = detExpr
		}
	case d.kind == detailExpr || d.e != e:
		det = detExpr
	case d.kind == detailRule:
		det = detRule
		if ref != "" || o != nil {
			det = detExpr
		}
	default:
		det = d.idx + 1
		if pref, po := detailPart(e.p, idx, d); pref != ref || po != o {
			det = detExpr
		}
	}
	if det == detExpr {
		w.add(section, stepRec{Kind: kind, OK: ok, Index: idx, ref: ref, origin: o, amount: amount, detail: d})
		return
	}
	w.scratch()
	st := rawStep{Kind: kind, OK: ok, Index: idx, section: section, det: det}
	var ame int32
	st.flags, st.amc, ame = w.amount(amount)
	st.ame = int16(ame)
	w.trace = append(w.trace, st)
}
