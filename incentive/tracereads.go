package incentive

import (
	"strings"

	"github.com/partnerops/partnerops/partner"
)

// readKind says how exprStep reads a path of an expression's Reads for
// the trace (see readPlan).
type readKind uint8

const (
	// readAny: Scope.Lookup, as for a path the plan knows nothing about.
	readAny readKind = iota
	// readText: one of the deal's texts (Scope.lookupText's own paths:
	// deal.type, deal.currency, deal.customer.*), not dated.
	readText
	// readDated: a dated partner attribute (DatedAttr: partner.tier, ...,
	// partner.at_period_start.*), read on the close day or the period's
	// first day when the partner has a history of changes.
	readDated
	// readAmount: deal.amount, the deal's amount in the program currency.
	readAmount
	// readField: a custom field the program declares (deal.<name>).
	readField
)

// readPlan is how exprStep reads one path of a clause's, condition's,
// formula's or computed cap's Reads, worked out once per Evaluator
// (planParts) from the path alone: which of the lookups the path reaches
// (Scope.datedOn, lookupText, Lookup with its switch of built-in paths,
// its prefixes and the custom fields) is known from the program, so a
// deal's trace goes straight to it instead of trying them in turn for
// every value read (a custom field such as deal.segment went through two
// switches of some forty paths, five prefixes and parseHistoryPath).
// The values and days recorded are the same, byte for byte
// (TestPlannedReadsMatchLookup).
type readPlan struct {
	kind readKind
	// attr and atStart: readDated's attribute and whether it is read at
	// the period's start (DatedAttr).
	attr    partner.AttrName
	atStart bool
	// field is readField's name.
	field string
}

// readPlans returns the plan of each path of reads.
func (e *Evaluator) readPlans(reads []string) []readPlan {
	if len(reads) == 0 {
		return nil
	}
	rd := make([]readPlan, len(reads))
	for k, path := range reads {
		rd[k] = e.readPlanOf(path)
	}
	return rd
}

// readPlanOf works out path's plan, in the order exprStep's generic loop
// tries the lookups: a dated attribute, a text, the amount, then Lookup,
// whose switch of built-in paths and prefixes come before the custom
// fields (a declared field's name is never a built-in one and holds no
// dot: Validate).
func (e *Evaluator) readPlanOf(path string) readPlan {
	if a, atStart := DatedAttr(path); a != "" {
		return readPlan{kind: readDated, attr: a, atStart: atStart}
	}
	// (lookupText's answer for a path that is not a dated attribute
	// depends on the path alone)
	probe := Scope{Deal: &Deal{}}
	if _, isText := probe.lookupText(path); isText {
		return readPlan{kind: readText}
	}
	if path == PathDealAmount {
		return readPlan{kind: readAmount}
	}
	if name, ok := strings.CutPrefix(path, "deal."); ok {
		if _, declared := e.fieldTypes[name]; declared && !builtinDealField(name) {
			return readPlan{kind: readField, field: name}
		}
	}
	return readPlan{kind: readAny}
}

// recordPlanned records the values an expression read at reads (a part's
// own, with plan rd) into the deal's scratch, as exprStep's generic loop
// does.
func (w *work) recordPlanned(rd []readPlan, reads []string) {
	s := &w.scope
	hist := s.Partner != nil && len(s.Partner.History) > 0
	for k := range rd {
		r := &rd[k]
		switch r.kind {
		case readText:
			text, _ := s.lookupText(reads[k])
			w.recordText(k, text, Date{})
		case readDated:
			switch {
			case s.Partner == nil:
				w.recordText(k, "", Date{})
			case !hist:
				w.recordText(k, s.Partner.Attr(r.attr), Date{})
			default:
				on := s.CloseDay()
				if r.atStart {
					on = s.PeriodStart()
				}
				w.recordText(k, s.PartnerAttrOn(r.attr, on), on)
			}
		case readAmount:
			in := inputRec{k: uint8(k)}
			w.recordDec(&in, s.Amount)
			w.putIn(in)
		case readField:
			if v, ok := s.lookupField(r.field); ok {
				w.record(k, v, Date{})
			}
		default:
			if v, ok := s.Lookup(reads[k]); ok {
				w.record(k, v, Date{})
			}
		}
	}
}
