package incentive

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// EarningsPrefix is the Scope path prefix of earnings' amounts: an earning
// reads an earlier earning's amount as "earnings.<id>.gross" (before its
// line caps and rounding) or "earnings.<id>.capped" (after them, before
// groups and the deal, partner and budget caps). An earning whose
// condition does not hold reads as zero.
const EarningsPrefix = "earnings."

// Earned returns earning index's amount for the scope's deal: before its
// line caps and rounding, or after them (capped). Only an earning declared
// before the reader may be read (Validate checks); it is an error when the
// earning has not been computed yet.
func (s *Scope) Earned(index int, capped bool) (decimal.Decimal, error) {
	w := s.work
	if w == nil || index < 0 || index >= len(w.lines) {
		return decimal.Decimal{}, fmt.Errorf("%w: earning %d is not readable here", ErrInvalidProgram, index)
	}
	ln := &w.lines[index]
	switch {
	case ln.whenDone && !ln.holds:
		return decimal.Decimal{}, nil
	case capped && ln.settled:
		return ln.final, nil
	case !capped && ln.grossDone:
		return ln.gross, nil
	}
	return decimal.Decimal{}, fmt.Errorf("%w: earning %q is read before it is computed", ErrInvalidProgram, s.Program.Earnings[index].ID)
}

// earningRef parses "earnings.<id>.gross" or "earnings.<id>.capped".
func earningRef(path string) (id string, capped, ok bool) {
	rest, ok := strings.CutPrefix(path, EarningsPrefix)
	if !ok {
		return "", false, false
	}
	if id, ok := strings.CutSuffix(rest, ".gross"); ok {
		return id, false, true
	}
	if id, ok := strings.CutSuffix(rest, ".capped"); ok {
		return id, true, true
	}
	return "", false, false
}

// inputName is how an explanation names an input path: an earning's
// amount as the earned() call that reads it, anything else as its path.
func inputName(path string) string {
	if id, capped, ok := earningRef(path); ok {
		state := "before_caps"
		if capped {
			state = "after_caps"
		}
		return `earned("` + id + `", "` + state + `")`
	}
	return path
}

// earningIndex returns the index of the earning with id, or -1.
func (p *Program) earningIndex(id string) int {
	for i := range p.Earnings {
		if p.Earnings[i].ID == id {
			return i
		}
	}
	return -1
}

// lookupEarned serves Scope.Lookup for earnings.<id>.gross|capped.
func (s *Scope) lookupEarned(path string) (any, bool) {
	id, capped, ok := earningRef(path)
	if !ok {
		return nil, false
	}
	v, err := s.Earned(s.Program.earningIndex(id), capped)
	return v, err == nil
}

// earningDeps returns the earnings x reads (by index).
func (p *Program) earningDeps(x any) []int {
	d, ok := x.(Describer)
	if !ok {
		return nil
	}
	var out []int
	for _, path := range d.Reads() {
		if id, _, ok := earningRef(path); ok {
			if j := p.earningIndex(id); j >= 0 {
				out = append(out, j)
			}
		}
	}
	return out
}

// validateEarningRefs checks that each earning reads only earnings
// declared before it, and that nothing else reads earnings.
func (p *Program) validateEarningRefs(at func(path, format string, args ...any)) {
	for i := range p.Earnings {
		e := &p.Earnings[i]
		for _, x := range []any{e.When, e.Amount} {
			for _, j := range p.earningDeps(x) {
				if j >= i {
					at(index("earnings", i), "earning %q reads earning %q, which is not declared before it; an earning reads only earlier earnings", e.ID, p.Earnings[j].ID)
				}
			}
		}
	}
	for i, c := range p.Eligibility {
		if len(p.earningDeps(c.When)) > 0 {
			at(index("eligibility", i)+".when", "clause %q reads an earning; only earnings read earlier earnings", c.Name)
		}
	}
	for _, v := range p.Values {
		if len(p.earningDeps(v.expr())) > 0 {
			at("values."+v.Name, "value %q reads an earning; only earnings read earlier earnings", v.Name)
		}
	}
}
