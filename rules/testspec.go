package rules

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// TestPartnerID is the partner id of a test deal that names no partner
// (neither `partner_id:` nor `partner: {id: ...}`).
const TestPartnerID = "test-partner"

// WindowClause is the name `expect: {failed: ...}` uses for a deal whose
// close date falls outside the effective window; the engine reports it as
// the failed clause.
const WindowClause = "effective window"

// Test is one test case of a program, from a Program document's `tests:`
// or from a Tests document.
type Test struct {
	// Name is the test's name, unique within its program.
	Name string
	// Program is the program under test.
	Program *incentive.Program
	// Origin is where the test was written.
	Origin incentive.Origin
	// AsOf decides claim-window expiry; zero means the (last) deal's close
	// time.
	AsOf time.Time
	// Inputs are the test's deals with their partners: one for a `deal:`
	// test, several in order for a `deals:` test.
	Inputs []incentive.Input
	// Batch is true for a `deals:` test, which runs its deals through
	// incentive.Run so that period and cumulative totals accumulate.
	Batch bool

	prior  incentive.Prior
	expect *expectation
	// partnerID is the test's partner: settlements are asserted for it.
	partnerID string
	// carried is a batch test's `carried:`: per partner, per bucket id,
	// the balance brought in from the previous statement.
	carried map[string]map[string]decimal.Decimal
}

// expectation is what a test asserts about one deal's result (or, with
// deals set, about a batch).
type expectation struct {
	eligible *bool
	failed   *string
	total    *incentive.Money
	// lines is nil when not asserted; listed lines must match and unlisted
	// lines must pay nothing.
	lines  []expectLine
	bands  []expectBand
	capped []string // nil when not asserted
	deals  []dealExpect
	// shares is nil when not asserted; listed payees must match and
	// unlisted ones must be paid nothing.
	shares []expectLine
	// settlements, of a `deals:` test: the test partner's settlement of
	// each listed period as of the test's as_of.
	settlements []expectSettlement
	// held and expired: the part of a deal's total held (not matured) or
	// expired as of the test.
	held, expired *incentive.Money
	// statement: a batch test's statement rows, per partner.
	statement []statementExpect
	// values are expected named values (exact decimal text or true/false).
	values []expectValue
	// perLine are the expected line results of per-line earnings.
	perLine []expectPerLine
}

// expectPerLine is what each product line earned under a per-line
// earning: an amount, or nil for a line the condition skipped ("none").
type expectPerLine struct {
	earning string
	items   []*decimal.Decimal
}

type expectValue struct {
	name string
	text string
	num  *decimal.Decimal // set for a number
}

// expectSettlement is what a test asserts about one settlement period.
type expectSettlement struct {
	settlement string
	from       incentive.Date
	settled    *bool
	amounts    map[string]incentive.Money // by key: basis, entitlement, ...
	order      []string
	// cappedBy names the caps that cut the true-up (`capped_by:`, as a
	// deal's `capped:`); nil when not asserted.
	cappedBy []string
}

// settlementAmountKeys are the amounts a settlement expectation can name,
// with the incentive.SettlementLine field each reads.
var settlementAmountKeys = []string{"basis", "entitlement", "advances", "carried_in", "credited", "true_up", "payable", "carried_out", "capped"}

type expectLine struct {
	earning string
	amount  incentive.Money
}

type expectBand struct {
	earning string
	label   string // when given as a label
	number  int    // 1-based, when given as a number
}

type dealExpect struct {
	id     string
	expect *expectation
}

var testKeys = []string{"name", "as_of", "partner", "prior", "history", "rates", "carried", "deal", "deals", "expect"}

// testDecoder decodes the tests of one program.
type testDecoder struct {
	dealDecoder
	names map[string]int // test name -> line
}

// decodeTests decodes a `tests:` list for program p.
func decodeTests(d *diag, n *yaml.Node, path string, p *incentive.Program) []*Test {
	items, ok := d.list(n, path)
	if !ok {
		return nil
	}
	td := testDecoder{dealDecoder: dealDecoder{d: d, p: p}, names: map[string]int{}}
	var out []*Test
	for i, item := range items {
		if t := td.test(item, index(path, i)); t != nil {
			out = append(out, t)
		}
	}
	return out
}

