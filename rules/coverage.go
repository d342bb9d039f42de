package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/incentive"
)

// CoverageKind is the kind of program part coverage tracks.
type CoverageKind string

// Coverage kinds.
const (
	// CoverClause: an eligibility clause is covered when at least one test
	// saw it hold and at least one saw it fail (a clause that never fails
	// is never shown to exclude anything).
	CoverClause CoverageKind = "clause"
	// CoverEarning: an earning is covered when some test's deal earned a
	// non-zero gross amount from it.
	CoverEarning CoverageKind = "earning"
	// CoverBand: a band is covered when some test's basis reached it.
	CoverBand CoverageKind = "band"
	// CoverCap: a cap is covered when it cut something in some test.
	CoverCap CoverageKind = "cap"
)

// Coverage lists the parts of the programs and whether the tests
// exercised them.
type Coverage struct {
	Items []CoverageItem
}

// CoverageItem is one clause, earning, band or cap.
type CoverageItem struct {
	Program string // program id
	Kind    CoverageKind
	// Name describes the part: `clause "registered"`, `earning "base"`,
	// `band 2 ("silver") of earning "volume"`, `cap "per_deal"`.
	Name   string
	Origin incentive.Origin
	// Covered is true when the tests exercised the part.
	Covered bool
	// Gap says what no test did, e.g. "never paid by any test"; empty when
	// covered.
	Gap string
}

// Covered returns the number of covered items.
func (c *Coverage) Covered() int {
	n := 0
	for _, it := range c.Items {
		if it.Covered {
			n++
		}
	}
	return n
}

// Percent returns the covered share of the items in whole percent,
// rounded down; 100 when there is nothing to cover.
func (c *Coverage) Percent() int {
	if len(c.Items) == 0 {
		return 100
	}
	return c.Covered() * 100 / len(c.Items)
}

// Gaps returns the items no test exercised.
func (c *Coverage) Gaps() []CoverageItem {
	var out []CoverageItem
	for _, it := range c.Items {
		if !it.Covered {
			out = append(out, it)
		}
	}
	return out
}

// String renders the gaps, one per line as `file:line: earning "x" never
// paid by any test`, then a summary line.
func (c *Coverage) String() string {
	var b strings.Builder
	for _, it := range c.Gaps() {
		o := it.Origin
		o.Col = 0
		fmt.Fprintf(&b, "%s: %s %s\n", o, it.Name, it.Gap)
	}
	fmt.Fprintf(&b, "coverage: %d of %d clauses, earnings, bands and caps exercised (%d%%)\n", c.Covered(), len(c.Items), c.Percent())
	return b.String()
}

// coverage computes coverage from the results the tests produced.
func coverage(programs []*incentive.Program, results []*TestResult) *Coverage {
	byProgram := map[*incentive.Program][]*incentive.Result{}
	settled := map[*incentive.Program][]incentive.SettlementLine{}
	for _, tr := range results {
		byProgram[tr.Test.Program] = append(byProgram[tr.Test.Program], tr.Results...)
		settled[tr.Test.Program] = append(settled[tr.Test.Program], tr.Settlements...)
	}
	c := &Coverage{}
	for _, p := range programs {
		c.Items = append(c.Items, programCoverage(p, byProgram[p], settled[p])...)
	}
	return c
}

// programCoverage computes one program's coverage from its tests' results
// and settlement lines (a per_partner or budget cap that cut a true-up
// was bound).
func programCoverage(p *incentive.Program, results []*incentive.Result, settled []incentive.SettlementLine) []CoverageItem {
	var items []CoverageItem
	add := func(kind CoverageKind, name string, o incentive.Origin, covered bool, gap string) {
		if covered {
			gap = ""
		}
		items = append(items, CoverageItem{Program: p.ID, Kind: kind, Name: name, Origin: o, Covered: covered, Gap: gap})
	}
	for i, cl := range p.Eligibility {
		held, failed := false, false
		for _, r := range results {
			for _, s := range r.Trace {
				if s.Kind == incentive.StepClause && s.Index == i && s.Ref() == cl.Name {
					held = held || s.OK
					failed = failed || !s.OK
				}
			}
		}
		gap := "never evaluated by any test"
		switch {
		case held:
			gap = "never failed in any test"
		case failed:
			gap = "never held in any test"
		}
		add(CoverClause, fmt.Sprintf("clause %q", cl.Name), cl.Origin, held && failed, gap)
	}
	for _, e := range p.Earnings {
		paid := false
		reached := make([]bool, 0)
		if e.Bands != nil {
			reached = make([]bool, len(e.Bands.Bands))
		}
		for _, r := range results {
			for _, l := range r.Lines {
				if l.Earning != e.ID {
					continue
				}
				paid = paid || !l.Gross.IsZero()
				if l.Band != nil && l.Band.Index >= 0 && l.Band.Index < len(reached) {
					reached[l.Band.Index] = true
				}
			}
			// A line that lost its group's pick reached its band too.
			for _, l := range r.Lost {
				if l.Earning == e.ID && l.Band != nil && l.Band.Index >= 0 && l.Band.Index < len(reached) {
					reached[l.Band.Index] = true
				}
			}
		}
		add(CoverEarning, fmt.Sprintf("earning %q", e.ID), e.Origin, paid, "never paid by any test")
		if e.Bands == nil {
			continue
		}
		for j, b := range e.Bands.Bands {
			name := fmt.Sprintf("band %d of earning %q", j+1, e.ID)
			if b.Label != "" {
				name = fmt.Sprintf("band %d (%q) of earning %q", j+1, b.Label, e.ID)
			}
			add(CoverBand, name, b.Origin, reached[j], "never reached by any test")
		}
	}
	for k, cp := range p.Caps {
		bound := false
		for _, r := range results {
			// A line that lost its group's pick was cut by its line caps too.
			for _, l := range slices.Concat(r.Lines, r.Lost) {
				for _, cut := range l.Cuts {
					bound = bound || cut.Cap == k && cut.Cut.Sign() != 0
				}
			}
		}
		for _, sl := range settled {
			for _, cut := range sl.Cuts {
				bound = bound || cut.Cap == k && cut.Cut.Sign() != 0
			}
		}
		add(CoverCap, fmt.Sprintf("cap %q", capName(cp)), cp.Origin, bound, "never bound in any test")
	}
	return items
}
