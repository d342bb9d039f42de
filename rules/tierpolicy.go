package rules

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules/internal/dexpr"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// TierPolicy is one compiled `kind: TierPolicy` document: the
// partner.TierPolicy it describes, with the tests written in it.
//
// The document lists tiers from the lowest up; a partner qualifies for the
// highest tier whose criteria all hold (a tier without criteria is the
// entry tier). A criterion is a named condition in the expression
// language of programs that reads metrics.* and partner.*:
//
//	apiVersion: partnerops/v1
//	kind: TierPolicy
//	id: reseller-tiers            # required
//	name: Reseller tiers
//	version: 1
//	types: [reseller, msp]        # partner types covered; all when omitted
//	grace: 90d                    # days below a tier before demotion; 0d when omitted
//	metrics: {pipeline: decimal}  # further metrics (decimal or int), read as metrics.pipeline
//	tiers:                        # required, lowest first
//	  - tier: registered
//	  - tier: gold
//	    criteria:
//	      - name: revenue
//	        when: metrics.revenue_12m >= 250000
//	      - name: certified people
//	        when: metrics.certified_people >= 2
//	tests:
//	  - name: first day below gold starts the grace
//	    on: 2026-06-01
//	    partner: {tier: gold, region: emea, below_since: 2026-05-01}
//	    metrics: {revenue_12m: "240000", certified_people: 3}
//	    expect: {action: keep, tier: gold, qualified: registered, grace_ends: 2026-07-30,
//	             met: [gold/certified people], missed: [gold/revenue]}
//
// The built-in metrics are revenue_12m (decimal, trailing 12-month
// revenue), certified_people (int), deals_closed (int) and csat (decimal);
// partner.id, name, type, tier, region and country are readable too. A
// test's expect may give action (promote, demote, keep), tier (the
// recommended tier), qualified, grace_ends, met and missed (lists of
// "tier/criterion name"), or error (text the evaluation error contains).
// Errors point at the token inside the expression, as for programs.
type TierPolicy struct {
	Policy *partner.TierPolicy
	// Hash is the hex SHA-256 of the document's exact bytes.
	Hash string
	// Origin is where the document starts.
	Origin incentive.Origin
	Tests  []*TierTest
}

var tierPolicyKeys = []string{"apiVersion", "kind", "id", "name", "version", "types", "grace", "metrics", "tiers", "tests"}

// Built-in tier metrics: what a criterion reads as metrics.<name>.
var tierMetricTypes = []struct {
	name string
	typ  incentive.FieldType
}{
	{"revenue_12m", incentive.FieldDecimal},
	{"certified_people", incentive.FieldInt},
	{"deals_closed", incentive.FieldInt},
	{"csat", incentive.FieldDecimal},
}

// tierCompiler turns one TierPolicy document into a TierPolicy.
type tierCompiler struct {
	d   *diag
	tp  *TierPolicy
	env *dexpr.Env
	// metrics are the readable metrics by name: built-in and declared.
	metrics map[string]incentive.FieldType
	names   []string // metric names, sorted
}

