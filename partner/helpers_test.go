package partner

import "time"

// d is a date literal for tests.
func d(s string) Date { return MustDate(s) }

// at is an instant literal for tests ("2026-03-01" or RFC 3339).
func at(s string) time.Time {
	if len(s) == 10 {
		s += "T12:00:00Z"
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// payable is a reseller that meets the default activation requirements on
// every day of 2026.
func payable() *Partner {
	return &Partner{
		ID: "P-1", Name: "Acme Resale GmbH", Type: Reseller, Tier: "silver", Region: "emea", Country: "DE",
		Status:   Onboarding,
		Contacts: []Contact{{Role: RolePrimary, Name: "Ana", Email: "ana@acme.example"}, {Role: RolePayee, Name: "Ben", Email: "ben@acme.example"}},
		Payment:  &PaymentDetails{Method: BankTransfer, AccountHolder: "Acme Resale GmbH", AccountRef: "DE..1234", Currency: "EUR"},
		Documents: []Document{
			{ID: "agr-1", Kind: Agreement, Status: DocApproved, ValidFrom: d("2026-01-01"), ValidUntil: d("2027-12-31")},
			{ID: "tax-1", Kind: TaxForm, Form: "W-8BEN", Status: DocApproved, ValidFrom: d("2026-01-01"), ValidUntil: d("2026-12-31")},
		},
	}
}
