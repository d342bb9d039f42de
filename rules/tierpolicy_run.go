package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// TierTest is one test of a tier policy: a partner, its metrics and a day,
// and what the recommendation must say.
type TierTest struct {
	Name   string
	Policy *TierPolicy
	Origin incentive.Origin
	// Partner, Metrics and On are the evaluation's inputs.
	Partner *partner.Partner
	Metrics partner.TierMetrics
	On      partner.Date

	expect tierExpect
}

// tierExpect is what a tier test asserts; nil fields are not asserted.
type tierExpect struct {
	action    *partner.Action
	tier      *partner.Tier
	qualified *partner.Tier
	graceEnds *partner.Date
	met       []string // "tier/criterion"
	missed    []string
	err       *string // a substring of the evaluation error
}

var tierTestKeys = []string{"name", "on", "partner", "metrics", "expect"}

// addTierPolicy compiles a TierPolicy document into f.
func (f *File) addTierPolicy(d *diag, doc *document) {
	tp := compileTierPolicy(d, doc)
	for _, o := range f.TierPolicies {
		if o.Policy.ID != "" && o.Policy.ID == tp.Policy.ID && o.Policy.Version == tp.Policy.Version {
			what := fmt.Sprintf("tier policy %q", tp.Policy.ID)
			if tp.Policy.Version != 0 {
				what += fmt.Sprintf(" version %d", tp.Policy.Version)
			}
			d.errorf(doc.root, "id", "%s is defined twice in this file (first on line %d)", what, o.Origin.Line)
		}
	}
	f.TierPolicies = append(f.TierPolicies, tp)
}

// tests decodes a tier policy's `tests:`.
func (tc *tierCompiler) tests(n *yaml.Node) {
	d := tc.d
	items, ok := d.list(n, "tests")
	if !ok {
		return
	}
	names := map[string]int{}
	for i, it := range items {
		path := index("tests", i)
		f, ok := d.mapping(it, path, tierTestKeys...)
		if !ok || !d.require(f, "name", "on", "expect") {
			continue
		}
		t := &TierTest{Policy: tc.tp, Origin: d.origin(it), Partner: &partner.Partner{ID: TestPartnerID}}
		if len(tc.tp.Policy.Types) > 0 {
			t.Partner.Type = tc.tp.Policy.Types[0]
		}
		good := true
		if name, ok := d.text(f.get("name"), f.at("name")); ok {
			if line, dup := names[name]; dup {
				d.errorf(f.get("name"), f.at("name"), "test %q is defined twice (first on line %d)", name, line)
				good = false
			}
			names[name] = f.get("name").Line
			t.Name = name
		} else {
			good = false
		}
		if on, ok := d.date(f.get("on"), f.at("on")); ok {
			t.On = partner.Date(on)
		} else {
			good = false
		}
		if pn := f.get("partner"); pn != nil {
			good = tc.testPartner(pn, f.at("partner"), t.Partner) && good
		}
		if mn := f.get("metrics"); mn != nil {
			good = tc.testMetrics(mn, f.at("metrics"), &t.Metrics) && good
		}
		good = tc.testExpect(f.get("expect"), f.at("expect"), &t.expect) && good
		if good {
			tc.tp.Tests = append(tc.tp.Tests, t)
		}
	}
}

func (tc *tierCompiler) testPartner(n *yaml.Node, path string, p *partner.Partner) bool {
	d := tc.d
	f, ok := d.mapping(n, path, "id", "name", "type", "tier", "region", "country", "below_since")
	if !ok {
		return false
	}
	good := true
	str := func(key string, set func(string)) {
		if v := f.get(key); v != nil {
			if s, ok := d.text(v, f.at(key)); ok {
				set(s)
			} else {
				good = false
			}
		}
	}
	str("id", func(s string) { p.ID = s })
	str("name", func(s string) { p.Name = s })
	str("type", func(s string) { p.Type = partner.Type(s) })
	str("tier", func(s string) { p.Tier = partner.Tier(s) })
	str("region", func(s string) { p.Region = s })
	str("country", func(s string) { p.Country = s })
	if v := f.get("tier"); v != nil && p.Tier != "" && !slices.ContainsFunc(tc.tp.Policy.Tiers, func(l partner.TierLevel) bool { return l.Tier == p.Tier }) {
		d.errorf(v, f.at("tier"), "tier %q is not a tier of this policy%s", p.Tier, suggest(string(p.Tier), tc.tierNames(), true))
		good = false
	}
	if v := f.get("below_since"); v != nil {
		if dt, ok := d.date(v, f.at("below_since")); ok {
			p.TierBelowSince = partner.Date(dt)
		} else {
			good = false
		}
	}
	return good
}

func (tc *tierCompiler) tierNames() []string {
	var out []string
	for _, l := range tc.tp.Policy.Tiers {
		out = append(out, string(l.Tier))
	}
	return out
}

