package ledger

import (
	"math"
	"time"

	"github.com/shopspring/decimal"
)

var utc = time.UTC

// acc sums decimals exactly. While the addends share one exponent and the
// sum fits in an int64 it adds machine integers (no allocation); anything
// else goes to an exact decimal remainder.
type acc struct {
	n    int64
	exp  int32
	set  bool
	rest decimal.Decimal
}

func (a *acc) add(x decimal.Decimal) {
	if x.NumDigits() <= 18 && (!a.set || x.Exponent() == a.exp) {
		c := x.CoefficientInt64()
		if (c > 0 && a.n <= math.MaxInt64-c) || (c <= 0 && a.n >= math.MinInt64-c) {
			a.n += c
			a.exp, a.set = x.Exponent(), true
			return
		}
	}
	a.rest = a.rest.Add(x)
}

func (a *acc) value() decimal.Decimal {
	if !a.set {
		return a.rest
	}
	return decimal.New(a.n, a.exp).Add(a.rest)
}
