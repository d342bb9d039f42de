package incentive

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// refTakeCutAt is takeCutAt as it was before the cut left was kept in fx:
// every step in shopspring (through decSub, itself property-tested against
// shopspring). The fast version must leave the lines exactly as it does.
func refTakeCutAt(w *work, ci int, c *Cap, limit, cut decimal.Decimal) {
	sign := cut.Sign()
	for i := len(w.lines) - 1; i >= 0 && !cut.IsZero(); i-- {
		ln := &w.lines[i]
		if !ln.holds || ln.dropped || ln.final.Sign() != sign {
			continue
		}
		var take decimal.Decimal
		if sign > 0 {
			take = decimal.Min(ln.final, cut)
		} else {
			take = decimal.Max(ln.final, cut)
		}
		ln.final = ln.final.Sub(take)
		cut = cut.Sub(take)
		if c != nil {
			ln.cuts = append(ln.cuts, CapCut{Cap: ci, Scope: c.Scope, Limit: limit, Cut: take})
		}
	}
}

// takeCutAt leaves every line's amount and cuts exactly (coefficient,
// exponent and form) as the shopspring computation does: on lines and
// cuts at scales 0 to 9, near and beyond the int64 limits, positive and
// negative, with the cut the lines' whole sum (a spent budget), a part of
// it, or more than it.
func TestPropertyTakeCutMatchesShopspring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sign := rapid.SampledFrom([]int{1, -1}).Draw(t, "sign")
		n := rapid.IntRange(1, 5).Draw(t, "lines")
		lines := make([]lineWork, n)
		sum := decimal.Zero
		for i := range lines {
			ln := &lines[i]
			ln.holds = rapid.IntRange(0, 5).Draw(t, "holds") > 0
			ln.dropped = rapid.IntRange(0, 7).Draw(t, "dropped") == 0
			ln.final = genFxDecimal(t, "final")
			if ln.holds && !ln.dropped && ln.final.Sign() == sign {
				sum = sum.Add(ln.final)
			}
			if rapid.IntRange(0, 3).Draw(t, "hasCut") == 0 {
				ln.cuts = []CapCut{{Cap: 9, Cut: decimal.New(1, 0)}}
			}
		}
		var cut decimal.Decimal
		switch rapid.IntRange(0, 3).Draw(t, "cutKind") {
		case 0: // a spent budget: everything the lines pay
			cut = sum
		case 1: // part of it
			cut = genFxDecimal(t, "cut").Abs()
			if sign < 0 {
				cut = cut.Neg()
			}
		case 2: // the sum at a finer scale (1.50 for 1.5)
			cut = sum.Add(decimal.New(0, sum.Exponent()-1))
		default: // the sum and a little more
			cut = sum.Add(decimal.New(int64(sign), rapid.Int32Range(-9, 0).Draw(t, "moreExp")))
		}
		if cut.Sign() != sign {
			return // takeCutAt is called with a nonzero cut of the lines' sign
		}
		c := &Cap{Scope: CapBudget, Limit: decimal.New(250000, 0)}
		if rapid.IntRange(0, 4).Draw(t, "nilCap") == 0 {
			c = nil
		}
		// A line's earlier cuts may have room after them (append's growth).
		extra := rapid.IntRange(0, 2).Draw(t, "extra")
		copyLines := func(extra int) []lineWork {
			l := make([]lineWork, n)
			copy(l, lines)
			for i := range l {
				if lines[i].cuts != nil {
					l[i].cuts = append(make([]CapCut, 0, len(lines[i].cuts)+extra), lines[i].cuts...)
				}
			}
			return l
		}
		var e Evaluator
		got, want := &work{lines: copyLines(extra)}, &work{lines: copyLines(0)}
		if rapid.Bool().Draw(t, "cutRoom") {
			// Room made by a run (cutRoom) for a program of a few deal
			// caps and partner or budget caps.
			e.dealCaps = make([]int, rapid.IntRange(0, 2).Draw(t, "dealCaps"))
			e.runCaps = make([]int, rapid.IntRange(0, 2).Draw(t, "runCaps"))
			got.cutSpare = e.cutRoom(got, make([]CapCut, 0, rapid.IntRange(0, 8).Draw(t, "buf")))
		} else {
			// Room of any size: too little falls back to allocating.
			got.cutSpare = make([]CapCut, rapid.IntRange(0, 12).Draw(t, "room"))
		}
		// A second cut on the same lines, as a deal cap's and then the
		// budget's, when the first leaves something to cut.
		second := rapid.Bool().Draw(t, "second")
		e.takeCutAt(got, 3, c, decimal.New(7, 0), cut)
		refTakeCutAt(want, 3, c, decimal.New(7, 0), cut)
		if second {
			var rest decimal.Decimal
			for i := range want.lines {
				if ln := &want.lines[i]; ln.holds && !ln.dropped && ln.final.Sign() == sign {
					rest = ln.final // what the lowest such line has left
				}
			}
			if rest.Sign() == sign {
				e.takeCutAt(got, 4, c, decimal.New(8, 0), rest)
				refTakeCutAt(want, 4, c, decimal.New(8, 0), rest)
			}
		}
		for i := range got.lines {
			g, w := &got.lines[i], &want.lines[i]
			if !reflect.DeepEqual(g.final, w.final) {
				t.Fatalf("line %d of %d, cut %s: final %s (exp %d), shopspring %s (exp %d)", i, n, cut, g.final, g.final.Exponent(), w.final, w.final.Exponent())
			}
			if len(g.cuts) != len(w.cuts) {
				t.Fatalf("line %d, cut %s: %d cuts, shopspring %d", i, cut, len(g.cuts), len(w.cuts))
			}
			for k := range g.cuts {
				if !reflect.DeepEqual(g.cuts[k], w.cuts[k]) {
					t.Fatalf("line %d, cut %s: cut %d %+v, shopspring %+v", i, cut, k, g.cuts[k], w.cuts[k])
				}
			}
		}
		// The lines' cuts share memory but never overlap: appending to
		// one line's cuts leaves every other line's as they were.
		for i := range got.lines {
			got.lines[i].cuts = append(got.lines[i].cuts, CapCut{Cap: 100 + i})
		}
		for i := range got.lines {
			g, w := got.lines[i].cuts, want.lines[i].cuts
			if len(g) != len(w)+1 || g[len(w)].Cap != 100+i {
				t.Fatalf("line %d: cuts %+v after appending, want %+v and cap %d", i, g, w, 100+i)
			}
			for k := range w {
				if !reflect.DeepEqual(g[k], w[k]) {
					t.Fatalf("line %d: cut %d became %+v after appending to the lines, want %+v", i, k, g[k], w[k])
				}
			}
		}
	})
}