func (tc *tierCompiler) testMetrics(n *yaml.Node, path string, m *partner.TierMetrics) bool {
	d := tc.d
	f, ok := d.mapping(n, path, tc.names...)
	if !ok {
		return false
	}
	good := true
	for _, name := range tc.names {
		v := f.get(name)
		if v == nil {
			continue
		}
		p := f.at(name)
		if tc.metrics[name] == incentive.FieldInt {
			x, ok := d.integer(v, p)
			if !ok {
				good = false
				continue
			}
			switch name {
			case "certified_people":
				m.CertifiedPeople = x
			case "deals_closed":
				m.DealsClosed = x
			default:
				setCustom(m, name, incentiveDecimal(x))
			}
			continue
		}
		x, ok := d.number(v, p)
		if !ok {
			good = false
			continue
		}
		switch name {
		case "revenue_12m":
			m.Revenue12M = x
		case "csat":
			m.CSAT = x
		default:
			setCustom(m, name, x)
		}
	}
	return good
}

var criterionRefRE = regexp.MustCompile(`^([^/]+)/(.+)$`)

func (tc *tierCompiler) testExpect(n *yaml.Node, path string, e *tierExpect) bool {
	d := tc.d
	f, ok := d.mapping(n, path, "action", "tier", "qualified", "grace_ends", "met", "missed", "error")
	if !ok {
		return false
	}
	if len(f.m) == 0 {
		d.errorf(n, path, "expects nothing; give action, tier, qualified, grace_ends, met, missed or error")
		return false
	}
	good := true
	if v := f.get("action"); v != nil {
		if s, ok := d.enum(v, f.at("action"), "promote", "demote", "keep"); ok {
			a := partner.Action(s)
			e.action = &a
		} else {
			good = false
		}
	}
	tier := func(key string) *partner.Tier {
		v := f.get(key)
		if v == nil {
			return nil
		}
		s, ok := d.text(v, f.at(key))
		if !ok {
			good = false
			return nil
		}
		if !slices.Contains(tc.tierNames(), s) {
			d.errorf(v, f.at(key), "tier %q is not a tier of this policy%s", s, suggest(s, tc.tierNames(), true))
			good = false
			return nil
		}
		t := partner.Tier(s)
		return &t
	}
	e.tier = tier("tier")
	e.qualified = tier("qualified")
	if v := f.get("grace_ends"); v != nil {
		if dt, ok := d.date(v, f.at("grace_ends")); ok {
			pd := partner.Date(dt)
			e.graceEnds = &pd
		} else {
			good = false
		}
	}
	refs := func(key string) []string {
		v := f.get(key)
		if v == nil {
			return nil
		}
		items, ok := d.list(v, f.at(key))
		if !ok {
			good = false
			return nil
		}
		var out []string
		for i, it := range items {
			p := index(f.at(key), i)
			s, ok := d.text(it, p)
			if !ok {
				good = false
				continue
			}
			if !tc.hasCriterion(s) {
				d.errorf(it, p, "no criterion %q; write tier/criterion name%s", s, suggest(s, tc.criterionRefs(), true))
				good = false
				continue
			}
			out = append(out, s)
		}
		return out
	}
	e.met = refs("met")
	e.missed = refs("missed")
	if v := f.get("error"); v != nil {
		if s, ok := d.text(v, f.at("error")); ok {
			e.err = &s
		} else {
			good = false
		}
	}
	return good
}

func (tc *tierCompiler) criterionRefs() []string {
	var out []string
	for _, l := range tc.tp.Policy.Tiers {
		for _, c := range l.Criteria {
			out = append(out, string(l.Tier)+"/"+c.Name)
		}
	}
	return out
}

func (tc *tierCompiler) hasCriterion(ref string) bool {
	return criterionRefRE.MatchString(ref) && slices.Contains(tc.criterionRefs(), ref)
}

// TierTestResult is the outcome of one tier test.
type TierTestResult struct {
	Test           *TierTest
	Recommendation partner.Recommendation
	// Err is an unexpected evaluation error.
	Err error
	// Diffs are the expectations that did not hold, one per line.
	Diffs []string
}

// Passed reports whether the test ran and every expectation held.
func (r *TierTestResult) Passed() bool { return r.Err == nil && len(r.Diffs) == 0 }

