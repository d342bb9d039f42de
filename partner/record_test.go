package partner

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateReportsEveryProblem(t *testing.T) {
	p := &Partner{
		Type:     "Big Reseller",
		Country:  "Germany",
		Status:   "dormant",
		Contacts: []Contact{{Name: "x", Email: "not-an-email"}, {Role: RolePayee}},
		Payment:  &PaymentDetails{Method: "wire", Currency: "euro"},
		Documents: []Document{
			{ID: "a", Kind: Agreement, Status: "ok", ValidFrom: d("2026-05-01"), ValidUntil: d("2026-04-30")},
			{ID: "a", ValidFrom: Date{2026, time.February, 30}},
		},
		Certified: []CertifiedPerson{{Email: "@x"}},
		History: []Event{
			{From: Prospect, To: Onboarding, At: at("2026-02-01")},
			{From: Active, To: Suspended, At: at("2026-01-01")}, // out of order, and not from onboarding
			{Kind: "bogus", At: at("2026-03-01")},
			{Kind: EventTier, FromTier: "a", ToTier: "b", At: at("2026-03-02")},
		},
	}
	err := p.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{
		"id", "name", "type", "country", "status",
		"contacts[0].role", "contacts[0].email", "contacts[1]",
		"payment.method", "payment.account_holder", "payment.account_ref", "payment.currency",
		"documents[0].status", "documents[0].valid_until",
		"documents[1].kind", "documents[1].valid_from", "documents[1].id",
		"certified[0].name", "certified[0].certification", "certified[0].email",
		"history[1].at", "history[1].from", "history[2].kind",
		"status", // the history ends in suspended
		"tier",   // the history ends in tier b
	}, paths)
}

func TestValidateAcceptsAFullRecord(t *testing.T) {
	assert.NoError(t, payable().Validate())
	// A zero-value-ish record with only the required fields is valid.
	assert.NoError(t, (&Partner{ID: "P", Name: "N", Type: "custom_type"}).Validate())
}

func TestDocumentValidOn(t *testing.T) {
	doc := Document{Kind: TaxForm, Status: DocApproved, ValidFrom: d("2026-01-01"), ValidUntil: d("2026-12-31")}
	tests := []struct {
		name string
		doc  Document
		on   Date
		want bool
	}{
		{"day before from", doc, d("2025-12-31"), false},
		{"first day", doc, d("2026-01-01"), true},
		{"last day is inclusive", doc, d("2026-12-31"), true},
		{"day after until", doc, d("2027-01-01"), false},
		{"open ended", Document{Status: DocApproved}, d("2099-01-01"), true},
		{"pending is never valid", Document{ValidUntil: d("2030-01-01")}, d("2026-06-01"), false},
		{"revoked", Document{Status: DocRevoked}, d("2026-06-01"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.doc.ValidOn(tt.on)) })
	}
}

func TestCanBePaid(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *Partner)
		on    string
		items []string
		texts []string
	}{
		{name: "valid on the last day", on: "2026-12-31"},
		{name: "tax form expired", on: "2027-01-01", items: []string{"tax_form"},
			texts: []string{"tax form W-8BEN (tax-1) expired on 2026-12-31"}},
		{name: "tax form not yet valid", on: "2025-12-31", items: []string{"tax_form"},
			texts: []string{"tax form W-8BEN (tax-1) is valid only from 2026-01-01"}},
		{name: "no payment details and no tax form", on: "2026-06-01",
			edit:  func(p *Partner) { p.Payment = nil; p.Documents = p.Documents[:1] },
			items: []string{"payment_details", "tax_form"},
			texts: []string{"no payment details on file", "no tax form on file"}},
		{name: "incomplete payment details, pending tax form", on: "2026-06-01",
			edit: func(p *Partner) {
				p.Payment = &PaymentDetails{Method: Check}
				p.Documents[1].Status = ""
			},
			items: []string{"payment_details", "tax_form"},
			texts: []string{"payment details lack account holder, account reference", "tax form W-8BEN (tax-1) is pending, not approved"}},
		{name: "a renewed form replaces the expired one", on: "2027-03-01",
			edit: func(p *Partner) {
				p.Documents = append(p.Documents, Document{ID: "tax-2", Kind: TaxForm, Status: DocApproved, ValidFrom: d("2027-01-01"), ValidUntil: d("2027-12-31")})
			}},
		{name: "suspended", on: "2026-06-01", edit: func(p *Partner) { p.Status = Suspended },
			items: []string{"state"}, texts: []string{"partner is suspended"}},
		{name: "offboarding can still be paid", on: "2026-06-01", edit: func(p *Partner) { p.Status = Offboarding }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := payable()
			if tt.edit != nil {
				tt.edit(p)
			}
			err := p.CanBePaid(at(tt.on))
			if tt.items == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrPaymentBlocked))
			var pb *PaymentBlockedError
			require.ErrorAs(t, err, &pb)
			assert.Equal(t, "P-1", pb.PartnerID)
			assert.Equal(t, d(tt.on), pb.On)
			var items, texts []string
			for _, b := range pb.Blockers {
				items = append(items, b.Item)
				texts = append(texts, b.Detail)
			}
			assert.Equal(t, tt.items, items)
			assert.Equal(t, tt.texts, texts)
		})
	}
}

