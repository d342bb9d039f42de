package rules

import (
	"github.com/partnerops/partnerops/incentive"
	"gopkg.in/yaml.v3"
)

var (
	settlementKeys = []string{"id", "type", "period", "credit", "advances", "bands"}
	advanceKeys    = []string{"earnings", "period"}
)

// settlements decodes `settlements:`, a list of earnings settled per
// period (see incentive.Settlement):
//
//	settlements:
//	  - id: quarterly-rebate
//	    type: rebate
//	    period: quarter
//	    credit: period
//	    advances: {earnings: [rebate-advance], period: month}
//	    bands: {method: retroactive, pays: rate, table: [...]}
//
// Ids, periods, advance earnings and the band table's rules are semantic:
// incentive.Validate checks them and validate reports them here.
func (pc *progCompiler) settlements(n *yaml.Node) {
	d, p := pc.d, pc.p
	items, ok := d.list(n, "settlements")
	if !ok {
		return
	}
	for i, item := range items {
		path := index("settlements", i)
		// An item that fails to decode still takes its place, so that
		// Validate's paths count the list as written.
		s := incentive.Settlement{Origin: d.origin(item)}
		f, ok := d.mapping(item, path, settlementKeys...)
		if !ok {
			p.Settlements = append(p.Settlements, s)
			continue
		}
		d.require(f, "id", "type", "period", "bands")
		if v := f.get("id"); v != nil {
			s.ID, _ = d.ident(v, f.at("id"), "settlement id")
		}
		if v := f.get("type"); v != nil {
			if t, ok := d.enum(v, f.at("type"), earningTypeNames()...); ok {
				s.Type = incentive.EarningType(t)
			}
		}
		if v := f.get("period"); v != nil {
			if per, ok := d.enum(v, f.at("period"), calendarPeriods...); ok {
				s.Period = incentive.Period(per)
			}
		}
		if v := f.get("credit"); v != nil {
			var modes []string
			for _, m := range incentive.CreditModes() {
				modes = append(modes, string(m))
			}
			if m, ok := d.enum(v, f.at("credit"), modes...); ok {
				s.Credit = incentive.CreditMode(m)
			}
		}
		if v := f.get("advances"); v != nil {
			pc.advances(v, f.at("advances"), &s)
		}
		if v := f.get("bands"); v != nil {
			s.Bands, _ = pc.bands(v, f.at("bands"))
		}
		p.Settlements = append(p.Settlements, s)
	}
}

// advances decodes `advances: {earnings: [id, ...], period: month}`.
func (pc *progCompiler) advances(n *yaml.Node, path string, s *incentive.Settlement) {
	d := pc.d
	f, ok := d.mapping(n, path, advanceKeys...)
	if !ok {
		return
	}
	d.require(f, "earnings")
	if v := f.get("earnings"); v != nil {
		if items, ok := d.list(v, f.at("earnings")); ok {
			for j, item := range items {
				id, _ := d.ident(item, index(f.at("earnings"), j), "earning id")
				s.Advances = append(s.Advances, id)
			}
		}
	}
	if v := f.get("period"); v != nil {
		if per, ok := d.enum(v, f.at("period"), calendarPeriods...); ok {
			s.AdvancePeriod = incentive.Period(per)
		}
	}
}
