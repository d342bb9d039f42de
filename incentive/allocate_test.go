package incentive

import (
	"math/big"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// allocRatios builds decimals from their text.
func allocRatios(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(s)
	}
	return out
}

// partStrings renders parts with Money.String.
func partStrings(parts []Money) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// allocT is what checkSum needs of *testing.T and *rapid.T.
type allocT interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// checkSum fails unless parts add up exactly to whole.
func checkSum(t allocT, whole Money, parts []Money) {
	t.Helper()
	sum := Zero(whole.Currency())
	for _, p := range parts {
		var err error
		if sum, err = sum.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if !sum.Equal(whole) {
		t.Fatalf("parts %s sum to %s, not %s", partStrings(parts), sum, whole)
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name   string
		amount string
		cur    string
		ratios []string
		want   string
	}{
		{
			// 10000 cents x 1/6 = 1666.67, x 2/6 = 3333.33, x 3/6 = 5000:
			// floors 1666 + 3333 + 5000 = 9999, one cent left; the largest
			// fraction is part 1's (0.67) -> 16.67, 33.33, 50.00.
			name: "largest remainder first", amount: "100.00", cur: "USD",
			ratios: []string{"1", "2", "3"}, want: "16.67 USD, 33.33 USD, 50.00 USD",
		},
		{
			// 10 cents x 1/3 = 3.33, x 2/3 = 6.67: floors 3 + 6 = 9, the cent
			// left goes to part 2 (fraction 0.67 beats 0.33), not to the
			// lower index.
			name: "remainder not at index 0", amount: "0.10", cur: "USD",
			ratios: []string{"1", "2"}, want: "0.03 USD, 0.07 USD",
		},
		{
			// 100000 cents x 0.5/0.3/0.2 = 50000, 30000, 20000: exact.
			name: "exact shares", amount: "1000.00", cur: "USD",
			ratios: []string{"0.5", "0.3", "0.2"}, want: "500.00 USD, 300.00 USD, 200.00 USD",
		},
		{
			// 1 cent x 1/2 each = 0.5, 0.5: tie, lower index wins.
			name: "tie to lower index", amount: "0.01", cur: "USD",
			ratios: []string{"1", "1"}, want: "0.01 USD, 0.00 USD",
		},
		{
			// 1 cent x 0, 1/2, 1/2: the zero ratio gets 0; parts 2 and 3
			// tie at 0.5 and part 2 (lower index) gets the cent.
			name: "zero ratio gets nothing", amount: "0.01", cur: "USD",
			ratios: []string{"0", "1", "1"}, want: "0.00 USD, 0.01 USD, 0.00 USD",
		},
		{
			// Weights on a common scale: 0.25 and 3 are 25 and 300 of 325.
			// 1300 cents x 25/325 = 100, x 300/325 = 1200.
			name: "ratios of different scales", amount: "13.00", cur: "USD",
			ratios: []string{"0.25", "3"}, want: "1.00 USD, 12.00 USD",
		},
		{
			// 2000 and 1000 (written with an exponent): 2:1 of 300 cents.
			name: "ratios with exponents", amount: "3", cur: "USD",
			ratios: []string{"2e3", "1e3"}, want: "2.00 USD, 1.00 USD",
		},
		{
			// Negative: the magnitude is allocated (see "remainder not at
			// index 0") and each part negated.
			name: "negative amount", amount: "-0.10", cur: "USD",
			ratios: []string{"1", "2"}, want: "-0.03 USD, -0.07 USD",
		},
		{
			// 10 yen x 1/4 = 2.5 each: floors 2 x 4 = 8, 2 yen left to
			// parts 1 and 2 (all tie).
			name: "JPY whole yen", amount: "10", cur: "JPY",
			ratios: []string{"1", "1", "1", "1"}, want: "3 JPY, 3 JPY, 2 JPY, 2 JPY",
		},
		{
			// 1000 fils / 3 = 333.33: 333 x 3 = 999, 1 fil to part 1.
			name: "KWD fils", amount: "1", cur: "KWD",
			ratios: []string{"1", "1", "1"}, want: "0.334 KWD, 0.333 KWD, 0.333 KWD",
		},
		{
			// A trailing zero beyond the cents is fine: 10.500 is 1050 cents.
			name: "trailing zero", amount: "10.500", cur: "USD",
			ratios: []string{"1", "1"}, want: "5.25 USD, 5.25 USD",
		},
		{
			name: "zero amount", amount: "0", cur: "USD",
			ratios: []string{"1", "2"}, want: "0.00 USD, 0.00 USD",
		},
		{
			name: "one ratio", amount: "12.34", cur: "USD",
			ratios: []string{"0.001"}, want: "12.34 USD",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ck := moneyCheck{t}
			m := MustParseMoney(tt.amount, tt.cur)
			parts, err := m.Allocate(allocRatios(tt.ratios...)...)
			ck.NoError(err)
			ck.Equal(tt.want, partStrings(parts))
			checkSum(t, m, parts)
			for _, p := range parts {
				ck.Equal(-m.Currency().MinorUnits(), p.Amount().Exponent(), "parts are at the minor unit")
			}
		})
	}
}

