package ledger

import (
	"errors"
	"fmt"

	"github.com/partnerops/partnerops/incentive"
)

// Sentinel errors. Errors returned by the ledger and its stores wrap one of
// these (test with errors.Is); typed errors carry the data.
var (
	// ErrNotFound: no record with that ID or key.
	ErrNotFound = errors.New("not found")
	// ErrKeyExists: a Commit's idempotency key is already stored (a
	// *KeyExistsError carries the stored record).
	ErrKeyExists = errors.New("idempotency key already used")
	// ErrIdempotencyMismatch: a retry used a key already used for a
	// different request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrConflict: a record changed since it was read (optimistic
	// concurrency); the service retries.
	ErrConflict = errors.New("concurrent update")
	// ErrDuplicateClaim: the deal is already claimed under the program.
	ErrDuplicateClaim = errors.New("deal already claimed under this program")
	// ErrGuard: a guarded balance would fall below its minimum.
	ErrGuard = errors.New("balance guard")
	// ErrBudgetExceeded: a program budget would be overrun.
	ErrBudgetExceeded = errors.New("program budget exceeded")
	// ErrPartnerCapExceeded: a partner cap (per partner and period) would
	// be overrun, or has no room left for the claim.
	ErrPartnerCapExceeded = errors.New("partner cap exceeded")
	// ErrFundExceeded: an MDF fund would be overrun.
	ErrFundExceeded = errors.New("fund exceeded")
	// ErrIllegalTransition: the state change is not allowed from the
	// current state (a *TransitionError says which).
	ErrIllegalTransition = errors.New("illegal state transition")
	// ErrSelfApproval: a submitter tried to approve their own claim.
	ErrSelfApproval = errors.New("the submitter cannot approve their own claim")
	// ErrNotApprover: the actor may not approve the claim's current step.
	ErrNotApprover = errors.New("not an approver of this step")
	// ErrNotEligible: the engine found the deal not eligible.
	ErrNotEligible = errors.New("not eligible")
	// ErrNotClosed: the deal closes after the claim's day (in the
	// program's time zone): a deal is claimed once it has closed. Such a
	// submission is refused and stores nothing (it also matches
	// ErrInvalid), so that the same deal submitted again once it has
	// closed is recorded.
	ErrNotClosed = errors.New("deal not yet closed")
	// ErrClaimWindow: the claim came after the claim window closed.
	ErrClaimWindow = errors.New("claim window closed")
	// ErrProofLate: MDF proof of performance came after its deadline.
	ErrProofLate = errors.New("proof of performance past its deadline")
	// ErrNoProof: an MDF claim came without proof of performance.
	ErrNoProof = errors.New("no proof of performance")
	// ErrUnknownProgram: the program (version) is not registered.
	ErrUnknownProgram = errors.New("unknown program")
	// ErrChain: the hash chain does not verify (a *ChainError says where).
	ErrChain = errors.New("hash chain broken")
	// ErrUnbalanced: an entry's postings do not sum to zero per currency.
	ErrUnbalanced = errors.New("postings do not balance")
	// ErrInvalid: a parameter is missing or malformed.
	ErrInvalid = errors.New("invalid request")
)

// KeyExistsError is returned by Store.Commit when the idempotency key is
// already stored.
type KeyExistsError struct {
	Record IdempotencyRecord
}

// Error implements error.
func (e *KeyExistsError) Error() string {
	return fmt.Sprintf("idempotency key %q already used", e.Record.Key)
}

// Unwrap returns ErrKeyExists.
func (e *KeyExistsError) Unwrap() error { return ErrKeyExists }

// DuplicateClaimError names the claim that already holds a dedupe key.
type DuplicateClaimError struct {
	Key string
	// Existing is the ID of the claim holding the key.
	Existing string
}

// Error implements error.
func (e *DuplicateClaimError) Error() string {
	return fmt.Sprintf("%s: %q is held by claim %s", ErrDuplicateClaim, e.Key, e.Existing)
}

// Unwrap returns ErrDuplicateClaim.
func (e *DuplicateClaimError) Unwrap() error { return ErrDuplicateClaim }

// GuardError says which guarded balance would fall below its minimum.
type GuardError struct {
	Account Account
	// Balance is what the balance would have been; Min the guard.
	Balance incentive.Money
	Min     incentive.Money
}

// Error implements error.
func (e *GuardError) Error() string {
	return fmt.Sprintf("%s: %s would be %s, below %s", e.what(), e.Account, e.Balance, e.Min)
}

func (e *GuardError) what() error {
	info, err := e.Account.Parse()
	switch {
	case err != nil:
	case info.Scope == "program" && info.Kind == "budget":
		return ErrBudgetExceeded
	case info.Scope == "fund":
		return ErrFundExceeded
	case info.Scope == "cap":
		return ErrPartnerCapExceeded
	}
	return ErrGuard
}

// Unwrap returns ErrGuard and, for a budget, fund or partner cap account,
// ErrBudgetExceeded, ErrFundExceeded or ErrPartnerCapExceeded.
func (e *GuardError) Unwrap() []error {
	if w := e.what(); w != ErrGuard {
		return []error{ErrGuard, w}
	}
	return []error{ErrGuard}
}

// TransitionError is an illegal state change.
type TransitionError struct {
	Subject string
	From    string
	To      string
	// Why says what stands in the way when the states alone do not (a
	// clawback of a claim with nothing left to take back, a payable claim
	// in a payout batch); empty when the move is never allowed.
	Why string
}

// Error implements error.
func (e *TransitionError) Error() string {
	msg := fmt.Sprintf("%s: %s cannot go from %s to %s", ErrIllegalTransition, e.Subject, e.From, e.To)
	if e.Why != "" {
		msg += ": " + e.Why
	}
	return msg
}

// Unwrap returns ErrIllegalTransition.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// ChainError locates a break in the hash chain.
type ChainError struct {
	Seq    int64
	Reason string
}

// Error implements error.
func (e *ChainError) Error() string {
	return fmt.Sprintf("%s at entry %d: %s", ErrChain, e.Seq, e.Reason)
}

// Unwrap returns ErrChain.
func (e *ChainError) Unwrap() error { return ErrChain }
