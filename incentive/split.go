package incentive

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// RemainderRule says which part of a split receives the units an amount
// does not divide into evenly. Every rule first gives each part the floor
// of its exact share, counted in units of the rounding scale (cents for
// USD); the rules differ only in who gets the units left over, so the parts
// always add up to the whole.
type RemainderRule string

const (
	// RemainderLargestRemainder hands the units left over one each to the
	// parts with the largest fractional remainders, ties to the earlier
	// part (Hamilton's method, as Money.Allocate). The zero value means
	// this.
	RemainderLargestRemainder RemainderRule = "largest_remainder"
	// RemainderLargestShare gives every unit left over to the part with the
	// largest ratio (ties to the earlier part).
	RemainderLargestShare RemainderRule = "largest_share"
	// RemainderFirst gives every unit left over to the first part (the
	// first payee listed with a ratio above zero).
	RemainderFirst RemainderRule = "first"
)

// RemainderRules lists the remainder rules.
func RemainderRules() []RemainderRule {
	return []RemainderRule{RemainderLargestRemainder, RemainderLargestShare, RemainderFirst}
}

// Valid reports whether r is one of RemainderRules or the zero value.
func (r RemainderRule) Valid() bool {
	switch r {
	case "", RemainderLargestRemainder, RemainderLargestShare, RemainderFirst:
		return true
	}
	return false
}

// OrDefault returns r, or RemainderLargestRemainder when r is empty.
func (r RemainderRule) OrDefault() RemainderRule {
	if r == "" {
		return RemainderLargestRemainder
	}
	return r
}

// AllocateBy splits m into len(ratios) parts proportional to ratios, each a
// whole multiple of 10^-places, handing the units left over as rule says.
// AllocateAt is AllocateBy with RemainderLargestRemainder; see it for the
// errors and for negative amounts. An unknown rule wraps ErrInvalidAmount.
//
// 100.00 split 1:1:1 gives 33.33 to each part and one cent left over:
// largest_remainder and first give it to the first part, largest_share to
// the part with the largest ratio (the first of equals).
func (m Money) AllocateBy(rule RemainderRule, places int32, ratios ...decimal.Decimal) ([]Money, error) {
	if !rule.Valid() {
		return nil, fmt.Errorf("%w: unknown remainder rule %q", ErrInvalidAmount, string(rule))
	}
	if places < -maxAllocatePlaces || places > maxAllocatePlaces {
		return nil, fmt.Errorf("%w: cannot allocate at %d places (want %d..%d)", ErrInvalidAmount, places, -maxAllocatePlaces, maxAllocatePlaces)
	}
	return m.allocate(places, rule.OrDefault(), ratios)
}

// Split shares an amount between payees by ratio: a deal's payout (as
// Program.Split) or one earning's (as Earning.Split) between the deal's
// partner and, say, a referral partner named on the deal. It applies after
// the caps and the rounding, to each line the deal pays; see the package
// documentation, "Split payouts".
type Split struct {
	// Payees are the parts, in order (the order RemainderFirst reads).
	// At least two.
	Payees []SplitPayee
	// Remainder says who gets what the ratios leave over; the zero value
	// is RemainderLargestRemainder.
	Remainder RemainderRule
	Origin    Origin
}

// SplitPayee is one part of a Split.
type SplitPayee struct {
	// Field is empty for the deal's own partner; otherwise the name of a
	// custom deal field of type string whose value is the id of the
	// partner paid this part (e.g. "referrer"). On a deal where the field
	// is empty the payee is left out and the others share the amount by
	// their ratios; when every payee is left out the deal's partner is
	// paid the whole.
	Field string
	// Ratio is the payee's weight, above zero: 80 and 20, or 0.8 and 0.2.
	Ratio  decimal.Decimal
	Origin Origin
}

// Via names how the payee is found: "partner" or "deal.<field>".
func (sp SplitPayee) Via() string {
	if sp.Field == "" {
		return PayeePartner
	}
	return "deal." + sp.Field
}

// Share is what one payee of a split is paid on a deal: its parts of the
// lines the deal pays. The shares of a result add up to its Total, line by
// line.
type Share struct {
	// PartnerID is the partner paid: the deal's partner, or the partner
	// named by a deal field.
	PartnerID string `json:"partner"`
	// Via says how the payee was found: "partner" or "deal.<field>".
	Via string `json:"via"`
	// Amount is the sum of Lines.
	Amount Money `json:"amount"`
	// Lines are the payee's parts of the result's lines, in program order;
	// a line the payee has no part in is left out.
	Lines []ShareLine `json:"lines"`
}

