package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
)

// maxPartnersFileSize bounds a partners file: it is read whole (a program
// has thousands of partners, not millions).
const maxPartnersFileSize = 64 << 20

// partnersFileErr is a partners file with errors.
type partnersFileErr struct {
	name string
	err  error
}

func (e *partnersFileErr) Error() string { return e.err.Error() }
func (e *partnersFileErr) Unwrap() error { return e.err }

// partnerBook is the partners of a -partners file, by id.
type partnerBook struct {
	name string
	byID map[string]partner.Partner
	ids  []string // sorted, for suggestions
}

// loadPartners reads a partners file: CSV (a header row of id, name, type,
// tier, region, country and optionally payment_method, tier_history,
// attribute_history, contact_role, contact_name, contact_email; a partner
// with several contacts repeats its row with the same attributes), JSON
// Lines (one record per line, as a deal's "partner", with payment_method,
// tier_history and attribute_history as in YAML) or YAML (a list of
// records). An id given twice with different attributes is an error.
// History dates are read in program p's time zone. See partnersHelp for
// the CSV cell forms.
func loadPartners(name string, p *incentive.Program) (*partnerBook, error) {
	format, err := dealFormat(name, "", "")
	if err != nil {
		return nil, &usageErr{fmt.Errorf("-partners: %w", err)}
	}
	if format == formatJSON {
		return nil, &usageErr{fmt.Errorf("-partners %s: a partners file is CSV, JSON Lines (.jsonl) or YAML", name)}
	}
	src, err := readArg(name, maxPartnersFileSize)
	if err != nil {
		var tl *tooLargeError
		if errors.As(err, &tl) {
			return nil, err
		}
		return nil, &usageErr{err}
	}
	loc := time.UTC
	if p != nil {
		loc = p.Effective.Loc()
	}
	var list []partner.Partner
	switch format {
	case formatYAML:
		list, err = rules.DecodePartnersFor(name, src, p)
	case formatCSV:
		list, err = partnersCSV(name, src, loc)
	case formatJSONL:
		list, err = partnersJSONL(name, src, loc)
	}
	if err != nil {
		return nil, &partnersFileErr{name, err}
	}
	b := &partnerBook{name: name, byID: make(map[string]partner.Partner, len(list))}
	for _, p := range list {
		b.byID[p.ID] = p
		b.ids = append(b.ids, p.ID)
	}
	slices.Sort(b.ids)
	return b, nil
}

var partnerColumns = []string{"id", "name", "type", "tier", "region", "country", "payment_method", "tier_history", "attribute_history",
	"contact_role", "contact_name", "contact_email"}

// partnersHelp documents the partners file columns and fields beyond the
// plain attributes (the run command's help repeats it).
const partnersHelp = `In a CSV partners file, payment_method is one of bank_transfer, check,
paypal, card; tier_history is the tier's changes as "DATE TIER" entries
separated by ";" (2025-07-01 silver; 2026-02-15 gold); attribute_history is
changes of type, tier, region and country as "DATE attr=value ..." entries
separated by ";" (2025-01-01 type=referral region=emea; 2026-05-15
region=na), values one word each. A date is YYYY-MM-DD (midnight in the
program's time zone) or an RFC 3339 time; entries are in time order, each
date once. In JSON Lines they are "payment_method", "tier_history":
[{"from", "tier"}] and "attribute_history": [{"from", "type", "tier",
"region", "country"}], as in YAML.`

