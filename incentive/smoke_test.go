package incentive

import "testing"

func TestSmoke(t *testing.T) {
	r := mustEval(t, spiffProgram(), Input{Deal: deal("D-1", "P-1", "12000.00", "2026-11-03"), Partner: gold("P-1")})
	t.Log(r.Explain())
	r = mustEval(t, spiffProgram(), Input{Deal: deal("D-1", "P-1", "12000.00", "2026-11-03"), Partner: silver("P-1")})
	t.Log(r.Explain())
}
