package incentive_test

import (
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
)

// A partner record read from JSON gets its dated tier changes: the tier
// in force on any day is then the one TierAt reads.
func ExampleDecodeHistoryJSON() {
	loc := time.UTC
	pt := partner.Partner{ID: "P-1"}
	changes, errs := incentive.DecodeHistoryJSON([]byte(`[{"from": "2026-01-01", "tier": "silver"}, {"from": "2026-06-01", "tier": "gold"}]`), "tier_history", loc)
	errs = append(errs, incentive.ApplyDatedChanges(&pt, changes)...)
	fmt.Println(len(errs), "errors")
	fmt.Println(pt.TierAt(time.Date(2026, 3, 1, 0, 0, 0, 0, loc)), pt.TierAt(time.Date(2026, 7, 1, 0, 0, 0, 0, loc)), pt.Tier)
	// Output:
	// 0 errors
	// silver gold gold
}

// Each mistake is an error naming the entry, every one found at once.
func ExampleDecodeHistoryJSON_errors() {
	_, errs := incentive.DecodeHistoryJSON([]byte(`[{"from": "2026-06-01", "tier": "gold"}, {"from": "2026-01-01", "tier": "silver"}, {"tier": "platinum"}]`), "tier_history", time.UTC)
	for _, err := range errs {
		fmt.Println(err)
	}
	// Output:
	// tier_history[1].from: tier_history must be in time order: 2026-01-01 is not after the entry before it
	// tier_history[2]: missing required key "from"
}
