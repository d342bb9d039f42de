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
		switch rapid.IntRange(0, 2).Draw(t, "roomKind") {
		case 0:
			// Room made by a run (cutRoom) for a program of a few deal
			// caps and partner or budget caps.
			e.dealCaps = make([]int, rapid.IntRange(0, 2).Draw(t, "dealCaps"))
			e.runCaps = make([]int, rapid.IntRange(0, 2).Draw(t, "runCaps"))
			got.cutSpare = e.cutRoom(got, make([]CapCut, 0, rapid.IntRange(0, 8).Draw(t, "buf")))
		case 1:
			// Room of any size: too little falls back to allocating.
			got.cutSpare = make([]CapCut, rapid.IntRange(0, 12).Draw(t, "room"))
		default:
			// A run's slab (cutSlab.lend) with a little room left, or
			// none: takeCutAt asks it for a new block.
			slab := &cutSlab{free: make([]CapCut, rapid.IntRange(0, 3).Draw(t, "slabLeft"))}
			slab.lend(got)
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

// A line cut twice from the same room (a deal cap's cut, then the
// budget's) grows its cuts in place, over the room just below them: the
// room gives one cut more, not the line's earlier cuts again. The cuts
// read in the order taken and the lines' cuts do not overlap.
func TestTakeCutGrowsInPlace(t *testing.T) {
	var e Evaluator
	budget := &Cap{Scope: CapBudget, Limit: decimal.New(250000, 0)}
	dealCap := &Cap{Scope: CapDeal, Limit: decimal.New(120, 0)}
	room := make([]CapCut, 8)
	w := &work{lines: []lineWork{{holds: true, final: decimal.New(100, 0)}, {holds: true, final: decimal.New(50, 0)}}}
	w.cutSpare = room
	// 150 against a deal cap of 120: 30 off the last line (50 -> 20).
	e.takeCutAt(w, 1, dealCap, dealCap.Limit, decimal.New(30, 0))
	if len(w.cutSpare) != 7 {
		t.Fatalf("room left %d after one cut, want 7", len(w.cutSpare))
	}
	// A spent budget takes the rest: 20 off the last line, 100 off the
	// first.
	e.takeCutAt(w, 2, budget, budget.Limit, decimal.New(120, 0))
	// 8 - 1 (deal cap) - 1 (the last line's second cut, in place) - 1
	// (the first line's) = 5; copying the last line's cuts took 2 and
	// left its first one behind: 4.
	if len(w.cutSpare) != 5 {
		t.Fatalf("room left %d after three cuts, want 5", len(w.cutSpare))
	}
	last, first := w.lines[1].cuts, w.lines[0].cuts
	if len(last) != 2 || last[0].Cap != 1 || !last[0].Cut.Equal(decimal.New(30, 0)) || last[1].Cap != 2 || !last[1].Cut.Equal(decimal.New(20, 0)) {
		t.Fatalf("last line's cuts %+v, want the deal cap's 30 then the budget's 20", last)
	}
	if len(first) != 1 || first[0].Cap != 2 || !first[0].Cut.Equal(decimal.New(100, 0)) {
		t.Fatalf("first line's cuts %+v, want the budget's 100", first)
	}
	// In the room, below one another: first at 5, last at 6 and 7.
	if &first[0] != &room[5] || &last[0] != &room[6] || &last[1] != &room[7] {
		t.Fatal("the cuts are not where the room gave them")
	}
	if !w.lines[0].final.IsZero() || !w.lines[1].final.IsZero() {
		t.Fatalf("lines left %s and %s, want both zero", w.lines[0].final, w.lines[1].final)
	}
}

// A run's slab lent with no room left gives a new block of cutSlabSize at
// the first cut, and takes back what the deal left of it.
func TestCutSlabFreshBlock(t *testing.T) {
	var e Evaluator
	budget := &Cap{Scope: CapBudget, Limit: decimal.New(250000, 0)}
	var slab cutSlab
	w := &work{lines: []lineWork{{holds: true, final: decimal.New(100, 0)}, {holds: true, final: decimal.New(50, 0)}}}
	slab.lend(w)
	e.takeCutAt(w, 0, budget, budget.Limit, decimal.New(150, 0))
	slab.settle(w)
	if w.cutSpare != nil || w.cutSlab != nil {
		t.Fatal("the work still holds the slab after settle")
	}
	// Two cuts from a block of 32.
	if len(slab.free) != cutSlabSize-2 || cap(slab.free) != cutSlabSize {
		t.Fatalf("slab left %d of %d, want %d of %d", len(slab.free), cap(slab.free), cutSlabSize-2, cutSlabSize)
	}
	if !w.lines[0].cuts[0].Cut.Equal(decimal.New(100, 0)) || !w.lines[1].cuts[0].Cut.Equal(decimal.New(50, 0)) {
		t.Fatalf("cuts %+v and %+v, want 100 and 50", w.lines[0].cuts, w.lines[1].cuts)
	}
	// The next deal's cuts come from the same block, below these.
	w2 := &work{lines: []lineWork{{holds: true, final: decimal.New(7, 0)}}}
	slab.lend(w2)
	e.takeCutAt(w2, 0, budget, budget.Limit, decimal.New(7, 0))
	slab.settle(w2)
	if len(slab.free) != cutSlabSize-3 || &w2.lines[0].cuts[0] != &slab.free[:cutSlabSize-2][cutSlabSize-3] {
		t.Fatalf("the next deal's cut is not the block's next room (%d left)", len(slab.free))
	}
	if !w.lines[0].cuts[0].Cut.Equal(decimal.New(100, 0)) || !w.lines[1].cuts[0].Cut.Equal(decimal.New(50, 0)) {
		t.Fatal("the first deal's cuts changed")
	}
}
