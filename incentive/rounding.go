package incentive

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// RoundingMode names how an amount is rounded to a number of places.
type RoundingMode string

// Rounding modes. Examples are to 0 places.
const (
	// HalfUp rounds to nearest, ties away from zero: 2.5 -> 3, -2.5 -> -3.
	// It matches spreadsheet ROUND() and is the default.
	HalfUp RoundingMode = "half_up"
	// HalfEven rounds to nearest, ties to the even digit (banker's
	// rounding): 2.5 -> 2, 3.5 -> 4.
	HalfEven RoundingMode = "half_even"
	// HalfDown rounds to nearest, ties toward zero: 2.5 -> 2, -2.5 -> -2.
	HalfDown RoundingMode = "half_down"
	// Up rounds away from zero: 2.1 -> 3, -2.1 -> -3.
	Up RoundingMode = "up"
	// Down rounds toward zero (truncates): 2.9 -> 2, -2.9 -> -2.
	Down RoundingMode = "down"
	// Ceiling rounds toward positive infinity: 2.1 -> 3, -2.9 -> -2.
	Ceiling RoundingMode = "ceiling"
	// Floor rounds toward negative infinity: 2.9 -> 2, -2.1 -> -3.
	Floor RoundingMode = "floor"
)

// DefaultRoundingMode is the mode used when a program names none.
const DefaultRoundingMode = HalfUp

// RoundingModes lists every rounding mode.
func RoundingModes() []RoundingMode {
	return []RoundingMode{HalfUp, HalfEven, HalfDown, Up, Down, Ceiling, Floor}
}

// ParseRoundingMode checks a rounding mode name.
func ParseRoundingMode(s string) (RoundingMode, error) {
	for _, m := range RoundingModes() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown rounding mode %q (want one of half_up, half_even, half_down, up, down, ceiling, floor)", s)
}

// Valid reports whether m is one of the defined modes. The empty mode is
// not valid; use OrDefault to read it as DefaultRoundingMode.
func (m RoundingMode) Valid() bool {
	_, err := ParseRoundingMode(string(m))
	return err == nil
}

// OrDefault returns m, or DefaultRoundingMode if m is empty.
func (m RoundingMode) OrDefault() RoundingMode {
	if m == "" {
		return DefaultRoundingMode
	}
	return m
}

// Round rounds d to the given number of decimal places (negative places
// round to tens, hundreds, ...). The result always has exactly places
// decimal places (its exponent is -places), so 12.3 rounded to 2 places is
// 12.30 in every mode, and it lies less than one unit of 10^-places from d.
// The empty mode rounds with DefaultRoundingMode.
func (m RoundingMode) Round(d decimal.Decimal, places int32) decimal.Decimal {
	switch m.OrDefault() {
	case HalfEven:
		return d.RoundBank(places)
	case HalfDown:
		return roundHalfDown(d, places)
	case Up:
		return d.RoundUp(places)
	case Down:
		return d.RoundDown(places)
	case Ceiling:
		return d.RoundCeil(places)
	case Floor:
		return d.RoundFloor(places)
	default:
		return d.Round(places)
	}
}

// roundHalfDown rounds to nearest with ties toward zero: it truncates, and
// moves one unit away from zero only when the dropped part is more than
// half a unit.
func roundHalfDown(d decimal.Decimal, places int32) decimal.Decimal {
	t := d.RoundDown(places)
	if t.Equal(d) {
		return t
	}
	rest := d.Sub(t).Abs()
	half := decimal.New(5, -places-1)
	if rest.Cmp(half) > 0 {
		return d.RoundUp(places)
	}
	return d.RoundDown(places)
}
