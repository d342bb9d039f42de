// The Store interface in this file is what every ledger backend implements:
// the memory store (package memstore) and the SQL stores (sqlitestore,
// pgstore). Package ledgertest holds the conformance suite each of them must
// pass unchanged (ledgertest.Run).
//
// Design rules for implementations:
//   - One method call is one transaction. Commit is the only writing method:
//     it applies everything in its CommitParams atomically or nothing at all.
//   - Stores hold no business logic. They check exactly the conditions listed
//     on CommitParams (idempotency key, record versions, unique claim dedupe
//     keys, balance guards, the chain head) and persist what they are given.
//   - Amounts are exact decimals (incentive.Money); a SQL store keeps them as
//     NUMERIC or as decimal text, never as floating point.
//   - Entries are sealed (sequence number, previous hash, hash) inside the
//     transaction with Seal, after the store has locked the chain head, so
//     the chain is the same whichever process commits.
//   - Balance guards must hold under concurrent commits from many processes
//     (a SQL store locks the guarded account rows, e.g. SELECT ... FOR UPDATE
//     on a per-account balance row kept in the same transaction).
//   - Everything an entry's hash covers must read back exactly: field
//     values, the order of postings, the payment conversion, and times to
//     the microsecond (ChainTime). Amounts may come back with another
//     exponent (240.00 as 240): the hash normalises them.
//   - A claim's DedupeKey is unique among non-empty keys (a partial unique
//     index); a claim that changes its key releases the old one in the
//     same commit.

package ledger

import (
	"context"
	"time"

	"github.com/partnerops/partnerops/incentive"
)

// Store persists the ledger: entries (append-only, hash-chained), the
// current state of claims, funds, fund requests and payment batches (each
// versioned for optimistic concurrency), their events, and idempotency
// records. All methods are safe for concurrent use.
//
// Read methods return ErrNotFound (wrapped) for a missing single record, and
// an empty slice, never an error, for a list that matches nothing.
type Store interface {
	// Commit applies one operation atomically. In order, under one
	// transaction, it:
	//  1. returns an error wrapping ErrKeyExists (a *KeyExistsError with the
	//     stored record) when p.Idempotency is set and its key is stored;
	//  2. checks every write's ExpectVersion (0: the record must not exist;
	//     n: the stored version must be n) and returns ErrConflict on a
	//     mismatch, a missing record included; a written record's stored
	//     Version is ExpectVersion+1 (the Version field given is ignored);
	//  3. returns ErrDuplicateClaim (a *DuplicateClaimError) when a written
	//     claim's non-empty DedupeKey is held by another stored claim;
	//  4. appends p.Entries sealed with Seal after the current head, and
	//     returns an error wrapping ErrGuard (a *GuardError) when, after the
	//     postings, the balance of a guarded account in the guard's currency
	//     is below the guard's Min;
	//  5. stores the writes, the events and the idempotency record.
	// It returns ErrUnbalanced, before anything else, when an entry's
	// postings do not sum to zero per currency. On any error nothing is
	// stored. Times are returned in UTC.
	Commit(ctx context.Context, p CommitParams) (CommitResult, error)

	// Head returns the last sealed entry's sequence number and hash (the
	// zero Head for an empty ledger).
	Head(ctx context.Context, p HeadParams) (Head, error)
	// Entries returns entries in sequence order, filtered by p.
	Entries(ctx context.Context, p EntriesParams) ([]Entry, error)
	// Balances sums postings per account and currency, filtered by p,
	// sorted by account then currency. Accounts whose sum is zero are
	// included when they have postings.
	Balances(ctx context.Context, p BalancesParams) ([]Balance, error)

	// Idempotency returns the record stored under p.Key (ErrNotFound when
	// there is none).
	Idempotency(ctx context.Context, p IdempotencyParams) (IdempotencyRecord, error)

	// Claim returns one claim by ID.
	Claim(ctx context.Context, p ClaimParams) (Claim, error)
	// Claims lists claims filtered by p, sorted by ID.
	Claims(ctx context.Context, p ClaimsParams) ([]Claim, error)
	// Events lists the events of one subject (or all, with an empty
	// Subject) in the order they were committed.
	Events(ctx context.Context, p EventsParams) ([]Event, error)

	// Fund returns one MDF fund by ID.
	Fund(ctx context.Context, p FundParams) (Fund, error)
	// Funds lists funds filtered by p, sorted by ID.
	Funds(ctx context.Context, p FundsParams) ([]Fund, error)
	// FundRequest returns one fund request by ID.
	FundRequest(ctx context.Context, p FundRequestParams) (FundRequest, error)
	// FundRequests lists fund requests filtered by p, sorted by ID.
	FundRequests(ctx context.Context, p FundRequestsParams) ([]FundRequest, error)

	// Batch returns one payment batch by ID.
	Batch(ctx context.Context, p BatchParams) (Batch, error)
	// Batches lists payment batches filtered by p, sorted by ID.
	Batches(ctx context.Context, p BatchesParams) ([]Batch, error)
}