func TestPaymentBlockedCarriesDocumentDates(t *testing.T) {
	err := payable().CanBePaidOn(d("2027-02-01"))
	var pb *PaymentBlockedError
	require.ErrorAs(t, err, &pb)
	require.Len(t, pb.Blockers, 1)
	b := pb.Blockers[0]
	assert.Equal(t, ProblemExpired, b.Problem)
	assert.Equal(t, "tax-1", b.DocumentID)
	assert.Equal(t, d("2026-01-01"), b.ValidFrom)
	assert.Equal(t, d("2026-12-31"), b.ValidUntil)
	assert.Equal(t, "partner P-1 cannot be paid on 2027-02-01: tax form W-8BEN (tax-1) expired on 2026-12-31", err.Error())
}

func TestCanBePaidReadsTheDateInTheInstantsZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// 2027-01-01T03:00Z is still 2026-12-31 in New York: the form is valid there.
	utc := at("2027-01-01T03:00:00Z")
	assert.Error(t, payable().CanBePaid(utc))
	assert.NoError(t, payable().CanBePaid(utc.In(ny)))
}

func TestCloneIsDeep(t *testing.T) {
	p := payable()
	p.Attributes = map[string]string{"crm": "1"}
	c := p.Clone()
	c.Contacts[0].Name = "changed"
	c.Documents[0].ID = "changed"
	c.Payment.AccountRef = "changed"
	c.Attributes["crm"] = "changed"
	assert.Equal(t, "Ana", p.Contacts[0].Name)
	assert.Equal(t, "agr-1", p.Documents[0].ID)
	assert.Equal(t, "DE..1234", p.Payment.AccountRef)
	assert.Equal(t, "1", p.Attributes["crm"])
}

func TestCertifiedOnCountsPeopleOnce(t *testing.T) {
	p := &Partner{Certified: []CertifiedPerson{
		{Name: "A", Email: "a@x.io", Certification: "sales", Expires: d("2026-06-30")},
		{Name: "A", Email: "a@x.io", Certification: "tech"},
		{Name: "B", Certification: "sales", Earned: d("2026-03-01")},
		{Name: "C", Certification: "sales", Expires: d("2026-01-31")},
	}}
	assert.Equal(t, 1, p.CertifiedOn(d("2026-02-01"))) // A only: B not yet, C expired
	assert.Equal(t, 2, p.CertifiedOn(d("2026-07-01"))) // A (tech) and B
	assert.Equal(t, 2, p.CertifiedOn(d("2026-01-31"))) // A, and C on its last day; B not yet
}

func TestDate(t *testing.T) {
	assert.Equal(t, d("2026-03-01"), d("2026-02-28").AddDays(1))
	assert.Equal(t, 365, d("2026-01-01").DaysUntil(d("2027-01-01")))
	assert.Equal(t, -1, d("2026-01-02").DaysUntil(d("2026-01-01")))
	_, err := ParseDate("2026-13-01")
	assert.Error(t, err)
	var z Date
	assert.NoError(t, z.UnmarshalText([]byte("2026-05-04")))
	assert.Equal(t, d("2026-05-04"), z)
	b, _ := z.MarshalText()
	assert.Equal(t, "2026-05-04", string(b))
}

func TestPartnerJSONRoundTrip(t *testing.T) {
	p := history(t)
	p.Attributes = map[string]string{"crm": "1"}
	p.Certified = []CertifiedPerson{{Name: "C", Certification: "x", Earned: d("2026-01-01")}}
	p.TierBelowSince = d("2026-08-01")
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back Partner
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, &back)
	assert.Contains(t, string(b), `"tier_below_since":"2026-08-01"`)
	assert.Contains(t, string(b), `{"kind":"state","from":"prospect","to":"onboarding","actor":"pm","at":"2026-01-10T12:00:00Z"}`)
	assert.NotContains(t, string(b), `"valid_from":""`, "zero dates are left out")
}

// An email address names one person whatever its case: a person entered
// twice as "Cem@Acme.example" and "cem@acme.example" is counted once (the count feeds activation requirements and tier criteria), and
// the renewal of their certification stops the expiry notice.
func TestCertifiedPeopleByEmailIgnoreCase(t *testing.T) {
	p := payable()
	p.Status = Active
	p.Certified = []CertifiedPerson{
		{Name: "Cem", Email: "Cem@Acme.example", Certification: "sales", Expires: d("2026-06-20")},
		{Name: "Cem", Email: "cem@acme.example", Certification: "sales", Earned: d("2026-06-15"), Expires: d("2027-06-20")}, // renewal
		{Name: "Dia", Email: "dia@acme.example", Certification: "tech"},
	}
	tests := []struct {
		on   string
		want int
	}{
		{"2026-06-01", 2}, // Cem (first entry) and Dia
		{"2026-06-16", 2}, // Cem holds both entries: still one person
		{"2026-07-01", 2}, // Cem (renewal) and Dia
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, p.CertifiedOn(d(tt.on)), tt.on)
	}
	ns := (&Compliance{Within: 30}).NoticesOn([]*Partner{p}, d("2026-06-01"))
	assert.Empty(t, ns, "Cem's sales certification is renewed from 2026-06-15")
}
