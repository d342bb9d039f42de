package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// MaxDealsFileSize is the largest deals file DecodeDeals accepts, in bytes.
// Larger batches belong in Go, streamed into incentive.Run.
const MaxDealsFileSize = 16 << 20

// dealKeys are the built-in keys of a deal; custom fields come on top.
var dealKeys = []string{
	"id", "partner_id", "amount", "currency", "quantity", "type", "registered",
	"registration", "close_date", "customer", "products", "credits", "history",
}

// DecodeDeals reads a list of deals written as in test cases (see the
// package documentation, "Deals"), each optionally with an inline
// `partner:`, for program p. JSON is accepted too (it is YAML). Every deal
// needs a partner id, from `partner_id` or `partner.id`.
//
// Errors are an ErrorList positioned in the named file, like Compile's.
// The file may be up to MaxDealsFileSize bytes.
func DecodeDeals(name string, src []byte, p *incentive.Program) ([]incentive.Input, error) {
	d := &diag{src: newSource(name, src)}
	if len(src) > MaxDealsFileSize {
		d.add(SeverityError, 0, 0, "", fmt.Sprintf("file is %d bytes; a deals file may be at most %d bytes", len(src), MaxDealsFileSize))
		return nil, d.errs.Err()
	}
	if p == nil {
		d.add(SeverityError, 0, 0, "", "no program to decode deals for")
		return nil, d.errs.Err()
	}
	docs := parseDocuments(src, d, 1, MaxDealsFileSize/4)
	if len(d.errs) > 0 {
		return nil, d.errs.Err()
	}
	if len(docs) != 1 {
		d.add(SeverityError, 1, 1, "", "want one list of deals")
		return nil, d.errs.Err()
	}
	dd := dealDecoder{d: d, p: p}
	items, ok := d.list(docs[0].root, "")
	if !ok {
		return nil, d.errs.Err()
	}
	out := make([]incentive.Input, 0, len(items))
	for i, item := range items {
		in, ok := dd.deal(item, index("", i), nil, true)
		if !ok {
			continue
		}
		if in.Deal.PartnerID == "" {
			d.errorf(item, index("", i), "the deal names no partner: add `partner_id:` or `partner: {id: ...}`")
			continue
		}
		out = append(out, in)
	}
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// dealDecoder decodes deals, partners and priors for one program.
type dealDecoder struct {
	d *diag
	p *incentive.Program
}

// deal decodes one deal. base is the partner the deal belongs to unless it
// carries its own (allowPartner) or names another partner_id; the
// returned Input's partner is a copy with the deal's partner id.
func (dd dealDecoder) deal(n *yaml.Node, path string, base *partner.Partner, allowPartner bool) (incentive.Input, bool) {
	d, p := dd.d, dd.p
	allowed := append([]string(nil), dealKeys...)
	if allowPartner {
		allowed = append(allowed, "partner")
	}
	for _, fd := range p.Fields {
		allowed = append(allowed, fd.Name)
	}
	nerr := len(d.errs)
	f, ok := d.mapping(n, path, allowed...)
	if !ok {
		return incentive.Input{}, false
	}
	d.require(f, "id", "amount", "close_date")
	var in incentive.Input
	deal := &in.Deal
	loc := p.Effective.Loc()
	if v := f.get("id"); v != nil {
		deal.ID, _ = d.text(v, f.at("id"))
	}
	if v := f.get("partner_id"); v != nil {
		deal.PartnerID, _ = d.text(v, f.at("partner_id"))
	}
	cur := p.Currency
	if v := f.get("currency"); v != nil {
		if s, ok := d.scalar(v, f.at("currency"), "an ISO 4217 currency code"); ok {
			c, err := incentive.ParseCurrency(s)
			if err != nil || s != strings.ToUpper(s) {
				// As in program files: codes are written in capitals.
				d.errorf(v, f.at("currency"), "unknown currency %q; want an ISO 4217 code in capitals such as USD or EUR%s",
					clip(s), suggest(strings.ToUpper(s), currencyCodes(), false))
			} else {
				cur = c
			}
		}
	}
	if v := f.get("amount"); v != nil {
		if a, ok := d.number(v, f.at("amount")); ok {
			deal.Amount = incentive.NewMoney(a, cur)
			if a.Sign() < 0 && !p.AllowNegative {
				d.errorf(v, f.at("amount"), "a negative amount needs `allow_negative: true` in the program")
			}
		}
	}
	if v := f.get("quantity"); v != nil {
		if q, ok := d.integer(v, f.at("quantity")); ok {
			if q < 0 {
				d.errorf(v, f.at("quantity"), "must not be negative, got %d", q)
			}
			deal.Quantity = q
		}
	}
	if v := f.get("type"); v != nil {
		if s, ok := d.text(v, f.at("type")); ok {
			deal.Type = incentive.DealType(s)
		}
	}
	if v := f.get("close_date"); v != nil {
		deal.CloseDate, _ = d.instant(v, f.at("close_date"), loc)
	}
	switch reg, rg := f.get("registered"), f.get("registration"); {
	case reg != nil && rg != nil:
		d.errorf(f.m["registration"].key, f.at("registration"), "give either `registered:` or `registration:`, not both")
	case reg != nil:
		if b, ok := d.boolean(reg, f.at("registered")); ok && b {
			// Shorthand: registered and approved on the close date.
			deal.Registration = &incentive.Registration{Approved: incentive.DateOf(deal.CloseDate.In(loc))}
		}
	case rg != nil:
		if rf, ok := d.mapping(rg, f.at("registration"), "id", "approved"); ok {
			deal.Registration = &incentive.Registration{}
			if v := rf.get("id"); v != nil {
				deal.Registration.ID, _ = d.text(v, rf.at("id"))
			}
			if v := rf.get("approved"); v != nil {
				deal.Registration.Approved, _ = d.date(v, rf.at("approved"))
			}
		}
	}
	if v := f.get("customer"); v != nil {
		dd.customer(v, f.at("customer"), &deal.Customer)
	}
	if v := f.get("products"); v != nil {
		deal.Lines = dd.products(v, f.at("products"), cur)
	}
	if v := f.get("credits"); v != nil {
		dd.credits(v, f.at("credits"), deal)
	}
	if v := f.get("history"); v != nil {
		in.History = dd.history(v, f.at("history"))
	}
	dd.customFields(f, deal)
	if base != nil {
		in.Partner = *base
	}
	baseID := in.Partner.ID
	if v := f.get("partner"); v != nil {
		dd.partner(v, f.at("partner"), &in.Partner)
	}
	switch {
	case deal.PartnerID == "":
		deal.PartnerID = in.Partner.ID
	case in.Partner.ID == "" || in.Partner.ID == baseID:
		// A test-level partner is a template: the deal's partner_id names
		// which partner it is.
		in.Partner.ID = deal.PartnerID
	case in.Partner.ID != deal.PartnerID:
		d.errorf(f.get("partner_id"), f.at("partner_id"), "partner_id %q differs from the deal's partner.id %q", deal.PartnerID, in.Partner.ID)
	}
	return in, len(d.errs) == nerr
}

// credits reads the id of the deal a credit note credits: the credit
// note's own amount must be negative, and it cannot credit itself.
func (dd dealDecoder) credits(v *yaml.Node, path string, deal *incentive.Deal) {
	d := dd.d
	id, ok := d.text(v, path)
	if !ok {
		return
	}
	switch {
	case id == "":
		d.errorf(v, path, "name the deal this credit note credits, or leave `credits:` out")
	case id == deal.ID:
		d.errorf(v, path, "deal %q credits itself; name the earlier deal it credits", clip(id))
	case !deal.Amount.IsNegative():
		d.errorf(v, path, "a credit note's amount must be negative, got %s", deal.Amount.Amount())
	}
	deal.Credits = id
}

// customFields reads the program's typed custom fields from a deal.
func (dd dealDecoder) customFields(f fields, deal *incentive.Deal) {
	if m := dd.typedFields(f, dd.p.Fields); m != nil {
		deal.Fields = m
	}
}

// typedFields reads the declared fields present in f, typed.
func (dd dealDecoder) typedFields(f fields, decls []incentive.FieldDecl) map[string]any {
	d := dd.d
	var out map[string]any
	for _, fd := range decls {
		v := f.get(fd.Name)
		if v == nil {
			if !fd.Optional {
				d.errorf(f.node, f.path, "missing required field %q (declared at %s)", fd.Name, fd.Origin)
			}
			continue
		}
		path := f.at(fd.Name)
		var val any
		ok := false
		switch fd.Type {
		case incentive.FieldString:
			if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
				val, ok = v.Value, true
			} else {
				d.errorf(v, path, "field %q is a string; got %s (quote it if it is meant as text)", fd.Name, kindName(v))
			}
		case incentive.FieldInt:
			val, ok = d.integer(v, path)
		case incentive.FieldDecimal, incentive.FieldMoney:
			val, ok = d.number(v, path)
		case incentive.FieldBool:
			val, ok = d.boolean(v, path)
		case incentive.FieldDate:
			val, ok = d.date(v, path)
		}
		if ok {
			if out == nil {
				out = map[string]any{}
			}
			out[fd.Name] = val
		}
	}
	return out
}

