package incentive

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Review rbatch9 (issue #11, round 9): lineRoom (a new result's Lines and
// Lost in one allocation made by ownTerms) and takeCutAt writing a cap
// cut field by field.

// rb9Program: a = 10% of the deal, b = 5%, c = 100 fixed; a line cap of
// 80 on a, a deal cap of 150, a partner cap of 300 a quarter and a budget
// of 450, so that up to three caps cut the same line and the cuts spread
// over every line.
func rb9Program() *Program {
	p := simple(withRate("a", "0.10", nil), withRate("b", "0.05", nil),
		Earning{ID: "c", Type: Spiff, Amount: Const(dec("100"))})
	p.Period = PeriodQuarter
	p.Caps = []Cap{
		{Scope: CapLine, Earning: "a", Limit: dec("80")},
		{Scope: CapDeal, Limit: dec("150")},
		{Scope: CapPartner, Limit: dec("300")},
		{Scope: CapBudget, Limit: dec("450")},
	}
	return p
}

// rb9Lines renders a result's lines as "id amount [cap scope limit cut ...]".
func rb9Lines(r *Result) string {
	var sb strings.Builder
	for _, l := range r.Lines {
		fmt.Fprintf(&sb, "%s %s", l.Earning, l.Amount.amount.StringFixed(2))
		for _, c := range l.Cuts {
			fmt.Fprintf(&sb, " [%d %s %s %s]", c.Cap, c.Scope, c.Limit.StringFixed(2), c.Cut.StringFixed(2))
		}
		sb.WriteString("; ")
	}
	return sb.String()
}

// Cap cuts of several caps on one line and spread over the lines, in
// every kind of run: each result's cuts are the hand-computed ones when
// yielded, and a kept result's (no ReuseResults) are still those after
// the later deals of the run, whose cuts come from the same room (the
// run's cut slab, or cutRoom's with ReuseResults, checked at yield).
func TestReviewRbatch9CutsOfSeveralCaps(t *testing.T) {
	p := rb9Program()
	deals := []Deal{
		deal("D-1", "P-1", "1000", "2026-11-01"),
		deal("D-2", "P-1", "1000", "2026-11-02"),
		deal("D-3", "P-1", "1000", "2026-11-03"),
		deal("D-4", "P-2", "2000", "2026-11-04"),
		deal("D-5", "P-2", "2000", "2026-11-05"),
	}
	want := []string{
		// a = 100, cut 20 by the line cap to 80; b = 50; c = 100;
		// 80 + 50 + 100 = 230, the deal cap (150) cuts 80 from c, the
		// last line: 100 - 80 = 20. P-1 has 150 of 300, the budget 150 of
		// 450.
		"a 80.00 [0 line 80.00 20.00]; b 50.00; c 20.00 [1 deal 150.00 80.00]; ",
		// The same; P-1 has 300 of 300, exactly the cap: no cut. Budget
		// 300 of 450.
		"a 80.00 [0 line 80.00 20.00]; b 50.00; c 20.00 [1 deal 150.00 80.00]; ",
		// The same 150 after the deal cap, but P-1's cap is spent: it cuts
		// all 150, last line first: c 20, b 50, a 80. The budget then
		// sees 0 (or, first, 300 + 150 = 450, not above 450): no cut.
		"a 0.00 [0 line 80.00 20.00] [2 partner 300.00 80.00]; b 0.00 [2 partner 300.00 50.00]; c 0.00 [1 deal 150.00 80.00] [2 partner 300.00 20.00]; ",
		// a = 200, cut 120 to 80; b = 100; c = 100; 280 - 150 = 130 cut
		// by the deal cap: c 100 to 0, then 30 of b: 70. P-2 has 150 of
		// 300; the budget 300 + 150 = 450 of 450: no cut.
		"a 80.00 [0 line 80.00 120.00]; b 70.00 [1 deal 150.00 30.00]; c 0.00 [1 deal 150.00 100.00]; ",
		// As D-4 up to the deal cap; the budget is spent: it cuts the 150,
		// c being 0 already: b 70, a 80. (P-2: 150 + 150 = 300 of 300,
		// or 150 + 0: no cut either way.)
		"a 0.00 [0 line 80.00 120.00] [3 budget 450.00 80.00]; b 0.00 [1 deal 150.00 30.00] [3 budget 450.00 70.00]; c 0.00 [1 deal 150.00 100.00]; ",
	}
	wantTotal := []string{"150.00", "150.00", "0.00", "150.00", "0.00"}
	for _, workers := range []int{1, 2, 3} {
		for _, noTrace := range []bool{false, true} {
			for _, reuse := range []bool{false, true} {
				name := fmt.Sprintf("workers %d, no trace %v, reuse %v", workers, noTrace, reuse)
				var kept []*Result
				var keptJSON []string
				i := 0
				for r, err := range Run(t.Context(), p, b9Inputs(deals...), RunOptions{Workers: workers, NoTrace: noTrace, ReuseResults: reuse}) {
					require.NoError(t, err, name)
					require.Less(t, i, len(want), name)
					assert.Equal(t, want[i], rb9Lines(r), "%s %s", name, r.DealID)
					assert.Equal(t, wantTotal[i], r.Total.amount.StringFixed(2), "%s %s", name, r.DealID)
					if !reuse {
						b, err := json.Marshal(r)
						require.NoError(t, err)
						kept, keptJSON = append(kept, r), append(keptJSON, string(b))
					}
					i++
				}
				require.Equal(t, len(want), i, name)
				for k, r := range kept {
					assert.Equal(t, want[k], rb9Lines(r), "%s %s after the run", name, r.DealID)
					b, err := json.Marshal(r)
					require.NoError(t, err)
					assert.Equal(t, keptJSON[k], string(b), "%s %s after the run", name, r.DealID)
				}
				// A line's cuts are capped at their length: appending to
				// one line's leaves the next line's, and the next deal's,
				// as they were.
				for k, r := range kept {
					for li := range r.Lines {
						if cs := r.Lines[li].Cuts; len(cs) > 0 {
							_ = append(cs, CapCut{Cap: 9, Scope: CapBudget, Limit: dec("1"), Cut: dec("1")})
						}
					}
					assert.Equal(t, want[k], rb9Lines(r), "%s %s after appending", name, r.DealID)
				}
				for k, r := range kept {
					assert.Equal(t, want[k], rb9Lines(r), "%s %s after appending to all", name, r.DealID)
				}
			}
		}
	}
}

// takeCutAt writes a CapCut field by field (0c363e2): a field added to
// CapCut would be left zero (or the previous deal's, in reused room) in
// every cap cut. This pins the fields it writes.
func TestReviewRbatch9CapCutFields(t *testing.T) {
	var names []string
	ty := reflect.TypeFor[CapCut]()
	for i := range ty.NumField() {
		names = append(names, ty.Field(i).Name)
	}
	assert.Equal(t, []string{"Cap", "Scope", "Limit", "Cut"}, names,
		"takeCutAt (caps.go) copies these fields one by one: copy a new one there too")
}

// rb9GroupProgram: a = 100 and b = 200 fixed; c = 300 and d = 400 in
// group g, which pays the first that holds; d holds only on deals of
// 5,000 or more, so a deal below pays a, b, c and loses nothing, and one
// at or above loses d.
func rb9GroupProgram() *Program {
	fixed := func(id, group, amount string, when Condition) Earning {
		return Earning{ID: id, Type: Spiff, Group: group, When: when, Amount: Const(dec(amount))}
	}
	p := simple(fixed("a", "", "100", nil), fixed("b", "", "200", nil),
		fixed("c", "g", "300", nil), fixed("d", "g", "400", AtLeast(PathDealAmount, dec("5000"))))
	p.Groups = []Group{{ID: "g", Pick: PickFirst}}
	return p
}

// Appending to a result's Lost (which shares lineRoom's allocation with
// its Lines, right after them) copies: the Lines stay as they were, and
// so does every other result of the run.
func TestReviewRbatch9AppendToLost(t *testing.T) {
	p := rb9GroupProgram()
	for name, rs := range b9Runs(t, p, deal("D-1", "P-1", "6000", "2026-11-01"), deal("D-2", "P-1", "7000", "2026-11-02")) {
		require.Len(t, rs, 2, name)
		for _, r := range rs {
			require.Len(t, r.Lost, 1, name)
			lost := append(r.Lost, Line{Earning: "extra", Amount: usd("1")}, Line{Earning: "extra2", Amount: usd("2")})
			require.Len(t, lost, 3, name)
		}
		for _, r := range rs {
			// 100 + 200 + 300 = 600 paid; d's 400 lost.
			assert.Equal(t, "600.00", r.Total.amount.StringFixed(2), name)
			require.Len(t, r.Lines, 3, name)
			for k, id := range []string{"a", "b", "c"} {
				assert.Equal(t, id, r.Lines[k].Earning, name)
			}
			require.Len(t, r.Lost, 1, name)
			assert.Equal(t, "d", r.Lost[0].Earning, name)
			assert.Equal(t, "400.00", r.Lost[0].Amount.amount.StringFixed(2), name)
		}
	}
}

// A result Evaluate made (Lines and Lost in one room) handed to
// EvaluateInto, as "any Result the caller is done with": its Lines' and
// Lost's room is reused for the next deals, which lose a line or not, and
// each result is Evaluate's, byte for byte.
func TestReviewRbatch9IntoEvaluatesResult(t *testing.T) {
	p := rb9GroupProgram()
	e, err := NewEvaluator(p)
	require.NoError(t, err)
	asOf := day("2026-12-31")
	ins := []Input{
		{Deal: deal("D-1", "P-1", "6000", "2026-11-01"), Partner: gold("P-1")}, // loses d
		{Deal: deal("D-2", "P-1", "1000", "2026-11-02"), Partner: gold("P-1")}, // loses nothing
		{Deal: deal("D-3", "P-1", "9000", "2026-11-03"), Partner: gold("P-1")}, // loses d
		{Deal: deal("D-4", "P-1", "6000", "2026-11-04"), Partner: gold("P-1")}, // loses d
	}
	for _, noTrace := range []bool{false, true} {
		res, err := e.Evaluate(t.Context(), ins[0], asOf)
		require.NoError(t, err)
		require.Len(t, res.Lost, 1)
		for _, in := range ins[1:] {
			want, err := e.Evaluate(t.Context(), in, asOf)
			require.NoError(t, err)
			if noTrace {
				err = e.EvaluateNoTraceInto(t.Context(), res, &in, asOf)
				want.Trace = nil
			} else {
				err = e.EvaluateInto(t.Context(), res, &in, asOf)
			}
			require.NoError(t, err)
			wb, err := json.Marshal(want)
			require.NoError(t, err)
			gb, err := json.Marshal(res)
			require.NoError(t, err)
			assert.Equal(t, string(wb), string(gb), in.Deal.ID)
			if !noTrace {
				assert.Equal(t, want.Explain(), res.Explain(), in.Deal.ID)
			}
			// 100 + 200 + 300 = 600 whether d holds or not.
			assert.Equal(t, "600.00", res.Total.amount.StringFixed(2), in.Deal.ID)
			assert.Len(t, res.Lines, 3, in.Deal.ID)
			if in.Deal.ID == "D-2" {
				assert.Empty(t, res.Lost, in.Deal.ID)
			} else {
				require.Len(t, res.Lost, 1, in.Deal.ID)
				assert.Equal(t, "d", res.Lost[0].Earning, in.Deal.ID)
			}
		}
	}
}
