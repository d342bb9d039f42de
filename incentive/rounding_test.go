package incentive

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestRoundingModes checks every mode on ties and non-ties, positive and
// negative, at 0, 2, 3 and negative places. The expectations are worked out
// by hand from each mode's definition:
//
//	half_up   nearest, ties away from zero    half_even nearest, ties to even
//	half_down nearest, ties toward zero       up        away from zero
//	down      toward zero (truncate)          ceiling   toward +inf
//	floor     toward -inf
func TestRoundingModes(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		in     string
		places int32
		// half_up, half_even, half_down, up, down, ceiling, floor
		want [7]string
	}{
		// Ties at 0 places.
		{"2.5", 0, [7]string{"3", "2", "2", "3", "2", "3", "2"}},
		{"-2.5", 0, [7]string{"-3", "-2", "-2", "-3", "-2", "-2", "-3"}},
		{"3.5", 0, [7]string{"4", "4", "3", "4", "3", "4", "3"}},
		{"-3.5", 0, [7]string{"-4", "-4", "-3", "-4", "-3", "-3", "-4"}},
		{"0.5", 0, [7]string{"1", "0", "0", "1", "0", "1", "0"}},
		{"-0.5", 0, [7]string{"-1", "0", "0", "-1", "0", "0", "-1"}},
		// Non-ties at 0 places.
		{"2.4", 0, [7]string{"2", "2", "2", "3", "2", "3", "2"}},
		{"-2.4", 0, [7]string{"-2", "-2", "-2", "-3", "-2", "-2", "-3"}},
		{"2.6", 0, [7]string{"3", "3", "3", "3", "2", "3", "2"}},
		{"-2.6", 0, [7]string{"-3", "-3", "-3", "-3", "-2", "-2", "-3"}},
		{"2.51", 0, [7]string{"3", "3", "3", "3", "2", "3", "2"}},
		{"2.49", 0, [7]string{"2", "2", "2", "3", "2", "3", "2"}},
		{"-2.51", 0, [7]string{"-3", "-3", "-3", "-3", "-2", "-2", "-3"}},
		{"2", 0, [7]string{"2", "2", "2", "2", "2", "2", "2"}},
		// Cents: 0.125 is a tie between 0.12 and 0.13; half_even keeps the
		// even 2, half_up goes to 3.
		{"0.125", 2, [7]string{"0.13", "0.12", "0.12", "0.13", "0.12", "0.13", "0.12"}},
		{"-0.125", 2, [7]string{"-0.13", "-0.12", "-0.12", "-0.13", "-0.12", "-0.12", "-0.13"}},
		{"0.135", 2, [7]string{"0.14", "0.14", "0.13", "0.14", "0.13", "0.14", "0.13"}},
		{"1.005", 2, [7]string{"1.01", "1.00", "1.00", "1.01", "1.00", "1.01", "1.00"}},
		{"0.1250001", 2, [7]string{"0.13", "0.13", "0.13", "0.13", "0.12", "0.13", "0.12"}},
		{"0.1249999", 2, [7]string{"0.12", "0.12", "0.12", "0.13", "0.12", "0.13", "0.12"}},
		{"-1.999", 2, [7]string{"-2.00", "-2.00", "-2.00", "-2.00", "-1.99", "-1.99", "-2.00"}},
		{"12.3", 2, [7]string{"12.30", "12.30", "12.30", "12.30", "12.30", "12.30", "12.30"}},
		{"32.425", 2, [7]string{"32.43", "32.42", "32.42", "32.43", "32.42", "32.43", "32.42"}},
		// Fils (3 places).
		{"1.0005", 3, [7]string{"1.001", "1.000", "1.000", "1.001", "1.000", "1.001", "1.000"}},
		{"-1.0015", 3, [7]string{"-1.002", "-1.002", "-1.001", "-1.002", "-1.001", "-1.001", "-1.002"}},
		// Negative places: tens and hundreds.
		{"25", -1, [7]string{"30", "20", "20", "30", "20", "30", "20"}},
		{"-35", -1, [7]string{"-40", "-40", "-30", "-40", "-30", "-30", "-40"}},
		{"7", -1, [7]string{"10", "10", "10", "10", "0", "10", "0"}},
		{"1234.5", -2, [7]string{"1200", "1200", "1200", "1300", "1200", "1300", "1200"}},
		{"150", -2, [7]string{"200", "200", "100", "200", "100", "200", "100"}},
		{"-250", -2, [7]string{"-300", "-200", "-200", "-300", "-200", "-200", "-300"}},
		{"-251", -2, [7]string{"-300", "-300", "-300", "-300", "-200", "-200", "-300"}},
	}
	modes := []RoundingMode{HalfUp, HalfEven, HalfDown, Up, Down, Ceiling, Floor}
	for _, tt := range tests {
		for i, mode := range modes {
			got := mode.Round(dec(tt.in), tt.places)
			ck.True(got.Equal(dec(tt.want[i])), "%s %s at %d: want %s, got %s", mode, tt.in, tt.places, tt.want[i], got)
			ck.Equal(-tt.places, got.Exponent(), "%s %s at %d has exactly the asked places", mode, tt.in, tt.places)
		}
	}
}

func TestRoundHalfDownDirect(t *testing.T) {
	ck := moneyCheck{t}
	for _, tt := range []struct {
		in     string
		places int32
		want   string
	}{
		{"2.5", 0, "2"},
		{"-2.5", 0, "-2"},
		{"2.50000001", 0, "3"}, // just past the tie
		{"-2.50000001", 0, "-3"},
		{"2.4999", 0, "2"},
		{"0.005", 2, "0.00"},
		{"0.0051", 2, "0.01"},
		{"1.23", 2, "1.23"}, // already at the scale
		{"1.2", 2, "1.20"},
		{"50", -2, "0"},
		{"51", -2, "100"},
		{"-50", -2, "0"},
	} {
		got := roundHalfDown(dec(tt.in), tt.places)
		ck.True(got.Equal(dec(tt.want)), "%s at %d: want %s, got %s", tt.in, tt.places, tt.want, got)
		ck.Equal(-tt.places, got.Exponent(), tt.in)
	}
}