func (dd dealDecoder) customer(n *yaml.Node, path string, c *incentive.Customer) {
	f, ok := dd.d.mapping(n, path, "id", "name", "country", "region", "industry", "segment")
	if !ok {
		return
	}
	for key, dst := range map[string]*string{"id": &c.ID, "name": &c.Name, "country": &c.Country,
		"region": &c.Region, "industry": &c.Industry, "segment": &c.Segment} {
		if v := f.get(key); v != nil {
			*dst, _ = dd.d.text(v, f.at(key))
		}
	}
}

// products reads deal lines: a product name, or {product, family,
// quantity, unit_price, amount} and the program's custom line fields.
func (dd dealDecoder) products(n *yaml.Node, path string, cur incentive.Currency) []incentive.DealLine {
	d := dd.d
	items, ok := d.list(n, path)
	if !ok {
		return nil
	}
	out := make([]incentive.DealLine, 0, len(items))
	for i, item := range items {
		ip := index(path, i)
		var l incentive.DealLine
		if item.Kind == yaml.ScalarNode {
			l.Product, _ = d.text(item, ip)
			out = append(out, l)
			continue
		}
		keys := []string{"product", "family", "quantity", "unit_price", "amount"}
		for _, fd := range dd.p.LineFields {
			keys = append(keys, fd.Name)
		}
		f, ok := d.mapping(item, ip, keys...)
		if !ok {
			continue
		}
		if v := f.get("family"); v != nil {
			l.Family, _ = d.text(v, f.at("family"))
		}
		if v := f.get("unit_price"); v != nil {
			if a, ok := d.number(v, f.at("unit_price")); ok {
				l.UnitPrice = incentive.NewMoney(a, cur)
			}
		}
		l.Fields = dd.typedFields(f, dd.p.LineFields)
		d.require(f, "product")
		if v := f.get("product"); v != nil {
			l.Product, _ = d.text(v, f.at("product"))
		}
		if v := f.get("quantity"); v != nil {
			l.Quantity, _ = d.integer(v, f.at("quantity"))
		}
		if v := f.get("amount"); v != nil {
			if a, ok := d.number(v, f.at("amount")); ok {
				l.Amount = incentive.NewMoney(a, cur)
			}
		}
		out = append(out, l)
	}
	return out
}

