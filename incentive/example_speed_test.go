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
