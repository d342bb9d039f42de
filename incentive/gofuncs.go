package incentive

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// This file holds plain-Go conditions and formulas, for building programs
// without YAML and for tests. Each one is a Describer, so explanations show
// its source and the values it read.

type funcCond struct {
	src   string
	reads []string
	f     func(*Scope) (bool, error)
	// opaque: it combines a condition that does not say what it reads.
	opaque bool
}

func (c *funcCond) readsUnknown() bool { return c.opaque }

func (c *funcCond) Holds(s *Scope) (bool, error) { return c.f(s) }
func (c *funcCond) Source() string               { return c.src }
func (c *funcCond) Reads() []string              { return c.reads }

type funcFormula struct {
	src   string
	reads []string
	f     func(*Scope) (decimal.Decimal, error)
}

func (c *funcFormula) Value(s *Scope) (decimal.Decimal, error) { return c.f(s) }
func (c *funcFormula) Source() string                          { return c.src }
func (c *funcFormula) Reads() []string                         { return c.reads }

// ConditionFunc wraps a Go function as a Condition. source describes it in
// explanations; reads lists the Scope paths it reads (a path under period.
// or cumulative. makes batch runs evaluate it in deal order).
func ConditionFunc(source string, reads []string, f func(*Scope) (bool, error)) Condition {
	return &funcCond{src: source, reads: reads, f: f}
}

// FormulaFunc wraps a Go function as a Formula; see ConditionFunc.
func FormulaFunc(source string, reads []string, f func(*Scope) (decimal.Decimal, error)) Formula {
	return &funcFormula{src: source, reads: reads, f: f}
}

// Const is a formula with a fixed value, e.g. a flat SPIFF of 500.
func Const(v decimal.Decimal) Formula {
	return FormulaFunc(v.String(), nil, func(*Scope) (decimal.Decimal, error) { return v, nil })
}

// RateOf is the formula path * rate, for a decimal path such as
// PathDealAmount: RateOf(PathDealAmount, 0.02) pays 2% of the deal amount.
func RateOf(path string, rate decimal.Decimal) Formula {
	return FormulaFunc(path+" * "+rate.String(), []string{path}, func(s *Scope) (decimal.Decimal, error) {
		v, err := lookupDecimal(s, path)
		if err != nil {
			return decimal.Decimal{}, err
		}
		return s.Mul(v, rate), nil
	})
}

// In holds when the string at path is one of values.
func In(path string, values ...string) Condition {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return ConditionFunc(path+" in ["+strings.Join(q, ", ")+"]", []string{path}, func(s *Scope) (bool, error) {
		if str, isText := s.lookupText(path); isText {
			// (a built-in text, read without boxing it: Lookup's value)
			return slices.Contains(values, str), nil
		}
		v, ok := s.Lookup(path)
		if !ok {
			return false, fmt.Errorf("%w: no value at %s", ErrInvalidDeal, path)
		}
		str, ok := v.(string)
		if !ok {
			return false, fmt.Errorf("%s is %T, not a string", path, v)
		}
		for _, x := range values {
			if x == str {
				return true, nil
			}
		}
		return false, nil
	})
}

// Equals holds when the value at path equals v (strings, bools, int64,
// decimals by numeric value, Dates).
func Equals(path string, v any) Condition {
	src := path + " == " + fmtValue(v)
	want, wantText := v.(string)
	return ConditionFunc(src, []string{path}, func(s *Scope) (bool, error) {
		if wantText {
			if str, isText := s.lookupText(path); isText {
				return str == want, nil // Lookup's value, without boxing it
			}
		}
		got, ok := s.Lookup(path)
		if !ok {
			return false, fmt.Errorf("%w: no value at %s", ErrInvalidDeal, path)
		}
		if a, ok := got.(decimal.Decimal); ok {
			b, ok := v.(decimal.Decimal)
			return ok && decCmp(a, b) == 0, nil // Equal, without rescaling
		}
		return got == v, nil
	})
}

// AtLeast holds when the decimal at path is >= min.
func AtLeast(path string, min decimal.Decimal) Condition {
	return ConditionFunc(path+" >= "+min.String(), []string{path}, func(s *Scope) (bool, error) {
		v, err := lookupDecimal(s, path)
		if err != nil {
			return false, err
		}
		return decCmp(v, min) >= 0, nil // Cmp, without rescaling
	})
}

// All holds when every condition holds (checked in order, stopping at the
// first that fails).
func All(cs ...Condition) Condition {
	return combine(" && ", cs, true)
}

// Any holds when at least one condition holds.
func Any(cs ...Condition) Condition {
	return combine(" || ", cs, false)
}

// Not negates a condition.
func Not(c Condition) Condition {
	src, reads, known := describe(c)
	return &funcCond{src: "!(" + src + ")", reads: reads, opaque: !known, f: func(s *Scope) (bool, error) {
		ok, err := c.Holds(s)
		return !ok, err
	}}
}

func combine(op string, cs []Condition, all bool) Condition {
	srcs := make([]string, len(cs))
	seen := map[string]bool{}
	var reads []string
	opaque := false
	for i, c := range cs {
		src, r, known := describe(c)
		opaque = opaque || !known
		srcs[i] = "(" + src + ")"
		for _, p := range r {
			if !seen[p] {
				seen[p] = true
				reads = append(reads, p)
			}
		}
	}
	sort.Strings(reads)
	return &funcCond{src: strings.Join(srcs, op), reads: reads, opaque: opaque, f: func(s *Scope) (bool, error) {
		for _, c := range cs {
			ok, err := c.Holds(s)
			if err != nil {
				return false, err
			}
			if ok != all {
				return ok, nil
			}
		}
		return all, nil
	}}
}

// describe returns a condition's source and reads, and false when it is not
// a Describer (then its reads are unknown).
func describe(x any) (string, []string, bool) {
	if d, ok := x.(Describer); ok {
		return d.Source(), d.Reads(), true
	}
	return fmt.Sprintf("%T", x), nil, false
}

func lookupDecimal(s *Scope, path string) (decimal.Decimal, error) {
	if path == PathDealAmount {
		return s.Amount, nil // Lookup's value, without boxing it
	}
	v, ok := s.Lookup(path)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w: no value at %s", ErrInvalidDeal, path)
	}
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case int64:
		return decimal.NewFromInt(x), nil
	}
	return decimal.Decimal{}, fmt.Errorf("%s is %T, not a number", path, v)
}