// partner reads a partner record into pt, over any values already there.
func (dd dealDecoder) partner(n *yaml.Node, path string, pt *partner.Partner) {
	d := dd.d
	f, ok := d.mapping(n, path, partnerKeys...)
	if !ok {
		return
	}
	str := func(key string) (string, bool) {
		if v := f.get(key); v != nil {
			return d.text(v, f.at(key))
		}
		return "", false
	}
	if s, ok := str("id"); ok {
		pt.ID = s
	}
	if s, ok := str("name"); ok {
		pt.Name = s
	}
	// The dated attributes: each given alone holds throughout (it
	// replaces the changes a deal's partner inherits from its test's), or
	// takes its changes from tier_history or attribute_history.
	for _, a := range partner.AttrNames() {
		if s, ok := str(string(a)); ok {
			pt.SetAttrValue(a, s)
		}
	}
	dd.attrHistory(f, pt)
	if v := f.get("payment_method"); v != nil {
		if s, ok := d.enum(v, f.at("payment_method"), paymentMethodNames()...); ok {
			pd := partner.PaymentDetails{}
			if pt.Payment != nil {
				pd = *pt.Payment
			}
			pd.Method = partner.PaymentMethod(s)
			pt.Payment = &pd
		}
	}
	if v := f.get("contacts"); v != nil {
		items, _ := d.list(v, f.at("contacts"))
		pt.Contacts = nil
		for i, item := range items {
			cp := index(f.at("contacts"), i)
			cf, ok := d.mapping(item, cp, "role", "name", "email")
			if !ok {
				continue
			}
			d.require(cf, "role")
			var c partner.Contact
			if v := cf.get("role"); v != nil {
				c.Role, _ = d.text(v, cf.at("role"))
			}
			if v := cf.get("name"); v != nil {
				c.Name, _ = d.text(v, cf.at("name"))
			}
			if v := cf.get("email"); v != nil {
				c.Email, _ = d.text(v, cf.at("email"))
			}
			pt.Contacts = append(pt.Contacts, c)
		}
	}
}

