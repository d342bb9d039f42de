// Package ledger administers incentive programs over time: claims,
// approvals, MDF funds, payment runs and clawbacks, recorded on an
// append-only, double-entry, hash-chained ledger.
//
// # Model
//
// Every movement of money is an Entry whose Postings move amounts between
// Accounts and sum to zero per currency. Entries are never changed or
// deleted: a clawback is a new entry that names the entry it offsets
// (Entry.Reverses). Each entry's Hash is the SHA-256 of its canonical
// encoding, which includes the previous entry's hash, so VerifyChain detects
// a changed, removed or inserted entry. Balances, statements and reports are
// sums of postings; nothing else holds an amount.
//
// Accounts (see Account) are per program (funding, budget), per partner
// bucket (partner, payee, program: accrued, held, payable, withheld,
// batched, paid, clawed_back) and per MDF fund (source, available,
// reserved, expired).
//
// # Stores
//
// A Store persists entries and the current state of claims, funds, fund
// requests and batches. It is deliberately thin: one Commit per operation,
// atomic, guarded (idempotency key, record versions, one claim per deal
// and program, budget and fund balances never below zero). Package memstore
// is the in-memory Store; package ledgertest is the conformance suite every
// Store must pass.
package ledger
