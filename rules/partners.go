package rules

import (
	"fmt"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
)

// MaxPartnersFileSize is the largest YAML partners file DecodePartners
// accepts, in bytes.
const MaxPartnersFileSize = MaxDealsFileSize

// DecodePartners reads a YAML list of partner records, each a mapping of
// id, name, type, tier, region, country, contacts (a list of {role,
// name, email}), payment_method, tier_history (a list of {from, tier})
// and attribute_history (a list of {from, type, tier, region, country}):
// the partner's dated changes, see the package documentation, "Partner
// attributes over time"), as the inline `partner:` of a deal. Every record
// needs an id, and an id may appear once. Errors are an ErrorList
// positioned in the named file. A history date is midnight UTC;
// DecodePartnersFor reads it in a program's time zone.
func DecodePartners(name string, src []byte) ([]partner.Partner, error) {
	return DecodePartnersFor(name, src, nil)
}

// DecodePartnersFor is DecodePartners for program p: a history date
// (from: YYYY-MM-DD) is midnight in the program's time zone, as a deal's
// close_date is. A nil p reads dates in UTC.
func DecodePartnersFor(name string, src []byte, p *incentive.Program) ([]partner.Partner, error) {
	if p == nil {
		p = &incentive.Program{}
	}
	d := &diag{src: newSource(name, src)}
	if len(src) > MaxPartnersFileSize {
		d.add(SeverityError, 0, 0, "", fmt.Sprintf("file is %d bytes; a partners file may be at most %d bytes", len(src), MaxPartnersFileSize))
		return nil, d.errs.Err()
	}
	docs := parseDocuments(src, d, 1, MaxPartnersFileSize/4)
	if len(d.errs) > 0 {
		return nil, d.errs.Err()
	}
	if len(docs) != 1 {
		d.add(SeverityError, 1, 1, "", "want one list of partners")
		return nil, d.errs.Err()
	}
	items, ok := d.list(docs[0].root, "")
	if !ok {
		return nil, d.errs.Err()
	}
	dd := dealDecoder{d: d, p: p}
	out := make([]partner.Partner, 0, len(items))
	seen := map[string]int{}
	for i, item := range items {
		var pt partner.Partner
		nerr := len(d.errs)
		dd.partner(item, index("", i), &pt)
		if len(d.errs) > nerr {
			continue
		}
		if pt.ID == "" {
			d.errorf(item, index("", i), "missing required key \"id\"")
			continue
		}
		if first, dup := seen[pt.ID]; dup {
			d.errorf(item, index("", i), "partner %q is listed twice (first at line %d)", pt.ID, items[first].Line)
			continue
		}
		seen[pt.ID] = i
		out = append(out, pt)
	}
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
