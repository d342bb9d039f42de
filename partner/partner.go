package partner

// Type classifies a partner's business model.
type Type string

// Partner types.
const (
	Reseller    Type = "reseller"
	Distributor Type = "distributor"
	MSP         Type = "msp"
	Referral    Type = "referral"
	Technology  Type = "technology"
	Agency      Type = "agency"
)

// Types lists the built-in partner types. Programs may use others.
func Types() []Type {
	return []Type{Reseller, Distributor, MSP, Referral, Technology, Agency}
}

// Tier is a partner's program tier, e.g. "gold". Tier names are defined by
// each partner program, so any string is allowed.
type Tier string

// Contact is a person at the partner. Role names what they do for the
// program ("partner_rep", "finance", "owner"); an incentive program names the
// role that is paid.
type Contact struct {
	Role  string
	Name  string
	Email string
}

// Partner is the partner record that incentive programs read: identity,
// type, tier, region and contacts.
type Partner struct {
	ID       string
	Name     string
	Type     Type
	Tier     Tier
	Region   string
	Country  string
	Contacts []Contact
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