func TestAllocateAt(t *testing.T) {
	ck := moneyCheck{t}
	hundred := MustParseMoney("100", "USD")

	// Whole dollars: 100 / 3 -> 34, 33, 33.
	parts, err := hundred.AllocateAt(0, allocRatios("1", "1", "1")...)
	ck.NoError(err)
	ck.Equal("34.00 USD, 33.00 USD, 33.00 USD", partStrings(parts))
	ck.Equal("34", parts[0].Amount().String())

	// Hundreds: 1000 is 10 hundreds; / 3 -> 4, 3, 3 hundreds.
	parts, err = MustParseMoney("1000", "USD").AllocateAt(-2, allocRatios("1", "1", "1")...)
	ck.NoError(err)
	ck.Equal("400.00 USD, 300.00 USD, 300.00 USD", partStrings(parts))

	// Four places: 10000 units / 3 -> 3334, 3333, 3333.
	parts, err = MustParseMoney("1", "USD").AllocateAt(4, allocRatios("1", "1", "1")...)
	ck.NoError(err)
	ck.Equal("0.3334 USD, 0.3333 USD, 0.3333 USD", partStrings(parts))

	// An amount finer than cents allocates at its own scale when asked:
	// 10005 thousandths / 2 = 5002.5 each -> 5003, 5002 (tie, lower index).
	m := MustParseMoney("10.005", "USD")
	parts, err = m.AllocateAt(3, allocRatios("1", "1")...)
	ck.NoError(err)
	ck.Equal("5.003 USD, 5.002 USD", partStrings(parts))
	checkSum(t, m, parts)

	// Negative amounts at a negative scale: -10 hundreds -> -4, -3, -3.
	parts, err = MustParseMoney("-1000", "USD").AllocateAt(-2, allocRatios("1", "1", "1")...)
	ck.NoError(err)
	ck.Equal("-400.00 USD, -300.00 USD, -300.00 USD", partStrings(parts))
}

func TestSplit(t *testing.T) {
	tests := []struct {
		amount, cur string
		n           int
		want        string
	}{
		{"100.00", "USD", 3, "33.34 USD, 33.33 USD, 33.33 USD"},     // 10000 = 3334 + 3333 + 3333
		{"-100.00", "USD", 3, "-33.34 USD, -33.33 USD, -33.33 USD"}, // the same, negated
		{"0.05", "USD", 3, "0.02 USD, 0.02 USD, 0.01 USD"},          // 5 = 2 + 2 + 1
		{"0.02", "USD", 5, "0.01 USD, 0.01 USD, 0.00 USD, 0.00 USD, 0.00 USD"},
		{"7", "JPY", 2, "4 JPY, 3 JPY"},
		{"12.34", "EUR", 1, "12.34 EUR"},
		{"0.010", "BHD", 4, "0.003 BHD, 0.003 BHD, 0.002 BHD, 0.002 BHD"}, // 10 fils = 3 + 3 + 2 + 2
	}
	for _, tt := range tests {
		ck := moneyCheck{t}
		m := MustParseMoney(tt.amount, tt.cur)
		parts, err := m.Split(tt.n)
		ck.NoError(err)
		ck.Equal(tt.want, partStrings(parts), tt.amount)
		checkSum(t, m, parts)
	}
}

func TestAllocateErrors(t *testing.T) {
	ck := moneyCheck{t}
	m := MustParseMoney("100.00", "USD")

	_, err := m.Allocate()
	ck.ErrorIs(err, ErrInvalidAmount)
	ck.Contains(err.Error(), "no ratios")

	_, err = m.Allocate(allocRatios("1", "-1")...)
	ck.ErrorIs(err, ErrInvalidAmount)
	ck.Contains(err.Error(), "ratio 2 is negative (-1)")

	_, err = m.Allocate(allocRatios("0", "0.00")...)
	ck.ErrorIs(err, ErrDivisionByZero)
	ck.Contains(err.Error(), "all 2 ratios are zero")

	// More places than the currency has: an error, never a silent rounding.
	_, err = MustParseMoney("10.005", "USD").Allocate(allocRatios("1", "1")...)
	ck.ErrorIs(err, ErrInvalidAmount)
	ck.Contains(err.Error(), "more places")
	_, err = MustParseMoney("0.5", "JPY").Split(2)
	ck.ErrorIs(err, ErrInvalidAmount)
	_, err = MustParseMoney("150", "USD").AllocateAt(-2, allocRatios("1")...)
	ck.ErrorIs(err, ErrInvalidAmount)

	for _, n := range []int{0, -1, MaxSplitParts + 1} {
		_, err = m.Split(n)
		ck.ErrorIs(err, ErrInvalidAmount, n)
	}

	_, err = Money{}.Split(2)
	ck.ErrorIs(err, ErrUnknownCurrency)
	_, err = NewMoney(dec("1"), "XYZ").Allocate(allocRatios("1")...)
	ck.ErrorIs(err, ErrUnknownCurrency)

	_, err = m.AllocateAt(31, allocRatios("1")...)
	ck.ErrorIs(err, ErrInvalidAmount)
	_, err = m.AllocateAt(-31, allocRatios("1")...)
	ck.ErrorIs(err, ErrInvalidAmount)
}