func (td testDecoder) test(n *yaml.Node, path string) *Test {
	d, p := td.d, td.p
	nerr := len(d.errs)
	f, ok := d.mapping(n, path, testKeys...)
	if !ok {
		return nil
	}
	d.require(f, "name", "expect")
	t := &Test{Program: p, Origin: d.origin(n)}
	if v := f.get("name"); v != nil {
		if s, ok := d.text(v, f.at("name")); ok {
			if line, dup := td.names[s]; dup {
				d.errorf(v, f.at("name"), "duplicate test name %q (first on line %d)", s, line)
			}
			td.names[s] = v.Line
			t.Name = s
		}
	}
	if v := f.get("as_of"); v != nil {
		t.AsOf, _ = d.instant(v, f.at("as_of"), p.Effective.Loc())
	}
	base := partner.Partner{ID: TestPartnerID}
	if v := f.get("partner"); v != nil {
		td.partner(v, f.at("partner"), &base)
	}
	t.partnerID = base.ID
	if v := f.get("prior"); v != nil {
		t.prior = td.prior(v, f.at("prior"))
	}
	switch deal, deals := f.get("deal"), f.get("deals"); {
	case deal != nil && deals != nil:
		d.errorf(f.m["deals"].key, f.at("deals"), "give either `deal:` or `deals:`, not both")
	case deal != nil:
		if in, ok := td.deal(deal, f.at("deal"), &base, false); ok {
			if in.Deal.Credits != "" {
				d.errorf(mappingKey(deal, "credits"), f.at("deal")+".credits",
					"a credit note that names its deal needs that deal before it: write a `deals:` test with deal %q first", clip(in.Deal.Credits))
			}
			in.Prior = t.prior
			t.Inputs = []incentive.Input{in}
		}
	case deals != nil:
		t.Batch = true
		td.batch(deals, f.at("deals"), t, &base)
	case !f.typos["deal"] && !f.typos["deals"]:
		d.errorf(n, path, "a test needs `deal:` (one deal) or `deals:` (a list, run in order)")
	}
	if v := f.get("history"); v != nil {
		if h := td.history(v, f.at("history")); h != nil {
			for i := range t.Inputs {
				if t.Inputs[i].History == nil { // a deal's own history wins
					t.Inputs[i].History = h
				}
			}
		}
	}
	if v := f.get("rates"); v != nil {
		if rt := td.rates(v, f.at("rates")); rt != nil {
			for i := range t.Inputs {
				t.Inputs[i].Rates = rt
			}
		}
	}
	if v := f.get("carried"); v != nil {
		if !t.Batch {
			d.errorf(f.m["carried"].key, f.at("carried"), "`carried:` brings balances into a statement: it needs a `deals:` test")
		} else {
			t.carried = td.carried(v, f.at("carried"))
		}
	}
	if v := f.get("expect"); v != nil {
		t.expect = td.expectation(v, f.at("expect"), t)
	}
	if len(d.errs) != nerr {
		return nil
	}
	return t
}

// rates decodes a test's `rates:` list (the form of a rates file's list)
// into a rate table; nil after an error.
func (td testDecoder) rates(n *yaml.Node, path string) *incentive.RateTable {
	d := td.d
	nerr := len(d.errs)
	rates, where := decodeRateList(d, n, path)
	if len(d.errs) != nerr {
		return nil
	}
	t, err := incentive.NewRateTable(rates...)
	if err != nil {
		var re *incentive.RateError
		if errors.As(err, &re) && re.Index < len(where) {
			where[re.Index](re.Err)
		} else {
			d.errorf(n, path, "%v", err)
		}
		return nil
	}
	return t
}