// CommitParams is one atomic operation.
type CommitParams struct {
	// Idempotency, when set, is stored with the operation; a second Commit
	// with the same key fails with ErrKeyExists and stores nothing.
	Idempotency *IdempotencyRecord
	// Entries are appended in order. Their Seq, PrevHash and Hash are set
	// by the store with Seal; everything else is as given.
	Entries []Entry
	// Guards are checked after the entries' postings are applied.
	Guards []Guard
	// Claims, Funds, FundRequests and Batches are inserted or updated.
	Claims       []ClaimWrite
	Funds        []FundWrite
	FundRequests []FundRequestWrite
	Batches      []BatchWrite
	// Events are appended in order.
	Events []Event
}

// CommitResult is what Commit stored.
type CommitResult struct {
	// Entries are the sealed entries, in order.
	Entries []Entry
	// Head is the chain head after the commit.
	Head Head
}

// Guard requires that an account's balance in a currency is at least Min
// after a commit's postings (for a program budget or an MDF fund: zero).
type Guard struct {
	Account Account
	Min     incentive.Money
}

// ClaimWrite inserts (ExpectVersion 0) or updates a claim.
type ClaimWrite struct {
	Claim         Claim
	ExpectVersion int64
}

// FundWrite inserts (ExpectVersion 0) or updates a fund.
type FundWrite struct {
	Fund          Fund
	ExpectVersion int64
}

// FundRequestWrite inserts (ExpectVersion 0) or updates a fund request.
type FundRequestWrite struct {
	Request       FundRequest
	ExpectVersion int64
}

// BatchWrite inserts (ExpectVersion 0) or updates a payment batch.
type BatchWrite struct {
	Batch         Batch
	ExpectVersion int64
}

// IdempotencyRecord remembers one operation by its caller-chosen key.
type IdempotencyRecord struct {
	// Key is unique per store.
	Key string
	// RequestHash is the hex SHA-256 of the request's canonical form; a
	// retry with the same key and another hash is an error.
	RequestHash string
	// Outcome is the operation's result as the service encoded it (JSON).
	Outcome []byte
	// Time is when the operation was committed (service clock).
	Time time.Time
}

// Head is the end of the hash chain.
type Head struct {
	Seq  int64
	Hash string
}

// HeadParams selects nothing today; it exists so the method can grow.
type HeadParams struct{}

// EntriesParams filters Entries. Zero fields do not filter.
type EntriesParams struct {
	// AfterSeq returns entries with Seq > AfterSeq.
	AfterSeq int64
	// Limit caps the number returned; 0 means no limit.
	Limit int
	// Partner, Program, Claim, Fund and Batch match the entry's fields.
	Partner string
	Program string
	Claim   string
	Fund    string
	Batch   string
}

// BalancesParams filters Balances. Zero fields do not filter.
type BalancesParams struct {
	// Prefix keeps accounts starting with it (see Account).
	Prefix Account
	// Through keeps entries whose Effective date is on or before it.
	Through incentive.Date
}

// Balance is the sum of an account's postings in one currency.
type Balance struct {
	Account Account
	Amount  incentive.Money
}

// IdempotencyParams names an idempotency key.
type IdempotencyParams struct{ Key string }

// ClaimParams names a claim.
type ClaimParams struct{ ID string }

// ClaimsParams filters Claims. Zero fields do not filter.
type ClaimsParams struct {
	Program string
	Partner string
	Deal    string
	// States keeps claims in any of these states.
	States []State
	// Batch keeps claims paid in this batch.
	Batch string
}

// EventsParams filters Events.
type EventsParams struct {
	// Subject is a claim, fund, fund request or batch ID.
	Subject string
}

// FundParams names a fund.
type FundParams struct{ ID string }

// FundsParams filters Funds. Zero fields do not filter.
type FundsParams struct {
	Partner string
	Program string
}

// FundRequestParams names a fund request.
type FundRequestParams struct{ ID string }

// FundRequestsParams filters FundRequests. Zero fields do not filter.
type FundRequestsParams struct {
	Fund    string
	Partner string
}

// BatchParams names a payment batch.
type BatchParams struct{ ID string }

// BatchesParams filters Batches; zero fields do not filter.
type BatchesParams struct {
	States []BatchState
}