// compileTierPolicy decodes a TierPolicy document. It always returns a
// policy (possibly incomplete); errors go to d.
func compileTierPolicy(d *diag, doc *document) *TierPolicy {
	tc := &tierCompiler{d: d, metrics: map[string]incentive.FieldType{},
		tp: &TierPolicy{Policy: &partner.TierPolicy{}, Hash: doc.hash, Origin: d.origin(doc.root)}}
	top, ok := d.mapping(doc.root, "", tierPolicyKeys...)
	if !ok {
		return tc.tp
	}
	p := tc.tp.Policy
	d.require(top, "id", "tiers")
	if n := top.get("id"); n != nil {
		p.ID, _ = d.ident(n, "id", "tier policy id")
	}
	if n := top.get("name"); n != nil {
		p.Name, _ = d.text(n, "name")
	}
	if n := top.get("version"); n != nil {
		if v, ok := d.integer(n, "version"); ok {
			if v < 1 || v > 1<<31-1 {
				d.errorf(n, "version", "must be a whole number >= 1, got %d", v)
			} else {
				p.Version = int(v)
			}
		}
	}
	if n := top.get("types"); n != nil {
		if items, ok := d.list(n, "types"); ok {
			for i, it := range items {
				if s, ok := d.ident(it, index("types", i), "partner type"); ok {
					p.Types = append(p.Types, partner.Type(s))
				}
			}
		}
	}
	if n := top.get("grace"); n != nil {
		if s, ok := d.scalar(n, "grace", "a number of days such as 90d"); ok {
			m := graceRE.FindStringSubmatch(s)
			if m == nil {
				d.errorf(n, "grace", "want a number of days between 0d and 3660d such as 90d, got %q", clip(s))
			} else if days, _ := strconv.Atoi(m[1]); days > 3660 {
				d.errorf(n, "grace", "want a number of days between 0d and 3660d such as 90d, got %q", clip(s))
			} else {
				p.GraceDays = days
			}
		}
	}
	tc.declare(top.get("metrics"))
	if n := top.get("tiers"); n != nil {
		tc.tiers(n)
	}
	if n := top.get("tests"); n != nil && p.ID != "" {
		tc.tests(n)
	}
	return tc.tp
}

var graceRE = claimWindowRE

// declare builds the expression environment: the built-in metrics and the
// document's `metrics:` declarations (name: decimal | int).
func (tc *tierCompiler) declare(n *yaml.Node) {
	d := tc.d
	var decls []incentive.FieldDecl
	for _, m := range tierMetricTypes {
		decls = append(decls, incentive.FieldDecl{Name: m.name, Type: m.typ})
		tc.metrics[m.name] = m.typ
	}
	if n != nil {
		f, ok := d.mapping(n, "metrics")
		if ok {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				path := join("metrics", k.Value)
				if _, ok := f.m[k.Value]; !ok {
					continue // reported by mapping
				}
				if _, builtin := tc.metrics[k.Value]; builtin {
					d.errorf(k, path, "metrics.%s is built in; choose another name", k.Value)
					continue
				}
				if !isMetricName(k.Value) {
					d.errorf(k, path, "a metric name must be lower-case letters, digits and _, starting with a letter, got %q", clip(k.Value))
					continue
				}
				t, ok := d.enum(v, path, "decimal", "int")
				if !ok {
					continue
				}
				decls = append(decls, incentive.FieldDecl{Name: k.Value, Type: incentive.FieldType(t), Origin: d.origin(k)})
				tc.metrics[k.Value] = incentive.FieldType(t)
			}
		}
	}
	for name := range tc.metrics {
		tc.names = append(tc.names, name)
	}
	slices.Sort(tc.names)
	env, errs := dexpr.NewEnv(decls)
	for _, err := range errs {
		var fe *dexpr.FieldError
		if !errors.As(err, &fe) || fe.Field.Origin.Line == 0 {
			d.errorf(n, "metrics", "%v", err)
			continue
		}
		// In the tier policy's words, at the metric's own key.
		msg := strings.ReplaceAll(fe.Msg, "deal.", "metrics.")
		if strings.HasPrefix(fe.Msg, "clashes with the built-in") {
			msg = fmt.Sprintf("%q is a reserved name of the expression language; choose another name", fe.Field.Name)
		}
		d.add(SeverityError, fe.Field.Origin.Line, fe.Field.Origin.Col, join("metrics", fe.Field.Name), msg)
	}
	tc.env = env
}

