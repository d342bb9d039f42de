package incentive

import (
	"testing"
	"unsafe"

	"github.com/partnerops/partnerops/partner"
)

// lookupText, the unboxed read the trace uses for text paths, reads what
// Lookup reads, path by path, and claims no other path.
func TestLookupTextMatchesLookup(t *testing.T) {
	p := spiffProgram()
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	d.Customer = Customer{Country: "DE", Region: "EMEA", Industry: "retail", Segment: "enterprise"}
	pt := partner.Partner{ID: "P-1", Tier: "gold", Type: partner.Reseller, Region: "emea", Country: "FR"}
	s := &Scope{Program: p, Deal: &d, Partner: &pt, Amount: d.Amount.amount}
	tests := []struct {
		path, want string
	}{
		{PathDealType, "new_business"},
		{PathDealCurrency, "USD"},
		{PathPartnerTier, "gold"},
		{PathPartnerTierAtPeriodStart, "gold"},
		{PathPartnerTypeAtPeriodStart, "reseller"},
		{PathPartnerRegionAtPeriodStart, "emea"},
		{PathPartnerCountryAtPeriodStart, "FR"},
		{PathPartnerType, "reseller"},
		{PathPartnerRegion, "emea"},
		{PathPartnerCountry, "FR"},
		{PathCustomerCountry, "DE"},
		{PathCustomerRegion, "EMEA"},
		{PathCustomerIndustry, "retail"},
		{PathCustomerSegment, "enterprise"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, isText := s.lookupText(tc.path)
			if !isText || got != tc.want {
				t.Fatalf("lookupText = %q, %v; want %q, true", got, isText, tc.want)
			}
			v, ok := s.Lookup(tc.path)
			if !ok || v != any(tc.want) {
				t.Fatalf("Lookup = %#v, %v; want %q", v, ok, tc.want)
			}
		})
	}
	for _, path := range []string{PathDealAmount, PathDealRegistered, PathDealCloseDate, PathPeriodAmount, "deal.segment"} {
		if _, isText := s.lookupText(path); isText {
			t.Errorf("lookupText claims %s, which is not a built-in text", path)
		}
	}
}

// The trace's boxes are per deal: a text equal to the previous deal's
// shares its box, a different one is read again, and a value that is not
// a text (deal.amount) is never carried over from an earlier deal.
func TestObserveBoxesPerDeal(t *testing.T) {
	p := spiffProgram()
	d1 := deal("D-1", "P-1", "100.00", "2026-11-03")
	d2 := deal("D-2", "P-1", "250.00", "2026-11-04")
	d3 := deal("D-3", "P-1", "250.00", "2026-11-04")
	d3.Type = "upsell"
	pt := gold("P-1")
	var w work
	read := func(d *Deal, path string) any {
		w.scope = Scope{Program: p, Deal: d, Partner: &pt, Amount: d.Amount.amount}
		v, ok := w.observe(path)
		if !ok {
			t.Fatalf("%s: no value", path)
		}
		return v
	}
	if v := read(&d1, PathDealType); v != any("new_business") {
		t.Fatalf("deal 1 type = %#v", v)
	}
	if v := read(&d1, PathDealAmount); v.(interface{ String() string }).String() != "100" {
		t.Fatalf("deal 1 amount = %v, want 100", v)
	}
	w.reuse()
	if v := read(&d2, PathDealType); v != any("new_business") {
		t.Fatalf("deal 2 type = %#v", v)
	}
	// (shopspring's String drops trailing zeros: 250.00 reads 250.)
	if v := read(&d2, PathDealAmount); v.(interface{ String() string }).String() != "250" {
		t.Fatalf("deal 2 amount = %v, want 250 (not deal 1's 100)", v)
	}
	w.reuse()
	if v := read(&d3, PathDealType); v != any("upsell") {
		t.Fatalf("deal 3 type = %#v, want upsell (not the previous deal's)", v)
	}
}

// A partner whose region changed on 2026-10-15: the deal closing
// 2026-11-03 reads the new region, the start of the program period
// (2026-10-01, the effective start) the old one, through lookupText as
// through Lookup.
func TestLookupTextDatedAttributes(t *testing.T) {
	p := spiffProgram()
	d := deal("D-1", "P-1", "100.00", "2026-11-03")
	pt := partner.Partner{ID: "P-1", Tier: "gold", Type: partner.Reseller, Region: "apac",
		History: []partner.Event{partner.AttrEvent(partner.AttrRegion, "emea", "apac", day("2026-10-15"))}}
	s := &Scope{Program: p, Deal: &d, Partner: &pt, Amount: d.Amount.amount}
	for _, tc := range []struct{ path, want string }{
		{PathPartnerRegion, "apac"},
		{PathPartnerRegionAtPeriodStart, "emea"},
		{PathPartnerTier, "gold"},
	} {
		got, isText := s.lookupText(tc.path)
		v, ok := s.Lookup(tc.path)
		if !isText || got != tc.want || !ok || v != any(tc.want) {
			t.Errorf("%s: lookupText %q (%v), Lookup %#v (%v); want %q", tc.path, got, isText, v, ok, tc.want)
		}
	}
}

// A path keeps the boxes of its last observedTexts (4) texts: a text seen
// again reuses its box (no allocation), a fifth new text drops the least
// recently seen, and every read gives the deal's own text.
func TestObservedBoxText(t *testing.T) {
	var b observed
	steps := []struct {
		text string
		// reused: the box of an earlier read is returned
		reused bool
	}{
		{"new_business", false},
		{"upsell", false},
		{"new_business", true}, // now most recent: new_business, upsell
		{"renewal", false},
		{"expansion", false},    // kept: expansion, renewal, new_business, upsell
		{"upsell", true},        // upsell, expansion, renewal, new_business
		{"other", false},        // drops new_business, the least recent
		{"new_business", false}, // boxed again
		{"other", true},
	}
	boxes := map[string]any{}
	for i, s := range steps {
		v := b.boxText(s.text)
		if got, _ := v.(string); got != s.text {
			t.Fatalf("read %d: %#v, want %q", i, v, s.text)
		}
		prev, seen := boxes[s.text]
		// the same box: the interfaces' data words are one pointer
		same := seen && (*[2]uintptr)(unsafe.Pointer(&prev))[1] == (*[2]uintptr)(unsafe.Pointer(&v))[1]
		if same != s.reused {
			t.Fatalf("read %d (%s): reused %v, want %v", i, s.text, same, s.reused)
		}
		boxes[s.text] = v
	}
	if n := testing.AllocsPerRun(100, func() { _ = b.boxText("other") }); n != 0 {
		t.Fatalf("a kept text allocated %v times", n)
	}
}