// datedEntry is one dated value read from tier_history or
// attribute_history, with the nodes its errors point at.
type datedEntry struct {
	partner.DatedValue
	key     string // the list: tier_history or attribute_history
	item    *yaml.Node
	valNode *yaml.Node
	valPath string
}

// attrHistory reads a partner record's `tier_history:` (a list of {from,
// tier}) and `attribute_history:` (a list of {from, type, tier, region,
// country}, each entry naming one or more attributes that change that
// day), each in strictly increasing from order (midnight in the program's
// time zone, or an RFC 3339 instant). Every attribute with changes gets
// them as its history (partner.SetAttrHistory): the value in force from
// each date until the next change of that attribute; before the first the
// attribute has no value. The record's `tier:` (type, region, country) is
// then the last value and may be left out; one given beside changes must
// name it. An attribute the record states alone drops the changes it
// inherited (a deal overriding its test's partner).
func (dd dealDecoder) attrHistory(f fields, pt *partner.Partner) {
	d := dd.d
	nerr := len(d.errs)
	byAttr := map[partner.AttrName][]datedEntry{}
	for _, key := range []string{"tier_history", "attribute_history"} {
		v := f.get(key)
		if v == nil {
			continue
		}
		keys, required := tierEntryKeys, tierEntryKeys
		if key == "attribute_history" {
			keys, required = attrEntryKeys, attrEntryKeys[:1]
		}
		path := f.at(key)
		items, ok := d.list(v, path)
		if !ok {
			continue
		}
		if len(items) == 0 {
			d.errorf(v, path, "list at least one {%s}, or leave `%s:` out", strings.Join(keys, ", "), key)
			continue
		}
		var last time.Time
		var lastNode *yaml.Node
		for i, item := range items {
			ip := index(path, i)
			ef, ok := d.mapping(item, ip, keys...)
			if !ok || !d.require(ef, required...) {
				continue
			}
			at, ok := d.instant(ef.get("from"), ef.at("from"), dd.p.Effective.Loc())
			if !ok {
				continue
			}
			if lastNode != nil && !at.After(last) {
				d.errorf(ef.get("from"), ef.at("from"), "%s must be in time order: %s is not after the entry before it (line %d)",
					key, ef.get("from").Value, lastNode.Line)
			}
			last, lastNode = at, item
			named := 0
			for _, a := range partner.AttrNames() {
				vn := ef.get(string(a))
				if vn == nil {
					continue
				}
				named++
				val, ok := d.text(vn, ef.at(string(a)))
				if !ok {
					continue
				}
				if err := partner.CheckAttr(a, val); err != nil {
					d.errorf(vn, ef.at(string(a)), "%s", err.(*partner.AttrError).Msg)
					continue
				}
				if a == partner.AttrTier && key == "attribute_history" && f.get("tier_history") != nil {
					d.errorf(vn, ef.at(string(a)), "the tier's changes are in tier_history (line %d); give them in one list", f.get("tier_history").Line)
					continue
				}
				byAttr[a] = append(byAttr[a], datedEntry{DatedValue: partner.DatedValue{From: at, Value: val, Reason: key}, key: key, item: item, valNode: vn, valPath: ef.at(string(a))})
			}
			if named == 0 && len(item.Content) <= 2 { // only from: an unknown key is reported already
				d.errorf(item, ip, "an entry changes at least one of %s", strings.Join(keys[1:], ", "))
			}
		}
	}
	if len(d.errs) > nerr {
		return
	}
	for _, a := range partner.AttrNames() {
		es := byAttr[a]
		given := f.get(string(a))
		if len(es) == 0 {
			if given != nil {
				_ = partner.SetAttrHistory(pt, a, nil) // a known attribute: no error
			}
			continue
		}
		lastE := es[len(es)-1]
		if given != nil && pt.Attr(a) != lastE.Value {
			d.errorf(given, f.at(string(a)), "%s %q differs from the last %s entry %q (line %d); the %s is the one in force now, so leave `%s:` out or make them agree",
				a, clip(pt.Attr(a)), lastE.key, clip(lastE.Value), lastE.item.Line, a, a)
			continue
		}
		vals := make([]partner.DatedValue, len(es))
		for i, e := range es {
			vals[i] = e.DatedValue
		}
		if err := partner.SetAttrHistory(pt, a, vals); err != nil {
			// Unreachable while the checks above hold (each list is in
			// order, the tier in one list), kept so nothing is lost.
			e, msg := es[0], err.Error()
			if ae, ok := err.(*partner.AttrError); ok && ae.Index >= 0 {
				e, msg = es[ae.Index], ae.Msg
			}
			d.errorf(e.valNode, e.valPath, "%s", msg)
		}
	}
}