func isMetricName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// tiers decodes the tier list, lowest tier first.
func (tc *tierCompiler) tiers(n *yaml.Node) {
	d, p := tc.d, tc.tp.Policy
	items, ok := d.list(n, "tiers")
	if !ok {
		return
	}
	if len(items) == 0 {
		d.errorf(n, "tiers", "needs at least one tier, the lowest first")
	}
	seen := map[string]int{}
	for i, it := range items {
		path := index("tiers", i)
		f, ok := d.mapping(it, path, "tier", "criteria")
		if !ok || !d.require(f, "tier") {
			continue
		}
		var lvl partner.TierLevel
		tn := f.get("tier")
		name, ok := d.ident(tn, f.at("tier"), "tier name")
		if !ok {
			continue
		}
		if line, dup := seen[name]; dup {
			d.errorf(tn, f.at("tier"), "tier %q is listed twice (first on line %d)", name, line)
			continue
		}
		seen[name] = tn.Line
		lvl.Tier = partner.Tier(name)
		if cn := f.get("criteria"); cn != nil {
			lvl.Criteria = tc.criteria(cn, f.at("criteria"))
		}
		p.Tiers = append(p.Tiers, lvl)
	}
}

// criteria decodes a tier's criteria: a list of {name, when}.
func (tc *tierCompiler) criteria(n *yaml.Node, path string) []partner.Criterion {
	d := tc.d
	items, ok := d.list(n, path)
	if !ok {
		return nil
	}
	var out []partner.Criterion
	seen := map[string]int{}
	for i, it := range items {
		ip := index(path, i)
		f, ok := d.mapping(it, ip, "name", "when")
		if !ok || !d.require(f, "name", "when") {
			continue
		}
		name, ok := d.text(f.get("name"), f.at("name"))
		if !ok {
			continue
		}
		if line, dup := seen[name]; dup {
			d.errorf(f.get("name"), f.at("name"), "criterion %q is listed twice in this tier (first on line %d)", name, line)
			continue
		}
		seen[name] = f.get("name").Line
		c := tc.condition(f.get("when"), f.at("when"))
		if c == nil {
			continue
		}
		out = append(out, partner.Criterion{Name: name, Source: c.src, Condition: c})
	}
	return out
}

// tierCondition is a compiled criterion. Criteria read metrics.<name> and
// partner.<field>; the expression compiler knows deal fields, so the
// source is compiled with each metrics.<name> rewritten to deal.<name>,
// and positions and messages are mapped back.
type tierCondition struct {
	x     *dexpr.Expr
	src   string
	reads []string // as written: metrics.revenue_12m, partner.tier
	tc    *tierCompiler
}

// Eval implements partner.Condition.
func (c *tierCondition) Eval(in partner.TierInput) (bool, []partner.Value, error) {
	pt := in.Partner
	if pt == nil {
		pt = &partner.Partner{}
	}
	fields := make(map[string]any, len(c.reads))
	var vals []partner.Value
	for _, r := range c.reads {
		name, isMetric := strings.CutPrefix(r, "metrics.")
		if !isMetric {
			vals = append(vals, partner.Value{Name: r, Text: strconv.Quote(partnerField(pt, r))})
			continue
		}
		v, err := metricValue(in.Metrics, name, c.tc.metrics[name])
		if err != nil {
			return false, nil, err
		}
		fields[name] = v
		vals = append(vals, partner.Value{Name: r, Text: fmt.Sprint(v)})
	}
	s := &incentive.Scope{Program: &incentive.Program{}, Deal: &incentive.Deal{ID: "tier-metrics", Fields: fields}, Partner: pt}
	ok, err := c.x.Holds(s)
	if err != nil {
		return false, vals, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "deal.", "metrics."))
	}
	return ok, vals, nil
}

// partnerField reads partner.<field> for an explanation.
func partnerField(p *partner.Partner, path string) string {
	switch path {
	case incentive.PathPartnerID:
		return p.ID
	case incentive.PathPartnerName:
		return p.Name
	case incentive.PathPartnerType:
		return string(p.Type)
	case incentive.PathPartnerTier:
		return string(p.Tier)
	case incentive.PathPartnerRegion:
		return p.Region
	case incentive.PathPartnerCountry:
		return p.Country
	}
	return ""
}

