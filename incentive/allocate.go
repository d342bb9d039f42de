package incentive

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/shopspring/decimal"
)

// Limits that keep allocation bounded on any input.
const (
	// maxAllocatePlaces bounds the scale AllocateAt accepts, in both
	// directions.
	maxAllocatePlaces = 30
	// MaxSplitParts is the largest number of parts Split produces.
	MaxSplitParts = 1_000_000
)

// Allocate splits m into len(ratios) parts proportional to ratios, at the
// currency's minor unit (cents for USD, whole yen for JPY, 1/1000 for KWD).
// It is AllocateAt(m.Currency().MinorUnits(), ratios...); see AllocateAt for
// the rules. The currency must be a known one (ErrUnknownCurrency
// otherwise).
func (m Money) Allocate(ratios ...decimal.Decimal) ([]Money, error) {
	if !m.currency.Valid() {
		return nil, fmt.Errorf("%w: cannot allocate %s: currency %q has no known minor unit (use AllocateAt)", ErrUnknownCurrency, m, string(m.currency))
	}
	return m.AllocateAt(m.currency.MinorUnits(), ratios...)
}

// AllocateAt splits m into len(ratios) parts proportional to ratios, each a
// whole multiple of 10^-places (places 2 allocates cents; a negative places
// allocates tens, hundreds, ...; it must lie in -30..30). Every part has
// exactly places decimal places (or is a whole multiple of 10^-places when
// places is negative), and the parts always sum exactly to m.
//
// The rule, so that anyone can redo an allocation by hand:
//
//  1. The amount is counted in units of 10^-places: U = |m| x 10^places.
//  2. Part i gets floor(U x r_i / R) units, R being the sum of the ratios.
//  3. The units left over (fewer than the number of parts) are handed out
//     one each to the parts with the largest fractional remainders of
//     U x r_i / R; equal remainders go to the lower index first.
//
// So a part never differs from its exact share by a full unit or more, a
// zero ratio always gets zero, and the result depends only on the inputs.
// A negative amount is allocated by its magnitude and each part negated:
// the parts of -m are exactly the negations of the parts of m, and all
// parts are zero or negative.
//
// Errors: no ratios or a negative ratio (ErrInvalidAmount), ratios that are
// all zero (ErrDivisionByZero), places out of range (ErrInvalidAmount), and
// an amount with more decimal places than the scale, such as 10.005 USD at
// 2 places (ErrInvalidAmount): it is never rounded silently; round it first
// (RoundToMinor) or allocate at a finer scale.
func (m Money) AllocateAt(places int32, ratios ...decimal.Decimal) ([]Money, error) {
	if places < -maxAllocatePlaces || places > maxAllocatePlaces {
		return nil, fmt.Errorf("%w: cannot allocate at %d places (want %d..%d)", ErrInvalidAmount, places, -maxAllocatePlaces, maxAllocatePlaces)
	}
	return m.allocate(places, RemainderLargestRemainder, ratios)
}

// allocate is AllocateAt without the bound on places, with the rule that
// hands out the units left over after every part got its floor (see
// RemainderRule).
func (m Money) allocate(places int32, rule RemainderRule, ratios []decimal.Decimal) ([]Money, error) {
	if len(ratios) == 0 {
		return nil, fmt.Errorf("%w: cannot allocate %s: no ratios", ErrInvalidAmount, m)
	}
	minExp := int32(0)
	first := true
	for i, r := range ratios {
		switch r.Sign() {
		case -1:
			return nil, fmt.Errorf("%w: cannot allocate %s: ratio %d is negative (%s)", ErrInvalidAmount, m, i+1, r)
		case 1:
			if e := r.Exponent(); first || e < minExp {
				minExp, first = e, false
			}
		}
	}
	if first {
		return nil, fmt.Errorf("%w: cannot allocate %s: all %d ratios are zero", ErrDivisionByZero, m, len(ratios))
	}
	units := m.amount.Shift(places)
	if !units.IsInteger() {
		return nil, fmt.Errorf("%w: cannot allocate %s at %d decimal places: the amount has more places; round it first", ErrInvalidAmount, m, places)
	}

	// Integer weights on a common scale: w_i = r_i x 10^-minExp.
	weights := make([]*big.Int, len(ratios))
	total := new(big.Int)
	for i, r := range ratios {
		w := new(big.Int)
		if r.Sign() > 0 {
			w.Mul(r.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Exponent()-minExp)), nil))
		}
		weights[i] = w
		total.Add(total, w)
	}

	u := units.BigInt() // exact: units is an integer
	neg := u.Sign() < 0
	u.Abs(u)

	shares := make([]*big.Int, len(ratios))
	rems := make([]*big.Int, len(ratios))
	given := new(big.Int)
	for i, w := range weights {
		q, r := new(big.Int), new(big.Int)
		q.QuoRem(new(big.Int).Mul(u, w), total, r)
		shares[i], rems[i] = q, r
		given.Add(given, q)
	}
	// left < len(ratios), as each dropped fraction is below one unit.
	left := new(big.Int).Sub(u, given)

	switch rule {
	case RemainderFirst, RemainderLargestShare:
		// Every unit left over goes to one part: the first with a ratio
		// above zero, or the one with the largest ratio (ties to the
		// earlier).
		to := -1
		for i, w := range weights {
			if w.Sign() == 0 {
				continue
			}
			if to < 0 || (rule == RemainderLargestShare && w.Cmp(weights[to]) > 0) {
				to = i
			}
			if rule == RemainderFirst {
				break
			}
		}
		shares[to].Add(shares[to], left)
	default:
		order := make([]int, len(ratios))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool {
			return rems[order[a]].Cmp(rems[order[b]]) > 0
		})
		one := big.NewInt(1)
		for k := 0; k < int(left.Int64()); k++ {
			shares[order[k]].Add(shares[order[k]], one)
		}
	}

	parts := make([]Money, len(ratios))
	for i, q := range shares {
		if neg {
			q.Neg(q)
		}
		parts[i] = Money{amount: decimal.NewFromBigInt(q, -places), currency: m.currency}
	}
	return parts, nil
}

// Split divides m into n parts as equal as possible at the currency's minor
// unit: Allocate with n equal ratios. The parts differ by at most one minor
// unit and the larger ones come first: 100.00 USD split 3 is 33.34, 33.33,
// 33.33; -100.00 USD is -33.34, -33.33, -33.33. n must be between 1 and
// MaxSplitParts (ErrInvalidAmount otherwise).
func (m Money) Split(n int) ([]Money, error) {
	if n <= 0 || n > MaxSplitParts {
		return nil, fmt.Errorf("%w: cannot split %s into %d parts (want 1..%d)", ErrInvalidAmount, m, n, MaxSplitParts)
	}
	ratios := make([]decimal.Decimal, n)
	one := decimal.NewFromInt(1)
	for i := range ratios {
		ratios[i] = one
	}
	return m.Allocate(ratios...)
}
