package incentive

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// FromRegistrationApproved counts a claim window from the approval date of
// the deal's registration.
const FromRegistrationApproved ClaimAnchor = "registration.approved"

// ClaimAnchors lists the built-in claim anchors. Any other anchor names a
// custom deal field of type date (see FieldDecl).
func ClaimAnchors() []ClaimAnchor {
	return []ClaimAnchor{FromCloseDate, FromProgramEnd, FromRegistrationApproved}
}

// Builtin reports whether a is one of ClaimAnchors (the empty anchor, which
// means FromCloseDate, included).
func (a ClaimAnchor) Builtin() bool {
	switch a {
	case "", FromCloseDate, FromProgramEnd, FromRegistrationApproved:
		return true
	}
	return false
}

// Span is a length of time in calendar days or calendar months, in the
// program's time zone. At most one of Days and Months is set; the zero
// Span is no length at all.
type Span struct {
	Days   int
	Months int
}

// IsZero reports whether the span is empty.
func (s Span) IsZero() bool { return s.Days == 0 && s.Months == 0 }

// After returns the date the span ends when it starts on d: d plus Days
// days, or d plus Months months with the day clamped to the last day of
// the month (2026-01-31 + 1 month is 2026-02-28).
func (s Span) After(d Date) Date {
	if s.Months != 0 {
		return d.AddMonths(s.Months)
	}
	return d.AddDays(s.Days)
}

// String renders "90 days" or "3 months".
func (s Span) String() string {
	n, unit := s.Days, "day"
	if s.Months != 0 {
		n, unit = s.Months, "month"
	}
	if n != 1 {
		unit += "s"
	}
	return itoa(n) + " " + unit
}

// AddMonths returns the date n calendar months after d (before it when n
// is negative), the day clamped to the last day of the target month:
// 2026-01-31 + 1 month is 2026-02-28, 2028-01-31 + 1 month is 2028-02-29.
func (d Date) AddMonths(n int) Date {
	m := d.Year*12 + int(d.Month) - 1 + n
	y, mon := m/12, time.Month(m%12+1)
	if m < 0 {
		y, mon = (m-11)/12, time.Month((m%12+12)%12+1)
	}
	last := time.Date(y, mon+1, 0, 12, 0, 0, 0, time.UTC).Day()
	return Date{y, mon, min(d.Day, last)}
}

// Set reports whether the program has a claim deadline.
func (c ClaimWindow) Set() bool { return c.Days > 0 || c.Months > 0 }

// span returns the window's length.
func (c ClaimWindow) span() Span { return Span{Days: c.Days, Months: c.Months} }

// ClaimAnchorDate returns the date the program's claim window counts from
// for a deal whose close date (in the program's time zone) is closeDate,
// and a description of it ("close date", "registration approval", ...).
// ok is false when the deal has no such date: an unregistered deal for
// FromRegistrationApproved, a custom date field the deal does not carry
// (or carries empty). Such a deal's window has not started: it gets no
// claim deadline and cannot expire.
func (p *Program) ClaimAnchorDate(d *Deal, closeDate Date) (at Date, what string, ok bool) {
	switch a := p.Claims.From; a {
	case "", FromCloseDate:
		return closeDate, closeDateAnchor, true
	case FromProgramEnd:
		return p.Effective.LastDay(), "the program's last day", true
	case FromRegistrationApproved:
		if d.Registration == nil || d.Registration.Approved.IsZero() {
			return Date{}, "registration approval", false
		}
		return d.Registration.Approved, "registration approval", true
	default:
		v, _ := d.Fields[string(a)].(Date)
		return v, string(a), !v.IsZero()
	}
}

// claim sets the result's claim deadline and whether it has passed as of
// asOf.
func (e *Evaluator) claim(w *work, asOf time.Time) {
	p, res := e.p, w.res
	w.claimed = true
	if !asOf.IsZero() {
		w.asOf = DateOf(asOf.In(p.Effective.Loc()))
	}
	if anchor, _, ok := p.ClaimAnchorDate(&w.in.Deal, w.date); ok {
		res.ClaimBy = p.Claims.span().After(anchor)
		if !asOf.IsZero() {
			res.Expired = w.asOf.After(res.ClaimBy)
		}
	}
	if w.creditsExpired {
		// What a credit note takes back from an expired deal was never
		// payable: it counts with the deal, as expired.
		res.Expired = true
	}
}