// metricValue returns a metric in the expression's representation: an
// int64 for int metrics, a decimal otherwise.
func metricValue(m partner.TierMetrics, name string, t incentive.FieldType) (any, error) {
	var v decimal.Decimal
	switch name {
	case "revenue_12m":
		v = m.Revenue12M
	case "certified_people":
		return m.CertifiedPeople, nil
	case "deals_closed":
		return m.DealsClosed, nil
	case "csat":
		v = m.CSAT
	default:
		cv, ok := m.Custom[name]
		if !ok {
			return nil, fmt.Errorf("metrics.%s is not supplied", name)
		}
		v = cv
	}
	if t == incentive.FieldInt {
		if !v.IsInteger() {
			return nil, fmt.Errorf("metrics.%s is an int metric, got %s", name, v)
		}
		return v.IntPart(), nil
	}
	return v, nil
}

// rewritten is an expression source with metrics.<name> rewritten to
// deal.<name>, and the way back.
type rewritten struct {
	text  string
	orig  []rune
	new   []rune
	back  []int // back[i]: the offset in orig of new[i]; one more for the end
	count int   // how many rewrites
}

// condition compiles a `when:` criterion at n.
func (tc *tierCompiler) condition(n *yaml.Node, path string) *tierCondition {
	d := tc.d
	const want = "a condition (an expression that is true or false)"
	src, ok := d.scalar(n, path, want)
	if !ok {
		return nil
	}
	switch {
	case n.Tag == "!!int" || n.Tag == "!!float":
		d.errorf(n, path, "want %s, got %s", want, kindName(n))
		return nil
	case strings.TrimSpace(src) == "":
		d.errorf(n, path, "want %s, got blank text", want)
		return nil
	}
	if tc.env == nil {
		return nil
	}
	m := newScalarMap(d.src, n)
	rw, errs := tc.rewrite(src)
	for _, e := range errs {
		at := m.at(e.Line, e.Col)
		d.add(SeverityError, at.line, at.col, path, e.Msg)
	}
	if len(errs) > 0 {
		return nil
	}
	x, cerrs := tc.env.Compile(rw.text, dexpr.Bool)
	for _, e := range cerrs {
		line, col := rw.position(e.Line, e.Col)
		at := m.at(line, col)
		d.add(SeverityError, at.line, at.col, path, rw.message(e.Msg))
	}
	if len(cerrs) > 0 || x == nil {
		return nil
	}
	name := d.src.name
	x.SetOrigin(func(line, col int) incentive.Origin {
		l, c := rw.position(line, col)
		at := m.at(l, c)
		return incentive.Origin{File: name, Line: at.line, Col: at.col}
	})
	c := &tierCondition{x: x, src: src, tc: tc}
	for _, r := range x.Reads() {
		if s, ok := strings.CutPrefix(r, "deal."); ok {
			r = "metrics." + s
		}
		c.reads = append(c.reads, r)
	}
	return c
}