// batch decodes the deals of a `deals:` test and checks that they are in
// the order incentive.Run needs: by close time, then deal id.
func (td testDecoder) batch(n *yaml.Node, path string, t *Test, base *partner.Partner) {
	d := td.d
	items, ok := d.list(n, path)
	if !ok {
		return
	}
	if len(items) == 0 {
		d.errorf(n, path, "`deals:` needs at least one deal")
		return
	}
	ids := map[string]int{}
	for i, item := range items {
		in, ok := td.deal(item, index(path, i), base, true)
		if !ok {
			continue
		}
		if line, dup := ids[in.Deal.ID]; dup {
			d.errorf(item, index(path, i), "duplicate deal id %q (first on line %d)", in.Deal.ID, line)
			continue
		}
		if c := in.Deal.Credits; c != "" {
			if _, ok := ids[c]; !ok {
				earlier := make([]string, 0, len(ids))
				for _, prev := range t.Inputs {
					earlier = append(earlier, prev.Deal.ID)
				}
				d.errorf(mappingKey(item, "credits"), index(path, i)+".credits", "no earlier deal %q in this test's `deals:` for the credit note to credit%s", clip(c), suggest(c, earlier, false))
			}
		}
		ids[in.Deal.ID] = item.Line
		if k := len(t.Inputs); k > 0 {
			prev := t.Inputs[k-1].Deal
			if incentive.CompareDeals(&in.Deal, &prev) < 0 {
				d.errorf(item, index(path, i), "deals run in order of close time, then id: list deal %q before %q", in.Deal.ID, prev.ID)
			}
		}
		in.Prior = t.prior
		t.Inputs = append(t.Inputs, in)
	}
}

var expectKeys = []string{"eligible", "failed", "total", "lines", "band", "capped", "expired", "held", "shares", "values", "per_line"}

// expectation decodes `expect:`.
func (td testDecoder) expectation(n *yaml.Node, path string, t *Test) *expectation {
	if t.Batch {
		f, ok := td.d.mapping(n, path, "total", "deals", "statement", "settlements")
		if !ok {
			return nil
		}
		e := &expectation{}
		if v := f.get("statement"); v != nil {
			e.statement = td.statementExpects(v, f.at("statement"), t)
		}
		if v := f.get("total"); v != nil {
			e.total = td.amount(v, f.at("total"))
		}
		if v := f.get("deals"); v != nil {
			e.deals = td.dealExpects(v, f.at("deals"), t)
		}
		if v := f.get("settlements"); v != nil {
			e.settlements = td.expectSettlements(v, f.at("settlements"))
		}
		return e
	}
	return td.dealExpectation(n, path)
}

func (td testDecoder) dealExpects(n *yaml.Node, path string, t *Test) []dealExpect {
	d := td.d
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	var ids []string
	for _, in := range t.Inputs {
		ids = append(ids, in.Deal.ID)
	}
	var out []dealExpect
	for k, v := range f.pairs(n) {
		if !slices.Contains(ids, k.Value) {
			d.errorf(k, f.at(k.Value), "no deal %q in this test's `deals:`%s", k.Value, suggest(k.Value, ids, false))
			continue
		}
		if e := td.dealExpectation(v, f.at(k.Value)); e != nil {
			out = append(out, dealExpect{id: k.Value, expect: e})
		}
	}
	return out
}

