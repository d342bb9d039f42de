package incentive_test

import (
	"errors"
	"fmt"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// 0.09 USD by 35:45:20 is 3.15, 4.05 and 1.8 cents: each payee gets the
// floor (3, 4 and 1 cents) and the rule says who gets the cent left over.
func ExampleMoney_AllocateBy() {
	m := incentive.MustParseMoney("0.09", "USD")
	ratios := []decimal.Decimal{decimal.NewFromInt(35), decimal.NewFromInt(45), decimal.NewFromInt(20)}
	for _, rule := range incentive.RemainderRules() {
		parts, _ := m.AllocateBy(rule, 2, ratios...)
		fmt.Println(rule, parts)
	}
	// Output:
	// largest_remainder [0.03 USD 0.04 USD 0.02 USD]
	// largest_share [0.03 USD 0.05 USD 0.01 USD]
	// first [0.04 USD 0.04 USD 0.01 USD]
}

// An amount finer than the scale is never rounded silently.
func ExampleMoney_AllocateBy_error() {
	m := incentive.MustParseMoney("10.005", "USD")
	_, err := m.AllocateBy(incentive.RemainderFirst, 2, decimal.NewFromInt(1), decimal.NewFromInt(1))
	fmt.Println(errors.Is(err, incentive.ErrInvalidAmount))
	fmt.Println(err)
	// Output:
	// true
	// invalid amount: cannot allocate 10.005 USD at 2 decimal places: the amount has more places; round it first
}
