package incentive

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

func itoa(i int) string { return strconv.Itoa(i) }

// fmtAmount renders an amount for people: thousands separated by commas, at
// least the currency's minor places, never dropping digits:
// 15000 USD -> "15,000.00", 0.125 USD -> "0.125".
func fmtAmount(d decimal.Decimal, c Currency) string {
	return groupThousands(FormatAmount(trimZeros(d), c))
}

// fmtNumber renders a plain number with thousands separators: "150,000".
func fmtNumber(d decimal.Decimal) string {
	return groupThousands(d.String())
}

// fmtRate renders a rate as a percentage: 0.06 -> "6%", 0.025 -> "2.5%".
func fmtRate(r decimal.Decimal) string {
	return r.Shift(2).String() + "%"
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) > 3 {
		var b strings.Builder
		lead := len(intPart) % 3
		if lead > 0 {
			b.WriteString(intPart[:lead])
		}
		for i := lead; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	if hasFrac {
		intPart += "." + frac
	}
	if neg {
		return "-" + intPart
	}
	return intPart
}

// trimZeros drops trailing fractional zeros (240.0000 -> 240) so display
// shows the digits that matter; FormatAmount pads back to minor units.
// It divides the coefficient by ten while that is exact (reading the
// decimal's text back, as it did, panics past shopspring's 10,000
// places); zero is 0 x 10^0, as its text "0" reads.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	e := d.Exponent()
	if e >= 0 {
		return d
	}
	c := d.Coefficient() // a copy
	if c.Sign() == 0 {
		return decimal.New(0, 0)
	}
	ten := big.NewInt(10)
	q, r := new(big.Int), new(big.Int)
	for e < 0 {
		q.QuoRem(c, ten, r)
		if r.Sign() != 0 {
			break
		}
		c, q = q, c
		e++
	}
	return decimal.NewFromBigInt(c, e)
}