// dealExpectation decodes the expectations about one deal's result.
func (td testDecoder) dealExpectation(n *yaml.Node, path string) *expectation {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path, expectKeys...)
	if !ok {
		return nil
	}
	e := &expectation{}
	if v := f.get("eligible"); v != nil {
		if b, ok := d.boolean(v, f.at("eligible")); ok {
			e.eligible = &b
		}
	}
	if v := f.get("failed"); v != nil {
		if s, ok := d.text(v, f.at("failed")); ok {
			names := []string{WindowClause}
			if !p.RegistrationValidity.IsZero() {
				names = append(names, incentive.RegistrationClause)
			}
			for _, c := range p.Eligibility {
				names = append(names, c.Name)
			}
			if !slices.Contains(names, s) {
				d.errorf(v, f.at("failed"), "no eligibility clause named %q%s", clip(s), suggest(s, names, true))
			}
			e.failed = &s
			if e.eligible != nil && *e.eligible {
				d.errorf(v, f.at("failed"), "a deal with a failed clause is not eligible; remove `eligible: true`")
			}
		}
	}
	if v := f.get("total"); v != nil {
		e.total = td.amount(v, f.at("total"))
	}
	if v := f.get("lines"); v != nil {
		e.lines = td.expectLines(v, f.at("lines"))
	}
	if v := f.get("band"); v != nil {
		e.bands = td.expectBands(v, f.at("band"))
	}
	if v := f.get("capped"); v != nil {
		e.capped = td.expectCapped(v, f.at("capped"))
	}
	if v := f.get("values"); v != nil {
		e.values = td.expectValues(v, f.at("values"))
	}
	if v := f.get("per_line"); v != nil {
		e.perLine = td.expectPerLine(v, f.at("per_line"))
	}
	if v := f.get("shares"); v != nil {
		e.shares = td.expectShares(v, f.at("shares"))
	}
	if v := f.get("expired"); v != nil {
		if !p.Claims.Set() {
			d.errorf(v, f.at("expired"), "the program has no claim window (`claims:`), so nothing expires")
		}
		e.expired = td.amount(v, f.at("expired"))
	}
	if v := f.get("held"); v != nil {
		if !p.Hold.Set() {
			d.errorf(v, f.at("held"), "the program has no `hold:`, so nothing is held")
		}
		e.held = td.amount(v, f.at("held"))
	}
	return e
}

// expectShares decodes `shares: {partner-id: amount, ...}`: what each
// payee of a split deal is paid (see incentive.Split).
func (td testDecoder) expectShares(n *yaml.Node, path string) []expectLine {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	if !programSplits(p) {
		d.errorf(n, path, "the program splits no payout, so a deal has no shares; add `split:` to the program or an earning, or assert `total:`")
		return nil
	}
	out := []expectLine{}
	for k, v := range f.pairs(n) {
		if m := td.amount(v, f.at(k.Value)); m != nil {
			out = append(out, expectLine{earning: k.Value, amount: *m})
		}
	}
	return out
}

// expectSettlements decodes `settlements: {<id>: {<period start>: {...}}}`.
func (td testDecoder) expectSettlements(n *yaml.Node, path string) []expectSettlement {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	var ids []string
	for _, s := range p.Settlements {
		ids = append(ids, s.ID)
	}
	var out []expectSettlement
	for k, v := range f.pairs(n) {
		sp := f.at(k.Value)
		if !slices.Contains(ids, k.Value) {
			hint := suggest(k.Value, ids, true)
			if len(ids) == 0 {
				hint = "; the program has no `settlements:`"
			}
			d.errorf(k, sp, "no settlement %q%s", clip(k.Value), hint)
			continue
		}
		pf, ok := d.mapping(v, sp)
		if !ok {
			continue
		}
		for pk, pv := range pf.pairs(v) {
			pp := pf.at(pk.Value)
			from, ok := d.date(pk, pp)
			if !ok {
				continue
			}
			if per := settlementPeriod(p, k.Value); !periodStarts(per, from) {
				d.errorf(pk, pp, "%s is not the first day of a %s; name a settlement period by its first day", from, per)
				continue
			}
			es := expectSettlement{settlement: k.Value, from: from, amounts: map[string]incentive.Money{}}
			ef, ok := d.mapping(pv, pp, append([]string{"settled", "capped_by"}, settlementAmountKeys...)...)
			if !ok {
				continue
			}
			if sv := ef.get("settled"); sv != nil {
				if b, ok := d.boolean(sv, ef.at("settled")); ok {
					es.settled = &b
				}
			}
			if cv := ef.get("capped_by"); cv != nil {
				es.cappedBy = td.expectSettlementCaps(cv, ef.at("capped_by"))
			}
			if cv := ef.get("capped"); cv != nil && cv.Kind == yaml.SequenceNode {
				// A deal's `capped:` names caps; a settlement's is the
				// amount they cut.
				var names []string
				for _, c := range cv.Content {
					names = append(names, c.Value)
				}
				d.errorf(cv, ef.at("capped"), "a settlement's capped is the amount the caps cut from its true-up; name the caps with capped_by: [%s]", strings.Join(names, ", "))
				delete(ef.m, "capped")
			}
			for _, key := range settlementAmountKeys {
				if av := ef.get(key); av != nil {
					if m := td.amount(av, ef.at(key)); m != nil {
						es.amounts[key] = *m
						es.order = append(es.order, key)
					}
				}
			}
			out = append(out, es)
		}
	}
	return out
}

