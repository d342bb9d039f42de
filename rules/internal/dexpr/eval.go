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

// frame is the prepared environment of one deal, kept in Scope.Cache. It
// belongs to one Env (two programs evaluated on the same Scope cannot see
// each other's frames) and one deal and partner.
type frame struct {
	env     *Env
	deal    *incentive.Deal
	partner *partner.Partner
	program *incentive.Program
	vals    map[string]any // the expr environment: path -> value
	loaded  uint64         // slots < 64 already in vals
	more    []bool         // slots >= 64
}

func (x *Expr) frame(s *incentive.Scope) *frame {
	if f, ok := s.Cache.(*frame); ok && f.env == x.env && f.deal == s.Deal && f.partner == s.Partner && f.program == s.Program {
		return f
	}
	f := &frame{env: x.env, deal: s.Deal, partner: s.Partner, program: s.Program, vals: make(map[string]any, 8)}
	s.Cache = f
	return f
}

func (f *frame) has(slot int) bool {
	if slot < 64 {
		return f.loaded&(1<<slot) != 0
	}
	i := slot - 64
	return i < len(f.more) && f.more[i]
}

func (f *frame) mark(slot int) {
	if slot < 64 {
		f.loaded |= 1 << slot
		return
	}
	i := slot - 64
	for len(f.more) <= i {
		f.more = append(f.more, false)
	}
	f.more[i] = true
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
	for _, l := range x.loads {
		p := l.p
		if !p.acc && f.has(p.slot) {
			continue
		}
		v, err := x.env.load(s, p)
		if err != nil {
			return nil, x.runError(l.loc, err)
		}
		f.vals[p.path] = v
		if !p.acc {
			f.mark(p.slot)
		}
	}
	if x.single {
		return f.vals[x.loads[0].p.path], nil
	}
	m := vmPool.Get().(*vm.VM)
	out, err = m.Run(x.prog, f.vals)
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