// Run evaluates the test's partner and compares the recommendation with
// the expectations.
func (t *TierTest) Run() *TierTestResult {
	r := &TierTestResult{Test: t}
	rec, err := t.Policy.Policy.Evaluate(t.Partner.Clone(), t.Metrics, t.On)
	r.Recommendation = rec
	e := t.expect
	if e.err != nil {
		switch {
		case err == nil:
			r.Diffs = append(r.Diffs, fmt.Sprintf("error: want an error containing %q, got %s", *e.err, rec.Action))
		case !strings.Contains(err.Error(), *e.err):
			r.Diffs = append(r.Diffs, fmt.Sprintf("error: want an error containing %q, got %q", *e.err, err.Error()))
		}
		return r
	}
	if err != nil {
		r.Err = err
		return r
	}
	diff := func(what string, want, got any) {
		if fmt.Sprint(want) != fmt.Sprint(got) {
			r.Diffs = append(r.Diffs, fmt.Sprintf("%s: want %v, got %v", what, want, got))
		}
	}
	if e.action != nil {
		diff("action", *e.action, rec.Action)
	}
	if e.tier != nil {
		diff("tier", *e.tier, orNone(rec.To))
	}
	if e.qualified != nil {
		diff("qualified", *e.qualified, orNone(rec.Qualified))
	}
	if e.graceEnds != nil {
		got := rec.GraceEnds.String()
		if got == "" {
			got = "none (not below the tier)"
		}
		diff("grace_ends", *e.graceEnds, got)
	}
	outcome := map[string]partner.CriterionResult{}
	for _, l := range rec.Levels {
		for _, c := range l.Criteria {
			outcome[string(l.Tier)+"/"+c.Name] = c
		}
	}
	for _, ref := range e.met {
		if c := outcome[ref]; !c.Met {
			r.Diffs = append(r.Diffs, fmt.Sprintf("met: want %s met, got missed%s", ref, valuesText(c.Values)))
		}
	}
	for _, ref := range e.missed {
		if c := outcome[ref]; c.Met {
			r.Diffs = append(r.Diffs, fmt.Sprintf("missed: want %s missed, got met%s", ref, valuesText(c.Values)))
		}
	}
	return r
}

func orNone(t partner.Tier) string {
	if t == "" {
		return "(no tier)"
	}
	return string(t)
}

func valuesText(vs []partner.Value) string {
	if len(vs) == 0 {
		return ""
	}
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.Name + " = " + v.Text
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// describe names a tier test "<policy id>/<test name>".
func (t *TierTest) describe() string { return t.Policy.Policy.ID + "/" + t.Name }

// TierPolicies returns every tier policy of the set, in file order.
func (s *Set) TierPolicies() []*TierPolicy {
	var out []*TierPolicy
	for _, f := range s.files() {
		out = append(out, f.TierPolicies...)
	}
	return out
}

// TierTests returns every tier policy test of the set, in file order.
func (s *Set) TierTests() []*TierTest {
	var out []*TierTest
	for _, tp := range s.TierPolicies() {
		out = append(out, tp.Tests...)
	}
	return out
}

// TierReport is the outcome of running tier policy tests.
type TierReport struct {
	Results []*TierTestResult
}

// RunTierTests runs the tier tests whose "<policy id>/<test name>" keep
// accepts (every test when keep is nil), in order.
func (s *Set) RunTierTests(keep func(name string) bool) *TierReport {
	rep := &TierReport{}
	for _, t := range s.TierTests() {
		if keep == nil || keep(t.describe()) {
			rep.Results = append(rep.Results, t.Run())
		}
	}
	return rep
}

// Failed returns the number of tests that failed.
func (r *TierReport) Failed() int {
	n := 0
	for _, t := range r.Results {
		if !t.Passed() {
			n++
		}
	}
	return n
}

// Text renders the report: one line per test (only failures unless
// verbose), with diffs, then a summary line.
func (r *TierReport) Text(verbose bool) string {
	var b strings.Builder
	for _, t := range r.Results {
		if t.Passed() && !verbose {
			continue
		}
		status := "PASS"
		if !t.Passed() {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%s tier policy %s (%s)\n", status, t.Test.describe(), t.Test.Origin)
		if t.Err != nil {
			fmt.Fprintf(&b, "    error: %v\n", t.Err)
		}
		for _, d := range t.Diffs {
			fmt.Fprintf(&b, "    %s\n", d)
		}
		if verbose || !t.Passed() {
			fmt.Fprintf(&b, "    reason: %s\n", t.Recommendation.Reason)
		}
	}
	if failed := r.Failed(); failed > 0 {
		fmt.Fprintf(&b, "FAIL: %d of %d tier policy tests failed\n", failed, len(r.Results))
	} else {
		fmt.Fprintf(&b, "ok: %d tier policy tests passed\n", len(r.Results))
	}
	return b.String()
}

func setCustom(m *partner.TierMetrics, name string, v decimal.Decimal) {
	if m.Custom == nil {
		m.Custom = map[string]decimal.Decimal{}
	}
	m.Custom[name] = v
}

func incentiveDecimal(x int64) decimal.Decimal { return decimal.NewFromInt(x) }

// tierPolicyDuplicates reports a tier policy whose id and version another
// file of the set already defines (duplicates within a file are reported
// by compile), as Load does for programs. diags[i] belongs to files[i].
func tierPolicyDuplicates(files []*File, diags []*diag) {
	first := map[string]*File{}
	for i, f := range files {
		for _, tp := range f.TierPolicies {
			p := tp.Policy
			if p.ID == "" {
				continue
			}
			key := fmt.Sprintf("%s@%d", p.ID, p.Version)
			o, dup := first[key]
			if !dup {
				first[key] = f
				continue
			}
			if o == f {
				continue
			}
			what := fmt.Sprintf("tier policy %q", p.ID)
			if p.Version != 0 {
				what += fmt.Sprintf(" version %d", p.Version)
			}
			diags[i].add(SeverityError, tp.Origin.Line, tp.Origin.Col, "id",
				fmt.Sprintf("%s is also defined in %s; give the new tiers a new version", what, o.Name))
		}
	}
}
