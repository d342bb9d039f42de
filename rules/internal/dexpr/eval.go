package dexpr

import (
	"errors"
	"fmt"
	"sync"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
)

// RunError is an error evaluating an expression on a deal, at the place
// of the failing token. It wraps the cause: incentive.ErrDivisionByZero,
// incentive.ErrInvalidDeal (a missing or mistyped custom field),
// ErrOverflow.
type RunError struct {
	// Line and Col locate the failing token inside the expression source
	// (1-based, runes); zero when unknown.
	Line, Col int
	// Origin is the file position of the token, when SetOrigin was called.
	Origin incentive.Origin
	Err    error
}

// Error renders "file:line:col: cause" when the origin is known, else
// "line:col: cause" within the expression.
func (e *RunError) Error() string {
	switch {
	case e.Origin.File != "" || e.Origin.Line > 0:
		return e.Origin.String() + ": " + e.Err.Error()
	case e.Line > 0:
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Err.Error())
	}
	return e.Err.Error()
}

// Unwrap returns the cause.
func (e *RunError) Unwrap() error { return e.Err }

func (x *Expr) runError(loc file.Location, err error) *RunError {
	var inner *RunError
	if errors.As(err, &inner) {
		return inner // from the body of an aggregate, placed already
	}
	e := &RunError{Err: err}
	if loc != (file.Location{}) {
		e.Line, e.Col = position(x.srcR, loc.From)
		if x.origin != nil {
			e.Origin = x.origin(e.Line, e.Col)
		}
	}
	return e
}

// atError places an error at a read inside a fused call, rather than at
// the operator the VM reports.
type atError struct {
	loc file.Location
	err error
}

func (e *atError) Error() string { return e.err.Error() }
func (e *atError) Unwrap() error { return e.err }

// atErr places a read's error at the read.
func atErr(loc file.Location, err error) error {
	if err == nil {
		return nil
	}
	return &atError{loc: loc, err: err}
}

// placed turns an error of a fused evaluator into a *RunError at the place
// the *atError inside names.
func (x *Expr) placed(err error) *RunError {
	var ae *atError
	if errors.As(err, &ae) {
		return x.runError(ae.loc, ae.err)
	}
	return x.runError(file.Location{}, err)
}

// fast runs a fused evaluator that is the whole program, without the VM.
func fast[T any](x *Expr, s *incentive.Scope, f func(s *incentive.Scope, a, b any) (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = x.runError(file.Location{}, fmt.Errorf("internal error: %v", r))
		}
	}()
	v, err = f(s, nil, nil)
	if err != nil {
		var zero T
		return zero, x.placed(err)
	}
	return v, nil
}

// frame caches, for one deal, the boxed values of the reads that the VM
// handles as values (a read that is an operand of a fused call is read
// typed and never boxed, see lowering). It lives in the Scope's cache (Scope.Cache), created on
// the first such read of the deal, and belongs to one Env (two programs
// evaluated on the same Scope cannot see each other's frames), deal,
// partner and program. Running totals (period.*, cumulative.*) are never
// cached: the engine may change them between evaluations.
type frame struct {
	env     *Env
	deal    *incentive.Deal
	partner *partner.Partner
	program *incentive.Program
	vals    []any // by cell (see pathInfo.cell); nil until loaded
	inline  [6]any
}

func (e *Env) frame(s *incentive.Scope) *frame {
	if f, ok := s.Cache().(*frame); ok && f.env == e && f.deal == s.Deal && f.partner == s.Partner && f.program == s.Program {
		return f
	}
	f := &frame{env: e, deal: s.Deal, partner: s.Partner, program: s.Program}
	if n := int(e.cells.Load()); n <= len(f.inline) {
		f.vals = f.inline[:n]
	} else {
		f.vals = make([]any, n)
	}
	s.SetCache(f)
	return f
}

// cached returns the boxed value of path p for the scope's deal, boxing
// it once per deal.
func (e *Env) cached(s *incentive.Scope, p *pathInfo) (any, error) {
	if p.acc || p.typ == tBool {
		return e.load(s, p) // never cached; a bool boxes without allocating
	}
	i := int(p.cell.Load()) - 1
	if i < 0 {
		return nil, fmt.Errorf("internal error: %s has no cell", p.path)
	}
	f := e.frame(s)
	if i < len(f.vals) {
		if v := f.vals[i]; v != nil {
			return v, nil
		}
	} else {
		// an expression compiled after the frame was made
		vals := make([]any, int(e.cells.Load()))
		copy(vals, f.vals)
		f.vals = vals
	}
	v, err := e.load(s, p)
	if err != nil {
		return nil, err
	}
	f.vals[i] = v
	return v, nil
}

var vmPool = sync.Pool{New: func() any { return &vm.VM{MemoryBudget: MemoryBudget} }}

func (x *Expr) eval(s *incentive.Scope) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, x.runError(file.Location{}, fmt.Errorf("internal error: %v", r))
		}
	}()
	if x.prog == nil {
		return x.konst, nil
	}
	if s == nil || s.Deal == nil || s.Partner == nil {
		return nil, errors.New("dexpr: the scope has no deal or no partner")
	}
	if p := x.single; p != nil {
		// a plain read: typed, no VM, nothing boxed for Value
		var v any
		switch p.typ {
		case tDecimal:
			v, err = x.env.dec(s, p)
		case tBool:
			v, err = x.env.boolean(s, p)
		default:
			v, err = x.env.cached(s, p)
		}
		if err != nil {
			return nil, x.runError(x.singleAt, err)
		}
		return v, nil
	}
	m := vmPool.Get().(*vm.VM)
	out, err = m.Run(x.prog, s)
	vmPool.Put(m)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			cause, loc := fe.Unwrap(), fe.Location
			if cause == nil {
				cause = errors.New(fe.Message)
			}
			var ae *atError
			if errors.As(cause, &ae) {
				cause, loc = ae.err, ae.loc
			}
			return nil, x.runError(loc, cause)
		}
		return nil, x.runError(file.Location{}, err)
	}
	return out, nil
}
