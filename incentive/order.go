package incentive

import (
	"slices"
	"strings"
)

// CompareDeals orders deals as Run requires them: by close time (the
// instant, whatever its time zone), then by deal id (byte order). It
// returns -1, 0 or +1; 0 only for two deals with the same close instant
// and the same id, which Run refuses as a repeat.
func CompareDeals(a, b *Deal) int {
	if c := a.CloseDate.Compare(b.CloseDate); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// CompareInputs is CompareDeals on the inputs' deals.
func CompareInputs(a, b Input) int { return CompareDeals(&a.Deal, &b.Deal) }

// SortInputs sorts inputs into the order Run requires (see CompareDeals),
// keeping the order of inputs that compare equal.
func SortInputs(inputs []Input) {
	slices.SortStableFunc(inputs, CompareInputs)
}