// ShareLine is a payee's part of one line.
type ShareLine struct {
	Earning string      `json:"earning"`
	Type    EarningType `json:"type"`
	Amount  Money       `json:"amount"`
}

// splitPlan is what the evaluator precomputes for a program with splits:
// the payees of the result's shares, in order, and per earning the split
// that applies with its payees' share indices.
type splitPlan struct {
	vias  []string // share order: "partner" first, then fields as first named
	field []string // per share: "" or the field
	// per earning: nil when the line goes whole to the deal's partner.
	split []*Split
	slot  [][]int // per earning, per payee: index into vias
}

// planSplits returns nil when the program splits nothing, so evaluation
// pays nothing for the feature it does not use.
func planSplits(p *Program) *splitPlan {
	splits := p.Split != nil
	for i := range p.Earnings {
		splits = splits || p.Earnings[i].Split != nil
	}
	if !splits {
		return nil
	}
	sp := &splitPlan{vias: []string{PayeePartner}, field: []string{""}}
	slotOf := func(field string) int {
		for k, f := range sp.field {
			if f == field {
				return k
			}
		}
		sp.field = append(sp.field, field)
		sp.vias = append(sp.vias, "deal."+field)
		return len(sp.field) - 1
	}
	sp.split = make([]*Split, len(p.Earnings))
	sp.slot = make([][]int, len(p.Earnings))
	for i := range p.Earnings {
		s := p.Earnings[i].Split
		if s == nil {
			s = p.Split
		}
		if s == nil {
			continue
		}
		sp.split[i] = s
		for _, py := range s.Payees {
			sp.slot[i] = append(sp.slot[i], slotOf(py.Field))
		}
	}
	return sp
}

// splitResult fills res.Shares from the result's lines. It runs after
// everything that changes a line's amount.
func (e *Evaluator) splitResult(w *work) {
	sp := e.splits
	res := w.res
	cur := e.p.Currency
	ids := make([]string, len(sp.vias))
	ids[0] = res.PartnerID
	for k := 1; k < len(ids); k++ {
		if v, ok := w.in.Deal.Fields[sp.field[k]].(string); ok {
			ids[k] = v
		}
	}
	// canon[k] is the first payee slot naming the same partner as slot k:
	// a partner is paid one share, under the first way the program names
	// it ("partner" for the deal's own partner).
	canon := make([]int, len(ids))
	for k := range ids {
		canon[k] = k
		for j := 0; j < k; j++ {
			if ids[j] != "" && ids[j] == ids[k] {
				canon[k] = j
				break
			}
		}
	}
	shares := w.newShares(len(sp.vias))
	for k := range shares {
		shares[k] = Share{PartnerID: ids[k], Via: sp.vias[k], Amount: Zero(cur), Lines: w.shareLines(k)}
	}
	for li := range res.Lines {
		l := &res.Lines[li]
		earnIdx := e.earningIndex(l.Earning)
		var s *Split
		if earnIdx >= 0 {
			s = sp.split[earnIdx]
		}
		whole := func() {
			shares[0].Lines = append(shares[0].Lines, ShareLine{Earning: l.Earning, Type: l.Type, Amount: l.Amount})
		}
		if s == nil {
			whole()
			continue
		}
		var ratios []decimal.Decimal
		var slots []int
		var merged []string // "deal.referrer P-1 is partner's": payees merged into an earlier one
		for pi, py := range s.Payees {
			k0 := sp.slot[earnIdx][pi]
			if ids[k0] == "" {
				continue
			}
			// A payee naming the same partner as another (a referrer who
			// is the deal's own partner, say) is merged into one share,
			// paid the sum of their ratios.
			k := canon[k0]
			if k != k0 {
				merged = append(merged, sp.vias[k0]+" "+ids[k0]+" is "+sp.vias[k])
			}
			if j := slices.Index(slots, k); j >= 0 {
				ratios[j] = ratios[j].Add(py.Ratio)
				continue
			}
			ratios = append(ratios, py.Ratio)
			slots = append(slots, k)
		}
		if len(slots) == 0 {
			whole()
			continue
		}
		// Amounts are on the payout grid, except with statement-stage
		// rounding: then the exact amount is split at its own scale.
		places := max(e.places, -l.Amount.amount.Exponent())
		parts, err := l.Amount.allocate(places, s.Remainder.OrDefault(), ratios)
		if err != nil {
			// Validate refuses splits without a ratio above zero, the only
			// way allocate fails on a result's line.
			e.fail(w, "split", s.Origin, err)
			return
		}
		for j, k := range slots {
			shares[k].Lines = append(shares[k].Lines, ShareLine{Earning: l.Earning, Type: l.Type, Amount: parts[j]})
		}
		if !w.noTrace {
			amount, rule := l.Amount, s.Remainder.OrDefault()
			words := make([]string, len(slots))
			for j, k := range slots {
				words[j] = sp.vias[k] + " " + ids[k] + " " + ratios[j].String() + " -> " + fmtAmount(parts[j].amount, cur)
			}
			id := l.Earning
			w.add(secFinal, stepRec{Kind: StepSplit, OK: true, ref: id, Index: earnIdx, amount: amount.amount, origin: &s.Origin,
				words: func() string {
					s := "earning " + quote(id) + ": " + fmtAmount(amount.amount, cur) + " split by ratio (" + strings.Join(words, ", ") +
						"); the remainder rule is " + string(rule)
					if len(merged) > 0 {
						s += "; one share for one partner: " + strings.Join(merged, ", ") + ", their ratios added"
					}
					return s
				}})
		}
	}
	w.keepShareLines(shares)
	out := shares[:0]
	for _, sh := range shares {
		if sh.PartnerID == "" || len(sh.Lines) == 0 {
			continue
		}
		for _, sl := range sh.Lines {
			sh.Amount.amount = sh.Amount.amount.Add(sl.Amount.amount)
		}
		out = append(out, sh)
	}
	res.Shares = out
}

