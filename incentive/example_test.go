package incentive_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// spiff is a small program built in Go: 2% of registered new business for
// gold and platinum partners, capped at 2,500 a deal.
func spiff() *incentive.Program {
	return &incentive.Program{
		ID: "q4-spiff", Name: "Q4 SPIFF", Version: 3, Hash: "5e1f0c2a9b7d",
		Currency: incentive.USD,
		Effective: incentive.Window{
			From: incentive.Date{Year: 2026, Month: 10, Day: 1},
			To:   incentive.Date{Year: 2026, Month: 12, Day: 31},
		},
		Eligibility: []incentive.Clause{
			{Name: "registered deal", When: incentive.Equals(incentive.PathDealRegistered, true)},
			{Name: "gold or platinum partner", When: incentive.In(incentive.PathPartnerTier, "gold", "platinum")},
		},
		Earnings: []incentive.Earning{
			{ID: "base", Type: incentive.Spiff, Amount: incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.02"))},
		},
		Caps: []incentive.Cap{{Scope: incentive.CapDeal, Limit: decimal.NewFromInt(2500)}},
	}
}

func dealOf(id, amount string, tier partner.Tier, day int) incentive.Input {
	return incentive.Input{
		Deal: incentive.Deal{
			ID: id, PartnerID: "P-1", Amount: incentive.MustParseMoney(amount, "USD"),
			CloseDate:    time.Date(2026, 11, day, 15, 0, 0, 0, time.UTC),
			Type:         incentive.NewBusiness,
			Registration: &incentive.Registration{ID: "R-" + id, Approved: incentive.Date{Year: 2026, Month: 10, Day: 20}},
		},
		Partner: partner.Partner{ID: "P-1", Tier: tier},
	}
}

func ExampleEvaluate() {
	r, err := incentive.Evaluate(context.Background(), spiff(), dealOf("D-1", "12000.00", "gold", 3), time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// 12,000.00 x 2% = 240.00
	fmt.Println(r.Eligible, r.Total, r.Lines[0].Earning, r.Program.Version)
	// Output: true 240.00 USD base 3
}

func ExampleResult_Explain() {
	r, _ := incentive.Evaluate(context.Background(), spiff(), dealOf("D-2", "12000.00", "silver", 3), time.Time{})
	fmt.Print(r.Explain())
	// Output:
	// deal D-2 (partner P-1) under q4-spiff v3 (hash 5e1f0c2a9b7d)
	//   close date 2026-11-03 is inside the effective window [2026-10-01, 2026-12-31] UTC
	//   eligible: "registered deal" holds: deal.registered == true (deal.registered = true)
	//   not eligible: "gold or platinum partner" failed: partner.tier in ["gold", "platinum"] (partner.tier = "silver")
	//   earns nothing: not eligible (gold or platinum partner)
}

func ExampleResult_Explain_capped() {
	r, _ := incentive.Evaluate(context.Background(), spiff(), dealOf("D-3", "150000", "gold", 3), time.Time{})
	fmt.Print(r.Explain())
	// Output:
	// deal D-3 (partner P-1) under q4-spiff v3 (hash 5e1f0c2a9b7d)
	//   close date 2026-11-03 is inside the effective window [2026-10-01, 2026-12-31] UTC
	//   eligible: "registered deal" holds: deal.registered == true (deal.registered = true)
	//   eligible: "gold or platinum partner" holds: partner.tier in ["gold", "platinum"] (partner.tier = "gold")
	//   earning "base": deal.amount * 0.02 = 3,000.00 (deal.amount = 150,000.00)
	//   deal cap 2,500.00 cut 500.00 (3,000.00 -> 2,500.00)
	//   rounding: half_up to the currency's minor units (2 places), per line (half_up is the default mode)
	//   total 2,500.00 USD to partner
}

// A deal that breaks the program's terms is a typed error naming the deal,
// never a panic or a silent zero.
func ExampleEvaluate_error() {
	in := dealOf("D-4", "-50.00", "gold", 3)
	_, err := incentive.Evaluate(context.Background(), spiff(), in, time.Time{})
	fmt.Println(err)
	var ee *incentive.EvalError
	fmt.Println(errors.As(err, &ee), errors.Is(err, incentive.ErrInvalidDeal), ee.Deal)
	// Output:
	// program q4-spiff, deal D-4, deal: invalid deal: amount -50.00 USD is negative and the program does not allow negative amounts
	// true true D-4
}

func ExampleRun() {
	deals := func(yield func(incentive.Input, error) bool) {
		for i, amount := range []string{"12000.00", "150000", "30000"} {
			if !yield(dealOf(fmt.Sprintf("D-%d", i+1), amount, "gold", 3+i), nil) {
				return
			}
		}
	}
	b, _ := incentive.NewStatement(spiff(), nil)
	for r, err := range incentive.Run(context.Background(), spiff(), iter.Seq2[incentive.Input, error](deals), incentive.RunOptions{}) {
		if err != nil {
			fmt.Println(err)
			continue
		}
		// 240.00; 3,000.00 capped at 2,500.00; 600.00
		fmt.Println(r.DealID, r.Total)
		_ = b.Add(r)
	}
	// 240.00 + 2,500.00 + 600.00 = 3,340.00
	_ = b.Statement().WriteText(os.Stdout)
	// Output:
	// D-1 240.00 USD
	// D-2 2500.00 USD
	// D-3 600.00 USD
	// Earnings statement: q4-spiff v3 (hash 5e1f0c2a9b7d)
	// Currency USD; rounding: half_up to the currency's minor units (2 places), per line (half_up is the default mode)
	// Deals 3, eligible 3
	//
	// partner           deals eligible         earned        expired           held     carried in       withheld        payable    carried out
	// P-1                   3        3       3,340.00           0.00           0.00           0.00           0.00       3,340.00           0.00
	//   type spiff                           3,340.00
	//   payee partner                        3,340.00
	//
	// total                 3        3       3,340.00           0.00           0.00           0.00           0.00       3,340.00           0.00
}

// A credit note names the deal it credits: the deal is evaluated again at
// its reduced net amount, and what it was paid above that is taken back.
func ExampleDeal_credits() {
	p := spiff()
	p.AllowNegative = true
	sale := dealOf("D-1", "200000", "gold", 3)
	partial := dealOf("C-1", "-100000", "gold", 4)
	partial.Deal.Credits = "D-1"
	rest := dealOf("C-2", "-100000", "gold", 5)
	rest.Deal.Credits = "D-1"
	unknown := dealOf("C-3", "-10", "gold", 6)
	unknown.Deal.Credits = "D-9"
	deals := func(yield func(incentive.Input, error) bool) {
		for _, in := range []incentive.Input{sale, partial, rest, unknown} {
			if !yield(in, nil) {
				return
			}
		}
	}
	for r, err := range incentive.Run(context.Background(), p, deals, incentive.RunOptions{}) {
		if err != nil {
			fmt.Println(errors.Is(err, incentive.ErrUnknownDeal), err)
			continue
		}
		fmt.Println(r.DealID, r.Total)
	}
	// D-1: 200,000 x 2% = 4,000.00, capped at 2,500.00.
	// C-1: the 100,000 left earns 2,000.00: 500.00 back.
	// C-2: nothing left: the 2,000.00 still paid comes back, not 4,000.00.
	// Output:
	// D-1 2500.00 USD
	// C-1 -500.00 USD
	// C-2 -2000.00 USD
	// true program q4-spiff, deal C-3, credit: unknown credited deal: the credit note credits deal "D-9", which this run has not seen; a credit note must follow the deal it credits in the same run
}

// A service keeps its results without the explanation and explains one
// when asked: Recheck evaluates the deal again and explains it only if it
// computes what was kept. Here the deal's amount was changed since.
func ExampleEvaluator_Recheck() {
	ctx := context.Background()
	e, _ := incentive.NewEvaluator(spiff())
	in := dealOf("D-5", "12000.00", "gold", 3)
	kept, _ := e.EvaluateNoTrace(ctx, in, time.Time{})

	r, err := e.Recheck(ctx, in, time.Time{}, kept)
	fmt.Println(err, len(r.Trace) > 0, r.Total)

	in.Deal.Amount = incentive.MustParseMoney("15000.00", "USD")
	_, err = e.Recheck(ctx, in, time.Time{}, kept)
	fmt.Println(err)
	// Output:
	// <nil> true 240.00 USD
	// the deal evaluated again differs from the stored result: deal D-5: the total was 240.00 USD, now 300.00 USD
}
