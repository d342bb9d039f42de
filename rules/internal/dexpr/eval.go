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

func (e *RunError) Unwrap() error { return e.Err }

func (x *Expr) runError(loc file.Location, err error) *RunError {
	e := &RunError{Err: err}
	if loc != (file.Location{}) {
		e.Line, e.Col = position(x.srcR, loc.From)
		if x.origin != nil {
			e.Origin = x.origin(e.Line, e.Col)
		}
	}
	return e
}

// frame is the prepared environment of one deal, kept in Scope.Cache and
// passed to the VM as its environment. It belongs to one Env (two programs
// evaluated on the same Scope cannot see each other's frames) and to one
// deal, partner and program. Values are loaded on first use and kept,
// except the running totals (period.*, cumulative.*), which are read
// afresh every time.
type frame struct {
	env     *Env
	deal    *incentive.Deal
	partner *partner.Partner
	program *incentive.Program
	scope   *incentive.Scope // the scope of the current evaluation
	vals    []any            // by cell (see pathInfo.cell); nil until loaded
	inline  [6]any
}

func (x *Expr) frame(s *incentive.Scope) *frame {
	if f, ok := s.Cache.(*frame); ok && f.env == x.env && f.deal == s.Deal && f.partner == s.Partner && f.program == s.Program {
		f.scope = s
		return f
	}
	f := &frame{env: x.env, deal: s.Deal, partner: s.Partner, program: s.Program, scope: s}
	if n := int(x.env.cells.Load()); n <= len(f.inline) {
		f.vals = f.inline[:n]
	} else {
		f.vals = make([]any, n)
	}
	s.Cache = f
	return f
}

// get returns the value of path p for the frame's deal.
func (f *frame) get(p *pathInfo) (any, error) {
	if p.acc {
		return f.env.load(f.scope, p)
	}
	i := int(p.cell.Load()) - 1
	if i < 0 {
		return nil, fmt.Errorf("internal error: %s has no cell", p.path)
	}
	if i < len(f.vals) {
		if v := f.vals[i]; v != nil {
			return v, nil
		}
	} else {
		// an expression compiled after the frame was made
		vals := make([]any, int(f.env.cells.Load()))
		copy(vals, f.vals)
		f.vals = vals
	}
	v, err := f.env.load(f.scope, p)
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
	f := x.frame(s)
	if x.single != nil {
		v, err := f.get(x.single)
		if err != nil {
			return nil, x.runError(x.singleAt, err)
		}
		return v, nil
	}
	m := vmPool.Get().(*vm.VM)
	out, err = m.Run(x.prog, f)
	vmPool.Put(m)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			cause := fe.Unwrap()
			if cause == nil {
				cause = errors.New(fe.Message)
			}
			return nil, x.runError(fe.Location, cause)
		}
		return nil, x.runError(file.Location{}, err)
	}
	return out, nil
}