func TestRoundingModeNames(t *testing.T) {
	ck := moneyCheck{t}
	ck.Len(RoundingModes(), 7)
	for _, m := range RoundingModes() {
		got, err := ParseRoundingMode(string(m))
		ck.NoError(err)
		ck.Equal(m, got)
		ck.True(m.Valid())
	}
	for _, bad := range []string{"", "HALF_UP", "halfup", "bankers", "round"} {
		_, err := ParseRoundingMode(bad)
		ck.True(err != nil, bad)
		ck.False(RoundingMode(bad).Valid(), bad)
	}
	ck.Equal(HalfUp, DefaultRoundingMode)
	ck.Equal(HalfUp, RoundingMode("").OrDefault())
	ck.Equal(Floor, Floor.OrDefault())
	// The empty mode rounds as the default (half_up): 0.125 -> 0.13.
	ck.Equal("0.13", RoundingMode("").Round(dec("0.125"), 2).String())
}

// refRound is an independent reference for RoundingMode.Round written from
// the definitions with big integers: it finds the two neighbouring multiples
// lo <= d < hi of the unit 10^-places and picks one.
func refRound(d decimal.Decimal, places int32, mode RoundingMode) decimal.Decimal {
	// d / unit = c x 10^(e+places)
	c, k := d.Coefficient(), int64(d.Exponent())+int64(places)
	if k >= 0 {
		return d // already a multiple of the unit
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(-k), nil)
	q, r := new(big.Int).DivMod(c, p, new(big.Int)) // floor division, 0 <= r < p
	if r.Sign() == 0 {
		return decimal.NewFromBigInt(q, -places)
	}
	lo := decimal.NewFromBigInt(q, -places)
	hi := decimal.NewFromBigInt(new(big.Int).Add(q, big.NewInt(1)), -places)
	pos := d.Sign() > 0
	tie := new(big.Int).Lsh(r, 1).Cmp(p) // compare d-lo with hi-d
	switch mode {
	case Floor:
		return lo
	case Ceiling:
		return hi
	case Down:
		if pos {
			return lo
		}
		return hi
	case Up:
		if pos {
			return hi
		}
		return lo
	}
	switch {
	case tie < 0:
		return lo
	case tie > 0:
		return hi
	}
	switch mode {
	case HalfEven:
		if q.Bit(0) == 0 {
			return lo
		}
		return hi
	case HalfDown:
		if pos {
			return lo
		}
		return hi
	default: // HalfUp
		if pos {
			return hi
		}
		return lo
	}
}

// genDecimal draws decimals of varied size and scale, including values past
// int64 and exact ties.
func genDecimal(t *rapid.T, label string) decimal.Decimal {
	coef := big.NewInt(rapid.Int64().Draw(t, label+".coef"))
	if rapid.Bool().Draw(t, label+".big") {
		coef.Mul(coef, big.NewInt(rapid.Int64Range(1, 1<<62).Draw(t, label+".mul")))
	}
	if rapid.Bool().Draw(t, label+".tie") {
		// end in 5 followed by zeros: a tie at some scale
		coef.Mul(coef, big.NewInt(10))
		coef.Add(coef, big.NewInt(5))
	}
	return decimal.NewFromBigInt(coef, rapid.Int32Range(-12, 6).Draw(t, label+".exp"))
}

func TestRoundProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDecimal(t, "d")
		places := rapid.Int32Range(-4, 8).Draw(t, "places")
		mode := rapid.SampledFrom(RoundingModes()).Draw(t, "mode")
		got := mode.Round(d, places)

		// At most `places` decimals: exactly that exponent.
		if got.Exponent() != -places {
			t.Fatalf("%s(%s, %d) = %s has exponent %d", mode, d, places, got, got.Exponent())
		}
		// Within one unit of the input.
		unit := decimal.New(1, -places)
		if got.Sub(d).Abs().Cmp(unit) >= 0 {
			t.Fatalf("%s(%s, %d) = %s is a unit or more away", mode, d, places, got)
		}
		// Direction rules.
		switch mode {
		case Down:
			if got.Abs().Cmp(d.Abs()) > 0 {
				t.Fatalf("down grew |%s| to %s", d, got)
			}
		case Up:
			if got.Abs().Cmp(d.Abs()) < 0 {
				t.Fatalf("up shrank |%s| to %s", d, got)
			}
		case Ceiling:
			if got.Cmp(d) < 0 {
				t.Fatalf("ceiling went down: %s -> %s", d, got)
			}
		case Floor:
			if got.Cmp(d) > 0 {
				t.Fatalf("floor went up: %s -> %s", d, got)
			}
		default: // half modes: within half a unit
			half := decimal.New(5, -places-1)
			if got.Sub(d).Abs().Cmp(half) > 0 {
				t.Fatalf("%s(%s, %d) = %s is more than half a unit away", mode, d, places, got)
			}
		}
		// Agrees with the independent reference.
		if want := refRound(d, places, mode); !got.Equal(want) {
			t.Fatalf("%s(%s, %d) = %s, reference says %s", mode, d, places, got, want)
		}
		// Rounding a rounded value changes nothing.
		if again := mode.Round(got, places); !again.Equal(got) {
			t.Fatalf("%s not idempotent: %s -> %s", mode, got, again)
		}
	})
}
