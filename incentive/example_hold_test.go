package incentive_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// heldReferral pays a 10% referral fee held 30 days from the customer's
// payment, voided by a refund inside the hold, and pays referral fees from
// their own bucket with a 50.00 minimum.
func heldReferral() *incentive.Program {
	return &incentive.Program{
		ID: "referral", Version: 1, Currency: incentive.USD,
		Effective: incentive.Window{From: incentive.Date{Year: 2026, Month: 1, Day: 1}},
		Fields: []incentive.FieldDecl{
			{Name: "paid_on", Type: incentive.FieldDate, Optional: true},
			{Name: "refund_date", Type: incentive.FieldDate, Optional: true},
		},
		Hold: incentive.Hold{Span: incentive.Span{Days: 30}, From: "paid_on", VoidOn: []string{"refund_date"}},
		Buckets: []incentive.Bucket{
			{ID: "referrals", Types: []incentive.EarningType{incentive.Referral}, MinPayout: decimal.NewFromInt(50)},
		},
		Earnings: []incentive.Earning{
			{ID: "fee", Type: incentive.Referral, Amount: incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.10"))},
		},
	}
}

func referralDeal(id, amount string, fields map[string]any) incentive.Input {
	return incentive.Input{
		Deal: incentive.Deal{ID: id, PartnerID: "P-1", Amount: incentive.MustParseMoney(amount, "USD"),
			CloseDate: time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC), Fields: fields},
		Partner: partner.Partner{ID: "P-1"},
	}
}

// A hold keeps earnings pending until they mature, and a refund inside it
// voids them; the statement pays what has matured, per bucket, and a
// negative balance brought into a bucket is withheld from it.
func ExampleHold() {
	p := heldReferral()
	mar := func(d int) incentive.Date { return incentive.Date{Year: 2026, Month: 3, Day: d} }
	deals := []incentive.Input{
		referralDeal("D-1", "1000.00", map[string]any{"paid_on": mar(1)}),                         // matures 03-31
		referralDeal("D-2", "2000.00", map[string]any{"paid_on": mar(10)}),                        // matures 04-09
		referralDeal("D-3", "3000.00", map[string]any{"paid_on": mar(1), "refund_date": mar(15)}), // void
	}
	asOf := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	sb, _ := incentive.NewStatement(p, nil)
	// 20.00 was clawed back last time: withheld from this payout.
	sb.CarryIn(func(partnerID, bucket string) decimal.Decimal { return decimal.NewFromInt(-20) })
	for _, in := range deals {
		r, err := incentive.Evaluate(context.Background(), p, in, asOf)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(r.DealID, r.Total, "matures", r.Hold.MaturesOn, "held", r.Hold.Held, "void", r.Hold.Void)
		_ = sb.Add(r)
	}
	ps := sb.Statement().Partners[0]
	// earned 100 + 200 + 0 = 300; held 200; withheld 20:
	// 300 - 200 - 20 = 80 >= 50, payable.
	fmt.Println("earned", ps.Earned, "held", ps.Held, "withheld", ps.Withheld, "payable", ps.Payable)
	// Output:
	// D-1 100.00 USD matures 2026-03-31 held false void false
	// D-2 200.00 USD matures 2026-04-09 held true void false
	// D-3 0.00 USD matures 2026-03-31 held false void true
	// earned 300.00 USD held 200.00 USD withheld 20.00 USD payable 80.00 USD
}

// A zero-value Evaluator or StatementBuilder has no program: it returns an
// error instead of panicking.
func ExampleStatementBuilder_zeroValue() {
	var b incentive.StatementBuilder
	err := b.Add(&incentive.Result{})
	fmt.Println(errors.Is(err, incentive.ErrNoEvaluator), errors.Is(err, incentive.ErrInvalidProgram))
	fmt.Println(err)
	// Output:
	// true true
	// invalid program: no program: build the evaluator with NewEvaluator (a statement with NewStatement or Evaluator.NewStatement) (Add on a zero-value StatementBuilder)
}
