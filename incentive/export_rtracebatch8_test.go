package incentive

// GeneralExprStepsForTest has e record every clause, condition and formula
// step the general way (exprStep, then step and rawStep.derives), as it
// records a part it does not know, instead of addExpr's straight path.
func GeneralExprStepsForTest(e *Evaluator) {
	for k := range e.parts {
		for i := range e.parts[k] {
			e.parts[k][i].viaStep = true
		}
	}
}
