package incentive_test

import (
	"context"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
)

// A service that only needs amounts evaluates without the explanation.
func ExampleEvaluator_EvaluateNoTrace() {
	e, err := incentive.NewEvaluator(spiff())
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := e.EvaluateNoTrace(context.Background(), dealOf("D-1", "150000.00", "platinum", 3), time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// 150,000.00 x 2% = 3,000.00, over the 2,500.00 deal cap
	fmt.Println(r.Total, len(r.Trace), r.Lines[0].Cuts[0].Scope)
	// Output: 2500.00 USD 0 deal
}

// A deal the program cannot evaluate is an error, with or without the
// explanation.
func ExampleEvaluator_EvaluateNoTrace_error() {
	e, err := incentive.NewEvaluator(spiff())
	if err != nil {
		fmt.Println(err)
		return
	}
	in := dealOf("D-2", "1000.00", "gold", 3)
	in.Deal.ID = ""
	_, err = e.EvaluateNoTrace(context.Background(), in, time.Time{})
	fmt.Println(err)
	// Output: program q4-spiff, deal , deal: invalid deal: deal has no id
}

// A service that evaluates deals inline and keeps no result writes each
// into one Result it reuses: only values copied out of it (the total
// here) outlive the next call.
func ExampleEvaluator_EvaluateNoTraceInto() {
	e, err := incentive.NewEvaluator(spiff())
	if err != nil {
		fmt.Println(err)
		return
	}
	deals := []incentive.Input{
		dealOf("D-1", "12000.00", "gold", 3),
		dealOf("D-2", "150000.00", "platinum", 4),
		dealOf("D-3", "9000.00", "silver", 5),
	}
	var res incentive.Result // reused: its lines' memory serves every deal
	var total incentive.Money
	for i := range deals {
		if err := e.EvaluateNoTraceInto(context.Background(), &res, &deals[i], time.Time{}); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.DealID, res.Eligible, res.Total, len(res.Lines))
		if total, err = total.Add(res.Total); err != nil {
			fmt.Println(err)
			return
		}
	}
	// 12,000.00 x 2% = 240.00; 150,000.00 x 2% = 3,000.00, capped at
	// 2,500.00; a silver partner is not eligible: 240.00 + 2,500.00
	fmt.Println("total", total)
	// Output:
	// D-1 true 240.00 USD 1
	// D-2 true 2500.00 USD 1
	// D-3 false 0.00 USD 0
	// total 2740.00 USD
}

// After an error the result holds no deal: every field is zero.
func ExampleEvaluator_EvaluateInto_error() {
	e, err := incentive.NewEvaluator(spiff())
	if err != nil {
		fmt.Println(err)
		return
	}
	var res incentive.Result
	in := dealOf("D-1", "12000.00", "gold", 3)
	if err := e.EvaluateInto(context.Background(), &res, &in, time.Time{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.DealID, res.Total, len(res.Trace) > 0)
	in.Deal.ID = ""
	err = e.EvaluateInto(context.Background(), &res, &in, time.Time{})
	fmt.Println(err)
	fmt.Printf("%q %v %d\n", res.DealID, res.Eligible, len(res.Lines))
	// Output:
	// D-1 240.00 USD true
	// program q4-spiff, deal , deal: invalid deal: deal has no id
	// "" false 0
}