// claimStep records the step that explains the claim deadline set by
// claim (see claimWords).
func (e *Evaluator) claimStep(w *work) {
	anchor, from, ok := e.p.ClaimAnchorDate(&w.in.Deal, w.date)
	expired, on, credited := w.res.Expired, w.asOf, w.creditsExpired
	sa, fitsA := shortDateOf(anchor)
	so, fitsO := shortDateOf(on)
	if !fitsA || !fitsO {
		w.add(secFinal, stepRec{Kind: StepClaim, OK: !expired, words: func() string {
			return e.claimWords(from, ok, credited, expired, anchor, on)
		}})
		return
	}
	var d *stepDetail
	if sd, fits := shortDateOf(w.date); fits && from == closeDateAnchor && anchor == w.date {
		// (the window counts from the close date: the deal's detail has it)
		d = e.dealDetail(w, sd)
		d.started, d.on, d.credited = ok, so, credited
	} else {
		d = e.newDetail(w, detailClaim)
		d.payee, d.started, d.date, d.on, d.credited = from, ok, sa, so, credited
	}
	e.addDetail(w, secFinal, StepClaim, "", 0, nil, !expired, decimal.Decimal{}, d)
}

// closeDateAnchor names the close date as what a claim window counts
// from (ClaimAnchorDate).
const closeDateAnchor = "close date"

// claimWords renders a claim step: anchored says whether the deal has the
// date its window counts from (anchor; from names it), credited whether
// it is a credit note counted as expired with the deal it credits, on is
// the as-of date.
func (e *Evaluator) claimWords(from string, anchored, credited, expired bool, anchor, on Date) string {
	span := e.p.Claims.span()
	if !anchored {
		s := "no claim deadline yet: the claim window (" + span.String() + ") counts from the " + from + ", which the deal does not have"
		if credited {
			s += "; the credited deal's claim window had closed as of " + on.String() + ", so this credit note counts with it as expired"
		}
		return s
	}
	// (claim set Result.ClaimBy to the same date)
	s := "claim by " + span.After(anchor).String() + " (" + span.String() + " after " + from + " " + anchor.String() + ")"
	switch {
	case credited:
		s += "; the credited deal's claim window had closed as of " + on.String() + ", so this credit note counts with it as expired"
	case expired:
		s += "; as of " + on.String() + " the claim window has closed"
	}
	return s
}

// RegistrationClause is Result.Failed for a deal whose registration had
// expired (see Program.RegistrationValidity) before the deal closed.
const RegistrationClause = "registration validity"

// registrationValid checks a registered deal's registration against the
// program's RegistrationValidity: the registration is valid from its
// approval date through approval + validity (that day included), in the
// program's time zone, and the deal must close within it. It records the
// check and reports whether the deal may go on; an unregistered deal, or
// a program without a validity, is not checked.
func (e *Evaluator) registrationValid(w *work, closeDate Date) bool {
	v, reg := e.p.RegistrationValidity, w.in.Deal.Registration
	if v.IsZero() || reg == nil || reg.Approved.IsZero() {
		return true
	}
	until := v.After(reg.Approved)
	approved, id := reg.Approved, reg.ID
	if id == "" {
		id = "of the deal"
	}
	ok := !closeDate.After(until) && !closeDate.Before(approved)
	if !ok {
		w.res.Failed = RegistrationClause
		w.closed = true
	}
	if w.noTrace {
		return ok
	}
	w.add(secHead, stepRec{Kind: StepWindow, OK: ok, ref: RegistrationClause, words: func() string {
		if closeDate.Before(approved) {
			return fmt.Sprintf("not eligible: the deal closed %s, before its registration %s was approved on %s", closeDate, id, approved)
		}
		if !ok {
			return fmt.Sprintf("not eligible: registration %s, approved %s, was valid for %s, through %s; the deal closed %s", id, approved, v, until, closeDate)
		}
		return fmt.Sprintf("registration %s, approved %s, is valid for %s, through %s; the deal closed %s", id, approved, v, until, closeDate)
	}})
	return ok
}
