package rules_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
)

// fuzzPrograms are the reference programs of the DSL documentation and the
// bundled example: between them they use every construct.
func fuzzPrograms(tb testing.TB) []*incentive.Program {
	tb.Helper()
	var out []*incentive.Program
	for _, dir := range []string{"testdata/reference", "../examples/programs"} {
		set, err := rules.Load(os.DirFS(dir), "*.yaml")
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, set.Programs()...)
	}
	return out
}

// FuzzEvaluateDeal evaluates arbitrary deals, alone and as a batch, under
// any reference program (the cookbook's among them) or the bundled
// example, chosen by prog; every seed runs under every program. Beside the scalar fields, shape (bytes read one choice at a
// time, zero once spent) builds what #15's syntax reads: product lines
// (families, SKU prefixes, quantities, unit prices, custom line fields)
// for line_fields, sum/count/any/all/filter and per: line; a second
// partner and a referrer for split:; a tier and attribute history (type,
// region, country) for dated tiers and attributes; a
// payment method for payment_methods:; earlier periods' totals for
// history(); close dates spread over months and quarters for
// settlements:; and decimal fields (a cost) away from the amount, for
// values: and computed caps.
//
// It checks: no panic; whenever a deal evaluates, its lines add up to its
// total, a split's shares (and each share's lines) add up to it, a per-line
// earning's items add up to its gross, a pick pays at most its max lines,
// no line or deal pays above a cap that cut it or above a fixed deal cap,
// a run never pays above a fixed partner cap (per partner and period) or
// the budget, a credit note never pays and a voided deal
// pays nothing; a second evaluation gives the same bytes; a run on one
// worker and on two give the same bytes; every settlement line's true-up,
// payable and carry follow from its entitlement, advances and carry in;
// and the batch's statement (with settlements, carried balances and held
// amounts brought into every bucket) adds up for every partner and bucket,
// with fees deducted as stated, and its partners' earned and expired are
// the results' totals plus the settled true-ups.
//
//	go test ./rules -run '^$' -fuzz '^FuzzEvaluateDeal$' -fuzztime 2m -parallel 1
func FuzzEvaluateDeal(f *testing.F) {
	progs := fuzzPrograms(f)
	// Every seed runs under every program; the fuzzer then picks one
	// program per input (prog), so that an execution costs one program's
	// evaluation, not all of them (see the comment on prog below).
	add := func(amount, typ, tier, segment string, minutes, qty int64, registered bool, role string, shape []byte) {
		for i := range progs {
			f.Add(uint8(i), amount, typ, tier, segment, minutes, qty, registered, role, shape)
		}
	}
	add("12000.00", "new_business", "gold", "enterprise", int64(40*24*60), int64(3), true, "partner_rep", []byte{})
	add("-500", "renewal", "silver", "smb", int64(-5), int64(0), false, "", []byte{1, 2, 3})
	add("99999999999999999999.999999", "upsell", "platinum", "", int64(1<<40), int64(-1), true, "finance", []byte{5, 255, 255, 255, 255, 255})
	add("0.005", "", "", "mid_market", int64(0), int64(1<<62), true, "partner_rep", []byte{0, 0, 0, 1})
	// Shape bytes, in the order fuzzDeal reads them: the number of lines,
	// then per line family, family-is-segment, quantity, unit price, its
	// scale, amount-not-quantity-times-price, SKU prefix, SKU number,
	// refurbished; the number of tier changes, then per change days after
	// the last, tier, tier-is-the-input's; the payment method; which
	// history periods are left out, and their scale; the referrer, the
	// cost, leave optional fields out; per batch deal the gap in days and
	// partner P-2; the number of attribute changes, then per change the
	// attribute (type, region, country), days after its last change, value.
	//
	// Three lines (storage at 10.01, a DEMO- storage SKU, a refurbished
	// network line), silver then gold, paid by cheque, full history, P-2
	// refers, cost 5/8 of the amount, deals a month apart, some by P-2;
	// the partner turns referral, then leaves emea, then Germany.
	add("48000.00", "new_business", "gold", "enterprise", int64(10*24*60), int64(7), true, "partner_rep", []byte{
		3, 0, 0, 5, 40, 2, 0, 0, 1, 0, 0, 0, 3, 100, 0, 0, 1, 2, 0, 1, 0, 2, 20, 1, 0, 0, 3, 1,
		2, 30, 1, 0, 200, 0, 0,
		2,
		0, 100,
		1, 5, 0,
		10, 0, 31, 2, 31, 0, 1, 0, 1, 0, 40, 2,
		3, 0, 30, 1, 1, 60, 0, 2, 90, 1})
	// Five lines (a negative quantity, a free amount, a segment family),
	// one tier change, paid by bank transfer, every third history period
	// missing, the partner refers itself, optional fields left out; it
	// moves to North America, then becomes a reseller.
	add("150000", "new_business", "silver", "smb", int64(80*24*60), int64(31), true, "partner_rep", []byte{
		5, 1, 0, 10, 200, 2, 3, 0, 9, 0, 2, 0, 255, 7, 0, 0, 2, 4, 1, 0, 7, 1, 1, 1, 1, 3, 0, 0,
		3, 0, 0, 50, 2, 0, 0, 5, 0, 0, 0, 128, 255, 2, 0, 1, 6, 1,
		1, 100, 2, 0,
		1,
		3, 50,
		2, 10, 1,
		0, 0, 45, 2, 1, 1, 20, 0, 49, 0, 30, 2,
		2, 1, 100, 1, 0, 200, 0})
	// prog picks the program. Running all of them on every input made an
	// execution cost 20-500 ms on the loaded machine, and the fuzzer
	// minimizes every new input by re-running it hundreds of times: the
	// exec count stood still for 20-60 s at a time (the "stall" of the last
	// session), and a 60 s run made about 1,500 executions.
	f.Fuzz(func(t *testing.T, prog uint8, amount, typ, tier, segment string, minutes, qty int64, registered bool, role string, shape []byte) {
		d, err := decimal.NewFromString(amount)
		if err != nil || d.Exponent() < -30 || d.Exponent() > 30 || len(amount) > 64 {
			return
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		sh := &fuzzShape{b: shape}
		in := incentive.Input{
			Deal: incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: incentive.NewMoney(d, incentive.USD),
				CloseDate: start.Add(time.Duration(minutes%(3*366*24*60)) * time.Minute),
				Type:      incentive.DealType(typ), Quantity: qty,
				Customer: incentive.Customer{Segment: segment}},
			Partner: partner.Partner{ID: "P-1", Tier: partner.Tier(tier),
				Contacts: []partner.Contact{{Role: role, Name: "N"}}},
		}
		if registered {
			in.Deal.Registration = &incentive.Registration{ID: "R", Approved: incentive.DateOf(in.Deal.CloseDate)}
		}
		fz := fuzzDeal(sh, d, segment, tier, start)
		in.Deal.Lines = fz.lines
		in.Partner = fz.partnerOf(in.Partner)
		if fz.method != "" {
			in.Partner.Payment = &partner.PaymentDetails{Method: fz.method}
		}
		in.History = fz.history
		p := progs[int(prog)%len(progs)]
		deal := in
		fz.fill(&deal.Deal, p, segment, qty, d, registered)
		check := func(r *incentive.Result) {
			fuzzCheckResult(t, p, r)
		}
		if r, err := incentive.Evaluate(t.Context(), p, deal, start); err == nil {
			check(r)
			// The same deal again: the same bytes out.
			again, err := incentive.Evaluate(t.Context(), p, deal, start)
			if err != nil {
				t.Fatalf("%s: second evaluation fails: %v", p.ID, err)
			}
			if a, b := fuzzJSON(t, r), fuzzJSON(t, again); a != b || r.Explain() != again.Explain() {
				t.Fatalf("%s: a second evaluation differs:\n%s\n%s", p.ID, a, b)
			}
		}
		batch := fz.batch(deal, d)
		opts := incentive.RunOptions{Workers: 2}
		if qty%2 != 0 {
			opts.AsOf = deal.Deal.CloseDate.AddDate(0, 0, int(qty%200))
		}
		var asOfDate incentive.Date
		if !opts.AsOf.IsZero() {
			asOfDate = incentive.DateOf(opts.AsOf.In(p.Effective.Loc()))
		}
		sb, err := incentive.NewStatement(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		carry := d.Truncate(2)
		sb.CarryIn(func(string, string) decimal.Decimal { return carry })
		// A held amount brought into every bucket, maturing qty%60 days
		// after the deal closed: paid or held again as of the run.
		held := map[string][]incentive.HeldAmount{}
		for _, bk := range p.PayoutBuckets() {
			held["P-1"] = append(held["P-1"], incentive.HeldAmount{Bucket: bk,
				MaturesOn: incentive.DateOf(deal.Deal.CloseDate).AddDays(int(qty % 60)), Amount: incentive.NewMoney(carry.Abs(), p.Currency)})
		}
		if err := sb.CarryHeld(held, asOfDate); err != nil {
			t.Fatalf("%s: CarryHeld: %v", p.ID, err)
		}
		e, err := incentive.NewEvaluator(p)
		if err != nil {
			t.Fatal(err)
		}
		// The run settles its periods itself (RunOptions.Settlements), so
		// the per_partner caps and the budget bind the true-ups too.
		settle := e.NewSettlements()
		opts.Settlements = settle
		closes := map[string]time.Time{}
		for x := range batch {
			closes[x.Deal.ID] = x.Deal.CloseDate
		}
		// What the run has paid under each fixed partner cap (by
		// partner and the cap's period) and the budget; an expired
		// result uses neither unless the program says so.
		used := map[string]decimal.Decimal{}
		paid := decimal.Zero // what the results added to the statement pay
		var two []string
		for r, err := range incentive.Run(t.Context(), p, batch, opts) {
			two = append(two, fuzzRunItem(t, r, err))
			if err != nil {
				continue
			}
			check(r)
			if r.Credits != "" && r.Total.Amount().Sign() > 0 {
				t.Fatalf("%s: credit note %s pays %s", p.ID, r.DealID, r.Total)
			}
			if r.Hold != nil && r.Hold.Void && !r.Total.IsZero() {
				t.Fatalf("%s: voided deal %s pays %s", p.ID, r.DealID, r.Total)
			}
			for ci, c := range p.Caps {
				if c.LimitFormula != nil || r.Expired && !p.Claims.ExpiredUsesCaps {
					continue
				}
				key, ok := fuzzCapKey(p, ci, r.PartnerID, incentive.DateOf(closes[r.DealID].In(p.Effective.Loc())))
				if !ok {
					continue
				}
				used[key] = used[key].Add(r.Total.Amount())
				if used[key].GreaterThan(c.Limit) {
					t.Fatalf("%s: by deal %s the run paid %s under %s cap %s, limit %s", p.ID, r.DealID, used[key], c.Scope, key, c.Limit)
				}
			}
			if err := sb.Add(r); err != nil {
				t.Fatalf("%s: statement: %v", p.ID, err)
			}
			paid = paid.Add(r.Total.Amount())
		}
		// The results do not depend on the number of workers.
		opts.Workers = 1
		settle1 := e.NewSettlements()
		opts.Settlements = settle1
		i := 0
		for r, err := range incentive.Run(t.Context(), p, batch, opts) {
			if got := fuzzRunItem(t, r, err); i >= len(two) || got != two[i] {
				t.Fatalf("%s: result %d on one worker differs from two:\n%s", p.ID, i, got)
			}
			i++
		}
		if i != len(two) {
			t.Fatalf("%s: %d results on one worker, %d on two", p.ID, i, len(two))
		}
		settleOn := asOfDate
		if settleOn.IsZero() {
			settleOn = settle.Last().AddDays(int(qty%120+120) % 120)
		}
		lines := settle.Settle(settleOn)
		fuzzSettlementsAddUp(t, p, lines)
		if a, b := fuzzJSON(t, lines), fuzzJSON(t, settle1.Settle(settleOn)); a != b {
			t.Fatalf("%s: settlements on one worker differ from two:\n%s\n%s", p.ID, b, a)
		}
		// The true-ups count in the fixed partner caps (the cap period
		// holding the settled period's last day) and the budget: deals and
		// true-ups together never pass a limit. (A cut true-up leaves
		// exactly the limit.)
		for _, l := range lines {
			if !l.Settled || l.Payable.IsZero() {
				continue
			}
			for ci, c := range p.Caps {
				if c.LimitFormula != nil {
					continue
				}
				key, ok := fuzzCapKey(p, ci, l.PartnerID, l.To)
				if !ok {
					continue
				}
				used[key] = used[key].Add(l.Payable.Amount())
				if used[key].GreaterThan(c.Limit) {
					t.Fatalf("%s: with the true-up of %s for %s..%s the run paid %s under %s cap %s, limit %s", p.ID, l.PartnerID, l.From, l.To, used[key], c.Scope, key, c.Limit)
				}
			}
		}
		if err := sb.AddSettlements(lines); err != nil {
			t.Fatalf("%s: AddSettlements: %v", p.ID, err)
		}
		st := sb.Statement()
		fuzzStatementAddsUp(t, p, st)
		// Every result's total and every settled true-up is on the
		// statement once: the partners' earned and expired add up to them
		// (split parts included; held amounts brought in are not earned).
		for _, l := range lines {
			paid = paid.Add(l.Payable.Amount())
		}
		stated := decimal.Zero
		for _, ps := range st.Partners {
			stated = stated.Add(ps.Earned.Amount()).Add(ps.Expired.Amount())
		}
		if p.Rounding.Stage != incentive.StageStatement && !stated.Equal(paid) {
			t.Fatalf("%s: the statement's partners earned and expired %s; the results and settlements pay %s", p.ID, stated, paid)
		}
		fuzzFeesAddUp(t, p, st)
	})
}

// fuzzCapKey names what cap ci of p counts for a payment to partner on
// day d: the cap and, for a partner cap, the partner and the cap's period
// holding d; false for caps that count no running total (per deal, line).
func fuzzCapKey(p *incentive.Program, ci int, partner string, d incentive.Date) (string, bool) {
	c := p.Caps[ci]
	switch c.Scope {
	case incentive.CapPartner:
		per := c.Period
		if per == "" {
			per = p.Period
		}
		return fmt.Sprint(ci) + "/" + partner + "/" + incentive.PeriodLabel(per, d), true
	case incentive.CapBudget:
		return fmt.Sprint(ci), true
	}
	return "", false
}

// fuzzShape hands out a fuzzed deal's structural choices one byte at a
// time; once its bytes are spent every choice is 0.
type fuzzShape struct{ b []byte }

func (s *fuzzShape) next() int {
	if len(s.b) == 0 {
		return 0
	}
	v := int(s.b[0])
	s.b = s.b[1:]
	return v
}

// pick returns a choice in [0, n).
func (s *fuzzShape) pick(n int) int { return s.next() % n }

// fuzzShaped is what a shape decided, beside the scalar fields.
type fuzzShaped struct {
	lines   []incentive.DealLine
	refurb  []bool // per line, for a bool line field
	tiers   []partner.Event
	attrs   []partner.Event // type, region and country changes
	method  partner.PaymentMethod
	history incentive.History
	// referrer is the value of string fields (a split payee, say); costPct
	// sets decimal fields to costPct/8 of the amount; omit leaves optional
	// fields out; gaps are the days between the batch's deals; second
	// marks the batch deals made by partner P-2.
	referrer string
	costPct  int64
	omit     bool
	gaps     [6]int
	second   [6]bool
}

var fuzzFamilies = []string{"storage", "network", "compute", "services"}
var fuzzPrefixes = []string{"SKU-", "DEMO-", "REF-", ""}
var fuzzTiers = []partner.Tier{"gold", "silver", "platinum", ""}
var fuzzMethods = []partner.PaymentMethod{"", partner.BankTransfer, partner.Check, partner.PayPal}

func fuzzDeal(sh *fuzzShape, d decimal.Decimal, segment, tier string, start time.Time) *fuzzShaped {
	fz := &fuzzShaped{}
	for n := sh.pick(6); len(fz.lines) < n; {
		fam := fuzzFamilies[sh.pick(len(fuzzFamilies))]
		if sh.pick(8) == 7 {
			fam = segment
		}
		qty := int64(int8(sh.next()))
		price := decimal.New(int64(sh.next())*25+1, -int32(sh.pick(3)))
		amt := price.Mul(decimal.NewFromInt(qty))
		if sh.pick(4) == 3 { // a line amount that is not quantity times price
			amt = d.DivRound(decimal.NewFromInt(int64(n)), 2)
		}
		fz.lines = append(fz.lines, incentive.DealLine{
			Product: fuzzPrefixes[sh.pick(len(fuzzPrefixes))] + strconv.Itoa(sh.next()), Family: fam, Quantity: qty,
			UnitPrice: incentive.NewMoney(price, incentive.USD), Amount: incentive.NewMoney(amt, incentive.USD)})
		fz.refurb = append(fz.refurb, sh.pick(2) == 1)
	}
	// Tier changes in time order, the last one the partner's tier now.
	at := start.AddDate(-1, 0, 0)
	for n := sh.pick(4); len(fz.tiers) < n; {
		at = at.Add(time.Duration(1+sh.next()*3) * 24 * time.Hour)
		to := fuzzTiers[sh.pick(len(fuzzTiers))]
		if sh.pick(4) == 3 {
			to = partner.Tier(tier)
		}
		var from partner.Tier
		if len(fz.tiers) > 0 {
			from = fz.tiers[len(fz.tiers)-1].ToTier
		}
		fz.tiers = append(fz.tiers, partner.Event{Kind: partner.EventTier, FromTier: from, ToTier: to, At: at})
	}
	fz.method = fuzzMethods[sh.pick(len(fuzzMethods))]
	// Totals of earlier periods, 2024 to 2028 by month, quarter and year;
	// every skip-th one left out (a period not supplied fails the deal).
	if skip := sh.pick(5); skip != 1 {
		fz.history = incentive.History{}
		scale := decimal.New(int64(sh.next()), -4)
		k := 0
		for day := (incentive.Date{Year: 2024, Month: 1, Day: 1}); day.Year < 2029; day = day.AddMonths(1) {
			for _, unit := range incentive.HistoryUnits() {
				k++
				if skip > 1 && k%skip == 0 {
					continue
				}
				fz.history[incentive.PeriodLabel(unit, day)] = d.Mul(scale).Mul(decimal.NewFromInt(int64(k % 7)))
			}
		}
	}
	fz.referrer = []string{"", "P-2", "P-1", segment}[sh.pick(4)]
	fz.costPct = int64(sh.pick(12))
	fz.omit = sh.pick(2) == 1
	for i := range fz.gaps {
		fz.gaps[i] = sh.pick(50)
		fz.second[i] = sh.pick(3) == 2
	}
	// Changes of the partner's type, region or country (dated attributes),
	// each days after the last change of that attribute; merged with the
	// tier changes in time order.
	last := map[partner.AttrName]time.Time{}
	prev := map[partner.AttrName]string{}
	for n := sh.pick(5); n > 0; n-- {
		a := []partner.AttrName{partner.AttrType, partner.AttrRegion, partner.AttrCountry}[sh.pick(3)]
		vals := map[partner.AttrName][]string{
			partner.AttrType:    {"reseller", "referral", "msp", segment},
			partner.AttrRegion:  {"emea", "na", "apac", ""},
			partner.AttrCountry: {"DE", "US", "JP", ""},
		}[a]
		at, ok := last[a]
		if !ok {
			at = start.AddDate(-1, 0, 0)
		}
		at = at.Add(time.Duration(1+sh.next()*3) * 24 * time.Hour)
		to := vals[sh.pick(len(vals))]
		fz.attrs = append(fz.attrs, partner.Event{Kind: partner.EventAttr, Attr: a, FromValue: prev[a], ToValue: to, At: at})
		last[a], prev[a] = at, to
	}
	return fz
}

// partnerOf returns the partner with its tier and attribute changes in time
// order, and its tier, type, region and country now the last change's.
func (fz *fuzzShaped) partnerOf(pt partner.Partner) partner.Partner {
	pt.History = append(slices.Clone(fz.tiers), fz.attrs...)
	slices.SortStableFunc(pt.History, func(a, b partner.Event) int { return a.At.Compare(b.At) })
	if len(pt.History) == 0 {
		pt.History = nil
	}
	for _, e := range pt.History {
		switch {
		case e.Kind == partner.EventTier:
			pt.Tier = e.ToTier
		case e.Attr == partner.AttrType:
			pt.Type = partner.Type(e.ToValue)
		case e.Attr == partner.AttrRegion:
			pt.Region = e.ToValue
		case e.Attr == partner.AttrCountry:
			pt.Country = e.ToValue
		}
	}
	return pt
}

// fill sets the program's custom deal and line fields on a copy of the
// deal's lines.
func (fz *fuzzShaped) fill(deal *incentive.Deal, p *incentive.Program, segment string, qty int64, d decimal.Decimal, b bool) {
	deal.Fields = nil
	for _, fd := range p.Fields {
		if fd.Optional && fz.omit {
			continue
		}
		if deal.Fields == nil {
			deal.Fields = map[string]any{}
		}
		v := fuzzField(fd.Type, segment, qty, d, b)
		switch fd.Type {
		case incentive.FieldString:
			v = fz.referrer
		case incentive.FieldDecimal:
			v = d.Mul(decimal.New(fz.costPct, 0)).Div(decimal.New(8, 0))
		}
		deal.Fields[fd.Name] = v
	}
	deal.Lines = slices.Clone(deal.Lines)
	for k := range deal.Lines {
		l := &deal.Lines[k]
		l.Fields = nil
		for _, fd := range p.LineFields {
			if fd.Optional && fz.omit {
				continue
			}
			if l.Fields == nil {
				l.Fields = map[string]any{}
			}
			v := fuzzField(fd.Type, l.Family, l.Quantity, l.UnitPrice.Amount(), fz.refurb[k])
			l.Fields[fd.Name] = v
		}
	}
}

// batch is six deals: the deal, two more (of P-1 or P-2), credit notes of
// the first (half, then the rest) and an unlinked one, closing the shape's
// gaps apart (in days, plus an hour each, so the order is strict).
func (fz *fuzzShaped) batch(deal incentive.Input, d decimal.Decimal) func(func(incentive.Input, error) bool) {
	return func(yield func(incentive.Input, error) bool) {
		at := deal.Deal.CloseDate
		for i, id := range []string{"D-1", "D-2", "D-3", "D-4", "D-5", "D-6"} {
			x := deal
			x.Deal.ID = id
			at = at.Add(time.Duration(fz.gaps[i]*24+1) * time.Hour)
			x.Deal.CloseDate = at
			switch id {
			case "D-2", "D-3", "D-6":
				if fz.second[i] {
					x.Deal.PartnerID, x.Partner.ID = "P-2", "P-2"
					x.Partner.History, x.Partner.Payment = nil, nil
				}
			}
			switch id {
			case "D-4", "D-5":
				half := incentive.NewMoney(d.Abs().Mul(decimal.New(5, -1)).Neg(), incentive.USD)
				x.Deal.Amount, x.Deal.Credits = half, "D-1"
			case "D-6":
				x.Deal.Amount = incentive.NewMoney(d.Abs().Neg(), incentive.USD)
			}
			if !yield(x, nil) {
				return
			}
		}
	}
}

// fuzzCheckResult checks what every evaluated deal must satisfy.
func fuzzCheckResult(t *testing.T, p *incentive.Program, r *incentive.Result) {
	t.Helper()
	sum := decimal.Zero
	for _, l := range r.Lines {
		sum = sum.Add(l.Amount.Amount())
	}
	if !sum.Equal(r.Total.Amount()) || r.Total.Currency() != p.Currency {
		t.Fatalf("%s: %s: lines add up to %s, total %s", p.ID, r.DealID, sum, r.Total)
	}
	if len(r.Shares) > 0 {
		// A split deal's shares add up to its total, and each share's
		// lines to the share.
		shared := decimal.Zero
		for _, s := range r.Shares {
			shared = shared.Add(s.Amount.Amount())
			part := decimal.Zero
			for _, l := range s.Lines {
				part = part.Add(l.Amount.Amount())
			}
			if !part.Equal(s.Amount.Amount()) {
				t.Fatalf("%s: %s: %s's share lines add up to %s, the share %s", p.ID, r.DealID, s.PartnerID, part, s.Amount)
			}
		}
		if !shared.Equal(r.Total.Amount()) {
			t.Fatalf("%s: %s: shares add up to %s, total %s", p.ID, r.DealID, shared, r.Total)
		}
	}
	picked := map[string]int{}
	for _, l := range r.Lines {
		if len(l.Items) > 0 {
			// A per-line earning's gross is the sum of its lines' amounts.
			items := decimal.Zero
			for _, it := range l.Items {
				if it.Applies {
					items = items.Add(it.Amount)
				}
			}
			if !items.Equal(l.Gross.Amount()) {
				t.Fatalf("%s: %s: %s's line items add up to %s, its gross %s", p.ID, r.DealID, l.Earning, items, l.Gross)
			}
		}
		for _, c := range l.Cuts {
			if c.Scope == incentive.CapLine && l.Amount.Amount().GreaterThan(c.Limit) {
				t.Fatalf("%s: %s: %s pays %s above its cap %s", p.ID, r.DealID, l.Earning, l.Amount, c.Limit)
			}
			if c.Scope == incentive.CapDeal && r.Total.Amount().GreaterThan(c.Limit) {
				t.Fatalf("%s: %s: the deal pays %s above its cap %s", p.ID, r.DealID, r.Total, c.Limit)
			}
		}
		if l.Group != "" && !l.Amount.IsZero() {
			picked[l.Group]++ // a line that pays zero takes no place
		}
	}
	for _, g := range p.Groups {
		if g.Max > 0 && picked[g.ID] > g.Max {
			t.Fatalf("%s: %s: group %s pays %d lines, at most %d", p.ID, r.DealID, g.ID, picked[g.ID], g.Max)
		}
	}
	for _, c := range p.Caps {
		if c.Scope == incentive.CapDeal && c.LimitFormula == nil && c.Earning == "" && r.Total.Amount().GreaterThan(c.Limit) {
			t.Fatalf("%s: %s: the deal pays %s above the deal cap %s", p.ID, r.DealID, r.Total, c.Limit)
		}
	}
	_ = r.Explain()
}

// fuzzJSON is a result's JSON encoding.
func fuzzJSON[T any](t *testing.T, r T) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fuzzRunItem is one item of a run's output as text: the result's JSON and
// explanation, or the error.
func fuzzRunItem(t *testing.T, r *incentive.Result, err error) string {
	t.Helper()
	if err != nil {
		return "error: " + err.Error()
	}
	return fuzzJSON(t, r) + "\n" + r.Explain()
}

// fuzzSettlementsAddUp checks every settlement line: the advances add up
// by sub-period; a settled line's true-up is entitlement - advances +
// carried in (per period) or entitlement - credited (year to date), paid
// when above zero and otherwise carried (per period); an open line pays
// and carries nothing; nothing payable is negative, nothing carried is
// positive.
func fuzzSettlementsAddUp(t *testing.T, p *incentive.Program, lines []incentive.SettlementLine) {
	t.Helper()
	modes := map[string]incentive.CreditMode{}
	for _, s := range p.Settlements {
		modes[s.ID] = s.Credit
	}
	for _, l := range lines {
		what := p.ID + ": settlement " + l.Settlement + " " + l.PartnerID + " " + l.From.String()
		by := decimal.Zero
		for _, s := range l.AdvancesBy {
			by = by.Add(s.Amount.Amount())
		}
		if !by.Equal(l.Advances.Amount()) {
			t.Fatalf("%s: advances by sub-period add up to %s, advances %s", what, by, l.Advances)
		}
		if l.Payable.Amount().Sign() < 0 || l.CarriedOut.Amount().Sign() > 0 || l.CarriedIn.Amount().Sign() > 0 {
			t.Fatalf("%s: payable %s, carried in %s, carried out %s", what, l.Payable, l.CarriedIn, l.CarriedOut)
		}
		if !l.Settled {
			if !l.Payable.IsZero() || !l.CarriedOut.IsZero() || !l.TrueUp.IsZero() {
				t.Fatalf("%s: open, yet true-up %s, payable %s, carried out %s", what, l.TrueUp, l.Payable, l.CarriedOut)
			}
			continue
		}
		up := l.Entitlement.Amount().Sub(l.Advances.Amount()).Add(l.CarriedIn.Amount())
		if modes[l.Settlement] == incentive.CreditYearToDate {
			up = l.Entitlement.Amount().Sub(l.Credited.Amount())
		}
		if !up.Equal(l.TrueUp.Amount()) {
			t.Fatalf("%s: true-up %s, want %s", what, l.TrueUp, up)
		}
		// A positive true-up is paid or capped (the caps' cuts add up to
		// what was capped, and none is negative); a negative one is
		// carried under period credit.
		pay, out := decimal.Max(up, decimal.Zero), decimal.Min(up, decimal.Zero)
		if modes[l.Settlement] == incentive.CreditYearToDate {
			out = decimal.Zero
		}
		cut := decimal.Zero
		for _, c := range l.Cuts {
			if c.Cut.Sign() <= 0 {
				t.Fatalf("%s: cap %d cuts %s", what, c.Cap, c.Cut)
			}
			cut = cut.Add(c.Cut)
		}
		if l.Capped.Amount().Sign() < 0 || !cut.Equal(l.Capped.Amount()) {
			t.Fatalf("%s: capped %s, its cuts add up to %s", what, l.Capped, cut)
		}
		if !pay.Equal(l.Payable.Amount().Add(l.Capped.Amount())) || !out.Equal(l.CarriedOut.Amount()) {
			t.Fatalf("%s: true-up %s pays %s, caps %s and carries %s", what, up, l.Payable, l.Capped, l.CarriedOut)
		}
	}
}

// fuzzFeesAddUp checks the payment methods' fees: sent = payable - fee,
// no fee without a payment, nothing negative, and the statement's totals
// are the partners' sums.
func fuzzFeesAddUp(t *testing.T, p *incentive.Program, s *incentive.Statement) {
	t.Helper()
	fees, sent := decimal.Zero, decimal.Zero
	for _, ps := range s.Partners {
		f := ps.Fee.Amount()
		if f.Sign() < 0 || ps.Sent.Amount().Sign() < 0 || !ps.Sent.Amount().Equal(ps.Payable.Amount().Sub(f)) ||
			f.Sign() > 0 && ps.Payable.Amount().Sign() == 0 {
			t.Fatalf("%s: %s: payable %s, fee %s, sent %s", p.ID, ps.PartnerID, ps.Payable, ps.Fee, ps.Sent)
		}
		fees, sent = fees.Add(f), sent.Add(ps.Sent.Amount())
	}
	if !fees.Equal(s.Fees.Amount()) || !sent.Equal(s.Sent.Amount()) {
		t.Fatalf("%s: fees %s and sent %s, the partners' %s and %s", p.ID, s.Fees, s.Sent, fees, sent)
	}
}

// FuzzDecodeDeals decodes arbitrary deals files for any reference program
// or the example (chosen by prog), so that the keys of #15's syntax decode
// against programs that declare them (products with line fields, a
// referrer, a cost, history, tier_history, payment_method), and runs
// whatever decodes: no panic, only errors, and every result's lines and
// shares add up to its total.
//
//	go test ./rules -run '^$' -fuzz '^FuzzDecodeDeals$' -fuzztime 2m -parallel 1
func FuzzDecodeDeals(f *testing.F) {
	progs := fuzzPrograms(f)
	index := func(id string) uint8 {
		for i, p := range progs {
			if p.ID == id {
				return uint8(i)
			}
		}
		f.Fatalf("no program %q", id)
		return 0
	}
	example := index("q4-2026-partner-growth")
	if b, err := os.ReadFile("../examples/data/deals.yaml"); err == nil {
		f.Add(example, b)
	}
	f.Add(example, []byte(`- {id: D-1, amount: "12000.00", type: new_business, registered: true, close_date: 2026-11-03, segment: smb, partner: {id: P-1, tier: gold}}`))
	f.Add(example, []byte("- {id: D-3, amount: 5, close_date: 2026-11-03, segment: smb, partner: {id: P-1, tier_history: [{from: 2026-01-01, tier: silver}, {from: \"2026-06-01T09:00:00+02:00\", tier: gold}]}}\n"))
	f.Add(example, []byte(`[{"id": "D-2", "amount": "1e3", "close_date": "2026-11-03T10:00:00Z", "segment": "x", "partner": {"id": "P"}}]`))
	f.Add(index("cookbook-storage-units"), []byte(`- {id: D-1, amount: "10000.00", cost: "7000.00", close_date: 2026-03-02, partner_id: P-1,
   products: [{product: SRV-1, family: storage, quantity: 3, amount: "6000.00"}, {product: DEMO-SRV, family: storage, quantity: 2, amount: "0"},
              {product: SRV-2, family: storage, quantity: 4, unit_price: "500", amount: "2000.00", refurbished: true}]}
- {id: D-2, amount: "3000.00", cost: "0", close_date: 2026-03-03, partner_id: P-1, products: [{product: SRV-1, family: storage, quantity: -3}]}
`))
	f.Add(index("cookbook-per-unit"), []byte(`- {id: D-1, amount: "9000", close_date: 2026-05-02, partner_id: P-1, products: [{product: NET-1, family: network, quantity: 40}, {product: DEMO-1, family: storage, quantity: 9}]}`))
	f.Add(index("referral-split"), []byte(`- {id: D-1, amount: "50000", close_date: 2026-05-02, referrer: P-2, partner: {id: P-1, payment_method: check}}`))
	f.Add(index("cookbook-growth-rebate"), []byte(`- {id: D-1, amount: "50000", close_date: 2026-05-02, partner_id: P-1, history: {2025-Q2: "100000.00", 2025-Q3: "120000.00", 2025-Q4: "80000.00", 2026-Q1: "100000.00"}}`))
	f.Add(index("tier-spiff"), []byte(`- {id: D-1, amount: "50000", close_date: 2026-05-02, partner: {id: P-1, tier: gold, tier_history: [{from: 2026-01-01, tier: silver}, {from: 2026-04-15, tier: gold}]}}`))
	f.Add(index("rebate-by-method"), []byte(`- {id: D-1, amount: "5000", close_date: 2026-05-02, partner: {id: P-1, payment_method: bank_transfer}}`))
	f.Fuzz(func(t *testing.T, prog uint8, src []byte) {
		p := progs[int(prog)%len(progs)]
		ins, err := rules.DecodeDeals("deals.yaml", src, p)
		if err != nil {
			_ = err.Error()
			return
		}
		slices.SortStableFunc(ins, func(a, b incentive.Input) int {
			if c := a.Deal.CloseDate.Compare(b.Deal.CloseDate); c != 0 {
				return c
			}
			return cmp.Compare(a.Deal.ID, b.Deal.ID)
		})
		seq := func(yield func(incentive.Input, error) bool) {
			for _, in := range ins {
				if !yield(in, nil) {
					return
				}
			}
		}
		for r, err := range incentive.Run(t.Context(), p, seq, incentive.RunOptions{}) {
			if err == nil && r == nil {
				t.Fatal("nil result without an error")
			}
			if err == nil {
				fuzzCheckResult(t, p, r)
			}
		}
	})
}

// fuzzStatementAddsUp checks that every partner and bucket of a statement
// satisfies earned - held + carried in - withheld = payable + carried out,
// and that a partner's figures are the sums of its buckets'.
func fuzzStatementAddsUp(t *testing.T, p *incentive.Program, s *incentive.Statement) {
	t.Helper()
	adds := func(what string, earned, held, in, withheld, payable, out incentive.Money) {
		lhs := earned.Amount().Sub(held.Amount()).Add(in.Amount()).Sub(withheld.Amount())
		if rhs := payable.Amount().Add(out.Amount()); !lhs.Equal(rhs) {
			t.Fatalf("%s: %s: %s - %s + %s - %s != %s + %s", p.ID, what, earned, held, in, withheld, payable, out)
		}
		if payable.Amount().Sign() < 0 || in.Amount().Sign() < 0 || withheld.Amount().Sign() < 0 {
			t.Fatalf("%s: %s: negative payable %s, carried in %s or withheld %s", p.ID, what, payable, in, withheld)
		}
	}
	for _, ps := range s.Partners {
		adds(ps.PartnerID, ps.Earned, ps.Held, ps.CarriedIn, ps.Withheld, ps.Payable, ps.CarriedOut)
		if len(p.Buckets) == 0 {
			continue
		}
		payable := decimal.Zero
		for _, b := range ps.Buckets {
			adds(ps.PartnerID+" bucket "+b.Bucket, b.Earned, b.Held, b.CarriedIn, b.Withheld, b.Payable, b.CarriedOut)
			payable = payable.Add(b.Payable.Amount())
		}
		if !payable.Equal(ps.Payable.Amount()) {
			t.Fatalf("%s: %s: buckets pay %s, the partner %s", p.ID, ps.PartnerID, payable, ps.Payable)
		}
	}
}

func fuzzField(t incentive.FieldType, s string, n int64, d decimal.Decimal, b bool) any {
	switch t {
	case incentive.FieldInt:
		return n
	case incentive.FieldDecimal:
		return d
	case incentive.FieldBool:
		return b
	case incentive.FieldDate:
		return incentive.Date{Year: 2026, Month: time.Month(1 + n%12&11), Day: 1}
	}
	return s
}