// genRatios draws 1..8 non-negative ratios of varied scale, at least one
// positive.
func genRatios(t *rapid.T) []decimal.Decimal {
	n := rapid.IntRange(1, 8).Draw(t, "n")
	rs := make([]decimal.Decimal, n)
	nonzero := false
	for i := range rs {
		c := rapid.Int64Range(0, 1_000_000).Draw(t, "ratio.coef")
		if rapid.IntRange(0, 4).Draw(t, "ratio.zero") == 0 {
			c = 0
		}
		rs[i] = decimal.New(c, rapid.Int32Range(-6, 3).Draw(t, "ratio.exp"))
		nonzero = nonzero || c > 0
	}
	if !nonzero {
		rs[rapid.IntRange(0, n-1).Draw(t, "force")] = decimal.NewFromInt(1)
	}
	return rs
}

// genMoney draws an amount, possibly negative, at the currency's minor unit.
func genMoney(t *rapid.T) Money {
	c := rapid.SampledFrom([]Currency{USD, JPY, KWD, EUR}).Draw(t, "currency")
	units := big.NewInt(rapid.Int64().Draw(t, "units"))
	if rapid.Bool().Draw(t, "huge") {
		units.Mul(units, big.NewInt(rapid.Int64().Draw(t, "factor")))
	}
	return NewMoney(decimal.NewFromBigInt(units, -c.MinorUnits()), c)
}

// exactShare is m x r_i / sum(r), as an exact fraction.
func exactShare(m Money, rs []decimal.Decimal, i int) *big.Rat {
	total := new(big.Rat)
	for _, r := range rs {
		total.Add(total, r.Rat())
	}
	share := new(big.Rat).Mul(m.Amount().Rat(), rs[i].Rat())
	return share.Quo(share, total)
}

func TestAllocateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMoney(t)
		rs := genRatios(t)
		parts, err := m.Allocate(rs...)
		if err != nil {
			t.Fatalf("Allocate(%s, %v): %v", m, rs, err)
		}
		if len(parts) != len(rs) {
			t.Fatalf("%d parts for %d ratios", len(parts), len(rs))
		}
		checkSum(t, m, parts)

		unit := decimal.New(1, -m.Currency().MinorUnits()).Rat()
		for i, p := range parts {
			if p.Currency() != m.Currency() {
				t.Fatalf("part %d in %s", i, p.Currency())
			}
			if !p.Amount().Shift(m.Currency().MinorUnits()).IsInteger() {
				t.Fatalf("part %d = %s is not a whole minor unit", i, p)
			}
			// Less than one unit from the exact share.
			diff := new(big.Rat).Sub(p.Amount().Rat(), exactShare(m, rs, i))
			if diff.Abs(diff).Cmp(unit) >= 0 {
				t.Fatalf("part %d = %s is a unit or more from its share %s", i, p, exactShare(m, rs, i).FloatString(6))
			}
			if rs[i].IsZero() && !p.IsZero() {
				t.Fatalf("zero ratio %d got %s", i, p)
			}
			if p.Sign()*m.Sign() < 0 {
				t.Fatalf("part %d = %s has the wrong sign for %s", i, p, m)
			}
		}

		// Deterministic, and the parts of -m are the negated parts of m.
		again, _ := m.Allocate(rs...)
		neg, err := m.Neg().Allocate(rs...)
		if err != nil {
			t.Fatal(err)
		}
		for i := range parts {
			if !again[i].Equal(parts[i]) {
				t.Fatalf("second run differs at %d: %s vs %s", i, again[i], parts[i])
			}
			if !neg[i].Equal(parts[i].Neg()) {
				t.Fatalf("-m part %d = %s, want %s", i, neg[i], parts[i].Neg())
			}
		}
	})
}

func TestSplitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMoney(t)
		n := rapid.IntRange(1, 200).Draw(t, "n")
		parts, err := m.Split(n)
		if err != nil {
			t.Fatalf("Split(%s, %d): %v", m, n, err)
		}
		if len(parts) != n {
			t.Fatalf("%d parts, want %d", len(parts), n)
		}
		checkSum(t, m, parts)
		// Parts differ by at most one unit and never increase in magnitude.
		unit := decimal.New(1, -m.Currency().MinorUnits())
		for i := 1; i < n; i++ {
			a, b := parts[i-1].Amount().Abs(), parts[i].Amount().Abs()
			if a.Cmp(b) < 0 || a.Sub(b).Cmp(unit) > 0 {
				t.Fatalf("parts %d and %d: %s then %s", i-1, i, parts[i-1], parts[i])
			}
		}
	})
}