func partnersCSV(name string, src []byte, loc *time.Location) ([]partner.Partner, error) {
	// A spreadsheet's byte order mark goes before the csv reader sees it,
	// so a quoted first header reads as the deal decoders' does.
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(src, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: want a header row (%s): %v", name, strings.Join(partnerColumns, ", "), err)
	}
	col := map[string]int{}
	var errs []string
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch {
		case !slices.Contains(partnerColumns, h):
			errs = append(errs, fmt.Sprintf("%s:1:%d: unknown column %q (want %s)", name, i+1, h, strings.Join(partnerColumns, ", ")))
		case col[h] != 0:
			errs = append(errs, fmt.Sprintf("%s:1:%d: column %q is given twice", name, i+1, h))
		default:
			col[h] = i + 1
		}
	}
	if col["id"] == 0 {
		errs = append(errs, fmt.Sprintf("%s:1: no id column", name))
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	var out []partner.Partner
	at := map[string]int{}        // id -> index in out
	firstLine := map[string]int{} // id -> line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			errs = append(errs, fmt.Sprintf("%s:%d: the row has %d columns; the header has %d", name, line, len(rec), len(header)))
			continue
		}
		get := func(k string) string {
			if i := col[k]; i > 0 {
				return strings.TrimSpace(rec[i-1])
			}
			return ""
		}
		p := partner.Partner{ID: get("id"), Name: get("name"), Type: partner.Type(get("type")), Tier: partner.Tier(get("tier")),
			Region: get("region"), Country: get("country")}
		if p.ID == "" {
			errs = append(errs, fmt.Sprintf("%s:%d: the partner has no id", name, line))
			continue
		}
		// pos is the position of a column's cell, for errors: its line and
		// the column's number (its place in the header, from 1), as the
		// deal decoders name a cell.
		pos := func(k string) string {
			l, _ := cr.FieldPos(col[k] - 1)
			return fmt.Sprintf("%s:%d:%d: %s", name, l, col[k], k)
		}
		nerr := len(errs)
		if m := get("payment_method"); m != "" {
			if !slices.Contains(partner.PaymentMethods(), partner.PaymentMethod(m)) {
				errs = append(errs, fmt.Sprintf("%s: unknown payment method %q (want %s)", pos("payment_method"), m, methodList()))
			} else {
				p.Payment = &partner.PaymentDetails{Method: partner.PaymentMethod(m)}
			}
		}
		var dated []incentive.DatedChange
		for _, k := range []string{"tier_history", "attribute_history"} {
			if cell := get(k); cell != "" {
				ds, es := historyCell(cell, k, loc, pos(k))
				dated, errs = append(dated, ds...), append(errs, es...)
			}
		}
		if len(errs) == nerr {
			errs = append(errs, applyDated(&p, dated)...)
		}
		if len(errs) > nerr {
			continue
		}
		var contact *partner.Contact
		if role := get("contact_role"); role != "" {
			contact = &partner.Contact{Role: role, Name: get("contact_name"), Email: get("contact_email")}
		} else if get("contact_name") != "" || get("contact_email") != "" {
			errs = append(errs, fmt.Sprintf("%s:%d: partner %s: a contact needs a contact_role", name, line, p.ID))
			continue
		}
		i, seen := at[p.ID]
		if !seen {
			if contact != nil {
				p.Contacts = []partner.Contact{*contact}
			}
			at[p.ID] = len(out)
			firstLine[p.ID] = line
			out = append(out, p)
			continue
		}
		q := out[i]
		if d := partnerDiff(q, p); d != "" {
			errs = append(errs, fmt.Sprintf("%s:%d: partner %s is listed again with a different %s (line %d)", name, line, p.ID, d, firstLine[p.ID]))
			continue
		}
		if contact == nil {
			errs = append(errs, fmt.Sprintf("%s:%d: partner %s is listed twice (line %d); repeat a partner only to give another contact", name, line, p.ID, firstLine[p.ID]))
			continue
		}
		out[i].Contacts = append(out[i].Contacts, *contact)
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return out, nil
}

// partnerDiff names the first attribute in which two records differ, or "".
func partnerDiff(a, b partner.Partner) string {
	switch {
	case !sameDated(a, b):
		return "tier_history or attribute_history"
	case method(a) != method(b):
		return fmt.Sprintf("payment_method (%q, not %q)", method(b), method(a))
	case a.Name != b.Name:
		return fmt.Sprintf("name (%q, not %q)", b.Name, a.Name)
	case a.Type != b.Type:
		return fmt.Sprintf("type (%q, not %q)", b.Type, a.Type)
	case a.Tier != b.Tier:
		return fmt.Sprintf("tier (%q, not %q)", b.Tier, a.Tier)
	case a.Region != b.Region:
		return fmt.Sprintf("region (%q, not %q)", b.Region, a.Region)
	case a.Country != b.Country:
		return fmt.Sprintf("country (%q, not %q)", b.Country, a.Country)
	}
	return ""
}

// partnerKeys are the keys of partnerJSON, exactly.
var partnerKeys = []string{"id", "name", "type", "tier", "region", "country", "payment_method", "tier_history", "attribute_history", "contacts"}

// keyProblem reports a key of a JSON object given twice, or given in
// another case than one of keys: encoding/json keeps the last value of a
// repeated key and matches a key in any case ("ID" sets the id), both
// silently, where a deals file refuses them. Anything else (not an
// object, an unknown key) is left to the decoder.
func keyProblem(text []byte, keys []string) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		k, ok := t.(string)
		if err != nil || !ok {
			return nil
		}
		if seen[k] {
			return fmt.Errorf("the key %q is given twice", k)
		}
		seen[k] = true
		if i := slices.IndexFunc(keys, func(want string) bool { return strings.EqualFold(want, k) }); i >= 0 && keys[i] != k {
			return fmt.Errorf("the key %q is written %q (keys are case-sensitive)", k, keys[i])
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil
		}
	}
	return nil
}

