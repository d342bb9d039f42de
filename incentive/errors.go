package incentive

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers branch on with errors.Is. Errors returned by
// this package wrap them and add the detail (which deal, which clause).
var (
	// ErrCurrencyMismatch: arithmetic or comparison mixed two currencies.
	ErrCurrencyMismatch = errors.New("currency mismatch")
	// ErrUnknownCurrency: a currency code is not a supported ISO 4217 code.
	ErrUnknownCurrency = errors.New("unknown currency")
	// ErrInvalidAmount: an amount could not be parsed or is not allowed.
	ErrInvalidAmount = errors.New("invalid amount")
	// ErrDivisionByZero: a division or ratio had a zero divisor.
	ErrDivisionByZero = errors.New("division by zero")
	// ErrNoRate: no conversion rate was supplied for a currency pair.
	ErrNoRate = errors.New("no conversion rate")
	// ErrInvalidRate: a conversion rate is malformed (a validity period
	// without both ends, overlapping another of its pair, no as-of date, or
	// a second rate of its pair with the same as-of date).
	ErrInvalidRate = errors.New("invalid rate")
	// ErrInvalidProgram: a program's terms are inconsistent (see Program.Validate).
	ErrInvalidProgram = errors.New("invalid program")
	// ErrInvalidDeal: a deal is missing data or carries data the program forbids.
	ErrInvalidDeal = errors.New("invalid deal")
	// ErrNoAsOf: the terms read the run's as-of date (run.as_of), but the
	// run was given none.
	ErrNoAsOf = errors.New("no as-of date")
	// ErrNoHistory: the terms read a partner's total of an earlier period
	// (Scope.HistoryTotal) that the caller did not supply in the partner's
	// History.
	ErrNoHistory = errors.New("no history")
	// ErrOutOfOrder: a batch received deals out of (close time, deal id) order.
	ErrOutOfOrder = errors.New("deals out of order")
	// ErrUnknownDeal: a credit note names a deal (Deal.Credits) that the
	// run has not seen before it.
	ErrUnknownDeal = errors.New("unknown credited deal")
	// ErrInvalidOptions: RunOptions are out of range (see MaxWorkers).
	ErrInvalidOptions = errors.New("invalid run options")
)

// EvalError is returned when evaluating a deal fails. It names the deal and
// the part of the program (a clause, an earning, a band table, a cap) that
// failed, and wraps the cause.
type EvalError struct {
	Program string // program id
	Deal    string // deal id
	Part    string // e.g. `eligibility "gold partner"`, `earning "base"`
	Origin  Origin // where the part was written, when known
	Err     error
}

func (e *EvalError) Error() string {
	s := fmt.Sprintf("program %s, deal %s", e.Program, e.Deal)
	if e.Part != "" {
		s += ", " + e.Part
	}
	if e.Origin.Line > 0 {
		s += " (" + e.Origin.String() + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *EvalError) Unwrap() error { return e.Err }
