package incentive

import (
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// PickTop pays at most Group.Max of the group's lines, ranked as Group.By
// says; lines that pay zero take no place. The others are dropped, and the
// explanation names each with its rank.
const PickTop Pick = "top"

// PickBy says how a PickTop group ranks its lines.
type PickBy string

const (
	// ByPriority ranks lines by Earning.Priority, 1 first; lines with equal
	// priorities, and lines without one (0, ranked after all with one),
	// keep declaration order.
	ByPriority PickBy = "priority"
	// ByAmount ranks lines by amount, the largest (by absolute value) first;
	// equal amounts keep declaration order.
	ByAmount PickBy = "amount"
)

// rankTop orders the holding members of a PickTop group, best first.
func (e *Evaluator) rankTop(g *Group, w *work, members []int) []int {
	ranked := slices.Clone(members)
	slices.SortStableFunc(ranked, func(a, b int) int {
		if g.By == ByAmount {
			return w.lines[b].final.Abs().Cmp(w.lines[a].final.Abs())
		}
		pa, pb := e.earn[a].e.Priority, e.earn[b].e.Priority
		switch {
		case pa == pb:
			return 0
		case pa == 0:
			return 1
		case pb == 0:
			return -1
		case pa < pb:
			return -1
		}
		return 1
	})
	return ranked
}

// pickTop marks the lines of a PickTop group that do not pay, and returns
// the ranked members and how many of them pay.
func (e *Evaluator) pickTop(g *Group, w *work, members []int) (ranked []int, paid int) {
	ranked = e.rankTop(g, w, members)
	for _, i := range ranked {
		ln := &w.lines[i]
		if ln.final.IsZero() {
			continue
		}
		if paid < g.Max {
			paid++
			continue
		}
		ln.dropped = true
	}
	return ranked, paid
}

// topWords describes a PickTop group's choice: what paid, and each line
// dropped with its rank.
func (e *Evaluator) topWords(g *Group, w []decimal.Decimal, ranked []int, dropped []bool) string {
	cur := e.p.Currency
	var kept, gone []string
	for k, i := range ranked {
		en := e.earn[i].e
		desc := quote(en.ID) + " " + fmtAmount(w[k], cur)
		if g.By == ByPriority {
			if en.Priority > 0 {
				desc += " (priority " + itoa(en.Priority) + ")"
			} else {
				desc += " (no priority)"
			}
		}
		switch {
		case dropped[k]:
			gone = append(gone, desc+" ranked "+itoa(k+1))
		case w[k].IsZero():
		default:
			kept = append(kept, desc)
		}
	}
	s := "group " + quote(g.ID) + " (pays at most " + itoa(g.Max) + " by " + string(g.By) + ")"
	if len(kept) == 0 {
		s += ": no line pays"
	} else {
		s += " pays " + strings.Join(kept, ", ")
	}
	if len(gone) > 0 {
		s += "; dropped " + strings.Join(gone, ", ") + ": the group pays at most " + itoa(g.Max)
	}
	return s
}