// A spent budget's cut of two paying lines makes no decimal for what is
// left after the first line: only the CapCut slice the lines share.
func TestTakeCutSpentBudgetAllocs(t *testing.T) {
	c := &Cap{Scope: CapBudget, Limit: decimal.New(250000, 0)}
	a, b := decimal.New(24000, -2), decimal.New(150000, -2) // 240.00, 1500.00
	cut := decimal.New(174000, -2)                          // 240.00 + 1500.00 = 1740.00
	var e Evaluator
	w := &work{lines: make([]lineWork, 2)}
	allocs := testing.AllocsPerRun(100, func() {
		w.lines[0] = lineWork{holds: true, final: a}
		w.lines[1] = lineWork{holds: true, final: b}
		e.takeCutAt(w, 2, c, c.Limit, cut)
	})
	if !w.lines[0].final.IsZero() || !w.lines[1].final.IsZero() {
		t.Fatalf("lines left %s and %s, want both zero", w.lines[0].final, w.lines[1].final)
	}
	if !w.lines[0].cuts[0].Cut.Equal(a) || !w.lines[1].cuts[0].Cut.Equal(b) {
		t.Fatalf("cuts %s and %s, want 240.00 and 1500.00", w.lines[0].cuts[0].Cut, w.lines[1].cuts[0].Cut)
	}
	if allocs != 1 {
		t.Fatalf("%v allocations, want 1 (the shared CapCut slice)", allocs)
	}
}
