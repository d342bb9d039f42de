package incentive

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// AppendDealJSON appends in's deal and partner as one JSON object in the
// format DecodeJSONLines reads (no trailing newline), so that a deal
// written and read back is the same deal: amounts as exact decimal
// strings, the close time as an RFC 3339 time in UTC (the same instant), custom
// fields by their type, Input.History by period label, the partner's
// dated changes (Partner.History) as tier_history and attribute_history.
// Input.Prior and Input.Rates are not written.
//
// It fails (ErrInvalidDeal) on a custom field value of a type FieldDecl
// does not allow, and on a partner History the deal files cannot hold
// exactly: only dated changes as the decoders build them (one list per
// attribute, each change chained from the one before, no actor) can be
// written; a lifecycle event cannot.
func AppendDealJSON(b []byte, in *Input) ([]byte, error) {
	d := &in.Deal
	b = append(b, `{"id":`...)
	b = appendJSONString(b, d.ID)
	if d.PartnerID != "" {
		b = append(b, `,"partner_id":`...)
		b = appendJSONString(b, d.PartnerID)
	}
	b = append(b, `,"amount":"`...)
	b = append(b, decText(d.Amount.Amount())...)
	b = append(b, '"')
	if c := d.Amount.Currency(); c != "" {
		b = append(b, `,"currency":`...)
		b = appendJSONString(b, string(c))
	}
	if d.Quantity != 0 {
		b = append(b, `,"quantity":`...)
		b = strconv.AppendInt(b, d.Quantity, 10)
	}
	if d.Type != "" {
		b = append(b, `,"type":`...)
		b = appendJSONString(b, string(d.Type))
	}
	if d.Credits != "" {
		b = append(b, `,"credits":`...)
		b = appendJSONString(b, d.Credits)
	}
	b = append(b, `,"close_date":"`...)
	// In UTC: an RFC 3339 offset has no seconds, a zone's historical one
	// may (New York's was -04:56:02 until 1883), and the instant must not
	// move.
	b = d.CloseDate.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if r := d.Registration; r != nil {
		b = append(b, `,"registration":{`...)
		sep := ""
		if r.ID != "" {
			b = append(b, `"id":`...)
			b = appendJSONString(b, r.ID)
			sep = ","
		}
		if !r.Approved.IsZero() {
			b = append(b, sep+`"approved":`...)
			b = appendJSONString(b, r.Approved.String())
		}
		b = append(b, '}')
	}
	if c := d.Customer; c != (Customer{}) {
		b = append(b, `,"customer":`...)
		b = appendObject(b, "id", c.ID, "name", c.Name, "country", c.Country, "region", c.Region, "industry", c.Industry, "segment", c.Segment)
	}
	if len(in.History) > 0 {
		b = append(b, `,"history":{`...)
		for i, k := range slices.Sorted(maps.Keys(in.History)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, `:"`...)
			b = append(b, decText(in.History[k])...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	if len(d.Lines) > 0 {
		b = append(b, `,"products":[`...)
		for i, l := range d.Lines {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"product":`...)
			b = appendJSONString(b, l.Product)
			if l.Family != "" {
				b = append(b, `,"family":`...)
				b = appendJSONString(b, l.Family)
			}
			if l.UnitPrice.Currency() != "" || !l.UnitPrice.IsZero() {
				b = append(b, `,"unit_price":"`...)
				b = append(b, decText(l.UnitPrice.Amount())...)
				b = append(b, '"')
			}
			if l.Quantity != 0 {
				b = append(b, `,"quantity":`...)
				b = strconv.AppendInt(b, l.Quantity, 10)
			}
			if l.Amount.Currency() != "" || !l.Amount.IsZero() {
				b = append(b, `,"amount":"`...)
				b = append(b, decText(l.Amount.Amount())...)
				b = append(b, '"')
			}
			var err error
			if b, err = appendFields(b, d.ID, l.Fields); err != nil {
				return nil, err
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	pt := &in.Partner
	b = append(b, `,"partner":`...)
	method := ""
	if pt.Payment != nil {
		method = string(pt.Payment.Method)
	}
	b = appendObject(b, "id", pt.ID, "name", pt.Name, "type", string(pt.Type), "tier", string(pt.Tier), "region", pt.Region, "country", pt.Country,
		"payment_method", method)
	if len(pt.Contacts) > 0 {
		b = b[:len(b)-1] // reopen the object
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = append(b, `"contacts":[`...)
		for i, c := range pt.Contacts {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendObject(b, "role", c.Role, "name", c.Name, "email", c.Email)
		}
		b = append(b, "]}"...)
	}
	if len(pt.History) > 0 {
		lists, err := historyLists(pt)
		if err != nil {
			return nil, fmt.Errorf("%w: deal %s: partner %s: %w", ErrInvalidDeal, d.ID, pt.ID, err)
		}
		b = b[:len(b)-1] // reopen the object
		for _, l := range lists {
			if b[len(b)-1] != '{' {
				b = append(b, ',')
			}
			b = appendJSONString(b, l.key)
			b = append(b, ":["...)
			for i, e := range l.entries {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendObject(b, e...)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	b, err := appendFields(b, d.ID, d.Fields)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// historyOut is a tier_history or attribute_history to write: each entry
// the key-value pairs of one JSON object, from first.
type historyOut struct {
	key     string
	entries [][]string
}

// historyLists writes a partner's History as the tier_history and
// attribute_history lists the decoders read (DecodeHistoryJSON), times as
// RFC 3339 in UTC (the same instants). It is an error when the lists would
// not read back as the same History: a lifecycle event, an actor, a
// reason other than the list a change was read from, or changes that do
// not chain (partner.SetAttrHistory builds the History the lists give,
// which must equal the partner's, event for event).
func historyLists(pt *partner.Partner) ([]historyOut, error) {
	var tier, attrs historyOut
	tier.key, attrs.key = "tier_history", "attribute_history"
	at := map[*historyOut]map[int64]int{&tier: {}, &attrs: {}} // instant -> entry
	vals := map[partner.AttrName][]partner.DatedValue{}
	for i := range pt.History {
		e := &pt.History[i]
		a, _, to, ok := e.Change()
		switch {
		case !ok:
			return nil, fmt.Errorf("its history has a %s event, which a deals file cannot hold", cmp.Or(string(e.Kind), "lifecycle"))
		case e.Actor != "":
			return nil, fmt.Errorf("its %s change of %s has an actor (%s), which a deals file cannot hold", a, e.At.Format(time.RFC3339), e.Actor)
		case e.Reason != "attribute_history" && (e.Reason != "tier_history" || a != partner.AttrTier):
			return nil, fmt.Errorf("its %s change of %s has the reason %q; a deals file holds only changes read from tier_history or attribute_history", a, e.At.Format(time.RFC3339), e.Reason)
		}
		l := &attrs
		if e.Reason == "tier_history" {
			l = &tier
		}
		key := e.At.UnixNano()
		j, seen := at[l][key]
		if !seen {
			j = len(l.entries)
			at[l][key] = j
			l.entries = append(l.entries, []string{"from", e.At.UTC().Format(time.RFC3339Nano)})
		}
		l.entries[j] = append(l.entries[j], string(a), to)
		vals[a] = append(vals[a], partner.DatedValue{From: e.At, Value: to, Reason: e.Reason})
	}
	// The History the lists read back as: the decoders' steps.
	back := partner.Partner{Type: pt.Type, Tier: pt.Tier, Region: pt.Region, Country: pt.Country}
	for _, a := range partner.AttrNames() {
		if len(vals[a]) == 0 {
			continue
		}
		if err := partner.SetAttrHistory(&back, a, vals[a]); err != nil {
			return nil, fmt.Errorf("its %s changes cannot be written: %w", a, err)
		}
	}
	same := back.Type == pt.Type && back.Tier == pt.Tier && back.Region == pt.Region && back.Country == pt.Country &&
		slices.EqualFunc(back.History, pt.History, func(x, y partner.Event) bool {
			return x.At.Equal(y.At) && x.Kind == y.Kind && x.From == y.From && x.To == y.To && x.FromTier == y.FromTier && x.ToTier == y.ToTier &&
				x.Attr == y.Attr && x.FromValue == y.FromValue && x.ToValue == y.ToValue && x.Actor == y.Actor && x.Reason == y.Reason
		})
	if !same {
		return nil, errors.New("its history does not read back the same from tier_history and attribute_history (changes out of time order, not chained from one to the next, or not ending at the current value)")
	}
	var out []historyOut
	for _, l := range []historyOut{tier, attrs} {
		if len(l.entries) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// appendFields appends ,"name":value for each custom field, sorted by name.
func appendFields(b []byte, deal string, fields map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = append(b, ',')
		b = appendJSONString(b, k)
		b = append(b, ':')
		switch v := fields[k].(type) {
		case string:
			b = appendJSONString(b, v)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case decimal.Decimal:
			b = append(b, '"')
			b = append(b, decText(v)...)
			b = append(b, '"')
		case bool:
			b = strconv.AppendBool(b, v)
		case Date:
			b = appendJSONString(b, v.String())
		default:
			return nil, fmt.Errorf("%w: deal %s: field %q holds a %T", ErrInvalidDeal, deal, k, v)
		}
	}
	return b, nil
}

// decText writes a decimal with its scale: 12000.50 stays 12000.50.
func decText(v decimal.Decimal) string {
	return v.StringFixed(max(0, -v.Exponent()))
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// appendObject appends a JSON object of the non-empty string pairs.
func appendObject(b []byte, kv ...string) []byte {
	b = append(b, '{')
	sep := false
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if sep {
			b = append(b, ',')
		}
		sep = true
		k, _ := json.Marshal(kv[i])
		b = append(b, k...)
		b = append(b, ':')
		v, _ := json.Marshal(kv[i+1])
		b = append(b, v...)
	}
	return append(b, '}')
}
