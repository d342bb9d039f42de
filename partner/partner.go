package partner

import "strings"

// Type classifies a partner's business model. The list below is the
// built-in set; a program may use any other lower-case name.
type Type string

// Partner types.
const (
	Reseller          Type = "reseller"
	Distributor       Type = "distributor"
	MSP               Type = "msp"
	Referral          Type = "referral"
	Technology        Type = "technology"
	Agency            Type = "agency"
	SystemsIntegrator Type = "systems_integrator"
)

// Types lists the built-in partner types. Programs may use others.
func Types() []Type {
	return []Type{Reseller, Distributor, MSP, Referral, Technology, Agency, SystemsIntegrator}
}

// Tier is a partner's program tier, e.g. "gold". Tier names are defined by
// each partner program, so any string is allowed.
type Tier string

// Contact roles the library knows. A Contact's Role is a plain string: an
// incentive program names the role that is paid ("partner_rep"), and a
// partner program may add its own.
const (
	RolePrimary   = "primary"
	RoleBilling   = "billing"
	RoleTechnical = "technical"
	// RolePayee is the incentive payee: the person incentive payments are
	// made out to when the program pays a person rather than the partner.
	RolePayee = "incentive_payee"
)

// Roles lists the built-in contact roles.
func Roles() []string { return []string{RolePrimary, RoleBilling, RoleTechnical, RolePayee} }

// Contact is a person at the partner. Role names what they do for the
// program ("primary", "billing", "incentive_payee", "partner_rep"); an
// incentive program names the role that is paid.
type Contact struct {
	Role  string `json:"role"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// PaymentMethod is how a payee is paid.
type PaymentMethod string

// Payment methods.
const (
	BankTransfer PaymentMethod = "bank_transfer"
	Check        PaymentMethod = "check"
	PayPal       PaymentMethod = "paypal"
	Card         PaymentMethod = "card"
)

// PaymentMethods lists the payment methods.
func PaymentMethods() []PaymentMethod { return []PaymentMethod{BankTransfer, Check, PayPal, Card} }

// PaymentDetails say where a partner's incentive payments go. The library
// keeps a reference to the account (for example the last digits or a
// vault token), never needs the full number, and never moves money.
type PaymentDetails struct {
	Method        PaymentMethod `json:"method,omitempty"`
	AccountHolder string        `json:"account_holder,omitempty"`
	// AccountRef identifies the account at the payment provider.
	AccountRef string `json:"account_ref,omitempty"`
	// Currency is the ISO 4217 code the payee is paid in.
	Currency string `json:"currency,omitempty"`
}

// complete reports whether the details are enough to pay.
func (d *PaymentDetails) complete() bool {
	return d != nil && d.Method != "" && d.AccountHolder != "" && d.AccountRef != ""
}

// CertifiedPerson is a person at the partner holding a certification.
type CertifiedPerson struct {
	Name          string `json:"name"`
	Email         string `json:"email,omitempty"`
	Certification string `json:"certification,omitempty"`
	Earned        Date   `json:"earned,omitzero"`
	// Expires is the last day the certification is valid; zero when it
	// does not expire.
	Expires Date `json:"expires,omitzero"`
}

// ValidOn reports whether the certification holds on d.
func (c CertifiedPerson) ValidOn(d Date) bool {
	if !c.Earned.IsZero() && d.Before(c.Earned) {
		return false
	}
	return c.Expires.IsZero() || !d.After(c.Expires)
}

// Partner is a partner record: identity, classification, contacts, payment
// details, documents, certified people, custom attributes, the lifecycle
// state and its history.
//
// The zero Partner is a prospect with nothing on file. Package incentive
// reads ID, Name, Type, Tier, Region, Country and Contacts.
type Partner struct {
	ID string `json:"id"`
	// Name is the legal name.
	Name string `json:"name"`
	Type Type   `json:"type"`
	Tier Tier   `json:"tier,omitempty"`
	// Region is the program's sales region ("emea", "na-west").
	Region string `json:"region,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code ("DE").
	Country  string    `json:"country,omitempty"`
	Contacts []Contact `json:"contacts,omitempty"`
	// Status is the lifecycle state; the zero value means Prospect. Change
	// it through Lifecycle.Transition so the history stays complete.
	Status State `json:"status,omitempty"`
	// Payment is nil until payment details are on file.
	Payment   *PaymentDetails   `json:"payment,omitempty"`
	Documents []Document        `json:"documents,omitempty"`
	Certified []CertifiedPerson `json:"certified,omitempty"`
	// Attributes are the program's custom attributes.
	Attributes map[string]string `json:"attributes,omitempty"`
	// History holds the lifecycle and tier events, oldest first.
	History []Event `json:"history,omitempty"`
	// TierBelowSince is the first day the partner stopped meeting its
	// tier's criteria under a tier policy, zero while it meets them. It
	// starts a demotion's grace period (see TierPolicy).
	TierBelowSince Date `json:"tier_below_since,omitzero"`
	// Version is the store's version of the record, for optimistic
	// concurrency; 0 for a record not yet stored.
	Version int64 `json:"version,omitempty"`
}

// Contact returns the first contact with the given role.
func (p *Partner) Contact(role string) (Contact, bool) {
	for _, c := range p.Contacts {
		if c.Role == role {
			return c, true
		}
	}
	return Contact{}, false
}

// State returns the lifecycle state, Prospect for the zero Status.
func (p *Partner) State() State {
	if p.Status == "" {
		return Prospect
	}
	return p.Status
}

// CertifiedOn counts the distinct people (by email in any case, else
// name) holding at least one certification valid on d.
func (p *Partner) CertifiedOn(d Date) int {
	seen := map[string]bool{}
	for _, c := range p.Certified {
		if !c.ValidOn(d) {
			continue
		}
		k := strings.ToLower(c.Email)
		if k == "" {
			k = "name:" + c.Name
		}
		seen[k] = true
	}
	return len(seen)
}

// Clone returns a deep copy of p: changing the copy's slices, maps or
// payment details leaves p unchanged.
func (p *Partner) Clone() *Partner {
	c := *p
	c.Contacts = cloneSlice(p.Contacts)
	c.Documents = cloneSlice(p.Documents)
	c.Certified = cloneSlice(p.Certified)
	c.History = cloneSlice(p.History)
	if p.Payment != nil {
		pd := *p.Payment
		c.Payment = &pd
	}
	if p.Attributes != nil {
		c.Attributes = make(map[string]string, len(p.Attributes))
		for k, v := range p.Attributes {
			c.Attributes[k] = v
		}
	}
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
