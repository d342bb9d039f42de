// Package ledger administers incentive programs over time: claims,
// approvals, MDF funds, payment runs and clawbacks, recorded on an
// append-only, double-entry, hash-chained ledger.
//
// The engine (package incentive) computes what a deal earns; a Ledger keeps
// what was claimed, approved, held, paid and taken back, so that nothing is
// paid twice, budgets and funds are never overrun, and every figure can be
// explained and replayed.
//
// # Entries and accounts
//
// Every movement of money is an Entry whose Postings move amounts between
// Accounts and sum to zero per currency. Entries are never changed or
// deleted: a clawback is a new entry that names the entry it offsets
// (Entry.Reverses). Each entry carries the program id, version and content
// hash, the partner and payee, the earning type of each posting, the actor,
// the time and the business date it counts on, and, for payments in another
// currency, the converted amount with the rate used.
//
// Entry.Hash is the SHA-256 of the entry's canonical encoding, which
// includes the previous entry's hash, so VerifyChain detects a changed,
// removed or inserted entry. Balances, statements and reports are sums of
// postings; nothing else holds an amount.
//
// The chain cannot tell on its own that entries were removed from its end:
// a shorter chain still verifies. Checkpoint returns an Anchor (the number
// of entries and the last hash) for the caller to keep outside the store;
// Verify with anchors then reports a truncated chain (ErrChainTruncated) or
// a tail written again (ErrChain).
//
// Accounts (see Account) are per program (funding, budget), per partner
// bucket — a partner, a payee and a program — (accrued, held, payable,
// withheld, batched, paid, clawed_back), per MDF fund (source,
// available, reserved, expired) and per partner cap, partner and period
// (source, used: see CapKind).
//
// # Claims
//
// Submit evaluates a deal with the program's Evaluator. A claim that is not
// eligible, earns nothing, duplicates a deal already claimed under the
// program, exceeds the remaining budget or comes after its claim window is
// stored as rejected and returned with a *RejectedError whose reason gives
// the figures and dates (errors.Is finds ErrNotEligible, ErrNothingEarned,
// ErrDuplicateClaim, ErrBudgetExceeded, ErrPartnerCapExceeded or
// ErrClaimWindow). A late claim, a deal that is not eligible (with the
// amount asked for) or a claim over the remaining budget (the excess drawn
// from the program's overrun account, never from the budget) may instead
// be routed as an exception to a named approver with a justification (see
// Exception). Every submission carries an idempotency key: a retry with
// the same request returns the first outcome, another request under the
// same key fails with ErrIdempotencyMismatch. A deal is claimed once it
// has closed: a deal whose close day (in the program's time zone) is after
// the clock's day there is refused with ErrNotClosed (and ErrInvalid),
// storing nothing, so that it is claimed when submitted again once closed
// (a retry of a submission already decided returns its first outcome, as
// any retry does). A claim has one payee and is
// paid as recorded: a deal whose payout the program splits with another
// partner (Program.Split), a claim finer than the currency's minor unit
// (a program rounding only at the statement stage) and a credit note
// (claw back from the credited deal's claim instead) are refused with
// ErrInvalid, storing nothing.
//
// A claim's period totals (volume bands, period.* terms, the partner caps)
// start from the partner's earlier claims in the period, as a run over the
// deals in close order would: the deals of live claims; an eligible deal
// Submit rejected (late, over the budget or a cap, earning nothing) or
// whose exception its approver refused counts in the deal amount, earning
// nothing, unless the program's expired earnings use up the caps and the
// budget (claims: {expired_uses_caps: true}), where a late one's amount
// counts there too; a claim an approver rejected, withdrawn or expired
// counts nothing.
//
// An accepted claim commits its amount from the budget (accrued) and waits
// for the approvals its program's ApprovalPolicy requires — by amount and
// earning type, auto-approved below a threshold, a manager, then finance
// above a second threshold; each step by a different person, never the
// submitter (ErrSelfApproval, ErrNotApprover). Approved, it is held through
// its hold (a refund window per earning type, counted from the close date)
// and then payable. States and their legal changes:
//
//	submitted        -> pending_approval, rejected
//	pending_approval -> approved, rejected, withdrawn, expired, clawed_back
//	approved         -> held, payable
//	held             -> payable, clawed_back
//	payable          -> paid, clawed_back
//	paid             -> clawed_back
//	clawed_back      -> clawed_back (a further partial clawback)
//
// Any other change is a *TransitionError (ErrIllegalTransition). Every
// change is an Event with the actor, the time and the reason. A change
// dated (by Config.Clock) on a day before the claim's submission, in the
// program's time zone, is refused with ErrInvalid: it would move the
// claim's money before it was accrued. So is a payment run
// (RunPayments) dated, by its date and the clock, before a claim it
// would pay was submitted or approved, and a clawback dated before the
// payment it takes back (the day the batch's entries count: its AsOf, or
// later for a run dated before the day it ran or a MarkPaid On after it),
// or a void (a clawback before payment) dated before the approval or the
// hold's release that made the claim held or payable.
//
// ClawBack before payment voids the claim (its amount returns to the
// budget); after payment it takes back at most what was paid and not yet
// taken back, into the bucket's withheld (negative) balance, which later
// payment runs recover before paying anything.
//
// # Payment runs
//
// RunPayments gathers, as of a date, what is payable per bucket: holds that
// ended are released first; a withheld balance is recovered first; what
// remains is paid when it reaches the bucket's minimum payout, else carried
// over. A program's payout buckets (incentive.Program.Buckets, YAML
// payouts:, named groups of earning types with their own minimum) split a
// partner's earnings under it, so a threshold is reached, and a withheld
// balance recovered, per payout bucket. A claim is paid whole from one
// bucket, that of its earning type (Claim.Payout, from Claim.Type: its first
// paying line's): a deal earning types of several buckets (a rebate and an
// MDF accrual) is paid from its first paying line's bucket, under that bucket's
// minimum, where a run's statement (incentive.StatementBuilder) shares its
// lines between their buckets; `partnerops ledger accrue` warns of such
// deals. A payee gate (Config.PayeeGate: a missing payee contact, an expired
// tax document) blocks a bucket. Blocked amounts are listed with the reason.
// The batch ID is the run's idempotency key, so running it again pays
// nothing twice; MarkPaid records references and is a no-op the second
// time.
//
// # MDF funds
//
// AllocateFund allocates a fund to a partner for a period; RequestFunds and
// ApproveFundRequest pre-approve an activity and reserve its amount;
// ClaimFunds reimburses the actual cost times the fund's share, capped at the
// approved amount, with proof of performance due a number of days after the
// activity (ErrNoProof, ErrProofLate); ExpireFunds returns lapsed
// reservations and expires unspent funds after the period; FundBalance gives
// a fund's position on any date; UnprovenMDF lists MDF paid without proof.
//
// # Reports, notices, replay, audit
//
// Statement (per partner, payee and program, with earnings by type),
// Outcome and Budget (spend against budget, accrued against actual, claim
// rate, days from close to payment, spend per revenue) derive from the
// entries. Notices lists, as data, what is due soon: claim windows, holds,
// funds, proof deadlines, blocked payments. Replay verifies the chain,
// rebuilds every balance and re-evaluates every accrual against the exact
// program version by hash. ExportCSV and ExportJSON list every entry with its
// chain of events.
//
// # Stores and concurrency
//
// A Store persists entries and the current state of claims, funds, fund
// requests and batches. It is deliberately thin: one Commit per operation,
// atomic, guarded by the idempotency key, record versions (optimistic
// concurrency), one claim per deal and program, and balance guards that keep
// budgets and funds from going below zero under concurrent commits. The
// Ledger retries an operation whose records changed underneath it.
// A partner cap is guarded the same way as a budget: each accepted earning
// claim moves its amount between the cap's source and used accounts for
// the partner and period, and the guard keeps the source at or above minus
// the limit, so concurrent claims (in one process or many) never together
// exceed it; the engine starts from the used balance, and a claim that
// lost the race is evaluated again with the room that is left.
// Package memstore is the in-memory Store; package ledgertest is the
// conformance suite every Store must pass, including the scenarios above.
//
// The Ledger needs an injected clock (Config.Clock) and, across processes,
// an ID generator (Config.NewID); it never reads the system clock.
package ledger
