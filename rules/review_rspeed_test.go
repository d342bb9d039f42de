package rules_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// reviewRspeedInputs builds n varied deals for p with the fuzz target's
// builder (product lines, tier and attribute histories, custom fields,
// history), drawn from a fixed seed: consecutive deals differ in type,
// tier, customer segment and amount, or repeat them, so the trace's
// boxes are reused and replaced.
func reviewRspeedInputs(p *incentive.Program, n int, seed uint64) []incentive.Input {
	r := rand.New(rand.NewPCG(seed, 7))
	types := []string{"new_business", "renewal", "upsell", ""}
	tiers := []string{"gold", "silver", "platinum", ""}
	segs := []string{"enterprise", "smb", "mid_market", ""}
	amounts := []string{"12000.00", "48000.00", "150000", "0.005", "-500", "999.99", "250000.125", "7"}
	// close dates inside the program's window (a year from its start
	// when it has no end), in the program's currency
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if !p.Effective.From.IsZero() {
		start = p.Effective.From.In(p.Effective.Loc())
	}
	span := int64(366 * 24 * 60)
	if !p.Effective.To.IsZero() {
		span = int64(p.Effective.To.In(p.Effective.Loc()).Sub(start)/time.Minute) + 1
	}
	cur := p.Currency
	out := make([]incentive.Input, n)
	for i := range out {
		d := decimal.RequireFromString(amounts[r.IntN(len(amounts))])
		typ, tier, seg := types[r.IntN(len(types))], tiers[r.IntN(len(tiers))], segs[r.IntN(len(segs))]
		if i > 0 && r.IntN(2) == 0 { // the previous deal's texts again
			prev := out[i-1]
			typ, tier, seg = string(prev.Deal.Type), string(prev.Partner.Tier), prev.Deal.Customer.Segment
		}
		shape := make([]byte, r.IntN(80))
		for k := range shape {
			shape[k] = byte(r.IntN(128)) // (a byte above 127 is a negative line quantity)
		}
		minutes := r.Int64N(span)
		qty := r.Int64N(40) - 2
		in := incentive.Input{
			Deal: incentive.Deal{ID: "D-" + string(rune('A'+i%26)) + string(rune('a'+i/26%26)), PartnerID: "P-1",
				Amount:    incentive.NewMoney(d, cur),
				CloseDate: start.Add(time.Duration(minutes) * time.Minute),
				Type:      incentive.DealType(typ), Quantity: qty,
				Customer: incentive.Customer{Segment: seg, Country: []string{"DE", "US", ""}[r.IntN(3)]}},
			Partner: partner.Partner{ID: "P-1", Tier: partner.Tier(tier),
				Contacts: []partner.Contact{{Role: "partner_rep", Name: "N"}}},
		}
		if r.IntN(2) == 0 {
			in.Deal.Registration = &incentive.Registration{ID: "R", Approved: incentive.DateOf(in.Deal.CloseDate)}
		}
		fz := fuzzDeal(&fuzzShape{b: shape}, d, seg, tier, start)
		in.Deal.Lines = fz.lines
		in.Partner = fz.partnerOf(in.Partner)
		if fz.method != "" {
			in.Partner.Payment = &partner.PaymentDetails{Method: fz.method}
		}
		in.History = fz.history
		fz.fill(&in.Deal, p, seg, qty, d, r.IntN(2) == 0)
		in.Prior = incentive.Prior{
			PeriodAmount: decimal.NewFromInt(r.Int64N(8) * 40_000),
			PeriodDeals:  r.Int64N(8),
			PeriodEarned: decimal.New(r.Int64N(2_000_000), -2),
			BudgetUsed:   decimal.New(r.Int64N(30_000_000), -2),
		}
		out[i] = in
	}
	return out
}

// reviewRspeedRender is what a caller reads of an Evaluate: the result's
// JSON and explanation, or the error.
func reviewRspeedRender(t *testing.T, r *incentive.Result, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fuzzJSON(t, r) + "\n" + r.Explain()
}

// For every reference program: one Evaluator serving deal after deal
// (Evaluate and EvaluateNoTrace interleaved), and the same Evaluator used
// by four goroutines at once, give byte for byte what a fresh Evaluator
// gives each deal alone; the kept results still read so after all the
// later deals; and a caller that reuses its Input (overwriting the deal's
// texts, lines and fields for the next deal) changes no kept result.
func TestReviewRspeedEvaluateIsolation(t *testing.T) {
	ctx, asOf := context.Background(), time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	total := 0 // eligible deals over all programs
	defer func() {
		// (most deals must pay, cap or band, or the comparison shows little)
		if total < 600 {
			t.Errorf("only %d generated deals are eligible", total)
		}
	}()
	for pi, p := range fuzzPrograms(t) {
		t.Run(p.ID, func(t *testing.T) {
			ins := reviewRspeedInputs(p, 60, uint64(pi)+1)
			want := make([]string, len(ins))
			for i, in := range ins {
				fresh, err := incentive.NewEvaluator(p)
				if err != nil {
					t.Fatal(err)
				}
				r, err := fresh.Evaluate(ctx, in, asOf)
				want[i] = reviewRspeedRender(t, r, err)
			}
			eligible := 0
			for _, w := range want {
				if strings.Contains(w, `"eligible":true`) {
					eligible++
				}
			}
			total += eligible
			ev, err := incentive.NewEvaluator(p)
			if err != nil {
				t.Fatal(err)
			}
			kept := make([]*incentive.Result, len(ins))
			errs := make([]error, len(ins))
			var reused incentive.Input // the caller's one Input, refilled per deal
			for i, in := range ins {
				if i%4 == 3 {
					_, _ = ev.EvaluateNoTrace(ctx, in, asOf)
				}
				// a deep copy the caller then scribbles over
				reused = in
				reused.Deal.Lines = append([]incentive.DealLine(nil), in.Deal.Lines...)
				if in.Deal.Fields != nil {
					reused.Deal.Fields = map[string]any{}
					for k, v := range in.Deal.Fields {
						reused.Deal.Fields[k] = v
					}
				}
				kept[i], errs[i] = ev.Evaluate(ctx, reused, asOf)
				reused.Deal.Type = "scribbled"
				reused.Partner.Tier = "scribbled"
				reused.Deal.Customer.Segment = "scribbled"
				for k := range reused.Deal.Lines {
					reused.Deal.Lines[k].Family = "scribbled"
					reused.Deal.Lines[k].Amount = incentive.NewMoney(decimal.NewFromInt(1), p.Currency)
				}
				for k := range reused.Deal.Fields {
					reused.Deal.Fields[k] = "scribbled"
				}
			}
			var wg sync.WaitGroup
			bad := make(chan string, 4)
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := range ins {
						i := (k*7 + g*13) % len(ins)
						r, err := ev.Evaluate(ctx, ins[i], asOf)
						if got := reviewRspeedRender(t, r, err); got != want[i] {
							bad <- "concurrent deal " + ins[i].Deal.ID + ":\n" + got + "\nwant\n" + want[i]
							return
						}
					}
				}()
			}
			wg.Wait()
			close(bad)
			for b := range bad {
				t.Fatal(b)
			}
			for i := range kept {
				if got := reviewRspeedRender(t, kept[i], errs[i]); got != want[i] {
					t.Fatalf("kept result of deal %d (%s) differs after later deals:\n%s\nwant\n%s", i, ins[i].Deal.ID, got, want[i])
				}
			}
		})
	}
}
