package main

import (
	"github.com/partnerops/partnerops/incentive"
)

// sortDeals puts a slice of deals in the order incentive.Run requires: by
// close time, then by deal id.
func sortDeals(inputs []incentive.Input) {
	incentive.SortInputs(inputs)
}
