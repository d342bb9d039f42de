package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/partnerops/partnerops/milestone"
	"github.com/partnerops/partnerops/rules"
)

var plansCommand = &command{
	name:    "plans",
	summary: "print the portfolio of milestone plans: health, what needs attention, completion",
	usage:   "plans [-at DATE] [-window DAYS] [-cohort FROM..TO] [-limit N] [-escalations] FILE|DIR...",
	about: `
Plans loads the PlanTemplate and Plan documents of the files and
directories named (as check does), builds each plan from its template or
its own milestones, applies the events listed in it, and prints the
portfolio at the date -at: plans counted by health, what needs attention
ranked by severity (overdue milestones on the critical path first, then
outcomes missed or off track by trend, other overdue milestones, blocked
ones, then those at risk), each plan's progress and projected completion,
the completion of a cohort of plans by start date, and the median days
per milestone of each template. With -escalations it then lists the
escalations due at that date under each plan's policy (its template's
escalation: rules) that the plan's events do not record as delivered.

Each plan is read as it was at the end of the -at day (UTC): events after
it are left out, so a past date shows the portfolio as it stood then. The
output depends only on the files and the flags: -at defaults to today's
date in UTC, so pass it for a reproducible report. It exits 1 when a file
or plan has errors.`,
	example: "partnerops plans -at 2026-03-02 cmd/partnerops/testdata/plans",
	setup: func(fs *flag.FlagSet) action {
		at := fs.String("at", "", "the date to assess the plans at, YYYY-MM-DD (default today, UTC)")
		window := fs.Int("window", milestone.DefaultAtRiskWindow, "days before its due date that a milestone not started is at risk (0 turns the rule off)")
		cohort := fs.String("cohort", "", "report the completion of plans started FROM..TO (dates, both inclusive)")
		limit := fs.Int("limit", 0, "show at most this many items needing attention (0: all)")
		esc := fs.Bool("escalations", false, "also list the escalations due, by plan")
		return func(_ context.Context, args []string, stdout, stderr io.Writer) int {
			return plans(args, *at, *window, *cohort, *limit, *esc, stdout, stderr)
		}
	},
}

func plans(args []string, at string, window int, cohort string, limit int, esc bool, stdout, stderr io.Writer) int {
	now := time.Now().UTC()
	if at != "" {
		d, err := milestone.ParseDate(at)
		if err != nil {
			return usageError(stderr, "plans", "-at: want a date written YYYY-MM-DD, got %q", at)
		}
		// The end of the day: events of that day count.
		now = d.AddDays(1).Time().Add(-time.Nanosecond)
	}
	if window < 0 {
		return usageError(stderr, "plans", "-window must not be negative, got %d", window)
	}
	params := milestone.PortfolioParams{Now: now, AttentionLimit: limit}
	if cohort != "" {
		from, to, ok := strings.Cut(cohort, "..")
		f, err1 := milestone.ParseDate(from)
		t, err2 := milestone.ParseDate(to)
		if !ok || err1 != nil || err2 != nil || t.Before(f) {
			return usageError(stderr, "plans", "-cohort: want FROM..TO such as 2026-01-01..2026-03-31, got %q", cohort)
		}
		params.CohortFrom, params.CohortTo = f, t
	}
	if limit < 0 {
		return usageError(stderr, "plans", "-limit must not be negative, got %d", limit)
	}
	groups, _, err := collectGroups(args)
	if err != nil {
		return usageError(stderr, "plans", "%v", err)
	}
	sets, errs := loadAll(groups)
	var all []*milestone.Plan
	for _, s := range sets {
		ps, err := s.Plans()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, p := range ps {
			// The plan as it was then: events after now are left out.
			past, err := p.AsOf(now)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			all = append(all, past)
		}
	}
	if len(errs) > 0 {
		var b strings.Builder
		n := 0
		for _, err := range errs {
			b.WriteString(err.Error())
			b.WriteByte('\n')
			n += countErrors(err)
		}
		fmt.Fprintf(&b, "FAIL: %s\n", plural(n, "error"))
		io.WriteString(stderr, b.String())
		return exitFail
	}
	if len(all) == 0 {
		fmt.Fprintln(stderr, "partnerops plans: no Plan documents in the files named")
		return exitFail
	}
	w := window
	if w == 0 {
		w = -1 // the library reads 0 as its default; the flag's 0 means no window
	}
	cfg := milestone.Config{AtRiskWindow: w}
	pf := cfg.Portfolio(all, params)
	var b strings.Builder
	pf.WriteText(&b) // a strings.Builder does not fail
	if esc {
		b.WriteString(escalationsText(cfg, all, now))
	}
	io.WriteString(stdout, b.String())
	if len(pf.Errors) > 0 {
		return exitFail
	}
	return exitOK
}

// escalationsText lists the escalations due at now, plan by plan (the
// plans are sorted by id).
func escalationsText(cfg milestone.Config, all []*milestone.Plan, now time.Time) string {
	var b strings.Builder
	b.WriteString("\nEscalations due:\n")
	n := 0
	for _, p := range all {
		due, err := cfg.Escalations(p.Escalation, p, now)
		if err != nil {
			continue // an invalid plan is listed with the portfolio's errors
		}
		for _, e := range due {
			to := e.To
			if to == "" {
				to = "(nobody named)"
			}
			fmt.Fprintf(&b, "  %s -> %s (%s): %s\n", e.Milestone, to, e.Notify, e.Message)
			n++
		}
	}
	if n == 0 {
		b.WriteString("  none\n")
	}
	return b.String()
}

// runPlanTests runs the tests of the sets' plan templates (for `partnerops
// test`), those whose "<template id>/<test name>" re matches when re is
// set. It returns the text (failures always, passes when verbose, and a
// summary line when any ran) and the counts.
func runPlanTests(sets []*rules.Set, re *regexp.Regexp, verbose bool) (out string, run, failed int) {
	var b strings.Builder
	for _, s := range sets {
		for _, t := range s.PlanTests() {
			name := t.Template.ID + "/" + t.Name
			if re != nil && !re.MatchString(name) {
				continue
			}
			run++
			if err := t.Run(); err != nil {
				failed++
				fmt.Fprintf(&b, "FAIL plan template %s (%s:%d)\n    %v\n", name, t.File, t.Line, err)
			} else if verbose {
				fmt.Fprintf(&b, "PASS plan template %s (%s:%d)\n", name, t.File, t.Line)
			}
		}
	}
	switch {
	case failed > 0:
		fmt.Fprintf(&b, "FAIL: %d of %s failed\n", failed, plural(run, "plan template test"))
	case run > 0:
		fmt.Fprintf(&b, "ok: %s passed\n", plural(run, "plan template test"))
	}
	return b.String(), run, failed
}
