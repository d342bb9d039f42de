package incentive

import "strings"

// Explain renders the result's trace in plain words, one step a line, for a
// program designer or a partner manager:
//
//	deal D-1 (partner P-1) under q4-spiff v3 (hash 3f2a1c9e0b7d)
//	  close date 2026-11-03 is inside the effective window [2026-10-01, 2026-12-31] America/New_York
//	  eligible: "gold or platinum partner" holds: partner.tier in ["gold", "platinum"] (partner.tier = "gold")
//	  earning "base": deal.amount * 0.02 = 240.00 (deal.amount = 12000.00)
//	  rounding: half_up to the currency's minor units (2 places), per line (half_up is the default mode)
//	  total 240.00 USD to partner
func (r *Result) Explain() string {
	var b strings.Builder
	b.WriteString("deal " + r.DealID)
	if r.PartnerID != "" {
		b.WriteString(" (partner " + r.PartnerID + ")")
	}
	b.WriteString(" under " + r.Program.ID + " v" + itoa(r.Program.Version))
	if h := r.Program.Hash; h != "" {
		if len(h) > 12 {
			h = h[:12]
		}
		b.WriteString(" (hash " + h + ")")
	}
	b.WriteByte('\n')
	for i := range r.Trace {
		b.WriteString("  " + r.Trace[i].Words() + "\n")
	}
	if !r.Eligible && r.Failed != "" {
		b.WriteString("  earns nothing: not eligible (" + r.Failed + ")\n")
	}
	return b.String()
}
