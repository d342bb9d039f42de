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
//     with a caller-supplied rate before anything else.
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
//     budget. A deal, partner or budget cap takes its cut from the deal's
//     last line first. Each cut is recorded on the line and in the trace. A
//     partner or budget cap pays min(limit, entitled after the deal) -
//     min(limit, entitled before it), so once it has bound, a credit note
//     takes back only what was actually paid. A cap's room is rounded toward
//     zero at the payout scale, so a cap is never exceeded by rounding.
//   - Lines add up, except within a group, which pays its highest line by
//     absolute amount (ties to the line declared first) or its first line
//     that pays anything. Groups pick after line caps and line rounding,
//     before the deal, partner and budget caps.
//   - Only a marginal rate table may bound its last band (nothing more is
//     earned above it); in any other table a basis above a bounded last band
//     would earn nothing, so Validate refuses it.
//   - The effective window and periods are calendar dates in the program's
//     time zone; the window's ends are inclusive unless it says HalfOpen.
//   - Every Result carries the program's id, version and hash.
//
// # Evaluation
//
// Evaluate (or an Evaluator, built once per program) computes one deal:
// eligible or not, and which clause failed with the values it saw; the
// lines; the caps, rounding and total; the claim deadline; and a trace.
// Result.Explain renders the trace in plain words. Run evaluates a stream of
// deals in (close time, deal id) order, accumulating partner period totals,
// partner caps, cumulative tiers and the budget; it holds memory constant in
// the number of deals, spreads the work that reads no running totals over
// all cores, and gives the same results for any number of workers.
// NewStatement turns results into an earnings statement by partner, payee
// and earning type, with the minimum payout carried over.
//
// # Deals files
//
// DecodeCSV, DecodeJSONLines and DecodeJSON read deals from an io.Reader as
// an iter.Seq2[Input, error] that Run takes directly, so a file of any size
// streams: one row is held at a time. The keys are those of DealKeys plus
// the program's custom fields; a CSV header may be mapped to the keys
// (DecodeOptions.Columns). Each bad row is a *RowError naming the file,
// line, column and key of every problem, and the stream goes on. (YAML
// deals files, for small hand-written sets, are read by package rules.)
//
// Bad input is an error, never a panic: invalid programs fail Validate with
// ErrInvalidProgram; a bad deal, a failing formula or a division by zero is
// an *EvalError naming the deal and the part of the program.
package incentive
