package incentive

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// DefaultInversePlaces is the number of decimal places of an inverse rate
// derived by a RateTable whose InversePlaces is zero.
const DefaultInversePlaces int32 = 10

// maxInversePlaces bounds RateTable.InversePlaces.
const maxInversePlaces = 30

// ratePair is one direction of conversion.
type ratePair struct{ from, to Currency }

// RateTable is an in-memory RateSource built from rates the caller supplies
// (from a treasury feed, a finance spreadsheet, a fixed program rate). It
// never fetches anything.
//
// For a pair (from, to) and a date it answers the from -> to rate whose
// validity period (see Rate) contains the date; failing that, the rate
// without a period with the latest AsOf on or before that date. The
// validity periods of one pair must not overlap. A rate is never used for dates before
// its AsOf, and never extrapolated across currencies (no EUR -> GBP from
// EUR -> USD and USD -> GBP).
//
// Inverse rates are explicit. By default a EUR -> USD rate does not answer
// USD -> EUR; asking for it fails with an error wrapping ErrNoRate that says
// the inverse exists but is not allowed. With AllowInverse set, the table
// derives to -> from as 1 / rate when, and only when, it has no direct
// to -> from rate on or before the date; a direct rate always wins, even an
// older one. The derived rate is rounded half away from zero to
// InversePlaces decimal places and its Source reads "inverse of <source>".
//
// Set AllowInverse and InversePlaces before sharing the table; after that
// a RateTable is read-only and safe for concurrent use.
type RateTable struct {
	// AllowInverse lets the table derive to -> from from a from -> to rate.
	AllowInverse bool
	// InversePlaces is the number of decimal places kept when a rate is
	// inverted (1 / rate, rounded half away from zero). Zero means
	// DefaultInversePlaces (10); it must be 0..30.
	InversePlaces int32

	rates map[ratePair][]Rate // per pair, sorted by AsOf ascending
	// periods are the rates with a validity period, per pair; their
	// periods do not overlap.
	periods map[ratePair][]Rate
}

// NewRateTable builds a table from rates. Each rate must name two different
// known currencies (ErrUnknownCurrency otherwise), be greater than zero
// (ErrInvalidAmount) and have an AsOf date; no two rates without a validity
// period may share the same (From, To, AsOf), and the validity periods of a
// pair may not overlap (ErrInvalidRate). The rates are copied.
func NewRateTable(rates ...Rate) (*RateTable, error) {
	t := &RateTable{rates: make(map[ratePair][]Rate), periods: make(map[ratePair][]Rate)}
	for i, r := range rates {
		if err := t.add(i, r); err != nil {
			return nil, &RateError{Index: i, Err: err}
		}
	}
	for _, list := range t.rates {
		sort.Slice(list, func(a, b int) bool { return list[a].AsOf.Before(list[b].AsOf) })
	}
	return t, nil
}

// RateError is an error of NewRateTable about one of its rates.
type RateError struct {
	// Index is the position of the rate in NewRateTable's arguments.
	Index int
	Err   error
}

func (e *RateError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *RateError) Unwrap() error { return e.Err }

// add checks rate i and adds it to the table.
func (t *RateTable) add(i int, r Rate) error {
	where := fmt.Sprintf("rate %d (%s -> %s as of %s)", i+1, r.From, r.To, r.AsOf)
	switch {
	case !r.From.Valid():
		return fmt.Errorf("%w: %s: from currency %q", ErrUnknownCurrency, where, string(r.From))
	case !r.To.Valid():
		return fmt.Errorf("%w: %s: to currency %q", ErrUnknownCurrency, where, string(r.To))
	case r.From == r.To:
		return fmt.Errorf("%w: %s: from and to are the same currency", ErrInvalidAmount, where)
	case r.Rate.Sign() <= 0:
		return fmt.Errorf("%w: %s: rate is %s, want > 0", ErrInvalidAmount, where, r.Rate)
	case r.AsOf.IsZero():
		return fmt.Errorf("%w: %s: no as-of date", ErrInvalidRate, where)
	case r.badDay() != "":
		return fmt.Errorf("%w: %s: %s", ErrInvalidRate, where, r.badDay())
	case r.HasPeriod() && (r.ValidFrom.IsZero() || r.ValidTo.IsZero()):
		return fmt.Errorf("%w: %s: a validity period needs both its first and its last day", ErrInvalidRate, where)
	case r.HasPeriod() && r.ValidTo.Before(r.ValidFrom):
		return fmt.Errorf("%w: %s: the validity period ends (%s) before it starts (%s)", ErrInvalidRate, where, r.ValidTo, r.ValidFrom)
	}
	p := ratePair{r.From, r.To}
	if r.HasPeriod() {
		for _, o := range t.periods[p] {
			if !r.ValidTo.Before(o.ValidFrom) && !o.ValidTo.Before(r.ValidFrom) {
				return fmt.Errorf("%w: %s: its validity %s to %s overlaps that of the %s -> %s rate %s (%q, valid %s to %s)",
					ErrInvalidRate, where, r.ValidFrom, r.ValidTo, r.From, r.To, o.Rate, o.Source, o.ValidFrom, o.ValidTo)
			}
		}
		t.periods[p] = append(t.periods[p], r)
		return nil
	}
	for _, o := range t.rates[p] {
		if o.AsOf == r.AsOf {
			return fmt.Errorf("%w: %s: duplicate: a rate for %s -> %s as of %s is already given (%s from %q, now %s from %q)",
				ErrInvalidRate, where, r.From, r.To, r.AsOf, o.Rate, o.Source, r.Rate, r.Source)
		}
	}
	t.rates[p] = append(t.rates[p], r)
	return nil
}

