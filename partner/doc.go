// Package partner is the partner record and the rules of a partner's
// journey through a partner program: records and validation, documents and
// payability, the lifecycle with its guards and history, compliance
// notices, deal registration, tier policies, metrics, and a Store.
//
// It imports no other package of the module. Package incentive reads a
// Partner (type, tier, region, contacts) to decide eligibility and the
// payee; the ledger's answers reach this package as plain values
// (Clearance), and a ledger whose payee gate (ledger.Config.PayeeGate,
// written by the caller) returns Partner.CanBePaidOn asks it before paying.
//
// # Records
//
// A Partner has an id, a legal name, a Type (reseller, distributor, MSP,
// referral, technology, agency, systems integrator, or a program's own),
// a Tier, a region and country, Contacts with roles (primary, billing,
// technical, incentive_payee, or a program's own), PaymentDetails,
// Documents with a kind, a review status and validity dates (agreement,
// NDA, tax form such as a W-9 or W-8BEN, bank details, insurance,
// certification), certified people and custom attributes. Validate returns
// every problem at once as a *ValidationError (errors.Is ErrInvalid).
//
// Dates without a time (document validity, registration expiry, grace
// periods) are Date values, read from an instant in that instant's own
// location; both ends of a validity are inclusive.
//
// # Payability
//
// CanBePaid (or CanBePaidOn for a Date) returns nil or a
// *PaymentBlockedError (errors.Is ErrPaymentBlocked) listing every
// blocker: missing or incomplete payment details, no approved tax form
// valid on the day (naming the closest one on file and its dates), or a
// state that holds payments (suspended, offboarded, rejected).
//
// # Lifecycle
//
// States: prospect -> onboarding -> active <-> suspended -> offboarding ->
// offboarded, with rejected for prospects and onboarding partners (who
// may apply again) and offboarding -> active to cancel an offboarding.
// Lifecycle.Transition applies the table and its guards: to active, the
// activation Requirements configured per partner type (documents valid on
// the day, a payee, a number of certified people, a complete onboarding
// plan when the caller gives one, a valid record); to offboarded, a Clearance from the ledger (no open
// claims, no balance either way, no MDF paid without proof); a reason for
// rejection, suspension and offboarding; an actor and a time in order. A
// failed guard is a *TransitionError (errors.Is ErrInvalidTransition)
// listing every unmet requirement. Every change is an Event (from, to,
// actor, time, reason) in Partner.History; StateAt and TierAt read the
// state and tier at any past instant from it.
//
// # Compliance
//
// Compliance computes, for a day read from an injected Clock, the notices
// a partner operations team sends or acts on: documents expiring within N
// days with nothing on file to take over, certifications about to lapse,
// partners whose payments are blocked, and active partners whose required
// documents lapsed (to suspend). Notices are data; the library sends
// nothing.
//
// # Deal registration
//
// A Registration names a customer (NormalizeName and NormalizeDomain make
// "Acme, Inc." at https://www.acme.com one customer), a product, an
// estimated amount and an expected close. A RegistrationPolicy submits,
// approves (for ValidityDays, counting the approval day) or rejects (with
// a reason) and extends registrations. Conflicts reports open
// registrations of the same customer (same product, or another product);
// Approve refuses a conflicting registration unless a manager overrides
// with a reason. MatchDeal finds the registration of a closed deal; its
// ID and ApprovedOn are what the incentive engine reads as
// Deal.Registration.
//
// # Tiers
//
// A TierPolicy lists tiers from the lowest up, each with criteria: named
// Conditions supplied from outside (package rules compiles them from
// `kind: TierPolicy` YAML; Threshold and ConditionFunc build them in Go).
// Evaluate recommends promote, demote or keep with every criterion's
// outcome and values; a demotion waits GraceDays from the first day below
// (Partner.TierBelowSince). Apply records the recommendation as a tier
// event.
//
// # Metrics
//
// ComputeMetrics works from plain inputs (partners with their history,
// DealFact and LeadFact values): time in each state, onboarding completion
// and time to activation, time to first deal, lead and opportunity
// conversion, closed-won deals, partner-sourced and partner-influenced
// revenue, unique transacting partners per period, and partners by type,
// tier, region and state. Rates are decimals at a stated scale.
//
// # Store
//
// Store keeps partners and registrations: one transaction per call, a
// params struct per method, optimistic concurrency by Version (ErrConflict),
// ErrNotFound, and an append-only history (ErrHistoryChanged). Update runs a
// read-modify-write with retries. NewMemoryStore is the in-memory
// implementation; package partnertest is the conformance suite every
// implementation runs.
package partner