// expectSettlementCaps decodes a settlement's `capped_by:`, the names of
// the caps that cut its true-up: only the per_partner caps and the budget
// bind a true-up, so any other cap is an error.
func (td testDecoder) expectSettlementCaps(n *yaml.Node, path string) []string {
	names := td.expectCapped(n, path)
	if names == nil {
		return nil
	}
	items, _ := td.d.list(n, path)
	for i, item := range items {
		if s := item.Value; slices.Contains(names, s) && s != "per_partner" && s != "budget" {
			td.d.errorf(item, index(path, i), "cap %q does not bind a settlement's true-up; only per_partner and budget do", s)
		}
	}
	return names
}

func settlementPeriod(p *incentive.Program, id string) incentive.Period {
	for _, s := range p.Settlements {
		if s.ID == id {
			return s.Period
		}
	}
	return ""
}

// periodStarts reports whether d is the first day of a period of kind per.
func periodStarts(per incentive.Period, d incentive.Date) bool {
	if !slices.Contains(incentive.Periods(), per) || per == incentive.PeriodProgram {
		return true // an invalid period is reported by Validate
	}
	return incentive.PeriodStart(per, d, incentive.Date{}) == d
}

// programSplits reports whether the program or one of its earnings has a
// split.
func programSplits(p *incentive.Program) bool {
	if p.Split != nil {
		return true
	}
	for i := range p.Earnings {
		if p.Earnings[i].Split != nil {
			return true
		}
	}
	return false
}

// amount reads an expected amount: exact decimal text, in the program
// currency unless a code is given ("240.00 USD").
func (td testDecoder) amount(n *yaml.Node, path string) *incentive.Money {
	d, p := td.d, td.p
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		if num, code, ok := splitMoney(n.Value); ok {
			c, err := incentive.ParseCurrency(code)
			if err != nil {
				d.errorf(n, path, "unknown currency %q", code)
				return nil
			}
			v, ok := parseNumber(num)
			if !ok {
				d.errorf(n, path, "want an exact decimal amount such as \"240.00\", got %q", clip(num))
				return nil
			}
			m := incentive.NewMoney(v, c)
			return &m
		}
	}
	v, ok := d.number(n, path)
	if !ok {
		return nil
	}
	m := incentive.NewMoney(v, p.Currency)
	return &m
}

func (td testDecoder) expectLines(n *yaml.Node, path string) []expectLine {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	out := []expectLine{}
	for k, v := range f.pairs(n) {
		if earningByID(p, k.Value) == nil {
			d.errorf(k, f.at(k.Value), "unknown earning %q%s", k.Value, suggest(k.Value, earningIDs(p), true))
			continue
		}
		if m := td.amount(v, f.at(k.Value)); m != nil {
			out = append(out, expectLine{earning: k.Value, amount: *m})
		}
	}
	return out
}

func (td testDecoder) expectBands(n *yaml.Node, path string) []expectBand {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	var out []expectBand
	for k, v := range f.pairs(n) {
		kp := f.at(k.Value)
		e := earningByID(p, k.Value)
		if e == nil {
			d.errorf(k, kp, "unknown earning %q%s", k.Value, suggest(k.Value, earningIDs(p), true))
			continue
		}
		if e.Bands == nil {
			d.errorf(k, kp, "earning %q has no band table", k.Value)
			continue
		}
		b := expectBand{earning: k.Value}
		s, ok := d.scalar(v, kp, "a band label or a band number (1 is the first band)")
		if !ok {
			continue
		}
		if v.Tag == "!!int" {
			num, ok := d.integer(v, kp)
			if !ok {
				continue
			}
			if num < 1 || int(num) > len(e.Bands.Bands) {
				d.errorf(v, kp, "band %d does not exist: the table has %d bands (1 is the first)", num, len(e.Bands.Bands))
				continue
			}
			b.number = int(num)
		} else {
			var labels []string
			for _, bd := range e.Bands.Bands {
				if bd.Label != "" {
					labels = append(labels, bd.Label)
				}
			}
			if !slices.Contains(labels, s) {
				d.errorf(v, kp, "no band labelled %q in earning %q%s", clip(s), k.Value, suggest(s, labels, true))
				continue
			}
			b.label = s
		}
		out = append(out, b)
	}
	return out
}

