package rules

import (
	"fmt"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"gopkg.in/yaml.v3"
)

// split decodes a `split:` mapping (the program's, or an earning's):
//
//	split:
//	  remainder: largest_share
//	  to:
//	    - {payee: partner, ratio: 80}
//	    - {payee: deal.referrer, ratio: 20}
//
// The payees' fields, their number and ratios are semantic rules:
// incentive.Validate checks them and validate reports them here.
func (pc *progCompiler) split(n *yaml.Node, path string) *incentive.Split {
	d := pc.d
	f, ok := d.mapping(n, path, splitKeys...)
	if !ok {
		return nil
	}
	d.require(f, "remainder", "to")
	s := &incentive.Split{Origin: d.origin(n)}
	if v := f.get("remainder"); v != nil {
		if r, ok := d.enum(v, f.at("remainder"), remainderRuleNames()...); ok {
			s.Remainder = incentive.RemainderRule(r)
		}
	}
	v := f.get("to")
	if v == nil {
		return s
	}
	items, ok := d.list(v, f.at("to"))
	if !ok {
		return s
	}
	for i, item := range items {
		ip := index(f.at("to"), i)
		// A payee that fails to decode still takes its place, so that
		// Validate's paths count the list as written.
		py := incentive.SplitPayee{Origin: d.origin(item)}
		s.Payees = append(s.Payees, py)
		pf, ok := d.mapping(item, ip, splitPayeeKeys...)
		if !ok {
			continue
		}
		d.require(pf, "payee", "ratio")
		if pv := pf.get("payee"); pv != nil {
			if who, ok := d.scalar(pv, pf.at("payee"), "partner or deal.<field>"); ok {
				field, isField := strings.CutPrefix(who, "deal.")
				switch {
				case who == incentive.PayeePartner:
				case isField && fieldNameRE.MatchString(field):
					py.Field = field
				default:
					hint := ""
					for _, fd := range pc.p.Fields {
						if fd.Name == who {
							hint = fmt.Sprintf("; did you mean %q?", "deal."+who)
						}
					}
					d.errorf(pv, pf.at("payee"), "want `partner` (the deal's partner) or `deal.<field>`, a custom string field holding the paid partner's id, got %q%s", clip(who), hint)
				}
			}
		}
		if rv := pf.get("ratio"); rv != nil {
			if r, ok := d.number(rv, pf.at("ratio")); ok {
				py.Ratio = r
			}
		}
		s.Payees[i] = py
	}
	return s
}

func remainderRuleNames() []string {
	var out []string
	for _, r := range incentive.RemainderRules() {
		out = append(out, string(r))
	}
	return out
}
