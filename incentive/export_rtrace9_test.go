package incentive

// DetailViaStepForTest has e record every detail step through add and
// step (stepRec, rawStep.derives) instead of addDetail's straight path.
func DetailViaStepForTest(e *Evaluator) { e.detailViaStep = true }

// TraceWordsForTest is the number of words of the trace block r's first
// step points at (0 without a trace).
func TraceWordsForTest(r *Result) int {
	if len(r.Trace) == 0 || r.Trace[0].blk == nil {
		return 0
	}
	return int(r.Trace[0].blk.nw)
}
