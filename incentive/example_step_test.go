package incentive_test

import (
	"context"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
)

// A trace step's part of the program, amount and the values its
// expression read are methods, built when read (see Step): here the
// formula step of a 150,000.00 deal, cut by the deal cap later.
func ExampleStep() {
	r, err := incentive.Evaluate(context.Background(), spiff(), dealOf("D-2", "150000.00", "platinum", 5), time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range r.Trace {
		if st.Kind != incentive.StepFormula && st.Kind != incentive.StepCap {
			continue
		}
		// 150,000.00 x 2% = 3,000.00; the deal cap cuts 3,000.00 - 2,500.00 = 500.00
		fmt.Printf("%s %q index %d amount %s\n", st.Kind, st.Ref(), st.Index, st.Amount())
		for _, in := range st.Inputs() {
			fmt.Printf("  read %s = %v\n", in.Path, in.Value)
		}
	}
	// Output:
	// formula "base" index 0 amount 3000
	//   read deal.amount = 150000
	// cap "caps[0]" index 0 amount 500
}
