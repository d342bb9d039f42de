package rules_test

import (
	"cmp"
	"os"
	"slices"
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
// every reference program: no panic, and whenever a deal evaluates, its
// lines (and, for a split deal, its payees' shares) add up to its total in
// the program currency, a voided deal pays nothing, and the batch's
// statement (with a balance carried into every payout bucket, as of a date
// the input picks, for holds and expiry) adds up for every partner and
// bucket (held amounts brought in included).
func FuzzEvaluateDeal(f *testing.F) {
	progs := fuzzPrograms(f)
	f.Add("12000.00", "new_business", "gold", "enterprise", int64(40*24*60), int64(3), true, "partner_rep")
	f.Add("-500", "renewal", "silver", "smb", int64(-5), int64(0), false, "")
	f.Add("99999999999999999999.999999", "upsell", "platinum", "", int64(1<<40), int64(-1), true, "finance")
	f.Add("0.005", "", "", "mid_market", int64(0), int64(1<<62), true, "partner_rep")
	f.Fuzz(func(t *testing.T, amount, typ, tier, segment string, minutes, qty int64, registered bool, role string) {
		d, err := decimal.NewFromString(amount)
		if err != nil || d.Exponent() < -30 || d.Exponent() > 30 {
			return
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
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
		for _, p := range progs {
			deal := in
			for _, fd := range p.Fields {
				if deal.Deal.Fields == nil {
					deal.Deal.Fields = map[string]any{}
				}
				deal.Deal.Fields[fd.Name] = fuzzField(fd.Type, segment, qty, d, registered)
			}
			check := func(r *incentive.Result) {
				sum := decimal.Zero
				for _, l := range r.Lines {
					sum = sum.Add(l.Amount.Amount())
				}
				if !sum.Equal(r.Total.Amount()) || r.Total.Currency() != p.Currency {
					t.Fatalf("%s: lines add up to %s, total %s", p.ID, sum, r.Total)
				}
				if len(r.Shares) > 0 {
					// A split deal's shares add up to its total too.
					shared := decimal.Zero
					for _, s := range r.Shares {
						shared = shared.Add(s.Amount.Amount())
					}
					if !shared.Equal(r.Total.Amount()) {
						t.Fatalf("%s: shares add up to %s, total %s", p.ID, shared, r.Total)
					}
				}
				_ = r.Explain()
			}
			if r, err := incentive.Evaluate(t.Context(), p, deal, start); err == nil {
				check(r)
			}
			// The same deal three times in a batch exercises the running
			// totals; then credit notes of the first deal, linked to it
			// (half, then the rest) and not, exercise the takebacks.
			batch := func(yield func(incentive.Input, error) bool) {
				for i, id := range []string{"D-1", "D-2", "D-3", "D-4", "D-5", "D-6"} {
					x := deal
					x.Deal.ID = id
					x.Deal.CloseDate = deal.Deal.CloseDate.Add(time.Duration(i) * time.Hour)
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
			opts := incentive.RunOptions{Workers: 2}
			if qty%2 != 0 {
				opts.AsOf = deal.Deal.CloseDate.AddDate(0, 0, int(qty%200))
			}
			sb, err := incentive.NewStatement(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			carry := d.Truncate(2)
			sb.CarryIn(func(string, string) decimal.Decimal { return carry })
			// A held amount brought into every bucket, maturing qty%60 days
			// after the deal closed: paid or held again as of the run.
			var asOfDate incentive.Date
			if !opts.AsOf.IsZero() {
				asOfDate = incentive.DateOf(opts.AsOf.In(p.Effective.Loc()))
			}
			held := map[string][]incentive.HeldAmount{}
			for _, bk := range p.PayoutBuckets() {
				held["P-1"] = append(held["P-1"], incentive.HeldAmount{Bucket: bk,
					MaturesOn: incentive.DateOf(deal.Deal.CloseDate).AddDays(int(qty % 60)), Amount: incentive.NewMoney(carry.Abs(), p.Currency)})
			}
			if err := sb.CarryHeld(held, asOfDate); err != nil {
				t.Fatalf("%s: CarryHeld: %v", p.ID, err)
			}
			for r, err := range incentive.Run(t.Context(), p, batch, opts) {
				if err == nil {
					check(r)
					if r.Credits != "" && r.Total.Amount().Sign() > 0 {
						t.Fatalf("%s: credit note %s pays %s", p.ID, r.DealID, r.Total)
					}
					if r.Hold != nil && r.Hold.Void && !r.Total.IsZero() {
						t.Fatalf("%s: voided deal %s pays %s", p.ID, r.DealID, r.Total)
					}
					if err := sb.Add(r); err != nil {
						t.Fatalf("%s: statement: %v", p.ID, err)
					}
				}
			}
			fuzzStatementAddsUp(t, p, sb.Statement())
		}
	})
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

// FuzzDecodeDeals decodes arbitrary deals files for the example program and
// runs whatever decodes: no panic, only errors.
func FuzzDecodeDeals(f *testing.F) {
	p := fuzzPrograms(f)
	example := p[len(p)-1]
	if b, err := os.ReadFile("../examples/data/deals.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`- {id: D-1, amount: "12000.00", type: new_business, registered: true, close_date: 2026-11-03, segment: smb, partner: {id: P-1, tier: gold}}`))
	f.Add([]byte("- {id: D-3, amount: 5, close_date: 2026-11-03, segment: smb, partner: {id: P-1, tier_history: [{from: 2026-01-01, tier: silver}, {from: \"2026-06-01T09:00:00+02:00\", tier: gold}]}}\n"))
	f.Add([]byte(`[{"id": "D-2", "amount": "1e3", "close_date": "2026-11-03T10:00:00Z", "segment": "x", "partner": {"id": "P"}}]`))
	f.Fuzz(func(t *testing.T, src []byte) {
		ins, err := rules.DecodeDeals("deals.yaml", src, example)
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
		for r, err := range incentive.Run(t.Context(), example, seq, incentive.RunOptions{}) {
			if err == nil && r == nil {
				t.Fatal("nil result without an error")
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