// partnerJSON is a partner record in JSON Lines.
type partnerJSON struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Type             string          `json:"type"`
	Tier             string          `json:"tier"`
	Region           string          `json:"region"`
	Country          string          `json:"country"`
	PaymentMethod    string          `json:"payment_method"`
	TierHistory      json.RawMessage `json:"tier_history"`
	AttributeHistory json.RawMessage `json:"attribute_history"`
	Contacts         []struct {
		Role  string `json:"role"`
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"contacts"`
}

func partnersJSONL(name string, src []byte, loc *time.Location) ([]partner.Partner, error) {
	var out []partner.Partner
	var errs []string
	first := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(src, []byte("\ufeff"))))
	sc.Buffer(nil, incentive.DefaultMaxRowBytes)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if err := keyProblem(text, partnerKeys); err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: %v", name, line, err))
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		var pj partnerJSON
		if err := dec.Decode(&pj); err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: %v", name, line, err))
			continue
		}
		if pj.ID == "" {
			errs = append(errs, fmt.Sprintf("%s:%d: the partner has no id", name, line))
			continue
		}
		if l, dup := first[pj.ID]; dup {
			errs = append(errs, fmt.Sprintf("%s:%d: partner %s is listed twice (line %d)", name, line, pj.ID, l))
			continue
		}
		first[pj.ID] = line
		p := partner.Partner{ID: pj.ID, Name: pj.Name, Type: partner.Type(pj.Type), Tier: partner.Tier(pj.Tier), Region: pj.Region, Country: pj.Country}
		at := fmt.Sprintf("%s:%d", name, line)
		nerr := len(errs)
		if m := pj.PaymentMethod; m != "" {
			if !slices.Contains(partner.PaymentMethods(), partner.PaymentMethod(m)) {
				errs = append(errs, fmt.Sprintf("%s: payment_method: unknown payment method %q (want %s)", at, m, methodList()))
			} else {
				p.Payment = &partner.PaymentDetails{Method: partner.PaymentMethod(m)}
			}
		}
		var dated []incentive.DatedChange
		for _, h := range []struct {
			key string
			raw json.RawMessage
		}{{"tier_history", pj.TierHistory}, {"attribute_history", pj.AttributeHistory}} {
			if len(h.raw) == 0 || string(h.raw) == "null" {
				continue
			}
			ds, es := incentive.DecodeHistoryJSON(h.raw, h.key, loc)
			dated = append(dated, ds...)
			for _, e := range es {
				errs = append(errs, at+": "+e.Error())
			}
		}
		if len(errs) == nerr {
			for _, e := range incentive.ApplyDatedChanges(&p, dated) {
				errs = append(errs, at+": "+e.Error())
			}
		}
		for i, c := range pj.Contacts {
			if c.Role == "" {
				errs = append(errs, fmt.Sprintf("%s:%d: partner %s: contacts[%d] needs a role", name, line, pj.ID, i))
			}
			p.Contacts = append(p.Contacts, partner.Contact{Role: c.Role, Name: c.Name, Email: c.Email})
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Sprintf("%s:%d: %v", name, line+1, err))
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return out, nil
}

// errUnknownPartner: a deal names a partner the partners file lacks.
var errUnknownPartner = errors.New("unknown partner")

// resolve gives the deal the partner's record from the book. An unknown
// partner id is an error; so is an attribute the deal gives that differs
// from the book's.
func (b *partnerBook) resolve(in *incentive.Input) error {
	id := in.Deal.PartnerID
	p, ok := b.byID[id]
	if !ok {
		return fmt.Errorf("deal %s: %w %s: not in %s%s", in.Deal.ID, errUnknownPartner, id, b.name, suggestWord(id, b.ids))
	}
	d := in.Partner
	// The payment method sets the payout's minimum and fee: a deal's
	// method the book lacks or contradicts must not vanish with the
	// deal's record.
	for _, f := range []struct{ what, deal, book string }{
		{"name", d.Name, p.Name}, {"type", string(d.Type), string(p.Type)}, {"tier", string(d.Tier), string(p.Tier)},
		{"region", d.Region, p.Region}, {"country", d.Country, p.Country}, {"payment method", method(d), method(p)},
	} {
		if f.deal != "" && f.deal != f.book {
			return fmt.Errorf("deal %s: partner %s: the deal gives %s %q, %s gives %q", in.Deal.ID, id, f.what, f.deal, b.name, f.book)
		}
	}
	if len(datedChanges(d)) > 0 && !sameDated(d, p) {
		return fmt.Errorf("deal %s: partner %s: the deal's tier_history or attribute_history differs from that in %s", in.Deal.ID, id, b.name)
	}
	if len(d.Contacts) > 0 && !slices.Equal(d.Contacts, p.Contacts) {
		return fmt.Errorf("deal %s: partner %s: the deal's contacts differ from those in %s", in.Deal.ID, id, b.name)
	}
	in.Partner = p
	// The same text, but the book's copy: every deal of a partner then
	// carries one string, so the evaluator's and the statement's lookups
	// by partner id find equal pointers and skip comparing the bytes, and
	// the decoded row the id was cut from is not kept alive by it.
	in.Deal.PartnerID = p.ID
	return nil
}

// method is the partner's payment method, or "".
func method(pt partner.Partner) string {
	if pt.Payment == nil {
		return ""
	}
	return string(pt.Payment.Method)
}

// methodList lists the payment methods for messages.
func methodList() string {
	var out []string
	for _, m := range partner.PaymentMethods() {
		out = append(out, string(m))
	}
	return strings.Join(out, ", ")
}

// datedChanges are the partner's dated attribute changes (tier and
// attribute events; see partner.Event.Change).
func datedChanges(pt partner.Partner) []partner.Event {
	var out []partner.Event
	for i := range pt.History {
		if _, _, _, ok := pt.History[i].Change(); ok {
			out = append(out, pt.History[i])
		}
	}
	return out
}

// sameDated reports whether two records have the same dated changes.
func sameDated(a, b partner.Partner) bool {
	return slices.EqualFunc(datedChanges(a), datedChanges(b), func(x, y partner.Event) bool {
		xa, xf, xt, _ := x.Change()
		ya, yf, yt, _ := y.Change()
		return x.At.Equal(y.At) && xa == ya && xf == yf && xt == yt
	})
}

// applyDated gives p the dated changes (incentive.ApplyDatedChanges),
// each error as "where: message".
func applyDated(p *partner.Partner, dated []incentive.DatedChange) []string {
	var errs []string
	for _, err := range incentive.ApplyDatedChanges(p, dated) {
		errs = append(errs, err.Error())
	}
	return errs
}

// historyCell reads a CSV tier_history ("DATE TIER; ...") or
// attribute_history ("DATE attr=value ...; ...") cell; where is the cell's
// position.
func historyCell(cell, key string, loc *time.Location, where string) ([]incentive.DatedChange, []string) {
	var out []incentive.DatedChange
	var errs []string
	var last time.Time
	for i, entry := range strings.Split(cell, ";") {
		at := fmt.Sprintf("%s, entry %d", where, i+1)
		words := strings.Fields(entry)
		if len(words) == 0 {
			if i == 0 || strings.TrimSpace(strings.Join(strings.Split(cell, ";")[i:], "")) != "" {
				errs = append(errs, fmt.Sprintf("%s: the entry is empty", at))
			}
			continue
		}
		from, err := incentive.ParseHistoryDate(words[0], loc)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", at, err))
			continue
		}
		if !last.IsZero() && !from.After(last) {
			errs = append(errs, fmt.Sprintf("%s: %s must be in time order: %s is not after the entry before it", at, key, words[0]))
			continue
		}
		last = from
		if key == "tier_history" {
			if len(words) < 2 {
				errs = append(errs, fmt.Sprintf("%s: want \"DATE TIER\", got %q", at, strings.TrimSpace(entry)))
				continue
			}
			tier := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(entry), words[0]))
			if err := partner.CheckAttr(partner.AttrTier, tier); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s", at, err.(*partner.AttrError).Msg))
				continue
			}
			out = append(out, incentive.DatedChange{Attr: partner.AttrTier, DatedValue: partner.DatedValue{From: from, Value: tier, Reason: key}, List: key, Where: at})
			continue
		}
		if len(words) < 2 {
			errs = append(errs, fmt.Sprintf("%s: want \"DATE attr=value ...\" changing at least one of type, tier, region, country, got %q", at, strings.TrimSpace(entry)))
			continue
		}
		seen := map[string]bool{}
		for _, w := range words[1:] {
			k, v, ok := strings.Cut(w, "=")
			switch {
			case !ok:
				errs = append(errs, fmt.Sprintf("%s: want attr=value, got %q", at, w))
			case !partner.IsAttr(partner.AttrName(k)):
				errs = append(errs, fmt.Sprintf("%s: unknown attribute %q (want type, tier, region or country)", at, k))
			case seen[k]:
				errs = append(errs, fmt.Sprintf("%s: %s is given twice", at, k))
			case partner.CheckAttr(partner.AttrName(k), v) != nil:
				errs = append(errs, fmt.Sprintf("%s: %s", at, partner.CheckAttr(partner.AttrName(k), v).(*partner.AttrError).Msg))
			default:
				seen[k] = true
				out = append(out, incentive.DatedChange{Attr: partner.AttrName(k), DatedValue: partner.DatedValue{From: from, Value: v, Reason: key}, List: key, Where: at})
			}
		}
	}
	return out, errs
}