// sharesWords renders the shares of a result: "P-1 248.03 (partner),
// R-9 99.89 (deal.referrer)".
func sharesWords(shares []Share, cur Currency) string {
	parts := make([]string, len(shares))
	for i, s := range shares {
		parts[i] = s.PartnerID + " " + fmtAmount(s.Amount.amount, cur) + " (" + s.Via + ")"
	}
	return strings.Join(parts, ", ")
}

// earningIndex returns the index of the earning with the id, or -1.
func (e *Evaluator) earningIndex(id string) int {
	for i := range e.p.Earnings {
		if e.p.Earnings[i].ID == id {
			return i
		}
	}
	return -1
}

// validateSplit checks one split at path.
func (p *Program) validateSplit(s *Split, path string, at func(path, format string, args ...any)) {
	if !s.Remainder.Valid() {
		at(path+".remainder", "unknown remainder rule %q (want largest_remainder, largest_share or first)", string(s.Remainder))
	}
	if len(s.Payees) < 2 {
		at(path+".to", "a split needs at least two payees, got %d", len(s.Payees))
	}
	seen := map[string]bool{}
	for i, py := range s.Payees {
		pp := index(path+".to", i)
		if py.Ratio.Sign() <= 0 {
			at(pp+".ratio", "a split ratio must be above zero, got %s", py.Ratio)
		}
		if seen[py.Field] {
			at(pp, "payee %s is listed twice in the split", py.Via())
		}
		seen[py.Field] = true
		if py.Field == "" {
			continue
		}
		found := false
		var strs []string
		for _, f := range p.Fields {
			if f.Type == FieldString {
				strs = append(strs, f.Name)
			}
			if f.Name == py.Field {
				found = true
				if f.Type != FieldString {
					at(pp+".payee", "split payee deal.%s is a field of type %s; a payee field holds a partner id, so declare it a string", f.Name, f.Type)
				}
			}
		}
		if !found {
			want := "the program declares no string fields"
			if len(strs) > 0 {
				want = "string fields: deal." + strings.Join(strs, ", deal.")
			}
			at(pp+".payee", "split payee deal.%s is not a declared field; want partner or a custom string field naming the partner paid (%s)", py.Field, want)
		}
	}
}

// validateSplits checks the program's splits.
func (p *Program) validateSplits(at func(path, format string, args ...any)) {
	if p.Split != nil {
		p.validateSplit(p.Split, "split", at)
	}
	for i := range p.Earnings {
		if s := p.Earnings[i].Split; s != nil {
			p.validateSplit(s, index("earnings", i)+".split", at)
		}
	}
}
