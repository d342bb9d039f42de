package ledger

import (
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// EntryKind says what an entry records.
type EntryKind string

// Entry kinds.
const (
	// EntryBudget funds a program budget.
	EntryBudget EntryKind = "budget"
	// EntryAccrual commits budget to a submitted claim.
	EntryAccrual EntryKind = "accrual"
	// EntryRelease returns a rejected, withdrawn, expired or voided claim's
	// commitment to the budget.
	EntryRelease EntryKind = "release"
	// EntryApproval moves an approved claim to held or payable.
	EntryApproval EntryKind = "approval"
	// EntryHoldEnd moves a held earning to payable after its hold.
	EntryHoldEnd EntryKind = "hold_end"
	// EntryBatch moves payable amounts into a payment batch, recovering
	// withheld balances first.
	EntryBatch EntryKind = "batch"
	// EntryPayment marks a batch line paid.
	EntryPayment EntryKind = "payment"
	// EntryClawback takes back a paid earning.
	EntryClawback EntryKind = "clawback"
	// EntryAllocation allocates an MDF fund.
	EntryAllocation EntryKind = "allocation"
	// EntryReservation reserves MDF funds for an approved fund request (or
	// releases them, negative).
	EntryReservation EntryKind = "reservation"
	// EntryReimbursement moves reserved MDF funds to a partner bucket.
	EntryReimbursement EntryKind = "reimbursement"
	// EntryFundExpiry expires unspent MDF funds at the end of the period.
	EntryFundExpiry EntryKind = "fund_expiry"
)

// EntryKinds lists the entry kinds.
func EntryKinds() []EntryKind {
	return []EntryKind{EntryBudget, EntryAccrual, EntryRelease, EntryApproval, EntryHoldEnd, EntryBatch,
		EntryPayment, EntryClawback, EntryAllocation, EntryReservation, EntryReimbursement, EntryFundExpiry}
}

// Posting moves Amount into Account (negative: out of it). The postings of
// an entry sum to zero per currency.
type Posting struct {
	Account Account               `json:"account"`
	Amount  incentive.Money       `json:"amount"`
	Type    incentive.EarningType `json:"type,omitempty"`
}

// Entry is one append-only, hash-chained ledger record.
type Entry struct {
	// Seq is the entry's position in the chain (from 1), set by Seal.
	Seq int64 `json:"seq"`
	// ID is unique (service-generated).
	ID   string    `json:"id"`
	Kind EntryKind `json:"kind"`
	// Time is when the entry was recorded (service clock, UTC, whole
	// microseconds so that SQL timestamps round-trip exactly).
	Time time.Time `json:"time"`
	// Effective is the business date the entry counts on (balances "as of
	// a date" read it).
	Effective incentive.Date `json:"effective"`
	// Program is the program id, version and content hash.
	Program incentive.ProgramRef `json:"program"`
	Partner string               `json:"partner,omitempty"`
	Payee   string               `json:"payee,omitempty"`
	// Claim, Fund, Request and Batch link the entry to what it moves.
	Claim   string `json:"claim,omitempty"`
	Fund    string `json:"fund,omitempty"`
	Request string `json:"request,omitempty"`
	Batch   string `json:"batch,omitempty"`
	// Reverses is the ID of the entry this one offsets (a clawback names
	// the approval it takes back).
	Reverses string    `json:"reverses,omitempty"`
	Actor    string    `json:"actor"`
	Reason   string    `json:"reason,omitempty"`
	Postings []Posting `json:"postings"`
	// Pay is the payment-currency side of the entry, with the rate used
	// (nil when the payee is paid in the program currency, and on entries
	// of no payee: budgets, funds). A claim's entries (accrual, approval,
	// hold end, release, clawback) convert the claim's amount they move at
	// the rate recorded when the claim was accepted (Claim.PayRate); a
	// payment entry at the rate of its payment date (MarkPaidParams).
	Pay *incentive.Conversion `json:"pay,omitempty"`
	// PrevHash and Hash chain the entries (see Seal).
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// State is a claim's state.
type State string

// Claim states.
const (
	Submitted       State = "submitted"
	PendingApproval State = "pending_approval"
	Approved        State = "approved"
	Rejected        State = "rejected"
	HeldState       State = "held"
	PayableState    State = "payable"
	PaidState       State = "paid"
	ClawedBackState State = "clawed_back"
	Expired         State = "expired"
	Withdrawn       State = "withdrawn"
)

// States lists the claim states.
func States() []State {
	return []State{Submitted, PendingApproval, Approved, Rejected, HeldState, PayableState, PaidState,
		ClawedBackState, Expired, Withdrawn}
}

// ClaimKind says what a claim asks to be paid.
type ClaimKind string

// Claim kinds.
const (
	// EarningClaim claims what a deal earns under a program.
	EarningClaim ClaimKind = "earning"
	// MDFClaim claims reimbursement of an approved fund request.
	MDFClaim ClaimKind = "mdf"
)

// ClaimKinds lists the claim kinds.
func ClaimKinds() []ClaimKind { return []ClaimKind{EarningClaim, MDFClaim} }

// ClaimLine is one earning line of a claim.
type ClaimLine struct {
	Earning string                `json:"earning"`
	Type    incentive.EarningType `json:"type"`
	Amount  incentive.Money       `json:"amount"`
}

// Exception routes a claim outside the rules to a named approver, with a
// required justification, instead of rejecting it. It covers the
// rejections a finance team settles case by case:
//   - a late claim (after its claim window);
//   - a deal that is not eligible (a registration that lapsed, a tier
//     missed by days): the engine pays nothing for it, so the exception
//     states the Amount asked for (and its earning Type);
//   - a claim over the remaining program budget: the part the budget
//     cannot cover is taken from the program's overrun account
//     (ProgramOverrun), so the budget itself is never overdrawn and the
//     overrun is reported. When the program's terms have a budget cap,
//     the claim is evaluated as if none of the budget were spent (its
//     stored input says so), so the cap cuts it only where it exceeds the
//     whole budget;
//   - an MDF claim without proof of performance, or after its proof
//     deadline while the fund request still holds its reservation
//     (ClaimFunds).
//
// A duplicate of a deal already claimed is never an exception. The
// exception's approver may not be the submitter, and only they approve it.
type Exception struct {
	Approver      string `json:"approver"`
	Justification string `json:"justification"`
	// Amount is what a claim for a deal that is not eligible asks for, in
	// the program currency and on its minor unit; it is ignored when the
	// deal is eligible (the engine's amount stands).
	Amount *incentive.Money `json:"amount,omitempty"`
	// Type is the earning type of Amount, one of incentive.EarningTypes
	// (ErrInvalid otherwise); empty: the type of the program's first
	// earning.
	Type incentive.EarningType `json:"type,omitempty"`
	// Overrides lists, as recorded by the ledger, the rejections the
	// exception set aside, with their figures and dates.
	Overrides []string `json:"overrides,omitempty"`
}

// ApprovalStep is one approval a claim needs, in order.
type ApprovalStep struct {
	// Role is the approving role ("manager", "finance") or, for an
	// exception, "exception".
	Role string `json:"role"`
	// Approver, when set, is the only person who may approve this step.
	Approver string `json:"approver,omitempty"`
	// By and At are set once the step is approved.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// Document is a proof-of-performance document attached to an MDF claim.
type Document struct {
	Name string `json:"name"`
	// Ref locates the document in the caller's document store.
	Ref string `json:"ref"`
}

// Claim is the current state of one claim. Its history is its events and
// entries.
type Claim struct {
	ID      string    `json:"id"`
	Version int64     `json:"version"`
	Kind    ClaimKind `json:"kind"`
	// Program is the exact program version the claim was evaluated under.
	Program incentive.ProgramRef `json:"program"`
	Partner string               `json:"partner"`
	Payee   string               `json:"payee"`
	// Deal is the claimed deal (earning claims).
	Deal string `json:"deal,omitempty"`
	// DedupeKey, when not empty, is unique among stored claims: it is
	// "<program>|<deal>" while the claim holds the deal, and empty once
	// the claim is rejected, withdrawn or expired.
	DedupeKey string `json:"dedupe_key,omitempty"`
	State     State  `json:"state"`
	// Amount is what the claim pays when approved, in program currency.
	Amount incentive.Money `json:"amount"`
	Lines  []ClaimLine     `json:"lines,omitempty"`
	// Type is the claim's earning type (the first line's, or mdf).
	Type incentive.EarningType `json:"type"`
	// Payout is the payout bucket the claim is paid from (the one of its
	// Type in the program's Buckets; "" the default bucket), fixed when
	// the claim is made.
	Payout      string    `json:"payout,omitempty"`
	SubmittedBy string    `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
	// CloseDate is the deal's close date (or the MDF activity's end) in
	// the program's time zone; ClaimBy the last day to claim.
	CloseDate incentive.Date `json:"close_date"`
	ClaimBy   incentive.Date `json:"claim_by,omitzero"`
	Exception *Exception     `json:"exception,omitempty"`
	// Steps are the approvals the claim needs; all approved means approved.
	Steps []ApprovalStep `json:"steps,omitempty"`
	// HoldUntil is the last day of the hold; payable the day after.
	HoldUntil incentive.Date `json:"hold_until,omitzero"`
	// Paid is what has been paid on this claim; ClawedBack what was
	// taken back of it.
	Paid       incentive.Money `json:"paid"`
	ClawedBack incentive.Money `json:"clawed_back"`
	// Batch is the payment batch that paid the claim.
	Batch string `json:"batch,omitempty"`
	// Caps are the partner cap source accounts (CapAccount, CapSource) the
	// claim's amount was taken from when it was accepted; the claim gives
	// the room back when it is rejected, withdrawn, expired or clawed back.
	Caps []Account `json:"caps,omitempty"`
	// Overrun is the part of the claim's amount taken from the program's
	// overrun account, beyond the budget, by an exception (zero
	// otherwise); releasing the claim returns it there.
	Overrun incentive.Money `json:"overrun,omitzero"`
	// PayCurrency is the payee's payment currency when it is not the
	// program's, and PayRate the rate (program -> payment currency) used
	// for the claim's entries, taken on the day the claim was accepted.
	PayCurrency incentive.Currency `json:"pay_currency,omitempty"`
	PayRate     *incentive.Rate    `json:"pay_rate,omitempty"`
	// ApprovalEntry is the ID of the entry that approved the claim.
	ApprovalEntry string `json:"approval_entry,omitempty"`
	// MDF claims: the fund, the fund request, actual cost and proof.
	Fund       string          `json:"fund,omitempty"`
	Request    string          `json:"request,omitempty"`
	ActualCost incentive.Money `json:"actual_cost,omitzero"`
	Proof      []Document      `json:"proof,omitempty"`
	// Reason is the reason of the last state change.
	Reason string `json:"reason,omitempty"`
	// Input is the evaluated deal and partner, encoded by the service, so
	// that the accrual can be replayed against the exact program version.
	Input []byte `json:"input,omitempty"`
}

// Event is one state change of a claim, fund, fund request or batch.
type Event struct {
	Subject string    `json:"subject"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Actor   string    `json:"actor"`
	Time    time.Time `json:"time"`
	Reason  string    `json:"reason,omitempty"`
}

// FundState is an MDF fund's state.
type FundState string

// Fund states.
const (
	FundOpen   FundState = "open"
	FundClosed FundState = "closed"
)

// FundStates lists the fund states.
func FundStates() []FundState { return []FundState{FundOpen, FundClosed} }

// Fund is an MDF allocation to one partner for one period.
type Fund struct {
	ID      string               `json:"id"`
	Version int64                `json:"version"`
	Program incentive.ProgramRef `json:"program"`
	Partner string               `json:"partner"`
	Payee   string               `json:"payee"`
	// From and To are the period, both inclusive; unspent funds expire
	// after To.
	From incentive.Date `json:"from"`
	To   incentive.Date `json:"to"`
	// Allocated is the fund's amount.
	Allocated incentive.Money `json:"allocated"`
	// Share is the part of actual cost reimbursed (0.5 pays half).
	Share decimal.Decimal `json:"share"`
	// ProofDays is how many days after an activity ends its proof is due.
	ProofDays int       `json:"proof_days"`
	State     FundState `json:"state"`
}

// RequestState is a fund request's state.
type RequestState string

// Fund request states.
const (
	RequestSubmitted RequestState = "submitted"
	RequestApproved  RequestState = "approved"
	RequestRejected  RequestState = "rejected"
	RequestClaimed   RequestState = "claimed"
	RequestExpired   RequestState = "expired"
)

// RequestStates lists the fund request states.
func RequestStates() []RequestState {
	return []RequestState{RequestSubmitted, RequestApproved, RequestRejected, RequestClaimed, RequestExpired}
}

// FundRequest asks to pre-approve an MDF activity.
type FundRequest struct {
	ID          string          `json:"id"`
	Version     int64           `json:"version"`
	Fund        string          `json:"fund"`
	Partner     string          `json:"partner"`
	Activity    string          `json:"activity"`
	PlannedCost incentive.Money `json:"planned_cost"`
	// Approved is the amount reserved for the activity.
	Approved    incentive.Money `json:"approved"`
	ActivityEnd incentive.Date  `json:"activity_end"`
	// ProofDue is the last day to claim with proof.
	ProofDue    incentive.Date `json:"proof_due"`
	State       RequestState   `json:"state"`
	SubmittedBy string         `json:"submitted_by"`
	Claim       string         `json:"claim,omitempty"`
}

// BatchState is a payment batch's state.
type BatchState string

// Batch states.
const (
	BatchOpen BatchState = "open"
	BatchPaid BatchState = "paid"
)

// BatchStates lists the batch states.
func BatchStates() []BatchState { return []BatchState{BatchOpen, BatchPaid} }

// BatchLine is one payee's payment in a batch.
type BatchLine struct {
	Bucket Bucket `json:"bucket"`
	// Payable is what the bucket had payable; Recovered the part of it
	// that repaid a withheld balance; Net what is paid.
	Payable   incentive.Money `json:"payable"`
	Recovered incentive.Money `json:"recovered"`
	Net       incentive.Money `json:"net"`
	// Method is the partner's payment method when the program has terms
	// for it (RunPaymentsParams.Method); Fee the method's fee, deducted
	// from Net, and Sent = Net - Fee, what the payment sends. Fee and Sent
	// are zero when the method charges no fee: the payment sends Net. Net
	// is what leaves the bucket's payable balance either way.
	Method partner.PaymentMethod `json:"method,omitempty"`
	Fee    incentive.Money       `json:"fee,omitzero"`
	Sent   incentive.Money       `json:"sent,omitzero"`
	Claims []string              `json:"claims"`
	// Reference is the payment reference recorded when marked paid.
	Reference string `json:"reference,omitempty"`
}

// BlockedLine is a bucket a payment run could not pay, with the reason.
type BlockedLine struct {
	Bucket Bucket          `json:"bucket"`
	Amount incentive.Money `json:"amount"`
	Reason string          `json:"reason"`
}

// Batch is one payment run.
type Batch struct {
	ID      string         `json:"id"`
	Version int64          `json:"version"`
	AsOf    incentive.Date `json:"as_of"`
	State   BatchState     `json:"state"`
	Lines   []BatchLine    `json:"lines"`
	// Blocked are payable buckets left out (payee gate, withheld balance,
	// minimum payout), with the reason.
	Blocked   []BlockedLine `json:"blocked,omitempty"`
	CreatedBy string        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
	PaidBy    string        `json:"paid_by,omitempty"`
	PaidAt    time.Time     `json:"paid_at,omitzero"`
}
