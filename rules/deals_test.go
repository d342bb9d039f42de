package rules

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeDeals(t *testing.T) {
	p := mustCompile(t, "spiff.yaml", testFile(t, "testdata/reference/spiff.yaml")).Programs[0]
	src := `- id: D-1
  partner: {id: P-1, name: Acme, tier: gold, type: reseller, region: emea, country: DE,
            contacts: [{role: partner_rep, name: Ana, email: ana@example.com}]}
  amount: "12000.50"
  quantity: 3
  type: new_business
  registered: true
  close_date: 2026-11-03
  customer: {id: C-9, name: Globex, country: FR, region: emea, industry: retail, segment: enterprise}
  products: [widget, {product: gadget, quantity: 2, amount: 100.25}]
  segment: enterprise
  term_months: 24
- id: D-2
  partner_id: P-2
  amount: 99
  currency: EUR
  registration: {id: R-7, approved: 2026-10-30}
  close_date: "2026-11-04T10:00:00Z"
  segment: smb
`
	ins, err := DecodeDeals("deals.yaml", []byte(src), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 {
		t.Fatalf("%d deals", len(ins))
	}
	d, pt := ins[0].Deal, ins[0].Partner
	ny, _ := time.LoadLocation("America/New_York")
	if d.ID != "D-1" || d.PartnerID != "P-1" || !d.Amount.Equal(incentive.MustParseMoney("12000.50", "USD")) ||
		d.Quantity != 3 || d.Type != incentive.NewBusiness || !d.CloseDate.Equal(time.Date(2026, 11, 3, 0, 0, 0, 0, ny)) {
		t.Errorf("deal = %+v", d)
	}
	if d.Registration == nil || d.Registration.Approved != (incentive.Date{Year: 2026, Month: 11, Day: 3}) || !d.Registered() {
		t.Errorf("registered: true is approved on the close date: %+v", d.Registration)
	}
	if d.Customer != (incentive.Customer{ID: "C-9", Name: "Globex", Country: "FR", Region: "emea", Industry: "retail", Segment: "enterprise"}) {
		t.Errorf("customer = %+v", d.Customer)
	}
	if len(d.Lines) != 2 || d.Lines[0].Product != "widget" || d.Lines[1].Product != "gadget" || d.Lines[1].Quantity != 2 ||
		!d.Lines[1].Amount.Equal(incentive.MustParseMoney("100.25", "USD")) {
		t.Errorf("lines = %+v", d.Lines)
	}
	if d.Fields["segment"] != "enterprise" || d.Fields["term_months"] != int64(24) {
		t.Errorf("fields = %#v", d.Fields)
	}
	if pt.ID != "P-1" || pt.Name != "Acme" || pt.Tier != "gold" || pt.Type != "reseller" || pt.Region != "emea" ||
		pt.Country != "DE" || len(pt.Contacts) != 1 || pt.Contacts[0].Email != "ana@example.com" {
		t.Errorf("partner = %+v", pt)
	}
	d2 := ins[1].Deal
	if d2.PartnerID != "P-2" || ins[1].Partner.ID != "P-2" || !d2.Amount.Equal(incentive.MustParseMoney("99", "EUR")) ||
		d2.Registration.ID != "R-7" || !d2.CloseDate.Equal(time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("second deal = %+v", d2)
	}
	if _, ok := d2.Fields["term_months"]; ok {
		t.Error("an optional field the deal lacks was set")
	}

	// JSON is YAML too.
	js := `[{"id": "J-1", "partner_id": "P-1", "amount": 12000.10, "close_date": "2026-11-05", "segment": "smb"}]`
	ins, err = DecodeDeals("deals.json", []byte(js), p)
	if err != nil {
		t.Fatal(err)
	}
	if !ins[0].Deal.Amount.Equal(incentive.MustParseMoney("12000.10", "USD")) {
		t.Errorf("JSON amount = %v", ins[0].Deal.Amount)
	}
}

func TestDecodeDealsErrors(t *testing.T) {
	p := mustCompile(t, "spiff.yaml", testFile(t, "testdata/reference/spiff.yaml")).Programs[0]
	src := `- {id: D-1, amount: "10", close_date: 2026-11-03, segment: smb}
- {id: D-2, partner_id: P-1, amount: -5, quantity: -1, close_date: 2026-11-31, segmnt: smb}
- {id: D-3, partner_id: P-1, partner: {id: P-9}, amount: 1e3, close_date: 2026-11-03, segment: smb, registered: true, registration: {id: R}}
`
	_, err := DecodeDeals("deals.yaml", []byte(src), p)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		`deals.yaml:1:3: [0]: the deal names no partner: add ` + "`partner_id:` or `partner: {id: ...}`",
		`deals.yaml:2:3: [1]: missing required field "segment" (declared at spiff.yaml:15:3)`,
		"deals.yaml:2:38: [1].amount: a negative amount needs `allow_negative: true` in the program",
		`deals.yaml:2:52: [1].quantity: must not be negative, got -1`,
		`deals.yaml:2:68: [1].close_date: want a date written YYYY-MM-DD or an RFC 3339 time`,
		`deals.yaml:2:80: [1]: unknown key "segmnt"; did you mean "segment"?`,
		`deals.yaml:3:25: [2].partner_id: partner_id "P-1" differs from the deal's partner.id "P-9"`,
		`deals.yaml:3:58: [2].amount: want a decimal number such as 1250 or 0.025, got "1e3"`,
		"deals.yaml:3:119: [2].registration: give either `registered:` or `registration:`, not both",
	}
	if len(list) != len(want) {
		t.Errorf("got %d errors:\n%v", len(list), list)
	}
	for i, w := range want {
		if i < len(list) && !strings.HasPrefix(list[i].Error(), w) {
			t.Errorf("error %d:\n%s\nwant prefix\n%s", i, list[i].Error(), w)
		}
	}

	for _, c := range []struct{ src, want string }{
		{"{id: D-1}", "want a list"},
		{"- [1, 2]", "want a mapping"},
		{"- {id: D-1, amount: 1, close_date: 2026-11-03, segment: x, partner_id: P}\n---\n- {}", "this file may hold at most 1"},
		{"# nothing\n", "want one list of deals"},
		{"- {id: &a D-1}", "anchors"},
	} {
		if _, err := DecodeDeals("d.yaml", []byte(c.src), p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.src, err, c.want)
		}
	}
	if _, err := DecodeDeals("d.yaml", make([]byte, MaxDealsFileSize+1), p); err == nil || !strings.Contains(err.Error(), "may be at most") {
		t.Errorf("size limit: %v", err)
	}
	if _, err := DecodeDeals("d.yaml", []byte("[]"), nil); err == nil {
		t.Error("nil program accepted")
	}
}

