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
// tier, region, country and optionally contact_role, contact_name,
// contact_email; a partner with several contacts repeats its row with the
// same attributes), JSON Lines (one record per line, as a deal's
// "partner") or YAML (a list of records). An id given twice with
// different attributes is an error. A YAML record's tier_history dates
// are read in program p's time zone.
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
	var list []partner.Partner
	switch format {
	case formatYAML:
		list, err = rules.DecodePartnersFor(name, src, p)
	case formatCSV:
		list, err = partnersCSV(name, src)
	case formatJSONL:
		list, err = partnersJSONL(name, src)
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

var partnerColumns = []string{"id", "name", "type", "tier", "region", "country", "contact_role", "contact_name", "contact_email"}

func partnersCSV(name string, src []byte) ([]partner.Partner, error) {
	cr := csv.NewReader(bytes.NewReader(src))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: want a header row (id, name, type, tier, region, country, contact_role, contact_name, contact_email): %v", name, err)
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

// partnerJSON is a partner record in JSON Lines.
type partnerJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Tier     string `json:"tier"`
	Region   string `json:"region"`
	Country  string `json:"country"`
	Contacts []struct {
		Role  string `json:"role"`
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"contacts"`
}

func partnersJSONL(name string, src []byte) ([]partner.Partner, error) {
	var out []partner.Partner
	var errs []string
	first := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, incentive.DefaultMaxRowBytes)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
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
	method := func(pt partner.Partner) string {
		if pt.Payment == nil {
			return ""
		}
		return string(pt.Payment.Method)
	}
	for _, f := range []struct{ what, deal, book string }{
		{"name", d.Name, p.Name}, {"type", string(d.Type), string(p.Type)}, {"tier", string(d.Tier), string(p.Tier)},
		{"region", d.Region, p.Region}, {"country", d.Country, p.Country}, {"payment method", method(d), method(p)},
	} {
		if f.deal != "" && f.deal != f.book {
			return fmt.Errorf("deal %s: partner %s: the deal gives %s %q, %s gives %q", in.Deal.ID, id, f.what, f.deal, b.name, f.book)
		}
	}
	if tiers := func(pt partner.Partner) []partner.Event {
		var out []partner.Event
		for _, e := range pt.History {
			if e.Kind == partner.EventTier {
				out = append(out, e)
			}
		}
		return out
	}; len(tiers(d)) > 0 && !slices.EqualFunc(tiers(d), tiers(p), func(a, b partner.Event) bool {
		return a.At.Equal(b.At) && a.FromTier == b.FromTier && a.ToTier == b.ToTier
	}) {
		return fmt.Errorf("deal %s: partner %s: the deal's tier_history differs from that in %s", in.Deal.ID, id, b.name)
	}
	if len(d.Contacts) > 0 && !slices.Equal(d.Contacts, p.Contacts) {
		return fmt.Errorf("deal %s: partner %s: the deal's contacts differ from those in %s", in.Deal.ID, id, b.name)
	}
	in.Partner = p
	return nil
}
