package partner_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/partner"
)

// A partner moves from EMEA to North America; the region on an earlier
// day is still EMEA.
func ExampleSetAttr() {
	p := partner.Partner{ID: "P-1", Region: "emea"}
	moved := time.Date(2026, 5, 15, 0, 0, 0, 0, time.UTC)
	if _, err := partner.SetAttr(&p, partner.AttrChange{Attr: partner.AttrRegion, To: "na", At: moved, Actor: "ops"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Region, p.AttrAt(partner.AttrRegion, moved.AddDate(0, 0, -1)))
	// Output: na emea
}

// SetAttrHistory builds an attribute's changes from dated values, as the
// partners file decoders do; values out of time order are refused.
func ExampleSetAttrHistory() {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	p := partner.Partner{ID: "P-1"}
	err := partner.SetAttrHistory(&p, partner.AttrType, []partner.DatedValue{
		{From: day("2025-01-01"), Value: "referral"}, {From: day("2026-04-01"), Value: "reseller"}})
	fmt.Println(err, p.Type, p.AttrAt(partner.AttrType, day("2026-03-31")))

	err = partner.SetAttrHistory(&p, partner.AttrCountry, []partner.DatedValue{
		{From: day("2026-02-01"), Value: "DE"}, {From: day("2026-01-01"), Value: "US"}})
	var ae *partner.AttrError
	fmt.Println(errors.Is(err, partner.ErrInvalidAttr), errors.As(err, &ae) && ae.Index == 1)
	fmt.Println(err)
	// Output:
	// <nil> reseller referral
	// true true
	// partner: invalid attribute: country[1]: 2026-01-01T00:00:00Z is not after the change before it (2026-02-01T00:00:00Z): list changes in time order, each date once
}