// inPeriod returns the rate for p whose validity period contains on.
func (t *RateTable) inPeriod(p ratePair, on Date) (Rate, bool) {
	for _, r := range t.periods[p] {
		if !on.Before(r.ValidFrom) && !on.After(r.ValidTo) {
			return r, true
		}
	}
	return Rate{}, false
}

// find returns the rate for p on a date: one whose validity period holds
// the date, else the latest without a period as of the date.
func (t *RateTable) find(p ratePair, on Date) (Rate, bool) {
	if r, ok := t.inPeriod(p, on); ok {
		return r, true
	}
	return t.latest(p, on)
}

// latest returns the rate for p with the latest AsOf on or before on.
func (t *RateTable) latest(p ratePair, on Date) (Rate, bool) {
	list := t.rates[p]
	// First index with AsOf after on; the one before it is the answer.
	i := sort.Search(len(list), func(i int) bool { return list[i].AsOf.After(on) })
	if i == 0 {
		return Rate{}, false
	}
	return list[i-1], true
}

// Rate returns the from -> to rate with the latest AsOf on or before on (see
// RateTable for inverse rates). Converting a currency into itself answers a
// rate of 1. When no rate applies the error wraps ErrNoRate and names the
// pair and the date.
func (t *RateTable) Rate(from, to Currency, on Date) (Rate, error) {
	if from == to && from.Valid() {
		return Rate{From: from, To: to, Rate: decimal.NewFromInt(1), AsOf: on, Source: "same currency"}, nil
	}
	if t == nil {
		return Rate{}, fmt.Errorf("%w: %s -> %s on %s (no rate table)", ErrNoRate, from, to, on)
	}
	p := ratePair{from, to}
	if r, ok := t.find(p, on); ok {
		return r, nil
	}
	inv, invOK := t.find(ratePair{to, from}, on)
	switch {
	case invOK && !t.AllowInverse:
		return Rate{}, fmt.Errorf("%w: %s -> %s on %s: the inverse rate %s -> %s exists (%s as of %s, %q) but the table does not allow inverse rates",
			ErrNoRate, from, to, on, to, from, inv.Rate, inv.AsOf, inv.Source)
	case invOK:
		places := t.InversePlaces
		if places == 0 {
			places = DefaultInversePlaces
		}
		if places < 0 || places > maxInversePlaces {
			return Rate{}, fmt.Errorf("%w: %s -> %s on %s: InversePlaces is %d, want 0..%d", ErrNoRate, from, to, on, t.InversePlaces, maxInversePlaces)
		}
		r := decimal.NewFromInt(1).DivRound(inv.Rate, places)
		if r.Sign() <= 0 {
			return Rate{}, fmt.Errorf("%w: %s -> %s on %s: the inverse of %s is zero at %d places", ErrNoRate, from, to, on, inv.Rate, places)
		}
		src := inv.Source
		if src == "" {
			src = fmt.Sprintf("%s -> %s as of %s", to, from, inv.AsOf)
		}
		return Rate{From: from, To: to, Rate: r, AsOf: inv.AsOf, Source: "inverse of " + src, ValidFrom: inv.ValidFrom, ValidTo: inv.ValidTo}, nil
	}
	msg := fmt.Sprintf("%s -> %s on %s", from, to, on)
	if list := t.rates[p]; len(list) > 0 {
		msg += fmt.Sprintf(" (the earliest %s -> %s rate is as of %s)", from, to, list[0].AsOf)
	}
	return Rate{}, fmt.Errorf("%w: %s", ErrNoRate, msg)
}