// prior reads a partner's totals from before the test's deals.
func (dd dealDecoder) prior(n *yaml.Node, path string) incentive.Prior {
	d, p := dd.d, dd.p
	var pr incentive.Prior
	f, ok := d.mapping(n, path, "period_amount", "period_deals", "period_earned", "cumulative", "budget_used", "basis")
	if !ok {
		return pr
	}
	for key, dst := range map[string]*decimal.Decimal{"period_amount": &pr.PeriodAmount,
		"period_earned": &pr.PeriodEarned, "cumulative": &pr.Cumulative, "budget_used": &pr.BudgetUsed} {
		if v := f.get(key); v != nil {
			*dst, _ = d.money(v, f.at(key), p.Currency)
		}
	}
	if v := f.get("period_deals"); v != nil {
		pr.PeriodDeals, _ = d.integer(v, f.at("period_deals"))
	}
	if v := f.get("basis"); v != nil {
		bf, ok := d.mapping(v, f.at("basis"))
		if !ok {
			return pr
		}
		pr.Basis = map[string]decimal.Decimal{}
		for k, bv := range bf.pairs(v) {
			if earningByID(p, k.Value) == nil {
				d.errorf(k, bf.at(k.Value), "unknown earning %q%s", k.Value, suggest(k.Value, earningIDs(p), true))
				continue
			}
			if a, ok := d.number(bv, bf.at(k.Value)); ok {
				pr.Basis[k.Value] = a
			}
		}
	}
	return pr
}

// closeDay is a deal's close date in the program's time zone.
func closeDay(p *incentive.Program, t time.Time) incentive.Date {
	return incentive.DateOf(t.In(p.Effective.Loc()))
}

func earningByID(p *incentive.Program, id string) *incentive.Earning {
	for i := range p.Earnings {
		if p.Earnings[i].ID == id {
			return &p.Earnings[i]
		}
	}
	return nil
}

func earningIDs(p *incentive.Program) []string {
	out := make([]string, 0, len(p.Earnings))
	for _, e := range p.Earnings {
		out = append(out, e.ID)
	}
	return out
}

// history reads a partner's totals of earlier periods: a mapping from
// period labels ("2026-03", "2026-Q1", "2026-H1", "2026") to amounts in the program
// currency. It returns nil after an error.
func (dd dealDecoder) history(n *yaml.Node, path string) incentive.History {
	d := dd.d
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	nerr := len(d.errs)
	h := incentive.History{}
	for k, kn := range f.pairs(n) {
		if !incentive.IsPeriodLabel(k.Value) {
			d.errorf(k, f.at(k.Value), "want a period label: a month (2026-03), a quarter (2026-Q1), a half year (2026-H1) or a year (2026), got %q", clip(k.Value))
			continue
		}
		if v, ok := d.money(kn, f.at(k.Value), dd.p.Currency); ok {
			h[k.Value] = v
		}
	}
	if len(d.errs) != nerr {
		return nil
	}
	return h
}