func (td testDecoder) expectCapped(n *yaml.Node, path string) []string {
	d, p := td.d, td.p
	items, ok := d.list(n, path)
	if !ok {
		return nil
	}
	var names []string
	for _, c := range p.Caps {
		names = append(names, capName(c))
	}
	out := []string{}
	for i, item := range items {
		s, ok := d.scalar(item, index(path, i), "a cap name")
		if !ok {
			continue
		}
		if !slices.Contains(names, s) {
			hint := suggest(s, names, true)
			if len(names) == 0 {
				hint = "; the program has no caps"
			}
			d.errorf(item, index(path, i), "no cap named %q%s", clip(s), hint)
			continue
		}
		if slices.Contains(out, s) {
			d.errorf(item, index(path, i), "cap %q is listed twice", s)
			continue
		}
		out = append(out, s)
	}
	return out
}

// describe names a test for messages: `program/test`.
func (t *Test) describe() string { return fmt.Sprintf("%s/%s", t.Program.ID, t.Name) }

// mappingKey returns the value node of key in mapping n, or n itself when
// it has no such key (errors then point at the mapping).
func mappingKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	return n
}

// expectValues decodes `values:` expectations: name -> exact decimal
// text, or true/false for a condition.
func (td testDecoder) expectValues(n *yaml.Node, path string) []expectValue {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	var names []string
	for _, v := range p.Values {
		names = append(names, v.Name)
	}
	var out []expectValue
	for k, v := range f.pairs(n) {
		kp := f.at(k.Value)
		idx := slices.Index(names, k.Value)
		if idx < 0 {
			hint := suggest(k.Value, names, true)
			if len(names) == 0 {
				hint = "; the program declares no `values:`"
			}
			d.errorf(k, kp, "unknown value %q%s", k.Value, hint)
			continue
		}
		if p.Values[idx].Condition != nil {
			if b, ok := d.boolean(v, kp); ok {
				out = append(out, expectValue{name: k.Value, text: strconv.FormatBool(b)})
			}
			continue
		}
		if num, ok := d.number(v, kp); ok {
			out = append(out, expectValue{name: k.Value, text: num.String(), num: &num})
		}
	}
	return out
}

// expectPerLine decodes `per_line:`: earning -> a list with, for each
// product line of the deal in order, the amount it earned or `none` when
// the earning's condition did not hold for it.
func (td testDecoder) expectPerLine(n *yaml.Node, path string) []expectPerLine {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	var out []expectPerLine
	for k, v := range f.pairs(n) {
		kp := f.at(k.Value)
		e := earningByID(p, k.Value)
		switch {
		case e == nil:
			d.errorf(k, kp, "unknown earning %q%s", k.Value, suggest(k.Value, earningIDs(p), true))
			continue
		case !e.PerLine:
			d.errorf(k, kp, "earning %q is not paid `per: line`", k.Value)
			continue
		}
		items, ok := d.list(v, kp)
		if !ok {
			continue
		}
		ep := expectPerLine{earning: k.Value}
		for j, it := range items {
			ip := index(kp, j)
			if it.Kind == yaml.ScalarNode && it.Tag == "!!str" && it.Value == "none" {
				ep.items = append(ep.items, nil)
				continue
			}
			num, ok := d.number(it, ip)
			if !ok {
				continue
			}
			ep.items = append(ep.items, &num)
		}
		out = append(out, ep)
	}
	return out
}
