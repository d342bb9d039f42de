// Package partner holds partner records: identity, type, tier, region and
// contacts (one of which may be an incentive payee).
//
// It imports no other package of the module; package incentive reads a
// Partner to decide eligibility and the payee.
package partner
