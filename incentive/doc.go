// Package incentive is the heart of partnerops: exact money, the model of
// an incentive program, and an engine that turns program terms and deals
// into explained earnings and statements.
//
// # Money
//
// Money is a decimal amount (github.com/shopspring/decimal) with an ISO
// 4217 currency. It is built from text, integers or minor units, never from
// a float. Arithmetic that mixes currencies fails with ErrCurrencyMismatch.
// Rounding names its mode (RoundingMode: half_up, half_even, half_down, up,
// down, ceiling, floor) and its places. Division always states its
// precision; no package-level setting is read or changed. Allocate and
// Split hand out remainders deterministically so the parts always sum to
// the whole. Convert uses rates the caller supplies (RateTable) and records
// the rate it used.
//
// # Programs
//
// A Program is the complete terms of one program: its id, version and
// content hash; currency; an effective Window of close dates in a time zone
// with stated inclusive ends; named eligibility Clauses; Earnings lines with
// optional conditions and an amount Formula or a BandTable; Groups that pick
// the highest or first line instead of adding lines up; Caps by scope; a
// Rounding mode, scale and stage; a minimum payout; a claim window; and the
// payee. Package rules compiles YAML into a Program; the same Program can be
// built in Go with ConditionFunc, FormulaFunc and the small helpers (In,
// Equals, AtLeast, All, Any, Not, RateOf, Const).
//
// # Semantics that are stated, never implied
//
//   - Amounts are exact decimals; a deal in another currency is converted
//     with a caller-supplied rate before anything else (a RateTable answers
//     the rate whose validity period holds the close date, else the latest
//     as of it). The converted amount stays exact: the program's rounding
//     rounds once, and the explanation names the rate and its source.
//   - Rounding defaults to half_up (as spreadsheet ROUND does) at the
//     currency's minor units, per line. Stage "deal" keeps lines exact and
//     rounds the deal total, sharing it over the lines by largest remainder;
//     stage "statement" keeps deals exact and rounds statement totals. Every
//     explanation states the rule in force.
//   - Bands are half-open [from, to): a basis exactly on a boundary belongs
//     to the upper band. Tables pay a rate, a flat amount or a multiplier, by
//     the retroactive method (the band reached applies to the whole basis)
//     or the marginal method (each band applies to the part inside it), over
//     the deal, the partner's period total, or a cumulative total that starts
//     from a caller-supplied prior amount. Every table earns "owed after the
//     deal minus owed before it", so a deal that lifts a period total into a
//     higher retroactive band also pays the true-up on the earlier deals, and
//     a credit note takes back what it unearns.
//   - Caps apply in the order line, deal, partner (per period), program
//     budget; deal-stage rounding comes after the deal cap and before the
//     partner and budget caps. A deal, partner or budget cap takes its cut
//     from the deal's last line first. Each cut is recorded on the line and
//     in the trace. A partner cap or budget counts what was actually paid
//     under it (after rounding, after the caps that follow, net of
//     takebacks; starting from Prior.CapUsed, else Prior.PeriodEarned,
//     and BudgetUsed), and a deal pays at most the room each has left,
//     rounded toward zero to the payout grid (except at the statement
//     stage, where everything stays exact), so no count exceeds its limit
//     at any point of a run.
//   - Credit notes: see below. In a program that does not allow negative
//     amounts, a deal whose terms come to less than zero (a negative
//     formula) pays nothing: no deal's payout is ever below zero.
//   - Lines add up, except within a group, which pays its highest line by
//     absolute amount (ties to the line declared first) or its first line
//     that pays anything. Groups pick after line caps and line rounding,
//     before the deal, partner and budget caps.
//   - Only a marginal rate table may bound its last band (nothing more is
//     earned above it); in any other table a basis above a bounded last band
//     would earn nothing, so Validate refuses it.
//   - The effective window and periods are calendar dates in the program's
//     time zone; the window's ends are inclusive unless it says HalfOpen.
//   - A claim window runs Days or Months (clamped to the month's end, see
//     Date.AddMonths) from the close date, the program's last day, the
//     registration's approval or a custom date field (ClaimAnchors); a
//     deal without its anchor date has no deadline yet. A registration is
//     valid for RegistrationValidity after its approval; a registered deal
//     closing outside it fails RegistrationClause with the dates.
//   - Every Result carries the program's id, version and hash.
//
// # Credit notes
//
// A program with AllowNegative accepts deals with a negative amount. Such
// a credit note may name the deal it credits (Deal.Credits), an earlier
// deal of the same partner in the same Run:
//
//   - A linked credit note evaluates the credited deal again, under the
//     terms it closed under (its own fields, and the running totals it
//     saw), at its net amount (its amount plus every credit note naming
//     it); what the deal was paid above what that earns is taken back,
//     last paying line first, never more than it was paid. A deal credited
//     down to zero earns nothing. Example, 2% with a deal cap of 2,500: a
//     sale of 200,000 earns 4,000 and is paid 2,500; a credit of -100,000
//     leaves 100,000, which earns 2,000, so 500 is taken back; a second
//     credit of -100,000 leaves 0 and takes back the remaining 2,000 (not
//     the 4,000 the sale's amount once earned). If a partner cap had cut
//     the sale to 1,000, the first credit would take back nothing (1,000 is
//     below the 2,000 the net amount earns).
//   - A credit note that names no deal (and any deal whose terms come to
//     a negative amount) takes back what its own amount unearns, with
//     line and deal caps bounding it from below too (never more than a
//     deal of its size could be paid), but never
//     more than the partner has been paid net in the
//     program period, than any partner cap of the credit's periods or
//     budget has paid, or than a partner cap gives back as the partner's
//     entitlement (what its deals earned before the cap cut them) falls.
//     Example, 2% with a partner cap of 3,000: sales of 100,000 and 100,000
//     earn 2,000 each and are paid 2,000 and 1,000; the entitlement is
//     4,000. A credit of -25,000 unearns 500, but the entitlement 3,500 is
//     still over the cap: min(3,000, 4,000) - min(3,000, 3,500) = 0 is
//     taken back. Without the cap a credit of -150,000 would unearn 3,000
//     and take back 3,000 of the 4,000 paid; after only the first sale it
//     takes back 2,000, all the partner was paid. Evaluate, which sees no
//     run, bounds the takeback by Prior.PeriodEarned. What deals whose
//     claim window had closed as of the run paid was never payable: a
//     credit note whose own window is open never takes it back.
//   - Whatever either kind takes back is given back to the caps the
//     credited amount counted under. A credit note that names no deal and
//     whose terms come to a positive amount pays nothing. Naming a deal the
//     run has not seen fails with ErrUnknownDeal; taking a deal's net
//     amount below zero, naming another partner's deal or a positive
//     amount fails with ErrInvalidDeal. A credit of an ineligible deal
//     takes nothing back. A linked credit of a deal whose claim window had
//     closed as of the run is marked Expired with it, so the statement
//     takes it from the expired amount, never from what is payable.
//
// To take back from the deal a credit note names, a run remembers every
// deal of a program that allows negative amounts: about 1 KB a deal (a
// copy of its Input, which shares the caller's slices and maps, and its
// per-earning payouts). Programs that do not allow negative amounts keep
// memory flat in the number of deals.
//
// # Split payouts
//
// Program.Split (or an earning's own Earning.Split) shares what a deal pays
// between payees by ratio: the deal's partner and partners whose ids the
// deal carries in custom string fields (a referral partner, say). The split
// happens in the last step of a deal, line by line, after every cap and
// the rounding, so it never changes Result.Total: Result.Shares says what
// each payee is paid, and the shares add up to the total. Each line is
// counted in units of the rounding scale; each payee gets the floor of its
// exact share, and the RemainderRule gives out the units left over (see
// Money.AllocateBy). A statement credits each payee with its share and
// lists the split deal on both partners' statements (PartnerStatement.Shares).
// A payee field naming the same partner as another payee (a referrer who is
// the deal's own partner) is merged into one share at the sum of their
// ratios. When an advance against a Settlement is split, the deal's partner
// was advanced only its own part, and only that part is deducted at its
// true-up; the other payees keep theirs. A program without splits pays
// nothing for the feature.
//
// # Period settlements
//
// A Settlement settles an earning per partner and period from the
// partner's period total (SettlementBuilder), with advances deducted at
// the true-up and a negative true-up carried, never invoiced.
// SettlementBuilder.Carries is each partner's state at the end of a run
// (the carry, the year to date, the periods still open) and CarryIn
// continues the next run from it, so runs chain period by period without
// the earlier deals; StatementBuilder.AddSettlementCarries puts the state
// on the statement (PartnerStatement.SettlementCarry), which is how the
// command's JSON statement carries it from one run to the next.
//
// Attached to a run (RunOptions.Settlements), the builder pays each
// period's true-up at the period's end within the room the partner caps
// and the budget have left, and counts it in them, so that the caps bind
// everything the program pays (SettlementLine.Capped is the part cut). A
// caller chaining runs gives the next run what was paid before, true-ups
// included: RunOptions.BudgetUsed is the figure the previous run reports
// (RunCounts.BudgetUsed with RunOptions.Counts, or
// SettlementBuilder.BudgetUsed when Settle paid true-ups after the run),
// and Prior.CapUsed gives what a partner cap period that spans the runs
// paid before.
//
// # Evaluation
//
// Evaluate (or an Evaluator, built once per program) computes one deal:
// eligible or not, and which clause failed with the values it saw; the
// lines; the caps, rounding and total; the claim deadline; and a trace.
// Result.Explain renders the trace in plain words. Run evaluates a stream of
// deals in (close time, deal id) order (CompareDeals, SortInputs), accumulating partner period totals,
// partner caps, cumulative tiers and the budget; it holds memory constant in
// the number of deals (unless credit notes may name earlier deals, see
// above), spreads the work that reads no running totals over
// all cores, and gives the same results for any number of workers.
// NewStatement turns results into an earnings statement by partner, payee
// and earning type, with the minimum payout carried over.
//
// Speed: amounts that fit a scaled 64-bit integer are added, compared and
// rounded as such, with overflow detected and the operation redone in
// shopspring decimal (the result is the same decimal either way). A trace
// records compact steps (see Step: the part of the program, the amount and
// the values read are built by its methods when read, out of one block of
// memory without pointers per result) and renders words only when read.
// Callers that
// need no explanation use Evaluator.EvaluateNoTrace or RunOptions.NoTrace;
// runs whose caller only aggregates can also set RunOptions.ReuseResults,
// which writes each result into the memory of an earlier one, and
// services that evaluate deals one at a time and keep no results can use
// Evaluator.EvaluateInto or EvaluateNoTraceInto, which write each deal's
// result into a Result the caller reuses (a deal then allocates nothing
// of its own but its amounts, 16 decimals to an allocation).
//
// # Expiry, holds and payout buckets
//
// An earning whose claim window had closed as of the run (Result.Expired)
// is never payable, so it uses up no partner cap and no budget: a late
// claim cannot reduce what timely claims are paid. Its result still shows
// what the caps would have let it pay, and a credit note of it gives no
// cap room back.
//
// A Hold keeps earnings from being paid until they mature (a span after
// the close date or a custom date field, such as a payment date) and voids
// them when a date field, such as a refund date, falls inside it: a voided
// deal pays nothing and uses up no cap. Result.Hold records the start,
// the maturity date, whether the result is held as of the run and the
// void. A run without an as-of date treats everything under a hold as
// held. Statements show held amounts apart from what is payable, by
// bucket and maturity date; StatementBuilder.CarryHeld brings them into
// the next statement, which pays what has matured by then.
//
// Buckets group earning types that are paid out together: each bucket of
// each partner has its own minimum payout and carried-over balance, and a
// negative balance is withheld from that bucket's next payout until it is
// recovered (StatementBuilder.CarryIn). Every statement row satisfies
// earned - held + carried in - withheld = payable + carried out.
//
// # Deals files
//
// DecodeCSV, DecodeJSONLines and DecodeJSON read deals from an io.Reader as
// an iter.Seq2[Input, error] that Run takes directly, so a file of any size
// streams: one row is held at a time. The keys are those of DealKeys plus
// the program's custom fields; a CSV header may be mapped to the keys
// (DecodeOptions.Columns). Each bad row is a *RowError naming the file,
// line, column and key of every problem (in CSV the column's number and
// header), and the stream goes on. A row is at most
// DecodeOptions.MaxRowBytes long, its line end not counted; a UTF-8 byte
// order mark at the start of a file is skipped. (YAML deals files, for
// small hand-written sets, are read by package rules.)
//
// Bad input is an error, never a panic: invalid programs fail Validate with
// *ProgramError values (wrapping ErrInvalidProgram) that name the part by
// its path in the DSL, such as "earnings[0].bands.table[1].from"; a bad deal, a failing formula or a division by zero is
// an *EvalError naming the deal and the part of the program.
package incentive