// TestDealCurrencyLikeProgram is issue 6's reproduction: a deal currency
// `usd` was taken as USD in deals files but refused in program files. Both
// now want the code in capitals and suggest it.
func TestDealCurrencyLikeProgram(t *testing.T) {
	progSrc := string(testFile(t, "testdata/reference/spiff.yaml"))
	p := mustCompile(t, "spiff.yaml", []byte(progSrc)).Programs[0]
	for _, code := range []string{"usd", "Usd"} {
		src := "- {id: D-1, partner_id: P-1, amount: \"10.00\", currency: " + code + ", close_date: 2026-11-01, segment: smb}\n"
		_, err := DecodeDeals("deals.yaml", []byte(src), p)
		require.Error(t, err, code)
		assert.Contains(t, err.Error(), `deals.yaml:1:57: [0].currency: unknown currency "`+code+`"; want an ISO 4217 code in capitals such as USD or EUR; did you mean "USD"?`)
		_, err = Compile("p.yaml", []byte(strings.Replace(progSrc, "currency: USD", "currency: "+code, 1)))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `unknown currency "`+code+`"; want an ISO 4217 code in capitals such as USD or EUR; did you mean "USD"?`)
	}
}

func TestDecodePartners(t *testing.T) {
	src := `- {id: P-1, name: Acme, tier: gold, type: reseller, region: emea, country: DE,
   contacts: [{role: partner_rep, name: Ana, email: ana@example.com}]}
- {id: P-2, tier: silver}
`
	got, err := DecodePartners("partners.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "Acme", got[0].Name)
	assert.Equal(t, "ana@example.com", got[0].Contacts[0].Email)
	assert.Equal(t, "silver", string(got[1].Tier))

	bad := "- {id: P-1, tier: gold}\n- {name: no id}\n- {id: P-1, tier: silver}\n- {id: P-3, tire: gold}\n"
	_, err = DecodePartners("partners.yaml", []byte(bad))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `partners.yaml:2:3: [1]: missing required key "id"`)
	assert.Contains(t, msg, `partners.yaml:3:3: [2]: partner "P-1" is listed twice (first at line 1)`)
	assert.Contains(t, msg, `partners.yaml:4:13: [3]: unknown key "tire" (want one of id, name, tier, type, region, country, contacts, tier_history, attribute_history, payment_method)`)
}