// rewrite checks the names an expression reads and rewrites metrics.<name>
// to deal.<name>. A name other than metrics.<declared metric> or
// partner.<field> is an error at the name. A source the lexer rejects is
// returned unchanged for the compiler to report.
func (tc *tierCompiler) rewrite(src string) (*rewritten, []*dexpr.Error) {
	rw := &rewritten{orig: []rune(src)}
	toks, err := lexer.Lex(file.NewSource(src))
	if err != nil {
		rw.new = rw.orig
		rw.text = src
		return rw, nil
	}
	var errs []*dexpr.Error
	errAt := func(off int, format string, args ...any) {
		line, col := lineCol(rw.orig, off)
		errs = append(errs, &dexpr.Error{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	bound := map[string]bool{}
	var cuts [][2]int // rune ranges of "metrics" to replace with "deal"
	for i, t := range toks {
		if t.Kind != lexer.Identifier {
			continue
		}
		prev := lexer.Token{}
		if i > 0 {
			prev = toks[i-1]
		}
		next := func(k int) lexer.Token {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return lexer.Token{Kind: lexer.EOF}
		}
		switch {
		case prev.Is(lexer.Operator, ".", "?."): // a field of something
			continue
		case prev.Is(lexer.Operator, "let"):
			bound[t.Value] = true
			continue
		case next(1).Is(lexer.Bracket, "("), next(1).Is(lexer.Operator, ":"), bound[t.Value]:
			continue
		case t.Value == "true" || t.Value == "false" || t.Value == "nil" || t.Value == "$env":
			continue
		case t.Value == "partner":
			continue
		case t.Value == "metrics":
			field := next(2)
			if !next(1).Is(lexer.Operator, ".") || field.Kind != lexer.Identifier {
				errAt(t.From, "metrics is a group of measures, not a value; use one such as metrics.revenue_12m (metrics are %s)", strings.Join(tc.names, ", "))
				continue
			}
			if _, ok := tc.metrics[field.Value]; !ok {
				msg := fmt.Sprintf("unknown metric metrics.%s", field.Value)
				if s := tc.suggestMetric(field.Value); s != "" {
					msg += " (did you mean metrics." + s + "?)"
				} else {
					msg += "; the metrics are " + strings.Join(tc.names, ", ") + " (declare others under `metrics:`)"
				}
				errAt(field.From, "%s", msg)
				continue
			}
			cuts = append(cuts, [2]int{t.From, t.To})
		default:
			errAt(t.From, "unknown name %s; tier criteria read metrics.* (%s) and partner.*", t.Value, strings.Join(tc.names, ", "))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	last := 0
	for _, c := range cuts {
		for o := last; o < c[0]; o++ {
			rw.new = append(rw.new, rw.orig[o])
			rw.back = append(rw.back, o)
		}
		for k, r := range "deal" {
			rw.new = append(rw.new, r)
			rw.back = append(rw.back, c[0]+min(k, c[1]-c[0]-1))
		}
		last = c[1]
	}
	for o := last; o < len(rw.orig); o++ {
		rw.new = append(rw.new, rw.orig[o])
		rw.back = append(rw.back, o)
	}
	rw.back = append(rw.back, len(rw.orig))
	rw.text = string(rw.new)
	rw.count = len(cuts)
	return rw, nil
}

// suggestMetric returns the metric a misspelt name most likely means: a
// close spelling, or the one metric the name starts.
func (tc *tierCompiler) suggestMetric(name string) string {
	if s := suggest(name, tc.names, false); s != "" {
		return strings.Trim(strings.TrimPrefix(s, "; did you mean "), `"?`)
	}
	var pre []string
	for _, m := range tc.names {
		if strings.HasPrefix(m, name) {
			pre = append(pre, m)
		}
	}
	if len(pre) == 1 {
		return pre[0]
	}
	return ""
}

// position maps a 1-based line and column of the rewritten source back to
// the source as written.
func (rw *rewritten) position(line, col int) (int, int) {
	if rw.back == nil {
		return line, col
	}
	off := offset(rw.new, line, col)
	return lineCol(rw.orig, rw.back[min(max(off, 0), len(rw.back)-1)])
}

// message rewrites the compiler's names back to what the author wrote.
func (rw *rewritten) message(msg string) string {
	msg = strings.ReplaceAll(msg, "expressions read deal.*, partner.*, period.* and cumulative.amount", "tier criteria read metrics.* and partner.*")
	return strings.ReplaceAll(msg, "deal.", "metrics.")
}

// offset returns the rune offset of a 1-based line and column.
func offset(rs []rune, line, col int) int {
	l, off := 1, 0
	for off < len(rs) && l < line {
		if rs[off] == '\n' {
			l++
		}
		off++
	}
	return off + max(col-1, 0)
}

// lineCol returns the 1-based line and column of a rune offset.
func lineCol(rs []rune, off int) (int, int) {
	line, col := 1, 1
	for i := 0; i < off && i < len(rs); i++ {
		if rs[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
