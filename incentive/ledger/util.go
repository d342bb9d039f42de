package ledger

import (
	"math"
	"time"

	"github.com/partnerops/partnerops/internal/deccoef"
	"github.com/shopspring/decimal"
)

var utc = time.UTC

// acc sums decimals exactly. While the addends share one exponent and the
// sum fits in an int64 it adds machine integers (no allocation); anything
// else goes to an exact decimal remainder. (deccoef.Small reads the
// coefficient in place, without shopspring's digit count.)
type acc struct {
	n    int64
	exp  int32
	set  bool
	rest decimal.Decimal
}

func (a *acc) add(x decimal.Decimal) {
	if c, e, ok := deccoef.Small(x); ok && (!a.set || e == a.exp) {
		if (c > 0 && a.n <= math.MaxInt64-c) || (c <= 0 && a.n >= math.MinInt64-c) {
			a.n += c
			a.exp, a.set = e, true
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
